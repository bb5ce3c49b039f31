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

R re-ranks the pooled sample ``c(x - d, y)`` at each of the 20-50 trial shifts of its root
searches. Here each sample is sorted once (:class:`_ShiftedSamples`) and a trial shift costs a
subtraction and one binary search of the sorted distinct values of ``x - d`` among those of
``y``, with the same statistic, bit for bit, at every trial shift, hence the same root-finder
path as R (:func:`rank_sum_test`, Notes). With tied scores (a few dozen distinct values) the
whole test with its interval costs about the two sorts; without ties a trial shift costs about
half a sort.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

# special.ndtr / ndtri are what stats.norm's cdf / ppf compute, without its overhead.
from scipy import special

from burnout.core.errors import DataError, require_columns
from burnout.core.results import result_frame, tidy_result

__all__ = ["rank_sum_test", "rank_sum_table"]

# R's default tolerance of uniroot in wilcox.test (argument tol.root).
_ROOT_TOLERANCE = 1e-4
_MAX_ITERATIONS = 1000


def _as_values(values: Sequence[float] | np.ndarray | pd.Series, name: str) -> np.ndarray:
    """Return the non-missing values as a float array; DataError if empty or not numeric."""
    array = np.asarray(values)
    if array.ndim == 1 and array.dtype.kind in "fiu":  # numbers already: no object detour
        array = array.astype(float)
    else:
        try:
            array = np.asarray(pd.to_numeric(pd.Series(values, dtype=object)), dtype=float)
        except (TypeError, ValueError) as error:
            raise DataError(f"rank_sum_test: group '{name}' holds a value that is not a "
                            f"number ({error})") from None
    array = array[~np.isnan(array)]
    if array.size == 0:
        raise DataError(f"rank_sum_test: group '{name}' has no non-missing values; rule: each "
                        "group needs at least one observation")
    if not np.all(np.isfinite(array)):
        raise DataError(f"rank_sum_test: group '{name}' holds an infinite value")
    return array


def _tie_sum(sizes: np.ndarray, dtype: type) -> int | float:
    """``sum(t^3 - t)`` over tie groups of sizes ``sizes``, computed in ``dtype``."""
    t = sizes.astype(dtype)
    return np.sum(t * t * t - t).item()


class _ShiftedSamples:
    """The rank-sum statistic of ``x - d`` against ``y`` for any shift ``d``, without ranking.

    Built once from the sorted distinct values of each sample and their counts; a shift is
    subtracted from the distinct values of ``x``, which are located among those of ``y`` with
    one :func:`numpy.searchsorted` (the algorithm: :func:`rank_sum_test`, Notes).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x_values, x_counts = np.unique(x, return_counts=True)
        self.y_values, y_counts = np.unique(y, return_counts=True)
        self.x_counts = x_counts.astype(np.int64)
        self.y_counts = y_counts.astype(np.int64)
        # y_below[k]: how many y are smaller than the k-th distinct y (k = size: all of them)
        self.y_below = np.concatenate([[0], np.cumsum(self.y_counts)])
        # Tie sums are at most N^3 - N: exact in int64 below 2^21 observations, floats beyond.
        self.tie_type = np.int64 if x.size + y.size < 2 ** 21 else np.float64
        self.x_ties = _tie_sum(self.x_counts, self.tie_type)
        self.y_ties = _tie_sum(self.y_counts, self.tie_type)
        n_x, n_y = float(x.size), float(y.size)
        self.mean = n_x * n_y / 2
        # the factors of R's variance, each computed as R does
        self.scale, self.n_plus_one = n_x * n_y / 12, n_x + n_y + 1
        self.pairs = (n_x + n_y) * (n_x + n_y - 1)

    def centred_variance(self, shift: float) -> tuple[float, float]:
        """``W - n_x n_y / 2`` and the variance of ``W`` for the pooled ``c(x - shift, y)``."""
        shifted = self.x_values - shift  # the very numbers R ranks
        counts, x_ties = self.x_counts, self.x_ties
        merged = shifted[1:] == shifted[:-1]
        if merged.any():  # rounding made distinct values of x equal: merge their groups
            starts = np.flatnonzero(np.concatenate([[True], ~merged]))
            shifted, counts = shifted[starts], np.add.reduceat(counts, starts)
            x_ties = _tie_sum(counts, self.tie_type)
        position = np.searchsorted(self.y_values, shifted)  # first y value >= x - shift
        below = int(np.dot(counts, self.y_below[position]))  # pairs with x - shift > y
        candidate = np.minimum(position, self.y_values.size - 1)
        meets = self.y_values[candidate] == shifted
        a, b = counts[meets], self.y_counts[candidate[meets]]
        equal = int(np.dot(a, b))  # pairs with x - shift == y
        # a values of x - shift joining b values of y: (a+b)^3 - (a+b) = ... + 3ab(a+b)
        a, b = a.astype(self.tie_type), b.astype(self.tie_type)
        tie_term = float(x_ties + self.y_ties + 3 * np.sum(a * b * (a + b)).item())
        centred = (below + equal / 2) - self.mean
        return centred, self.scale * (self.n_plus_one - tie_term / self.pairs)

    def z(self, shift: float, correct: bool) -> float:
        """R's ``W(d)`` inside wilcox.test: the standardized statistic at ``shift``."""
        return _z(*self.centred_variance(shift), correct)


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


