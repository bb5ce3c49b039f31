"""Tests of burnout.stats.rank_sum against R's wilcox.test (tests/reference/comparisons.R).

Tolerances: p-value 1e-6 relative; location shift and its interval 1e-3 absolute (R's
uniroot tolerance is 1e-4); W exact. The result uses the shared vocabulary
(burnout.core.results): R's ``p.value`` is ``p``, its ``W`` is ``statistic``, the location shift
and its interval are ``estimate``, ``ci_low``, ``ci_high``. The reference JSON keeps R's names
(``p_val``, ``W``, ``shift``, ``shift_ci_low``, ``shift_ci_high``).

The statistic at a trial shift is computed without re-ranking (sorted distinct values and
``searchsorted``); the property tests compare it, and the whole test, bit for bit with the naive
computation R does: rank ``c(x - d, y)`` afresh (``scipy.stats.rankdata``) at every trial shift.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from burnout.core.errors import DataError
from burnout.stats.rank_sum import _brent_root, _ShiftedSamples, rank_sum_table, rank_sum_test

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())
DATA = pd.read_csv(REFERENCE_DIR / "comparisons_data_rank_sum.csv")


def _samples(name: str) -> tuple[np.ndarray, np.ndarray]:
    subset = DATA[DATA["dataset"] == name]
    return (subset.loc[subset["sample"] == "x", "value"].to_numpy(),
            subset.loc[subset["sample"] == "y", "value"].to_numpy())


@pytest.mark.parametrize("name", sorted(REFERENCE["rank_sum"]))
def test_agrees_with_r_wilcox_test(name):
    expected = REFERENCE["rank_sum"][name]
    result = rank_sum_test(*_samples(name)).iloc[0]
    assert result["n_x"] == expected["n_x"] and result["n_y"] == expected["n_y"]
    assert result["statistic"] == expected["W"]
    assert result["p"] == pytest.approx(expected["p_val"], rel=1e-6)
    for column, reference in (("estimate", "shift"), ("ci_low", "shift_ci_low"),
                              ("ci_high", "shift_ci_high")):
        assert result[column] == pytest.approx(expected[reference], abs=1e-3), column
    assert result["n"] == expected["n_x"] + expected["n_y"]
    assert (result["method"], result["measure"], result["confidence"]) == (
        "rank_sum", "location shift", 0.95)


@pytest.mark.parametrize("name", ["continuous", "mbi_change", "heavy_ties", "small"])
def test_statistic_and_rank_biserial_agree_with_scipy_and_pingouin(name):
    x, y = _samples(name)
    result = rank_sum_test(x, y).iloc[0]
    scipy_result = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                                      use_continuity=True)
    assert result["statistic"] == pytest.approx(scipy_result.statistic, abs=1e-12)
    assert result["p"] == pytest.approx(scipy_result.pvalue, rel=1e-9)
    pingouin_result = pingouin.mwu(x, y, alternative="two-sided", method="asymptotic")
    assert result["rank_biserial"] == pytest.approx(pingouin_result["RBC"].iloc[0], abs=1e-12)
    assert result["statistic"] == pytest.approx(pingouin_result["U_val"].iloc[0], abs=1e-12)


def test_rank_biserial_is_positive_when_x_is_larger():
    result = rank_sum_test([5.0, 6.0, 7.0], [1.0, 2.0, 3.0]).iloc[0]
    assert result["rank_biserial"] == 1.0
    assert result["estimate"] > 0
    assert rank_sum_test([1.0, 2.0, 3.0], [5.0, 6.0, 7.0])["rank_biserial"].iloc[0] == -1.0


def test_shift_is_neither_median_of_pairwise_differences_nor_difference_of_medians():
    # R's asymptotic estimate is the root of the standardized statistic: the median of the
    # pairwise differences (the exact-case estimator) differs from it ("small": 1.75 vs 1.73),
    # and so does the difference of the two medians ("binary": 1 vs 0).
    x, y = _samples("small")
    result = rank_sum_test(x, y).iloc[0]
    assert result["estimate"] == pytest.approx(REFERENCE["rank_sum"]["small"]["shift"], abs=1e-3)
    assert abs(float(np.median(np.subtract.outer(x, y))) - result["estimate"]) > 0.01
    x, y = _samples("binary")
    result = rank_sum_test(x, y).iloc[0]
    assert result["estimate"] == pytest.approx(REFERENCE["rank_sum"]["binary"]["shift"],
                                               abs=1e-3)
    assert abs(float(np.median(x) - np.median(y)) - result["estimate"]) > 0.5


def test_binary_values_ties_everywhere():
    x, y = _samples("binary")
    expected = REFERENCE["rank_sum"]["binary"]
    result = rank_sum_test(x, y).iloc[0]
    assert set(np.unique(np.concatenate([x, y]))) == {0.0, 1.0}
    assert result["p"] == pytest.approx(expected["p_val"], rel=1e-6)
    assert result["ci_high"] == pytest.approx(expected["shift_ci_high"], abs=1e-3)


def test_one_group_all_equal():
    x, y = _samples("one_group_constant")
    assert np.all(y == 0)
    result = rank_sum_test(x, y).iloc[0]
    assert result["p"] == pytest.approx(REFERENCE["rank_sum"]["one_group_constant"]["p_val"],
                                        rel=1e-6)


def test_missing_values_are_dropped():
    x, y = _samples("small")
    with_missing = rank_sum_test(np.append(x, np.nan), np.insert(y, 0, np.nan))
    pd.testing.assert_frame_equal(with_missing, rank_sum_test(x, y))


def test_all_values_identical_gives_nan_as_r():
    result = rank_sum_test([1.0] * 5, [1.0] * 6).iloc[0]
    reference = REFERENCE["rank_sum_all_tied"]
    assert reference["p_val_is_nan"] and reference["conf_int_error"]  # R: NaN p, no interval
    assert result["statistic"] == reference["W"] == 15
    assert np.isnan(result["p"]) and np.isnan(result["estimate"])
    assert np.isnan(result["ci_low"]) and np.isnan(result["ci_high"])
    assert result["rank_biserial"] == 0.0


@pytest.mark.parametrize("x, y", [([], [1.0, 2.0]), ([1.0, 2.0], []), ([np.nan], [1.0])])
def test_empty_group_raises(x, y):
    with pytest.raises(DataError, match="no non-missing values"):
        rank_sum_test(x, y)


def test_bad_input_raises():
    with pytest.raises(DataError, match="not a number"):
        rank_sum_test(["a", 1.0], [1.0, 2.0])
    with pytest.raises(DataError, match="confidence"):
        rank_sum_test([1.0, 2.0], [3.0, 4.0], confidence=95)


def test_interval_widens_with_confidence():
    x, y = _samples("continuous")
    narrow = rank_sum_test(x, y, confidence=0.8).iloc[0]
    wide = rank_sum_test(x, y, confidence=0.99).iloc[0]
    assert wide["ci_low"] < narrow["ci_low"] < narrow["estimate"]
    assert narrow["estimate"] < narrow["ci_high"] < wide["ci_high"]
    assert (narrow["confidence"], wide["confidence"]) == (0.8, 0.99)


def test_table_over_outcomes_matches_single_tests():
    analysis = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")
    table = rank_sum_table(analysis, ["ee_change", "pa_change"])
    assert table["outcome"].tolist() == ["ee_change", "pa_change"]
    for _, row in table.iterrows():
        single = rank_sum_test(
            analysis.loc[analysis["group"] == "intervention", row["outcome"]],
            analysis.loc[analysis["group"] == "control", row["outcome"]]).iloc[0]
        assert row["p"] == single["p"] and row["estimate"] == single["estimate"]
        assert (row["n_intervention"], row["n_control"]) == (single["n_x"], single["n_y"])
    assert (table["n_intervention"].iloc[0] + table["n_control"].iloc[0]
            == table["n"].iloc[0] == analysis["ee_change"].notna().sum())
    assert "n_x" not in table.columns and "n_y" not in table.columns
    with pytest.raises(DataError, match="outcome 'ee_change'.*group 'control'"):
        rank_sum_table(analysis[analysis["group"] == "intervention"], ["ee_change"])
    with pytest.raises(DataError, match="missing"):
        rank_sum_table(analysis, ["ee_follow_up"])


# --- the evaluation without re-ranking equals re-ranking the pooled sample -----------------------

def _naive_z(x: np.ndarray, y: np.ndarray, shift: float, correct: bool) -> float:
    """R's W(d) inside wilcox.test, literally: rank c(x - shift, y) and count the ties."""
    n_x, n_y = float(x.size), float(y.size)
    ranks = stats.rankdata(np.concatenate([x - shift, y]))
    centred = ranks[: x.size].sum() - n_x * (n_x + 1) / 2 - n_x * n_y / 2
    _, tie_counts = np.unique(ranks, return_counts=True)
    tie_term = float(np.sum(tie_counts.astype(float) ** 3 - tie_counts))
    variance = (n_x * n_y / 12) * ((n_x + n_y + 1) - tie_term / ((n_x + n_y) * (n_x + n_y - 1)))
    sigma = math.sqrt(max(variance, 0.0))
    if sigma == 0:
        return math.nan
    correction = 0.5 * np.sign(centred) if correct else 0.0
    return float((centred - correction) / sigma)


