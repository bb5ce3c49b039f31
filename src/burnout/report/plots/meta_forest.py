"""Forest plot of a meta-analysis: studies, weights, the pooled diamond, the prediction interval.

As metafor's ``forest()`` draws it: one row per study (a square whose area follows the study's
weight in the random-effects model, with its 95% interval), the pooled estimate as a diamond
spanning its confidence interval, and the prediction interval as a line through the diamond;
on the right, each row's estimate (95% CI) and weight. Studies of the compendium (re-analysed
here) and published ones are told apart by a marker in the label column.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from burnout.core.errors import DataError
from burnout.report.plots.style import OKABE_ITO, TWO_COLUMNS, apply_style
from burnout.report.tables import format_interval, format_number

__all__ = ["meta_forest_plot"]


def _text_column(axes, positions, rows: list[tuple[str, str]], header: tuple[str, str]) -> None:
    axes.axis("off")
    axes.set_xlim(0, 1)
    top = max(positions) + 0.9
    axes.text(0.02, top, header[0], fontsize=7, fontweight="bold", va="bottom")
    axes.text(0.98, top, header[1], fontsize=7, fontweight="bold", va="bottom", ha="right")
    for position, (left, right) in zip(positions, rows, strict=True):
        axes.text(0.02, position, left, fontsize=7, va="center")
        axes.text(0.98, position, right, fontsize=7, va="center", ha="right")


def meta_forest_plot(studies: pd.DataFrame, pooled: pd.Series, xlabel: str,
                     decimals: int = 2, width: float = TWO_COLUMNS) -> Figure:
    """Draw the studies of a meta-analysis and their pooled estimate.

    Parameters
    ----------
    studies : pandas.DataFrame
        One row per study, drawn top to bottom: ``label``, ``estimate``, ``ci_low``,
        ``ci_high``, ``weight`` (percent).
    pooled : pandas.Series
        The pooled row of :class:`~burnout.synthesis.meta_analysis.MetaAnalysis`
        (``estimate``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``, ``tau2``, ``i2``).
    xlabel : str
        The axis label (the measure and its direction).
    decimals : int
        Decimals of the printed estimates.
    width : float
        Figure width in inches (two journal columns by default).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> studies = pd.DataFrame({"label": ["A", "B"], "estimate": [-0.4, 0.1],
    ...                         "ci_low": [-0.8, -0.3], "ci_high": [0.0, 0.5], "weight": [55, 45]})
    >>> pooled = pd.Series({"estimate": -0.17, "ci_low": -0.5, "ci_high": 0.16, "pi_low": -1.2,
    ...                     "pi_high": 0.9, "tau2": 0.03, "i2": 40.0})
    >>> figure = meta_forest_plot(studies, pooled, "Hedges' g")
    >>> [text.get_text() for text in figure.axes[1].texts][-2:]
    ['-0.17 (-0.50 to 0.16)', '100%']
    """
    missing = [column for column in ("label", "estimate", "ci_low", "ci_high", "weight")
               if column not in studies.columns]
    if missing or studies.empty:
        raise DataError(f"forest plot: studies need rows and the column(s) {missing}")
    apply_style()
    count = len(studies)
    height = 1.1 + 0.28 * (count + 2)
    figure, (axes, text_axes) = plt.subplots(
        1, 2, figsize=(width, height), sharey=True, layout="constrained",
        gridspec_kw={"width_ratios": (1.5, 1.0)})
    positions = np.arange(count, 0, -1).astype(float) + 1.0
    sizes = 12 + 120 * studies["weight"].to_numpy(dtype=float) / 100
    axes.hlines(positions, studies["ci_low"], studies["ci_high"], color=OKABE_ITO["black"],
                linewidth=0.9)
    axes.scatter(studies["estimate"], positions, marker="s", s=sizes, color=OKABE_ITO["blue"],
                 edgecolors=OKABE_ITO["black"], linewidths=0.4, zorder=3)
    centre = 0.5
    diamond = Polygon([(pooled["ci_low"], centre), (pooled["estimate"], centre + 0.3),
                       (pooled["ci_high"], centre), (pooled["estimate"], centre - 0.3)],
                      closed=True, color=OKABE_ITO["vermillion"], zorder=3)
    axes.add_patch(diamond)
    axes.hlines(centre, pooled["pi_low"], pooled["pi_high"], color=OKABE_ITO["vermillion"],
                linewidth=0.9, linestyle=(0, (2, 1)), zorder=2)
    axes.axvline(0.0, color=OKABE_ITO["grey"], linewidth=0.8, linestyle="--", zorder=1)
    ends = [*studies["ci_low"], *studies["ci_high"], pooled["pi_low"], pooled["pi_high"], 0.0]
    low, high = float(np.nanmin(ends)), float(np.nanmax(ends))
    margin = 0.06 * (high - low) if high > low else 1.0
    axes.set_xlim(low - margin, high + margin)
    axes.set_ylim(-0.2, count + 2.2)
    labels = [textwrap.fill(str(label), 38) for label in studies["label"]]
    summary = (f"Random-effects model (tau\u00b2 = {pooled['tau2']:.2f}, "
               f"I\u00b2 = {pooled['i2']:.0f}%)")
    axes.set_yticks([*positions, centre], [*labels, summary])
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    axes.set_xlabel(xlabel)
    rows = [(f"{format_number(row.estimate, decimals)} "
             f"({format_interval(row.ci_low, row.ci_high, decimals)})",
             f"{row.weight:.1f}%") for row in studies.itertuples()]
    rows.append((f"{format_number(pooled['estimate'], decimals)} "
                 f"({format_interval(pooled['ci_low'], pooled['ci_high'], decimals)})", "100%"))
    _text_column(text_axes, [*positions, centre], rows, ("Estimate (95% CI)", "Weight"))
    return figure
