"""Tests of burnout.report.plots.sensitivity: one panel per outcome, the rows that are
differences, within two journal columns."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.core.io import MAX_FIGURE_WIDTH_MM
from burnout.report.plots.sensitivity import sensitivity_figure

TABLE = pd.DataFrame({
    "outcome": ["ee"] * 4 + ["pa"] * 2,
    "analysis": ["ancova", "multiple_imputation", "tipping_point", "e_value", "ancova",
                 "multiple_imputation"],
    "estimate": [-1.0, -1.2, -2.4, 1.5, 0.8, None], "ci_low": [-2.5, -2.9, -4.1, None, -0.2, None],
    "ci_high": [0.5, 0.5, -0.7, None, 1.8, None], "p": [0.2, 0.17, 0.01, None, 0.11, None],
    "delta": [None, 0.0, -3.5, None, None, None]})


def test_one_panel_per_outcome_with_the_drawable_rows():
    figure = sensitivity_figure(TABLE, labels={"ee": "Exhaustion", "pa": "Accomplishment"})
    assert len(figure.axes) == 4  # (plot, text) per outcome
    labels = [text.get_text() for text in figure.axes[0].get_yticklabels()]
    assert labels == ["ANCOVA", "Multiple imputation (MAR)", "Tipping point (MNAR), \u03b4 = -3.5"]
    assert [text.get_text() for text in figure.axes[2].get_yticklabels()] == ["ANCOVA"]
    assert figure.get_figwidth() * 25.4 <= MAX_FIGURE_WIDTH_MM
    plt.close(figure)


def test_nothing_to_draw_is_an_error():
    with pytest.raises(DataError, match="no row has an estimate"):
        sensitivity_figure(TABLE.loc[TABLE["analysis"] == "e_value"])
