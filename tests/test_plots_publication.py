"""Tests of the publication figures: flow, pre/post scores, change scores, forest, prevalence."""

from __future__ import annotations

import io
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from burnout.errors import DataError
from burnout.io import save_figure
from burnout.plots.flow import flow_losses, participant_flow_diagram
from burnout.plots.forest import forest_plot
from burnout.plots.prevalence import burnout_prevalence, prevalence_table
from burnout.plots.scores import change_distributions, pre_post_scores
from burnout.plots.style import GROUP_COLORS


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


STEPS = ["enrolled", "completed_pre", "completed_post", "analysed"]


def flow_table(intervention=(60, 57, 53, 51), control=(95, 91, 86, 84)) -> pd.DataFrame:
    return pd.DataFrame({"step": STEPS * 2, "group": ["intervention"] * 4 + ["control"] * 4,
                         "n": [*intervention, *control]})


def analysis_table(seed: int = 3) -> pd.DataFrame:
    """Made-up scores (not the study's) of 7 intervention and 9 control students."""
    generator = np.random.default_rng(seed)
    frame = pd.DataFrame({"group": ["intervention"] * 7 + ["control"] * 9})
    for subscale, top in (("ee", 54), ("dp", 30), ("pa", 48)):
        frame[f"{subscale}_pre"] = generator.integers(0, top, len(frame))
        frame[f"{subscale}_post"] = generator.integers(0, top, len(frame))
        frame[f"{subscale}_change"] = frame[f"{subscale}_post"] - frame[f"{subscale}_pre"]
    return frame


def test_flow_losses_are_differences_of_consecutive_steps():
    losses = flow_losses(flow_table())
    assert losses["lost"].tolist() == [3, 4, 2, 4, 5, 2]
    assert losses[["from_step", "to_step"]].iloc[0].tolist() == ["enrolled", "completed_pre"]


