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


def test_large_tables_are_summarized():
    import numpy as np

    from burnout.report.plots.style import LARGE_N

    generator = np.random.default_rng(11)
    size = 3 * LARGE_N
    standardized = generator.standard_normal(size)
    table = pd.DataFrame({"fitted": generator.normal(20, 5, size), "residual": standardized * 4,
                          "standardized_residual": standardized,
                          "influential": np.abs(standardized) > 2})
    figure = diagnostics_figure(table)
    left, right = figure.axes
    hexagons = left.collections[0]
    assert hexagons.get_array().sum() == size  # every observation counted in the density
    assert len(left.collections[1].get_offsets()) == 500  # the most extreme influential
    flagged = int(table["influential"].sum())
    assert left.get_legend().get_texts()[0].get_text() == (
        f"Cook's D > 4/n (500 most extreme of {flagged:,})")
    drawn = np.abs(left.collections[1].get_offsets()[:, 1]) / 4
    assert drawn.min() >= np.sort(np.abs(standardized[table["influential"]]))[-500] - 1e-12
    quantiles = right.collections[0].get_offsets()
    assert 1_000 <= len(quantiles) <= 1_050
    assert quantiles[:, 1].min() == standardized.min()
    assert quantiles[:, 1].max() == standardized.max()
