"""Tests of burnout.report.publication_tables: display tables from results in the shared
vocabulary (burnout.core.results), labelled from the instrument registry."""

from __future__ import annotations

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.labels import codebook_labels
from burnout.report.publication_tables import (
    INDENT,
    adjusted_publication_table,
    baseline_publication_table,
    mcnemar_publication_table,
    mixed_model_publication_table,
    risk_ratio_publication_table,
    survey_publication_table,
    themes_publication_table,
    unadjusted_publication_table,
)

NAN = float("nan")


def test_mixed_model_publication_table_formats_itt_and_per_protocol():
    itt = pd.DataFrame({"outcome": ["ee", "self_compassion"], "estimate": [-1.0, 2.6],
                        "se": [0.96, 1.17], "ci_low": [-2.88, 0.31], "ci_high": [0.88, 4.89],
                        "p": [0.298, 0.0266], "n": [390, 390]})
    protocol = itt.assign(estimate=[-0.5, 2.3], p=[0.6, 0.11], n=[234, 234])
    table = mixed_model_publication_table(itt, protocol)
    assert table.columns.tolist() == ["Outcome", "n", "Difference (SE)", "95% CI", "p",
                                      "Per protocol: n", "Per protocol: difference (95% CI)",
                                      "Per protocol: p"]
    assert table["Outcome"].tolist() == ["Emotional exhaustion",
                                         "Self-compassion (SCS-SF, 12-60)"]
    assert table.loc[1, "Difference (SE)"] == "2.60 (1.17)"
    assert table.loc[1, "95% CI"] == "0.31 to 4.89"
    assert table.loc[1, "Per protocol: difference (95% CI)"] == "2.30 (0.31 to 4.89)"
    assert table["p"].tolist() == ["0.298", "0.027"]
    assert table["n"].tolist() == ["390", "390"]
    assert table["Per protocol: n"].tolist() == ["234", "234"]
    assert table["Per protocol: p"].tolist() == ["0.600", "0.110"]
    with pytest.raises(DataError, match="no row for outcome 'ee'"):
        mixed_model_publication_table(itt, protocol.iloc[1:])
    with pytest.raises(DataError, match=r"primary .*column\(s\) \['se'\] missing"):
        mixed_model_publication_table(itt.drop(columns="se"))
    single = mixed_model_publication_table(itt, estimate_name="Change", p_decimals=2)
    assert single.columns.tolist() == ["Outcome", "n", "Change (SE)", "95% CI", "p"]
    assert single["p"].tolist() == ["0.30", "0.03"]


RISKS = pd.DataFrame({
    "outcome": ["burnout_post", "significant_moral_injury_post", "rare_post"],
    "exposed_events": [77, 75, 0], "n_intervention": [121, 121, 121],
    "unexposed_events": [103, 78, 3], "n_control": [136, 136, 136],
    "estimate": [0.8402, 1.0807, 0.0], "ci_low": [0.7125, 0.8838, NAN],
    "ci_high": [0.9909, 1.3216, NAN], "p": [0.0409, 0.5246, 0.2497],
    "note": ["", "", "zero cell"]})


def test_risk_ratio_publication_table_counts_definitions_and_undefined_intervals():
    definitions = pd.DataFrame({"outcome": ["burnout", "significant_moral_injury"],
                                "definition": ["high EE or high DP", "moral injury ≥ 36"]})
    table = risk_ratio_publication_table(RISKS, definitions, p_decimals=3)
    assert table.columns.tolist() == ["Outcome", "Definition", "Intervention, n/N (%)",
                                      "Control, n/N (%)", "Risk ratio (95% CI)", "p"]
    assert table.iloc[0].tolist() == ["Burnout", "high EE or high DP", "77/121 (63.6%)",
                                      "103/136 (75.7%)", "0.84 (0.71 to 0.99)", "0.041"]
    assert table.loc[1, "Definition"] == "moral injury ≥ 36"
    assert table.loc[2, "Outcome"] == "rare" and table.loc[2, "Definition"] == ""
    assert table.loc[2, "Risk ratio (95% CI)"] == "0.00 (NA to NA)"
    assert risk_ratio_publication_table(RISKS)["p"].tolist() == ["0.04", "0.52", "0.25"]
    assert "Definition" not in risk_ratio_publication_table(RISKS).columns
    with pytest.raises(DataError, match=r"column\(s\) \['p'\] missing"):
        risk_ratio_publication_table(RISKS.drop(columns="p"))
    # the old column names of the group sizes are refused, naming the new ones
    old = RISKS.rename(columns={"n_intervention": "exposed_total", "n_control": "unexposed_total"})
    with pytest.raises(DataError, match=r"\['n_intervention', 'n_control'\] missing"):
        risk_ratio_publication_table(old)


