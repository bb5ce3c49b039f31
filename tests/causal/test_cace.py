"""Tests of burnout.causal.cace against R AER::ivreg (tests/reference/trial_analyses.R).

Tolerances: estimate, SE, interval and p 1e-8 relative (two-stage least squares is a closed
form; both sides solve the same least-squares problems in double precision).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burnout.causal.cace import complier_effect, complier_effect_table, received_program
from burnout.core.errors import DataError

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
TRIALS = pd.read_csv(REFERENCE_DIR / "trial_analyses_data.csv")
REFERENCE = json.loads((REFERENCE_DIR / "trial_analyses_reference.json").read_text())
DATASETS = ["typical", "small", "common"]
RTOL = 1e-8


def _trial(name: str) -> pd.DataFrame:
    data = TRIALS.loc[TRIALS["dataset"] == name].reset_index(drop=True)
    return data.assign(received=received_program(data, "sessions", 8))


@pytest.mark.parametrize("name", DATASETS)
def test_agrees_with_ivreg_adjusted_for_baseline_and_strata(name):
    expected = REFERENCE[name]["cace"]
    row = complier_effect(_trial(name), "score_post", "received", baseline="score_pre",
                          covariates=["site"]).iloc[0]
    for column, key in (("estimate", "estimate"), ("se", "se"), ("ci_low", "ci_low"),
                        ("ci_high", "ci_high"), ("p", "p"), ("statistic", "t")):
        assert row[column] == pytest.approx(expected[key], rel=RTOL), column
    assert (row["n"], row["df"]) == (expected["n"], expected["df"])
    assert row["compliance"] == pytest.approx(REFERENCE[name]["compliance"], rel=1e-12)
    assert row["compliance_control"] == 0.0 and row["method"] == "cace"
    offered = _trial(name).loc[lambda frame: frame["group"] == "intervention", "received"]
    assert row["compliance_randomized"] == offered.mean()


@pytest.mark.parametrize("name", DATASETS)
def test_without_covariates_is_the_wald_estimator(name):
    """ITT difference of means divided by the difference in compliance (and = ivreg)."""
    expected = REFERENCE[name]["cace_plain"]
    data = _trial(name)
    row = complier_effect(data, "score_post", "received").iloc[0]
    assert row["estimate"] == pytest.approx(expected["estimate"], rel=RTOL)
    assert row["se"] == pytest.approx(expected["se"], rel=RTOL)
    followed = data.dropna(subset=["score_post"])
    means = followed.groupby("group")[["score_post", "received"]].mean()
    itt = means.loc["intervention", "score_post"] - means.loc["control", "score_post"]
    assert row["itt_estimate"] == pytest.approx(itt, rel=1e-10)
    assert row["estimate"] == pytest.approx(itt / means.loc["intervention", "received"],
                                            rel=1e-10)


def test_table_uses_follow_up_and_baseline_of_each_score():
    data = _trial("typical").rename(columns={"score_pre": "ee_pre", "score_post": "ee_post"})
    table = complier_effect_table(data, ["ee"], "received", covariates=["site"])
    assert table["outcome"].tolist() == ["ee"]
    assert table["estimate"].iloc[0] == pytest.approx(REFERENCE["typical"]["cace"]["estimate"],
                                                      rel=RTOL)
    assert table["n_dropped"].iloc[0] == data["ee_post"].isna().sum()


def test_received_program_counts_controls_as_never_receiving():
    data = pd.DataFrame({"group": ["intervention", "intervention", "control", "control"],
                         "sessions": [8, 7.5, 12, np.nan]})
    assert received_program(data, "sessions", 8).tolist() == [1, 0, 0, 0]


def test_no_difference_in_receipt_is_not_estimable():
    data = _trial("small").assign(received=0)
    row = complier_effect(data, "score_post", "received").iloc[0]
    assert math.isnan(row["estimate"]) and "not estimable" in row["note"]


def test_weak_instrument_is_noted():
    data = _trial("typical").copy()
    treated = np.flatnonzero((data["group"] == "intervention") & data["score_post"].notna())
    data["received"] = 0
    data.loc[treated[:5], "received"] = 1
    assert "weak instrument" in complier_effect(data, "score_post", "received")["note"].iloc[0]


def test_constant_covariate_is_left_out_with_a_note():
    data = _trial("small").assign(site="a")
    row = complier_effect(data, "score_post", "received", covariates=["site"]).iloc[0]
    plain = complier_effect(data, "score_post", "received").iloc[0]
    assert row["estimate"] == pytest.approx(plain["estimate"], rel=1e-12)
    assert row["covariates"] == "" and "'site' has a single value" in row["note"]


def test_bad_input_raises():
    data = _trial("small").copy()
    data.loc[2, "received"] = 2
    with pytest.raises(DataError, match=r"row 4, column 'received'"):
        complier_effect(data, "score_post", "received")
    with pytest.raises(DataError, match="complier_effect.*missing"):
        complier_effect(_trial("small"), "score_post", "received", covariates=["hospital"])
