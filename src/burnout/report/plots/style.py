"""One figure style for the whole compendium: colour-blind-safe, journal-sized.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies).
Widths follow common journal columns: 89 mm (one column) and 183 mm (two columns).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no screen; identical output everywhere

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["apply_style", "OKABE_ITO", "GROUP_COLORS", "ONE_COLUMN", "TWO_COLUMNS", "new_figure",
           "LARGE_N"]

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
# The two arms are always drawn in the same colours, in every figure.
GROUP_COLORS = {"intervention": OKABE_ITO["blue"], "control": OKABE_ITO["orange"]}
# Above this many participants in one panel a figure draws a summary (a density, the distinct
# paths, quantiles) instead of one marker or line each: a vector file with a million markers
# takes minutes to write and shows nothing a summary does not.
LARGE_N = 5_000
ONE_COLUMN = 89 / 25.4  # inches
TWO_COLUMNS = 183 / 25.4  # inches


def apply_style() -> None:
    """Set the compendium's matplotlib style (fonts, sizes, no top/right spines)."""
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 300,
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.titlesize": 9,
            "axes.labelsize": 8,
            "xtick.labelsize": 7,
            "ytick.labelsize": 7,
            "legend.fontsize": 7,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "pdf.fonttype": 42,
            "svg.hashsalt": "burnout",
            "path.simplify": False,
        }
    )


def new_figure(width: float = ONE_COLUMN, height: float | None = None, **subplots):
    """Create a styled figure and axes of a journal width (inches).

    Examples
    --------
    >>> figure, axes = new_figure()
    >>> float(round(figure.get_figwidth(), 1))
    3.5
    """
    apply_style()
    height = height if height is not None else width * 0.75
    return plt.subplots(figsize=(width, height), **subplots)
