"""Before/after burnout scores: paired lines per student and change-score distributions.

Both figures read ``analysis.csv`` of the scoring stage (one row per analysed student with
``<subscale>_pre``, ``<subscale>_post`` and ``<subscale>_change`` = post minus pre).

A panel of more than :data:`~burnout.report.plots.style.LARGE_N` students draws summaries:
each distinct pre/post pair once, darker the more students share it, and the change scores as
a violin (kernel density) instead of one point each.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from burnout.core.errors import DataError
from burnout.report.labels import outcome_labels
from burnout.report.plots.style import (
    GROUP_COLORS,
    LARGE_N,
    OKABE_ITO,
    TWO_COLUMNS,
    apply_style,
)

__all__ = ["pre_post_scores", "change_distributions"]

_EVERYONE = "all participants"  # the one "group" of a single-group study
_MAX_COLUMNS = 4  # panels per row: more would squeeze titles and tick labels at 183 mm


def _grouped(analysis: pd.DataFrame, groups: Sequence[str]):
    """(table with a group column, groups): a single-group study is one group of everyone."""
    if "group" in analysis.columns:
        return analysis, list(groups)
    return analysis.assign(group=_EVERYONE), [_EVERYONE]


def _check(analysis: pd.DataFrame, columns: Sequence[str], groups: Sequence[str]) -> None:
    """Raise DataError when a needed column or group is missing from ``analysis``."""
    if not isinstance(analysis, pd.DataFrame):
        raise DataError(f"analysis.csv: expected a DataFrame, got {type(analysis).__name__}")
    missing = [column for column in ["group", *columns] if column not in analysis.columns]
    if missing:
        raise DataError(f"analysis.csv: column(s) {missing} missing (scoring stage output)")
    absent = [group for group in groups if not (analysis["group"] == group).any()]
    if absent:
        raise DataError(f"analysis.csv, column 'group': no rows for group(s) {absent}")
    for column in columns:
        values = pd.to_numeric(analysis[column], errors="coerce")
        bad = analysis.index[values.isna() & analysis[column].notna()]
        if len(bad):
            raise DataError(f"analysis.csv, row {int(bad[0]) + 2}, column '{column}': value "
                            f"{analysis.loc[bad[0], column]!r}: rule broken: a number")


def _blocks(count: int) -> int:
    """Rows of panels for ``count`` panels: at most four a row, as even as possible."""
    return math.ceil(count / _MAX_COLUMNS)


def _grid(figure: Figure, count: int, rows_per_panel: int, width: float):
    """Axes for ``count`` panels of ``rows_per_panel`` rows each, at most four panels a row.

    Returns the grid (a numpy array of axes; unused cells removed from the figure), the
    position ``(first row, column)`` of each panel and the character width of a panel title.
    """
    blocks = _blocks(count)
    columns = math.ceil(count / blocks)
    grid = figure.subplots(blocks * rows_per_panel, columns, squeeze=False)
    places = [(rows_per_panel * (index // columns), index % columns) for index in range(count)]
    for index in range(count, blocks * columns):
        for row in range(rows_per_panel):
            figure.delaxes(grid[rows_per_panel * (index // columns) + row, index % columns])
    characters = int(width / columns * 72 / (0.62 * 8)) - 4  # 8 pt titles
    return grid, places, characters


def _title(name: str, characters: int) -> str:
    """A panel title wrapped at ``characters`` (words whole: "SCS-SF" is not split)."""
    return textwrap.fill(name, characters, break_on_hyphens=False)


def _group_name(group: str) -> str:
    return group.replace("_", " ").capitalize()


def _labels(subscales: Sequence[str], labels: Mapping[str, str] | None) -> dict[str, str]:
    """Panel labels: the registry's display names, unless ``labels`` gives others."""
    merged = outcome_labels(subscales)
    merged.update(labels or {})
    return merged


