"""Diverging stacked bar chart of Likert items (agreement to the right, disagreement left).

Each item is one horizontal bar of 100% of its respondents. The levels below the middle
(disagreement) extend to the left of zero, the levels above it (agreement) to the right, and
the middle (neutral) level is split in half around zero, so the bars line up on the neutral
point and agreement can be compared across items at a glance (Robbins & Heiberger 2011).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from burnout.core.errors import DataError
from burnout.report.plots.style import OKABE_ITO, TWO_COLUMNS, apply_style

__all__ = ["LIKERT_COLORS", "diverging_likert_chart"]

# Five-level colours from the Okabe-Ito palette: warm for disagreement, grey for neutral,
# blue for agreement (distinguishable with the common colour-vision deficiencies).
LIKERT_COLORS = (OKABE_ITO["vermillion"], OKABE_ITO["orange"], "#BBBBBB",
                 OKABE_ITO["sky_blue"], OKABE_ITO["blue"])

_REQUIRED = ("item", "wording", "level", "label", "percent", "respondents")


def _level_colors(count: int) -> list:
    """Colours for ``count`` ordered levels: Okabe-Ito for five, PuOr (colour-blind safe)."""
    if count == len(LIKERT_COLORS):
        return list(LIKERT_COLORS)
    return [colormaps["PuOr"](value) for value in np.linspace(0.1, 0.9, count)]


def diverging_likert_chart(summary: pd.DataFrame | Mapping[str, pd.DataFrame],
                           title: str | None = None, width: float = TWO_COLUMNS,
                           wrap: int = 45) -> Figure:
    """Draw Likert items as diverging stacked bars centred on the neutral level.

    Parameters
    ----------
    summary : pandas.DataFrame or mapping of str to pandas.DataFrame
        Output of :func:`burnout.stats.survey.likert_summary` (one row per item and level, with
        ``item``, ``wording``, ``level``, ``label``, ``percent``, ``respondents``). Items are
        drawn top to bottom in their order of appearance. A mapping ``{panel title: summary}``
        (e.g. ``{"Students": ..., "Mentors": ...}``) draws one panel per survey, stacked, with
        a shared percent axis.
    title : str, optional
        Title of the (first) panel, for a single table.
    width : float
        Figure width in inches (default: two journal columns).
    wrap : int
        Item wordings are wrapped at this many characters.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the x axis is the percent of each item's respondents (disagreement
        shown left of zero, agreement right), the right margin gives each item's n.

    Raises
    ------
    DataError
        When a column is missing, a table is empty, or panels use different levels.

    Notes
    -----
    With an odd number of levels the middle one is split in half around zero; with an even
    number there is no neutral level and the bars meet at zero. An item nobody answered is
    drawn empty with ``n = 0``.

    References
    ----------
    Robbins NB, Heiberger RM. Plotting Likert and other rating scales. JSM Proceedings,
    Section on Survey Research Methods, 2011:1058-1066.

    Examples
    --------
    >>> from burnout.stats.survey import likert_summary
    >>> answers = pd.DataFrame({"enjoyed": [5, 4, 3, 2], "again": [5, 5, 4, 1]})
    >>> figure = diverging_likert_chart(likert_summary(answers, ["enjoyed", "again"]))
    >>> len(figure.axes[0].patches)
    10
    """
    panels = dict(summary) if isinstance(summary, Mapping) else {title or "": summary}
    if not panels:
        raise DataError("Likert summary: no panel to draw")
    level_sets = set()
    for name, table in panels.items():
        missing = [column for column in _REQUIRED if column not in table.columns]
        if missing:
            raise DataError(f"Likert summary {name!r}: column(s) {missing} missing; expected the "
                            f"output of burnout.stats.survey.likert_summary")
        if table.empty:
            raise DataError(f"Likert summary {name!r}: no rows to draw")
        level_sets.add(tuple(sorted(table["level"].unique())))
    if len(level_sets) > 1:
        raise DataError(f"Likert summaries use different levels {sorted(level_sets)}; rule: "
                        f"panels share one response scale")
    counts = [table["item"].nunique() for table in panels.values()]
    apply_style()
    figure, axes_list = plt.subplots(
        len(panels), 1, figsize=(width, 0.9 + 0.38 * sum(counts) + 0.3 * (len(panels) - 1)),
        sharex=True, squeeze=False, gridspec_kw={"height_ratios": counts})
    limit = 100.0
    for axes, (name, table) in zip(axes_list[:, 0], panels.items(), strict=True):
        limit = max(limit, _draw_panel(axes, table, wrap))
        if name:
            axes.set_title(name, loc="left", fontweight="bold")
    limit = float(np.ceil(limit / 25) * 25)
    first, last = axes_list[0, 0], axes_list[-1, 0]
    last.set_xlim(-limit, limit)
    last.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{abs(value):.0f}"))
    last.set_xlabel("Percent of respondents (disagreement left, agreement right)")
    handles, legend_labels = first.get_legend_handles_labels()
    figure.legend(handles, legend_labels, ncols=len(handles), loc="upper center",
                  bbox_to_anchor=(0.5, 1.0), frameon=False, handlelength=1.0,
                  columnspacing=1.0)
    figure.tight_layout(rect=(0, 0, 1, 1 - 0.3 / figure.get_figheight()))
    return figure


def _draw_panel(axes, summary: pd.DataFrame, wrap: int) -> float:
    """Draw one table of items on ``axes``; return the largest bar reach (percent)."""
    items = list(dict.fromkeys(summary["item"]))
    levels = sorted(summary["level"].unique())
    labels = summary.drop_duplicates("level").set_index("level")["label"]
    colors = _level_colors(len(levels))
    middle = len(levels) // 2 if len(levels) % 2 else None
    percent = (summary.pivot_table(index="item", columns="level", values="percent",
                                   aggfunc="first", dropna=False)
               .reindex(index=items, columns=levels).fillna(0.0))
    wordings = summary.drop_duplicates("item").set_index("item")["wording"]
    respondents = summary.drop_duplicates("item").set_index("item")["respondents"]
    positions = np.arange(len(items))[::-1]
    below = percent[levels[: len(levels) // 2]]
    start = -below.sum(axis=1).to_numpy()
    if middle is not None:
        start = start - percent[levels[middle]].to_numpy() / 2
    left = start.copy()
    for level, color in zip(levels, colors, strict=True):
        values = percent[level].to_numpy()
        axes.barh(positions, values, left=left, height=0.65, color=color,
                  edgecolor="white", linewidth=0.5, label=str(labels[level]))
        left = left + values
    axes.axvline(0, color=OKABE_ITO["black"], linewidth=0.6)
    axes.set_yticks(positions)
    axes.set_yticklabels([textwrap.fill(str(wordings[item]), wrap) for item in items])
    axes.set_ylim(-0.6, len(items) - 0.4)
    for position, item in zip(positions, items, strict=True):
        axes.annotate(f"n = {int(respondents[item])}", xy=(1.0, position),
                      xycoords=("axes fraction", "data"), xytext=(4, 0),
                      textcoords="offset points", va="center", fontsize=7)
    axes.tick_params(axis="y", length=0)
    return float(np.max(np.abs(np.concatenate([start, left]))))
