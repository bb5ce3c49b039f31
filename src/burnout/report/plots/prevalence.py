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

from burnout.report.plots.style import GROUP_COLORS, OKABE_ITO, ONE_COLUMN, apply_style
from burnout.stats.proportions import prevalence_table

__all__ = ["burnout_prevalence"]


def burnout_prevalence(long_data: pd.DataFrame, outcome: str = "burnout",
                       groups: Sequence[str] | None = None,
                       times: Sequence[str] = ("pre", "post"),
                       ylabel: str = "Participants with burnout (%)",
                       width: float = ONE_COLUMN) -> Figure:
    """Percent of students with the flag, by group (colour) and wave (x), with Wilson 95% CI.

    Parameters
    ----------
    long_data : pandas.DataFrame
        ``analysis_long.csv`` (``group``, ``time``, ``outcome``).
    outcome : str
        The 0/1 column drawn (default ``"burnout"``; also e.g. ``"high_ee"`` if recorded).
    groups : sequence of str, optional
        Groups side by side within a wave; default the two groups, or everyone when the table
        has no ``group`` column.
    times : sequence of str
        Waves on the x axis, in order.
    ylabel : str
        Label of the y axis.
    width : float
        Figure width in inches (default one journal column).

    Returns
    -------
    matplotlib.figure.Figure
        Points (percent) with Wilson 95% error bars, the waves of a group joined by a line,
        and ``count/n`` written above each error bar. Computed by
        :func:`burnout.stats.proportions.prevalence_table`.

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
    groups = list(dict.fromkeys(table["group"]))
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
                      label="All participants" if group == "all"
                      else group.replace("_", " ").capitalize())
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
