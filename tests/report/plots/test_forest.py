"""Tests of burnout.report.plots.forest: estimates with intervals and a text column."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.plots.forest import forest_plot


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


ESTIMATES = pd.DataFrame({"label": ["EE", "DP", "PA"], "estimate": [-0.31, -0.3, 1.74],
                          "ci_low": [-2.1, -1.64, 0.3], "ci_high": [1.3, 1.16, 3.6],
                          "p": [0.6, 0.7, 0.0004]})


def test_forest_plot_draws_estimates_reference_and_text_column():
    figure = forest_plot(ESTIMATES)
    axes, text_axes = figure.axes
    positions = axes.collections[-1].get_offsets()
    np.testing.assert_allclose(positions[:, 0], ESTIMATES["estimate"])
    np.testing.assert_allclose(positions[:, 1], [2, 1, 0])  # first row on top
    assert [label.get_text() for label in axes.get_yticklabels()] == ["EE", "DP", "PA"]
    references = [line for line in axes.lines if list(line.get_xdata()) == [0, 0]]
    assert len(references) == 1
    texts = [text.get_text() for text in text_axes.texts]
    assert texts == ["Estimate (95% CI)", "p", "-0.3 (-2.1 to 1.3)", "0.60",
                     "-0.3 (-1.6 to 1.2)", "0.70", "1.7 (0.3 to 3.6)", "<0.001"]
    no_p = forest_plot(ESTIMATES.drop(columns="p"))
    assert "0.60" not in [text.get_text() for text in no_p.axes[1].texts]


def test_forest_plot_prints_trial_p_values_and_estimates_with_more_decimals():
    trial = pd.DataFrame({"label": ["Flourishing"], "estimate": [0.36], "ci_low": [0.004],
                          "ci_high": [0.717], "p": [0.047]})
    texts = [text.get_text() for text in forest_plot(trial).axes[1].texts]
    assert texts[2:] == ["0.4 (0.0 to 0.7)", "0.05"]  # the journal default hides p < 0.05
    texts = [text.get_text() for text in
             forest_plot(trial, decimals=2, p_decimals=3).axes[1].texts]
    assert texts[2:] == ["0.36 (0.00 to 0.72)", "0.047"]


def test_forest_plot_rejects_bad_estimates():
    with pytest.raises(DataError, match="ci_low <= estimate <= ci_high"):
        forest_plot(ESTIMATES.assign(ci_low=[0.0, -1.64, 0.3]))
    with pytest.raises(DataError, match="column 'ci_high'"):
        forest_plot(ESTIMATES.assign(ci_high=[1.3, np.nan, 3.6]))
    with pytest.raises(DataError, match=r"\['label'\] missing"):
        forest_plot(ESTIMATES.drop(columns="label"))


def _png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40, metadata={"Software": None})  # dpi: speed
    return buffer.getvalue()


def test_forest_plot_is_byte_identical_when_rebuilt():
    assert _png_bytes(forest_plot(ESTIMATES)) == _png_bytes(forest_plot(ESTIMATES))


def test_forest_plot_reads_results_in_the_shared_vocabulary():
    # The old column name of the estimate is refused, naming the new one.
    with pytest.raises(DataError, match=r"\['estimate'\] missing"):
        forest_plot(ESTIMATES.rename(columns={"estimate": "difference"}))


def test_forest_plot_draws_each_scale_in_its_own_panel():
    mixed = pd.concat([ESTIMATES.assign(panel="MBI"),
                       pd.DataFrame({"label": ["Flourishing"], "estimate": [0.36],
                                     "ci_low": [0.004], "ci_high": [0.717], "p": [0.047],
                                     "panel": ["SFI"]})], ignore_index=True)
    figure = forest_plot(mixed)
    mbi, mbi_text, sfi, sfi_text = figure.axes
    assert [label.get_text() for label in mbi.get_yticklabels()] == ["EE", "DP", "PA"]
    assert [label.get_text() for label in sfi.get_yticklabels()] == ["Flourishing"]
    assert mbi.get_xlim() != sfi.get_xlim()  # one scale per panel
    assert [text.get_text() for text in mbi.texts] == ["MBI"]  # the panel's title
    assert [text.get_text() for text in sfi_text.texts] == ["0.4 (0.0 to 0.7)", "0.05"]
    assert sfi.get_xlabel() and not mbi.get_xlabel()  # the axis label once, at the bottom
