"""Tests of burnout.stats.regression against R's lm + confint and sandwich.

Tolerances: coefficient, SE and interval 1e-8 relative; p-values 1e-6 relative; HC3 as R's
``coeftest(fit, vcovHC(fit, type = "HC3"))`` and a direct numpy computation, 1e-8. The
group coefficient is ``estimate`` (burnout.core.results); the reference JSON calls it
``difference``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import DataError
from burnout.stats.regression import (
    _full_column_rank,
    adjusted_difference,
    adjusted_difference_table,
    adjusted_differences,
    adjustment_sets,
    regression_diagnostics,
    regression_diagnostics_table,
)

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())
ANALYSIS = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")
COVARIATES = ["site", "gender", "applying_em"]
MODELS = {"baseline_only": [], "covariates": COVARIATES}


@pytest.mark.parametrize("score", ["ee", "dp", "pa"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_agrees_with_r_lm_and_confint(score, model):
    expected = REFERENCE["ols"][f"{score}.{model}"]
    result = adjusted_difference(ANALYSIS, f"{score}_change", covariates=MODELS[model]).iloc[0]
    for column, reference in (("estimate", "difference"), ("se", "se"), ("ci_low", "ci_low"),
                              ("ci_high", "ci_high")):
        assert result[column] == pytest.approx(expected[reference], rel=1e-8), column
    assert result["p"] == pytest.approx(expected["p"], rel=1e-6)
    assert result["n"] == expected["n"] and result["n_dropped"] == expected["n_dropped"] == 9
    assert result["covariance"] == "nonrobust"
    assert (result["method"], result["confidence"]) == ("ols", 0.95)
    assert result["statistic"] == pytest.approx(result["estimate"] / result["se"], rel=1e-10)
    assert result["n_intervention"] + result["n_control"] == result["n"]
    assert result["df"] == result["n"] - 3 - (4 if MODELS[model] else 0)


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_hc3_agrees_with_r_sandwich_and_numpy(score):
    expected = REFERENCE["ols"][f"{score}.covariates"]
    result = adjusted_difference(ANALYSIS, f"{score}_change", covariates=COVARIATES,
                                 robust="HC3").iloc[0]
    assert result["covariance"] == "HC3" and result["method"] == "ols_hc3"
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
    assert result["estimate"] == pytest.approx(coefficients[1], rel=1e-8)
    assert result["se"] == pytest.approx(np.sqrt((inverse @ meat @ inverse)[1, 1]), rel=1e-8)


@pytest.mark.parametrize("robust", [(None, "HC3"), ("HC3",), ("HC3", None)])
def test_one_fit_under_several_standard_errors_equals_each_fit(robust):
    # adjusted_differences builds and fits the model once; each row is the very row
    # adjusted_difference gives for that standard error (same floats, HC3 agreeing with R).
    both = adjusted_differences(ANALYSIS, "ee_change", robust=robust, covariates=COVARIATES)
    each = pd.concat([adjusted_difference(ANALYSIS, "ee_change", robust=value,
                                          covariates=COVARIATES) for value in robust],
                     ignore_index=True)
    pd.testing.assert_frame_equal(both, each, check_exact=True)
    hc3 = both.loc[both["covariance"] == "HC3"].iloc[0]
    assert hc3["se"] == pytest.approx(REFERENCE["ols"]["ee.covariates"]["hc3_se"], rel=1e-8)


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
    assert unadjusted["estimate"] == pytest.approx(
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


def test_tables_over_outcomes_stack_the_change_score_models():
    table = adjusted_difference_table(ANALYSIS, ["ee", "pa"], covariates=COVARIATES)
    assert table["outcome"].tolist() == ["ee_change", "pa_change"]
    single = adjusted_difference(ANALYSIS, "pa_change", covariates=COVARIATES).iloc[0]
    assert table.iloc[1]["estimate"] == single["estimate"]
    assert set(table["covariates"]) == {"site, gender, applying_em"}
    diagnostics = regression_diagnostics_table(ANALYSIS, ["ee", "pa"])
    assert diagnostics["outcome"].drop_duplicates().tolist() == ["ee_change", "pa_change"]
    assert len(diagnostics) == 2 * 126


def test_adjustment_sets_default_to_site_covariates_and_strata():
    from types import SimpleNamespace

    roster = SimpleNamespace(site="hospital", covariates={"age": "age_years"},
                             strata=("hospital", "age_years"))
    study = SimpleNamespace(roster=roster)
    assert adjustment_sets(study) == (["site", "age"], ["site", "age"])
    assert adjustment_sets(study, ["age"], []) == (["age"], [])
    no_site = SimpleNamespace(roster=SimpleNamespace(site=None, covariates={}, strata=()))
    assert adjustment_sets(no_site) == ([], [])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "", "1"]), st.integers(0, 2),
                          st.floats(0, 2).map(lambda value: round(value)),
                          st.booleans()), max_size=12))
def test_text_codes_equal_the_values_as_text(values):
    from burnout.stats.regression import _text_codes

    array = np.array(values, dtype=object)
    labels, codes = _text_codes(array)
    missing = pd.isna(array)
    assert (codes == -1).tolist() == missing.tolist()
    assert labels[codes[~missing]].tolist() == array[~missing].astype(str).tolist()
    assert len(set(labels.tolist())) == len(labels)  # one code per text


@settings(max_examples=100, deadline=None)
@given(st.integers(3, 300), st.integers(1, 5), st.integers(0, 2**32 - 1),
       st.sampled_from(["random", "duplicate", "sum", "scaled", "tiny"]))
def test_full_column_rank_decides_as_matrix_rank(n, p, seed, kind):
    rng = np.random.default_rng(seed)
    matrix = np.column_stack([np.ones(n)] + [rng.normal(size=n) for _ in range(p)])
    if kind == "duplicate":
        matrix = np.column_stack([matrix, matrix[:, -1]])
    elif kind == "sum":
        matrix = np.column_stack([matrix, matrix[:, 1:].sum(axis=1)])
    elif kind == "scaled":
        matrix[:, -1] *= 1e9
    elif kind == "tiny":
        matrix = np.column_stack([matrix, matrix[:, -1] + 1e-9 * rng.normal(size=n)])
    expected = np.linalg.matrix_rank(matrix) == matrix.shape[1]
    assert _full_column_rank(np.asfortranarray(matrix)) == expected
