"""Tests of burnout.stats.paired and burnout.stats.signed_rank against R 4.2.2
(tests/reference/paired.R), scipy and statsmodels.

Tolerances against R (whose values tests/reference/paired_reference.json holds to 15
significant digits, jsonlite's maximum):

* closed-form values (t-test, McNemar, Wald interval, signed-rank p-value): 1e-10 relative;
  achieved about 3e-14;
* counts, V, n, n_zero, b, c: exact;
* signed-rank estimate and interval bounds (roots of a step function found with R's uniroot,
  tolerance 1e-4): 1e-6 absolute. The port of R's zeroin (burnout.stats.rank_sum._brent_root)
  is fed the same function values (normal quantiles from the port of R's qnorm, equal to R's
  to the bit) and so visits the same trial points as R; the achieved agreement is about
  7e-15, i.e. the 15 digits of the JSON, not the 1e-4 of uniroot. With scipy's quantiles a
  bound can land up to 1e-4 away (dataset "quantile_sensitive": 4e-5).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from burnout.core.errors import DataError
from burnout.core.results import RESULT_COLUMNS
from burnout.stats import signed_rank
from burnout.stats.paired import mcnemar_test, paired_t_test, paired_table
from burnout.stats.signed_rank import _qnorm, signed_rank_test

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "paired_reference.json").read_text())
DATA = pd.read_csv(REFERENCE_DIR / "paired_data.csv")
LEVELS = ("0.95", "0.90")

CLOSED_FORM = 1e-10  # relative
ROOT = 1e-6  # absolute


def _pair(name: str) -> tuple[np.ndarray, np.ndarray]:
    subset = DATA[DATA["dataset"] == name]
    return subset["before"].to_numpy(), subset["after"].to_numpy()


def _quiet(function, *args, **kwargs):
    """Call ``function`` and return ``(result, warning messages)``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    return result, [str(warning.message) for warning in caught]


def _close(actual: float, expected: float | None, **tolerance) -> bool:
    if expected is None:  # R's NaN, written as null
        return math.isnan(actual)
    return actual == pytest.approx(expected, **tolerance)


# --- agreement with R ------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(REFERENCE["signed_rank"]))
def test_signed_rank_agrees_with_r_wilcox_test(name, level):
    expected = REFERENCE["signed_rank"][name]
    row, messages = _quiet(signed_rank_test, *_pair(name), confidence=float(level))
    row = row.iloc[0]
    wanted = expected[level]
    assert row["n"] == expected["n"] and row["n_zero"] == expected["n_zero"]
    assert row["statistic"] == wanted["statistic"]
    assert row["p"] == pytest.approx(wanted["p"], rel=CLOSED_FORM)
    assert row["confidence"] == pytest.approx(wanted["confidence"], rel=CLOSED_FORM)
    for column in ("estimate", "ci_low", "ci_high"):
        assert _close(row[column], wanted[column], abs=ROOT), column
    # R warns when the level is lowered or the interval is impossible; so does the function.
    assert len(messages) == len(wanted["warnings"])


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(REFERENCE["paired_t"]))
def test_paired_t_agrees_with_r_t_test(name, level):
    expected = REFERENCE["paired_t"][name]
    row = paired_t_test(*_pair(name), confidence=float(level)).iloc[0]
    assert row["n"] == expected["n"]
    for column in ("estimate", "se", "ci_low", "ci_high", "statistic", "df", "p"):
        assert row[column] == pytest.approx(expected[level][column], rel=CLOSED_FORM), column
    assert row["confidence"] == float(level)


