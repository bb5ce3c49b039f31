"""Tests of burnout.report.comparisons.arms: every group comparison shows each arm's size."""

from __future__ import annotations

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.comparisons.arms import (
    ARM_SIZES,
    FOLLOW_UP_SIZES,
    arm_sizes,
    mixed_model_publication_table,
    sensitivity_publication_table,
)
from burnout.report.publication_tables import risk_ratio_publication_table

FIT = pd.DataFrame({"outcome": ["ee", "flourishing"], "estimate": [-0.37, 0.44],
                    "se": [0.96, 0.23], "ci_low": [-2.25, -0.006], "ci_high": [1.52, 0.89],
                    "p": [0.703, 0.0529], "n": [390, 390], "n_intervention": [197, 197],
                    "n_control": [193, 193], "n_followup_intervention": [121, 120],
                    "n_followup_control": [136, 135]})


def test_arm_sizes_fall_back_to_the_total():
    assert arm_sizes(FIT.iloc[1]) == "197 / 193"
    assert arm_sizes(FIT.iloc[1], "n_followup_") == "120 / 135"
    assert arm_sizes({"n": 12, "n_intervention": float("nan"), "n_control": 5}) == "12"


def test_mixed_model_table_shows_each_arm_and_its_follow_up():
    table = mixed_model_publication_table(FIT, FIT.assign(n_intervention=98, n_control=136))
    assert table.columns.tolist()[:3] == ["Outcome", ARM_SIZES, FOLLOW_UP_SIZES]
    assert table[FOLLOW_UP_SIZES].tolist() == ["121 / 136", "120 / 135"]
    assert table[f"Per protocol: {ARM_SIZES}"].tolist() == ["98 / 136", "98 / 136"]
    assert table.loc[1, "95% CI"] == "-0.01 to 0.89" and table.loc[1, "p"] == "0.053"


def test_sensitivity_table_one_row_per_outcome_and_analysis():
    cace = FIT.iloc[[1]].assign(estimate=0.66, ci_low=0.17, ci_high=1.14, p=0.0088, n=257,
                                n_intervention=121, n_control=136)
    table = sensitivity_publication_table({"Primary": FIT, "Compliers": cace})
    assert table["Analysis"].tolist() == ["Primary", "Primary", "Compliers"]
    assert table["Outcome"].tolist() == ["Emotional exhaustion", "Flourishing (SFI, mean 0-10)",
                                         ""]
    assert table.iloc[2].tolist()[2:] == ["121 / 136", "0.66 (0.17 to 1.14)", "0.009"]
    with pytest.raises(DataError, match="no analysis"):
        sensitivity_publication_table({})
    with pytest.raises(DataError, match=r"'Compliers'.*\['p'\] missing"):
        sensitivity_publication_table({"Primary": FIT, "Compliers": cace.drop(columns="p")})


def test_risk_table_puts_the_adjusted_ratio_beside_the_crude_one():
    risks = pd.DataFrame({"outcome": ["burnout_post", "rare_post"], "exposed_events": [90, 0],
                          "n_intervention": [121, 121], "unexposed_events": [97, 3],
                          "n_control": [136, 136], "estimate": [1.04, 0.0],
                          "ci_low": [0.90, float("nan")], "ci_high": [1.21, float("nan")],
                          "p": [0.58, float("nan")]})
    adjusted = risks.assign(estimate=[1.07, float("nan")], ci_low=[0.94, float("nan")],
                            ci_high=[1.22, float("nan")], p=[0.2965, float("nan")]).iloc[::-1]
    table = risk_ratio_publication_table(risks, p_decimals=3, adjusted=adjusted)
    assert table.loc[0, "Adjusted risk ratio (95% CI)"] == "1.07 (0.94 to 1.22)"
    assert table["Adjusted p"].tolist() == ["0.296", "NA"]
    assert table.loc[0, "Intervention, n/N (%)"] == "90/121 (74.4%)"
    with pytest.raises(DataError, match=r"adjusted has no row for \['rare_post'\]"):
        risk_ratio_publication_table(risks, adjusted=adjusted.iloc[1:])
