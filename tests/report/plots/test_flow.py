"""Tests of burnout.report.plots.flow: the participant flow diagram (TREND, CONSORT 2010)."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from burnout.core.errors import DataError
from burnout.report.plots.flow import flow_losses, participant_flow_diagram
from burnout.report.plots.style import GROUP_COLORS


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


STEPS = ["enrolled", "completed_pre", "completed_post", "analysed"]


def flow_table(intervention=(60, 57, 53, 51), control=(95, 91, 86, 84)) -> pd.DataFrame:
    return pd.DataFrame({"step": STEPS * 2, "group": ["intervention"] * 4 + ["control"] * 4,
                         "n": [*intervention, *control]})


def test_flow_losses_are_differences_of_consecutive_steps():
    losses = flow_losses(flow_table())
    assert losses["lost"].tolist() == [3, 4, 2, 4, 5, 2]
    assert losses[["from_step", "to_step"]].iloc[0].tolist() == ["enrolled", "completed_pre"]


def test_flow_diagram_draws_a_box_per_step_and_a_lost_box_per_gap():
    figure = participant_flow_diagram(flow_table())
    axes = figure.axes[0]
    boxes = [patch for patch in axes.patches if isinstance(patch, FancyBboxPatch)
             and patch.get_facecolor()[:3] == (1.0, 1.0, 1.0)]  # not the stage column
    arrows = [patch for patch in axes.patches if isinstance(patch, FancyArrowPatch)]
    # TREND: everyone enrolled, assigned to two groups, then each group's chain
    assert len(boxes) == 1 + 2 * 4 + 2 * 3
    assert len(arrows) == 1 + 2 + 2 * 3 * 2  # the split: a stem and an arrow per group
    texts = [text.get_text() for text in axes.texts]
    assert "Enrolled\nn = 155" in texts and "Assigned to\nintervention: n = 60" in texts
    assert "Completed follow-up\nn = 53" in texts and "Analysed\nn = 84" in texts
    assert sorted(text for text in texts if ": n = " in text and "\n" in text
                  and not text.startswith(("Assigned", "Enrolled"))) == sorted(
        [f"No baseline\nsurvey: n = {lost}" for lost in (3, 4)]
        + [f"Lost to\nfollow-up: n = {lost}" for lost in (4, 5)]
        + [f"Excluded from\nanalysis: n = {lost}" for lost in (2, 2)])
    assert [text for text in texts if text in ("Enrolment", "Assignment", "Baseline",
                                               "Follow-up", "Analysis")] == [
        "Enrolment", "Assignment", "Baseline", "Follow-up", "Analysis"]
    assert_every_box_is_reached_by_an_arrow(axes)
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


def assert_every_box_is_reached_by_an_arrow(axes) -> None:
    """Every white box touches the start or end of at least one arrow."""
    boxes = [patch for patch in axes.patches if isinstance(patch, FancyBboxPatch)
             and patch.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    ends = [point for patch in axes.patches if isinstance(patch, FancyArrowPatch)
            for point in (patch._posA_posB or ())]
    for box in boxes:
        x, y, width, height = box.get_x(), box.get_y(), box.get_width(), box.get_height()
        pad = 0.01
        assert any(x - pad <= px <= x + width + pad and y - pad <= py <= y + height + pad
                   for px, py in ends), f"box at ({x:.2f}, {y:.2f}) has no arrow"


def test_a_single_group_flow_is_one_connected_chain():
    flow = pd.DataFrame({"step": STEPS, "group": "all", "n": [40, 38, 30, 30]})
    axes = participant_flow_diagram(flow).axes[0]
    texts = [text.get_text() for text in axes.texts]
    assert "Enrolled\nn = 40" in texts and "Allocation" not in texts
    assert "Assignment" not in texts
    assert round(axes.figure.get_figwidth() * 25.4) == 89  # one journal column
    assert_every_box_is_reached_by_an_arrow(axes)


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
    # CONSORT 2010: everyone randomized, allocated to two arms, ..., analysed
    assert "Randomized\nn = 78" in texts and "Allocated to\ncontrol: n = 38" in texts
    assert "Allocation" in texts and "Assignment" not in texts
    assert "Analysed, intention\nto treat: n = 40" in texts
    assert "Analysed, intention\nto treat: n = 38" in texts
    assert "Per-protocol set\nn = 22" in texts and "Per-protocol set\nn = 31" in texts
    assert "Kept in the\nanalysis: n = 10" in texts and "Kept in the\nanalysis: n = 7" in texts
    assert sorted(text for text in texts if text.startswith(("No baseline", "Lost"))) == [
        "Lost to\nfollow-up: n = 7", "Lost to\nfollow-up: n = 9",
        "No baseline\nsurvey: n = 0", "No baseline\nsurvey: n = 1"]
    boxes = [patch for patch in axes.patches if isinstance(patch, FancyBboxPatch)
             and patch.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(boxes) == 1 + 2 * (4 + 3 + 1)  # randomized; 4 steps, 3 gaps, 1 beside per arm
    assert_every_box_is_reached_by_an_arrow(axes)


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


def _png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40, metadata={"Software": None})  # dpi: speed
    return buffer.getvalue()


def test_flow_diagram_is_byte_identical_when_rebuilt():
    assert _png_bytes(participant_flow_diagram(flow_table())) == _png_bytes(
        participant_flow_diagram(flow_table()))


@pytest.mark.parametrize("flow", [flow_table((1200, 1154, 987, 987), (1350, 1290, 1101, 1100)),
                                  pd.DataFrame({"step": STEPS, "group": "all",
                                                "n": [12000, 11540, 9870, 9870]})])
def test_every_text_of_a_box_stays_inside_its_box(flow):
    figure = participant_flow_diagram(flow)
    axes = figure.axes[0]
    renderer = figure.canvas.get_renderer()
    boxes = [patch.get_window_extent(renderer) for patch in axes.patches
             if isinstance(patch, FancyBboxPatch)]
    for text in axes.texts:
        extent = text.get_window_extent(renderer)
        centre = ((extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2)
        holder = [box for box in boxes if box.contains(*centre)]
        assert holder, f"{text.get_text()!r} is in no box"
        box = holder[0]
        assert (box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0
                and extent.y1 <= box.y1), f"{text.get_text()!r} sticks out of its box"