@pytest.mark.parametrize("name", sorted(REFERENCE["mcnemar"]))
def test_mcnemar_agrees_with_r_mcnemar_test(name):
    expected = REFERENCE["mcnemar"][name]
    row = mcnemar_test(*_pair(name)).iloc[0]
    for column in ("n", "b", "c"):
        assert row[column] == expected[column], column
    for column in ("statistic", "df", "p", "estimate", "se", "proportion_before",
                   "proportion_after"):
        assert row[column] == pytest.approx(expected[column], rel=CLOSED_FORM, abs=1e-15), column
    uncorrected = mcnemar_test(*_pair(name), correction=False).iloc[0]
    assert uncorrected["statistic"] == pytest.approx(expected["statistic_uncorrected"],
                                                     rel=CLOSED_FORM)
    assert uncorrected["p"] == pytest.approx(expected["p_uncorrected"], rel=CLOSED_FORM)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", sorted(REFERENCE["mcnemar"]))
def test_paired_proportion_interval_agrees_with_its_formula_in_r(name, level):
    row = mcnemar_test(*_pair(name), confidence=float(level)).iloc[0]
    for column in ("ci_low", "ci_high"):
        expected = REFERENCE["mcnemar"][name][level][column]
        assert row[column] == pytest.approx(expected, rel=CLOSED_FORM), column


def test_normal_quantiles_are_r_qnorm():
    expected = REFERENCE["qnorm"]
    for p, lower, upper in zip(expected["p"], expected["lower"], expected["upper"], strict=True):
        probability = float.fromhex(p)
        # The same algorithm in the same order of operations: equal up to the last bit of the
        # platform's log (identical doubles here).
        assert _qnorm(probability) == pytest.approx(float.fromhex(lower), rel=4e-16, abs=0)
        assert _qnorm(probability, lower_tail=False) == pytest.approx(float.fromhex(upper),
                                                                      rel=4e-16, abs=0)


def test_scipy_quantiles_would_move_the_interval(monkeypatch):
    """Why R's qnorm is ported: on this dataset scipy's quantiles shift a bound by 4e-5."""
    expected = REFERENCE["signed_rank"]["quantile_sensitive"]["0.95"]
    row = signed_rank_test(*_pair("quantile_sensitive")).iloc[0]
    assert row["ci_low"] == pytest.approx(expected["ci_low"], abs=ROOT)
    monkeypatch.setattr(signed_rank, "_qnorm", lambda p, lower_tail=True: float(
        stats.norm.ppf(p) if lower_tail else stats.norm.isf(p)))
    moved = signed_rank_test(*_pair("quantile_sensitive")).iloc[0]
    assert abs(moved["ci_low"] - expected["ci_low"]) > 1e-5


# --- cross-checks with scipy, statsmodels and pingouin ---------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCE["signed_rank"]))
def test_signed_rank_agrees_with_scipy_and_pingouin(name):
    before, after = _pair(name)
    complete = ~(np.isnan(before) | np.isnan(after))
    row = _quiet(signed_rank_test, before, after)[0].iloc[0]
    scipy_result = stats.wilcoxon(after[complete], before[complete], zero_method="wilcox",
                                  correction=True, method="approx")
    assert row["p"] == pytest.approx(scipy_result.pvalue, rel=CLOSED_FORM)
    non_zero = int(row["n"] - row["n_zero"])
    total = non_zero * (non_zero + 1) / 2
    # scipy's two-sided statistic is the smaller of the two rank sums.
    assert min(row["statistic"], total - row["statistic"]) == scipy_result.statistic
    rbc = pingouin.wilcoxon(after[complete], before[complete])["RBC"].iloc[0]
    assert row["rank_biserial"] == pytest.approx(rbc, rel=1e-12)


@pytest.mark.parametrize("name", sorted(REFERENCE["paired_t"]))
def test_paired_t_agrees_with_scipy(name):
    before, after = _pair(name)
    complete = ~(np.isnan(before) | np.isnan(after))
    row = paired_t_test(before, after).iloc[0]
    scipy_result = stats.ttest_rel(after[complete], before[complete])
    interval = scipy_result.confidence_interval(0.95)
    assert row["statistic"] == pytest.approx(scipy_result.statistic, rel=CLOSED_FORM)
    assert row["p"] == pytest.approx(scipy_result.pvalue, rel=CLOSED_FORM)
    assert row["df"] == scipy_result.df
    assert row["ci_low"] == pytest.approx(interval.low, rel=CLOSED_FORM)
    assert row["ci_high"] == pytest.approx(interval.high, rel=CLOSED_FORM)
    changes = after[complete] - before[complete]
    assert row["sd_change"] == pytest.approx(np.std(changes, ddof=1), rel=CLOSED_FORM)
    assert row["cohen_dz"] == pytest.approx(row["statistic"] / math.sqrt(row["n"]),
                                            rel=CLOSED_FORM)