def _paths(axes, pairs: np.ndarray, colour: str) -> None:
    """One line per student; for large n, one per distinct (pre, post) pair, its opacity
    growing with the number of students sharing it (from 0.1 to 1)."""
    if len(pairs) <= LARGE_N:
        axes.plot(np.array([[0.0], [1.0]]).repeat(len(pairs), axis=1), pairs.T,
                  color=colour, linewidth=0.5, alpha=0.25, solid_capstyle="round")
        return
    distinct, counts = np.unique(pairs, axis=0, return_counts=True)
    shade = 0.1 + 0.9 * np.sqrt(counts / counts.max())
    segments = np.stack([np.column_stack([np.zeros(len(distinct)), distinct[:, 0]]),
                         np.column_stack([np.ones(len(distinct)), distinct[:, 1]])], axis=1)
    colours = np.tile(matplotlib.colors.to_rgba(colour), (len(distinct), 1))
    colours[:, 3] = shade
    axes.add_collection(LineCollection(segments, colors=colours, linewidths=0.5,
                                       capstyle="round"))


def _spread(axes, values: np.ndarray, position: int, colour: str, generator) -> None:
    """Every change score as a jittered point; for large n, a violin (kernel density)."""
    if len(values) <= LARGE_N:
        jitter = generator.uniform(-0.15, 0.15, size=len(values))
        axes.scatter(position + jitter, values, s=6, color=colour, alpha=0.55,
                     linewidths=0, zorder=3)
        return
    body = axes.violinplot([values], positions=[position], widths=0.5, showextrema=False,
                           points=200)["bodies"][0]
    body.set_facecolor(colour)
    body.set_alpha(0.35)
    body.set_zorder(0)


def pre_post_scores(analysis: pd.DataFrame, subscales: Sequence[str] = ("ee", "dp", "pa"),
                    labels: Mapping[str, str] | None = None,
                    groups: Sequence[str] = ("intervention", "control"),
                    width: float = TWO_COLUMNS) -> Figure:
    """Paired before/after scores: one thin line per student, the group median in bold.

    Parameters
    ----------
    analysis : pandas.DataFrame
        ``analysis.csv``: ``group`` and ``<subscale>_pre``, ``<subscale>_post`` columns.
    subscales : sequence of str
        Subscales drawn, one column of panels each.
    labels : mapping, optional
        Panel titles per subscale (default: the registry's display names).
    groups : sequence of str
        Groups drawn, one row of panels each (default intervention above control).
    width : float
        Figure width in inches (default two journal columns).

    Returns
    -------
    matplotlib.figure.Figure
        A grid of panels, ``width`` wide (constrained layout, no growth when saved): per
        subscale a column of panels, one per group (at most four subscales a row; more wrap
        to further rows). In each panel, every student with both scores is a thin,
        transparent line from "Pre" to "Post"; the bold line with markers joins the group's
        pre and post medians. The panels of one subscale share the y axis, so the groups are
        compared on one scale; ``n`` is the x label of each panel, off the data.

    Raises
    ------
    DataError
        When a column or group is missing, or a score is not a number.

    Notes
    -----
    MBI subscale scores are integer sums, so many lines overlap; the transparency makes
    frequent paths darker. A student missing either score is left out of the panel.

    Examples
    --------
    >>> analysis = pd.DataFrame({"group": ["intervention", "intervention", "control"],
    ...                          "ee_pre": [20, 30, 25], "ee_post": [18, 27, 26]})
    >>> figure = pre_post_scores(analysis, subscales=("ee",))
    >>> len(figure.axes)
    2
    """
    columns = [f"{subscale}_{wave}" for subscale in subscales for wave in ("pre", "post")]
    analysis, groups = _grouped(analysis, groups)
    _check(analysis, columns, groups)
    names = _labels(subscales, labels)
    apply_style()
    blocks = _blocks(len(subscales))
    figure = plt.figure(figsize=(width, 0.35 + blocks * (0.25 + 1.5 * len(groups))),
                        layout="constrained")
    axes_grid, places, characters = _grid(figure, len(subscales), len(groups), width)
    for subscale, (first_row, column) in zip(subscales, places, strict=True):
        for offset, group in enumerate(groups):
            axes = axes_grid[first_row + offset, column]
            if offset:  # the groups of one score share its y axis
                axes.sharey(axes_grid[first_row, column])
            rows = analysis[analysis["group"] == group]
            colour = GROUP_COLORS.get(group, OKABE_ITO["grey"])
            pairs = rows[[f"{subscale}_pre", f"{subscale}_post"]].apply(
                pd.to_numeric, errors="coerce").dropna().to_numpy(dtype=float)
            if len(pairs):
                _paths(axes, pairs, colour)
                axes.plot([0, 1], np.median(pairs, axis=0), color=colour, linewidth=2.2,
                          marker="o", markersize=4, markeredgecolor=OKABE_ITO["black"],
                          markeredgewidth=0.6, zorder=3)
            axes.set_xticks([0, 1], ["Pre", "Post"])
            axes.set_xlim(-0.25, 1.25)
            axes.set_xlabel(f"n = {len(pairs)}", fontsize=7)  # below the axis, off the data
            if offset == 0:
                axes.set_title(_title(names[subscale], characters), fontsize=8)
            if column == 0:
                axes.set_ylabel(f"{_group_name(group)}\nscore")
    return figure


