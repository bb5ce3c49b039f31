"""Tests of burnout.rank_sum against R's wilcox.test (tests/reference/comparisons.R).

Tolerances: p-value 1e-6 relative; location shift and its interval 1e-3 absolute (R's
uniroot tolerance is 1e-4); W exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats

from burnout.errors import DataError
from burnout.rank_sum import rank_sum_table, rank_sum_test

REFERENCE_DIR = Path(__file__).parent / "reference"
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
    assert result["W"] == expected["W"]
    assert result["p_val"] == pytest.approx(expected["p_val"], rel=1e-6)
    for column in ("shift", "shift_ci_low", "shift_ci_high"):
        assert result[column] == pytest.approx(expected[column], abs=1e-3), column


@pytest.mark.parametrize("name", ["continuous", "mbi_change", "heavy_ties", "small"])
def test_statistic_and_rank_biserial_agree_with_scipy_and_pingouin(name):
    x, y = _samples(name)
    result = rank_sum_test(x, y).iloc[0]
    scipy_result = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                                      use_continuity=True)
    assert result["U_val"] == pytest.approx(scipy_result.statistic, abs=1e-12)
    assert result["p_val"] == pytest.approx(scipy_result.pvalue, rel=1e-9)
    pingouin_result = pingouin.mwu(x, y, alternative="two-sided", method="asymptotic")
    assert result["rank_biserial"] == pytest.approx(pingouin_result["RBC"].iloc[0], abs=1e-12)
    assert result["U_val"] == pytest.approx(pingouin_result["U_val"].iloc[0], abs=1e-12)


def test_rank_biserial_is_positive_when_x_is_larger():
    result = rank_sum_test([5.0, 6.0, 7.0], [1.0, 2.0, 3.0]).iloc[0]
    assert result["rank_biserial"] == 1.0
    assert result["shift"] > 0
    assert rank_sum_test([1.0, 2.0, 3.0], [5.0, 6.0, 7.0])["rank_biserial"].iloc[0] == -1.0


def test_shift_is_neither_median_of_pairwise_differences_nor_difference_of_medians():
    # R's asymptotic estimate is the root of the standardized statistic: the median of the
    # pairwise differences (the exact-case estimator) differs from it ("small": 1.75 vs 1.73),
    # and so does the difference of the two medians ("binary": 1 vs 0).
    x, y = _samples("small")
    result = rank_sum_test(x, y).iloc[0]
    assert result["shift"] == pytest.approx(REFERENCE["rank_sum"]["small"]["shift"], abs=1e-3)
    assert abs(float(np.median(np.subtract.outer(x, y))) - result["shift"]) > 0.01
    x, y = _samples("binary")
    result = rank_sum_test(x, y).iloc[0]
    assert result["shift"] == pytest.approx(REFERENCE["rank_sum"]["binary"]["shift"], abs=1e-3)
    assert abs(float(np.median(x) - np.median(y)) - result["shift"]) > 0.5


def test_binary_values_ties_everywhere():
    x, y = _samples("binary")
    expected = REFERENCE["rank_sum"]["binary"]
    result = rank_sum_test(x, y).iloc[0]
    assert set(np.unique(np.concatenate([x, y]))) == {0.0, 1.0}
    assert result["p_val"] == pytest.approx(expected["p_val"], rel=1e-6)
    assert result["shift_ci_high"] == pytest.approx(expected["shift_ci_high"], abs=1e-3)


def test_one_group_all_equal():
    x, y = _samples("one_group_constant")
    assert np.all(y == 0)
    result = rank_sum_test(x, y).iloc[0]
    assert result["p_val"] == pytest.approx(REFERENCE["rank_sum"]["one_group_constant"]["p_val"],
                                            rel=1e-6)


def test_missing_values_are_dropped():
    x, y = _samples("small")
    with_missing = rank_sum_test(np.append(x, np.nan), np.insert(y, 0, np.nan))
    pd.testing.assert_frame_equal(with_missing, rank_sum_test(x, y))


def test_all_values_identical_gives_nan_as_r():
    result = rank_sum_test([1.0] * 5, [1.0] * 6).iloc[0]
    reference = REFERENCE["rank_sum_all_tied"]
    assert reference["p_val_is_nan"] and reference["conf_int_error"]  # R: NaN p, no interval
    assert result["W"] == reference["W"] == 15
    assert np.isnan(result["p_val"]) and np.isnan(result["shift"])
    assert np.isnan(result["shift_ci_low"]) and np.isnan(result["shift_ci_high"])
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
    assert wide["shift_ci_low"] < narrow["shift_ci_low"] < narrow["shift"]
    assert narrow["shift"] < narrow["shift_ci_high"] < wide["shift_ci_high"]


def test_table_over_outcomes_matches_single_tests():
    analysis = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")
    table = rank_sum_table(analysis, ["ee_change", "pa_change"])
    assert table["outcome"].tolist() == ["ee_change", "pa_change"]
    for _, row in table.iterrows():
        single = rank_sum_test(
            analysis.loc[analysis["group"] == "intervention", row["outcome"]],
            analysis.loc[analysis["group"] == "control", row["outcome"]]).iloc[0]
        assert row["p_val"] == single["p_val"] and row["shift"] == single["shift"]
    assert table["n_x"].iloc[0] + table["n_y"].iloc[0] == analysis["ee_change"].notna().sum()
    with pytest.raises(DataError, match="outcome 'ee_change'.*group 'control'"):
        rank_sum_table(analysis[analysis["group"] == "intervention"], ["ee_change"])
    with pytest.raises(DataError, match="missing"):
        rank_sum_table(analysis, ["ee_follow_up"])