def test_flow_diagram_draws_a_box_per_step_and_a_lost_box_per_gap():
    figure = participant_flow_diagram(flow_table())
    axes = figure.axes[0]
    boxes = [patch for patch in axes.patches if isinstance(patch, FancyBboxPatch)]
    arrows = [patch for patch in axes.patches if isinstance(patch, FancyArrowPatch)]
    assert len(boxes) == 2 * 4 + 2 * 3
    assert len(arrows) == 2 * 3 * 2
    texts = [text.get_text() for text in axes.texts]
    assert "Completed post\nn = 53" in texts and "Analysed\nn = 84" in texts
    assert sorted(text for text in texts if text.startswith("Lost")) == sorted(
        f"Lost: n = {lost}" for lost in (3, 4, 2, 4, 5, 2))
    edge_colours = {tuple(np.round(box.get_edgecolor()[:3], 3)) for box in boxes}
    for colour in GROUP_COLORS.values():
        rgb = tuple(round(int(colour[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
        assert rgb in edge_colours
    assert not figure.texts and not axes.get_title()  # titles belong in captions


@pytest.mark.parametrize(("flow", "message"), [
    (flow_table(intervention=(50, 57, 53, 51)), "rises from 50"),
    (flow_table().iloc[:-1], "control/analysed"),
    (flow_table().assign(n=[60, 57, 53, -1, 95, 91, 86, 84]), "row 5, column 'n'"),
    (flow_table().drop(columns="n"), r"\['n'\] missing"),
    (pd.concat([flow_table(), flow_table().iloc[:1]]), "appears twice"),
])
def test_flow_rejects_bad_counts(flow, message):
    with pytest.raises(DataError, match=message):
        participant_flow_diagram(flow)


def trial_flow() -> pd.DataFrame:
    steps = ["randomized", "completed_pre", "completed_post", "per_protocol", "analysed"]
    return pd.DataFrame({"step": steps * 2, "group": ["intervention"] * 5 + ["control"] * 5,
                         "n": [40, 39, 30, 22, 40, 38, 38, 31, 31, 38]})


def test_intent_to_treat_flow_ends_with_everyone_analysed_and_per_protocol_beside():
    flow = trial_flow()
    with pytest.raises(DataError, match="rises from 22"):  # one chain cannot rise again
        participant_flow_diagram(flow)
    figure = participant_flow_diagram(flow, analysed_step="analysed",
                                      beside_steps=["per_protocol"])
    axes = figure.axes[0]
    texts = [text.get_text() for text in axes.texts]
    assert "Analysed, intent\nto treat: n = 40" in texts
    assert "Analysed, intent\nto treat: n = 38" in texts
    assert "Per protocol set\nn = 22" in texts and "Per protocol set\nn = 31" in texts
    assert "Kept in the\nanalysis: n = 10" in texts and "Kept in the\nanalysis: n = 7" in texts
    assert sorted(text for text in texts if text.startswith("Lost")) == [
        "Lost: n = 0", "Lost: n = 1", "Lost: n = 7", "Lost: n = 9"]
    boxes = [patch for patch in axes.patches if isinstance(patch, FancyBboxPatch)]
    assert len(boxes) == 2 * (4 + 3 + 1)  # 4 steps, 3 gap boxes, 1 beside box per arm


@pytest.mark.parametrize(("options", "message"), [
    ({"analysed_step": "analyzed"}, r"step\(s\) \['analyzed'\] not found"),
    ({"beside_steps": ["per_protocol", "sensitivity"]}, "'sensitivity'"),
])
def test_intent_to_treat_flow_rejects_unknown_steps(options, message):
    with pytest.raises(DataError, match=message):
        participant_flow_diagram(trial_flow(), **options)


def test_intent_to_treat_flow_cannot_analyse_more_than_were_randomized():
    flow = trial_flow()
    flow.loc[4, "n"] = 41
    with pytest.raises(DataError, match="more than the 40 at 'randomized'"):
        participant_flow_diagram(flow, analysed_step="analysed", beside_steps=["per_protocol"])


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
    assert top_left.get_title() == "Emotional exhaustion (EE)"
    assert "n = 6" in [text.get_text() for text in top_left.texts]


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


ESTIMATES = pd.DataFrame({"label": ["EE", "DP", "PA"], "difference": [-0.21, -0.2, 2.24],
                          "ci_low": [-1.9, -1.84, 0.1], "ci_high": [1.5, 1.46, 4.3],
                          "p": [0.4, 0.9, 0.0004]})


def test_forest_plot_draws_estimates_reference_and_text_column():
    figure = forest_plot(ESTIMATES)
    axes, text_axes = figure.axes
    positions = axes.collections[-1].get_offsets()
    np.testing.assert_allclose(positions[:, 0], ESTIMATES["difference"])
    np.testing.assert_allclose(positions[:, 1], [2, 1, 0])  # first row on top
    assert [label.get_text() for label in axes.get_yticklabels()] == ["EE", "DP", "PA"]
    references = [line for line in axes.lines if list(line.get_xdata()) == [0, 0]]
    assert len(references) == 1
    texts = [text.get_text() for text in text_axes.texts]
    assert texts == ["Difference (95% CI)", "p", "-0.2 (-1.9 to 1.5)", "0.40",
                     "-0.2 (-1.8 to 1.5)", "0.90", "2.2 (0.1 to 4.3)", "<0.001"]
    no_p = forest_plot(ESTIMATES.drop(columns="p"))
    assert "0.40" not in [text.get_text() for text in no_p.axes[1].texts]


def test_forest_plot_prints_trial_p_values_and_estimates_with_more_decimals():
    trial = pd.DataFrame({"label": ["Flourishing"], "difference": [0.45], "ci_low": [0.004],
                          "ci_high": [0.897], "p": [0.048]})
    texts = [text.get_text() for text in forest_plot(trial).axes[1].texts]
    assert texts[2:] == ["0.5 (0.0 to 0.9)", "0.05"]  # the journal default hides p < 0.05
    texts = [text.get_text() for text in
             forest_plot(trial, decimals=2, p_decimals=3).axes[1].texts]
    assert texts[2:] == ["0.45 (0.00 to 0.90)", "0.048"]


def test_forest_plot_rejects_bad_estimates():
    with pytest.raises(DataError, match="ci_low <= difference <= ci_high"):
        forest_plot(ESTIMATES.assign(ci_low=[0.0, -1.84, 0.1]))
    with pytest.raises(DataError, match="column 'ci_high'"):
        forest_plot(ESTIMATES.assign(ci_high=[1.5, np.nan, 4.3]))
    with pytest.raises(DataError, match=r"\['label'\] missing"):
        forest_plot(ESTIMATES.drop(columns="label"))


def _wilson(count: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out (Wilson 1927), independent of statsmodels."""
    proportion = count / n
    centre = (proportion + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(proportion * (1 - proportion) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


LONG = pd.DataFrame({
    "group": ["intervention"] * 10 + ["control"] * 12,
    "time": ["pre"] * 5 + ["post"] * 5 + ["pre"] * 6 + ["post"] * 6,
    "burnout": [1, 1, 0, 0, 0] + [1, 0, 0, 0, np.nan] + [1, 1, 1, 0, 0, 0] + [1] * 6,
})


def test_prevalence_matches_the_wilson_formula():
    table = prevalence_table(LONG)
    assert table[["group", "time", "count", "n"]].values.tolist() == [
        ["intervention", "pre", 2, 5], ["intervention", "post", 1, 4],
        ["control", "pre", 3, 6], ["control", "post", 6, 6]]
    for row in table.itertuples(index=False):
        low, high = _wilson(row.count, row.n)
        assert row.ci_low == pytest.approx(low, abs=1e-12)  # tolerance: float rounding only
        assert row.ci_high == pytest.approx(high, abs=1e-12)


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


def test_figures_are_byte_identical_when_rebuilt(tmp_path):
    builders = {
        "flow": lambda: participant_flow_diagram(flow_table()),
        "scores": lambda: pre_post_scores(analysis_table()),
        "change": lambda: change_distributions(analysis_table(), seed=1),
        "forest": lambda: forest_plot(ESTIMATES),
        "prevalence": lambda: burnout_prevalence(LONG),
    }
    for name, build in builders.items():
        assert _png_bytes(build()) == _png_bytes(build()), name
        plt.close("all")
    # Through the compendium's writer (PNG + PDF) for one figure: PDF timing is costly.
    first = save_figure(builders["change"](), tmp_path / "a" / "change", dpi=40)
    second = save_figure(builders["change"](), tmp_path / "b" / "change", dpi=40)
    for left, right in zip(first, second, strict=True):
        assert left.read_bytes() == right.read_bytes(), left.name
