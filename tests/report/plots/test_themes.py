"""Tests of burnout.report.plots.themes: theme frequencies by respondent type, deterministically."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from matplotlib.figure import Figure

from burnout.core.errors import DataError
from burnout.report.plots.themes import RESPONDENT_COLORS, theme_frequency_chart


def _frequencies() -> pd.DataFrame:
    return pd.DataFrame({"theme": ["self_reflection"] * 2 + ["knowledge_sharing"] * 2,
                         "respondent_type": ["student", "mentor"] * 2,
                         "count": [4, 2, 0, 3], "respondents": [10, 5, 10, 5],
                         "percent": [40.0, 40.0, 0.0, 60.0]})


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72, metadata={"Software": None})
    return buffer.getvalue()


def test_theme_chart_draws_percent_by_respondent_type():
    figure = theme_frequency_chart(_frequencies(), labels={"self_reflection": "Self-reflection"})
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    widths = sorted(bar.get_width() for bar in axes.patches)
    assert widths == [0.0, 40.0, 40.0, 60.0]
    colors = {bar.get_facecolor()[:3] for bar in axes.patches}
    assert len(colors) == 2
    assert RESPONDENT_COLORS["student"] != RESPONDENT_COLORS["mentor"]
    ticks = zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    top_to_bottom = [label.get_text() for _, label in sorted(ticks, key=lambda pair: -pair[0])]
    assert top_to_bottom == ["Self-reflection", "knowledge_sharing"]
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend == ["Students (n = 10)", "Mentors (n = 5)"]
    again = theme_frequency_chart(_frequencies(), labels={"self_reflection": "Self-reflection"})
    assert _png(figure) == _png(again)


def test_theme_chart_bad_input():
    with pytest.raises(DataError, match="missing"):
        theme_frequency_chart(_frequencies().drop(columns="percent"))
    with pytest.raises(DataError, match="no rows"):
        theme_frequency_chart(_frequencies().iloc[0:0])
