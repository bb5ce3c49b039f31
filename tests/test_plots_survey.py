"""Smoke tests of the survey and theme figures: they draw what the tables say, deterministically."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from burnout.errors import DataError
from burnout.plots.likert import LIKERT_COLORS, diverging_likert_chart
from burnout.plots.themes import RESPONDENT_COLORS, theme_frequency_chart
from burnout.survey import likert_summary


def _summary() -> pd.DataFrame:
    answers = pd.DataFrame({"enjoyed": [5, 5, 4, 3, 2, 1, np.nan],
                            "again": [4, 4, 4, 4, 3, 3, 3]})
    return likert_summary(answers, {"enjoyed": "I enjoyed mentoring", "again": "Again"})


def _frequencies() -> pd.DataFrame:
    return pd.DataFrame({"theme": ["self_reflection"] * 2 + ["knowledge_sharing"] * 2,
                         "respondent_type": ["student", "mentor"] * 2,
                         "count": [4, 2, 0, 3], "respondents": [10, 5, 10, 5],
                         "percent": [40.0, 40.0, 0.0, 60.0]})


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72, metadata={"Software": None})
    return buffer.getvalue()


def test_likert_bars_are_centred_on_the_neutral_level():
    figure = diverging_likert_chart(_summary())
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    bars = axes.patches
    assert len(bars) == 2 * 5
    # Bars are drawn level by level; the neutral bar of each item straddles zero.
    neutral = [bar for bar in bars if bar.get_facecolor()[:3] == pytest.approx(
        tuple(int(LIKERT_COLORS[2][i:i + 2], 16) / 255 for i in (1, 3, 5)))]
    assert len(neutral) == 2
    for bar in neutral:
        assert bar.get_x() == pytest.approx(-bar.get_width() / 2)
    # Each item's bars add up to 100% of its respondents.
    for position in {bar.get_y() for bar in bars}:
        widths = [bar.get_width() for bar in bars if bar.get_y() == position]
        assert sum(widths) == pytest.approx(100.0)
    ticks = zip(axes.get_yticks(), axes.get_yticklabels(), strict=True)
    top_to_bottom = [label.get_text() for _, label in sorted(ticks, key=lambda pair: -pair[0])]
    assert top_to_bottom == ["I enjoyed mentoring", "Again"]  # the items' order
    assert "n = 6" in [text.get_text() for text in axes.texts]


def test_likert_panels_and_determinism():
    panels = {"Students": _summary(), "Mentors": _summary().query("item == 'again'")}
    figure = diverging_likert_chart(panels)
    assert [axes.get_title(loc="left") for axes in figure.axes] == ["Students", "Mentors"]
    assert _png(figure) == _png(diverging_likert_chart(panels))


def test_likert_bad_input():
    with pytest.raises(DataError, match="missing"):
        diverging_likert_chart(_summary().drop(columns="percent"))
    with pytest.raises(DataError, match="no rows"):
        diverging_likert_chart(_summary().iloc[0:0])
    other_scale = _summary().query("level < 5")
    with pytest.raises(DataError, match="different levels"):
        diverging_likert_chart({"a": _summary(), "b": other_scale})


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