def _z(centred: float, variance: float, correct: bool) -> float:
    """R's ``(W - n_x n_y / 2 - correction) / sigma``; NaN when every value is tied (R warns)."""
    sigma = math.sqrt(max(variance, 0.0))
    if sigma == 0:
        return math.nan
    correction = 0.5 * float(np.sign(centred)) if correct else 0.0
    return (centred - correction) / sigma


def _interval_bound(samples: _ShiftedSamples, quantile: float, at_lowest: float,
                    at_highest: float, lowest: float, highest: float) -> float:
    """R's ``root(zq)``: the shift where the corrected z equals ``quantile`` (or an end)."""
    f_lower = at_lowest - quantile
    if f_lower <= 0:
        return lowest
    f_upper = at_highest - quantile
    if f_upper >= 0:
        return highest
    return _brent_root(lambda shift: samples.z(shift, True) - quantile,
                       lowest, highest, f_lower, f_upper)


def _location_shift(samples: _ShiftedSamples, lowest: float, highest: float,
                    confidence: float) -> tuple[float, float, float]:
    """R's estimate and interval: roots of z(d) searched between ``lowest`` and ``highest``."""
    at_ends = (samples.centred_variance(lowest), samples.centred_variance(highest))
    corrected = [_z(*counts, True) for counts in at_ends]
    quantile = float(special.ndtri(1 - (1 - confidence) / 2))
    low = _interval_bound(samples, quantile, *corrected, lowest, highest)
    high = _interval_bound(samples, -quantile, *corrected, lowest, highest)
    # R's uniroot(W, ...) for the estimate evaluates both ends itself, uncorrected
    shift = _brent_root(lambda value: samples.z(value, False), lowest, highest,
                        *[_z(*counts, False) for counts in at_ends])
    return shift, low, high


