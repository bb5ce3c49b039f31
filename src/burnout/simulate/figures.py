"""Figures of the teaching lab: power curves, in the compendium's style."""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from burnout.core.errors import require_columns
from burnout.report.labels import outcome_label
from burnout.report.plots.style import OKABE_ITO, TWO_COLUMNS, new_figure

__all__ = ["power_curves"]

_COLORS = [OKABE_ITO[name] for name in ("blue", "vermillion", "bluish_green", "orange",
                                        "reddish_purple", "sky_blue", "black")]
_STYLES = ["-", "--", ":", "-."]


def power_curves(summary: pd.DataFrame, power: float = 0.8, alpha: float = 0.05):
    """Rejection rate against the effect: one panel per outcome, a line per analysis and size.

    Parameters
    ----------
    summary : pandas.DataFrame
        A simulation summary (:data:`burnout.simulate.lab.SUMMARY_COLUMNS`) of scores (rows of
        analyses whose estimate is on the effect's scale are drawn; yes/no outcomes are not).
    power, alpha : float
        Reference lines: the target power and the nominal type-I error.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> table = pd.DataFrame({"outcome": "ee", "method": "rank_sum", "effect": [0.0, 2.0],
    ...                       "n_intervention": 40, "n_control": 40,
    ...                       "rejection_rate": [0.05, 0.6], "bias": [0.0, 0.1]})
    >>> len(power_curves(table).axes)
    1
    """
    require_columns(summary, ["outcome", "method", "effect", "n_intervention", "n_control",
                              "rejection_rate", "bias"], "power_curves")
    drawn = summary.loc[summary["bias"].notna()]
    outcomes = list(dict.fromkeys(drawn["outcome"]))
    columns = min(3, max(1, len(outcomes)))
    rows = math.ceil(len(outcomes) / columns)
    figure, axes = new_figure(TWO_COLUMNS, 0.3 + 2.3 * rows + 0.16 * math.ceil(
        len(set(zip(drawn["method"], drawn["n_intervention"], strict=True))) / 3),
        nrows=rows, ncols=columns, squeeze=False, layout="constrained")
    methods = list(dict.fromkeys(drawn["method"]))
    sizes = list(dict.fromkeys(zip(drawn["n_intervention"], drawn["n_control"], strict=True)))
    for panel, outcome in zip(axes.flat, outcomes, strict=False):
        cell = drawn.loc[drawn["outcome"] == outcome]
        for (method, size), part in cell.groupby(["method", cell[["n_intervention",
                                                  "n_control"]].apply(tuple, axis=1)],
                                                 sort=False):
            part = part.sort_values("effect")
            label = f"{method}, n = {size[0]}" + (f" + {size[1]}" if size[1] else "")
            panel.plot(part["effect"], part["rejection_rate"], marker="o", markersize=2.5,
                       color=_COLORS[methods.index(method) % len(_COLORS)],
                       linestyle=_STYLES[sizes.index(size) % len(_STYLES)], linewidth=1,
                       label=label)
        for level in (alpha, power):
            panel.axhline(level, color=OKABE_ITO["grey"], linewidth=0.6, linestyle=":")
        panel.set_ylim(0, 1.02)
        panel.set_title(textwrap.fill(outcome_label(outcome), 28, break_on_hyphens=False))
        panel.set_xlabel("Effect (scale points)")
        panel.set_ylabel("Rejection rate (power)")
    for panel in list(axes.flat)[len(outcomes):]:
        panel.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncol=min(3, len(labels)),
                  frameon=False)
    return figure
