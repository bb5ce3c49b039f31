r"""The Wilcoxon signed-rank test of a single group's change, as R computes it.

Each participant is measured before and after the program; :func:`signed_rank_test` ranks the
absolute changes ``after - before`` (zero changes dropped), sums the ranks of the increases (V)
and reports R's pseudomedian (Hodges-Lehmann type) estimate with its interval and the
matched-pairs rank-biserial correlation. The numbers reproduce R 4.2.2
(tests/reference/paired.R) ``wilcox.test(after, before, paired = TRUE, conf.int = TRUE,
exact = FALSE)``. The estimate and interval are roots of a step function found with R's
``uniroot`` (Brent's method, tolerance ``1e-4``). The same algorithm, ported line by line in
:func:`burnout.stats.rank_sum._brent_root`, is fed the same function values -- the normal
quantiles come from a port of R's ``qnorm`` (:func:`_qnorm`), since scipy's differ in the last
bits -- so it visits the same trial points and lands on the same roots as R (to rounding error,
not merely to ``1e-4``: a root of a step function found to ``1e-4`` is only reproducible by
taking the same path to it).

Zero changes: R 4.2 (like Wilcoxon) drops the pairs without change before ranking *and* before
searching the estimate and interval, and so does this module. The refactored ``wilcox.test`` of
the current R development sources keeps those pairs in the search for the estimate and interval
(not in the test); with zero changes its estimate and interval can therefore differ.

The input checks shared by the paired procedures (:func:`complete_pairs`,
:func:`checked_confidence`) live here too.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

# special.ndtr / ndtri are what stats.norm's cdf / ppf compute, without its overhead.
from scipy import special, stats

from burnout.core.errors import DataError
from burnout.core.results import tidy_result
from burnout.stats.rank_sum import _ROOT_TOLERANCE, _brent_root

__all__ = ["signed_rank_test", "complete_pairs", "checked_confidence", "as_numbers"]

_Values = Sequence[float] | np.ndarray | pd.Series


def checked_confidence(confidence: float, where: str) -> float:
    """``confidence`` as a float; DataError unless it is a number strictly between 0 and 1."""
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
            0 < confidence < 1):
        raise DataError(f"{where}: argument 'confidence' must be a number strictly between 0 "
                        f"and 1, got {confidence!r}")
    return float(confidence)


def as_numbers(values: _Values, name: str, where: str) -> np.ndarray:
    """``values`` as a float array (missing values as NaN); DataError for a non-number."""
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise DataError(f"{where}: argument '{name}' must be a one-dimensional sequence of "
                        f"numbers, one per participant")
    series = pd.Series(list(values), dtype=object)
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series.notna().to_numpy() & numbers.isna().to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(f"{where}: argument '{name}': value {series.iloc[position]!r} at "
                        f"position {position + 1} (counting from 1) is not a number")
    array = numbers.to_numpy(dtype=float)
    if np.isinf(array).any():
        position = int(np.flatnonzero(np.isinf(array))[0])
        raise DataError(f"{where}: argument '{name}': value at position {position + 1} "
                        f"(counting from 1) is infinite; rule: values must be finite numbers")
    return array


def complete_pairs(before: _Values, after: _Values,
                    where: str) -> tuple[np.ndarray, np.ndarray]:
    """The pairs with both values present, as two float arrays; DataError for bad input.

    Values are paired by position (the index of a Series is ignored).
    """
    before_values = as_numbers(before, "before", where)
    after_values = as_numbers(after, "after", where)
    if before_values.size != after_values.size:
        raise DataError(f"{where}: arguments 'before' and 'after' must have the same length "
                        f"(one value of each per participant), got {before_values.size} and "
                        f"{after_values.size}")
    complete = ~(np.isnan(before_values) | np.isnan(after_values))
    if complete.sum() < 2:
        raise DataError(f"{where}: {int(complete.sum())} complete pair(s) of 'before' and "
                        f"'after'; rule: at least 2 pairs with both values present are needed")
    return before_values[complete], after_values[complete]


# --- Wilcoxon signed-rank test -------------------------------------------------------------


def _signed_rank_z(changes: np.ndarray, shift: float, correct: bool) -> float:
    """R's ``W(d)`` inside ``wilcox.test``: standardized signed-rank statistic of ``x - d``.

    Zero differences are dropped, absolute values ranked (ties get their average rank); the
    result is NaN when nothing is left (every difference zero), as in R.
    """
    shifted = changes - shift
    shifted = shifted[shifted != 0]
    n = float(shifted.size)
    ranks = stats.rankdata(np.abs(shifted))
    centred = float(ranks[shifted > 0].sum()) - n * (n + 1) / 4
    _, tie_counts = np.unique(ranks, return_counts=True)
    tie_counts = tie_counts.astype(float)
    variance = n * (n + 1) * (2 * n + 1) / 24 - float(np.sum(tie_counts ** 3 - tie_counts)) / 48
    sigma = math.sqrt(max(variance, 0.0))
    correction = 0.5 * float(np.sign(centred)) if correct else 0.0
    if sigma == 0:
        return math.nan
    return (centred - correction) / sigma


def _qnorm(probability: float, lower_tail: bool = True) -> float:
    """R's ``qnorm(p, lower.tail = lower_tail)``: Wichura's AS 241, ported from R's qnorm.c.

    scipy's ``norm.ppf`` can differ from R in the last bits, and that is enough to send the
    root search of the signed-rank interval along other trial points (it evaluates a step
    function, sometimes exactly at a jump), ending up to ``1e-4`` away from R's bound. With
    R's algorithm, in R's order of operations, the quantiles are R's to the bit.
    ``probability`` must lie strictly between 0 and 1.
    """
    p_lower = probability if lower_tail else 0.5 - probability + 0.5
    q = p_lower - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                         + 67265.770927008700853) * r + 45921.953931549871457) * r
                       + 13731.693765509461125) * r + 1971.5909503065514427) * r
                     + 133.14166789178437745) * r + 3.387132872796366608) / (
            ((((((r * 5226.495278852854561 + 28729.085735721942674) * r
                 + 39307.89580009271061) * r + 21213.794301586595867) * r
               + 5394.1960214247511077) * r + 687.1870074920579083) * r
             + 42.313330701600911252) * r + 1.0)
    tail = (probability if not lower_tail else 0.5 - probability + 0.5) if q > 0 else p_lower
    r = math.sqrt(-math.log(tail))
    if r <= 5.0:
        r += -1.6
        value = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
                      + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                    + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                  + 4.6303378461565452959) * r + 1.42343711074968357734) / (
            ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                  + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                + 0.68976733498510000455) * r + 1.6763848301838038494) * r
              + 2.05319162663775882187) * r + 1.0)
    else:
        r += -5.0
        value = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
                      + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                    + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                  + 5.4637849111641143699) * r + 6.6579046435011037772) / (
            ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                  + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
              + 0.59983220655588793769) * r + 1.0)
    return -value if q < 0 else value


def _signed_rank_interval(changes: np.ndarray, confidence: float,
                          where: str) -> tuple[float, float, float, float]:
    """R's asymptotic estimate and two-sided interval: ``(estimate, low, high, confidence)``.

    ``changes`` are the non-zero changes. The returned confidence is the level the interval
    has: lower than asked when R's search had to widen alpha, 0 when no interval exists.
    """
    lowest, highest = float(changes.min()), float(changes.max())
    at_lowest = _signed_rank_z(changes, lowest, correct=True)
    if not math.isfinite(at_lowest):
        warnings.warn(f"{where}: every non-zero change is the same ({lowest:g}); the interval "
                      "cannot be computed (R: 'cannot compute confidence interval when all "
                      "observations are zero or tied'); the estimate is that change",
                      UserWarning, stacklevel=3)
        return (lowest + highest) / 2, math.nan, math.nan, 0.0
    at_highest = _signed_rank_z(changes, highest, correct=True)

    alpha = 1 - confidence
    # R doubles alpha until the ends of the search range bracket both quantiles (at the
    # latest at alpha >= 1, where the quantiles are <= 0 <= at_lowest and >= 0 >= at_highest).
    while alpha < 1 and (at_lowest - _qnorm(alpha / 2, lower_tail=False) < 0
                         or at_highest - _qnorm(alpha / 2) > 0):
        alpha *= 2
    achieved = confidence
    if alpha >= 1 or 1 - confidence < alpha * 0.75:
        achieved = 1 - min(1.0, alpha)
        warnings.warn(f"{where}: the requested confidence {confidence:g} is not achievable with "
                      f"{changes.size} non-zero change(s); the interval has confidence "
                      f"{achieved:g} (as R's wilcox.test)", UserWarning, stacklevel=3)

    def bound(quantile: float) -> float:
        return _brent_root(lambda shift: _signed_rank_z(changes, shift, True) - quantile,
                           lowest, highest, at_lowest - quantile, at_highest - quantile,
                           tolerance=_ROOT_TOLERANCE)

    if alpha < 1:
        low = bound(_qnorm(alpha / 2, lower_tail=False))
        high = bound(_qnorm(alpha / 2))
    else:
        low = high = float(np.median(changes))

    def uncorrected(shift: float) -> float:
        return _signed_rank_z(changes, shift, False)

    estimate = _brent_root(uncorrected, lowest, highest, uncorrected(lowest),
                           uncorrected(highest), tolerance=_ROOT_TOLERANCE)
    return float(estimate), float(low), float(high), float(achieved)


@tidy_result
def signed_rank_test(before: _Values, after: _Values, confidence: float = 0.95, *,
                     outcome: str | None = None) -> pd.DataFrame:
    r"""Wilcoxon signed-rank test of the change ``after - before``, as R's ``wilcox.test``.

    Reproduces R's ``wilcox.test(after, before, paired = TRUE, conf.int = TRUE,
    exact = FALSE)``: two-sided, normal approximation with tie and continuity corrections,
    pairs without change dropped (Wilcoxon's rule).

    Parameters
    ----------
    before, after : array-like of float
        One value per participant, paired by position. A pair with a missing value (NaN,
        None) is dropped.
    confidence : float
        Confidence level of the interval of the pseudomedian, strictly between 0 and 1.
    outcome : str, optional
        Name of the outcome, written in the ``outcome`` column.

    Returns
    -------
    pandas.DataFrame
        One row with columns ``outcome``, ``method`` (``"signed_rank"``), ``measure``
        (``"pseudomedian of the change (Hodges-Lehmann)"``), ``estimate``, ``ci_low``,
        ``ci_high``, ``confidence`` (the level the interval has; see Notes), ``statistic``
        (R's V: the sum of the ranks of the positive changes), ``p`` (two-sided), ``n``
        (complete pairs, including those without change), ``n_zero`` (pairs without change,
        dropped from the test) and ``rank_biserial`` (matched-pairs rank-biserial
        correlation, positive when values tend to rise).

    Raises
    ------
    DataError
        When ``before`` and ``after`` differ in length, hold a value that is not a finite
        number, have fewer than 2 complete pairs or no change at all, or ``confidence`` is
        not strictly between 0 and 1.

    Warns
    -----
    UserWarning
        When, as in R, the interval cannot have the requested confidence (few non-zero
        changes) or cannot be computed at all (every non-zero change the same).

    Notes
    -----
    With :math:`d_i` the :math:`n'` non-zero changes, :math:`R_i` the ranks of
    :math:`|d_i|` (average ranks for ties) and :math:`t_k` the sizes of the groups of tied
    ranks,

    .. math::

        V = \sum_{d_i > 0} R_i, \qquad
        z = \frac{V - n'(n'+1)/4 - \operatorname{sign}(V - n'(n'+1)/4)/2}
                 {\sqrt{n'(n'+1)(2n'+1)/24 - \sum_k (t_k^3 - t_k)/48}},

    and :math:`p = 2\min\{\Phi(z), 1 - \Phi(z)\}`.

    The estimate is, as in R's asymptotic branch, the root in :math:`\delta` of
    :math:`z(\delta)` computed on :math:`d_i - \delta` (again dropping zeros) *without* the
    continuity correction; the interval's bounds are the roots of
    :math:`z(\delta) = \pm z_{1-\alpha/2}` *with* it, searched between
    :math:`\min d_i` and :math:`\max d_i`. Without ties this is close to the
    Hodges-Lehmann estimate (median of the Walsh averages
    :math:`(d_i + d_j)/2, i \le j`) but, being the root of a step function found to R's
    ``uniroot`` tolerance of ``1e-4``, not equal to it. When the search range cannot reach
    :math:`\pm z_{1-\alpha/2}` R doubles :math:`\alpha` until it can, and reports (and warns
    about) the lower level; this function does the same and writes that level in
    ``confidence``. When every non-zero change is the same, R's estimate is that change and
    there is no interval (NaN bounds, ``confidence`` 0).

    The matched-pairs rank-biserial correlation is the difference between the proportions
    of the rank sum carried by the rises and by the falls:
    :math:`r = (V - (S - V)) / S` with :math:`S = n'(n'+1)/2`, between -1 and 1.

    References
    ----------
    .. [1] Wilcoxon F (1945). Individual comparisons by ranking methods. Biometrics Bulletin
       1:80-83.
    .. [2] Bauer DF (1972). Constructing confidence sets using rank statistics. Journal of
       the American Statistical Association 67:687-690.
    .. [3] Kerby DS (2014). The simple difference formula: an approach to teaching
       nonparametric correlation. Comprehensive Psychology 3:11.IT.3.1.
    .. [4] R Core Team. ``stats::wilcox.test`` (``wilcox.test.default``), R 4.2.

    Examples
    --------
    >>> before = [24, 31, 18, 27, 22, 35, 29, 20, 26, 30]
    >>> after = [20, 28, 18, 21, 23, 30, 24, 17, 26, 25]
    >>> row = signed_rank_test(before, after, outcome="ee").iloc[0]
    >>> row["method"], float(row["statistic"]), int(row["n"]), int(row["n_zero"])
    ('signed_rank', 1.0, 10, 2)
    >>> round(float(row["p"]), 4), round(float(row["estimate"]), 2)
    (0.0201, -4.0)
    >>> round(float(row["ci_low"]), 2), round(float(row["ci_high"]), 2)
    (-5.5, -1.5)
    >>> round(float(row["rank_biserial"]), 3)
    -0.944
    """
    where = "signed_rank_test" if outcome is None else f"signed_rank_test (outcome '{outcome}')"
    confidence = checked_confidence(confidence, where)
    before_values, after_values = complete_pairs(before, after, where)
    changes = after_values - before_values
    nonzero = changes[changes != 0]
    if nonzero.size == 0:
        raise DataError(f"{where}: every one of the {changes.size} changes is zero; rule: the "
                        "signed-rank test needs at least one pair whose values differ")
    n_nonzero = float(nonzero.size)
    ranks = stats.rankdata(np.abs(nonzero))
    statistic = float(ranks[nonzero > 0].sum())
    z_value = _signed_rank_z(nonzero, 0.0, correct=True)
    p_value = float(2 * min(special.ndtr(z_value), special.ndtr(-z_value)))
    total = n_nonzero * (n_nonzero + 1) / 2
    estimate, low, high, achieved = _signed_rank_interval(nonzero, confidence, where)
    return {
        "outcome": outcome,
        "method": "signed_rank",
        "measure": "pseudomedian of the change (Hodges-Lehmann)",
        "estimate": estimate,
        "ci_low": low,
        "ci_high": high,
        "confidence": achieved,
        "statistic": statistic,
        "p": p_value,
        "n": int(changes.size),
        "n_zero": int(changes.size - nonzero.size),
        "rank_biserial": (statistic - (total - statistic)) / total,
    }


# --- paired t-test -------------------------------------------------------------------------
