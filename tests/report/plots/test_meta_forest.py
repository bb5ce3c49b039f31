"""The meta-analysis forest plot: one row per study, the pooled diamond, a journal width."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.plots.meta_forest import meta_forest_plot
from burnout.report.plots.style import TWO_COLUMNS

POOLED = pd.Series({"estimate": -0.2, "ci_low": -0.5, "ci_high": 0.1, "pi_low": -0.9,
                    "pi_high": 0.5, "tau2": 0.05, "i2": 45.0})


def test_rows_labels_and_width():
    studies = pd.DataFrame({"label": ["A", "B", "C"], "estimate": [-0.4, 0.0, -0.1],
                            "ci_low": [-0.9, -0.3, -0.5], "ci_high": [0.1, 0.3, 0.3],
                            "weight": [30.0, 45.0, 25.0]})
    figure = meta_forest_plot(studies, POOLED, "g")
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert labels[:3] == ["A", "B", "C"] and labels[3].startswith("Random-effects model")
    texts = [text.get_text() for text in figure.axes[1].texts]
    assert "45.0%" in texts and "-0.20 (-0.50 to 0.10)" in texts
    assert figure.get_figwidth() == pytest.approx(TWO_COLUMNS)
    plt.close(figure)


def test_missing_columns_are_named():
    with pytest.raises(DataError, match=r"\['weight'\]"):
        meta_forest_plot(pd.DataFrame({"label": ["A"], "estimate": [0.0], "ci_low": [-1.0],
                                       "ci_high": [1.0]}), POOLED, "g")
