"""Tests of burnout.regression (and plots.diagnostics) against R's lm + confint and sandwich.

Tolerances: coefficient, SE and interval 1e-8 relative; p-values 1e-6 relative; HC3 as R's
``coeftest(fit, vcovHC(fit, type = "HC3"))`` and a direct numpy computation, 1e-8.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burnout.errors import DataError
from burnout.plots.diagnostics import diagnostics_figure
from burnout.regression import adjusted_difference, regression_diagnostics

REFERENCE_DIR = Path(__file__).parent / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())
ANALYSIS = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")
COVARIATES = ["site", "gender", "applying_em"]
MODELS = {"baseline_only": [], "covariates": COVARIATES}


@pytest.mark.parametrize("score", ["ee", "dp", "pa"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_agrees_with_r_lm_and_confint(score, model):
    expected = REFERENCE["ols"][f"{score}.{model}"]
    result = adjusted_difference(ANALYSIS, f"{score}_change", covariates=MODELS[model]).iloc[0]
    for column in ("difference", "se", "ci_low", "ci_high"):
        assert result[column] == pytest.approx(expected[column], rel=1e-8), column
    assert result["p"] == pytest.approx(expected["p"], rel=1e-6)
    assert result["n"] == expected["n"] and result["n_dropped"] == expected["n_dropped"] == 9
    assert result["covariance"] == "nonrobust"


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_hc3_agrees_with_r_sandwich_and_numpy(score):
    expected = REFERENCE["ols"][f"{score}.covariates"]
    result = adjusted_difference(ANALYSIS, f"{score}_change", covariates=COVARIATES,
                                 robust="HC3").iloc[0]
    assert result["covariance"] == "HC3"
    assert result["se"] == pytest.approx(expected["hc3_se"], rel=1e-8)
    assert result["ci_low"] == pytest.approx(expected["hc3_ci_low"], rel=1e-8)
    assert result["ci_high"] == pytest.approx(expected["hc3_ci_high"], rel=1e-8)
    assert result["p"] == pytest.approx(expected["hc3_p"], rel=1e-6)
    # Direct computation: (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1.
    data = ANALYSIS.dropna(subset=[f"{score}_change"])
    design = np.column_stack([
        np.ones(len(data)), (data["group"] == "intervention").astype(float),
        data[f"{score}_pre"], (data["site"] == "site_2").astype(float),
        (data["gender"] == "male").astype(float), (data["gender"] == "nonbinary").astype(float),
        data["applying_em"].astype(float)])
    response = data[f"{score}_change"].to_numpy()
    inverse = np.linalg.inv(design.T @ design)
    coefficients = inverse @ design.T @ response
    residuals = response - design @ coefficients
    leverage = np.einsum("ij,jk,ik->i", design, inverse, design)
    meat = design.T @ (design * (residuals**2 / (1 - leverage) ** 2)[:, None])
    assert result["difference"] == pytest.approx(coefficients[1], rel=1e-8)
    assert result["se"] == pytest.approx(np.sqrt((inverse @ meat @ inverse)[1, 1]), rel=1e-8)


def test_missing_post_scores_are_dropped_and_counted():
    data = ANALYSIS.copy()
    data.loc[[0, 1, 2], "ee_post"] = np.nan
    data["ee_change"] = data["ee_post"] - data["ee_pre"]
    already_missing = int(ANALYSIS["ee_change"].isna().sum())
    newly = 3 - int(ANALYSIS.loc[[0, 1, 2], "ee_change"].isna().sum())
    result = adjusted_difference(data, "ee_change").iloc[0]
    assert result["n_dropped"] == already_missing + newly
    assert result["n"] + result["n_dropped"] == len(data)
    data.loc[5, "gender"] = np.nan  # a missing covariate drops the row too
    with_covariates = adjusted_difference(data, "ee_change", covariates=COVARIATES).iloc[0]
    assert with_covariates["n_dropped"] == result["n_dropped"] + int(
        pd.notna(data.loc[5, "ee_change"]))


def test_covariate_with_one_level_raises():
    data = ANALYSIS.assign(site="site_1")
    with pytest.raises(DataError, match="covariate 'site' has a single value"):
        adjusted_difference(data, "ee_change", covariates=["site"])


def test_baseline_inference_and_options():
    explicit = adjusted_difference(ANALYSIS, "ee_change", baseline="ee_pre")
    pd.testing.assert_frame_equal(explicit, adjusted_difference(ANALYSIS, "ee_change"))
    unadjusted = adjusted_difference(ANALYSIS, "ee_change", baseline=None).iloc[0]
    data = ANALYSIS.dropna(subset=["ee_change"])
    groups = data.groupby("group")["ee_change"].mean()
    assert unadjusted["difference"] == pytest.approx(
        groups["intervention"] - groups["control"], rel=1e-10)
    with pytest.raises(DataError, match="cannot infer the baseline"):
        adjusted_difference(ANALYSIS, "ee_post")


@pytest.mark.parametrize("change, message", [
    ({"group": "placebo"}, "only 'intervention' and 'control'"),
    ({"ee_change": "x"}, "is not a number"),
])
def test_bad_input_raises(change, message):
    data = ANALYSIS.copy()
    column, value = next(iter(change.items()))
    data[column] = data[column].astype(object)
    data.loc[3, column] = value
    with pytest.raises(DataError, match=message):
        adjusted_difference(data, "ee_change")
    with pytest.raises(DataError, match="robust"):
        adjusted_difference(ANALYSIS, "ee_change", robust="HC1")
    with pytest.raises(DataError, match="missing"):
        adjusted_difference(ANALYSIS, "ee_change", covariates=["ethnicity"])


def test_diagnostics_table():
    table = regression_diagnostics(ANALYSIS, "pa_change", covariates=COVARIATES)
    n, parameters = len(table), 7
    assert n == 126
    assert table["leverage"].sum() == pytest.approx(parameters, rel=1e-10)
    assert np.allclose(table["observed"], table["fitted"] + table["residual"])
    # Cook's distance from its definition: r_i^2 h_i / (p (1 - h_i)).
    cooks = table["standardized_residual"] ** 2 * table["leverage"] / (
        parameters * (1 - table["leverage"]))
    assert np.allclose(table["cooks_distance"], cooks, rtol=1e-10)
    assert (table["influential"] == (table["cooks_distance"] > 4 / n)).all()
    assert table["row"].isin(ANALYSIS.index).all()


def test_diagnostics_figure_has_two_panels():
    table = regression_diagnostics(ANALYSIS, "ee_change")
    figure = diagnostics_figure(table, title="EE change")
    assert [axes.get_title() for axes in figure.axes] == ["Residuals vs fitted",
                                                          "Normal QQ plot"]
    assert len(figure.axes[0].collections[0].get_offsets()) == len(table)
    with pytest.raises(DataError, match="missing"):
        diagnostics_figure(table.drop(columns="fitted"))
