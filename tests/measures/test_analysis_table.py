"""Tests of burnout.measures.analysis_table: the wide and long analysis tables of the scoring stage.

Expected scores are worked out by hand (every item of a questionnaire answered the same value
v gives EE = 9v, DP = 5v, PA = 8v).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import DataError
from burnout.core.io import write_csv
from burnout.measures.analysis_table import (
    build_analysis_table,
    count_missing_scores,
    scoring_numbers,
)
from burnout.measures.reliability import cronbach_alpha_table
from burnout.report.numbers import KEY_PATTERN

# The processed-data contract (AGENTS.md) for analysis.csv and analysis_long.csv.
CONTRACT_WIDE = [
    "student_id", "site", "group", "age", "gender", "applying_em", "rotation_block",
    "ee_pre", "ee_post", "ee_change", "dp_pre", "dp_post", "dp_change", "pa_pre", "pa_post",
    "pa_change", "high_ee_pre", "high_ee_post", "high_dp_pre", "high_dp_post", "low_pa_pre",
    "low_pa_post", "burnout_pre", "burnout_post",
]
CONTRACT_LONG = ["student_id", "site", "group", "time", "ee", "dp", "pa", "burnout"]
ITEMS = [f"mbi_{number:02d}" for number in range(1, 23)]


@pytest.fixture
def participants() -> pd.DataFrame:
    return pd.DataFrame({
        "student_id": ["S001", "S002", "S003", "S004", "S005"],
        "site": ["site_1", "site_1", "site_2", "site_2", "site_1"],
        "group": ["intervention", "control", "intervention", "control", "control"],
        "age": [26, 27, 25, 28, 26],
        "gender": ["female", "male", "nonbinary", "female", "male"],
        "applying_em": [1, 0, 1, 0, 1],
        "rotation_block": [1, 2, 3, 1, 2],
        "has_pre": [1, 1, 1, 1, 1],
        "has_post": [1, 1, 0, 1, 1],
        "analysed": [1, 1, 1, 1, 0],
    })


def _questionnaire(student: str, wave: str, value: float, missing: tuple[int, ...] = ()
                   ) -> dict:
    row = {"student_id": student, "wave": wave}
    row.update({item: value for item in ITEMS})
    row.update({f"mbi_{number:02d}": np.nan for number in missing})
    return row


@pytest.fixture
def mbi_items() -> pd.DataFrame:
    return pd.DataFrame([
        _questionnaire("S001", "pre", 4), _questionnaire("S001", "post", 2),
        _questionnaire("S002", "post", 1), _questionnaire("S002", "pre", 3),  # order irrelevant
        _questionnaire("S003", "pre", 5),                                      # no post wave
        _questionnaire("S004", "pre", 2, missing=(5, 10)),                     # DP unscorable
        _questionnaire("S004", "post", 2, missing=(5,)),                       # DP prorated
        _questionnaire("S005", "pre", 6), _questionnaire("S005", "post", 6),   # not analysed
    ])


def test_wide_table_follows_the_contract(participants, mbi_items):
    analysis, _ = build_analysis_table(participants, mbi_items)
    assert list(analysis.columns) == CONTRACT_WIDE
    assert analysis["student_id"].tolist() == ["S001", "S002", "S003", "S004"]  # S005 not analysed
    s001 = analysis.iloc[0]
    # pre: all 4 -> EE 36, DP 20, PA 32; post: all 2 -> EE 18, DP 10, PA 16
    assert (s001["ee_pre"], s001["ee_post"], s001["ee_change"]) == (36.0, 18.0, -18.0)
    assert (s001["dp_pre"], s001["dp_post"], s001["dp_change"]) == (20.0, 10.0, -10.0)
    assert (s001["pa_pre"], s001["pa_post"], s001["pa_change"]) == (32.0, 16.0, -16.0)
    assert (s001["high_ee_pre"], s001["high_ee_post"]) == (1, 0)
    assert (s001["high_dp_pre"], s001["high_dp_post"], s001["low_pa_post"]) == (1, 1, 1)
    assert (s001["burnout_pre"], s001["burnout_post"]) == (1, 1)
    s002 = analysis.iloc[1]
    # pre all 3: EE 27 (high), DP 15 (high); post all 1: EE 9, DP 5, PA 8
    assert (s002["ee_change"], s002["dp_change"], s002["pa_change"]) == (-18.0, -10.0, -16.0)
    assert (s002["burnout_pre"], s002["burnout_post"]) == (1, 0)
    assert s002["age"] == 27 and s002["gender"] == "male"


def test_missing_scores_stay_missing(participants, mbi_items):
    analysis, analysis_long = build_analysis_table(participants, mbi_items)
    s003 = analysis.set_index("student_id").loc["S003"]
    assert s003["ee_pre"] == 45.0
    assert np.isnan(s003["ee_post"]) and np.isnan(s003["ee_change"])
    assert pd.isna(s003["burnout_post"]) and pd.isna(s003["high_ee_post"])
    s004 = analysis.set_index("student_id").loc["S004"]
    # pre: two DP items missing -> DP missing; post: one missing -> 2 x 4 / 4 x 5 = 10
    assert np.isnan(s004["dp_pre"]) and s004["dp_post"] == 10.0
    assert np.isnan(s004["dp_change"])
    assert s004["ee_change"] == 0.0
    # pre: EE 18 not high, DP unknown -> burnout unknown; post: DP 10 high -> burnout
    assert pd.isna(s004["burnout_pre"]) and s004["burnout_post"] == 1
    assert len(analysis_long) == 2 * 4


def test_long_table(participants, mbi_items):
    _, analysis_long = build_analysis_table(participants, mbi_items)
    assert list(analysis_long.columns) == CONTRACT_LONG + ["high_ee", "high_dp", "low_pa"]
    assert analysis_long["time"].tolist() == ["pre", "post"] * 4
    s002 = analysis_long.loc[analysis_long["student_id"] == "S002"]
    assert s002["ee"].tolist() == [27.0, 9.0]
    assert s002["group"].unique().tolist() == ["control"]
    s003_post = analysis_long.loc[(analysis_long["student_id"] == "S003")
                                  & (analysis_long["time"] == "post")]
    assert s003_post[["ee", "dp", "pa"]].isna().all().all()


def test_cutoffs_and_burnout_rule_are_parameters(participants, mbi_items):
    analysis, _ = build_analysis_table(participants, mbi_items, cutoffs={"high_ee": 40},
                                       burnout_rule="ee_and_dp_or_pa")
    s001 = analysis.iloc[0]
    # EE 36 is no longer high (>= 40), so "EE and (DP or PA)" is 0 before and after
    assert (s001["high_ee_pre"], s001["burnout_pre"], s001["burnout_post"]) == (0, 0, 0)
    with pytest.raises(DataError, match="known rules"):
        build_analysis_table(participants, mbi_items, burnout_rule="anything")


def test_count_missing_scores(participants, mbi_items):
    _, analysis_long = build_analysis_table(participants, mbi_items)
    counts = count_missing_scores(analysis_long, ["ee", "dp"])
    assert list(counts.columns) == ["score", "time", "group", "students", "scored", "missing"]
    indexed = counts.set_index(["score", "time", "group"])
    assert indexed.loc[("ee", "post", "intervention")].tolist() == [2, 1, 1]  # S003 no post
    assert indexed.loc[("dp", "pre", "control")].tolist() == [2, 1, 1]        # S004 DP missing
    assert indexed.loc[("ee", "pre", "control")].tolist() == [2, 2, 0]
    assert counts["students"].sum() == 2 * 2 * 4


def test_csv_output_writes_flags_as_integers(participants, mbi_items, tmp_path):
    analysis, _ = build_analysis_table(participants, mbi_items)
    path = write_csv(analysis, tmp_path / "analysis.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(CONTRACT_WIDE)
    assert lines[1].endswith(",36,18,-18,20,10,-10,32,16,-16,1,0,1,1,1,1,1,1")
    assert lines[3].endswith(",45,,,25,,,40,,,1,,1,,0,,1,")  # S003: post missing


@pytest.mark.parametrize("table, change, message", [
    ("participants", lambda p: p.drop(columns=["analysed"]),
     r"participants.csv: column\(s\) \['analysed'\] are missing"),
    ("participants", lambda p: p.assign(analysed=[1, 1, 2, 1, 0]),
     "participants.csv, row 4, column 'analysed': value 2 "),
    ("participants", lambda p: p.assign(student_id=["S001", "S001", "S003", "S004", "S005"]),
     "participants.csv, row 2, column 'student_id': value 'S001' appears more than once"),
    ("items", lambda i: i.assign(wave=["pre", "post", "post", "pre", "baseline", "pre", "post",
                                       "pre", "post"]),
     "mbi_items.csv, row 6, column 'wave': value 'baseline'"),
    ("items", lambda i: i.assign(student_id=["S001"] * 2 + ["S009"] * 7),
     "mbi_items.csv, row 4, column 'student_id': value 'S009' is not in participants.csv"),
    ("items", lambda i: i.assign(wave=["pre"] * 9),
     "mbi_items.csv, row 2: student 'S001' has more than one questionnaire in wave 'pre'"),
    ("items", lambda i: i.assign(mbi_03=[4, 2, 1, 3, 9, 2, 2, 6, 6]),
     r"(?s)mbi_items.csv: 1 answer\(s\) break the rule.*row 6 \(index 4\), column 'mbi_03': "
     r"value 9"),
])
def test_bad_input_raises_with_file_row_column(participants, mbi_items, table, change, message):
    if table == "participants":
        participants = change(participants)
    else:
        mbi_items = change(mbi_items)
    with pytest.raises(DataError, match=message):
        build_analysis_table(participants, mbi_items)


def test_scoring_numbers(participants, mbi_items):
    _, analysis_long = build_analysis_table(participants, mbi_items)
    reliability = cronbach_alpha_table(mbi_items, "mbi_hss_mp")
    numbers = scoring_numbers(analysis_long, reliability)
    assert all(KEY_PATTERN.match(key) for key in numbers)
    assert numbers["score.analysed.total"] == 4
    assert (numbers["score.analysed.intervention"], numbers["score.analysed.control"]) == (2, 2)
    assert numbers["score.ee.post.missing"] == 1 and numbers["score.dp.pre.missing"] == 1
    assert numbers["score.burnout.pre.missing"] == 1  # S004: EE low, DP unknown
    pre_ee = reliability.loc[(reliability["subscale"] == "ee") & (reliability["wave"] == "pre")]
    assert numbers["reliability.ee.pre.n"] == int(pre_ee["n"].iloc[0])
    assert numbers["reliability.ee.pre.alpha"] == pre_ee["alpha"].iloc[0]


def _old_count_missing_scores(analysis_long, scores):
    """count_missing_scores before it was vectorized (the reference): a mask per cell."""
    groups = (analysis_long["group"] if "group" in analysis_long
              else pd.Series("all", index=analysis_long.index))
    rows = []
    for score in scores:
        for time in analysis_long["time"].unique():
            for group in groups.unique():
                values = analysis_long.loc[(analysis_long["time"] == time)
                                           & (groups == group), score]
                rows.append({"score": score, "time": time, "group": group,
                             "students": int(len(values)), "scored": int(values.notna().sum()),
                             "missing": int(values.isna().sum())})
    return pd.DataFrame(rows, columns=["score", "time", "group", "students", "scored",
                                       "missing"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["pre", "post", "mid", None]),
                          st.sampled_from(["control", "intervention", None]),
                          st.sampled_from([1.0, np.nan]), st.sampled_from([0, 1, None])),
                max_size=15),
       st.booleans(), st.booleans())
def test_count_missing_scores_agrees_with_a_mask_per_cell(rows, grouped, as_text):
    dtype = "str" if as_text else object
    long = pd.DataFrame({"student_id": [f"S{index}" for index in range(len(rows))],
                         "time": pd.Series([row[0] for row in rows], dtype=dtype),
                         "ee": [row[2] for row in rows],
                         "burnout": pd.array([row[3] for row in rows], dtype="Int64")})
    if grouped:
        long.insert(1, "group", pd.Series([row[1] for row in rows], dtype=dtype))
    pd.testing.assert_frame_equal(count_missing_scores(long),
                                  _old_count_missing_scores(long, ["ee", "burnout"]))
