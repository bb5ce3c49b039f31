"""Forest plot of estimated differences with 95% confidence intervals.

Reads a tidy table (one row per estimate: ``label``, ``difference``, ``ci_low``, ``ci_high`` and
optionally ``p``), e.g. the adjusted mean differences of the three MBI subscales, and draws each
estimate as a square with its interval, a reference line at no difference, and the estimates as
text on the right, as journals print them.
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


def forest_plot(estimates: pd.DataFrame, reference: float = 0.0,
                xlabel: str = "Difference (intervention minus control)", decimals: int = 1,
                width: float = TWO_COLUMNS * 0.75, p_decimals: int = 2) -> Figure:
    """Draw estimates with 95% confidence intervals and a text column of the values.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per estimate, drawn top to bottom: ``label`` (str), ``estimate``,
        ``ci_low``, ``ci_high`` and optionally ``p`` (the shared result vocabulary).
    reference : float
        Position of the vertical reference line (no difference).
    xlabel : str
        Label of the x axis.
    decimals : int
        Decimals of the estimates in the text column.
    width : float
        Figure width in inches.
    p_decimals : int
        Decimals of p-values from 0.01 up (:func:`burnout.report.tables.format_p_value`): 2, or 3 as
        randomized trials report them.

    Returns
    -------
    matplotlib.figure.Figure
        Left: squares (estimates) with horizontal lines (intervals) and a dashed reference
        line. Right: a text column ``"estimate (low to high)"`` and, when given, a ``p``
        column in journal style.

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
    """
    if not isinstance(estimates, pd.DataFrame):
        raise DataError(f"estimates: expected a DataFrame, got {type(estimates).__name__}")
    missing = [column for column in _REQUIRED if column not in estimates.columns]
    if missing:
        raise DataError(f"estimates: column(s) {missing} missing; expected label, estimate, "
                        f"ci_low, ci_high (and optionally p)")
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
    has_p = "p" in estimates.columns
    apply_style()
    count = len(estimates)
    figure, (axes, text_axes) = plt.subplots(
        1, 2, figsize=(width, 0.75 + 0.32 * count),
        gridspec_kw={"width_ratios": (1.4, 1.0), "wspace": 0.02}, sharey=True)
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
    axes.set_ylim(-0.7, count - 0.3)
    axes.set_yticks(positions, [str(label) for label in estimates["label"]])
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    axes.set_xlabel(xlabel)
    text_axes.axis("off")
    estimate_x, p_x = 0.05, 0.78
    header_y = count - 0.3
    text_axes.text(estimate_x, header_y, "Estimate (95% CI)", ha="left", va="bottom",
                   fontsize=7, fontweight="bold")
    text_axes.text(p_x, header_y, "p" if has_p else "", ha="left", va="bottom", fontsize=7,
                   fontweight="bold", fontstyle="italic")
    for position, row in zip(positions, estimates.itertuples(index=False), strict=True):
        text = (f"{format_number(row.estimate, decimals)} "
                f"({format_interval(row.ci_low, row.ci_high, decimals)})")
        text_axes.text(estimate_x, position, text, ha="left", va="center", fontsize=7)
        if has_p:
            text_axes.text(p_x, position, format_p_value(row.p, p_decimals), ha="left", va="center",
                           fontsize=7)
    text_axes.set_xlim(0, 1)
    figure.subplots_adjust(left=0.22, right=0.98, bottom=0.55 / (0.75 + 0.32 * count),
                           top=1 - 0.2 / (0.75 + 0.32 * count))
    return figure
