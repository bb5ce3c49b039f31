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

The template follows the steps the design declares (:mod:`burnout.data.linking`, read back from
``flow.csv``), never the design's name: two groups start from one box of everyone (*Randomized*
when the first step is ``randomized``: CONSORT 2010 enrolment and allocation; else *Enrolled*
and assignment to groups: TREND) that splits into one box per group; one group is a single
chain (enrolment to follow-up). A column on the left names the stage of every row (Enrolment,
Allocation or Assignment, Baseline, Follow-up, Analysis). Every box is reached by an arrow.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from burnout.core.errors import DataError
from burnout.report.plots.style import GROUP_COLORS, OKABE_ITO, ONE_COLUMN, TWO_COLUMNS, apply_style

__all__ = ["flow_losses", "participant_flow_diagram"]

_REQUIRED = ("step", "group", "n")
# Order in which the groups are drawn (left to right) when present; others follow.
_GROUP_ORDER = ("intervention", "control")

# Layout in axes coordinates (the axes span the figure; x and y run from 0 to 1).
# Per number of groups: the figure's default width (two journal columns for two groups, one
# column for one group), the width of a step box ("main"), of a "lost" box ("side"), the gap
# between them, the centre of each group's column, and the centre and width of the column of
# stage names.
_GEOMETRY = {2: {"width": TWO_COLUMNS, "main": 0.22, "side": 0.16, "gap": 0.03,
                 "centres": (0.38, 0.685), "stage": 0.025, "stage_width": 0.036},
             1: {"width": ONE_COLUMN, "main": 0.45, "side": 0.33, "gap": 0.035,
                 "centres": (0.395,), "stage": 0.045, "stage_width": 0.07}}
# Stage (CONSORT 2010 / TREND) of the row of each step, and what a loss before it is called.
_STAGES = {"randomized": "Enrolment", "enrolled": "Enrolment", "completed_pre": "Baseline",
           "completed_post": "Follow-up", "per_protocol": "Follow-up", "analysed": "Analysis"}
_STEP_NAMES = {"completed_pre": "Completed baseline", "completed_post": "Completed follow-up",
               "per_protocol": "Per-protocol set"}
_LOSSES = {"completed_pre": "No baseline\nsurvey", "completed_post": "Lost to\nfollow-up",
           "per_protocol": "Not per\nprotocol", "analysed": "Excluded from\nanalysis"}


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


def _arrow(axes, start: tuple[float, float], end: tuple[float, float],
           connection: str = "arc3") -> None:
    """A thin black arrow between two points (``connection``: e.g. an elbow)."""
    axes.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=7,
                                   color=OKABE_ITO["black"], linewidth=0.8,
                                   shrinkA=0, shrinkB=0, connectionstyle=connection))


def _stage(axes, top: float, bottom: float, name: str, layout: dict) -> None:
    """The stage name of the rows from ``top`` to ``bottom``, vertical in the left column."""
    top, bottom = min(top, 0.995), max(bottom, 0.005)
    x, width = layout["stage"], layout["stage_width"]
    axes.add_patch(FancyBboxPatch((x - width / 2, bottom), width, top - bottom,
                                  boxstyle="round,pad=0.002,rounding_size=0.008",
                                  facecolor="#DDEEF8", edgecolor="none"))
    axes.text(x, (top + bottom) / 2, name, rotation=90, ha="center", va="center",
              fontsize=7, fontweight="bold")


