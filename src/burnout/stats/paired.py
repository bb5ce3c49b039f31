r"""Paired comparisons of a single group before and after: paired t and McNemar.

In a single-group study each participant is measured twice, before and after the program, so
the two measurements are *paired*: the procedures analyse the change ``after - before`` of each
participant (pairs where either value is missing are dropped) and report every difference as
**after minus before**.

* :func:`paired_t_test` -- paired t-test of the mean change, with Cohen's :math:`d_z`;
* :func:`mcnemar_test` -- McNemar's test of a yes/no flag, with the difference of the
  proportions and its Wald interval;
* :func:`paired_table` -- one of these, or the Wilcoxon signed-rank test
  (:func:`burnout.stats.signed_rank.signed_rank_test`), over several outcomes of a wide table
  (``<outcome>_pre``, ``<outcome>_post``).

Every result is a one-row :class:`pandas.DataFrame` in the shared vocabulary
(:data:`burnout.core.results.RESULT_COLUMNS`). The numbers reproduce R 4.2.2
(tests/reference/paired.R): ``t.test(after, before, paired = TRUE)`` and
``mcnemar.test(table(before, after))``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

# special.ndtr / ndtri are what stats.norm's cdf / ppf compute, without its overhead.
from scipy import special, stats

from burnout.core.errors import DataError, numeric_column, require_columns
from burnout.core.results import tidy_result
from burnout.stats.signed_rank import (
    as_numbers,
    checked_confidence,
    complete_pairs,
    signed_rank_test,
)

__all__ = ["paired_t_test", "mcnemar_test", "paired_table"]

_Values = Sequence[float] | np.ndarray | pd.Series


@tidy_result
def paired_t_test(before: _Values, after: _Values, confidence: float = 0.95, *,
                  outcome: str | None = None) -> pd.DataFrame:
    r"""Paired t-test of the mean change ``after - before``, as R's ``t.test(paired = TRUE)``.

    Parameters
    ----------
    before, after : array-like of float
        One value per participant, paired by position. A pair with a missing value (NaN,
        None) is dropped.
    confidence : float
        Confidence level of the interval of the mean change, strictly between 0 and 1.
    outcome : str, optional
        Name of the outcome, written in the ``outcome`` column.

    Returns
    -------
    pandas.DataFrame
        One row with columns ``outcome``, ``method`` (``"paired_t"``), ``measure``
        (``"mean change"``), ``estimate`` (mean of ``after - before``), ``se``, ``ci_low``,
        ``ci_high``, ``confidence``, ``statistic`` (t), ``df``, ``p`` (two-sided), ``n``
        (complete pairs), ``sd_change`` (standard deviation of the changes) and ``cohen_dz``
        (mean change / its standard deviation).

    Raises
    ------
    DataError
        When ``before`` and ``after`` differ in length, hold a value that is not a finite
        number, have fewer than 2 complete pairs, every change is zero or the changes are
        all the same (R: "data are essentially constant"), or ``confidence`` is not strictly
        between 0 and 1.

    Notes
    -----
    With the :math:`n` changes :math:`d_i`, their mean :math:`\bar d` and standard deviation
    :math:`s_d`:

    .. math::

        SE = s_d / \sqrt{n}, \quad t = \bar d / SE, \quad df = n - 1, \quad
        \bar d \pm t_{1-\alpha/2,\,n-1}\, SE, \quad d_z = \bar d / s_d = t / \sqrt{n}.

    :math:`d_z` (Cohen 1988, Lakens 2013) standardizes by the spread of the *changes*; it is
    not comparable with a between-group Cohen's d.

    References
    ----------
    .. [1] Student (1908). The probable error of a mean. Biometrika 6:1-25.
    .. [2] Cohen J (1988). Statistical power analysis for the behavioral sciences, 2nd ed.
       Lawrence Erlbaum.
    .. [3] Lakens D (2013). Calculating and reporting effect sizes to facilitate cumulative
       science: a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.
    .. [4] R Core Team. ``stats::t.test`` (``t.test.default``), R 4.2.

    Examples
    --------
    >>> row = paired_t_test([24, 31, 18, 27, 22], [20, 28, 19, 21, 20]).iloc[0]
    >>> float(row["estimate"]), int(row["df"]), round(float(row["statistic"]), 3)
    (-2.8, 4, -2.419)
    >>> round(float(row["ci_low"]), 3), round(float(row["ci_high"]), 3)
    (-6.014, 0.414)
    >>> round(float(row["p"]), 4), round(float(row["cohen_dz"]), 3)
    (0.0729, -1.082)
    """
    where = "paired_t_test" if outcome is None else f"paired_t_test (outcome '{outcome}')"
    confidence = checked_confidence(confidence, where)
    before_values, after_values = complete_pairs(before, after, where)
    changes = after_values - before_values
    n = changes.size
    if not np.any(changes != 0):
        raise DataError(f"{where}: every one of the {n} changes is zero; rule: the paired "
                        "t-test needs changes that vary")
    mean = math.fsum(changes) / n
    sd = math.sqrt(math.fsum((changes - mean) ** 2) / (n - 1))
    se = sd / math.sqrt(n)
    if se < 10 * np.finfo(float).eps * abs(mean):
        raise DataError(f"{where}: every change is the same ({mean:g}); rule: the paired "
                        "t-test needs changes that vary (R: 'data are essentially constant')")
    df = n - 1
    statistic = mean / se
    quantile = float(stats.t.ppf(1 - (1 - confidence) / 2, df))
    return {
        "outcome": outcome,
        "method": "paired_t",
        "measure": "mean change",
        "estimate": mean,
        "se": se,
        "ci_low": (statistic - quantile) * se,
        "ci_high": (statistic + quantile) * se,
        "confidence": confidence,
        "statistic": statistic,
        "df": float(df),
        "p": float(2 * stats.t.sf(abs(statistic), df)),
        "n": int(n),
        "sd_change": sd,
        "cohen_dz": mean / sd,
    }


# --- McNemar's test --------------------------------------------------------------------------


def _as_flags(values: np.ndarray, name: str, where: str) -> None:
    """DataError unless every non-missing value is 0 or 1."""
    present = values[~np.isnan(values)]
    bad = present[(present != 0) & (present != 1)]
    if bad.size:
        position = int(np.flatnonzero(~np.isnan(values) & (values != 0) & (values != 1))[0])
        raise DataError(f"{where}: argument '{name}': value {bad[0]:g} at position "
                        f"{position + 1} (counting from 1) is not a flag; rule: a flag is 0 "
                        "(no) or 1 (yes)")


@tidy_result
def mcnemar_test(before: _Values, after: _Values, correction: bool = True,
                 confidence: float = 0.95, *, outcome: str | None = None) -> pd.DataFrame:
    r"""McNemar's test of a yes/no flag before and after, as R's ``mcnemar.test``.

    Reproduces ``mcnemar.test(table(before, after), correct = correction)`` and adds the
    difference of the proportions of "yes" (after minus before) with its Wald interval for
    paired proportions.

    Parameters
    ----------
    before, after : array-like of {0, 1}
        The flag of each participant (1 = yes) before and after, paired by position. A pair
        with a missing value is dropped. ``True``/``False`` count as 1/0.
    correction : bool
        Apply the continuity correction to the statistic (R's default). As in R it is not
        applied when ``b == c``.
    confidence : float
        Confidence level of the interval of the difference, strictly between 0 and 1.
    outcome : str, optional
        Name of the outcome, written in the ``outcome`` column.

    Returns
    -------
    pandas.DataFrame
        One row with columns ``outcome``, ``method`` (``"mcnemar"``), ``measure``
        (``"difference in proportions (after minus before)"``), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``confidence``, ``statistic`` (McNemar's chi-squared),
        ``df`` (1), ``p``, ``n`` (complete pairs), ``b`` (yes before, no after), ``c`` (no
        before, yes after), ``proportion_before`` and ``proportion_after``.

    Raises
    ------
    DataError
        When ``before`` and ``after`` differ in length, hold a value that is not 0 or 1,
        have fewer than 2 complete pairs or no discordant pair (``b = c = 0``: nobody
        changed, the statistic is 0/0), or ``confidence`` is not strictly between 0 and 1.

    Notes
    -----
    With :math:`n` complete pairs, :math:`b` of them yes before and no after and :math:`c`
    no before and yes after:

    .. math::

        X^2 = \frac{(|b - c| - 1)^2}{b + c} \text{ (corrected, } b \ne c\text{)}, \qquad
        X^2 = \frac{(b - c)^2}{b + c} \text{ (otherwise)},

    referred to the chi-squared distribution with 1 degree of freedom. The difference of the
    proportions of yes is :math:`\hat\Delta = p_{after} - p_{before} = (c - b)/n`; its Wald
    interval for paired proportions (Agresti 2002, Section 10.1.1; Newcombe 1998, method 1)
    is

    .. math::

        \hat\Delta \pm z_{1-\alpha/2} \, SE, \qquad
        SE = \frac{1}{n}\sqrt{(b + c) - \frac{(b - c)^2}{n}}
           = \sqrt{\frac{p_{12} + p_{21} - (p_{12} - p_{21})^2}{n}},

    with :math:`p_{12} = b/n`, :math:`p_{21} = c/n`, without continuity correction and not
    truncated to [-1, 1]. It is simple but too narrow with few discordant pairs; Newcombe's
    hybrid score interval covers better there.

    References
    ----------
    .. [1] McNemar Q (1947). Note on the sampling error of the difference between
       correlated proportions or percentages. Psychometrika 12:153-157.
    .. [2] Agresti A (2002). Categorical Data Analysis, 2nd ed. Wiley. Section 10.1.
    .. [3] Newcombe RG (1998). Improved confidence intervals for the difference between
       binomial proportions based on paired data. Statistics in Medicine 17:2635-2650.
    .. [4] R Core Team. ``stats::mcnemar.test``, R 4.2.

    Examples
    --------
    >>> before = [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0]
    >>> after = [0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    >>> row = mcnemar_test(before, after).iloc[0]
    >>> int(row["b"]), int(row["c"]), round(float(row["statistic"]), 3), round(float(row["p"]), 4)
    (4, 1, 0.8, 0.3711)
    >>> round(float(row["estimate"]), 3), round(float(row["ci_low"]), 3)
    (-0.25, -0.587)
    """
    where = "mcnemar_test" if outcome is None else f"mcnemar_test (outcome '{outcome}')"
    confidence = checked_confidence(confidence, where)
    before_all = as_numbers(before, "before", where)
    after_all = as_numbers(after, "after", where)
    _as_flags(before_all, "before", where)
    _as_flags(after_all, "after", where)
    before_values, after_values = complete_pairs(before_all, after_all, where)
    n = before_values.size
    b = int(np.sum((before_values == 1) & (after_values == 0)))
    c = int(np.sum((before_values == 0) & (after_values == 1)))
    if b + c == 0:
        raise DataError(f"{where}: no participant changed (b = c = 0 of {n} pairs); rule: "
                        "McNemar's test needs at least one pair whose flags differ")
    if correction and b != c:
        statistic = (abs(b - c) - 1) ** 2 / (b + c)
    else:
        statistic = (b - c) ** 2 / (b + c)
    estimate = (c - b) / n
    se = math.sqrt((b + c) - (b - c) ** 2 / n) / n
    quantile = float(special.ndtri(1 - (1 - confidence) / 2))
    return {
        "outcome": outcome,
        "method": "mcnemar",
        "measure": "difference in proportions (after minus before)",
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - quantile * se,
        "ci_high": estimate + quantile * se,
        "confidence": confidence,
        "statistic": float(statistic),
        "df": 1.0,
        "p": float(stats.chi2.sf(statistic, 1)),
        "n": int(n),
        "b": b,
        "c": c,
        "proportion_before": float(before_values.mean()),
        "proportion_after": float(after_values.mean()),
    }


# --- several outcomes of a wide table ------------------------------------------------------

_PROCEDURES = {"signed_rank": signed_rank_test, "paired_t": paired_t_test,
               "mcnemar": mcnemar_test}


def paired_table(data: pd.DataFrame, outcomes: Sequence[str], before_suffix: str = "_pre",
                 after_suffix: str = "_post", test: str = "signed_rank",
                 confidence: float = 0.95) -> pd.DataFrame:
    """One paired procedure over several outcomes of a wide table, one row per outcome.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant with the columns ``<outcome><before_suffix>`` and
        ``<outcome><after_suffix>`` of every outcome.
    outcomes : sequence of str
        The outcomes, e.g. ``["ee", "dp", "pa"]`` for the columns ``ee_pre``, ``ee_post``, ...
    before_suffix, after_suffix : str
        Suffixes of the columns before and after.
    test : {"signed_rank", "paired_t", "mcnemar"}
        The procedure: :func:`signed_rank_test`, :func:`paired_t_test` or
        :func:`mcnemar_test` (with its continuity correction).
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        The rows of the procedure, one per outcome in the order given, ``outcome`` filled.

    Raises
    ------
    DataError
        When ``test`` is unknown, no outcome is given, a column is missing or holds a value
        that is not a number (the message names the row and column), or the procedure
        rejects an outcome (the message names the outcome, its columns and the rule).

    Examples
    --------
    >>> data = pd.DataFrame({"ee_pre": [24, 31, 18, 27, 22], "ee_post": [20, 28, 19, 21, 20],
    ...                      "dp_pre": [9, 12, 7, 10, 8], "dp_post": [8, 9, 7, 6, 9]})
    >>> paired_table(data, ["ee", "dp"], test="paired_t")[["outcome", "method", "estimate", "n"]]
      outcome    method  estimate  n
    0      ee  paired_t      -2.8  5
    1      dp  paired_t      -1.4  5
    """
    if test not in _PROCEDURES:
        raise DataError(f"paired_table: argument 'test' must be one of {sorted(_PROCEDURES)}, "
                        f"got {test!r}")
    confidence = checked_confidence(confidence, "paired_table")
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    outcomes = list(outcomes)
    if not outcomes:
        raise DataError("paired_table: argument 'outcomes' is empty; rule: name at least one "
                        "outcome")
    columns = [(outcome, f"{outcome}{before_suffix}", f"{outcome}{after_suffix}")
               for outcome in outcomes]
    require_columns(data, [name for _, pre, post in columns for name in (pre, post)],
                    "paired_table")
    procedure = _PROCEDURES[test]
    rows = []
    for outcome, pre, post in columns:
        before = numeric_column(data, pre, "paired_table").to_numpy(dtype=float)
        after = numeric_column(data, post, "paired_table").to_numpy(dtype=float)
        try:
            rows.append(procedure(before, after, confidence=confidence, outcome=outcome))
        except DataError as error:
            raise DataError(f"paired_table: outcome '{outcome}' (columns '{pre}' as 'before', "
                            f"'{post}' as 'after'): {error}") from None
    return pd.concat(rows, ignore_index=True)
