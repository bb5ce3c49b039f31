"""Regression diagnostics figure: residuals against fitted values, and a normal QQ plot.

Two checks of a linear model's assumptions, side by side:

* **Residuals vs fitted**: the residuals should scatter evenly around zero at every fitted
  value. A funnel shape means the spread changes with the level (heteroskedasticity: prefer
  the HC3 standard errors); a curve means a missing non-linear term.
* **Normal QQ plot**: the standardized residuals sorted against the quantiles of a standard
  normal distribution should lie near the diagonal; heavy tails bend away at the ends.

Observations flagged as influential (Cook's distance above 4/n) are drawn in vermillion.

With more than :data:`~burnout.report.plots.style.LARGE_N` observations the panels summarize:
the residuals are a hexagonal density (log-scaled counts), only the most extreme influential
observations are drawn, and the QQ plot shows 1,000 evenly spaced quantiles plus both tails.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from burnout.core.errors import DataError, require_columns
from burnout.report.plots.style import LARGE_N, OKABE_ITO, TWO_COLUMNS, new_figure

__all__ = ["diagnostics_figure"]

_NEEDED = ("fitted", "residual", "standardized_residual", "influential")
_QUANTILES, _TAIL = 1_000, 25  # large n: evenly spaced quantiles, and all of each tail's last
_EXTREME = 500  # large n: influential observations drawn (largest standardized residuals)


def _residual_density(axes, diagnostics: pd.DataFrame, influential: np.ndarray) -> str | None:
    """Large n: a hexagonal density of residual against fitted, the most extreme influential
    observations on top; the legend label of those (None when there are none)."""
    axes.hexbin(diagnostics["fitted"], diagnostics["residual"], gridsize=60, bins="log",
                mincnt=1, cmap="Blues", linewidths=0)
    flagged = diagnostics.loc[influential]
    if flagged.empty:
        return None
    extreme = flagged.loc[flagged["standardized_residual"].abs()
                          .sort_values(ascending=False, kind="stable").index[:_EXTREME]]
    axes.scatter(extreme["fitted"], extreme["residual"], s=6, c=OKABE_ITO["vermillion"],
                 alpha=0.8, linewidths=0)
    shown = (f" ({len(extreme):,} most extreme of {len(flagged):,})"
             if len(extreme) < len(flagged) else "")
    return f"Cook's D > 4/n{shown}"


def _qq_points(standardized: np.ndarray, colors: np.ndarray) -> tuple:
    """Theoretical and sample quantiles (and colours) of the QQ plot: every observation, or,
    for large n, 1,000 evenly spaced order statistics plus the extreme ones of each tail."""
    order = np.argsort(standardized, kind="stable")
    count = len(standardized)
    ranks = np.arange(count)
    if count > LARGE_N:
        ranks = np.unique(np.concatenate([np.linspace(0, count - 1, _QUANTILES).round(),
                                          np.arange(_TAIL), count - 1 - np.arange(_TAIL)])
                          ).astype(int)
        colors = np.full(count, OKABE_ITO["blue"])
    theoretical = stats.norm.ppf((ranks + 0.5) / count)
    return theoretical, standardized[order][ranks], colors[order][ranks]


def diagnostics_figure(diagnostics: pd.DataFrame, title: str | None = None):
    """Residual-versus-fitted and normal QQ panels of a regression diagnostics table.

    Parameters
    ----------
    diagnostics : pandas.DataFrame
        The table of :func:`burnout.stats.regression.regression_diagnostics` (columns ``fitted``,
        ``residual``, ``standardized_residual`` and ``influential``).
    title : str, optional
        Figure title (e.g. the outcome's name).

    Returns
    -------
    matplotlib.figure.Figure
        A two-column-wide figure with two panels.

    Raises
    ------
    DataError
        When a needed column is missing or the table is empty.

    Examples
    --------
    >>> table = pd.DataFrame({"fitted": [1.0, 2.0, 3.0, 4.0],
    ...                       "residual": [0.5, -0.4, 0.1, -0.2],
    ...                       "standardized_residual": [1.2, -1.0, 0.3, -0.5],
    ...                       "influential": [True, False, False, False]})
    >>> figure = diagnostics_figure(table, title="EE change")
    >>> len(figure.axes)
    2
    """
    require_columns(diagnostics, _NEEDED, "diagnostics_figure")
    if diagnostics.empty:
        raise DataError("diagnostics_figure: the diagnostics table has no rows")
    figure, (left, right) = new_figure(TWO_COLUMNS, TWO_COLUMNS * 0.4, ncols=2)
    influential = diagnostics["influential"].astype(bool).to_numpy()
    colors = np.where(influential, OKABE_ITO["vermillion"], OKABE_ITO["blue"])

    label = "Cook's D > 4/n" if influential.any() else None
    if len(diagnostics) > LARGE_N:
        label = _residual_density(left, diagnostics, influential)
    else:
        left.scatter(diagnostics["fitted"], diagnostics["residual"], s=12, c=colors,
                     alpha=0.8, linewidths=0)
    left.axhline(0, color=OKABE_ITO["grey"], linewidth=0.8, linestyle="--")
    left.set_xlabel("Fitted value")
    left.set_ylabel("Residual")
    left.set_title("Residuals vs fitted")

    standardized = diagnostics["standardized_residual"].to_numpy(dtype=float)
    theoretical, sample, qq_colors = _qq_points(standardized, colors)
    right.scatter(theoretical, sample, s=12, c=qq_colors, alpha=0.8, linewidths=0)
    limits = [float(min(theoretical.min(), standardized.min())),
              float(max(theoretical.max(), standardized.max()))]
    right.plot(limits, limits, color=OKABE_ITO["grey"], linewidth=0.8, linestyle="--")
    right.set_xlabel("Standard normal quantile")
    right.set_ylabel("Standardized residual")
    right.set_title("Normal QQ plot")

    if label:
        left.scatter([], [], s=12, c=OKABE_ITO["vermillion"], label=label)
        left.legend(frameon=False, loc="best")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure
