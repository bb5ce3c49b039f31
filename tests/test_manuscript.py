"""Tests of burnout.manuscript: LaTeX macros of the citable numbers and the drafted Results."""

from __future__ import annotations

import re

import pytest

from burnout.errors import DataError
from burnout.manuscript import (
    format_macro_value,
    macro_name,
    numbers_to_latex_macros,
    render_results,
)

SUBSCALES = ("ee", "dp", "pa")
THEMES = ("relationship_building", "different_perspective", "knowledge_sharing",
          "personal_fulfillment", "self_reflection")


def synthetic_numbers() -> dict:
    """A made-up numbers.json with every key the Study A template cites (plus extras)."""
    numbers = {"n.analysed.intervention": 12, "n.analysed.control": 20, "n.mentors": 9,
               "survey.students.respondents": 10, "survey.students.positive_rotation": 7,
               "survey.students.decreased_stress": 3, "survey.mentors.respondents": 8,
               "survey.mentors.enjoyed": 6, "survey.mentors.hours_mean": 4.123456}
    for index, subscale in enumerate(SUBSCALES):
        for group, shift in (("intervention", -1.5), ("control", 0.5)):
            numbers[f"unadjusted.{subscale}.change.{group}.median"] = shift + index
            numbers[f"unadjusted.{subscale}.change.{group}.q1"] = shift + index - 3
            numbers[f"unadjusted.{subscale}.change.{group}.q3"] = shift + index + 2
        numbers[f"unadjusted.{subscale}.ranksum.p"] = [0.0004, 0.0312, 0.5][index]
        numbers[f"adjusted.{subscale}.difference"] = [-0.71, 0.33, 1.96][index]
        numbers[f"adjusted.{subscale}.ci_low"] = [-2.04, -1.1, 0.02][index]
        numbers[f"adjusted.{subscale}.ci_high"] = [0.62, 1.76, 3.9][index]
        numbers[f"adjusted.{subscale}.p"] = [0.29, 0.651, 0.049][index]
    numbers.update({"risk_ratio.burnout.estimate": 0.8234, "risk_ratio.burnout.ci_low": 0.55,
                    "risk_ratio.burnout.ci_high": 1.2299, "risk_ratio.burnout.p": 0.36})
    for index, theme in enumerate(THEMES):
        numbers[f"themes.{theme}.students"] = index + 1
        numbers[f"themes.{theme}.mentors"] = 2 * index
        numbers[f"themes.{theme}.kappa"] = None
    return numbers


@pytest.mark.parametrize(("key", "expected"), [
    ("unadjusted.ee.ranksum.p", "UnadjustedEeRanksumP"),
    ("n.analysed.intervention", "NAnalysedIntervention"),
    ("unadjusted.ee.change.control.q3", "UnadjustedEeChangeControlQThree"),
    ("themes.self_reflection.students_percent", "ThemesSelfReflectionStudentsPercent"),
    ("survey.mentors.response_rate_ci_low", "SurveyMentorsResponseRateCiLow"),
    ("x.mbi_22", "XMbiTwoTwo"),
])
def test_macro_name_is_letters_only_camel_case(key, expected):
    assert macro_name(key) == expected
    assert macro_name(key, prefix="StudyA") == "StudyA" + expected


def test_every_key_gets_exactly_one_macro():
    numbers = synthetic_numbers()
    text = numbers_to_latex_macros(numbers)
    lines = text.strip().split("\n")
    assert lines[0].startswith("%")
    definitions = lines[1:]
    assert len(definitions) == len(numbers)
    pattern = re.compile(r"^\\newcommand\{\\([A-Za-z]+)\}\{([^\n]*)\}% (\S+)$")
    matches = [pattern.match(line) for line in definitions]
    assert all(matches), [line for line, match in zip(definitions, matches, strict=True)
                          if not match]
    assert sorted(match.group(3) for match in matches) == sorted(numbers)
    assert len({match.group(1) for match in matches}) == len(numbers)
    values = {match.group(3): match.group(2) for match in matches}
    assert values["n.mentors"] == "9"
    assert values["unadjusted.ee.ranksum.p"] == r"\textless{}0.001"
    assert values["unadjusted.dp.ranksum.p"] == "0.03"
    assert values["adjusted.pa.p"] == "0.05"
    assert values["survey.mentors.hours_mean"] == "4.12"
    assert values["unadjusted.ee.change.intervention.median"] == "-1.5"
    assert values["themes.self_reflection.kappa"] == "NA"
    assert numbers_to_latex_macros(numbers) == text  # deterministic


def test_colliding_keys_raise_a_clear_error():
    with pytest.raises(DataError, match=r"collide: \\ABC: a.b_c, a_b.c"):
        numbers_to_latex_macros({"a.b_c": 1, "a_b.c": 2})
    with pytest.raises(DataError, match="collide"):
        numbers_to_latex_macros({"q.1.2": 1, "q.12": 2})


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("n.analysed.control", 84, "84"), ("n.analysed.control", 84.0, "84"),
    ("adjusted.ee.difference", -0.2049, "-0.205"), ("adjusted.ee.difference", 0.000123, "0.000123"),
    ("survey.mentors.hours_total", 1234.56, "1235"), ("adjusted.ee.difference", 2.0001, "2"),
    ("adjusted.ee.p", 0.4, "0.40"), ("adjusted.ee.p", 0.0042, "0.004"),
    ("study.label", "A & B_1", r"A \& B\_1"), ("x.y", None, "NA"), ("x.y", float("nan"), "NA"),
])
def test_macro_values_are_formatted(key, value, expected):
    assert format_macro_value(key, value) == expected


