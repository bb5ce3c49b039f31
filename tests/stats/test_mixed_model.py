"""Tests of burnout.stats.mixed_model: lme4::lmer (REML) and statsmodels as references.

References (``tests/reference``):

* ``comparisons.R`` -> ``comparisons_reference.json``: Study A-shaped data, nearly balanced,
  subject intercept and site + subject intercepts (lme4's default tolerances).
* ``mixed_trial.R`` -> ``mixed_trial_reference.json``: Study B-shaped data, a third of the
  follow-ups missing (intent to treat) and the per-protocol subset.
* ``mixed_covariates.R`` -> ``mixed_covariates_reference.json``: a numeric covariate and a
  categorical stratum; balanced, unbalanced (missing follow-ups) and a boundary (singular) fit,
  each with lme4's default control and with its tolerances tightened.

Agreement achieved by the profiled REML fit (measured on this machine, R 4.2.2, lme4 1.1.31):
the interaction estimate agrees with lme4 to 3e-8 relative or better in every reference (to
1e-13 where it does not depend on the variance ratio: balanced data, boundary fit), its SE to
1.1e-7 relative, the variances to 5e-7. What is left is lme4's own stopping rule: its optimiser
minimises a criterion that is flat at the optimum, so it locates theta to about 1e-7 (the
"tight" and "default" lme4 fits differ by that much); this module finds the root of the
criterion's derivative instead, to machine precision. The tests assert the agreement asked of
the module, 1e-6 relative for the estimate and 1e-5 for the SE. The site-intercept fallback
(statsmodels) agrees with lme4 to 2e-6 (estimate) and 5e-5 (SE) in absolute terms.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.regression.mixed_linear_model import MixedLMParams

from burnout.core.errors import DataError
from burnout.core.results import RESULT_COLUMNS
from burnout.stats.mixed_model import mixed_model, mixed_model_table

REFERENCE_DIR = Path(__file__).parents[1] / "reference"
COMPARISONS = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())["mixed"]
TRIAL = json.loads((REFERENCE_DIR / "mixed_trial_reference.json").read_text())
COVARIATES = json.loads((REFERENCE_DIR / "mixed_covariates_reference.json").read_text())
LONG = pd.read_csv(REFERENCE_DIR / "comparisons_data_long.csv")
TRIAL_LONG = pd.read_csv(REFERENCE_DIR / "mixed_trial_data_long.csv")
COVARIATES_LONG = pd.read_csv(REFERENCE_DIR / "mixed_covariates_data_long.csv")
TRIAL_SCORES = ["ee", "dp", "pa", "impostor", "moral_injury", "self_compassion", "flourishing"]
ESTIMATE_RTOL, SE_RTOL = 1e-6, 1e-5


def _random_long(n_subjects: int, seed: int, attrition: float) -> pd.DataFrame:
    """Invented two-arm pre/post data with a numeric and a categorical covariate."""
    rng = np.random.default_rng(seed)
    arm = rng.integers(0, 2, n_subjects)
    site = rng.choice(["a", "b", "c"], n_subjects)
    age = rng.normal(25, 2, n_subjects)
    person = rng.normal(0, 3, n_subjects)
    rows = []
    for post in (0, 1):
        score = (20 + arm + 0.5 * post - 1.2 * arm * post + 0.2 * age + (site == "b") + person
                 + rng.normal(0, 2, n_subjects))
        kept = rng.random(n_subjects) >= (attrition if post else 0)
        rows.append(pd.DataFrame({
            "student_id": np.arange(n_subjects), "group": np.where(arm, "intervention",
                                                                   "control"),
            "time": "post" if post else "pre", "y": score, "site": site, "age": age})[kept])
    return pd.concat(rows, ignore_index=True)


# --- lme4: comparisons.R (Study A shape) --------------------------------------------------------

@pytest.mark.parametrize("score", ["ee", "dp", "pa"])
def test_agrees_with_lmer_subject_intercept(score):
    expected = COMPARISONS[f"{score}.subject"]
    result = mixed_model(LONG, score).iloc[0]
    assert result["estimate"] == pytest.approx(expected["fixed"]["intervention:post"],
                                               rel=ESTIMATE_RTOL)
    assert result["se"] == pytest.approx(expected["se"]["intervention:post"], rel=SE_RTOL)
    assert result["subject_variance"] == pytest.approx(expected["variances"]["student_id"],
                                                       rel=1e-5)
    assert result["residual_variance"] == pytest.approx(expected["variances"]["Residual"],
                                                        rel=1e-5)
    assert result["n"] == expected["n_subjects"] == 135
    assert result["n_observations"] == expected["n_observations"] == 261
    assert result["converged"] and np.isnan(result["site_variance"])
    assert result["convergence"].startswith("converged")
    assert (result["fit"], result["random_effects"]) == ("profiled REML", "subject")


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_agrees_with_lmer_site_and_subject_intercepts(score):
    expected = COMPARISONS[f"{score}.site"]
    result = mixed_model(LONG, score, site_intercept=True).iloc[0]
    assert result["estimate"] == pytest.approx(expected["fixed"]["intervention:post"],
                                               abs=1e-5)
    assert result["se"] == pytest.approx(expected["se"]["intervention:post"], abs=1e-4)
    assert result["site_variance"] == pytest.approx(expected["variances"]["site"], abs=1e-3)
    assert result["random_effects"] == "site + subject"
    assert result["fit"] == "statsmodels MixedLM (REML)" and result["converged"]
    assert "Powell" in result["convergence"]


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_site_variance_on_the_boundary_agrees_with_lmer(score):
    # Sites reassigned by the parity of the student number: lmer estimates the site variance
    # at (about) zero, a singular fit, where statsmodels' L-BFGS alone often stops early.
    data = LONG.copy()
    codes = data["student_id"].str[1:].astype(int)
    data["site"] = np.where(codes % 2 == 0, "site_1", "site_2")
    expected = COMPARISONS[f"{score}.site_parity"]
    result = mixed_model(data, score, site_intercept=True).iloc[0]
    assert result["converged"]
    assert result["estimate"] == pytest.approx(expected["fixed"]["intervention:post"],
                                               abs=1e-5)
    assert result["site_variance"] == pytest.approx(expected["variances"]["site"], abs=1e-3)


# --- lme4: mixed_trial.R (Study B shape, unbalanced) --------------------------------------------

@pytest.mark.parametrize("subset", ["itt", "per_protocol"])
@pytest.mark.parametrize("score", TRIAL_SCORES)
def test_agrees_with_lmer_on_unbalanced_trial_data(subset, score):
    # lme4 reports the conditional covariance s2 (X' V^-1 X)^-1 as this module does, so the SE
    # agrees as closely on the unbalanced intent-to-treat data as on the balanced subset.
    expected = TRIAL[f"{subset}.{score}"]
    data = TRIAL_LONG if subset == "itt" else TRIAL_LONG.loc[TRIAL_LONG["per_protocol"] == 1]
    result = mixed_model(data, score).iloc[0]
    assert result["estimate"] == pytest.approx(expected["difference"], rel=ESTIMATE_RTOL)
    assert result["se"] == pytest.approx(expected["se"], rel=SE_RTOL)
    assert result["n"] == expected["n_subjects"]
    assert result["n_observations"] == expected["n_observations"]


# --- lme4: mixed_covariates.R (numeric covariate and categorical stratum) -----------------------

@pytest.mark.parametrize("control", ["tight", "default"])
@pytest.mark.parametrize("dataset", ["balanced", "unbalanced", "boundary"])
def test_agrees_with_lmer_with_covariates(dataset, control):
    expected = COVARIATES[dataset][control]
    data = COVARIATES_LONG.loc[COVARIATES_LONG["dataset"] == dataset]
    result = mixed_model(data, "score", covariates=["age", "site"]).iloc[0]
    assert result["estimate"] == pytest.approx(expected["fixed"]["intervention:post"],
                                               rel=ESTIMATE_RTOL)
    assert result["se"] == pytest.approx(expected["se"]["intervention:post"], rel=SE_RTOL)
    assert result["residual_variance"] == pytest.approx(expected["variances"]["Residual"],
                                                        rel=1e-5)
    assert result["subject_variance"] == pytest.approx(expected["variances"]["student_id"],
                                                       rel=1e-5, abs=1e-12)
    assert result["n"] == expected["n_subjects"]
    assert result["n_observations"] == expected["n_observations"]
    assert result["n_dropped"] == int(data["score"].isna().sum())
    assert result["covariates"] == "age, site"


def test_boundary_fit_is_reported_as_singular():
    assert COVARIATES["boundary"]["tight"]["singular"]
    data = COVARIATES_LONG.loc[COVARIATES_LONG["dataset"] == "boundary"]
    result = mixed_model(data, "score", covariates=["age", "site"]).iloc[0]
    assert result["subject_variance"] == 0.0 and result["converged"]
    assert result["convergence"].startswith("boundary (singular) fit")
    # At the boundary the fixed effects are those of ordinary least squares.
    design = pd.get_dummies(data[["age", "site"]], drop_first=True, dtype=float)
    design["intervention"] = (data["group"] == "intervention").astype(float)
    design["post"] = (data["time"] == "post").astype(float)
    design["interaction"] = design["intervention"] * design["post"]
    ols = sm.OLS(data["score"], sm.add_constant(design)).fit()
    assert result["estimate"] == pytest.approx(ols.params["interaction"], rel=1e-12)
    assert result["se"] == pytest.approx(ols.bse["interaction"], rel=1e-12)


def test_not_converged_when_the_residual_variance_vanishes():
    # Every follow-up is the baseline plus a constant of the group: the REML criterion keeps
    # decreasing as the variance ratio grows, and the fit says so.
    rng = np.random.default_rng(5)
    pre = rng.normal(20, 4, 20).round()
    arm = np.resize(["intervention", "control"], 20)
    data = pd.DataFrame({"student_id": np.repeat(np.arange(20), 2),
                         "group": np.repeat(arm, 2), "time": ["pre", "post"] * 20,
                         "ee": np.column_stack([pre, pre + np.where(arm == "control", 1, 3)
                                                ]).ravel()})
    result = mixed_model(data, "ee").iloc[0]
    assert not result["converged"]
    assert result["convergence"].startswith("not converged")
    assert result["estimate"] == pytest.approx(2.0, abs=1e-9)


# --- independent references: dense algebra and statsmodels ------------------------------------

def _dense_reml(design: np.ndarray, response: np.ndarray, subjects: np.ndarray, ratio: float):
    """REML criterion, fixed effects and their covariance with V = I + g Z Z' built densely."""
    indicators = (subjects[:, None] == np.unique(subjects)[None, :]).astype(float)
    covariance = np.eye(len(response)) + ratio * indicators @ indicators.T
    weighted = np.linalg.solve(covariance, np.column_stack([design, response]))
    gram = np.column_stack([design, response]).T @ weighted
    n, p = design.shape
    fixed = np.linalg.solve(gram[:p, :p], gram[:p, p])
    residual = gram[p, p] - gram[:p, p] @ fixed
    criterion = (np.linalg.slogdet(covariance)[1] + np.linalg.slogdet(gram[:p, :p])[1]
                 + (n - p) * (1 + np.log(2 * np.pi * residual / (n - p))))
    return criterion, fixed, residual / (n - p) * np.linalg.inv(gram[:p, :p])


