"""Tests of burnout.report.plots.diagnostics: residual panels of the adjusted regressions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.plots.diagnostics import diagnostics_figure
from burnout.stats.regression import regression_diagnostics

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"
ANALYSIS = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")


def test_diagnostics_figure_has_two_panels():
    table = regression_diagnostics(ANALYSIS, "ee_change")
    figure = diagnostics_figure(table, title="EE change")
    assert [axes.get_title() for axes in figure.axes] == ["Residuals vs fitted",
                                                          "Normal QQ plot"]
    assert len(figure.axes[0].collections[0].get_offsets()) == len(table)
    with pytest.raises(DataError, match="missing"):
        diagnostics_figure(table.drop(columns="fitted"))