def _naive_rank_sum_test(x: np.ndarray, y: np.ndarray, confidence: float = 0.95) -> dict:
    """The test as R runs it (re-ranking at every trial shift), with the same root finder."""
    lowest, highest = float(x.min() - y.max()), float(x.max() - y.min())
    quantile = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    at_ends = [_naive_z(x, y, end, True) for end in (lowest, highest)]

    def bound(target: float) -> float:
        if at_ends[0] - target <= 0:
            return lowest
        if at_ends[1] - target >= 0:
            return highest
        return _brent_root(lambda shift: _naive_z(x, y, shift, True) - target, lowest, highest,
                           at_ends[0] - target, at_ends[1] - target)

    def uncorrected(shift: float) -> float:
        return _naive_z(x, y, shift, False)

    z_value = _naive_z(x, y, 0.0, True)
    return {"p": float(2 * min(stats.norm.cdf(z_value), stats.norm.sf(z_value))),
            "ci_low": bound(quantile), "ci_high": bound(-quantile),
            "estimate": _brent_root(uncorrected, lowest, highest, uncorrected(lowest),
                                    uncorrected(highest))}


# Few distinct values (many ties), some of them not exact in binary (0.1, 0.3) or so small that
# subtracting a shift rounds them onto a neighbour (1e-17 - 1 == 0 - 1).
_TIED_VALUES = st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5, 1.0, 1.5, 2.0, -0.7, 3.3, 1e-17,
                                1.0 + 2.0 ** -52, 7.0])