@pytest.mark.parametrize("name", sorted(REFERENCE["mcnemar"]))
def test_mcnemar_agrees_with_statsmodels(name):
    before, after = _pair(name)
    complete = ~(np.isnan(before) | np.isnan(after))
    table = pd.crosstab(before[complete], after[complete]).to_numpy()
    row = mcnemar_test(before, after).iloc[0]
    uncorrected = mcnemar(table, exact=False, correction=False)
    assert mcnemar_test(before, after, correction=False)["p"].iloc[0] == pytest.approx(
        uncorrected.pvalue, rel=CLOSED_FORM)
    if row["b"] != row["c"]:  # statsmodels also "corrects" when b == c; R does not
        corrected = mcnemar(table, exact=False, correction=True)
        assert row["statistic"] == pytest.approx(corrected.statistic, rel=CLOSED_FORM)
        assert row["p"] == pytest.approx(corrected.pvalue, rel=CLOSED_FORM)


# --- output shape ------------------------------------------------------------------------------


def _shared(columns: list[str]) -> list[str]:
    return [column for column in RESULT_COLUMNS if column in columns]


def test_output_columns():
    before, after = _pair("ties_zeros")
    flags_before, flags_after = _pair("flag_main")
    results = {
        "signed_rank": signed_rank_test(before, after, outcome="ee"),
        "paired_t": paired_t_test(before, after, outcome="ee"),
        "mcnemar": mcnemar_test(flags_before, flags_after, outcome="burnout"),
    }
    assert list(results["signed_rank"].columns) == [
        "outcome", "method", "measure", "estimate", "ci_low", "ci_high", "confidence",
        "statistic", "p", "n", "n_zero", "rank_biserial"]
    assert list(results["paired_t"].columns) == [
        "outcome", "method", "measure", "estimate", "se", "ci_low", "ci_high", "confidence",
        "statistic", "df", "p", "n", "sd_change", "cohen_dz"]
    assert list(results["mcnemar"].columns) == [
        "outcome", "method", "measure", "estimate", "se", "ci_low", "ci_high", "confidence",
        "statistic", "df", "p", "n", "b", "c", "proportion_before", "proportion_after"]
    for method, result in results.items():
        assert len(result) == 1
        assert result["method"].iloc[0] == method
        columns = list(result.columns)
        assert columns[: len(_shared(columns))] == _shared(columns)  # shared vocabulary first
    assert results["signed_rank"]["measure"].iloc[0] == (
        "pseudomedian of the change (Hodges-Lehmann)")
    assert results["paired_t"]["measure"].iloc[0] == "mean change"
    assert results["mcnemar"]["measure"].iloc[0] == (
        "difference in proportions (after minus before)")
    assert results["signed_rank"]["outcome"].iloc[0] == "ee"
    assert signed_rank_test(before, after)["outcome"].iloc[0] is None


def test_series_are_paired_by_position_not_index():
    before, after = _pair("increase")
    shuffled = pd.Series(after, index=np.arange(len(after))[::-1])
    pd.testing.assert_frame_equal(paired_t_test(pd.Series(before), shuffled),
                                  paired_t_test(before, after))


def test_booleans_count_as_flags():
    before, after = _pair("flag_small")
    expected = mcnemar_test(before, after)
    pd.testing.assert_frame_equal(mcnemar_test(before == 1, after == 1), expected)


# --- paired_table ------------------------------------------------------------------------------