def test_rendered_results_have_no_unfilled_placeholder():
    text = render_results(synthetic_numbers())
    for placeholder in ("{{", "}}", "{%", "None", "undefined"):
        assert placeholder not in text
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    assert "A total of 32 students" in text
    assert "(intervention = 12; control = 20)" in text
    assert "-1.5 (-4.5 to 0.5) for emotional exhaustion (EE)" in text
    assert "EE p < 0.001" in text and "DP p = 0.03" in text
    assert "1.2 (95% CI -1.1 to 1.8; p = 0.65) for DP" not in text  # difference is 0.3
    assert "0.3 (95% CI -1.1 to 1.8; p = 0.65) for DP" in text
    assert "2.0 (95% CI 0.0 to 3.9; p = 0.05) for PA." in text
    assert "7/10 (70%)" in text and "3/10 (30%)" in text and "6/8 (75%)" in text
    assert ("did not differ significantly\nbetween the groups (risk ratio 0.82, 95% CI\n0.55 to "
            "1.23;\np = 0.36)") in text
    assert "identified five themes" in text
    assert "self-reflection (5 student and 8 mentor responses)." in text
    assert "synthetic" not in text
    assert "synthetic replica" in render_results(synthetic_numbers(), synthetic=True)


CITED_KEYS = sorted(key for key in synthetic_numbers()
                    if not key.endswith((".kappa", "hours_mean")))


@pytest.mark.parametrize("key", CITED_KEYS)
def test_a_missing_number_is_an_error_naming_the_key(key):
    numbers = synthetic_numbers()
    del numbers[key]
    with pytest.raises(DataError, match=re.escape(f"no key '{key}'")):
        render_results(numbers)


def test_a_null_number_is_an_error():
    numbers = synthetic_numbers()
    numbers["adjusted.pa.p"] = None
    with pytest.raises(DataError, match="'adjusted.pa.p' is null"):
        render_results(numbers)


def test_custom_template_with_undefined_variable_raises(tmp_path):
    (tmp_path / "bad.md.j2").write_text("n = {{ undefined_thing }}", encoding="utf-8")
    with pytest.raises(DataError, match="undefined_thing"):
        render_results({}, "bad.md.j2", tmp_path)
    with pytest.raises(DataError, match="not found"):
        render_results({}, "absent.md.j2", tmp_path)


TRIAL_OUTCOMES = ("ee", "dp", "pa", "impostor", "moral_injury", "self_compassion", "flourishing")


def trial_numbers(p_values: dict[str, float] | None = None) -> dict:
    """A made-up numbers.json of a trial with every key the Study B template cites."""
    numbers = {"n.randomized.intervention": 30, "n.randomized.control": 28,
               "n.completed_post.intervention": 20, "n.completed_post.control": 25,
               "describe.age.mean": 24.96, "describe.age.sd": 2.004,
               "risk_ratio.burnout.estimate": 1.1, "risk_ratio.burnout.ci_low": 0.7,
               "risk_ratio.burnout.ci_high": 1.7, "risk_ratio.burnout.p": 0.61}
    p_values = {"self_compassion": 0.0213, "flourishing": 0.0478, **(p_values or {})}
    for index, outcome in enumerate(TRIAL_OUTCOMES):
        difference = [-0.4, 0.2, -1.5, 0.1, 0.3, 3.0, 0.45][index]
        numbers.update({f"mixed.{outcome}.difference": difference, f"mixed.{outcome}.se": 1.0,
                        f"mixed.{outcome}.ci_low": difference - 1.96,
                        f"mixed.{outcome}.ci_high": difference + 1.96,
                        f"mixed.{outcome}.p": p_values.get(outcome, 0.5),
                        f"per_protocol.{outcome}.difference": difference / 2,
                        f"per_protocol.{outcome}.p": 0.3,
                        f"per_protocol.{outcome}.n_subjects": 40})
    return numbers


def test_trial_results_follow_the_p_values_not_the_outcome_order():
    text = render_results(trial_numbers(), "results_coaching.md.j2")
    assert "A total of 58\nstudents were randomized (coaching = 30; control =\n28)" in text
    assert "mean (SD) age was 25.0\n(2.00) years" in text
    unchanged = text.split("did not significantly change")[1].split("Self-compassion")[0]
    assert "emotional exhaustion (difference -0.40, SE 1.00; 95% CI -2.36 to 1.56; p = 0.500)," \
        in unchanged
    assert "self-compassion" not in unchanged and "flourishing" not in unchanged
    assert "Self-compassion increased more with coaching than with control (difference 3.00" in text
    assert "p = 0.048)" in text  # three decimals: 0.048 does not read as 0.05
    assert ("burnout definition\ndid not differ significantly\nbetween the arms (risk ratio "
            "1.10, 95% CI 0.70 to 1.70; p = 0.610;") in text
    assert "(40 students)" in text and "0.23 (p = 0.300) for flourishing." in text

    numbers = trial_numbers({"pa": 0.001, "self_compassion": 0.2})
    numbers["risk_ratio.burnout.p"] = 0.012
    turned = render_results(numbers, "results_coaching.md.j2")
    assert "burnout definition\ndiffered\nbetween the arms" in turned
    assert "Personal accomplishment decreased more with coaching than with control" in turned
    assert "self-compassion (difference 3.00" in turned.split("Personal accomplishment")[0]
    for placeholder in ("{{", "}}", "{%", "None", "undefined"):
        assert placeholder not in turned
