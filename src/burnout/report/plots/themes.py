"""Theme frequency figure: how often each theme appears, by respondent type."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from burnout.core.errors import DataError
from burnout.report.plots.style import OKABE_ITO, ONE_COLUMN, new_figure

__all__ = ["RESPONDENT_COLORS", "theme_frequency_chart"]

# Respondent types keep the same colour in every figure (Okabe-Ito, colour-blind safe);
# other types take the remaining colours in this order.
RESPONDENT_COLORS = {"student": OKABE_ITO["bluish_green"], "mentor": OKABE_ITO["reddish_purple"]}
_SPARE_COLORS = (OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"], OKABE_ITO["yellow"],
                 OKABE_ITO["grey"])
_REQUIRED = ("theme", "respondent_type", "count", "respondents", "percent")


def theme_frequency_chart(frequencies: pd.DataFrame, labels: Mapping[str, str] | None = None,
                          width: float = ONE_COLUMN * 1.4, wrap: int = 22) -> Figure:
    """Grouped horizontal bars: percent of each respondent type expressing each theme.

    Parameters
    ----------
    frequencies : pandas.DataFrame
        Output of :func:`burnout.stats.qualitative.theme_frequencies` (``theme``,
        ``respondent_type``, ``count``, ``respondents``, ``percent``). Themes are drawn top
        to bottom in their order of appearance, respondent types in theirs.
    labels : mapping of str to str, optional
        Display label of each theme (the codebook's ``label``); default the theme name.
    width : float
        Figure width in inches.
    wrap : int
        Theme labels are wrapped at this many characters.

    Returns
    -------
    matplotlib.figure.Figure
        Bars show percent of the type's respondents; each bar is annotated with its count.

    Raises
    ------
    DataError
        When a column is missing or the table is empty.

    Examples
    --------
    >>> frequencies = pd.DataFrame({"theme": ["a", "a", "b", "b"],
    ...                             "respondent_type": ["student", "mentor"] * 2,
    ...                             "count": [3, 1, 0, 2], "respondents": [10, 4, 10, 4],
    ...                             "percent": [30.0, 25.0, 0.0, 50.0]})
    >>> len(theme_frequency_chart(frequencies).axes[0].patches)
    4
    """
    missing = [column for column in _REQUIRED if column not in frequencies.columns]
    if missing:
        raise DataError(f"theme frequencies: column(s) {missing} missing; expected the output of "
                        f"burnout.stats.qualitative.theme_frequencies")
    if frequencies.empty:
        raise DataError("theme frequencies: no rows to draw")
    themes = list(dict.fromkeys(frequencies["theme"]))
    types = list(dict.fromkeys(frequencies["respondent_type"]))
    spare = iter(_SPARE_COLORS * (1 + len(types) // len(_SPARE_COLORS)))
    colors = {kind: RESPONDENT_COLORS.get(kind) or next(spare) for kind in types}
    labels = dict(labels or {})
    indexed = frequencies.set_index(["theme", "respondent_type"])

    figure, axes = new_figure(width, 0.8 + 0.45 * len(themes) * max(1, len(types)) / 2)
    bar_height = 0.8 / len(types)
    base = np.arange(len(themes))[::-1].astype(float)
    for offset, kind in enumerate(types):
        positions = base + 0.4 - bar_height * (offset + 0.5)
        rows = [indexed.loc[(theme, kind)] if (theme, kind) in indexed.index else None
                for theme in themes]
        percents = [0.0 if row is None or pd.isna(row["percent"]) else float(row["percent"])
                    for row in rows]
        counts = [0 if row is None else int(row["count"]) for row in rows]
        respondents = [0 if row is None else int(row["respondents"]) for row in rows]
        legend = f"{kind.capitalize()}s (n = {max(respondents)})"
        axes.barh(positions, percents, height=bar_height * 0.92, color=colors[kind],
                  label=legend)
        for position, value, count in zip(positions, percents, counts, strict=True):
            axes.annotate(str(count), xy=(value, position), xytext=(2, 0),
                          textcoords="offset points", va="center", fontsize=6)
    axes.set_yticks(base)
    axes.set_yticklabels([textwrap.fill(str(labels.get(theme, theme)), wrap)
                          for theme in themes])
    axes.tick_params(axis="y", length=0)
    axes.set_xlim(0, 100)
    axes.set_xlabel("Percent of respondents (bar labels: counts)")
    axes.legend(loc="lower right", frameon=False)
    figure.tight_layout()
    return figure