def _wide(names: list[str]) -> pd.DataFrame:
    """The datasets as outcomes of one wide table, shorter ones padded with missing pairs."""
    columns = {}
    length = max(len(_pair(name)[0]) for name in names)
    for name in names:
        before, after = _pair(name)
        padding = [np.nan] * (length - len(before))
        columns[f"{name}_pre"] = [*before, *padding]
        columns[f"{name}_post"] = [*after, *padding]
    return pd.DataFrame(columns)


@pytest.mark.parametrize("test, names, function", [
    ("signed_rank", ["ties_zeros", "increase", "larger"], signed_rank_test),
    ("paired_t", ["larger", "mixed_decimals"], paired_t_test),
    ("mcnemar", ["flag_small", "flag_main", "flag_one"], mcnemar_test),
])
def test_paired_table_runs_one_procedure_per_outcome(test, names, function):
    table = paired_table(_wide(names), names, test=test)
    assert table["outcome"].tolist() == names
    assert table["method"].unique().tolist() == [test]
    for position, name in enumerate(names):
        expected = function(*_pair(name), outcome=name)
        pd.testing.assert_frame_equal(table.iloc[[position]].reset_index(drop=True), expected)


def test_paired_table_matches_r_at_another_level_and_suffix():
    data = _wide(["ties_zeros"]).rename(columns={"ties_zeros_pre": "ee_t0",
                                                 "ties_zeros_post": "ee_t1"})
    row = paired_table(data, "ee", before_suffix="_t0", after_suffix="_t1",
                       confidence=0.90).iloc[0]
    expected = REFERENCE["signed_rank"]["ties_zeros"]["0.90"]
    assert row["outcome"] == "ee"
    assert row["ci_low"] == pytest.approx(expected["ci_low"], abs=ROOT)
    assert row["ci_high"] == pytest.approx(expected["ci_high"], abs=ROOT)


# --- properties -------------------------------------------------------------------------------

scores = st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=25)


def _pairs(draw_scores, changes):
    size = min(len(draw_scores), len(changes))
    before = np.array(draw_scores[:size], dtype=float)
    return before, before + np.array(changes[:size], dtype=float)


def _z(changes: np.ndarray, shift: float, correct: bool) -> float:
    """The standardized signed-rank statistic of ``changes - shift`` (written out afresh)."""
    shifted = changes - shift
    shifted = shifted[shifted != 0]
    n = shifted.size
    ranks = stats.rankdata(np.abs(shifted))
    _, ties = np.unique(ranks, return_counts=True)
    centred = ranks[shifted > 0].sum() - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - np.sum(ties ** 3.0 - ties) / 48)
    return (centred - (0.5 * np.sign(centred) if correct else 0.0)) / sigma


@settings(max_examples=40, deadline=None)
@given(scores, st.lists(st.integers(min_value=-6, max_value=6), min_size=2, max_size=25))
def test_signed_rank_estimate_and_bounds_are_roots_to_r_tolerance(before, changes):
    before, after = _pairs(before, changes)
    change = after - before
    non_zero = change[change != 0]
    if non_zero.size < 2 or np.all(non_zero == non_zero[0]):
        return
    row, messages = _quiet(signed_rank_test, before, after)
    row = row.iloc[0]
    step = 1e-4 + 1e-12  # uniroot's tolerance: the root lies within it of the value returned
    inside = (float(non_zero.min()), float(non_zero.max()))
    estimate = row["estimate"]
    assert inside[0] <= estimate <= inside[1]
    assert _z(non_zero, max(estimate - step, inside[0]), False) >= 0
    assert _z(non_zero, min(estimate + step, inside[1]), False) <= 0
    if not messages:  # the requested 95% is achievable: the bounds solve z = +-1.96
        quantile = stats.norm.isf(0.025)
        assert _z(non_zero, row["ci_low"] - step, True) >= quantile
        assert _z(non_zero, row["ci_low"] + step, True) <= quantile
        assert _z(non_zero, row["ci_high"] - step, True) >= -quantile
        assert _z(non_zero, row["ci_high"] + step, True) <= -quantile
        assert row["ci_low"] <= estimate + step and estimate - step <= row["ci_high"]


