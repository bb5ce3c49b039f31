"""Every figure the pipeline makes, drawn from realistic inputs for every design that draws it:
no two texts overlap, no text leaves the canvas, and the saved files are at most 183 mm wide
at 300 dpi or more (89 mm for one-column figures)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.figure import Figure

from burnout.designs import get_design
from burnout.report.labels import outcome_family, outcome_label
from burnout.report.plots.diagnostics import diagnostics_figure
from burnout.report.plots.flow import participant_flow_diagram
from burnout.report.plots.forest import forest_plot
from burnout.report.plots.likert import diverging_likert_chart
from burnout.report.plots.meta_forest import meta_forest_plot
from burnout.report.plots.prevalence import burnout_prevalence
from burnout.report.plots.scores import change_distributions, pre_post_scores
from burnout.report.plots.sensitivity import sensitivity_figure
from burnout.report.plots.themes import theme_frequency_chart
from burnout.simulate.figures import power_curves


def _helper(name: str):
    """A helper module of this folder (tests run with --import-mode=importlib: no package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


realistic = _helper("realistic")
text_problems = _helper("layout").text_problems
saved_size_problems = _helper("layout").saved_size_problems

# design -> (groups with their sizes, scores), as the shipped studies and a user's single group
DESIGNS = {"randomized": ({"intervention": 197, "control": 193}, realistic.TRIAL_SCORES),
           "nonrandomized": ({"intervention": 51, "control": 84}, realistic.MBI_SCORES),
           "single_group": ({"all": 987}, realistic.MBI_SCORES)}


def _forest(design_name: str) -> Figure:
    """The forest plot as notebook 08 draws it: labels and panels from the registry."""
    design = get_design(design_name)
    primary = realistic.primary_estimates(DESIGNS[design_name][1])
    estimates = primary.assign(label=primary["outcome"].map(outcome_label),
                               panel=primary["outcome"].map(outcome_family))
    return forest_plot(estimates[["label", "panel", "estimate", "ci_low", "ci_high", "p"]],
                       xlabel=design.words.forest_axis,
                       **{key: value for key, value in design.parameters["figures"].items()
                          if key in ("p_decimals",)})


def _flow(design_name: str) -> Figure:
    """The flow diagram as notebook 08 draws it, with the design's parameters."""
    options = get_design(design_name).parameters["figures"]
    return participant_flow_diagram(realistic.flow_table(design_name),
                                    analysed_step=options.get("flow_analysed_step"),
                                    beside_steps=options.get("flow_beside_steps", []))


# The sensitivity analyses each design draws (notebook 05b), with their longest labels.
_SENSITIVITY = {"randomized": ("change_score", "ancova", "mixed_model", "multiple_imputation",
                               "tipping_point", "mixed_model_unstratified",
                               "mixed_model_per_protocol"),
                "nonrandomized": ("change_score", "ancova", "mixed_model"),
                "single_group": ("change_score", "mixed_model", "multiple_imputation",
                                 "tipping_point")}


def _sensitivity(design_name: str) -> Figure:
    """The sensitivity figure as notebook 05b draws it: the primary MBI outcomes."""
    design = get_design(design_name)
    primary = realistic.primary_estimates(realistic.MBI_SCORES)
    analyses = _SENSITIVITY[design_name]
    table = pd.concat([primary.assign(analysis=name, estimate=primary["estimate"] + 0.3 * index,
                                      ci_low=primary["ci_low"] + 0.3 * index,
                                      ci_high=primary["ci_high"] + 0.3 * index,
                                      delta=-10.0 if name == "tipping_point" else None)
                       for index, name in enumerate(analyses)])
    options = design.parameters["sensitivity"]
    return sensitivity_figure(table, xlabel=design.words.forest_axis,
                              decimals=options["decimals"], p_decimals=options["p_decimals"])


def _groups(design_name: str) -> tuple[str, ...]:
    return get_design(design_name).groups


FIGURES = {
    "flow": _flow,
    "pre_post_scores": lambda name: pre_post_scores(
        realistic.analysis_table(*DESIGNS[name]), subscales=DESIGNS[name][1],
        groups=_groups(name)),
    "change_scores": lambda name: change_distributions(
        realistic.analysis_table(*DESIGNS[name]), subscales=DESIGNS[name][1],
        groups=_groups(name)),
    "forest": _forest,
    "prevalence": lambda name: burnout_prevalence(realistic.long_table(DESIGNS[name][0])),
    "sensitivity": _sensitivity,
}
CASES = [(figure, design) for figure in FIGURES for design in DESIGNS]
SINGLE = {
    "diagnostics": lambda: diagnostics_figure(realistic.diagnostics_table(),
                                              title="Emotional exhaustion: change"),
    "likert": lambda: diverging_likert_chart(realistic.likert_summaries()),
    "themes": lambda: theme_frequency_chart(*realistic.theme_frequencies()),
    "meta_forest": lambda: meta_forest_plot(
        *realistic.meta_inputs(), "Emotional exhaustion: Hedges' g of change "
                                  "(intervention minus control)"),
    "simulation_power": lambda: power_curves(realistic.simulation_summary()),
    "simulation_power_mbi": lambda: power_curves(
        realistic.simulation_summary(realistic.MBI_SCORES)),
}
# one-column figures (89 mm): the prevalence plot, and the flow of a single group
ONE_COLUMN_FIGURES = {"prevalence (randomized)", "prevalence (nonrandomized)",
                      "prevalence (single_group)", "flow (single_group)"}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _check(name: str, figure: Figure) -> None:
    width = 89.0 if name in ONE_COLUMN_FIGURES else 183.0
    problems = text_problems(figure) + saved_size_problems(figure, max_width_mm=width)
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize(("name", "design"), CASES)
def test_design_figures_have_no_overlapping_text_and_a_journal_width(name, design):
    _check(f"{name} ({design})", FIGURES[name](design))


@pytest.mark.parametrize("name", list(SINGLE))
def test_other_figures_have_no_overlapping_text_and_a_journal_width(name):
    _check(name, SINGLE[name]())


def test_the_check_finds_overlapping_text_text_off_the_canvas_and_a_wide_file():
    figure = plt.figure(figsize=(120 / 25.4, 3))
    axes = figure.add_subplot()
    axes.set_xticks([0.5, 0.51], ["a long tick label", "another long one"])  # overlap
    axes.text(1.3, 0.5, "beyond the right edge", transform=axes.transAxes)
    axes.set_yticks([0.5, 2.0], ["kept", "hidden: outside the view limits"])
    axes.set_ylim(0, 1)
    problems = text_problems(figure)
    assert len(problems) == 2
    assert problems[0] == "outside the canvas: 'beyond the right edge'"
    assert problems[1] in ("overlap: 'a long tick label' and 'another long one'",
                           "overlap: 'another long one' and 'a long tick label'")
    assert saved_size_problems(figure) == []
    assert saved_size_problems(figure, max_width_mm=89) == [
        "PNG 120.0 mm wide, more than 89 mm", "PDF 120.0 mm wide, more than 89 mm"]
