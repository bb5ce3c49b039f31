"""Participant flow diagram (TREND/CONSORT style) drawn from the cleaning stage's flow counts.

The cleaning stage writes ``flow.csv`` (step, group, n): for every group, the number of students
at each step (enrolled -> completed pre -> completed post -> analysed). The diagram draws one
column of boxes per group, one row per step, arrows between consecutive steps and, beside each
arrow, a box with the number lost between the two steps (computed here, so the figure can never
disagree with the counts).

A randomized trial analysed by intent to treat analyses everyone randomized, including those
lost to follow-up: its *analysed* step is drawn last, after the chain, with the number kept in
the analysis although lost on the way; sensitivity sets such as the per-protocol set are drawn
beside it (CONSORT 2010 flow diagram).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from burnout.core.errors import DataError
from burnout.report.plots.style import GROUP_COLORS, OKABE_ITO, TWO_COLUMNS, apply_style

__all__ = ["flow_losses", "participant_flow_diagram"]

_REQUIRED = ("step", "group", "n")
# Order in which the groups are drawn (left to right) when present; others follow.
_GROUP_ORDER = ("intervention", "control")

# Layout in axes coordinates (the axes span the figure; x and y run from 0 to 1).
_MAIN_WIDTH = 0.24  # width of a step box
_SIDE_WIDTH = 0.17  # width of a "lost" box
_GROUP_CENTRES = {2: (0.34, 0.66), 1: (0.5,)}


def _step_label(step: str) -> str:
    """``completed_pre`` -> ``Completed pre``."""
    text = str(step).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _checked_counts(flow: pd.DataFrame) -> tuple[list[str], list[str], pd.DataFrame]:
    """Validate the flow table; return steps in order, groups in order and a step x group table."""
    if not isinstance(flow, pd.DataFrame):
        raise DataError(f"flow.csv: expected a DataFrame, got {type(flow).__name__}")
    missing = [column for column in _REQUIRED if column not in flow.columns]
    if missing:
        raise DataError(f"flow.csv: column(s) {missing} missing; expected step, group, n")
    if flow.empty:
        raise DataError("flow.csv: no rows; rule: one row per step and group")
    counts = pd.to_numeric(flow["n"], errors="coerce")
    for position in flow.index[counts.isna() | (counts < 0) | (counts % 1 != 0)]:
        raise DataError(f"flow.csv, row {int(position) + 2}, column 'n': value "
                        f"{flow.loc[position, 'n']!r}: rule broken: a count >= 0")
    flow = flow.assign(n=counts.astype(int), step=flow["step"].astype(str),
                       group=flow["group"].astype(str))
    duplicated = flow.duplicated(["step", "group"])
    if duplicated.any():
        position = flow.index[duplicated][0]
        raise DataError(f"flow.csv, row {int(position) + 2}: step {flow.loc[position, 'step']!r} "
                        f"of group {flow.loc[position, 'group']!r} appears twice")
    steps = list(dict.fromkeys(flow["step"]))
    present = list(dict.fromkeys(flow["group"]))
    groups = [group for group in _GROUP_ORDER if group in present]
    groups += [group for group in present if group not in groups]
    table = flow.pivot(index="step", columns="group", values="n").reindex(index=steps,
                                                                         columns=groups)
    if table.isna().any().any():
        gaps = [f"{group}/{step}" for step in steps for group in groups
                if pd.isna(table.loc[step, group])]
        raise DataError(f"flow.csv: group/step {gaps} missing; rule: every group has a count "
                        f"at every step")
    return steps, groups, table.astype(int)


def flow_losses(flow: pd.DataFrame) -> pd.DataFrame:
    """Number lost between consecutive steps of the participant flow, per group.

    Parameters
    ----------
    flow : pandas.DataFrame
        ``flow.csv``: columns ``step``, ``group``, ``n``; steps in their order of appearance.

    Returns
    -------
    pandas.DataFrame
        One row per group and pair of consecutive steps: ``group``, ``from_step``,
        ``to_step``, ``n_from``, ``n_to``, ``lost`` (``n_from - n_to``).

    Raises
    ------
    DataError
        When a column is missing, a count is not a non-negative integer, a group lacks a step,
        or a count increases from one step to the next.

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["enrolled", "analysed"] * 2,
    ...                      "group": ["intervention"] * 2 + ["control"] * 2,
    ...                      "n": [60, 51, 90, 84]})
    >>> flow_losses(flow)[["group", "lost"]].to_dict("records")
    [{'group': 'intervention', 'lost': 9}, {'group': 'control', 'lost': 6}]
    """
    steps, groups, table = _checked_counts(flow)
    rows = []
    for group in groups:
        for before, after in zip(steps[:-1], steps[1:], strict=True):
            n_from, n_to = int(table.loc[before, group]), int(table.loc[after, group])
            if n_to > n_from:
                raise DataError(f"flow.csv: group {group!r}: n rises from {n_from} "
                                f"({before}) to {n_to} ({after}); rule: counts never increase "
                                f"along the flow")
            rows.append({"group": group, "from_step": before, "to_step": after,
                         "n_from": n_from, "n_to": n_to, "lost": n_from - n_to})
    return pd.DataFrame(rows, columns=["group", "from_step", "to_step", "n_from", "n_to",
                                       "lost"])


def _box(axes, centre_x: float, centre_y: float, width: float, height: float, text: str,
         edge: str, bold: bool = False) -> None:
    """A rounded box with centred text."""
    axes.add_patch(FancyBboxPatch((centre_x - width / 2, centre_y - height / 2), width, height,
                                  boxstyle="round,pad=0.004,rounding_size=0.01",
                                  facecolor="white", edgecolor=edge, linewidth=0.9))
    axes.text(centre_x, centre_y, text, ha="center", va="center", fontsize=7,
              fontweight="bold" if bold else "normal")


def _arrow(axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A thin black arrow between two points."""
    axes.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=7,
                                   color=OKABE_ITO["black"], linewidth=0.8,
                                   shrinkA=0, shrinkB=0))