def test_baseline_table_names_secondary_outcomes():
    table1 = pd.DataFrame({"variable": ["n", "self_compassion_pre", "training_year"],
                           "level": [None, None, None],
                           "statistic": ["n", "mean (SD)", "mean (SD)"],
                           "intervention": ["10", "34.0 (9.9)", "2.1 (1.0)"],
                           "control": ["12", "34.2 (9.5)", "2.3 (1.1)"],
                           "smd": [None, -0.04, 0.1]})
    table = baseline_publication_table(table1)
    labels = table["Characteristic"].tolist()
    assert labels == ["Self-compassion (SCS-SF, 12-60) at baseline, mean (SD)",
                      "Training year, mean (SD)"]
    assert table.columns.tolist() == ["Characteristic", "Intervention (n = 10)",
                                      "Control (n = 12)", "SMD"]
    assert table["SMD"].tolist() == ["-0.04", "0.10"]


def test_baseline_table_of_a_single_group_has_everyone_and_no_smd():
    table1 = pd.DataFrame({"variable": ["n", "site"], "level": [None, "north"],
                           "statistic": ["n", "n (%)"], "overall": ["22", "9 (40.9)"],
                           "smd": [None, None]})
    table = baseline_publication_table(table1, groups=())
    assert table.columns.tolist() == ["Characteristic", "All participants (n = 22)"]
    assert table.values.tolist() == [["Site, n (%)", ""], [INDENT + "North", "9 (40.9)"]]


def test_baseline_table_nests_levels_under_their_variable_with_codebook_labels():
    table1 = pd.DataFrame({
        "variable": ["n", "age", "em", "em"], "level": [None, None, "0", "1"],
        "statistic": ["n", "median [Q1,Q3]", "n (%)", "n (%)"],
        "intervention": ["10", "26.0 [25.0,27.5]", "3 (30.0)", "7 (70.0)"],
        "control": ["12", "25.0 [24.0,26.0]", "5 (41.7)", "7 (58.3)"],
        "smd": [None, 0.12, -0.24, None]})
    package = {"resources": [{"schema": {"fields": [
        {"name": "em", "label": "Applying to emergency medicine",
         "valueLabels": {"0": "No", "1": "Yes"}}]}}]}
    labels, levels = codebook_labels(package)
    table = baseline_publication_table(table1, labels=labels, levels=levels)
    assert table.values.tolist() == [
        ["Age, median (Q1, Q3)", "26.0 (25.0, 27.5)", "25.0 (24.0, 26.0)", "0.12"],
        ["Applying to emergency medicine, n (%)", "", "", "-0.24"],
        [INDENT + "No", "3 (30.0)", "5 (41.7)", ""],
        [INDENT + "Yes", "7 (70.0)", "7 (58.3)", ""]]
    assert not any("em:" in cell or "[" in cell for cell in table["Characteristic"])


def _medians(groups):
    rows = []
    for group in groups:
        for wave, (median, q1, q3) in {"pre": (24.0, 18.0, 30.0), "post": (21.0, 15.0, 27.0),
                                       "change": (-2.0, -5.0, 1.0)}.items():
            rows.append({"subscale": "ee", "wave": wave, "group": group, "n": 30,
                         "median": median, "q1": q1, "q3": q3})
    return pd.DataFrame(rows)


