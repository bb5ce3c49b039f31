"""Tests of burnout.stats.survey against R (prop.test, quantile type 7).

Reference values: tests/reference/survey_qualitative.R (R 4.2, stats package) wrote
survey_qualitative_wilson.csv and survey_qualitative_numeric*.csv. Tolerance: 1e-9 absolute
against R (CSV stores 15 significant digits). The Wilson interval itself is tested in
test_proportions.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.stats.survey import (
    LIKERT_LEVELS,
    agree_share,
    count_eligible,
    count_respondents,
    likert_summary,
    numeric_summary,
    response_rate,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def wilson_reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "survey_qualitative_wilson.csv")


def _answers(counts: dict[int, int], missing: int = 0) -> pd.Series:
    """A column of Likert answers with ``counts[level]`` answers per level, then NaNs."""
    values = [level for level, count in counts.items() for _ in range(count)]
    return pd.Series(values + [np.nan] * missing, dtype=float)


def test_likert_summary_counts_percentages_and_respondents():
    responses = pd.DataFrame({"enjoyed": _answers({5: 3, 4: 4, 2: 1}, missing=2),
                              "again": _answers({1: 2, 3: 8})})
    table = likert_summary(responses, {"enjoyed": "I enjoyed it", "again": "Again"})
    assert list(table.columns) == ["item", "wording", "level", "label", "count", "percent",
                                   "respondents"]
    enjoyed = table[table["item"] == "enjoyed"].set_index("level")
    assert enjoyed["count"].to_dict() == {1: 0, 2: 1, 3: 0, 4: 4, 5: 3}
    assert set(enjoyed["respondents"]) == {8}
    assert enjoyed.loc[4, "percent"] == pytest.approx(50.0)
    assert enjoyed.loc[5, "label"] == LIKERT_LEVELS[5] == "strongly agree"
    assert enjoyed["wording"].iloc[0] == "I enjoyed it"
    for _, item in table.groupby("item"):
        assert item["percent"].sum() == pytest.approx(100.0)
    assert table["item"].drop_duplicates().tolist() == ["enjoyed", "again"]


def test_likert_summary_item_without_answers_has_nan_percent():
    table = likert_summary(pd.DataFrame({"enjoyed": [np.nan, np.nan]}), ["enjoyed"])
    assert (table["count"] == 0).all() and (table["respondents"] == 0).all()
    assert table["percent"].isna().all()


@pytest.mark.parametrize(("value", "message"), [
    (6, r"row 3, column 'enjoyed'.*not one of the levels"),
    (3.5, r"row 3, column 'enjoyed'.*not one of the levels"),
    ("agree", r"row 3, column 'enjoyed'.*not a number")])
def test_likert_summary_rejects_invalid_answers(value, message):
    responses = pd.DataFrame({"enjoyed": pd.Series([5, value, 4], dtype=object)})
    with pytest.raises(DataError, match=message):
        likert_summary(responses, ["enjoyed"], source="mentor_survey.csv")


def test_likert_summary_rejects_missing_column_and_empty_items():
    with pytest.raises(DataError, match="column 'recommend' is missing"):
        likert_summary(pd.DataFrame({"enjoyed": [5]}), ["recommend"])
    with pytest.raises(DataError, match="at least one"):
        likert_summary(pd.DataFrame({"enjoyed": [5]}), [])


def test_agree_share_default_levels_and_reference_values(wilson_reference):
    reference = wilson_reference.set_index(["count", "total"])
    responses = pd.DataFrame({"positive_rotation": _answers({5: 20, 4: 21, 3: 5, 2: 4}),
                              "decreased_stress": _answers({5: 10, 4: 16, 3: 14, 1: 10})})
    table = agree_share(responses, ["positive_rotation", "decreased_stress"]).set_index("item")
    assert table.loc["positive_rotation", "agree"] == 41
    assert table.loc["decreased_stress", "agree"] == 26
    for item, count in (("positive_rotation", 41), ("decreased_stress", 26)):
        assert table.loc[item, "respondents"] == 50
        assert table.loc[item, "ci_low"] == pytest.approx(reference.loc[(count, 50), "ci_low"],
                                                          abs=R_TOLERANCE)
        assert table.loc[item, "ci_high"] == pytest.approx(
            reference.loc[(count, 50), "ci_high"], abs=R_TOLERANCE)


def test_agree_share_levels_are_a_parameter_and_missing_is_not_disagreement():
    responses = pd.DataFrame({"enjoyed": _answers({5: 3, 4: 4, 1: 1}, missing=4)})
    strongly = agree_share(responses, ["enjoyed"], agree_levels=[5]).iloc[0]
    assert (strongly["agree"], strongly["respondents"]) == (3, 8)
    assert strongly["proportion"] == pytest.approx(3 / 8)
    with pytest.raises(DataError, match="agree_levels"):
        agree_share(responses, ["enjoyed"], agree_levels=[6])
    with pytest.raises(DataError, match="agree_levels"):
        agree_share(responses, ["enjoyed"], agree_levels=[])


def test_agree_share_all_agree_and_no_answer():
    responses = pd.DataFrame({"enjoyed": [5, 4, 5], "again": [np.nan] * 3})
    table = agree_share(responses, ["enjoyed", "again"]).set_index("item")
    assert table.loc["enjoyed", "ci_high"] == 1.0
    assert table.loc["enjoyed", "proportion"] == 1.0
    assert table.loc["again", "respondents"] == 0
    assert math.isnan(table.loc["again", "proportion"])


def test_response_rate_agrees_with_r(wilson_reference):
    reference = wilson_reference.set_index(["count", "total"])
    for respondents, eligible in ((45, 52), (33, 61)):
        row = response_rate(respondents, eligible).iloc[0]
        assert list(row.index) == ["respondents", "eligible", "rate", "ci_low", "ci_high",
                                   "confidence"]
        assert row["rate"] == pytest.approx(respondents / eligible)
        assert row["ci_low"] == pytest.approx(reference.loc[(respondents, eligible), "ci_low"],
                                              abs=R_TOLERANCE)
        assert row["ci_high"] == pytest.approx(
            reference.loc[(respondents, eligible), "ci_high"], abs=R_TOLERANCE)


def test_response_rate_edge_cases():
    assert response_rate(0, 10).iloc[0]["rate"] == 0.0
    with pytest.raises(DataError, match="0 eligible"):
        response_rate(0, 0)
    with pytest.raises(DataError, match="respondents <= eligible"):
        response_rate(12, 10)


def test_count_respondents_and_eligible():
    survey = pd.DataFrame({"response_id": ["SR01", "SR02", "SR03"]})
    assert count_respondents(survey) == 3
    with pytest.raises(DataError, match=r"row 3, column 'response_id'.*repeated"):
        count_respondents(pd.DataFrame({"response_id": ["SR01", "SR01"]}))
    with pytest.raises(DataError, match=r"row 2, column 'response_id': empty"):
        count_respondents(pd.DataFrame({"response_id": [None, "SR01"]}))
    roster = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 2,
                           "analysed": [1, 1, 0, 1, 1]})
    assert count_eligible(roster, {"group": "intervention", "analysed": 1}) == 2
    assert count_eligible(roster) == 5
    with pytest.raises(DataError, match="column 'site'"):
        count_eligible(roster, {"site": "site_1"})


def test_numeric_summary_agrees_with_r():
    values = pd.read_csv(REFERENCE / "survey_qualitative_numeric.csv")
    reference = pd.read_csv(REFERENCE / "survey_qualitative_numeric_summary.csv")
    for expected in reference.itertuples(index=False):
        series = values.loc[values["case"] == expected.case, "value"]
        result = numeric_summary(series, name=expected.case).iloc[0]
        assert result["variable"] == expected.case
        assert (result["n"], result["missing"]) == (expected.n, expected.missing)
        for statistic in ("mean", "sd", "median", "q1", "q3", "minimum", "maximum"):
            assert result[statistic] == pytest.approx(getattr(expected, statistic),
                                                      abs=R_TOLERANCE), statistic


def test_numeric_summary_edge_cases():
    empty = numeric_summary(pd.Series([np.nan, np.nan], name="hours")).iloc[0]
    assert (empty["n"], empty["missing"]) == (0, 2)
    assert math.isnan(empty["mean"]) and math.isnan(empty["median"])
    single = numeric_summary([4.0], name="meetings").iloc[0]
    assert single["mean"] == 4.0 and math.isnan(single["sd"])
    with pytest.raises(DataError, match=r"row 3, column 'hours'.*not a number"):
        numeric_summary(pd.Series([1, "two hours"], name="hours", dtype=object))