def _draw_chain(axes, x: float, side: int, boxes, beside_steps, counts: pd.Series,
                losses: list[int], colour: str, layout: dict) -> None:
    """One group's column: its boxes, the arrows between them, the side boxes of losses."""
    pitch, height = layout["pitch"], layout["box"]
    main, side_width = layout["main"], layout["side"]
    side_x = x + side * (main / 2 + layout["gap"] + side_width / 2)
    last = len(boxes) - 1
    for index, (step, label) in enumerate(boxes):
        y = layout["first"] - 2 * pitch * index
        _box(axes, x, y, main, height, f"{label}{int(counts[step])}", colour,
             bold=index == last)
        if index == last:
            for offset, beside in enumerate(beside_steps):  # reached from the analysed box
                beside_y = y - offset * height
                _box(axes, side_x, beside_y, side_width, height * 0.9,
                     f"{_STEP_NAMES.get(beside, _step_label(beside))}\nn = "
                     f"{int(counts[beside])}", colour)
                _arrow(axes, (x + side * main / 2, y),
                       (side_x - side * side_width / 2, beside_y),
                       "arc3" if offset == 0 else "angle,angleA=0,angleB=90,rad=0")
            continue
        next_y = y - 2 * pitch
        _arrow(axes, (x, y - height / 2), (x, next_y + height / 2))
        gap_y = y - pitch
        chain_end, side_end = (x, gap_y), (side_x - side * side_width / 2, gap_y)
        lost = (losses[index] if index < len(losses)  # else: kept although lost (ITT)
                else int(counts[boxes[index][0]]) - int(counts[boxes[last][0]]))
        _arrow(axes, *((chain_end, side_end) if lost >= 0 else (side_end, chain_end)))
        _box(axes, side_x, gap_y, side_width, height * 0.8,
             _loss_text(boxes[index + 1][0], lost), OKABE_ITO["grey"])


def _loss_text(step: str, lost: int) -> str:
    """The text of the box of those lost before ``step``."""
    if lost < 0:  # an intent-to-treat analysis keeps those lost on the way
        return f"Kept in the\nanalysis: n = {-lost}"
    return f"{_LOSSES.get(step, 'Lost')}: n = {lost}"