def test_unadjusted_table_of_two_groups_shows_the_rank_sum_shift_on_the_change_row():
    test = pd.DataFrame({"outcome": ["ee_change"], "measure": ["location shift"],
                         "estimate": [-2.5], "ci_low": [-4.04], "ci_high": [-0.5], "p": [0.0204]})
    table = unadjusted_publication_table(_medians(["intervention", "control"]), test,
                                         p_decimals=3)
    assert table.columns.tolist() == ["Score", "Wave", "Intervention (n = 30)",
                                      "Control (n = 30)", "Location shift (95% CI)", "p"]
    assert table["Score"].tolist() == ["Emotional exhaustion", "", ""]
    assert table["Wave"].tolist() == ["Before", "After", "Change"]
    assert table.iloc[2].tolist()[2:] == ["-2.0 (-5.0, 1.0)", "-2.0 (-5.0, 1.0)",
                                          "-2.5 (-4.0 to -0.5)", "0.020"]
    assert table.iloc[0]["p"] == "" and table.iloc[0]["Location shift (95% CI)"] == ""
    with pytest.raises(DataError, match=r"\['measure'\] missing"):
        unadjusted_publication_table(_medians(["all"]), test.drop(columns="measure"), groups=())


def test_mcnemar_table_in_percentage_points():
    tests = pd.DataFrame({"outcome": ["burnout", "high_ee"], "n": [40, 40],
                          "proportion_before": [0.5, 0.25], "proportion_after": [0.35, 0.3],
                          "estimate": [-0.15, 0.05], "ci_low": [-0.3, -0.1],
                          "ci_high": [0.0, 0.2], "p": [0.07, 0.6]})
    definitions = pd.DataFrame({"outcome": ["burnout"], "definition": ["EE or DP high"]})
    table = mcnemar_publication_table(tests, definitions)
    assert table.iloc[0].tolist() == ["Burnout", "EE or DP high", "20/40 (50.0%)",
                                      "14/40 (35.0%)", "-15.0 (-30.0 to 0.0)", "0.07"]
    assert table.loc[1, "Outcome"] == "High emotional exhaustion"
    assert table.loc[1, "Definition"] == ""


def test_adjusted_table_puts_hc3_beside_the_model_errors():
    fit = pd.DataFrame({"outcome": ["ee_change", "pa_change"], "n": [126, 126],
                        "estimate": [-0.31, 1.74], "ci_low": [-2.1, 0.3],
                        "ci_high": [1.3, 3.6], "p": [0.6, 0.0004]})
    robust = fit.assign(ci_low=[-2.2, 0.25], ci_high=[1.4, 3.7], p=[0.65, 0.001])
    table = adjusted_publication_table(fit, robust.iloc[::-1])  # matched by outcome
    assert table.columns.tolist() == ["Score", "n", "Adjusted difference (95% CI)", "p",
                                      "HC3 95% CI", "HC3 p"]
    assert table.iloc[1].tolist() == ["Personal accomplishment", "126", "1.7 (0.3 to 3.6)",
                                      "<0.001", "0.2 to 3.7", "0.001"]


def test_survey_table_in_percent_with_wilson_intervals():
    agree = pd.DataFrame({"wording": ["It helped", "Again"], "agree": [9, 12],
                          "respondents": [12, 12], "proportion": [0.75, 1.0],
                          "ci_low": [0.4677, 0.7575], "ci_high": [0.9111, 1.0]})
    table = survey_publication_table({"Students": agree, "Mentors": agree.iloc[:1]})
    assert table["Respondents"].tolist() == ["Students", "Students", "Mentors"]
    assert table.iloc[1].tolist() == ["Students", "Again", "12/12 (100.0)", "75.8 to 100.0"]


def test_themes_table_with_kappa_intervals_and_undefined_kappa():
    frequencies = pd.DataFrame({"theme": ["growth", "growth", "peers"],
                                "respondent_type": ["student", "mentor", "student"],
                                "count": [4, 2, 3], "respondents": [10, 5, 10],
                                "percent": [40.0, 40.0, 30.0]})
    agreement = pd.DataFrame({"theme": ["growth", "peers"], "percent_agreement": [90.0, 100.0],
                              "kappa": [0.7, NAN], "kappa_ci_low": [0.4, NAN],
                              "kappa_ci_high": [1.0, NAN]})
    table = themes_publication_table(frequencies, agreement, {"growth": "Growth",
                                                              "peers": "Peers"})
    assert table.columns.tolist() == ["Theme", "Students", "Mentors", "Agreement (%)",
                                      "Cohen's kappa (95% CI)"]
    assert table.iloc[0].tolist() == ["Growth", "4/10 (40.0)", "2/5 (40.0)", "90.0",
                                      "0.70 (0.40 to 1.00)"]
    assert table.iloc[1].tolist() == ["Peers", "3/10 (30.0)", "NA", "100.0", "NA"]