def participant_flow_diagram(flow: pd.DataFrame, width: float = TWO_COLUMNS,
                             group_labels: dict[str, str] | None = None,
                             analysed_step: str | None = None,
                             beside_steps: Sequence[str] = ()) -> Figure:
    """Draw the participant flow (TREND/CONSORT style) with losses between steps.

    Parameters
    ----------
    flow : pandas.DataFrame
        ``flow.csv`` of the cleaning stage: ``step``, ``group``, ``n``; steps are drawn top to
        bottom in their order of appearance; intervention left of control.
    width : float
        Figure width in inches (default two journal columns).
    group_labels : dict, optional
        Header of each group's column; default the group name capitalised.
    analysed_step : str, optional
        A step drawn last, after the chain of the other steps, as ``"<Step>, intent\\nto
        treat: n = <n>"``: its count may exceed the step above it, because an intent-to-treat
        analysis keeps the students lost to follow-up; the side box of that gap then reads
        ``"Kept in the\\nanalysis: n = <k>"``, its arrow pointing back into the chain.
        ``None``: every step in one chain.
    beside_steps : sequence of str
        Steps drawn beside the last box instead of in the chain (sensitivity sets, e.g. the
        per-protocol set), as ``"<Step> set\\nn = <n>"``.

    Returns
    -------
    matplotlib.figure.Figure
        One box per group and step (``"<Step>\\nn = <n>"``), arrows between steps, and a
        side box ``"Lost: n = <k>"`` between consecutive steps (outside of the diagram:
        left of the left group, right of the right group).

    Raises
    ------
    DataError
        As :func:`flow_losses` (bad counts, missing steps, rising counts in the chain), when
        there are more than two groups, when ``analysed_step`` or a beside step is not a step of
        ``flow``, or when its count exceeds the first step's.

    Notes
    -----
    Reasons for the losses are listed in the exclusion log (``exclusions.csv``); the
    figure caption should point to it. The TREND statement asks for the flow of
    participants through each stage of a non-randomized study (Des Jarlais et al. 2004).

    References
    ----------
    Des Jarlais DC, Lyles C, Crepaz N; TREND Group. Improving the reporting quality of
    nonrandomized evaluations of behavioral and public health interventions: the TREND
    statement. Am J Public Health. 2004;94(3):361-366.

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["enrolled", "completed_pre", "analysed"] * 2,
    ...                      "group": ["intervention"] * 3 + ["control"] * 3,
    ...                      "n": [60, 55, 51, 90, 88, 84]})
    >>> figure = participant_flow_diagram(flow)
    >>> texts = [text.get_text() for text in figure.axes[0].texts]
    >>> sorted(text for text in texts if text.startswith("Lost"))
    ['Lost: n = 2', 'Lost: n = 4', 'Lost: n = 4', 'Lost: n = 5']
    """
    all_steps, groups, table = _checked_counts(flow)
    if len(groups) > 2:
        raise DataError(f"flow.csv: groups {groups}; rule: the diagram draws one or two groups")
    apart = [step for step in (analysed_step, *beside_steps) if step is not None]
    unknown = [step for step in apart if step not in all_steps]
    if unknown:
        raise DataError(f"flow.csv: step(s) {unknown} not found; the steps are {all_steps}")
    steps = [step for step in all_steps if step not in apart]
    losses = flow_losses(flow.loc[flow["step"].astype(str).isin(steps)])
    for step in apart:
        for group in groups:
            if table.loc[step, group] > table.loc[steps[0], group]:
                raise DataError(f"flow.csv: group {group!r}: step {step!r} counts "
                                f"{table.loc[step, group]}, more than the "
                                f"{table.loc[steps[0], group]} at {steps[0]!r}; rule: no step "
                                f"counts more students than the first")
    # (step, text before its count) of every box of the chain, top to bottom
    boxes = [(step, f"{_step_label(step)}\n") for step in steps]
    if analysed_step is not None:
        boxes.append((analysed_step, f"{_step_label(analysed_step)}, intent\nto treat: "))
    labels = {group: group.replace("_", " ").capitalize() for group in groups}
    labels.update(group_labels or {})
    apply_style()
    rows = len(boxes) * 2 - 1  # step rows with a gap row (arrow + lost box) between them
    height = 0.45 + 0.42 * rows
    figure, axes = plt.subplots(figsize=(width, height))
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.axis("off")
    top, bottom = 1 - 0.35 / height, 0.05 / height
    pitch = (top - bottom) / rows
    box_height = pitch * 0.78
    centres = _GROUP_CENTRES[len(groups)]
    for position, group in enumerate(groups):
        x = centres[position]
        colour = GROUP_COLORS.get(group, OKABE_ITO["grey"])
        axes.text(x, 1 - 0.15 / height, labels[group], ha="center", va="center",
                  fontsize=8, fontweight="bold", color=colour)
        side = -1 if position == 0 else 1
        group_losses = losses[losses["group"] == group].reset_index(drop=True)
        side_x = x + side * (_MAIN_WIDTH / 2 + 0.04 + _SIDE_WIDTH / 2)
        last = len(boxes) - 1
        for index, (step, label) in enumerate(boxes):
            y = top - pitch * (2 * index + 0.5)
            _box(axes, x, y, _MAIN_WIDTH, box_height, f"{label}n = {int(table.loc[step, group])}",
                 colour, bold=index == last)
            if index == last:
                for offset, beside in enumerate(beside_steps):
                    beside_y = y - offset * box_height
                    _box(axes, side_x, beside_y, _SIDE_WIDTH, box_height * 0.9,
                         f"{_step_label(beside)} set\nn = {int(table.loc[beside, group])}",
                         colour)
                continue
            next_y = top - pitch * (2 * index + 2.5)
            _arrow(axes, (x, y - box_height / 2), (x, next_y + box_height / 2))
            gap_y = top - pitch * (2 * index + 1.5)
            chain_end, side_end = (x, gap_y), (side_x - side * _SIDE_WIDTH / 2, gap_y)
            if index < len(group_losses):
                lost = int(group_losses.loc[index, "lost"])
            else:  # the gap above the intent-to-treat box: students lost, but kept
                lost = int(table.loc[steps[-1], group]) - int(table.loc[analysed_step, group])
            if lost >= 0:
                _arrow(axes, chain_end, side_end)
                side_text = f"Lost: n = {lost}"
            else:
                _arrow(axes, side_end, chain_end)
                side_text = f"Kept in the\nanalysis: n = {-lost}"
            _box(axes, side_x, gap_y, _SIDE_WIDTH, box_height * 0.8, side_text,
                 OKABE_ITO["grey"])
    return figure
