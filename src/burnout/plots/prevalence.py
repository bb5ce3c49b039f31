"""Prevalence of burnout (or any 0/1 flag) by group and wave, with Wilson 95% intervals.

Reads ``analysis_long.csv`` of the scoring stage (one row per student and wave: ``group``,
``time`` "pre"/"post" and 0/1 flags such as ``burnout``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from statsmodels.stats.proportion import proportion_confint

from burnout.errors import DataError
from burnout.plots.style import GROUP_COLORS, OKABE_ITO, ONE_COLUMN, apply_style

__all__ = ["prevalence_table", "burnout_prevalence"]


def prevalence_table(long_data: pd.DataFrame, outcome: str = "burnout",
                     groups: Sequence[str] = ("intervention", "control"),
                     times: Sequence[str] = ("pre", "post"), alpha: float = 0.05
                     ) -> pd.DataFrame:
    """Proportion of students with a 0/1 flag by group and wave, with Wilson intervals.

    Parameters
    ----------
    long_data : pandas.DataFrame
        ``analysis_long.csv``: columns ``group``, ``time`` and ``outcome``.
    outcome : str
        Name of the 0/1 column (default ``"burnout"``).
    groups, times : sequence of str
        Groups and waves, in the order wanted.
    alpha : float
        1 minus the confidence level (default 0.05: 95% intervals).

    Returns
    -------
    pandas.DataFrame
        One row per group and wave: ``group``, ``time``, ``count`` (flag = 1), ``n``
        (non-missing flags), ``proportion``, ``ci_low``, ``ci_high`` (Wilson score interval,
        NaN when n = 0).

    Raises
    ------
    DataError
        When a column is missing or a flag is not 0, 1 or empty.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference. J Am
    Stat Assoc. 1927;22(158):209-212.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["control"] * 4, "time": ["pre", "pre", "post", "post"],
    ...                      "burnout": [1, 0, 0, 0]})
    >>> prevalence_table(data, groups=("control",))[["time", "count", "n"]].to_dict("records")
    [{'time': 'pre', 'count': 1, 'n': 2}, {'time': 'post', 'count': 0, 'n': 2}]
    """
    if not isinstance(long_data, pd.DataFrame):
        raise DataError(f"analysis_long.csv: expected a DataFrame, got "
                        f"{type(long_data).__name__}")
    missing = [column for column in ("group", "time", outcome) if column not in long_data]
    if missing:
        raise DataError(f"analysis_long.csv: column(s) {missing} missing")
    flags = pd.to_numeric(long_data[outcome], errors="coerce")
    bad = long_data.index[(flags.isna() & long_data[outcome].notna())
                          | (flags.notna() & ~flags.isin([0, 1]))]
    if len(bad):
        raise DataError(f"analysis_long.csv, row {int(bad[0]) + 2}, column '{outcome}': value "
                        f"{long_data.loc[bad[0], outcome]!r}: rule broken: 0, 1 or empty")
    rows = []
    for group in groups:
        for time in times:
            selected = flags[(long_data["group"] == group) & (long_data["time"] == time)]
            selected = selected.dropna()
            count, n = int(selected.sum()), int(len(selected))
            if n:
                low, high = proportion_confint(count, n, alpha=alpha, method="wilson")
                proportion = count / n
            else:
                low = high = proportion = np.nan
            rows.append({"group": group, "time": time, "count": count, "n": n,
                         "proportion": float(proportion), "ci_low": float(low),
                         "ci_high": float(high)})
    return pd.DataFrame(rows, columns=["group", "time", "count", "n", "proportion", "ci_low",
                                       "ci_high"])


def burnout_prevalence(long_data: pd.DataFrame, outcome: str = "burnout",
                       groups: Sequence[str] = ("intervention", "control"),
                       times: Sequence[str] = ("pre", "post"),
                       ylabel: str = "Students with burnout (%)",
                       width: float = ONE_COLUMN) -> Figure:
    """Percent of students with the flag, by group (colour) and wave (x), with Wilson 95% CI.

    Parameters
    ----------
    long_data : pandas.DataFrame
        ``analysis_long.csv`` (``group``, ``time``, ``outcome``).
    outcome : str
        The 0/1 column drawn (default ``"burnout"``; also e.g. ``"high_ee"`` if recorded).
    groups, times : sequence of str
        Groups (side by side within a wave) and waves (x axis), in order.
    ylabel : str
        Label of the y axis.
    width : float
        Figure width in inches (default one journal column).

    Returns
    -------
    matplotlib.figure.Figure
        Points (percent) with Wilson 95% error bars, the waves of a group joined by a line,
        and ``count/n`` written above each error bar. Computed by :func:`prevalence_table`.

    Raises
    ------
    DataError
        As :func:`prevalence_table`.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 2,
    ...                      "time": ["pre", "pre", "post", "post"], "burnout": [1, 0, 0, 1]})
    >>> figure = burnout_prevalence(data)
    >>> [text.get_text() for text in figure.axes[0].texts]
    ['1/1', '0/1', '0/1', '1/1']
    """
    table = prevalence_table(long_data, outcome, groups, times)
    apply_style()
    figure, axes = plt.subplots(figsize=(width, width * 0.8))
    offsets = np.linspace(-0.14, 0.14, len(groups)) if len(groups) > 1 else np.zeros(1)
    for offset, group in zip(offsets, groups, strict=True):
        rows = table[table["group"] == group]
        x = np.arange(len(times)) + offset
        percent = 100 * rows["proportion"].to_numpy(dtype=float)
        lower = percent - 100 * rows["ci_low"].to_numpy(dtype=float)
        upper = 100 * rows["ci_high"].to_numpy(dtype=float) - percent
        colour = GROUP_COLORS.get(group, OKABE_ITO["grey"])
        axes.errorbar(x, percent, yerr=np.vstack([lower, upper]), color=colour, marker="o",
                      markersize=4, linewidth=1.2, capsize=2.5, elinewidth=0.9,
                      label=group.replace("_", " ").capitalize())
        for position, top, row in zip(x, percent + upper, rows.itertuples(index=False),
                                      strict=True):
            axes.annotate(f"{row.count}/{row.n}", xy=(position, 0 if np.isnan(top) else top),
                          xytext=(0, 2), textcoords="offset points", ha="center",
                          va="bottom", fontsize=6.5, color=colour)
    axes.set_xticks(range(len(times)), [str(time).capitalize() for time in times])
    axes.set_xlim(-0.5, len(times) - 0.5)
    axes.set_ylim(0, 100)
    axes.set_ylabel(ylabel)
    axes.legend(frameon=False, loc="upper center", ncols=len(groups),
                bbox_to_anchor=(0.5, 1.12))
    figure.tight_layout()
    return figure
