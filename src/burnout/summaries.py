"""Median and quartiles of each subscale, wave and group (the descriptive half of Table 2).

Burnout scores are sums of Likert items: bounded, often skewed, and their changes are small
integers with many ties. The median and the first and third quartiles (Q1, Q3: the middle
half of the students lies between them) describe them without assuming a normal
distribution. Quartiles are computed as pandas does by default, linear interpolation between
order statistics, which is R's ``quantile(type = 7)`` default.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from burnout.errors import DataError, require_columns

__all__ = ["median_quartiles_table"]


def _formatted(median: float, q1: float, q3: float) -> str:
    """``"median (Q1, Q3)"`` with up to three significant decimals and no trailing zeros."""
    if pd.isna(median):
        return ""
    return "{} ({}, {})".format(*(f"{value:.4g}" for value in (median, q1, q3)))


def median_quartiles_table(analysis: pd.DataFrame, subscales: Sequence[str] = ("ee", "dp", "pa"),
                           waves: Sequence[str] = ("pre", "post", "change"),
                           group: str = "group",
                           groups: Sequence[str] = ("intervention", "control")) -> pd.DataFrame:
    """Median, Q1 and Q3 of ``<subscale>_<wave>`` for each group.

    Parameters
    ----------
    analysis : pandas.DataFrame
        One row per student with columns ``<subscale>_<wave>`` (e.g. ``ee_change``) and
        ``group``.
    subscales, waves : sequence of str
        Column name parts; every combination must be a column.
    group : str
        The group column.
    groups : sequence of str
        The groups, in display order.

    Returns
    -------
    pandas.DataFrame
        One row per subscale, wave and group: ``subscale``, ``wave``, ``group``, ``n``
        (non-missing values), ``median``, ``q1``, ``q3`` and ``summary`` (``"median (Q1,
        Q3)"``). A group without values has n 0 and NaN statistics.

    Raises
    ------
    DataError
        When a column is missing or holds a value that is not a number.

    Examples
    --------
    >>> analysis = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                          "ee_change": [-4, -2, 1, 4, -1, 0, 0, 2]})
    >>> table = median_quartiles_table(analysis, subscales=["ee"], waves=["change"])
    >>> table[["group", "n", "median", "q1", "q3", "summary"]]
              group  n  median    q1    q3            summary
    0  intervention  4    -0.5 -2.50  1.75  -0.5 (-2.5, 1.75)
    1       control  4     0.0 -0.25  0.50     0 (-0.25, 0.5)
    """
    if isinstance(subscales, str):
        subscales = [subscales]
    if isinstance(waves, str):
        waves = [waves]
    columns = [f"{subscale}_{wave}" for subscale in subscales for wave in waves]
    require_columns(analysis, [group, *columns], "median_quartiles_table")
    rows = []
    for subscale in subscales:
        for wave in waves:
            column = f"{subscale}_{wave}"
            values = pd.to_numeric(analysis[column], errors="coerce")
            bad = analysis[column].notna() & values.isna()
            if bad.any():
                position = int(bad.to_numpy().nonzero()[0][0])
                raise DataError(f"median_quartiles_table: row {position + 2}, column "
                                f"'{column}': value {analysis[column].iloc[position]!r} is "
                                "not a number")
            for label in groups:
                in_group = values[(analysis[group] == label).to_numpy()].dropna().astype(float)
                median, q1, q3 = (float(in_group.quantile(q)) if len(in_group) else float("nan")
                                  for q in (0.5, 0.25, 0.75))
                rows.append({"subscale": subscale, "wave": wave, "group": label,
                             "n": int(in_group.size), "median": median, "q1": q1, "q3": q3,
                             "summary": _formatted(median, q1, q3)})
    return pd.DataFrame(rows)
