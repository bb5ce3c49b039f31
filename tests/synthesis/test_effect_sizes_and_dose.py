"""Tests of burnout.synthesis.effect_sizes and .dose against R (tests/reference/meta_analysis.R):
metafor ``escalc`` (SMD, SMCR, MD; vtype "LS") and ``lm``. Closed forms: 1e-10 relative
(achieved about 1e-15)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.synthesis.dose import dose_response
from burnout.synthesis.effect_sizes import change_effect_sizes, hedges_g, standardized_mean_change

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "meta_analysis_reference.json").read_text())
SUMMARIES = pd.read_csv(REFERENCE_DIR / "meta_analysis_summaries.csv")


def test_hedges_g_equals_escalc_smd():
    found = [hedges_g(r.m1, r.sd1, r.n1, r.m2, r.sd2, r.n2) for r in SUMMARIES.itertuples()]
    np.testing.assert_allclose([f["estimate"] for f in found], REFERENCE["smd"]["yi"], rtol=1e-10)
    np.testing.assert_allclose([f["se"] ** 2 for f in found], REFERENCE["smd"]["vi"], rtol=1e-10)


def test_standardized_mean_change_equals_escalc_smcr():
    # R: escalc("SMCR", m1i = m1 (post), m2i = m2 (pre), sd1i = sd2 (pre SD), ni = n1, ri = r)
    found = [standardized_mean_change(r.m2, r.sd2, r.m1, r.n1, r.r) for r in SUMMARIES.itertuples()]
    np.testing.assert_allclose([f["estimate"] for f in found], REFERENCE["smcr"]["yi"],
                               rtol=1e-10)
    np.testing.assert_allclose([f["se"] ** 2 for f in found], REFERENCE["smcr"]["vi"], rtol=1e-10)


def test_change_effect_sizes_compute_g_from_the_complete_cases():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"group": ["intervention"] * 40 + ["control"] * 50,
                         "ee_pre": rng.integers(10, 50, 90).astype(float)})
    data["ee_post"] = data["ee_pre"] + rng.normal(-1, 5, 90).round()
    data.loc[[0, 45], "ee_post"] = np.nan
    data["ee_change"] = data["ee_post"] - data["ee_pre"]
    row = change_effect_sizes(data, ["ee"], compares_groups=True).iloc[0]
    complete = data.dropna()
    arms = [complete.loc[complete["group"] == arm, "ee_change"] for arm in ("intervention",
                                                                          "control")]
    expected = hedges_g(arms[0].mean(), arms[0].std(), 39, arms[1].mean(), arms[1].std(), 49)
    assert (row["n_intervention"], row["n_control"]) == (39, 49)
    assert row["estimate"] == pytest.approx(expected["estimate"], rel=1e-12)
    single = change_effect_sizes(data, ["ee"], compares_groups=False).iloc[0]
    assert single["method"] == "standardized_mean_change" and single["n"] == 88


def test_too_few_participants_give_a_row_with_a_note_not_a_failure():
    data = pd.DataFrame({"group": ["intervention", "control", "control"],
                         "ee_pre": [20.0, 22, 25], "ee_post": [18.0, 23, 24]})
    data["ee_change"] = data["ee_post"] - data["ee_pre"]
    row = change_effect_sizes(data, ["ee"], compares_groups=True).iloc[0]
    assert "at least 2 per group" in row["note"] and np.isnan(row.get("estimate", np.nan))


def test_dose_slope_equals_r_lm():
    data = pd.read_csv(REFERENCE_DIR / "meta_analysis_dose.csv")
    row = dose_response(data, ["ee"], "sessions").iloc[0]
    for key in ("estimate", "se", "p", "ci_low", "ci_high", "df"):
        assert row[key] == pytest.approx(REFERENCE["dose"][key], rel=1e-10), key


def test_dose_without_two_doses_is_a_row_that_says_why_and_needs_a_dose_column():
    data = pd.DataFrame({"ee_pre": [1, 2, 3, 4], "ee_change": [1, 0, 1, 0],
                         "sessions": [2, 2, 2, 2]})
    row = dose_response(data, ["ee"], "sessions").iloc[0]
    assert np.isnan(row.get("estimate", np.nan)) and "2 doses" in row["note"]
    with pytest.raises(DataError, match="no dose column 'visits'"):
        dose_response(data, ["ee"], "visits")


@pytest.mark.parametrize("call, message", [
    (lambda: hedges_g(1, 2, 1, 0, 2, 10), "at least 2 per group"),
    (lambda: hedges_g(1, 0, 5, 0, 2, 10), "must be > 0"),
    (lambda: standardized_mean_change(1, 2, 3, 2, 0.5), "at least 3"),
])
def test_effect_size_bad_input(call, message):
    with pytest.raises(DataError, match=message):
        call()
