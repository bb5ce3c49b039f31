"""Risk ratios of a binary outcome, intervention versus control, as ``epitools`` computes them.

A *risk* is the proportion of a group with the outcome (e.g. burnout after the rotation). The
*risk ratio* divides the risk of the exposed group (the intervention) by the risk of the
unexposed group (the control): 1 means no difference, 0.5 that the outcome was half as
frequent with the intervention.

A ratio's sampling distribution is skewed, its logarithm's is close to normal, so the 95%
confidence interval is built on the log scale and transformed back (Katz et al. 1978;
statsmodels' ``Table2x2.riskratio_confint(method="normal")`` computes it):

.. math::

    \\log RR \\pm z_{0.975} \\sqrt{1/a - 1/n_1 + 1/c - 1/n_0}

with ``a`` events among ``n_1`` exposed and ``c`` events among ``n_0`` unexposed. This is
``epitools::riskratio.wald`` in R. The p-value is Fisher's exact test of the 2 x 2 table
(R's ``fisher.test``, two-sided), which does not rely on large counts.

:func:`risk_ratio` handles one 2 x 2 table; :func:`risk_ratio_table` one table per 0/1
outcome column of an analysis table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2

from burnout.core.errors import DataError, require_columns
from burnout.core.results import result_frame, tidy_result

__all__ = ["risk_ratio", "risk_ratio_table"]


def _checked_count(value: object, name: str) -> int:
    """Return ``value`` as a non-negative int, or raise DataError naming the argument."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"risk_ratio: {name} must be a count, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number != math.floor(number):
        raise DataError(f"risk_ratio: {name} must be a non-negative whole number, got {value!r}")
    return int(number)


def _katz_interval(exposed_events: float, exposed_total: float, unexposed_events: float,
                   unexposed_total: float, confidence: float) -> tuple[float, float, float]:
    """Estimate and Katz log-scale interval (statsmodels); NaN bounds when undefined.

    With an event count of zero in a group the log-scale interval does not exist; statsmodels
    would then silently add 0.5 to every cell, so such tables are handled here instead.
    """
    if unexposed_events == 0:
        estimate = math.inf if exposed_events > 0 else math.nan
        return estimate, math.nan, math.nan
    if exposed_events == 0:
        return 0.0, math.nan, math.nan
    table = Table2x2(np.array([[exposed_events, exposed_total - exposed_events],
                               [unexposed_events, unexposed_total - unexposed_events]],
                              dtype=float), shift_zeros=False)
    low, high = table.riskratio_confint(alpha=1 - confidence, method="normal")
    return float(table.riskratio), float(low), float(high)


