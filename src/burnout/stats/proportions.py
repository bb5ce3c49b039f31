"""Proportions with their confidence intervals: one Wilson interval for the whole project.

Every proportion the compendium reports (agreement with a survey item, a response rate, the
prevalence of burnout) comes with the Wilson score interval, computed by statsmodels'
``proportion_confint(method="wilson")`` (= R ``prop.test(correct = FALSE)$conf.int``). Unlike the
Wald interval it stays inside [0, 1] and does not collapse to a point when every respondent
agrees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from burnout.core.errors import DataError, require_columns

__all__ = ["proportion_interval", "prevalence_table"]


def proportion_interval(count: int, total: int, confidence: float = 0.95) -> pd.DataFrame:
    """Proportion ``count / total`` with its Wilson score confidence interval.

    Parameters
    ----------
    count : int
        Number of "successes" (e.g. respondents who agree), ``0 <= count <= total``.
    total : int
        Number of trials (e.g. respondents to the item).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    pandas.DataFrame
        One row: ``count``, ``total``, ``proportion``, ``ci_low``, ``ci_high``, ``confidence``.
        When ``total`` is 0 the proportion and interval are NaN (a table of several items is
        still produced when one item has no answer).

    Raises
    ------
    DataError
        When a count is missing, negative, not whole, or ``count > total``, or ``confidence``
        is not strictly between 0 and 1.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference. J Am
    Stat Assoc 1927;22:209-212.

    Examples
    --------
    >>> row = proportion_interval(7, 20).iloc[0]
    >>> [round(float(row[key]), 4) for key in ("proportion", "ci_low", "ci_high")]
    [0.35, 0.1812, 0.5671]
    """
    for name, value in (("count", count), ("total", total)):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise DataError(f"{name} is missing; rule: counts must be whole numbers >= 0")
        if float(value) != math.floor(float(value)) or value < 0:
            raise DataError(f"{name} = {value!r}; rule: counts must be whole numbers >= 0")
    count, total = int(count), int(total)
    if count > total:
        raise DataError(f"count = {count} exceeds total = {total}; rule: count <= total")
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"confidence = {confidence!r}; rule: 0 < confidence < 1")
    if total == 0:
        proportion = low = high = float("nan")
    else:
        proportion = count / total
        low, high = (float(bound) for bound in proportion_confint(
            count, total, alpha=1 - confidence, method="wilson"))
        # The Wilson limits are exactly 0 and 1 at the ends; floating point can miss them by
        # an ulp, and an interval must contain its proportion.
        low = 0.0 if count == 0 else low
        high = 1.0 if count == total else high
    return pd.DataFrame([{"count": count, "total": total, "proportion": proportion,
                          "ci_low": low, "ci_high": high, "confidence": float(confidence)}])


def prevalence_table(long_data: pd.DataFrame, outcome: str = "burnout",
                     groups: Sequence[str] | None = None,
                     times: Sequence[str] = ("pre", "post"),
                     confidence: float = 0.95) -> pd.DataFrame:
    """Proportion of participants with a 0/1 flag by group and time, with Wilson intervals.

    Parameters
    ----------
    long_data : pandas.DataFrame
        ``analysis_long.csv``: columns ``time``, ``outcome`` and, for two groups, ``group``.
    outcome : str
        Name of the 0/1 column (default ``"burnout"``).
    groups : sequence of str, optional
        Groups in reporting order; default ``("intervention", "control")`` when the table has
        a ``group`` column, else one group ``"all"``.
    times : sequence of str
        Times, in the order wanted.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group and time: ``group``, ``time``, ``count`` (flag = 1), ``n``
        (non-missing flags), ``proportion``, ``ci_low``, ``ci_high`` (NaN when n = 0).

    Raises
    ------
    DataError
        When a column is missing or a flag is not 0, 1 or empty.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["control"] * 4, "time": ["pre", "pre", "post", "post"],
    ...                      "burnout": [1, 0, 0, 0]})
    >>> prevalence_table(data, groups=("control",))[["time", "count", "n"]].to_dict("records")
    [{'time': 'pre', 'count': 1, 'n': 2}, {'time': 'post', 'count': 0, 'n': 2}]
    """
    require_columns(long_data, ["time", outcome], "prevalence_table")
    grouped = "group" in long_data.columns
    groups = list(groups) if groups is not None else (
        ["intervention", "control"] if grouped else ["all"])
    labels = long_data["group"] if grouped else pd.Series("all", index=long_data.index)
    flags = pd.to_numeric(long_data[outcome], errors="coerce")
    bad = long_data.index[(flags.isna() & long_data[outcome].notna())
                          | (flags.notna() & ~flags.isin([0, 1]))]
    if len(bad):
        raise DataError(f"prevalence_table: row {int(bad[0]) + 2}, column '{outcome}': value "
                        f"{long_data.loc[bad[0], outcome]!r}; rule: 0, 1 or empty")
    rows = []
    for group in groups:
        for time in times:
            selected = flags[((labels == group) & (long_data["time"] == time)).to_numpy()]
            selected = selected.dropna()
            interval = proportion_interval(int(selected.sum()), int(len(selected)),
                                           confidence).iloc[0]
            rows.append({"group": group, "time": time, "count": int(interval["count"]),
                         "n": int(interval["total"]), "proportion": interval["proportion"],
                         "ci_low": interval["ci_low"], "ci_high": interval["ci_high"]})
    return pd.DataFrame(rows, columns=["group", "time", "count", "n", "proportion", "ci_low",
                                       "ci_high"]).astype({"proportion": float})


