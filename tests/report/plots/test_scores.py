"""Tests of burnout.report.plots.scores: paired before/after scores and change distributions."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.core.io import save_figure
from burnout.report.labels import outcome_label
from burnout.report.plots.scores import change_distributions, pre_post_scores


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def analysis_table(seed: int = 3) -> pd.DataFrame:
    """Made-up scores (not the study's) of 7 intervention and 9 control students."""
    generator = np.random.default_rng(seed)
    frame = pd.DataFrame({"group": ["intervention"] * 7 + ["control"] * 9})
    for subscale, top in (("ee", 54), ("dp", 30), ("pa", 48)):
        frame[f"{subscale}_pre"] = generator.integers(0, top, len(frame))
        frame[f"{subscale}_post"] = generator.integers(0, top, len(frame))
        frame[f"{subscale}_change"] = frame[f"{subscale}_post"] - frame[f"{subscale}_pre"]
    return frame


def test_pre_post_scores_draw_every_student_and_the_group_median():
    analysis = analysis_table()
    analysis.loc[0, "ee_post"] = np.nan  # left out of the EE panel only
    figure = pre_post_scores(analysis)
    assert len(figure.axes) == 6
    top_left, bottom_right = figure.axes[0], figure.axes[5]
    assert len(top_left.lines) == 6 + 1  # 6 complete intervention pairs + median line
    assert len(bottom_right.lines) == 9 + 1
    median = top_left.lines[-1].get_ydata()
    complete = analysis[analysis["group"] == "intervention"].dropna(subset=["ee_post"])
    np.testing.assert_allclose(median, [complete["ee_pre"].median(),
                                        complete["ee_post"].median()])
    assert top_left.get_title() == outcome_label("ee") == "Emotional exhaustion"
    # n is the x label, below the axis: off the data
    assert top_left.get_xlabel() == "n = 6" and not top_left.texts
    # the groups compared on one score share its y axis
    assert top_left.get_ylim() == figure.axes[3].get_ylim()


def test_change_distributions_are_deterministic_for_a_seed():
    analysis = analysis_table()
    first = change_distributions(analysis, seed=7)
    second = change_distributions(analysis, seed=7)
    other = change_distributions(analysis, seed=8)
    offsets = [collection.get_offsets() for collection in first.axes[0].collections]
    again = [collection.get_offsets() for collection in second.axes[0].collections]
    for left, right in zip(offsets, again, strict=True):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(offsets[0], other.axes[0].collections[0].get_offsets())
    # The points are the change scores, jittered horizontally only (within +-0.15).
    np.testing.assert_array_equal(np.sort(offsets[0][:, 1]),
                                  np.sort(analysis.loc[analysis["group"] == "intervention",
                                                       "ee_change"].to_numpy(dtype=float)))
    assert np.all(np.abs(offsets[1][:, 0] - 1) <= 0.15)
    zero_lines = [line for line in first.axes[0].lines
                  if list(line.get_ydata()) == [0, 0] and line.get_linestyle() == "--"]
    assert len(zero_lines) == 1


def test_score_figures_reject_missing_columns_and_groups():
    analysis = analysis_table()
    with pytest.raises(DataError, match=r"\['dp_pre'\] missing"):
        pre_post_scores(analysis.drop(columns="dp_pre"))
    with pytest.raises(DataError, match="no rows for group"):
        change_distributions(analysis[analysis["group"] == "control"])
    bad = analysis.astype({"ee_change": object})
    bad.loc[3, "ee_change"] = "high"
    with pytest.raises(DataError, match="row 5, column 'ee_change'"):
        change_distributions(bad)


def _png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40, metadata={"Software": None})  # dpi: speed
    return buffer.getvalue()


def test_score_figures_are_byte_identical_when_rebuilt(tmp_path):
    assert _png_bytes(pre_post_scores(analysis_table())) == _png_bytes(
        pre_post_scores(analysis_table()))
    plt.close("all")
    # Through the compendium's writer (PNG + PDF) for one figure: PDF timing is costly.
    first = save_figure(change_distributions(analysis_table(), seed=1), tmp_path / "a" / "change",
                        dpi=40)
    second = save_figure(change_distributions(analysis_table(), seed=1),
                         tmp_path / "b" / "change", dpi=40)
    for left, right in zip(first, second, strict=True):
        assert left.read_bytes() == right.read_bytes(), left.name


def large_table(size: int, seed: int = 5) -> pd.DataFrame:
    """Made-up integer scores of ``size`` students per group (more than LARGE_N)."""
    generator = np.random.default_rng(seed)
    frame = pd.DataFrame({"group": ["intervention"] * size + ["control"] * size})
    frame["ee_pre"] = generator.integers(0, 20, len(frame))
    frame["ee_post"] = generator.integers(0, 20, len(frame))
    frame["ee_change"] = frame["ee_post"] - frame["ee_pre"]
    return frame


def test_large_panels_draw_distinct_paths_and_violins_not_one_artist_per_student():
    from matplotlib.collections import LineCollection, PolyCollection

    from burnout.report.plots.style import LARGE_N

    analysis = large_table(LARGE_N + 1)
    figure = pre_post_scores(analysis, subscales=("ee",))
    paths = [collection for collection in figure.axes[0].collections
             if isinstance(collection, LineCollection)]
    distinct = analysis.loc[analysis["group"] == "intervention", ["ee_pre", "ee_post"]]
    assert len(paths) == 1 and len(paths[0].get_segments()) == len(distinct.drop_duplicates())
    assert len(figure.axes[0].lines) == 1  # the median only
    opacity = paths[0].get_colors()[:, 3]
    assert opacity.max() == 1.0 and opacity.min() >= 0.1
    low, high = figure.axes[0].get_ylim()
    assert low <= 0 and high >= 19  # the collection sets the axis limits
    figure = change_distributions(analysis, subscales=("ee",))
    axes = figure.axes[0]
    assert not [collection for collection in axes.collections
                if len(collection.get_offsets()) > 1]  # no cloud of points
    assert len([collection for collection in axes.collections
                if isinstance(collection, PolyCollection)]) == 2  # a violin per group
    small = change_distributions(large_table(LARGE_N), subscales=("ee",))
    assert max(len(collection.get_offsets()) for collection in small.axes[0].collections) \
        == LARGE_N
