"""Tests of burnout.cleaning on the replica: contract, rules, log-derived flow, privacy."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from burnout.cleaning import TABLE_NAMES, clean_study, flow_from_exclusions, write_clean_outputs
from burnout.paths import study_paths
from burnout.privacy import find_identifiers

RAW = study_paths("mentorship").raw

CONTRACT = {
    "participants": ["student_id", "site", "group", "age", "gender", "applying_em",
                     "rotation_block", "has_pre", "has_post", "analysed"],
    "mbi_items": ["student_id", "wave"] + [f"mbi_{item:02d}" for item in range(1, 23)],
    "student_survey": ["response_id", "student_id", "positive_rotation", "decreased_stress",
                       "career_guidance", "personal_development", "professional_development",
                       "recommend", "comments"],
    "mentor_survey": ["response_id", "mentor_id", "site", "enjoyed", "participate_again",
                      "improved_teaching", "connected_with_students", "time_manageable",
                      "hours", "meetings", "comments"],
    "mentors": ["mentor_id", "site", "postgraduate_year"],
    "themes": ["theme", "label", "definition", "inclusion", "exclusion"],
    "theme_codes": ["response_id", "respondent_type", "coder", "theme", "present"],
    "exclusions": ["record", "file", "stage", "reason", "group"],
    "flow": ["step", "group", "n"],
}


def _digests(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def tables():
    return clean_study(RAW)


def test_contract_columns(tables):
    assert list(tables) == list(TABLE_NAMES)
    for name, columns in CONTRACT.items():
        assert list(tables[name].columns) == columns, name


def test_categories_are_codes(tables):
    participants = tables["participants"]
    assert set(participants["site"]) == {"site_1", "site_2"}
    assert set(participants["group"]) == {"intervention", "control"}
    assert set(participants["gender"]) <= {"female", "male", "nonbinary"}
    assert participants["student_id"].is_unique
    items = tables["mbi_items"]
    values = items.filter(like="mbi_").stack()
    assert values.between(0, 6).all()
    assert not items.duplicated(["student_id", "wave"]).any()
    assert set(tables["mentors"]["site"]) == {"site_1", "site_2"}


def test_flow_comes_from_the_log_and_matches_participants(tables):
    flow = tables["flow"].set_index(["step", "group"])["n"]
    participants = tables["participants"]
    for group, members in participants.groupby("group"):
        assert flow[("enrolled", group)] == len(members)
        assert flow[("analysed", group)] == members["analysed"].sum()
        assert flow[("completed_pre", group)] >= flow[("completed_post", group)]
    recomputed = flow_from_exclusions(participants, tables["exclusions"])
    pd.testing.assert_frame_equal(recomputed, tables["flow"])


def test_every_non_analysed_student_is_logged(tables):
    participants = tables["participants"]
    log = tables["exclusions"]
    excluded = set(participants.loc[participants["analysed"] == 0, "student_id"])
    flow_stages = {"withdrawal", "pre_survey", "post_survey", "analysis"}
    assert excluded == set(log.loc[log["stage"].isin(flow_stages), "record"])
    withdrawn = set(log.loc[(log["stage"] == "withdrawal") & (log["file"] == "students.csv"),
                            "record"])
    assert not withdrawn & set(tables["mbi_items"]["student_id"])


def test_duplicates_keep_the_first_finished_submission(tables):
    log = tables["exclusions"]
    duplicates = log.loc[log["stage"] == "deduplicate"]
    assert len(duplicates) > 0
    assert duplicates["reason"].str.contains("kept").all()


def test_no_identifier_reaches_the_outputs(tables, tmp_path):
    write_clean_outputs(tables, tmp_path)
    roster = pd.read_csv(RAW / "students.csv", dtype=str)
    last_names = set(roster["last_name"])
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8")
        assert find_identifiers(text) == [], path.name
        assert "@" not in text and "email" not in text.splitlines()[0]
        words = set(re.findall(r"[A-Z][a-z]+", text))
        assert not words & last_names, (path.name, words & last_names)
    comments = pd.concat([tables["student_survey"]["comments"],
                          tables["mentor_survey"]["comments"]]).dropna()
    assert comments.str.contains(r"\[(?:email|phone|name)\]").sum() >= 3


def test_writing_is_byte_reproducible(tables, tmp_path):
    write_clean_outputs(tables, tmp_path / "a")
    write_clean_outputs(clean_study(RAW), tmp_path / "b")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")


_email = st.builds("{}.{}@{}.edu".format, st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                   st.from_regex(r"[a-z]{1,8}", fullmatch=True),
                   st.from_regex(r"[a-z]{2,8}", fullmatch=True))
_phone = st.builds("({}) {}-{:04d}".format, st.integers(200, 999), st.integers(200, 999),
                   st.integers(0, 9999))
_word = st.sampled_from(["great", "mentor", "call", "me", "at", "thanks", "6", "hours", ",", "!"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_word, _email, _phone), min_size=1, max_size=12))
def test_cleaning_never_changes_raw_files_and_scrubs_any_comment(tokens):
    """Property: whatever a respondent typed, the raw files stay byte-identical and no e-mail
    address or phone number pattern reaches the cleaned tables."""
    import csv
    import io
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw"
        shutil.copytree(RAW, raw)
        rows = list(csv.reader(io.StringIO((raw / "student_evaluation.csv").read_text(
            encoding="utf-8"), newline="")))
        rows[1][-1] = " ".join(tokens)
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        (raw / "student_evaluation.csv").write_text(buffer.getvalue(), encoding="utf-8")
        before = _digests(raw)
        tables = clean_study(raw)
        assert _digests(raw) == before
        out = Path(scratch) / "processed"
        write_clean_outputs(tables, out)
        for path in out.iterdir():
            assert find_identifiers(path.read_text(encoding="utf-8")) == [], path.name