def participant_flow_diagram(flow: pd.DataFrame, width: float | None = None,
                             group_labels: dict[str, str] | None = None,
                             analysed_step: str | None = None,
                             beside_steps: Sequence[str] = ()) -> Figure:
    """Draw the participant flow (TREND/CONSORT style) with losses between steps.

    Parameters
    ----------
    flow : pandas.DataFrame
        ``flow.csv`` of the cleaning stage: ``step``, ``group``, ``n``; steps are drawn top to
        bottom in their order of appearance; intervention left of control.
    width : float, optional
        Figure width in inches; default two journal columns (183 mm) for two groups, one
        column (89 mm) for one group.
    group_labels : dict, optional
        Name of each group in its allocation box; default the group name capitalised.
    analysed_step : str, optional
        A step drawn last, after the chain of the other steps, as ``"<Step>, intention\\nto
        treat: n = <n>"``: its count may exceed the step above it, because an intent-to-treat
        analysis keeps the students lost to follow-up; the side box of that gap then reads
        ``"Kept in the\\nanalysis: n = <k>"``, its arrow pointing back into the chain.
        ``None``: every step in one chain.
    beside_steps : sequence of str
        Steps drawn beside the last box instead of in the chain (sensitivity sets, e.g. the
        per-protocol set), each reached by an arrow from the last box.

    Returns
    -------
    matplotlib.figure.Figure
        ``width`` wide (the axes fill the figure). With two groups, one box of everyone at
        the first step (``"Randomized"`` or ``"Enrolled"``) splits into a box per group
        (``"Allocated to"`` after randomization, else ``"Assigned to"``); then one box per
        group and step (``"<Step>\\nn = <n>"``), arrows between steps, and a side box of the
        losses between consecutive steps (``"No baseline survey"``, ``"Lost to follow-up"``,
        ``"Excluded from analysis"``; outside of the diagram: left of the left group, right
        of the right group or of the single group). A column on the left names each row's
        stage (Enrolment, Allocation or Assignment, Baseline, Follow-up, Analysis).

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
    participants through each stage of a non-randomized study (Des Jarlais et al. 2004); the
    CONSORT 2010 diagram shows enrolment, allocation, follow-up and analysis of a randomized
    trial (Schulz et al. 2010). The template is chosen from the steps of ``flow`` (which the
    design declares), never from the design's name.

    References
    ----------
    Des Jarlais DC, Lyles C, Crepaz N; TREND Group. Improving the reporting quality of
    nonrandomized evaluations of behavioral and public health interventions: the TREND
    statement. Am J Public Health. 2004;94(3):361-366.

    Schulz KF, Altman DG, Moher D; CONSORT Group. CONSORT 2010 statement: updated guidelines
    for reporting parallel group randomised trials. BMJ. 2010;340:c332.

    Examples
    --------
    >>> flow = pd.DataFrame({"step": ["enrolled", "completed_pre", "analysed"] * 2,
    ...                      "group": ["intervention"] * 3 + ["control"] * 3,
    ...                      "n": [60, 55, 51, 90, 88, 84]})
    >>> figure = participant_flow_diagram(flow)
    >>> texts = [text.get_text() for text in figure.axes[0].texts]
    >>> texts[0], sorted(text for text in texts if text.startswith("No baseline"))
    ('Enrolled\\nn = 150', ['No baseline\\nsurvey: n = 2', 'No baseline\\nsurvey: n = 5'])
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
    boxes = [(step, f"{_STEP_NAMES.get(step, _step_label(step))}\nn = ") for step in steps]
    if analysed_step is not None:
        boxes.append((analysed_step, f"{_step_label(analysed_step)}, intention\nto treat: n = "))
    labels = {group: group.replace("_", " ").capitalize() for group in groups}
    labels.update(group_labels or {})
    shared = len(groups) > 1  # one box of everyone above the groups' chains
    apply_style()
    rows = len(boxes) * 2 - 1 + (2 if shared else 0)  # step rows with gap rows between
    height = 0.25 + 0.42 * rows
    figure, axes = plt.subplots(figsize=(width or _GEOMETRY[len(groups)]["width"], height))
    axes.set_position((0, 0, 1, 1))  # the diagram fills the figure: saved at its width
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.axis("off")
    top, bottom = 1 - 0.1 / height, 0.1 / height
    pitch = (top - bottom) / rows
    layout = {**_GEOMETRY[len(groups)], "pitch": pitch, "box": pitch * 0.78,
              "first": top - pitch * (2.5 if shared else 0.5)}  # y of the first chain row
    centres = layout["centres"]
    first = steps[0]
    stages = [_STAGES.get(step, "") for step, _ in boxes]
    if shared:
        allocated = "Allocated to" if first == "randomized" else "Assigned to"
        stages[0] = "Allocation" if first == "randomized" else "Assignment"
        boxes[0] = (first, "")
        common_y = top - pitch * 0.5
        _box(axes, sum(centres) / len(centres), common_y, layout["main"], layout["box"],
             f"{_STEP_NAMES.get(first, _step_label(first))}\n"
             f"n = {int(table.loc[first].sum())}", OKABE_ITO["black"])
        _stage(axes, common_y + pitch * 0.95, common_y - pitch * 0.95, "Enrolment",
               layout)
        # the split: down from everyone, across to the groups' columns, down into each
        middle = sum(centres) / len(centres)
        axes.add_patch(FancyArrowPatch((middle, common_y - layout["box"] / 2),
                                       (middle, common_y - pitch), arrowstyle="-",
                                       color=OKABE_ITO["black"], linewidth=0.8, shrinkA=0,
                                       shrinkB=0))
        axes.plot([centres[0], centres[-1]], [common_y - pitch] * 2, color=OKABE_ITO["black"],
                  linewidth=0.8, solid_capstyle="butt")
    for position, group in enumerate(groups):
        colour = GROUP_COLORS.get(group, OKABE_ITO["grey"])
        if shared:
            boxes_here = [(first, f"{allocated}\n{labels[group].lower()}: n = "), *boxes[1:]]
            _arrow(axes, (centres[position], common_y - pitch),
                   (centres[position], layout["first"] + layout["box"] / 2))
        else:
            boxes_here = boxes
        side = -1 if shared and position == 0 else 1
        _draw_chain(axes, centres[position], side, boxes_here, beside_steps, table[group],
                    losses[losses["group"] == group]["lost"].tolist(), colour, layout)
    for name in dict.fromkeys(stage for stage in stages if stage):
        chosen = [index for index, stage in enumerate(stages) if stage == name]
        upper = layout["first"] - 2 * pitch * chosen[0] + pitch * 0.95
        lower = layout["first"] - 2 * pitch * chosen[-1] - pitch * 0.95
        _stage(axes, upper, lower, name, layout)
    return figure
