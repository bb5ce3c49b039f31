"""Tests of the three designs as data: analyses, result files, words, texts, tables, figures."""

from __future__ import annotations

import pytest

from burnout.core.errors import DataError
from burnout.data.linking import COMPARISON_FLOW_STEPS, RANDOMIZED_FLOW_STEPS
from burnout.designs import ANALYSES, DESIGNS, get_design
from burnout.designs.base import RESULT_FILES

NAMES = ("randomized", "nonrandomized", "single_group")


def test_the_three_designs():
    assert tuple(DESIGNS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_declared_analyses_exist_and_have_a_result_file(name):
    design = get_design(name)
    assert design.analyses and set(design.analyses) <= set(ANALYSES)
    assert design.primary in design.analyses
    for analysis in design.analyses:
        entry, stem = design.result_file(analysis)
        assert (entry in ("unadjusted", "adjusted") and stem) or (entry, stem) == (
            "sensitivity", None)  # one table, reports/<study>/sensitivity.csv
    assert set(RESULT_FILES) == set(ANALYSES)


def test_what_each_design_analyses():
    randomized, nonrandomized, single = (get_design(name) for name in NAMES)
    assert randomized.analyses == {"medians", "rank_sum", "risk_ratio", "risk_ratio_adjusted",
                                   "mixed_model", "mixed_model_unstratified",
                                   "mixed_model_per_protocol", "cace", "effect_sizes", "dose",
                                   "change_score", "ancova", "multiple_imputation",
                                   "tipping_point"}
    assert nonrandomized.applies("risk_ratio_adjusted") and not nonrandomized.applies("cace")
    assert randomized.result_file("risk_ratio_adjusted") == ("adjusted", "risk_ratios")
    # sensitivity analyses: the E-value only without randomization, no ANCOVA in one group
    assert nonrandomized.applies("e_value") and not randomized.applies("e_value")
    assert not nonrandomized.applies("tipping_point") and single.applies("tipping_point")
    assert not single.applies("ancova") and not single.applies("e_value")
    assert all(design.applies("change_score") and design.applies("multiple_imputation")
               for design in (randomized, nonrandomized, single))
    assert all(design.applies("effect_sizes") and design.result_file("dose") == ("adjusted", "dose")
               for design in (randomized, nonrandomized, single))
    assert (randomized.primary, randomized.result_file(randomized.primary)) == (
        "mixed_model", ("adjusted", "mixed_model"))
    assert (nonrandomized.primary, nonrandomized.result_file("ols_change_hc3")) == (
        "ols_change", ("adjusted", "ols_hc3"))
    assert (single.primary, single.result_file(single.primary)) == (
        "signed_rank", ("unadjusted", "signed_rank"))
    assert single.result_file("mcnemar") == ("unadjusted", "mcnemar")
    assert not single.applies("ols_change") and nonrandomized.applies("diagnostics")


def test_groups_population_and_flow_steps():
    randomized, nonrandomized, single = (get_design(name) for name in NAMES)
    assert (randomized.groups, randomized.population, randomized.flow_steps) == (
        ("intervention", "control"), "everyone", RANDOMIZED_FLOW_STEPS)
    assert (nonrandomized.groups, nonrandomized.population, nonrandomized.flow_steps) == (
        ("intervention", "control"), "complete_cases", COMPARISON_FLOW_STEPS)
    assert (single.groups, single.population, single.flow_steps) == (
        (), "complete_cases", COMPARISON_FLOW_STEPS)
    assert [randomized.words.flow, nonrandomized.words.flow, single.words.flow] == [
        "CONSORT 2010", "TREND", "enrolment to follow-up"]
    assert [design.words.group for design in (randomized, nonrandomized, single)] == [
        "arm", "group", ""]


def test_nonrandomized_words_flag_randomization_and_intention_to_treat():
    words = get_design("nonrandomized").words
    assert words.violations("Participants were randomized; randomisation was stratified.") == [
        "randomized", "randomisation"]
    assert words.violations("analysed by intention to treat (intent-to-treat, ITT)") == [
        "intention to treat", "intent-to-treat", "ITT"]
    assert words.violations("a non-randomized comparison") == []
    assert words.violations("a Non-Randomised study, non randomized groups") == []
    assert words.violations("the control group improved") == []  # a comparison group exists


def test_single_group_words_flag_a_control_group():
    words = get_design("single_group").words
    assert words.violations("compared with the control group") == [
        "control group", "compared with the control"]
    assert words.violations("a between-group difference") == ["between-group"]
    assert words.violations("before and after the program, within one group") == []
    assert words.violations("randomized") == ["randomized"]


def test_a_randomized_trial_may_use_every_word():
    words = get_design("randomized").words
    assert words.forbidden == ()
    assert words.violations("randomized, intention to treat, control group") == []


@pytest.mark.parametrize("name", NAMES)
def test_the_designs_own_texts_use_no_forbidden_word(name):
    design = get_design(name)
    words = design.words
    texts = {**{f"explanation {stage}": text for stage, text in design.explanations.items()},
             **{f"caption {role}": text for role, text in design.captions.items()},
             **{f"words.{key}": getattr(words, key)
                for key in ("design", "comparison", "population", "association", "caveat",
                            "forest_axis")}}
    assert set(design.explanations) == {"clean", "unadjusted", "adjusted", "sensitivity"}
    assert {name: words.violations(text) for name, text in texts.items()
            if words.violations(text)} == {}


@pytest.mark.parametrize("name", NAMES)
def test_captions_fill_their_placeholders(name):
    design = get_design(name)
    for role, caption in design.captions.items():
        filled = caption.format(sizes="n = 10 and 12", covariates="age and site",
                                fixed=" adjusted for site")
        assert "{" not in filled and "}" not in filled, role
    assert "n = 10 and 12" in design.captions["scores"].format(sizes="n = 10 and 12")


def test_explain_an_unknown_stage():
    assert get_design("randomized").explain("figures") == ""
    assert get_design("single_group").explain("clean").startswith("**Single group.**")


def test_get_design_of_an_unknown_name_names_the_known_ones():
    with pytest.raises(DataError) as raised:
        get_design("crossover")
    assert str(raised.value) == ("unknown design 'crossover' (known: randomized, nonrandomized, "
                                 "single_group)")


def test_table_and_figure_names():
    randomized, nonrandomized, single = (get_design(name) for name in NAMES)
    assert dict(randomized.tables) == {
        "baseline": "table1_baseline", "adjusted": "table2_mixed_models",
        "sensitivity": "table2b_sensitivity", "risk": "table3_risk_ratios",
        "survey": "table4_survey", "themes": "table5_themes"}
    assert nonrandomized.table("unadjusted") == "table2_unadjusted"
    assert nonrandomized.table("risk") == "table2b_risk_ratios"
    assert single.table("unadjusted") == "table2_paired" and single.table("risk") == \
        "table3_mcnemar"
    assert single.table("themes") == "table6_themes" and randomized.table("unadjusted") is None
    assert [design.figure("forest") for design in (randomized, nonrandomized, single)] == [
        "forest_mixed", "forest_adjusted", "forest_change"]
    for design in (randomized, nonrandomized, single):
        assert design.figure("flow") == "flow" and design.figure("histogram") is None
        stems = [*design.tables.values(), *design.figures.values()]
        assert len(stems) == len(set(stems))  # no two outputs share a file name


def test_design_parameters():
    assert get_design("randomized").parameters["figures"]["flow_beside_steps"] == [
        "per_protocol"]
    for name in ("nonrandomized", "single_group"):
        assert get_design(name).parameters["tables"] == {"p_decimals": 2}
