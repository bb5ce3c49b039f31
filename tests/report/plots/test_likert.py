"""Tests of burnout.report.plots.likert: diverging Likert bars draw what the table says,
deterministically."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from burnout.core.errors import DataError
from burnout.report.plots.likert import LIKERT_COLORS, diverging_likert_chart
from burnout.stats.survey import likert_summary


def _summary() -> pd.DataFrame:
    answers = pd.DataFrame({"enjoyed": [5, 5, 4, 3, 2, 1, np.nan],
                            "again": [4, 4, 4, 4, 3, 3, 3]})
    return likert_summary(answers, {"enjoyed": "I enjoyed mentoring", "again": "Again"})


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
