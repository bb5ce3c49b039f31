"""Wilcoxon rank-sum (Mann-Whitney) test with R's location shift and confidence interval.

The rank-sum test asks whether values of one group tend to be larger than values of the
other. All values are pooled and ranked (ties get the average of their ranks); if the groups
did not differ, the ranks of group ``x`` would be a random draw from all the ranks. The
statistic ``W`` is the sum of the ranks of ``x`` minus its smallest possible value
``n_x (n_x + 1) / 2``: it counts the pairs ``(x_i, y_j)`` with ``x_i > y_j`` (a tie counts
one half). It equals scipy's and pingouin's ``U`` of ``x``.

:func:`rank_sum_test` reproduces R's
``wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE)`` exactly:

* the p-value is two-sided and uses the normal approximation, with the variance reduced for
  ties and a continuity correction of one half towards zero;
* :func:`rank_sum_table` runs the test on several columns of an analysis table (intervention
  as ``x``, control as ``y``);
* the location shift (Hodges-Lehmann type estimate) and its confidence interval are, as in
  R's asymptotic branch, the roots in ``d`` of the standardized statistic computed on
  ``x - d`` against ``y`` (the estimate solves ``z(d) = 0`` without continuity correction, the
  interval bounds solve ``z(d) = +-1.96`` with it). R finds these roots with ``uniroot``
  (Brent's method, tolerance ``1e-4``); the same algorithm is ported here
  (:func:`_brent_root`), so the numbers agree with R to that tolerance. With ties this root is
  *not* the median of the pairwise differences ``x_i - y_j`` (which R reports only in the
  exact, tie-free case), and neither is the difference of the two medians.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from burnout.errors import DataError, require_columns

__all__ = ["rank_sum_test", "rank_sum_table"]

# R's default tolerance of uniroot in wilcox.test (argument tol.root).
_ROOT_TOLERANCE = 1e-4
_MAX_ITERATIONS = 1000


def _as_values(values: Sequence[float] | np.ndarray | pd.Series, name: str) -> np.ndarray:
    """Return the non-missing values as a float array; DataError if empty or not numeric."""
    try:
        array = np.asarray(pd.to_numeric(pd.Series(values, dtype=object)), dtype=float)
    except (TypeError, ValueError) as error:
        raise DataError(f"rank_sum_test: group '{name}' holds a value that is not a number "
                        f"({error})") from None
    array = array[~np.isnan(array)]
    if array.size == 0:
        raise DataError(f"rank_sum_test: group '{name}' has no non-missing values; rule: each "
                        "group needs at least one observation")
    if not np.all(np.isfinite(array)):
        raise DataError(f"rank_sum_test: group '{name}' holds an infinite value")
    return array


def _standardized_statistic(x: np.ndarray, y: np.ndarray, shift: float,
                            correct: bool) -> float:
    """R's ``W(d)`` inside wilcox.test: z of the rank sum of ``x - shift`` against ``y``.

    Returns NaN when every value is tied (the variance is zero), as R does after warning.
    """
    n_x, n_y = float(x.size), float(y.size)
    ranks = stats.rankdata(np.concatenate([x - shift, y]))
    centred = ranks[: x.size].sum() - n_x * (n_x + 1) / 2 - n_x * n_y / 2
    _, tie_counts = np.unique(ranks, return_counts=True)
    tie_term = float(np.sum(tie_counts.astype(float) ** 3 - tie_counts))
    variance = (n_x * n_y / 12) * ((n_x + n_y + 1) - tie_term / ((n_x + n_y) * (n_x + n_y - 1)))
    sigma = math.sqrt(max(variance, 0.0))
    correction = 0.5 * np.sign(centred) if correct else 0.0
    if sigma == 0:
        return math.nan
    return float((centred - correction) / sigma)


def _brent_root(function: Callable[[float], float], lower: float, upper: float,
                f_lower: float, f_upper: float, tolerance: float = _ROOT_TOLERANCE,
                max_iterations: int = _MAX_ITERATIONS) -> float:
    """Port of R's ``R_zeroin2`` (src/library/stats/src/zeroin.c), the engine of ``uniroot``.

    Brent's method: bisection safeguarded inverse quadratic interpolation. Ported line by line
    (same order of operations, same stopping rule) because the function whose root is sought
    is a step function: on a flat stretch any point is "a root", and only the same sequence
    of trial points lands on the same one as R.
    """
    epsilon = np.finfo(float).eps
    a, b = lower, upper
    fa, fb = f_lower, f_upper
    c, fc = a, fa
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    for _ in range(max_iterations + 1):
        previous_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tolerance_actual = 2 * epsilon * abs(b) + tolerance / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tolerance_actual or fb == 0.0:
            return b
        if abs(previous_step) >= tolerance_actual and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tolerance_actual * q) / 2) and p < abs(
                    previous_step * q / 2):
                new_step = p / q
        if abs(new_step) < tolerance_actual:
            new_step = tolerance_actual if new_step > 0 else -tolerance_actual
        a, fa = b, fb
        b += new_step
        fb = function(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    return b  # not converged: R warns and returns the last approximation too


def _interval_bound(x: np.ndarray, y: np.ndarray, quantile: float, at_lowest: float,
                    at_highest: float, lowest: float, highest: float) -> float:
    """R's ``root(zq)``: the shift where the corrected z equals ``quantile`` (or an end)."""
    f_lower = at_lowest - quantile
    if f_lower <= 0:
        return lowest
    f_upper = at_highest - quantile
    if f_upper >= 0:
        return highest
    return _brent_root(lambda shift: _standardized_statistic(x, y, shift, True) - quantile,
                       lowest, highest, f_lower, f_upper)