@tidy_result
def risk_ratio(exposed_events: int, exposed_total: int, unexposed_events: int,
               unexposed_total: int, confidence: float = 0.95,
               zero_correction: float = 0.0) -> pd.DataFrame:
    """Risk ratio of the exposed (intervention) versus the unexposed (control) group.

    Parameters
    ----------
    exposed_events, exposed_total : int
        Participants with the outcome, and all participants, in the intervention group.
    unexposed_events, unexposed_total : int
        The same in the control group.
    confidence : float
        Confidence level of the interval.
    zero_correction : float
        Added to all four cells of the table, for the estimate and the interval only, when
        one cell is zero (0.5 is the Haldane-Anscombe correction). Default 0: no correction,
        as ``epitools::riskratio.wald``. Fisher's p-value always uses the observed counts.

    Returns
    -------
    pandas.DataFrame
        One row in the shared vocabulary (:mod:`burnout.core.results`): ``method``
        (``"risk_ratio"``), ``measure``, ``estimate``, ``ci_low``, ``ci_high``, ``confidence``,
        ``p`` (Fisher's exact, two-sided), ``n``, ``n_intervention``, ``n_control``; then
        ``exposed_events``, ``exposed_risk``, ``unexposed_events``, ``unexposed_risk`` and
        ``note`` (empty unless a zero cell changed what is reported).

    Raises
    ------
    DataError
        When a count is negative or not whole, events exceed the total, a group is empty,
        or ``confidence`` is not strictly between 0 and 1.

    Notes
    -----
    Zero cells. With no event in the intervention group the estimate is 0, with no event in
    the control group it is infinite (NaN when neither group has an event), and the Katz
    interval is undefined because :math:`1/a` or :math:`1/c` is infinite. ``epitools`` then
    returns the arithmetic artefacts ``(0, NaN)`` or ``(NaN, Inf)``; here both bounds are NaN
    and ``note`` says why. With ``zero_correction`` > 0 the estimate and interval are computed
    on the corrected table instead (what ``riskratio.wald`` gives on that table) and ``note``
    says so. A group in which everyone has the outcome (``events == total``) needs no
    correction.

    References
    ----------
    .. [1] Katz D, Baptista J, Azen SP, Pike MC (1978). Obtaining confidence intervals for the
       risk ratio in cohort studies. Biometrics 34:469-474.
    .. [2] Aragon TJ. epitools: Epidemiology Tools (``riskratio.wald``), R package.

    Examples
    --------
    >>> result = risk_ratio(10, 50, 20, 80)
    >>> round(float(result["estimate"].iloc[0]), 3)
    0.8
    >>> [round(float(result[column].iloc[0]), 3) for column in ("ci_low", "ci_high")]
    [0.409, 1.566]
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"risk_ratio: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    if not (isinstance(zero_correction, (int, float)) and zero_correction >= 0):
        raise DataError(f"risk_ratio: zero_correction must be >= 0, got {zero_correction!r}")
    a = _checked_count(exposed_events, "exposed_events")
    n1 = _checked_count(exposed_total, "exposed_total")
    c = _checked_count(unexposed_events, "unexposed_events")
    n0 = _checked_count(unexposed_total, "unexposed_total")
    for events, total, label in ((a, n1, "exposed"), (c, n0, "unexposed")):
        if total == 0:
            raise DataError(f"risk_ratio: {label}_total is 0; rule: each group needs at least "
                            "one participant")
        if events > total:
            raise DataError(f"risk_ratio: {label}_events ({events}) exceed {label}_total "
                            f"({total})")
    cells = (a, n1 - a, c, n0 - c)
    note = ""
    if 0 in cells and zero_correction > 0:
        k = float(zero_correction)
        estimate, low, high = _katz_interval(a + k, n1 + 2 * k, c + k, n0 + 2 * k, confidence)
        note = (f"a cell of the 2 x 2 table is 0: estimate and interval computed after adding "
                f"{k:g} to every cell")
    else:
        estimate, low, high = _katz_interval(a, n1, c, n0, confidence)
        if a == 0 or c == 0:
            note = ("no event in the " + ("intervention" if a == 0 else "control")
                    + " group" + (" nor in the control group" if a == 0 and c == 0 else "")
                    + ": the Katz log-scale interval is undefined (set zero_correction=0.5 "
                      "for the Haldane-Anscombe correction)")
    p_value = float(stats.fisher_exact([[a, n1 - a], [c, n0 - c]],
                                       alternative="two-sided").pvalue)
    return {
        "method": "risk_ratio", "measure": "risk ratio", "estimate": estimate, "ci_low": low,
        "ci_high": high, "confidence": float(confidence), "p": p_value, "n": n1 + n0,
        "n_intervention": n1, "n_control": n0, "exposed_events": a, "exposed_risk": a / n1,
        "unexposed_events": c, "unexposed_risk": c / n0, "note": note}


def risk_ratio_table(data: pd.DataFrame, outcomes: Sequence[str], group: str = "group",
                     exposed: str = "intervention", unexposed: str = "control",
                     confidence: float = 0.95, zero_correction: float = 0.0) -> pd.DataFrame:
    """Risk ratio (exposed versus unexposed) for each 0/1 outcome column of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant, with the ``group`` column and the outcome columns.
    outcomes : sequence of str
        Outcome columns holding 0, 1 or missing (a missing value is left out of that
        outcome's table).
    group : str
        Column naming each participant's group.
    exposed, unexposed : str
        The values of ``group`` compared (numerator and denominator of the ratio).
    confidence, zero_correction : float
        Passed to :func:`risk_ratio`.

    Returns
    -------
    pandas.DataFrame
        One row per outcome: ``outcome`` then the columns of :func:`risk_ratio`.

    Raises
    ------
    DataError
        On a missing column, a value other than 0/1 in an outcome, or an empty group.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                      "burnout_post": [1, 0, 0, 0, 1, 1, 0, 0]})
    >>> table = risk_ratio_table(data, ["burnout_post"])
    >>> table[["outcome", "exposed_risk", "unexposed_risk", "estimate"]]
            outcome  exposed_risk  unexposed_risk  estimate
    0  burnout_post          0.25             0.5       0.5
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    require_columns(data, [group, *outcomes], "risk_ratio_table")
    rows = []
    for outcome in outcomes:
        values = pd.to_numeric(data[outcome], errors="coerce")
        bad = data[outcome].notna() & ~values.isin([0, 1])
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"risk_ratio_table: row {position + 2}, column '{outcome}': value "
                            f"{data[outcome].iloc[position]!r}; rule: outcome must be 0, 1 or "
                            "empty")
        counts = {}
        for label in (exposed, unexposed):
            in_group = values[(data[group] == label).to_numpy()].dropna()
            if in_group.empty:
                raise DataError(f"risk_ratio_table: outcome '{outcome}' has no non-missing "
                                f"value in group '{label}' of column '{group}'")
            counts[label] = (int(in_group.sum()), int(in_group.size))
        result = risk_ratio(*counts[exposed], *counts[unexposed], confidence=confidence,
                            zero_correction=zero_correction)
        rows.append({"outcome": outcome, **result.iloc[0].to_dict()})
    return result_frame(rows)
