"""Tests of burnout.sensitivity.complete_data against R's lm (tests/reference/sensitivity.R).

Tolerance: 1e-10 relative (closed-form least squares; achieved about 1e-14).
"""

from __future__ import annotations

import pytest
import sensitivity_reference as _reference  # registered by conftest.py

from burnout.core.errors import DataError
from burnout.sensitivity.complete_data import ancova, change_score_analysis

DATA = _reference.DATA
REFERENCE = _reference.REFERENCE

TOLERANCE = 1e-10
FIELDS = ("estimate", "se", "ci_low", "ci_high", "p", "df", "n")


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_change_score_and_ancova_equal_r(score):
    expected = REFERENCE[score]
    for result, name in ((change_score_analysis(DATA, score, covariates=["site"]),
                          "change_score"),
                         (ancova(DATA, score, covariates=["site"]), "ancova")):
        row = result.iloc[0]
        assert row["method"] == name and row["outcome"] == score
        for field in FIELDS:
            assert row[field] == pytest.approx(expected[name][field], rel=TOLERANCE), field


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_ancova_group_coefficient_equals_change_on_group_and_baseline(score):
    row = ancova(DATA, score, covariates=["site"]).iloc[0]
    other = REFERENCE[score]["change_on_baseline"]
    assert row["estimate"] == pytest.approx(other["estimate"], rel=TOLERANCE)
    assert row["se"] == pytest.approx(other["se"], rel=TOLERANCE)


def test_single_group_change_is_the_paired_mean_change():
    complete = DATA.dropna(subset=["ee_post"])
    row = change_score_analysis(DATA, "ee", group=None).iloc[0]
    assert row["estimate"] == pytest.approx(complete["ee_change"].mean(), rel=TOLERANCE)
    assert row["n"] == len(complete) and row["method"] == "change_score"


def test_a_missing_column_is_named():
    with pytest.raises(DataError, match="ee_pre"):
        ancova(DATA.drop(columns=["ee_pre"]), "ee")