def rank_sum_test(x: Sequence[float] | np.ndarray | pd.Series,
                  y: Sequence[float] | np.ndarray | pd.Series,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Two-sided Wilcoxon rank-sum test of ``x`` against ``y``, as R's ``wilcox.test``.

    Parameters
    ----------
    x, y : array-like of float
        The two independent samples (e.g. change scores of the intervention group as ``x``
        and of the control group as ``y``). Missing values (NaN) are dropped.
    confidence : float
        Confidence level of the interval of the location shift, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        One row with columns

        * ``n_x``, ``n_y`` -- observations used in each group;
        * ``W`` -- R's statistic: sum of the ranks of ``x`` minus ``n_x (n_x + 1) / 2``;
        * ``U_val`` -- the Mann-Whitney ``U`` of ``x`` (scipy, pingouin); equal to ``W``;
        * ``p_val`` -- two-sided p-value, normal approximation with tie and continuity
          corrections (R's ``exact = FALSE, correct = TRUE``);
        * ``shift`` -- R's "difference in location" estimate of ``x`` minus ``y``;
        * ``shift_ci_low``, ``shift_ci_high`` -- its confidence interval;
        * ``rank_biserial`` -- rank-biserial correlation ``2 U / (n_x n_y) - 1``, pingouin's
          ``RBC`` sign convention: positive when ``x`` tends to be larger than ``y``,
          between -1 and 1.

    Raises
    ------
    DataError
        When a group has no non-missing value, a value is not a number, or ``confidence`` is
        not strictly between 0 and 1.

    Notes
    -----
    With :math:`R_x` the rank sum of ``x`` and :math:`t_k` the sizes of the groups of tied
    values, the z statistic is

    .. math::

        z = \\frac{W - n_x n_y / 2 - \\operatorname{sign}(W - n_x n_y / 2) / 2}
                 {\\sqrt{\\frac{n_x n_y}{12}\\left(n_x + n_y + 1 -
                  \\frac{\\sum_k (t_k^3 - t_k)}{(n_x + n_y)(n_x + n_y - 1)}\\right)}}

    The location shift is the root in ``d`` of :math:`z(d)` computed on ``x - d`` against
    ``y`` without the continuity correction; the interval's bounds are the roots of
    :math:`z(d) = \\pm z_{1 - \\alpha/2}` with the correction, each searched between
    ``min(x) - max(y)`` and ``max(x) - min(y)`` as R does (a bound that cannot be reached
    is that search limit).

    When every value of both groups is the same, the variance of ``W`` is zero and the test
    is undefined: R returns a NaN p-value (and stops with an error when asked for the
    interval). This function returns the row with ``W``, ``U_val`` and ``rank_biserial``
    (0) filled and NaN for ``p_val``, ``shift`` and the interval, rather than failing a
    whole analysis over one degenerate outcome.

    References
    ----------
    .. [1] Bauer DF (1972). Constructing confidence sets using rank statistics. Journal of
       the American Statistical Association 67:687-690.
    .. [2] R Core Team. ``stats::wilcox.test`` (``wilcox.test.default``), R 4.2.
    .. [3] Kerby DS (2014). The simple difference formula: an approach to teaching
       nonparametric correlation. Comprehensive Psychology 3:11.IT.3.1.

    Examples
    --------
    >>> result = rank_sum_test([1.1, 2.3, 3.5, 4.2, 5.9], [0.2, 0.9, 1.5, 2.1])
    >>> int(result["W"].iloc[0]), round(float(result["p_val"].iloc[0]), 4)
    (18, 0.0662)
    >>> round(float(result["shift"].iloc[0]), 2), float(result["rank_biserial"].iloc[0])
    (2.1, 0.8)
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"rank_sum_test: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    x_values = _as_values(x, "x")
    y_values = _as_values(y, "y")
    n_x, n_y = float(x_values.size), float(y_values.size)

    ranks = stats.rankdata(np.concatenate([x_values, y_values]))
    statistic = float(ranks[: x_values.size].sum() - n_x * (n_x + 1) / 2)
    rank_biserial = 2 * statistic / (n_x * n_y) - 1

    z_value = _standardized_statistic(x_values, y_values, 0.0, correct=True)
    if math.isnan(z_value):
        p_value = shift = low = high = math.nan
    else:
        p_value = float(2 * min(stats.norm.cdf(z_value), stats.norm.sf(z_value)))
        lowest = float(x_values.min() - y_values.max())
        highest = float(x_values.max() - y_values.min())
        quantile = float(stats.norm.ppf(1 - (1 - confidence) / 2))
        at_lowest = _standardized_statistic(x_values, y_values, lowest, True)
        at_highest = _standardized_statistic(x_values, y_values, highest, True)
        low = _interval_bound(x_values, y_values, quantile, at_lowest, at_highest,
                              lowest, highest)
        high = _interval_bound(x_values, y_values, -quantile, at_lowest, at_highest,
                               lowest, highest)

        def uncorrected(shift_value: float) -> float:
            return _standardized_statistic(x_values, y_values, shift_value, False)

        shift = _brent_root(uncorrected, lowest, highest, uncorrected(lowest),
                            uncorrected(highest))
    return pd.DataFrame({
        "n_x": [int(n_x)],
        "n_y": [int(n_y)],
        "W": [statistic],
        "U_val": [statistic],
        "p_val": [p_value],
        "shift": [float(shift)],
        "shift_ci_low": [float(low)],
        "shift_ci_high": [float(high)],
        "rank_biserial": [float(rank_biserial)],
    })


def rank_sum_table(data: pd.DataFrame, outcomes: Sequence[str], group: str = "group",
                   exposed: str = "intervention", unexposed: str = "control",
                   confidence: float = 0.95) -> pd.DataFrame:
    """:func:`rank_sum_test` of ``exposed`` (as ``x``) against ``unexposed`` for each column.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant with the ``group`` column and the outcome columns.
    outcomes : sequence of str
        Numeric columns to compare (e.g. ``["ee_change", "dp_change", "pa_change"]``).
    group : str
        The group column.
    exposed, unexposed : str
        The groups compared; shifts and rank-biserial correlations are ``exposed`` minus
        ``unexposed``.
    confidence : float
        Confidence level of the interval of the shift.

    Returns
    -------
    pandas.DataFrame
        One row per outcome: ``outcome`` then the columns of :func:`rank_sum_test`.

    Raises
    ------
    DataError
        When a column is missing or a group has no value for an outcome.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 3,
    ...                      "ee_change": [-4.0, -2.0, 1.0, 0.0, 0.0, 2.0]})
    >>> rank_sum_table(data, ["ee_change"])[["outcome", "n_x", "n_y", "W"]]
         outcome  n_x  n_y    W
    0  ee_change    3    3  2.0
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    require_columns(data, [group, *outcomes], "rank_sum_table")
    rows = []
    for outcome in outcomes:
        samples = {}
        for label in (exposed, unexposed):
            values = data.loc[(data[group] == label).to_numpy(), outcome]
            try:
                samples[label] = _as_values(values, label)
            except DataError as error:
                raise DataError(f"rank_sum_table: outcome '{outcome}': {error}") from None
        result = rank_sum_test(samples[exposed], samples[unexposed], confidence=confidence)
        result.insert(0, "outcome", outcome)
        rows.append(result)
    return pd.concat(rows, ignore_index=True)
