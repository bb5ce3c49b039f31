"""Tests of burnout.report.numbers: stage fragments and citable numbers from tidy tables."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.numbers import (
    ANALYSIS_KEYS,
    KEY_PATTERN,
    analysis_numbers,
    collect_numbers,
    survey_numbers,
    table_numbers,
    with_aliases,
    write_stage_numbers,
)
from burnout.stats.survey import agree_share, numeric_summary, response_rate


def test_table_numbers_fill_the_key_template_per_row_and_statistic():
    result = pd.DataFrame({"outcome": ["ee_post", "dp_post"], "group": ["a", "b"],
                           "p_val": [0.4, np.nan], "n": np.array([135, 90], dtype="int64")})
    numbers = table_numbers(result.assign(name=["ee", "dp"]), "test.{name}.{group}.{statistic}",
                            {"p": "p_val", "n": "n"})
    assert list(numbers) == ["test.ee.a.p", "test.ee.a.n", "test.dp.b.p", "test.dp.b.n"]
    assert numbers["test.ee.a.p"] == 0.4 and math.isnan(numbers["test.dp.b.p"])
    assert type(numbers["test.ee.a.n"]) is int  # plain Python numbers, not numpy scalars
    assert table_numbers(result, "x.{outcome}.{statistic}", ["n"]) == {"x.ee_post.n": 135,
                                                                       "x.dp_post.n": 90}


def test_table_numbers_name_a_missing_column():
    result = pd.DataFrame({"outcome": ["ee"], "p": [0.4]})
    with pytest.raises(DataError, match=r"column\(s\) \['se'\] missing"):
        table_numbers(result, "x.{outcome}.{statistic}", ["p", "se"])
    with pytest.raises(DataError, match="names 'subscale'"):
        table_numbers(result, "x.{subscale}.{statistic}", ["p"])


def test_stage_fragments_are_merged_and_a_key_may_appear_once(tmp_path, monkeypatch):
    from burnout.report import numbers as module

    class Paths:
        reports = tmp_path

    monkeypatch.setattr(module, "study_paths", lambda study: Paths)
    write_stage_numbers("any", "first", {"b.value": 2, "a.value": float("nan")})
    assert json.loads((tmp_path / "numbers" / "first.json").read_text()) == {
        "a.value": None, "b.value": 2}
    write_stage_numbers("any", "second", {"c.value": 3})
    assert collect_numbers("any") == {"a.value": None, "b.value": 2, "c.value": 3}
    write_stage_numbers("any", "third", {"c.value": 4})
    with pytest.raises(DataError, match="'c.value' is already recorded"):
        collect_numbers("any")
    with pytest.raises(DataError, match="dotted lower case"):
        write_stage_numbers("any", "bad", {"Bad Key": 1})


def test_analysis_numbers_use_the_shared_result_columns():
    result = pd.DataFrame({"outcome": ["ee_change", "dp_change"], "estimate": [-1.5, 0.5],
                           "ci_low": [-3.0, -1.0], "ci_high": [0.5, 2.0], "p": [0.12, 0.5],
                           "rank_biserial": [-0.2, 0.1], "n_intervention": np.array([20, 20]),
                           "n_control": np.array([30, 29])})
    numbers = analysis_numbers("rank_sum", result)
    # the keys cited by manuscripts keep their names; the values come from the new columns
    assert numbers["unadjusted.ee.ranksum.shift"] == -1.5
    assert numbers["unadjusted.ee.ranksum.shift_ci_low"] == -3.0
    assert numbers["unadjusted.dp.ranksum.shift_ci_high"] == 2.0
    assert numbers["unadjusted.dp.ranksum.p"] == 0.5
    assert numbers["unadjusted.dp.ranksum.n_control"] == 29
    assert type(numbers["unadjusted.dp.ranksum.n_control"]) is int
    assert len(numbers) == 2 * 7
    mixed = analysis_numbers("mixed_model", pd.DataFrame({
        "outcome": ["self_compassion"], "estimate": [2.5], "se": [1.17], "ci_low": [0.2],
        "ci_high": [4.8], "p": [0.03], "n": [240]}))
    assert mixed == {"mixed.self_compassion.difference": 2.5, "mixed.self_compassion.se": 1.17,
                     "mixed.self_compassion.ci_low": 0.2, "mixed.self_compassion.ci_high": 4.8,
                     "mixed.self_compassion.p": 0.03, "mixed.self_compassion.n_subjects": 240}
    ols = analysis_numbers("ols", pd.DataFrame({"outcome": ["pa_change"], "estimate": [1.7],
                                                "ci_low": [0.3], "ci_high": [3.6], "p": [0.04],
                                                "n": [126]}))
    assert ols["adjusted.pa.difference"] == 1.7 and ols["adjusted.pa.n"] == 126
    assert analysis_numbers("diagnostics", result) == {}


def test_analysis_numbers_of_the_trial_analyses():
    fit = {"outcome": ["ee"], "estimate": [-0.5], "se": [0.9], "ci_low": [-2.3],
           "ci_high": [1.3], "p": [0.58], "n": [390], "n_intervention": [197],
           "n_control": [193]}
    unstratified = analysis_numbers("mixed_model_unstratified", pd.DataFrame(fit))
    assert unstratified["mixed_unstratified.ee.difference"] == -0.5
    assert unstratified["mixed_unstratified.ee.n_subjects"] == 390
    assert unstratified["mixed_unstratified.ee.n_intervention"] == 197
    ratio = analysis_numbers("risk_ratio_adjusted", pd.DataFrame({
        **fit, "outcome": ["burnout_post"], "estimate": [0.9]}))
    assert ratio["risk_ratio_adjusted.burnout.estimate"] == 0.9
    assert ratio["risk_ratio_adjusted.burnout.n"] == 390
    cace = analysis_numbers("cace", pd.DataFrame({**fit, "compliance": [0.81],
                                                  "compliance_randomized": [0.75]}))
    assert cace["cace.ee.estimate"] == -0.5 and cace["cace.ee.compliance"] == 0.81
    assert cace["cace.compliance"] == 0.75


def test_analysis_numbers_of_medians():
    medians = pd.DataFrame({"subscale": ["ee"], "wave": ["pre"], "group": ["control"],
                            "median": [20.0], "q1": [15.0], "q3": [25.0], "n": [84]})
    assert analysis_numbers("medians", medians) == {
        "unadjusted.ee.pre.control.median": 20.0, "unadjusted.ee.pre.control.q1": 15.0,
        "unadjusted.ee.pre.control.q3": 25.0, "unadjusted.ee.pre.control.n": 84}


def test_every_analysis_key_template_makes_valid_keys():
    for analysis, (template, statistics) in ANALYSIS_KEYS.items():
        for statistic in statistics:
            key = template.format(outcome="ee", statistic=statistic, method="hedges_g")
            assert KEY_PATTERN.match(key), (analysis, key)


def test_aliases_keep_old_keys_and_refuse_dangling_ones():
    numbers = {"n.students.respondents": 9}
    assert with_aliases(numbers, {"n.student_survey.respondents": "n.students.respondents"}) == {
        "n.student_survey.respondents": 9, "n.students.respondents": 9}
    with pytest.raises(DataError, match="'n.gone' is not recorded"):
        with_aliases(numbers, {"n.old": "n.gone"})
    with pytest.raises(DataError, match="is itself a recorded key"):
        with_aliases(numbers, {"n.students.respondents": "n.students.respondents"})


def test_survey_numbers_keys_are_valid_and_values_come_from_tables():
    responses = pd.DataFrame({"enjoyed": [5, 4, 2, np.nan]})
    numbers = survey_numbers(
        "survey.mentors", rate=response_rate(4, 6),
        shares=agree_share(responses, ["enjoyed"]),
        numeric=numeric_summary(pd.Series([1.0, 3.0], name="hours")))
    assert all(KEY_PATTERN.match(key) for key in numbers)
    assert numbers["survey.mentors.respondents"] == 4
    assert numbers["survey.mentors.eligible"] == 6
    assert numbers["survey.mentors.enjoyed"] == 2
    assert numbers["survey.mentors.enjoyed_respondents"] == 3
    assert numbers["survey.mentors.enjoyed_share"] == pytest.approx(2 / 3)
    assert numbers["survey.mentors.hours_median"] == 2.0
    assert numbers["survey.mentors.hours_n"] == 2


def test_survey_numbers_write_item_names_as_lower_case_key_parts():
    responses = pd.DataFrame({"Q1": [5, 4, 2]})
    numbers = survey_numbers("survey.peers", shares=agree_share(responses, ["Q1"]))
    assert numbers["survey.peers.q1"] == 2 and all(KEY_PATTERN.match(key) for key in numbers)


def test_effect_sizes_are_keyed_by_their_method_and_holm_by_outcome():
    effects = pd.DataFrame({"outcome": ["ee_change", "flourishing_change"],
                            "method": ["hedges_g", "hedges_g"], "estimate": [-0.2, 0.31],
                            "se": [0.1, 0.12], "ci_low": [-0.4, 0.07], "ci_high": [0.0, 0.55],
                            "n": [120, 118]})
    numbers = analysis_numbers("effect_sizes", effects)
    assert numbers["hedges_g.flourishing.ci_low"] == 0.07
    assert numbers["hedges_g.ee.estimate"] == -0.2 and numbers["hedges_g.ee.n"] == 120
    single = analysis_numbers("effect_sizes", effects.assign(method="standardized_mean_change"))
    assert single["standardized_mean_change.ee.ci_high"] == 0.0
    assert not any(key.startswith("hedges_g.") for key in single)
    holm = analysis_numbers("holm", pd.DataFrame({"outcome": ["grit"], "p": [0.06],
                                                  "family_size": [3]}))
    assert holm == {"holm.grit.p": 0.06, "holm.grit.family_size": 3}
