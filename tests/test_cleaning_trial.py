"""Cleaning a randomized trial's export (burnout.cleaning, the survey-wave codebook of Study B)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from burnout.cleaning import (
    TRIAL_FLOW_STEPS,
    TRIAL_TABLE_NAMES,
    clean_study,
    flow_from_exclusions,
    write_clean_outputs,
)
from burnout.errors import DataError
from burnout.paths import study_paths

RAW = study_paths("coaching").raw


@pytest.fixture(scope="module")
def tables():
    return clean_study(RAW, per_protocol_min_sessions=8)


def test_trial_tables_and_intent_to_treat(tables):
    assert list(tables) == list(TRIAL_TABLE_NAMES)
    participants = tables["participants"]
    assert len(participants) == 390
    assert participants["analysed"].eq(1).all()  # everyone randomized is analysed
    assert participants.groupby("group").size().to_dict() == {"control": 193,
                                                              "intervention": 197}
    assert not {"email", "first_name", "last_name"} & set(participants.columns)


def test_per_protocol_needs_follow_up_and_sessions(tables):
    participants = tables["participants"]
    protocol = participants.loc[participants["per_protocol"] == 1]
    assert protocol["has_post"].eq(1).all()
    coached = protocol.loc[protocol["group"] == "intervention", "sessions_attended"]
    assert (coached >= 8).all()
    control = participants.loc[participants["group"] == "control"]
    assert (control["per_protocol"] == control["has_post"]).all()


def test_flow_comes_from_the_log(tables):
    flow = tables["flow"].set_index(["step", "group"])["n"]
    participants = tables["participants"]
    for group, members in participants.groupby("group"):
        assert flow[("randomized", group)] == len(members)
        assert flow[("completed_post", group)] == members["has_post"].sum()
        assert flow[("per_protocol", group)] == members["per_protocol"].sum()
        assert flow[("analysed", group)] == len(members)
    recomputed = flow_from_exclusions(participants, tables["exclusions"], TRIAL_FLOW_STEPS)
    pd.testing.assert_frame_equal(recomputed, tables["flow"])


def test_one_survey_per_student_and_wave(tables):
    items = tables["survey_items"]
    assert not items.duplicated(["student_id", "wave"]).any()
    assert (items["wave"] == "pre").sum() == 390
    dropped = tables["exclusions"].query("stage == 'deduplicate'")
    assert len(dropped) > 0


def test_write_trial_outputs(tables, tmp_path):
    written = write_clean_outputs(tables, tmp_path)
    assert [path.stem for path in written] == list(TRIAL_TABLE_NAMES)
    with pytest.raises(DataError, match="missing"):
        write_clean_outputs({"survey_items": tables["survey_items"]}, tmp_path)


def test_out_of_range_item_names_file_row_and_column(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    survey = (raw / "survey_post.csv").read_text(encoding="utf-8").splitlines()
    header = survey[0].split(",")
    cells = survey[1].split(",")
    cells[header.index("self_compassion_03")] = "9"
    survey[1] = ",".join(cells)
    (raw / "survey_post.csv").write_text("\n".join(survey) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"survey_post\.csv.*row 2.*self_compassion_03"):
        clean_study(raw)