@settings(max_examples=40, deadline=None)
@given(scores, st.lists(st.integers(min_value=-6, max_value=6), min_size=2, max_size=25))
def test_swapping_before_and_after_mirrors_the_test(before, changes):
    before, after = _pairs(before, changes)
    if not np.any(after != before):
        return
    forward = _quiet(signed_rank_test, before, after)[0].iloc[0]
    backward = _quiet(signed_rank_test, after, before)[0].iloc[0]
    non_zero = forward["n"] - forward["n_zero"]
    assert forward["statistic"] + backward["statistic"] == non_zero * (non_zero + 1) / 2
    assert forward["p"] == pytest.approx(backward["p"], rel=1e-12)
    assert forward["rank_biserial"] == pytest.approx(-backward["rank_biserial"], abs=1e-12)
    assert -1 <= forward["rank_biserial"] <= 1


@settings(max_examples=30, deadline=None)
@given(scores, st.integers(min_value=-10, max_value=10).filter(lambda shift: shift != 0))
def test_signed_rank_of_x_against_x_plus_c_estimates_c(before, shift):
    before = np.array(before, dtype=float)
    with pytest.warns(UserWarning, match="every non-zero change is the same"):
        row = signed_rank_test(before, before + shift).iloc[0]
    assert row["estimate"] == shift
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert row["confidence"] == 0
    assert row["rank_biserial"] == np.sign(shift)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), min_size=3,
                max_size=30),
       st.lists(st.floats(min_value=-5, max_value=5, allow_nan=False), min_size=3,
                max_size=30))
def test_paired_t_matches_scipy_on_any_data(before, changes):
    before, after = _pairs(before, changes)
    change = after - before
    if np.std(change) < 1e-6 * (1 + abs(np.mean(change))):
        return
    row = paired_t_test(before, after).iloc[0]
    expected = stats.ttest_rel(after, before)
    assert row["statistic"] == pytest.approx(expected.statistic, rel=1e-8, abs=1e-12)
    assert row["p"] == pytest.approx(expected.pvalue, rel=1e-8, abs=1e-300)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=40))
def test_mcnemar_swapping_before_and_after_negates_the_difference(pairs):
    before = [first for first, _ in pairs]
    after = [second for _, second in pairs]
    if before == after:
        return
    forward = mcnemar_test(before, after).iloc[0]
    backward = mcnemar_test(after, before).iloc[0]
    assert (forward["b"], forward["c"]) == (backward["c"], backward["b"])
    assert forward["estimate"] == pytest.approx(-backward["estimate"], abs=1e-15)
    assert forward["statistic"] == backward["statistic"] and forward["p"] == backward["p"]
    assert forward["estimate"] == pytest.approx(
        forward["proportion_after"] - forward["proportion_before"], abs=1e-15)


# --- bad input ---------------------------------------------------------------------------------

GOOD_BEFORE = [10.0, 12.0, 9.0, 14.0]
GOOD_AFTER = [8.0, 12.0, 7.0, 15.0]


@pytest.mark.parametrize("function, name", [(signed_rank_test, "signed_rank_test"),
                                            (paired_t_test, "paired_t_test"),
                                            (mcnemar_test, "mcnemar_test")])
def test_common_bad_input(function, name):
    with pytest.raises(DataError, match=rf"^{name}: arguments 'before' and 'after' must have "
                                        r"the same length .* got 3 and 2"):
        function([1, 0, 1], [1, 0])
    with pytest.raises(DataError, match=rf"^{name}: argument 'after': value 'yes' at "
                                        r"position 2 \(counting from 1\) is not a number"):
        function([1, 0, 1], [1, "yes", 0])
    with pytest.raises(DataError, match=rf"^{name}: 1 complete pair\(s\) of 'before' and "
                                        "'after'; rule: at least 2 pairs"):
        function([1, None, 0], [0, 1, np.nan])
    for confidence in (0, 1, 1.5, "0.95", True):
        with pytest.raises(DataError, match=rf"^{name}: argument 'confidence' must be a number "
                                            "strictly between 0 and 1"):
            function([1, 0, 1], [0, 0, 1], confidence=confidence)


