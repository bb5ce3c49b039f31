"""Forest plot of the sensitivity analyses: one panel per primary outcome.

Each panel shows the primary outcome's estimate under every sensitivity analysis that gives a
difference on the score's scale (change score, ANCOVA, mixed model, multiple imputation, the
delta-adjusted analysis at its tipping point, the adjusted stage's rows), with its interval, as
:func:`burnout.report.plots.forest.forest_plot` draws them (same squares, reference line and text
column). Rows that are not differences (the E-value) or that could not run (a missing estimate)
are left out of the figure; the table keeps them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from burnout.core.errors import DataError, require_columns
from burnout.report.labels import outcome_label
from burnout.report.plots.forest import forest_plot
from burnout.report.plots.style import TWO_COLUMNS

__all__ = ["sensitivity_figure", "ANALYSIS_LABELS"]

# How the figure names each analysis of the sensitivity table.
ANALYSIS_LABELS = {
    "change_score": "Change score",
    "ancova": "ANCOVA",
    "mixed_model": "Mixed model",
    "multiple_imputation": "Multiple imputation (MAR)",
    "tipping_point": "Tipping point (MNAR)",
    "mixed_model_unstratified": "Mixed model, no strata",
    "mixed_model_per_protocol": "Mixed model, per protocol",
}
_NOT_DIFFERENCES = ("e_value",)


def _label(row) -> str:
    label = ANALYSIS_LABELS.get(row.analysis, str(row.analysis))
    delta = getattr(row, "delta", math.nan)
    if row.analysis == "tipping_point" and not pd.isna(delta):
        label += f", \u03b4 = {delta:g}"
    return label


def sensitivity_figure(table: pd.DataFrame, xlabel: str = "Difference (intervention minus "
                       "control)", decimals: int = 1, p_decimals: int = 2,
                       labels: Mapping[str, str] | None = None,
                       width: float = TWO_COLUMNS * 0.75) -> Figure:
    """Draw the sensitivity table: a forest plot with one panel per outcome.

    Parameters
    ----------
    table : pandas.DataFrame
        The sensitivity table (:func:`burnout.sensitivity.table.sensitivity_table`): columns
        ``outcome``, ``analysis``, ``estimate``, ``ci_low``, ``ci_high``, ``p`` and optionally
        ``delta``.
    xlabel : str
        The x-axis label (the design's ``words.forest_axis``).
    decimals, p_decimals : int
        Decimals of the estimates and of p-values in the text column.
    labels : mapping, optional
        Outcome -> panel title; default :func:`burnout.report.labels.outcome_label`.
    width : float
        Width in inches (at most two journal columns, 183 mm).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DataError
        When a column is missing or no row has an estimate to draw.

    Examples
    --------
    >>> table = pd.DataFrame({"outcome": ["ee"] * 3, "analysis": ["ancova", "mixed_model",
    ...     "e_value"], "estimate": [-1.0, -1.2, 1.4], "ci_low": [-2.5, -2.8, None],
    ...     "ci_high": [0.5, 0.4, None], "p": [0.2, 0.15, None]})
    >>> figure = sensitivity_figure(table, labels={"ee": "Exhaustion"})
    >>> [text.get_text() for text in figure.axes[0].get_yticklabels()]
    ['ANCOVA', 'Mixed model']
    """
    require_columns(table, ["outcome", "analysis", "estimate", "ci_low", "ci_high", "p"],
                    "sensitivity table")
    drawn = table.loc[~table["analysis"].isin(_NOT_DIFFERENCES)
                      & table[["estimate", "ci_low", "ci_high"]].notna().all(axis=1)]
    if drawn.empty:
        raise DataError("sensitivity table: no row has an estimate with an interval to draw")
    names = dict(labels or {})
    estimates = pd.DataFrame({
        "label": [_label(row) for row in drawn.itertuples(index=False)],
        "estimate": drawn["estimate"].to_numpy(float), "ci_low": drawn["ci_low"].to_numpy(float),
        "ci_high": drawn["ci_high"].to_numpy(float), "p": drawn["p"].to_numpy(float),
        "panel": [names.get(outcome, outcome_label(outcome)) for outcome in drawn["outcome"]]})
    return forest_plot(estimates, xlabel=xlabel, decimals=decimals, width=width,
                       p_decimals=p_decimals)
