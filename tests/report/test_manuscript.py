"""Tests of burnout.report.manuscript: LaTeX macros of the citable numbers.

The drafted Results moved to burnout.report.results (tests/report/test_results.py)."""

from __future__ import annotations

import re

import pytest

from burnout.core.errors import DataError
from burnout.report.manuscript import (
    format_macro_value,
    macro_name,
    numbers_to_latex_macros,
)

SUBSCALES = ("ee", "dp", "pa")
THEMES = ("relationship_building", "different_perspective", "knowledge_sharing",
          "personal_fulfillment", "self_reflection")


def synthetic_numbers() -> dict:
    """A made-up numbers.json of a non-randomized study with mentors, surveys and themes."""
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