@tidy_result
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
        One row in the shared vocabulary (:mod:`burnout.core.results`):

        * ``method`` ``"rank_sum"``, ``measure`` ``"location shift"``;
        * ``estimate`` -- R's "difference in location" of ``x`` minus ``y`` (the
          Hodges-Lehmann-type shift);
        * ``ci_low``, ``ci_high`` -- its confidence interval, ``confidence`` its level;
        * ``statistic`` -- R's ``W``: the sum of the ranks of ``x`` minus ``n_x (n_x + 1) / 2``
          (the Mann-Whitney ``U`` of ``x``, scipy's and pingouin's ``U_val``);
        * ``p`` -- two-sided p-value, normal approximation with tie and continuity corrections
          (R's ``exact = FALSE, correct = TRUE``);
        * ``n`` -- observations used, and ``n_x``, ``n_y`` in each sample;
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

    *Algorithm.* R evaluates :math:`z(d)` by ranking ``c(x - d, y)`` afresh at each of the
    20-50 trial shifts of its three root searches. Ranks are not needed: ``W`` counts pairs,

    .. math::

        W(d) = \\#\\{(i, j) : x_i - d > y_j\\} + \\tfrac12 \\#\\{(i, j) : x_i - d = y_j\\},

    and the tie groups of the pooled sample are those of ``y``, those of ``x - d``, and, where
    a value of ``x - d`` equals a value of ``y``, their union: a group of ``a`` values of
    ``x - d`` meeting ``b`` values of ``y`` adds :math:`3ab(a + b)` to
    :math:`\\sum_k (t_k^3 - t_k)` (as :math:`(a + b)^3 - (a + b) = a^3 - a + b^3 - b +
    3ab(a + b)`). So both samples are reduced once to their sorted distinct values with counts
    (one sort each); a trial shift subtracts ``d`` from the distinct values of ``x`` (the same
    floating-point numbers R ranks, so a tie is exact equality as in R), locates them among the
    distinct values of ``y`` with one :func:`numpy.searchsorted`, and sums counts: the number
    of ``y`` below each value gives the first count, the values met exactly the second and the
    extra tie terms. Subtraction is monotone, so ``x - d`` stays sorted; when rounding makes two
    distinct values of ``x`` equal after the shift (e.g. ``1e-17 - 1 == 0 - 1``) their groups
    are merged, as R's ranks would tie them. Each step is :math:`O(k_x \\log k_y)` in compiled
    numpy (:math:`k` distinct values), after the two sorts. Counts and tie sums are exact
    integers (the tie sum becomes a float once; R sums floats, exact while the sum stays below
    :math:`2^{53}`), so :math:`z(d)` is R's number to the last bit at every trial shift and the
    port of ``uniroot`` takes R's path. (The interval's searches subtract scipy's normal
    quantile, which can differ from R's ``qnorm`` in the last bit.)

    When every value of both groups is the same, the variance of ``W`` is zero and the test
    is undefined: R returns a NaN p-value (and stops with an error when asked for the
    interval). This function returns the row with ``statistic`` and ``rank_biserial`` (0)
    filled and NaN for ``p``, ``estimate`` and the interval, rather than failing a whole
    analysis over one degenerate outcome.

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
    >>> int(result["statistic"].iloc[0]), round(float(result["p"].iloc[0]), 4)
    (18, 0.0662)
    >>> round(float(result["estimate"].iloc[0]), 2), float(result["rank_biserial"].iloc[0])
    (2.1, 0.8)
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"rank_sum_test: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    x_values = _as_values(x, "x")
    y_values = _as_values(y, "y")
    n_x, n_y = float(x_values.size), float(y_values.size)

    samples = _ShiftedSamples(x_values, y_values)
    centred, variance = samples.centred_variance(0.0)
    statistic = centred + samples.mean
    rank_biserial = 2 * statistic / (n_x * n_y) - 1

    z_value = _z(centred, variance, correct=True)
    if math.isnan(z_value):
        p_value = shift = low = high = math.nan
    else:
        p_value = float(2 * min(special.ndtr(z_value), special.ndtr(-z_value)))
        shift, low, high = _location_shift(samples, float(x_values.min() - y_values.max()),
                                           float(x_values.max() - y_values.min()), confidence)
    return {
        "method": "rank_sum", "measure": "location shift", "estimate": float(shift),
        "ci_low": float(low), "ci_high": float(high), "confidence": float(confidence),
        "statistic": statistic, "p": p_value, "n": int(n_x + n_y), "n_x": int(n_x),
        "n_y": int(n_y), "rank_biserial": float(rank_biserial)}


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
        One row per outcome: ``outcome`` and the columns of :func:`rank_sum_test`, with
        ``n_x`` and ``n_y`` named ``n_intervention`` and ``n_control``.

    Raises
    ------
    DataError
        When a column is missing or a group has no value for an outcome.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 3,
    ...                      "ee_change": [-4.0, -2.0, 1.0, 0.0, 0.0, 2.0]})
    >>> rank_sum_table(data, ["ee_change"])[["outcome", "n_intervention", "n_control",
    ...                                      "statistic"]]
         outcome  n_intervention  n_control  statistic
    0  ee_change               3          3        2.0
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
        row = result.iloc[0].to_dict()
        row.update(outcome=outcome, n_intervention=row.pop("n_x"), n_control=row.pop("n_y"))
        rows.append(row)
    return result_frame(rows)
