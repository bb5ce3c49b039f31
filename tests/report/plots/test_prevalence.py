"""Tests of burnout.report.plots.prevalence: burnout by group and wave with Wilson intervals.

The table and its intervals are tested in tests/stats/test_proportions.py.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.plots.prevalence import burnout_prevalence
from burnout.stats.proportions import prevalence_table


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


LONG = pd.DataFrame({
    "group": ["intervention"] * 10 + ["control"] * 12,
    "time": ["pre"] * 5 + ["post"] * 5 + ["pre"] * 6 + ["post"] * 6,
    "burnout": [1, 1, 0, 0, 0] + [1, 0, 0, 0, np.nan] + [1, 1, 1, 0, 0, 0] + [1] * 6,
})


def test_prevalence_figure_error_bars_match_the_table():
    figure = burnout_prevalence(LONG)
    axes = figure.axes[0]
    table = prevalence_table(LONG)
    for container, group in zip(axes.containers, ("intervention", "control"), strict=True):
        rows = table[table["group"] == group]
        data_line, _caps, (bars,) = container.lines
        np.testing.assert_allclose(data_line.get_ydata(), 100 * rows["proportion"])
        segments = bars.get_segments()
        np.testing.assert_allclose([segment[0][1] for segment in segments], 100 * rows["ci_low"])
        np.testing.assert_allclose([segment[1][1] for segment in segments], 100 * rows["ci_high"])
    assert [text.get_text() for text in axes.texts] == ["2/5", "1/4", "3/6", "6/6"]
    with pytest.raises(DataError, match="column 'burnout'"):
        burnout_prevalence(LONG.assign(burnout=[2] + [0] * 21))


def _png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40, metadata={"Software": None})  # dpi: speed
    return buffer.getvalue()


def test_prevalence_figure_is_byte_identical_when_rebuilt():
    assert _png_bytes(burnout_prevalence(LONG)) == _png_bytes(burnout_prevalence(LONG))
