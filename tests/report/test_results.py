"""Tests of burnout.report.results: the drafted Results of each design, worded from the
intervals, with every cited number looked up (a gap is an error, never a blank)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.data.study import Evaluation, Qualitative, Source
from burnout.designs import get_design
from burnout.inference.multiplicity import holm_adjust
from burnout.report.results import (
    ResultsHelpers,
    burnout_definition,
    design_template,
    multiplicity_numbers,
    render_results,
    results_context,
)

SCORES = ("ee", "dp", "pa")
THEMES = ("relationship_building", "different_perspective", "knowledge_sharing",
          "personal_fulfillment", "self_reflection")
TRIAL_OUTCOMES = ("ee", "dp", "pa", "impostor", "moral_injury", "self_compassion", "flourishing")
PLACEHOLDERS = ("{{", "}}", "{%", "None", "undefined")


def _study(evaluations=(), qualitative=None, synthetic=False):
    return SimpleNamespace(evaluations=evaluations, qualitative=qualitative,
                           synthetic=synthetic)


def _draft(design_name, numbers, study, scores, covariates=(), roles=None, definitions=None,
           **options):
    design = get_design(design_name)
    context = results_context(numbers, study, design, scores, covariates, roles=roles,
                              definitions=definitions)
    return render_results(numbers, design_template(design_name), **options, **context)


def _assert_clean(text, design_name):
    for placeholder in PLACEHOLDERS:
        assert placeholder not in text
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    assert get_design(design_name).words.violations(text) == []


# --- a non-randomized comparison with evaluation surveys and coded themes ----------------------

EVALUATIONS = (
    Evaluation(file="student_evaluation.csv", id="student_id", name="students",
               items={"positive_rotation": "The rotation was positive",
                      "decreased_stress": "My stress decreased"}),
    Evaluation(file="mentor_evaluation.csv", id="mentor_id", name="mentors",
               respondents=Source(file="mentors.csv", id="mentor_id"),
               items={"enjoyed": "I enjoyed mentoring"}),
)
QUALITATIVE = Qualitative("themes.csv", "theme_codes.csv",
                          {"student": "students", "mentor": "mentors"})


def comparison_numbers() -> dict:
    """A made-up numbers.json of a non-randomized study (plus keys no template cites)."""
    numbers = {"n.analysed.intervention": 12, "n.analysed.control": 20, "n.mentors": 9,
               "describe.age.mean": 24.96, "describe.age.sd": 2.004,
               "survey.students.eligible": 12, "survey.students.respondents": 10,
               "survey.students.positive_rotation": 7,
               "survey.students.positive_rotation_respondents": 10,
               "survey.students.decreased_stress": 3,
               "survey.students.decreased_stress_respondents": 10,
               "survey.mentors.eligible": 9, "survey.mentors.respondents": 8,
               "survey.mentors.enjoyed": 6, "survey.mentors.enjoyed_respondents": 8,
               "survey.mentors.hours_mean": 4.123456}
    for index, score in enumerate(SCORES):
        for group, shift in (("intervention", -1.5), ("control", 0.5)):
            numbers[f"unadjusted.{score}.change.{group}.median"] = shift + index
            numbers[f"unadjusted.{score}.change.{group}.q1"] = shift + index - 3
            numbers[f"unadjusted.{score}.change.{group}.q3"] = shift + index + 2
        numbers[f"unadjusted.{score}.ranksum.p"] = [0.0004, 0.0312, 0.5][index]
        numbers[f"unadjusted.{score}.ranksum.shift"] = [-2.0, 1.0, 0.2][index]
        numbers[f"unadjusted.{score}.ranksum.shift_ci_low"] = [-3.5, 0.1, -1.4][index]
        numbers[f"unadjusted.{score}.ranksum.shift_ci_high"] = [-0.5, 2.1, 1.9][index]
        numbers[f"unadjusted.{score}.ranksum.rank_biserial"] = [-0.3, 0.2, 0.01][index]
        numbers[f"adjusted.{score}.difference"] = [-0.71, 0.33, 1.96][index]
        numbers[f"adjusted.{score}.ci_low"] = [-2.04, -1.1, 0.02][index]
        numbers[f"adjusted.{score}.ci_high"] = [0.62, 1.76, 3.9][index]
        numbers[f"adjusted.{score}.p"] = [0.29, 0.651, 0.049][index]
    numbers.update({"risk_ratio.burnout.estimate": 0.8234, "risk_ratio.burnout.ci_low": 0.55,
                    "risk_ratio.burnout.ci_high": 1.2299, "risk_ratio.burnout.p": 0.36})
    for index, theme in enumerate(THEMES):
        numbers[f"themes.{theme}.students"] = index + 1
        numbers[f"themes.{theme}.mentors"] = 2 * index
        numbers[f"themes.{theme}.kappa"] = 0.61 if theme == "self_reflection" else None
    return numbers


def _comparison(numbers=None, synthetic=False):
    return _draft("nonrandomized", comparison_numbers() if numbers is None else numbers,
                  _study(EVALUATIONS, QUALITATIVE, synthetic), SCORES,
                  ["site", "gender", "applying_em"])


def test_comparison_results_have_every_number_and_no_placeholder():
    text = _comparison()
    _assert_clean(text, "nonrandomized")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert ("32 participants with both surveys were analysed in this non-randomized comparison "
            "of an intervention and a comparison group (intervention group = 12; comparison "
            "group = 20), with 9 mentors.") in text
    assert "Their mean (SD) age was 25.0 (2.0)." in text  # the SD has the mean's decimals
    assert ("The median (Q1 to Q3) change in emotional exhaustion was -1.5 (-4.5 to 0.5) in the "
            "intervention group and 0.5 (-2.5 to 2.5) in the comparison group (Wilcoxon "
            "rank-sum test: location shift -2.0, 95% CI -3.5 to -0.5; p < 0.001; rank-biserial "
            "correlation -0.30).") in text
    assert "location shift 1.0, 95% CI 0.1 to 2.1; p = 0.03" in text
    assert "After adjustment for the baseline score and site, gender and applying em," in text
    assert get_design("nonrandomized").words.caveat in text
    assert 'Of the 12 students asked to evaluate the program, 10 answered (83%)' in text
    assert '7/10 (70%) agreed that "The rotation was positive"' in text
    assert '3/10 (30%) agreed that "My stress decreased"' in text
    assert '6/8 (75%) agreed that "I enjoyed mentoring"' in text
    assert "identified five themes" in text
    assert "self reflection (5 student and 8 mentor responses; coders' kappa 0.61)." in text
    assert "relationship building (1 student and 0 mentor responses)," in text


def test_findings_are_worded_from_the_interval_not_the_point_estimate():
    text = _comparison()
    # the EE interval includes zero: no comparative word, the estimate beside its interval
    assert ("there was no evidence of a difference in the change in emotional exhaustion "
            "between the intervention group and the comparison group (adjusted difference -0.7, "
            "95% CI -2.0 to 0.6; p = 0.29)") in text
    assert "0.3, 95% CI -1.1 to 1.8; p = 0.65" in text  # DP: the estimate is 0.3, not 1.2
    # the PA interval excludes zero
    assert ("the change in personal accomplishment was higher in the intervention group than "
            "in the comparison group (adjusted difference 2.0, 95% CI 0.02 to 3.90; p = 0.05).")\
        in text
    assert ("At follow-up, there was no evidence of a difference in the proportion meeting the "
            "burnout definition between the intervention group and the comparison group (risk "
            "ratio 0.82, 95% CI 0.55 to 1.23; p = 0.36).") in text
    for word in ("no change", "significant"):
        assert word not in text


def test_results_are_one_paragraph_per_line_never_hard_wrapped():
    paragraphs = _comparison().rstrip("\n").split("\n\n")
    assert len(paragraphs) >= 4
    assert all(paragraph and "\n" not in paragraph for paragraph in paragraphs)


def test_covariates_are_named_by_the_study_files_labels():
    study = _study(EVALUATIONS, QUALITATIVE)
    study.roster = SimpleNamespace(labels={"applying_em": "Applying to emergency medicine"})
    text = _draft("nonrandomized", comparison_numbers(), study, SCORES,
                  ["site", "gender", "applying_em"])
    assert ("After adjustment for the baseline score and site, gender and applying to "
            "emergency medicine,") in text


def test_synthetic_data_are_labelled():
    assert "synthetic" not in _comparison()
    assert "synthetic replica" in _comparison(synthetic=True)


CITED_KEYS = ["n.analysed.control", "n.mentors", "describe.age.sd",
              "unadjusted.dp.change.control.q3", "unadjusted.pa.ranksum.shift_ci_low",
              "unadjusted.ee.ranksum.rank_biserial", "adjusted.dp.ci_high",
              "adjusted.pa.ci_low", "risk_ratio.burnout.ci_low", "survey.students.eligible",
              "survey.mentors.enjoyed_respondents", "themes.self_reflection.mentors"]


@pytest.mark.parametrize("key", CITED_KEYS)
def test_a_missing_number_is_an_error_naming_the_key(key):
    numbers = comparison_numbers()
    del numbers[key]
    with pytest.raises(DataError, match=re.escape(f"no key '{key}'")):
        _comparison(numbers)


def test_a_null_number_is_an_error():
    numbers = comparison_numbers()
    numbers["adjusted.pa.p"] = None
    with pytest.raises(DataError, match="'adjusted.pa.p' is null"):
        _comparison(numbers)


# --- a randomized trial ---------------------------------------------------------------------

def trial_numbers() -> dict:
    """A made-up numbers.json of a trial with every key the randomized template cites."""
    numbers = {"n.randomized.intervention": 30, "n.randomized.control": 28,
               "n.analysed.intervention": 30, "n.analysed.control": 27,
               "n.completed_post.intervention": 20, "n.completed_post.control": 25,
               "describe.age.mean": 24.96, "describe.age.sd": 2.004,
               "risk_ratio.burnout.estimate": 1.1, "risk_ratio.burnout.ci_low": 0.7,
               "risk_ratio.burnout.ci_high": 1.7, "risk_ratio.burnout.p": 0.61}
    for index, outcome in enumerate(TRIAL_OUTCOMES):
        difference = [-0.4, 0.2, -1.5, 0.1, 0.3, 2.6, 0.38][index]
        low, high = {"self_compassion": (1.04, 4.16), "flourishing": (0.004, 0.756)}.get(
            outcome, (difference - 1.96, difference + 1.96))
        numbers.update({f"mixed.{outcome}.difference": difference, f"mixed.{outcome}.se": 1.0,
                        f"mixed.{outcome}.ci_low": low, f"mixed.{outcome}.ci_high": high,
                        f"mixed.{outcome}.p": {"self_compassion": 0.0132,
                                               "flourishing": 0.0468}.get(outcome, 0.5),
                        f"per_protocol.{outcome}.difference": difference / 2,
                        f"per_protocol.{outcome}.ci_low": difference / 2 - 1,
                        f"per_protocol.{outcome}.ci_high": difference / 2 + 1,
                        f"per_protocol.{outcome}.p": 0.3,
                        f"per_protocol.{outcome}.n_subjects": 40})
    return numbers


def _trial(numbers=None, roles=None):
    design = get_design("randomized")
    return _draft("randomized", trial_numbers() if numbers is None else numbers, _study(),
                  TRIAL_OUTCOMES, roles=roles, **design.parameters["manuscript"])


def test_trial_results_with_three_decimal_p_values():
    text = _trial()
    _assert_clean(text, "randomized")
    assert "58 participants were randomized (intervention = 30; control = 28)." in text
    assert "Their mean (SD) age was 25.0 (2.0)." in text  # the SD has the mean's decimals
    assert ("The follow-up survey was completed by 20 intervention and 25 control participants. "
            "57 participants (intervention = 30; control = 27) were analysed by intention to "
            "treat, with every survey they completed (those who withdrew from the study were "
            "not)") in text
    assert ("The change in self-compassion (SCS-SF, 12-60) was higher in the intervention arm "
            "than in the control arm (difference 2.60, 95% CI 1.04 to 4.16; p = 0.013).") in text
    # p 0.047, not 0.05; the interval excludes zero, so its bound does not print as 0.00
    assert "(difference 0.38, 95% CI 0.004 to 0.756; p = 0.047)." in text
    assert ("There was no evidence of a difference in the change in emotional exhaustion "
            "between the intervention arm and the control arm (difference -0.40, 95% CI -2.36 "
            "to 1.56; p = 0.500).") in text
    assert ("between the intervention arm and the control arm (risk ratio 1.10, 95% CI 0.70 to "
            "1.70; p = 0.610).") in text
    assert "the differences in change were -0.20 (95% CI -1.20 to 0.80; p = 0.300) for " \
           "emotional exhaustion;" in text
    assert "0.19 (95% CI -0.81 to 1.19; p = 0.300) for flourishing (SFI, mean 0-10)." in text


def test_trial_without_per_protocol_or_risk_ratio_leaves_those_sentences_out():
    numbers = {key: value for key, value in trial_numbers().items()
               if not key.startswith(("per_protocol.", "risk_ratio."))}
    text = _trial(numbers)
    _assert_clean(text, "randomized")
    assert "per-protocol" not in text and "risk ratio" not in text


# --- a single group --------------------------------------------------------------------------

def single_group_numbers() -> dict:
    numbers = {"n.analysed.all": 40, "n.enrolled.all": 52,
               "mcnemar.burnout.estimate": -0.15, "mcnemar.burnout.ci_low": -0.3,
               "mcnemar.burnout.ci_high": 0.0, "mcnemar.burnout.p": 0.07,
               "mcnemar.burnout.proportion_before": 0.5,
               "mcnemar.burnout.proportion_after": 0.35}
    for index, score in enumerate(SCORES):
        numbers.update({f"unadjusted.{score}.change.all.median": [-2.0, 0.0, 1.0][index],
                        f"unadjusted.{score}.change.all.q1": [-5.0, -2.0, -1.0][index],
                        f"unadjusted.{score}.change.all.q3": [1.0, 2.0, 3.0][index]})
        for analysis, (estimate, low, high, p) in {
                "signed_rank": [(-2.0, -3.5, -0.5, 0.01), (0.0, -1.0, 1.5, 0.8),
                                (1.0, -0.5, 2.5, 0.2)][index],
                "paired_t": [(-2.2, -3.9, -0.5, 0.012), (0.1, -1.1, 1.3, 0.85),
                             (1.1, -0.4, 2.6, 0.15)][index]}.items():
            numbers.update({f"unadjusted.{score}.{analysis}.estimate": estimate,
                            f"unadjusted.{score}.{analysis}.ci_low": low,
                            f"unadjusted.{score}.{analysis}.ci_high": high,
                            f"unadjusted.{score}.{analysis}.p": p})
        numbers.update({f"mixed.{score}.change": [-1.9, 0.2, 1.2][index],
                        f"mixed.{score}.ci_low": [-3.4, -0.9, -0.1][index],
                        f"mixed.{score}.ci_high": [-0.4, 1.3, 2.5][index],
                        f"mixed.{score}.p": [0.015, 0.7, 0.07][index]})
    return numbers


def test_single_group_results_make_no_between_group_claim():
    text = _draft("single_group", single_group_numbers(), _study(), SCORES)
    _assert_clean(text, "single_group")
    assert ("40 of the 52 enrolled participants completed the surveys before and after the "
            "program (single-group pre/post study).") in text
    assert ("The median (Q1 to Q3) change in emotional exhaustion was -2.0 (-5.0 to 1.0); "
            "emotional exhaustion was lower after the program than before (Hodges-Lehmann "
            "change -2.0, 95% CI -3.5 to -0.5; p = 0.01) (Wilcoxon signed-rank test; paired "
            "t-test: mean change -2.2, 95% CI -3.9 to -0.5; p = 0.01).") in text
    assert ("there was no evidence of a change in depersonalization (Hodges-Lehmann change 0.0, "
            "95% CI -1.0 to 1.5; p = 0.80)") in text
    assert ("The proportion meeting the burnout definition was 0.50 before and 0.35 after the "
            "program (McNemar's test: difference in proportions -0.15, 95% CI -0.30 to 0.00; "
            "p = 0.07).") in text
    assert "the mean changes were -1.9 (95% CI -3.4 to -0.4; p = 0.01) for emotional " \
           "exhaustion;" in text
    assert get_design("single_group").words.caveat in text
    for phrase in ("intervention", "control", "than in"):
        assert phrase not in text


# --- the helpers, the context and the templates ----------------------------------------------

def test_helpers_word_a_finding_from_its_interval():
    helpers = ResultsHelpers({"x.difference": -1.5, "x.ci_low": -2.9, "x.ci_high": -0.1,
                              "x.p": 0.04, "y.estimate": 0.4, "y.ci_low": -0.2,
                              "y.ci_high": 1.0}, "demo")
    assert helpers.finding("x", "exhaustion", "group A", "group B") == (
        "exhaustion was lower in group A than in group B (difference -1.5, 95% CI -2.9 to "
        "-0.1; p = 0.04)")
    assert helpers.finding("x", "exhaustion") == (
        "exhaustion was lower after the program than before (difference -1.5, 95% CI -2.9 to "
        "-0.1; p = 0.04)")
    assert helpers.finding("y", "stress", "group A", "group B") == (
        "there was no evidence of a difference in stress between group A and group B "
        "(estimate 0.4, 95% CI -0.2 to 1.0)")  # no p recorded: none printed
    assert helpers.finding("y", "stress") == (
        "there was no evidence of a change in stress (estimate 0.4, 95% CI -0.2 to 1.0)")
    assert helpers.number_word(5) == "five" and helpers.number_word(12) == "12"
    with pytest.raises(DataError, match="no estimate under 'z'"):
        helpers.finding("z", "anything")


def test_helpers_refuse_bad_counts_and_totals():
    helpers = ResultsHelpers({"n.a": 2.5, "n.b": 0, "n.c": 3}, "demo")
    with pytest.raises(DataError, match="'n.a' = 2.5 is not a whole count"):
        helpers.count("n.a")
    with pytest.raises(DataError, match="'n.b' must be positive"):
        helpers.percent("n.c", "n.b")
    assert helpers.total(["n.b", "n.c"]) == "3"


def test_context_lists_recorded_outcomes_rosters_themes_and_covariates():
    numbers = comparison_numbers()
    del numbers["adjusted.dp.difference"]
    context = results_context(numbers, _study(EVALUATIONS, QUALITATIVE),
                              get_design("nonrandomized"), ["ee", "dp", "pa"])
    assert context["outcomes"] == [
        {"name": "ee", "label": "emotional exhaustion", "role": "primary"},
        {"name": "pa", "label": "personal accomplishment", "role": "primary"}]
    assert context["rosters"] == ["mentors"]
    assert context["described_variables"] == ["age"]
    assert [theme["name"] for theme in context["themes"]] == list(THEMES)
    assert context["themes"][0]["kinds"] == ["student", "mentor"]
    assert context["covariates"] == "no other covariate"
    assert context["synthetic"] is False


def test_every_design_has_its_template():
    for name in ("randomized", "nonrandomized", "single_group"):
        assert design_template(name).is_file()


def test_a_study_template_may_use_the_shared_macros(tmp_path):
    template = tmp_path / "pilot_results.md.j2"
    template.write_text('{% import "_common.md.j2" as common with context %}'
                        "{{ common.synthetic_note() }} {{ count('n.peers') }} peers "
                        "({{ p('x.p') }}).", encoding="utf-8")
    text = render_results({"n.peers": 12, "x.p": 0.031}, template, synthetic=True)
    assert text.startswith("*(Numbers computed on the synthetic replica")
    assert text.endswith("12 peers (= 0.03).\n")


def test_custom_template_with_undefined_variable_raises(tmp_path):
    (tmp_path / "bad.md.j2").write_text("n = {{ undefined_thing }}", encoding="utf-8")
    with pytest.raises(DataError, match="undefined_thing"):
        render_results({}, tmp_path / "bad.md.j2")
    with pytest.raises(DataError, match="not found"):
        render_results({}, tmp_path / "absent.md.j2")


# --- wording from intervals, effect sizes, multiplicity, confounders (every design) -----------

# Phrases a finding may use only when its interval excludes no difference, and causal phrases a
# non-randomized (or single-group) design may never use.
COMPARATIVE = re.compile(r"\b(higher|lower|increased|decreased|more frequent|less frequent|"
                         r"greater|smaller)\b", re.IGNORECASE)
CAUSAL = re.compile(r"\b(resulted in|improved|reduced|effect of|caused|led to)\b",
                    re.IGNORECASE)
NEVER = re.compile(r"\b(no change|did not change|did not significantly|not significant)",
                   re.IGNORECASE)
DESIGN_SCORES = {"nonrandomized": SCORES, "randomized": TRIAL_OUTCOMES, "single_group": SCORES}
PRIMARY = {"nonrandomized": "adjusted.{}", "randomized": "mixed.{}",
           "single_group": "unadjusted.{}.signed_rank"}


def _effects(numbers, scores, family="hedges_g", low=-0.3, high=0.4):
    for score in scores:
        numbers.update({f"{family}.{score}.estimate": (low + high) / 2,
                        f"{family}.{score}.ci_low": low, f"{family}.{score}.ci_high": high})
    return numbers


def _straddling(design_name):
    """Invented numbers of a design, every interval including no difference (0, or 1)."""
    numbers = {"nonrandomized": comparison_numbers, "randomized": trial_numbers,
               "single_group": single_group_numbers}[design_name]()
    for key in list(numbers):
        stem, _, statistic = key.rpartition(".")
        if statistic == "ci_low" and not key.startswith("risk_ratio"):
            estimate = next(numbers[f"{stem}.{name}"] for name in ("difference", "estimate",
                                                                   "change")
                            if f"{stem}.{name}" in numbers)
            numbers[key] = estimate - abs(estimate) - 0.5
            numbers[f"{stem}.ci_high"] = estimate + abs(estimate) + 0.5
        if statistic in ("shift_ci_low",):
            numbers[key], numbers[f"{stem}.shift_ci_high"] = -1.5, 1.5
    numbers.update({"risk_ratio.burnout.ci_low": 0.7, "risk_ratio.burnout.ci_high": 1.4})
    family = "standardized_mean_change" if design_name == "single_group" else "hedges_g"
    return _effects(numbers, DESIGN_SCORES[design_name], family)


def _render(design_name, numbers, **options):
    design = get_design(design_name)
    return _draft(design_name, numbers, _study(), DESIGN_SCORES[design_name],
                  **design.parameters["manuscript"], **options)


@pytest.mark.parametrize("design_name", sorted(DESIGN_SCORES))
def test_intervals_including_zero_get_no_comparative_or_causal_word(design_name):
    text = _render(design_name, _straddling(design_name))
    _assert_clean(text, design_name)
    assert COMPARATIVE.findall(text) == []
    assert NEVER.findall(text) == []
    if design_name != "randomized":
        assert CAUSAL.findall(text) == []
    assert text.count("no evidence of a") >= len(DESIGN_SCORES[design_name])


@pytest.mark.parametrize("design_name", sorted(DESIGN_SCORES))
def test_an_interval_excluding_zero_gets_the_comparative_word_and_no_causal_one(design_name):
    numbers = _straddling(design_name)
    prefix = PRIMARY[design_name].format("pa")
    name = "estimate" if design_name == "single_group" else "difference"
    numbers.update({f"{prefix}.{name}": 1.7, f"{prefix}.ci_low": 0.4, f"{prefix}.ci_high": 3.1})
    text = _render(design_name, numbers)
    _assert_clean(text, design_name)
    expected = {"nonrandomized": "the change in personal accomplishment was higher in the "
                                 "intervention group than in the comparison group",
                "randomized": "The change in personal accomplishment was higher in the "
                              "intervention arm than in the control arm",
                "single_group": "personal accomplishment was higher after the program than "
                                "before"}[design_name]
    assert expected in text
    assert len(COMPARATIVE.findall(text)) == 1  # the one interval that excludes zero
    if design_name != "randomized":
        assert CAUSAL.findall(text) == []


@pytest.mark.parametrize("design_name", sorted(DESIGN_SCORES))
def test_every_finding_has_its_effect_size_beside_its_p(design_name):
    text = _render(design_name, _straddling(design_name))
    name = "standardized mean change" if design_name == "single_group" else "Hedges' g"
    assert text.count(f"{name} 0.05, 95% CI -0.30 to 0.40") == len(DESIGN_SCORES[design_name])
    if design_name == "nonrandomized":  # rank-sum: location shift and rank-biserial beside p
        assert ("location shift -2.0, 95% CI -1.5 to 1.5; p < 0.001; rank-biserial correlation "
                "-0.30; Hedges' g 0.05, 95% CI -0.30 to 0.40)") in text


def test_a_trials_complete_case_rank_tests_show_their_shift_and_rank_biserial():
    numbers = trial_numbers()
    numbers.update({"unadjusted.ee.ranksum.shift": -1.0, "unadjusted.ee.ranksum.shift_ci_low": -2.0,
                    "unadjusted.ee.ranksum.shift_ci_high": 1.0, "unadjusted.ee.ranksum.p": 0.41,
                    "unadjusted.ee.ranksum.rank_biserial": -0.071})
    text = _trial(numbers)
    assert ("Among participants with both surveys (complete cases, a descriptive comparison), "
            "the Wilcoxon rank-sum test of the change gave location shifts (Hodges-Lehmann) of "
            "-1.00 (95% CI -2.00 to 1.00; p = 0.410; rank-biserial correlation -0.07) for "
            "emotional exhaustion.") in text


def test_secondary_outcomes_are_exploratory_with_their_holm_p():
    roles = SimpleNamespace(primary=("ee", "dp", "pa"), declared=True,
                            secondary=("impostor", "moral_injury", "self_compassion",
                                       "flourishing"))
    numbers = trial_numbers()
    holm = multiplicity_numbers(numbers, "mixed_model", roles.secondary)
    expected = holm_adjust({score: numbers[f"mixed.{score}.p"] for score in roles.secondary})
    assert holm["holm.self_compassion.p"] == pytest.approx(
        expected.set_index("outcome").loc["self_compassion", "p"])
    assert not any(key.startswith(("holm.ee.", "holm.dp.")) for key in holm)
    text = _trial({**numbers, **holm}, roles=roles)
    assert ("Emotional exhaustion, depersonalization and personal accomplishment were the "
            "declared primary outcomes; the four secondary outcomes are exploratory, and their "
            "p-values are also given adjusted across the four by Holm's method.") in text
    assert ("In the exploratory analyses of the secondary outcomes, there was no evidence of a "
            "difference in the change in impostor syndrome (YIS, 0-8)") in text
    assert ("the change in self-compassion (SCS-SF, 12-60) was higher in the intervention arm "
            "than in the control arm (difference 2.60, 95% CI 1.04 to 4.16; p = 0.013; "
            "Holm-adjusted p = 0.053)") in text
    assert "Holm-adjusted p" not in text.split("In the exploratory")[0]  # not for primaries


def test_without_declared_roles_the_text_says_nothing_is_adjusted():
    assert ("No outcome was declared primary, so p-values are not adjusted for multiplicity."
            in _comparison())
    roles = SimpleNamespace(primary=SCORES, secondary=(), declared=True)
    text = _draft("nonrandomized", comparison_numbers(), _study(), SCORES, roles=roles)
    assert ("Emotional exhaustion, depersonalization and personal accomplishment were the "
            "declared primary outcomes; no secondary outcome was declared and p-values are not "
            "adjusted for multiplicity.") in text
    assert multiplicity_numbers(comparison_numbers(), "ols_change", ()) == {}


def test_a_nonrandomized_caveat_names_the_study_files_confounders():
    study = _study()
    study.confounders = (SimpleNamespace(name="rotation block (time of year)",
                                         why="group and time of year coincide"),)
    text = _draft("nonrandomized", comparison_numbers(), study, SCORES)
    assert (get_design("nonrandomized").words.caveat + " No adjustment removes one difference "
            "between the groups, rotation block (time of year): group and time of year "
            "coincide.") in text
    study.confounders += (SimpleNamespace(name="cohort", why=""),)
    assert ("No adjustment removes these differences between the groups: rotation block (time "
            "of year) (group and time of year coincide); cohort.") in _draft(
        "nonrandomized", comparison_numbers(), study, SCORES)
    assert "No adjustment removes" not in _comparison()


DEFINITIONS = pd.DataFrame({
    "outcome": ["high_ee", "high_dp", "low_pa", "burnout"],
    "instrument": ["mbi_hss_mp"] * 4,
    "rule": ["ee >= 27", "dp >= 10", "pa <= 33", "ee_or_dp"],
    "definition": ["emotional exhaustion ≥ 27", "depersonalization ≥ 10",
                   "personal accomplishment ≤ 33",
                   "high emotional exhaustion or high depersonalization"]})


def test_the_burnout_definition_names_the_manual_edition_of_its_cutoffs():
    text = _draft("nonrandomized", comparison_numbers(), _study(), SCORES,
                  definitions=DEFINITIONS)
    assert ("(risk ratio 0.82, 95% CI 0.55 to 1.23; p = 0.36). Burnout was defined as high "
            "emotional exhaustion or high depersonalization (emotional exhaustion ≥ 27; "
            "depersonalization ≥ 10), the cut-offs of the Maslach Burnout Inventory Manual, 3rd "
            "edition (Maslach, Jackson & Leiter 1996") in text
    assert "4th edition (2016)" in text
    changed = DEFINITIONS.replace({"dp >= 10": "dp >= 12"})
    assert burnout_definition(changed).endswith("cut-offs set in the study's parameters.")
    assert burnout_definition(None) == ""


def test_guarded_sentences_appear_only_with_their_numbers():
    numbers = trial_numbers()
    numbers.update({"risk_ratio_adjusted.burnout.estimate": 0.95,
                    "risk_ratio_adjusted.burnout.ci_low": 0.81,
                    "risk_ratio_adjusted.burnout.ci_high": 1.12,
                    "risk_ratio_adjusted.burnout.p": 0.52, "cace.compliance": 0.613})
    for score in TRIAL_OUTCOMES:
        numbers.update({f"mixed_unstratified.{score}.difference": -0.1,
                        f"mixed_unstratified.{score}.ci_low": -1.0,
                        f"mixed_unstratified.{score}.ci_high": 0.8,
                        f"mixed_unstratified.{score}.p": 0.8,
                        f"cace.{score}.estimate": 0.3, f"cace.{score}.ci_low": -0.9,
                        f"cace.{score}.ci_high": 1.5, f"cace.{score}.p": 0.62})
        for analysis, estimate in (("ancova", -0.2), ("multiple_imputation", 0.35)):
            numbers[f"sensitivity.{score}.{analysis}.estimate"] = estimate
    numbers["sensitivity.ee.tipping_point.delta"] = 3.5
    text = _trial(numbers)
    _assert_clean(text, "randomized")
    assert ("Adjusted for burnout at baseline and the randomization strata (modified Poisson "
            "regression with robust standard errors), there was no evidence of a difference in "
            "the proportion meeting the burnout definition between the intervention arm and the "
            "control arm (adjusted risk ratio 0.95, 95% CI 0.81 to 1.12; p = 0.520).") in text
    assert "(the published specification, a sensitivity analysis), the differences in change " \
           "were -0.10 (95% CI -1.00 to 0.80; p = 0.800) for emotional exhaustion;" in text
    assert "61% of the intervention arm did) was 0.30 (95% CI -0.90 to 1.50; p = 0.620)" in text
    assert ("the difference in change ranged from -0.20 to 0.35 across 2 analyses for emotional "
            "exhaustion (tipping point of the missing follow-up scores: delta 3.50);") in text
    bare = _trial()
    for phrase in ("modified Poisson", "published specification", "complier", "sensitivity "
                   "table"):
        assert phrase not in bare


def test_kappa_is_reported_with_its_interval():
    numbers = comparison_numbers()
    numbers.update({"themes.self_reflection.kappa_ci_low": 0.384,
                    "themes.self_reflection.kappa_ci_high": 0.836})
    assert ("self reflection (5 student and 8 mentor responses; coders' kappa 0.61, 95% CI 0.38 "
            "to 0.84).") in _comparison(numbers)