def change_distributions(analysis: pd.DataFrame, subscales: Sequence[str] = ("ee", "dp", "pa"),
                         labels: Mapping[str, str] | None = None,
                         groups: Sequence[str] = ("intervention", "control"),
                         seed: int = 0, width: float = TWO_COLUMNS) -> Figure:
    """Change scores (post minus pre) by group: box plots with jittered points.

    Parameters
    ----------
    analysis : pandas.DataFrame
        ``analysis.csv``: ``group`` and ``<subscale>_change`` columns.
    subscales : sequence of str
        Subscales drawn, one panel each.
    labels : mapping, optional
        Panel titles per subscale (default: the registry's display names).
    groups : sequence of str
        Groups drawn left to right.
    seed : int
        Seed of the horizontal jitter of the points (the figure is identical for a seed).
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per subscale (at most four a row), ``width`` wide; per group a box
        (median, quartiles, whiskers to 1.5 IQR, no outlier markers since every point is
        shown) and the students' change scores as jittered points; a dashed line marks zero
        change.

    Raises
    ------
    DataError
        When a column or group is missing, or a change score is not a number.

    Examples
    --------
    >>> analysis = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 3,
    ...                          "ee_change": [-2, -4, 4, 0, 1, -1]})
    >>> figure = change_distributions(analysis, subscales=("ee",))
    >>> [label.get_text() for label in figure.axes[0].get_xticklabels()]
    ['Intervention\\n(n = 3)', 'Control\\n(n = 3)']
    """
    columns = [f"{subscale}_change" for subscale in subscales]
    analysis, groups = _grouped(analysis, groups)
    _check(analysis, columns, groups)
    names = _labels(subscales, labels)
    generator = np.random.default_rng(seed)
    apply_style()
    figure = plt.figure(figsize=(width, 0.3 + 2.45 * _blocks(len(subscales))), layout="constrained")
    axes_grid, places, characters = _grid(figure, len(subscales), 1, width)
    for subscale, (row, column) in zip(subscales, places, strict=True):
        axes = axes_grid[row, column]
        tick_labels = []
        for position, group in enumerate(groups):
            values = pd.to_numeric(analysis.loc[analysis["group"] == group,
                                                f"{subscale}_change"],
                                   errors="coerce").dropna().to_numpy(dtype=float)
            colour = GROUP_COLORS.get(group, OKABE_ITO["grey"])
            if len(values):
                axes.boxplot([values], positions=[position], widths=0.55, showfliers=False,
                             patch_artist=True, manage_ticks=False,
                             boxprops={"facecolor": "white", "edgecolor": colour,
                                       "linewidth": 1.0},
                             medianprops={"color": colour, "linewidth": 1.8},
                             whiskerprops={"color": colour}, capprops={"color": colour})
                _spread(axes, values, position, colour, generator)
            tick_labels.append(f"{_group_name(group)}\n(n = {len(values)})")
        axes.axhline(0, color=OKABE_ITO["grey"], linewidth=0.8, linestyle="--", zorder=1)
        axes.set_xticks(range(len(groups)), tick_labels)
        axes.set_xlim(-0.6, len(groups) - 0.4)
        axes.set_title(_title(names[subscale], characters), fontsize=8)
        if column == 0:
            axes.set_ylabel("Change (post minus pre)")
    return figure