_SAMPLES = st.lists(_TIED_VALUES, min_size=1, max_size=40)


def _same(actual: float, expected: float) -> bool:
    return actual == expected or (math.isnan(actual) and math.isnan(expected))


@settings(max_examples=200, deadline=None)
@given(_SAMPLES, _SAMPLES, st.data())
def test_statistic_at_any_shift_equals_reranking_the_pooled_sample(x, y, data):
    x, y = np.array(x), np.array(y)
    # shifts that make x_i - d meet y_j (the differences themselves), tricky round values and
    # arbitrary ones
    crossing = st.builds(lambda i, j: float(x[i] - y[j]), st.integers(0, x.size - 1),
                         st.integers(0, y.size - 1))
    shifts = data.draw(st.lists(st.one_of(
        crossing, st.sampled_from([0.0, 0.1, 0.2, -0.3, 1.0, 0.30000000000000004]),
        st.floats(min_value=-10, max_value=10, allow_nan=False)), min_size=1, max_size=8))
    samples = _ShiftedSamples(x, y)
    for shift in shifts:
        for correct in (True, False):
            assert _same(samples.z(shift, correct), _naive_z(x, y, shift, correct)), (
                shift, correct)


@settings(max_examples=60, deadline=None)
@given(_SAMPLES, _SAMPLES)
def test_whole_test_equals_reranking_at_every_trial_shift(x, y):
    x, y = np.array(x), np.array(y)
    result = rank_sum_test(x, y).iloc[0]
    if math.isnan(result["p"]):  # every value tied: R gives no interval either
        assert np.all(np.concatenate([x, y]) == x[0])
        return
    expected = _naive_rank_sum_test(x, y)
    for column, value in expected.items():  # the same root-finder path: identical numbers
        assert result[column] == value, column


def test_shift_that_rounds_distinct_values_of_x_together_ties_them():
    # 1e-17 - 1 == 0 - 1 in floating point: R's ranks of c(x - 1, y) tie three values at -1
    x, y = np.array([0.0, 1e-17, 5.0]), np.array([-1.0, 3.0])
    assert x[0] - 1.0 == x[1] - 1.0 == y[0]
    samples = _ShiftedSamples(x, y)
    assert samples.z(1.0, True) == _naive_z(x, y, 1.0, True)
    centred, variance = samples.centred_variance(1.0)
    # W = 2 (4 > -1, 4 > 3) + 2 halves (-1 == -1 twice) = 3 = n_x n_y / 2
    assert centred == 0.0
    # one tie group of three (not two groups of two: 2 * (2^3 - 2) = 12 instead of 24)
    assert variance == (6 / 12) * (6 - (3 ** 3 - 3) / (5 * 4))


@pytest.mark.parametrize("name", sorted(REFERENCE["rank_sum"]))
def test_reference_data_equal_reranking_bit_for_bit(name):
    x, y = _samples(name)
    result = rank_sum_test(x, y).iloc[0]
    for column, value in _naive_rank_sum_test(x, y).items():
        assert result[column] == value, column


def test_large_tied_samples_equal_reranking():
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(0.2, 1, 3000), 1)
    y = np.round(rng.normal(0, 1, 2500), 1)
    result = rank_sum_test(x, y).iloc[0]
    for column, value in _naive_rank_sum_test(x, y).items():
        assert result[column] == value, column
