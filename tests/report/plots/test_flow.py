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


def _png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40, metadata={"Software": None})  # dpi: speed
    return buffer.getvalue()


def test_flow_diagram_is_byte_identical_when_rebuilt():
    assert _png_bytes(participant_flow_diagram(flow_table())) == _png_bytes(
        participant_flow_diagram(flow_table()))