def _dense_inputs(data: pd.DataFrame):
    design = pd.get_dummies(data[["age", "site"]], drop_first=True, dtype=float)
    design.insert(0, "const", 1.0)
    design.insert(1, "intervention", (data["group"] == "intervention").astype(float))
    design.insert(2, "post", (data["time"] == "post").astype(float))
    design.insert(3, "interaction", design["intervention"] * design["post"])
    return design.to_numpy(), data["score"].to_numpy(float), data["student_id"].to_numpy()


def test_profiled_fit_equals_dense_reml_at_its_optimum():
    data = COVARIATES_LONG.loc[(COVARIATES_LONG["dataset"] == "unbalanced")
                               & COVARIATES_LONG["score"].notna()]
    result = mixed_model(data, "score", covariates=["age", "site"]).iloc[0]
    ratio = result["subject_variance"] / result["residual_variance"]
    design, response, subjects = _dense_inputs(data)
    criterion, fixed, covariance = _dense_reml(design, response, subjects, ratio)
    assert result["estimate"] == pytest.approx(fixed[3], rel=1e-10)
    assert result["se"] == pytest.approx(np.sqrt(covariance[3, 3]), rel=1e-10)
    # The ratio minimises the dense criterion: it rises on both sides, and its central
    # difference derivative is zero within the truncation error of the difference.
    step = 1e-4 * ratio
    below, above = (_dense_reml(design, response, subjects, ratio + sign * step)[0]
                    for sign in (-1, 1))
    assert below > criterion and above > criterion
    assert abs(above - below) / (2 * step) < 1e-6
    assert criterion == pytest.approx(COVARIATES["unbalanced"]["tight"]["reml_criterion"],
                                      rel=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("attrition", [0.0, 0.3])
def test_agrees_with_statsmodels_on_random_data(seed, attrition):
    data = _random_long(200, seed, attrition)
    result = mixed_model(data, "y", covariates=["age", "site"]).iloc[0]
    exog = pd.get_dummies(data[["age", "site"]], drop_first=True, dtype=float)
    exog.insert(0, "const", 1.0)
    exog["intervention"] = (data["group"] == "intervention").astype(float)
    exog["post"] = (data["time"] == "post").astype(float)
    exog["interaction"] = exog["intervention"] * exog["post"]
    model = sm.MixedLM(data["y"], exog, groups=data["student_id"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BFGS may warn of precision loss at gtol 1e-12
        reference = model.fit(reml=True, method=["bfgs"], gtol=1e-12)
    # Achieved: estimate and variances within 4e-8 relative (BFGS's stopping point), and
    # statsmodels' own REML log-likelihood is at least as high at this module's estimates.
    assert result["estimate"] == pytest.approx(reference.fe_params["interaction"], rel=1e-7)
    assert result["subject_variance"] == pytest.approx(reference.cov_re.iloc[0, 0], rel=1e-6)
    assert result["residual_variance"] == pytest.approx(reference.scale, rel=1e-6)
    ours = MixedLMParams.from_components(
        cov_re=np.array([[result["subject_variance"] / result["residual_variance"]]]))
    assert model.loglike(ours, profile_fe=True) >= reference.llf - 1e-9
    # statsmodels' bse_fe inverts the information of all REML parameters; with missing
    # follow-ups the fixed effects and the variances are not orthogonal, so its SE differs
    # from the conditional s2 (X' V^-1 X)^-1 of lme4 and of this module (here by up to 0.13%).
    assert result["se"] == pytest.approx(reference.bse_fe["interaction"],
                                         rel=1e-6 if attrition == 0 else 3e-3)


# --- determinism ---------------------------------------------------------------------------------

_NUMBERS = ["estimate", "se", "ci_low", "ci_high", "statistic", "p", "subject_variance",
            "residual_variance"]


def test_same_bytes_when_the_rows_are_permuted():
    # The rows are put in a canonical order before any sum, so a permutation of the input
    # gives the very same floating-point numbers, not merely close ones.
    data = COVARIATES_LONG.loc[COVARIATES_LONG["dataset"] == "unbalanced"]
    expected = mixed_model(data, "score", covariates=["age", "site"])[_NUMBERS]
    for seed in range(3):
        permuted = data.sample(frac=1, random_state=seed)
        result = mixed_model(permuted, "score", covariates=["age", "site"])[_NUMBERS]
        assert repr(result.to_numpy().tolist()) == repr(expected.to_numpy().tolist())


def test_estimates_are_well_conditioned_and_scale_exactly():
    # A change of the data in the 13th digit moves the estimates in the 12th digit at most:
    # a root of the REML gradient is found, not a flat minimum (which would amplify such a
    # change to the 7th-8th digit, as the three optimisers of the former fit did).
    base = mixed_model(TRIAL_LONG, "ee").iloc[0]
    noise = np.random.default_rng(0).standard_normal(len(TRIAL_LONG))
    nudged = mixed_model(TRIAL_LONG.assign(ee=TRIAL_LONG["ee"] * (1 + 1e-13 * noise)),
                         "ee").iloc[0]
    for column in ("estimate", "se", "subject_variance", "residual_variance"):
        assert nudged[column] == pytest.approx(base[column], rel=1e-10)
    # Columns are scaled by powers of two, so scaling the score by 8 scales exactly.
    scaled = mixed_model(TRIAL_LONG.assign(ee=TRIAL_LONG["ee"] * 8), "ee").iloc[0]
    assert scaled["estimate"] == 8 * base["estimate"] and scaled["se"] == 8 * base["se"]


def test_blas_threads_do_not_change_a_bit():
    # No BLAS routine is on the path of the profiled fit (numpy's pairwise sums and bincount,
    # then plain-Python arithmetic on the small matrices), so OPENBLAS_NUM_THREADS, which
    # only changes how BLAS splits matrix products, cannot change the result. Checked here
    # against a fresh interpreter restricted to one thread.
    code = ("import pandas as pd; from burnout.stats.mixed_model import mixed_model; "
            f"d = pd.read_csv({str(REFERENCE_DIR / 'mixed_trial_data_long.csv')!r}); "
            f"print(repr(mixed_model(d, 'ee')[{_NUMBERS!r}].to_numpy().tolist()))")
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                   "MKL_NUM_THREADS": "1"}
    output = subprocess.run([sys.executable, "-c", code], env=environment, check=True,
                            capture_output=True, text=True).stdout.strip()
    assert output == repr(mixed_model(TRIAL_LONG, "ee")[_NUMBERS].to_numpy().tolist())


# --- result vocabulary, table, covariate coding -----------------------------------------------

def test_result_columns_follow_the_shared_vocabulary():
    result = mixed_model(LONG, "ee")
    shared = [column for column in RESULT_COLUMNS if column in result.columns]
    assert list(result.columns) == shared + [
        "n_followup_intervention", "n_followup_control", "n_observations", "n_dropped",
        "subject_variance", "site_variance", "residual_variance", "random_effects",
        "covariates", "fit", "converged", "convergence"]
    row = result.iloc[0]
    assert (row["method"], row["measure"]) == ("mixed_model",
                                               "difference in change (group x time)")
    assert row["covariates"] == "" and row["confidence"] == 0.95
    assert "difference" not in result.columns and "n_subjects" not in result.columns


@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_wald_interval_and_p(confidence):
    result = mixed_model(LONG, "ee", confidence=confidence).iloc[0]
    z_value = stats.norm.ppf(0.5 + confidence / 2)
    assert result["ci_low"] == pytest.approx(result["estimate"] - z_value * result["se"])
    assert result["ci_high"] == pytest.approx(result["estimate"] + z_value * result["se"])
    assert result["statistic"] == pytest.approx(result["estimate"] / result["se"])
    assert result["p"] == pytest.approx(2 * stats.norm.sf(abs(result["statistic"])))
    assert result["confidence"] == confidence


def test_complete_pairs_reproduce_difference_in_mean_change():
    # With every subject measured twice the interaction equals the difference of mean changes.
    complete = LONG.groupby("student_id").filter(lambda rows: len(rows) == 2)
    wide = complete.pivot(index="student_id", columns="time", values="dp")
    change = (wide["post"] - wide["pre"]).rename("change")
    groups = complete.drop_duplicates("student_id").set_index("student_id")["group"]
    means = change.groupby(groups).mean()
    result = mixed_model(complete, "dp").iloc[0]
    assert result["estimate"] == pytest.approx(means["intervention"] - means["control"],
                                               abs=1e-8)


def test_missing_scores_and_covariates_are_dropped_and_counted():
    data = LONG.copy()
    data.loc[[1, 3], "pa"] = np.nan
    result = mixed_model(data, "pa").iloc[0]
    assert result["n_dropped"] == 2 and result["n_observations"] == len(LONG) - 2
    data["site"] = data["site"].astype(object)
    data.loc[[5], "site"] = None
    result = mixed_model(data, "pa", covariates=["site"]).iloc[0]
    assert result["n_dropped"] == 3 and result["n_observations"] == len(LONG) - 3


def test_arm_sizes_count_subjects_and_those_with_a_follow_up():
    data = _random_long(40, seed=7, attrition=0.3)
    result = mixed_model(data, "y").iloc[0]
    for arm in ("intervention", "control"):
        rows = data.loc[data["group"] == arm]
        assert result[f"n_{arm}"] == rows["student_id"].nunique()
        assert result[f"n_followup_{arm}"] == (rows["time"] == "post").sum()
    assert result["n_intervention"] + result["n_control"] == result["n"]
    assert "n_intervention" not in mixed_model(data, "y", group=None).columns


def test_text_covariates_are_treatment_coded_against_the_first_sorted_level():
    data = COVARIATES_LONG.loc[COVARIATES_LONG["dataset"] == "unbalanced"]
    by_text = mixed_model(data, "score", covariates=["site"]).iloc[0]
    indicators = data.assign(**{f"is_{level}": (data["site"] == level).astype(float)
                                for level in ("north", "south", "west")})  # "east" dropped
    by_numbers = mixed_model(indicators, "score",
                             covariates=["is_north", "is_south", "is_west"]).iloc[0]
    assert by_text["estimate"] == pytest.approx(by_numbers["estimate"], rel=1e-12)
    assert by_text["se"] == pytest.approx(by_numbers["se"], rel=1e-12)
    flagged = data.assign(older=data["age"] > 25)  # booleans are factors too
    assert mixed_model(flagged, "score", covariates="older").iloc[0]["covariates"] == "older"


def test_table_has_one_row_per_outcome():
    table = mixed_model_table(TRIAL_LONG, ["ee", "pa"], covariates=["site"])
    assert table["outcome"].tolist() == ["ee", "pa"]
    single = mixed_model(TRIAL_LONG, "pa", covariates=["site"])
    pd.testing.assert_frame_equal(table.iloc[[1]].reset_index(drop=True), single)
    with pytest.raises(DataError, match="mixed_model_table: no outcome"):
        mixed_model_table(TRIAL_LONG, [])


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("change, message", [
    ({"time": "follow_up"}, "column 'time' holds"),
    ({"group": "placebo"}, "column 'group' holds"),
    ({"ee": "x"}, "not a number"),
])
def test_bad_input_raises(change, message):
    data = LONG.copy()
    column, value = next(iter(change.items()))
    data[column] = data[column].astype(object)
    data.loc[0, column] = value
    with pytest.raises(DataError, match=message):
        mixed_model(data, "ee")


def test_duplicate_rows_and_missing_columns_raise():
    with pytest.raises(DataError, match="mixed_model: subject 'S001' has two rows"):
        mixed_model(pd.concat([LONG, LONG.iloc[[0]]], ignore_index=True), "ee")
    with pytest.raises(DataError, match=r"mixed_model: column\(s\) \['site'\] missing"):
        mixed_model(LONG.drop(columns="site"), "ee", site_intercept=True)
    with pytest.raises(DataError, match=r"column\(s\) \['age'\] missing"):
        mixed_model(LONG, "ee", covariates=["age"])


@pytest.mark.parametrize("covariates, message", [
    (["group"], r"covariate\(s\) \['group'\] already in the model"),
    (["site", "site"], r"covariate\(s\) \['site', 'site'\] already in the model"),
    (["post"], r"covariate\(s\) \['post'\] already in the model"),  # a name of a model term
    (["constant"], "covariate 'constant' has a single value"),
    (["arm_copy"], "rank deficient .* column 'arm_copy\\[T.intervention\\]' is collinear"),
])
def test_bad_covariates_raise(covariates, message):
    data = LONG.assign(constant=1.0, arm_copy=LONG["group"], post=1.0)
    with pytest.raises(DataError, match=f"mixed_model: .*{message}"):
        mixed_model(data, "ee", covariates=covariates)


def test_unestimable_models_and_bad_options_raise():
    with pytest.raises(DataError, match="no subject has scores at both times"):
        mixed_model(LONG.drop_duplicates("student_id", keep="first").assign(
            time=lambda frame: np.resize(["pre", "post"], len(frame))), "ee")
    with pytest.raises(DataError, match="no complete row with time \\['post'\\]"):
        mixed_model(LONG.loc[LONG["time"] == "pre"], "ee")
    moved = LONG.copy()
    moved.loc[moved.index[1], "site"] = "elsewhere"
    with pytest.raises(DataError, match="subject 'S001' appears at two values of column "
                                        "'site'; rule: subjects are nested in sites"):
        mixed_model(moved, "ee", site_intercept=True)
    with pytest.raises(DataError, match="confidence must be strictly between 0 and 1"):
        mixed_model(LONG, "ee", confidence=95)


def test_sufficient_statistics_do_not_depend_on_the_memory_layout():
    # Column sums are numpy pairwise sums of contiguous columns whatever the caller's layout
    # (a row-major design would be summed row by row, in another order of additions).
    from burnout.stats._reml import sufficient_statistics

    rng = np.random.default_rng(4)
    design = np.column_stack([np.ones(301), rng.integers(0, 2, 301), rng.normal(25, 3, 301)])
    response, codes = rng.normal(20, 7, 301), np.repeat(np.arange(151), 2)[:301]
    row_major = sufficient_statistics(np.ascontiguousarray(design), response, codes)
    column_major = sufficient_statistics(np.asfortranarray(design), response, codes)
    assert repr(row_major) == repr(column_major)


def test_intermediate_waves_are_left_out_and_a_bad_score_names_its_row():
    data = LONG.copy()
    data["ee"] = data["ee"].astype(object)
    extra = data.iloc[[0]].assign(time="wave_2", ee="not asked")
    with_wave = pd.concat([extra, data], ignore_index=True)
    pd.testing.assert_frame_equal(mixed_model(with_wave, "ee"), mixed_model(data, "ee"))
    with_wave.loc[5, "ee"] = "high"  # spreadsheet row 7: the header is row 1
    with pytest.raises(DataError, match=r"row 7, column 'ee': value 'high' is not a number"):
        mixed_model(with_wave, "ee")
