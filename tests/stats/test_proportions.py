"""Tests of burnout.stats.proportions: Wilson intervals against R's prop.test and statsmodels,
and the prevalence table.

Reference values: tests/reference/survey_qualitative.R (R 4.2, stats package) wrote
survey_qualitative_wilson.csv. Tolerances: 1e-9 absolute against R (CSV stores 15 significant
digits), 1e-12 against statsmodels (same formula).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from burnout.core.errors import DataError
from burnout.stats.proportions import prevalence_table, proportion_interval

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R_TOLERANCE = 1e-9
STATSMODELS_TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def wilson_reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "survey_qualitative_wilson.csv")


def test_wilson_interval_agrees_with_r_prop_test(wilson_reference):
    for row in wilson_reference.itertuples(index=False):
        result = proportion_interval(row.count, row.total).iloc[0]
        assert result["proportion"] == pytest.approx(row.count / row.total, abs=1e-15)
        assert result["ci_low"] == pytest.approx(row.ci_low, abs=R_TOLERANCE)
        assert result["ci_high"] == pytest.approx(row.ci_high, abs=R_TOLERANCE)


def test_wilson_interval_agrees_with_statsmodels(wilson_reference):
    for row in wilson_reference.itertuples(index=False):
        low, high = proportion_confint(row.count, row.total, alpha=0.05, method="wilson")
        result = proportion_interval(row.count, row.total).iloc[0]
        assert result["ci_low"] == pytest.approx(low, abs=STATSMODELS_TOLERANCE)
        assert result["ci_high"] == pytest.approx(high, abs=STATSMODELS_TOLERANCE)


@settings(max_examples=150, deadline=None)
@given(total=st.integers(1, 500), fraction=st.floats(0, 1),
       confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_interval_properties(total, fraction, confidence):
    count = round(fraction * total)
    result = proportion_interval(count, total, confidence).iloc[0]
    low, high = proportion_confint(count, total, alpha=1 - confidence, method="wilson")
    assert 0 <= result["ci_low"] <= result["proportion"] <= result["ci_high"] <= 1, (
        "the Wilson interval must contain the proportion (count == total: upper limit 1)")
    assert result["ci_low"] == pytest.approx(low, abs=1e-12)
    assert result["ci_high"] == pytest.approx(high, abs=1e-12)


def test_everyone_agrees_gives_upper_limit_one_and_lower_below_one():
    result = proportion_interval(10, 10).iloc[0]
    assert result["ci_high"] == 1.0, (
        f"count == total must give an upper limit of exactly 1, got {result['ci_high']!r} "
        "(below the proportion 1.0)")
    assert result["ci_low"] < 1.0
    nobody = proportion_interval(0, 10).iloc[0]
    assert nobody["ci_low"] == 0.0 and nobody["ci_high"] > 0.0


def test_zero_total_gives_nan_not_an_error():
    result = proportion_interval(0, 0).iloc[0]
    assert math.isnan(result["proportion"])
    assert math.isnan(result["ci_low"]) and math.isnan(result["ci_high"])


@pytest.mark.parametrize(("count", "total", "message"), [
    (5, 4, "exceeds"), (-1, 4, "whole numbers"), (1.5, 4, "whole numbers"),
    (None, 4, "missing")])
def test_bad_counts_raise(count, total, message):
    with pytest.raises(DataError, match=message):
        proportion_interval(count, total)


def test_interval_row_names_its_counts_and_confidence():
    row = proportion_interval(7, 20, confidence=0.9).iloc[0]
    assert list(row.index) == ["count", "total", "proportion", "ci_low", "ci_high",
                               "confidence"]
    assert (row["count"], row["total"], row["confidence"]) == (7, 20, 0.9)
    with pytest.raises(DataError, match="confidence"):
        proportion_interval(7, 20, confidence=95)


def _wilson(count: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out (Wilson 1927), independent of statsmodels."""
    proportion = count / n
    centre = (proportion + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(proportion * (1 - proportion) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


LONG = pd.DataFrame({
    "group": ["intervention"] * 10 + ["control"] * 12,
    "time": ["pre"] * 5 + ["post"] * 5 + ["pre"] * 6 + ["post"] * 6,
    "burnout": [1, 1, 0, 0, 0] + [1, 0, 0, 0, np.nan] + [1, 1, 1, 0, 0, 0] + [1] * 6,
})


def test_prevalence_matches_the_wilson_formula():
    table = prevalence_table(LONG)
    assert table[["group", "time", "count", "n"]].values.tolist() == [
        ["intervention", "pre", 2, 5], ["intervention", "post", 1, 4],
        ["control", "pre", 3, 6], ["control", "post", 6, 6]]
    for row in table.itertuples(index=False):
        low, high = _wilson(row.count, row.n)
        assert row.ci_low == pytest.approx(low, abs=1e-12)  # tolerance: float rounding only
        assert row.ci_high == pytest.approx(high, abs=1e-12)


def test_prevalence_of_a_single_group_and_bad_flags():
    single = prevalence_table(LONG.drop(columns="group"))
    assert single[["group", "time", "count", "n"]].values.tolist() == [
        ["all", "pre", 5, 11], ["all", "post", 7, 10]]
    with pytest.raises(DataError, match=r"row 3, column 'burnout'"):
        prevalence_table(LONG.assign(burnout=[0, 2] + [0] * 20))
    with pytest.raises(DataError, match="missing"):
        prevalence_table(LONG.drop(columns="time"))
