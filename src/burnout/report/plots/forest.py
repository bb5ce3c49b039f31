"""Forest plot of estimated differences with 95% confidence intervals.

Reads a tidy table (one row per estimate: ``label``, ``difference``, ``ci_low``, ``ci_high`` and
optionally ``p``), e.g. the adjusted mean differences of the three MBI subscales, and draws each
estimate as a square with its interval, a reference line at no difference, and the estimates as
text on the right, as journals print them. Estimates on different scales (scores of different
instruments) are never drawn on one axis: an optional ``panel`` column (e.g.
:func:`burnout.report.labels.outcome_family`) puts each scale in its own panel, with its own axis.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from burnout.core.errors import DataError
from burnout.report.plots.style import OKABE_ITO, TWO_COLUMNS, apply_style
from burnout.report.tables import format_interval, format_number, format_p_value

__all__ = ["forest_plot"]

_REQUIRED = ("label", "estimate", "ci_low", "ci_high")
_ROW = 0.3  # inches per estimate
_ESTIMATE_X, _P_X = 0.05, 0.78  # text column positions (axes fraction)


def _checked(estimates: pd.DataFrame) -> pd.DataFrame:
    """The numeric ``estimate``, ``ci_low``, ``ci_high`` of ``estimates``; DataError if bad."""
    if not isinstance(estimates, pd.DataFrame):
        raise DataError(f"estimates: expected a DataFrame, got {type(estimates).__name__}")
    missing = [column for column in _REQUIRED if column not in estimates.columns]
    if missing:
        raise DataError(f"estimates: column(s) {missing} missing; expected label, estimate, "
                        f"ci_low, ci_high (and optionally p, panel)")
    if estimates.empty:
        raise DataError("estimates: no rows to draw")
    values = estimates[["estimate", "ci_low", "ci_high"]].apply(pd.to_numeric,
                                                                  errors="coerce")
    for column in values.columns:
        bad = estimates.index[~np.isfinite(values[column].to_numpy(dtype=float))]
        if len(bad):
            raise DataError(f"estimates, row {int(bad[0]) + 1}, column '{column}': value "
                            f"{estimates.loc[bad[0], column]!r}: rule broken: a finite number")
    outside = estimates.index[(values["ci_low"] > values["estimate"])
                              | (values["ci_high"] < values["estimate"])]
    if len(outside):
        raise DataError(f"estimates, row {int(outside[0]) + 1}: rule broken: ci_low <= "
                        f"estimate <= ci_high")
    return values


def _draw_panel(axes, text_axes, rows: pd.DataFrame, values: pd.DataFrame, reference: float,
                texts: list[tuple[str, str]], header: bool) -> None:
    """One panel: squares and intervals on ``axes``, their values on ``text_axes``."""
    count = len(rows)
    positions = np.arange(count)[::-1].astype(float)
    axes.hlines(positions, values["ci_low"], values["ci_high"], color=OKABE_ITO["black"],
                linewidth=1.0)
    axes.scatter(values["estimate"], positions, marker="s", s=22, color=OKABE_ITO["blue"],
                 edgecolors=OKABE_ITO["black"], linewidths=0.5, zorder=3)
    axes.axvline(reference, color=OKABE_ITO["grey"], linewidth=0.8, linestyle="--", zorder=1)
    low = min(float(values["ci_low"].min()), reference)
    high = max(float(values["ci_high"].max()), reference)
    margin = 0.08 * (high - low) if high > low else 1.0
    axes.set_xlim(low - margin, high + margin)
    axes.set_ylim(-0.6, count - 0.4)
    axes.set_yticks(positions, [str(label) for label in rows["label"]])
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    text_axes.axis("off")
    text_axes.set_xlim(0, 1)
    if header:
        text_axes.text(_ESTIMATE_X, count - 0.4, "Estimate (95% CI)", ha="left",
                       va="bottom", fontsize=7, fontweight="bold")
        text_axes.text(_P_X, count - 0.4, "p" if texts and texts[0][1] else "", ha="left",
                       va="bottom", fontsize=7, fontweight="bold", fontstyle="italic")
    for position, (estimate, p_value) in zip(positions, texts, strict=True):
        text_axes.text(_ESTIMATE_X, position, estimate, ha="left", va="center", fontsize=7)
        if p_value:
            text_axes.text(_P_X, position, p_value, ha="left", va="center", fontsize=7)




def forest_plot(estimates: pd.DataFrame, reference: float = 0.0,
                xlabel: str = "Difference (intervention minus control)", decimals: int = 1,
                width: float = TWO_COLUMNS * 0.75, p_decimals: int = 2) -> Figure:
    """Draw estimates with 95% confidence intervals and a text column of the values.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per estimate, drawn top to bottom: ``label`` (str), ``estimate``,
        ``ci_low``, ``ci_high`` and optionally ``p`` (the shared result vocabulary) and
        ``panel``: the scale of the estimate (e.g. its instrument); rows of one panel share an
        axis, panels are drawn top to bottom in order of first appearance, each titled.
    reference : float
        Position of the vertical reference line (no difference).
    xlabel : str
        Label of the x axis (of the bottom panel).
    decimals : int
        Decimals of the estimates in the text column.
    width : float
        Figure width in inches (the saved width: constrained layout, no growth).
    p_decimals : int
        Decimals of p-values from 0.01 up (:func:`burnout.report.tables.format_p_value`): 2, or 3 as
        randomized trials report them.

    Returns
    -------
    matplotlib.figure.Figure
        Per panel, left: squares (estimates) with horizontal lines (intervals) and a dashed
        reference line, on the panel's own x axis; right: a text column ``"estimate (low to
        high)"`` and, when given, a ``p`` column in journal style. Axes come in pairs (plot,
        text), panel after panel.

    Raises
    ------
    DataError
        When a column is missing, a value is not a finite number, or an interval does not
        contain its estimate.

    Examples
    --------
    >>> estimates = pd.DataFrame({"label": ["Exhaustion", "Accomplishment"],
    ...                           "estimate": [-0.7, 1.6], "ci_low": [-2.5, 0.3],
    ...                           "ci_high": [1.1, 2.9], "p": [0.45, 0.02]})
    >>> figure = forest_plot(estimates)
    >>> [text.get_text() for text in figure.axes[1].texts][2:4]
    ['-0.7 (-2.5 to 1.1)', '0.45']
    >>> len(forest_plot(estimates.assign(panel=["MBI", "Other scale"])).axes)
    4
    """
    values = _checked(estimates)
    panels = (estimates["panel"].astype(str) if "panel" in estimates.columns
              else pd.Series("", index=estimates.index))
    names = list(dict.fromkeys(panels))
    sizes = [int((panels == name).sum()) for name in names]
    has_p = "p" in estimates.columns
    texts = [(f"{format_number(row.estimate, decimals)} "
              f"({format_interval(row.ci_low, row.ci_high, decimals)})",
              format_p_value(row.p, p_decimals) if has_p else "")
             for row in estimates.itertuples(index=False)]
    apply_style()
    titled = len(names) > 1 or bool(names[0])
    heights = [_ROW * size + (0.5 if titled else 0.1) for size in sizes]
    figure = plt.figure(figsize=(width, 0.75 + sum(heights)), layout="constrained")
    grid = figure.subplots(len(names), 2, squeeze=False,
                           gridspec_kw={"width_ratios": (1.4, 1.0), "height_ratios": heights})
    for index, name in enumerate(names):
        axes, text_axes = grid[index]
        text_axes.sharey(axes)
        chosen = (panels == name).to_numpy()
        _draw_panel(axes, text_axes, estimates.loc[chosen], values.loc[chosen], reference,
                    [text for text, keep in zip(texts, chosen, strict=True) if keep],
                    header=index == 0)
        if name:  # the panel's title, from the figure's left edge (over the labels)
            axes.annotate(name, xy=(0, 1), xycoords=("figure fraction", "axes fraction"),
                          xytext=(3, 9), textcoords="offset points", ha="left", va="bottom",
                          fontsize=8, fontweight="bold")
    grid[-1, 0].set_xlabel(xlabel)
    return figure