def test_bad_input_naming_the_outcome():
    with pytest.raises(DataError, match=r"^signed_rank_test \(outcome 'ee'\): every one of "
                                        r"the 3 changes is zero"):
        signed_rank_test([3, 4, 5], [3, 4, 5], outcome="ee")


def test_every_change_zero_or_constant():
    with pytest.raises(DataError, match="^signed_rank_test: every one of the 4 changes is zero; "
                                        "rule: the signed-rank test needs"):
        signed_rank_test(GOOD_BEFORE, GOOD_BEFORE)
    with pytest.raises(DataError, match="^paired_t_test: every one of the 4 changes is zero"):
        paired_t_test(GOOD_BEFORE, GOOD_BEFORE)
    with pytest.raises(DataError, match=r"^paired_t_test: every change is the same \(2\); rule"):
        paired_t_test(GOOD_BEFORE, np.array(GOOD_BEFORE) + 2)
    with pytest.raises(DataError, match=r"^mcnemar_test: no participant changed \(b = c = 0 of "
                                        "3 pairs\\); rule: McNemar's test needs"):
        mcnemar_test([1, 0, 1], [1, 0, 1])


def test_flags_must_be_zero_or_one():
    with pytest.raises(DataError, match=r"^mcnemar_test: argument 'before': value 2 at position "
                                        r"3 \(counting from 1\) is not a flag; rule: a flag is "
                                        r"0 \(no\) or 1 \(yes\)"):
        mcnemar_test([1, 0, 2, 1], [1, 1, 0, 0])
    with pytest.raises(DataError, match="^mcnemar_test: argument 'after': value 0.5 at position"):
        mcnemar_test([1, 0, 1, 1], [1, 0.5, 0, np.nan])


def test_infinite_and_non_sequence_values():
    with pytest.raises(DataError, match=r"^paired_t_test: argument 'before': value at position 2 "
                                        r"\(counting from 1\) is infinite"):
        paired_t_test([1, np.inf, 3], [1, 2, 3])
    with pytest.raises(DataError, match="^signed_rank_test: argument 'before' must be a "
                                        "one-dimensional sequence"):
        signed_rank_test("12", [1, 2])


def test_paired_table_bad_input():
    data = pd.DataFrame({"ee_pre": [3, 4, 5], "ee_post": [2, "x", 6], "dp_pre": [1, 1, 1],
                         "dp_post": [1, 1, 1]})
    with pytest.raises(DataError, match=r"^paired_table: argument 'test' must be one of "
                                        r"\['mcnemar', 'paired_t', 'signed_rank'\], got 'wilcox'"):
        paired_table(data, ["ee"], test="wilcox")
    with pytest.raises(DataError, match=r"^paired_table: column\(s\) \['pa_pre', 'pa_post'\] "
                                        "missing"):
        paired_table(data, ["ee", "pa"])
    with pytest.raises(DataError, match="^paired_table: row 3, column 'ee_post': value 'x' is not "
                                        "a number"):
        paired_table(data, ["ee"])
    with pytest.raises(DataError, match=r"^paired_table: outcome 'dp' \(columns 'dp_pre' as "
                                        r"'before', 'dp_post' as 'after'\): paired_t_test "
                                        r"\(outcome 'dp'\): every one of the 3 changes is zero"):
        paired_table(data, ["dp"], test="paired_t")
    with pytest.raises(DataError, match="^paired_table: argument 'outcomes' is empty"):
        paired_table(data, [])
    with pytest.raises(DataError, match="^paired_table: argument 'confidence' must be"):
        paired_table(data, ["dp"], confidence=95)
