"""Tests of burnout.stats.risk against epitools::riskratio.wald and fisher.test (comparisons.R),
and against R glm(family = poisson) + sandwich::vcovHC(type = "HC0") (trial_analyses.R).

Tolerances: estimate, interval and p 1e-6 relative (the reference glm fits are run to a
relative deviance change of 1e-14; epitools and fisher.test are closed forms). The group sizes
are ``n_intervention`` and ``n_control`` (burnout.core.results); the reference data keep epitools'
names (``exposed_total``, ``unexposed_total``).
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from burnout.core.errors import DataError
from burnout.stats.risk import (
    _newton_poisson,
    adjusted_risk_ratio,
    adjusted_risk_ratio_table,
    risk_ratio,
    risk_ratio_table,
)

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())
TABLES = pd.read_csv(REFERENCE_DIR / "comparisons_data_risk.csv").set_index("dataset")
COUNTS = ["exposed_events", "exposed_total", "unexposed_events", "unexposed_total"]
TRIALS = pd.read_csv(REFERENCE_DIR / "trial_analyses_data.csv")
TRIAL_REFERENCE = json.loads((REFERENCE_DIR / "trial_analyses_reference.json").read_text())
DATASETS = ["typical", "small", "common"]


def _r_number(value) -> float:
    """jsonlite writes non-finite numbers as strings ("Inf", "NaN")."""
    return float(value) if not isinstance(value, str) else float(value.lower())


@pytest.mark.parametrize("name", ["typical", "small", "protective", "all_events"])
def test_agrees_with_epitools_riskratio_wald(name):
    expected = REFERENCE["risk_ratio"][name]
    result = risk_ratio(*TABLES.loc[name, COUNTS]).iloc[0]
    for column in ("estimate", "ci_low", "ci_high"):
        assert result[column] == pytest.approx(expected[column], rel=1e-6), column
    assert result["p_fisher"] == pytest.approx(expected["fisher_p"], rel=1e-6)
    assert result["note"] == ""
    counts = TABLES.loc[name, COUNTS]
    assert (result["n_intervention"], result["n_control"]) == (counts["exposed_total"],
                                                               counts["unexposed_total"])
    assert result["n"] == counts["exposed_total"] + counts["unexposed_total"]
    assert (result["method"], result["measure"], result["confidence"]) == (
        "risk_ratio", "risk ratio", 0.95)


@pytest.mark.parametrize("name", sorted(TABLES.index))
def test_zero_correction_agrees_with_riskratio_wald_on_corrected_table(name):
    expected = REFERENCE["risk_ratio"][name]
    counts = TABLES.loc[name, COUNTS]
    result = risk_ratio(*counts, zero_correction=0.5).iloc[0]
    cells = [counts.iloc[0], counts.iloc[1] - counts.iloc[0], counts.iloc[2],
             counts.iloc[3] - counts.iloc[2]]
    prefix = "corrected_" if 0 in cells else ""
    for column in ("estimate", "ci_low", "ci_high"):
        assert result[column] == pytest.approx(expected[prefix + column], rel=1e-6), column
    assert result["p_fisher"] == pytest.approx(expected["fisher_p"], rel=1e-6)  # observed
    assert ("adding 0.5" in result["note"]) == (0 in cells)


def test_zero_cell_in_intervention_group():
    expected = REFERENCE["risk_ratio"]["exposed_zero"]
    result = risk_ratio(*TABLES.loc["exposed_zero", COUNTS]).iloc[0]
    # epitools: estimate 0 and the artefact (0, NaN) as interval; here both bounds are NaN.
    assert result["estimate"] == _r_number(expected["estimate"]) == 0.0
    assert math.isnan(_r_number(expected["ci_high"]))
    assert math.isnan(result["ci_low"]) and math.isnan(result["ci_high"])
    assert "undefined" in result["note"] and "intervention" in result["note"]
    assert result["p_fisher"] == pytest.approx(expected["fisher_p"], rel=1e-6)
    assert math.isnan(result["p"])  # no Wald p without an interval


def test_zero_cell_in_control_group():
    expected = REFERENCE["risk_ratio"]["unexposed_zero"]
    result = risk_ratio(*TABLES.loc["unexposed_zero", COUNTS]).iloc[0]
    # epitools: estimate Inf and the artefact (NaN, Inf); here both bounds are NaN.
    assert result["estimate"] == _r_number(expected["estimate"]) == math.inf
    assert math.isnan(_r_number(expected["ci_low"]))
    assert math.isnan(result["ci_low"]) and math.isnan(result["ci_high"])
    assert "control" in result["note"]
    assert result["p_fisher"] == pytest.approx(expected["fisher_p"], rel=1e-6)
    assert math.isnan(result["p"])


def test_no_event_in_either_group():
    result = risk_ratio(0, 10, 0, 12).iloc[0]
    assert math.isnan(result["estimate"]) and math.isnan(result["ci_low"])
    assert result["p_fisher"] == 1.0 and math.isnan(result["p"])
    assert "nor in the control group" in result["note"]


def test_proportions_per_group():
    result = risk_ratio(10, 51, 30, 84).iloc[0]
    assert result["exposed_risk"] == pytest.approx(10 / 51)
    assert result["unexposed_risk"] == pytest.approx(30 / 84)
    assert result["estimate"] == pytest.approx((10 / 51) / (30 / 84))


@pytest.mark.parametrize("counts, message", [
    ((11, 10, 3, 10), "exceed"),
    ((1, 0, 3, 10), "at least one participant"),
    ((-1, 10, 3, 10), "non-negative whole number"),
    ((1.5, 10, 3, 10), "non-negative whole number"),
    (("a", 10, 3, 10), "must be a count"),
])
def test_bad_counts_raise(counts, message):
    with pytest.raises(DataError, match=message):
        risk_ratio(*counts)


def test_table_over_several_outcomes_matches_single_tables():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"group": ["intervention"] * 30 + ["control"] * 40,
                         "burnout_post": rng.integers(0, 2, 70).astype(float),
                         "high_ee_post": rng.integers(0, 2, 70)})
    data.loc[[0, 45], "burnout_post"] = np.nan
    table = risk_ratio_table(data, ["burnout_post", "high_ee_post"])
    assert table["outcome"].tolist() == ["burnout_post", "high_ee_post"]
    for _, row in table.iterrows():
        values = data[[row["outcome"], "group"]].dropna()
        exposed = values.loc[values["group"] == "intervention", row["outcome"]]
        unexposed = values.loc[values["group"] == "control", row["outcome"]]
        single = risk_ratio(int(exposed.sum()), len(exposed), int(unexposed.sum()),
                            len(unexposed)).iloc[0]
        assert row["estimate"] == pytest.approx(single["estimate"], rel=1e-12)
        assert row["p"] == pytest.approx(single["p"], rel=1e-12)
    assert table.loc[0, "n_intervention"] == 29 and table.loc[0, "n_control"] == 39


def test_table_rejects_bad_values():
    data = pd.DataFrame({"group": ["intervention", "control"], "burnout_post": [2, 0]})
    with pytest.raises(DataError, match="row 2, column 'burnout_post'"):
        risk_ratio_table(data, ["burnout_post"])
    with pytest.raises(DataError, match="missing"):
        risk_ratio_table(data, ["low_pa_post"])
    with pytest.raises(DataError, match="no non-missing value in group 'control'"):
        risk_ratio_table(pd.DataFrame({"group": ["intervention", "control"],
                                       "burnout_post": [1, np.nan]}), ["burnout_post"])


# --- Wald p of the unadjusted ratio, modified Poisson (trial_analyses.R) -----------------------

def _trial(name: str) -> pd.DataFrame:
    return TRIALS.loc[TRIALS["dataset"] == name].reset_index(drop=True)


@pytest.mark.parametrize("name", DATASETS)
def test_unadjusted_p_is_the_wald_p_of_poisson_with_hc0(name):
    """The Katz SE is the HC0 sandwich SE of glm(y ~ group, poisson): interval and p agree."""
    expected = TRIAL_REFERENCE[name]["unadjusted"]
    row = risk_ratio_table(_trial(name), ["flag_post"]).iloc[0]
    for column in ("estimate", "ci_low", "ci_high", "p"):
        assert row[column] == pytest.approx(expected[column], rel=1e-6), column
    assert row["n"] == expected["n"]
    assert (row["p"] < 0.05) == (row["ci_high"] < 1 or row["ci_low"] > 1)
    no_adjustment = adjusted_risk_ratio(_trial(name), "flag_post").iloc[0]
    for column in ("estimate", "ci_low", "ci_high", "p"):  # the same model in statsmodels
        assert no_adjustment[column] == pytest.approx(row[column], rel=1e-8), column


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("baseline, key", [("flag_pre", "adjusted"),
                                           ("score_pre", "adjusted_score")])
def test_adjusted_agrees_with_glm_poisson_and_vcovhc_hc0(name, baseline, key):
    expected = TRIAL_REFERENCE[name][key]
    row = adjusted_risk_ratio(_trial(name), "flag_post", baseline=baseline,
                              covariates=["site"]).iloc[0]
    for column in ("estimate", "ci_low", "ci_high", "p"):
        assert row[column] == pytest.approx(expected[column], rel=1e-6), column
    assert row["se"] == pytest.approx(expected["log_se"], rel=1e-6)
    assert row["statistic"] == pytest.approx(expected["z"], rel=1e-6)
    assert row["n"] == expected["n"] and row["n_dropped"] == len(_trial(name)) - expected["n"]
    assert (row["method"], row["covariance"], row["covariates"]) == (
        "risk_ratio_adjusted", "HC0", "site")


def test_adjusted_table_takes_the_baseline_flag_of_each_outcome():
    data = _trial("typical").rename(columns={"flag_pre": "burnout_pre",
                                             "flag_post": "burnout_post"})
    table = adjusted_risk_ratio_table(data, ["burnout_post"], covariates=["site"])
    expected = TRIAL_REFERENCE["typical"]["adjusted"]
    assert table["baseline"].tolist() == ["burnout_pre"]
    assert table["estimate"].iloc[0] == pytest.approx(expected["estimate"], rel=1e-6)
    assert (table["n_intervention"] + table["n_control"]).tolist() == [expected["n"]]
    with pytest.raises(DataError, match="cannot infer the baseline"):
        adjusted_risk_ratio_table(data, ["score_pre"])


def test_adjusted_without_events_in_a_group_is_nan_with_a_reason():
    data = _trial("small").copy()
    data.loc[data["group"] == "control", "flag_post"] = 0
    row = adjusted_risk_ratio(data, "flag_post", baseline="flag_pre").iloc[0]
    assert math.isnan(row["estimate"]) and math.isnan(row["p"])
    assert "no event in the control group" in row["note"]


def test_adjusted_constant_baseline_is_left_out_with_a_note():
    data = _trial("small").assign(flag_pre=1)
    row = adjusted_risk_ratio(data, "flag_post", baseline="flag_pre").iloc[0]
    plain = adjusted_risk_ratio(data, "flag_post").iloc[0]
    assert row["estimate"] == pytest.approx(plain["estimate"], rel=1e-10)
    assert row["baseline"] == "" and "single value" in row["note"]
    one_site = adjusted_risk_ratio(data.assign(site="a"), "flag_post", covariates=["site"])
    assert one_site["covariates"].iloc[0] == "" and "'site' has a single value" in \
        one_site["note"].iloc[0]


def test_adjusted_level_without_events_is_named():
    data = _trial("typical").copy()
    data.loc[data["site"] == "west", "flag_post"] = 0
    row = adjusted_risk_ratio(data, "flag_post", baseline="flag_pre", covariates=["site"]).iloc[0]
    assert "quasi-separation" in row["note"] and math.isfinite(row["estimate"])


def test_adjusted_rejects_bad_values():
    data = _trial("small").copy()
    data.loc[3, "flag_post"] = 2
    with pytest.raises(DataError, match=r"row 5, column 'flag_post'"):
        adjusted_risk_ratio(data, "flag_post")
    with pytest.raises(DataError, match="adjusted_risk_ratio.*missing"):
        adjusted_risk_ratio(_trial("small"), "flag_post", covariates=["hospital"])


def _statsmodels_hc0(response, design):
    """The reference: statsmodels' GLM (IRLS) with the HC0 sandwich, as the code used before."""
    from statsmodels.genmod.families import Poisson
    from statsmodels.genmod.generalized_linear_model import GLM

    results = GLM(response, design, family=Poisson()).fit(cov_type="HC0", maxiter=200,
                                                         tol=1e-12)
    return results.params, results.bse, results.fittedvalues


@settings(max_examples=60, deadline=None)
@given(st.integers(20, 400), st.integers(0, 3), st.integers(0, 2**32 - 1))
def test_newton_fit_equals_statsmodels_irls(n, extra, seed):
    """Newton's method on X'WX gives statsmodels' coefficients and HC0 errors (rel 1e-9), or
    hands the fit to statsmodels (None) when it does not settle."""
    rng = np.random.default_rng(seed)
    columns = [np.ones(n), rng.integers(0, 2, n).astype(float)]
    columns += [rng.normal(size=n) if k % 2 else rng.integers(0, 2, n).astype(float)
                for k in range(extra)]
    design = np.column_stack(columns)
    risk = np.clip(0.3 * np.exp(0.4 * design[:, 1:].sum(axis=1) / max(1, extra + 1)), 0, 1)
    response = (rng.random(n) < risk).astype(float)
    assume(response.sum() > 0 and np.linalg.matrix_rank(design) == design.shape[1])
    settled = _newton_poisson(response, design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params, errors, fitted = _statsmodels_hc0(response, design)
    if settled is None:  # quasi-separation or the like: the caller uses statsmodels
        return
    for mine, reference in zip(settled, (params, errors, fitted), strict=True):
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=1e-12)


def test_newton_fit_settles_on_usual_data_and_defers_on_separation():
    data = _trial("typical")
    response = data["flag_post"].to_numpy(dtype=float)
    design = np.column_stack([np.ones(len(data)), (data["group"] == "intervention").to_numpy(
        dtype=float), data["flag_pre"].to_numpy(dtype=float)])
    keep = ~np.isnan(response) & ~np.isnan(design).any(axis=1)
    assert _newton_poisson(response[keep], design[keep]) is not None
    separated = response[keep].copy()
    separated[design[keep, 2] == 1] = 0  # no event at baseline flag 1: its coefficient diverges
    assert _newton_poisson(separated, design[keep]) is None
