"""Tests of burnout.mixed_model against lme4::lmer (REML) in comparisons.R.

Tolerances: the group x time fixed effect 1e-4 absolute; its SE 1e-4 with a subject random
intercept, 1e-3 with the site intercept added (the two optimizers stop at slightly different
variance estimates; the fixed effect still agrees to 1e-4).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from burnout.errors import DataError
from burnout.mixed_model import mixed_model

REFERENCE_DIR = Path(__file__).parent / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())
LONG = pd.read_csv(REFERENCE_DIR / "comparisons_data_long.csv")


@pytest.mark.parametrize("score", ["ee", "dp", "pa"])
def test_agrees_with_lmer_subject_intercept(score):
    expected = REFERENCE["mixed"][f"{score}.subject"]
    result = mixed_model(LONG, score).iloc[0]
    assert result["difference"] == pytest.approx(expected["fixed"]["intervention:post"],
                                                 abs=1e-4)
    assert result["se"] == pytest.approx(expected["se"]["intervention:post"], abs=1e-4)
    assert result["subject_variance"] == pytest.approx(expected["variances"]["student_id"],
                                                       rel=1e-3)
    assert result["residual_variance"] == pytest.approx(expected["variances"]["Residual"],
                                                        rel=1e-3)
    assert result["n_subjects"] == expected["n_subjects"] == 135
    assert result["n_observations"] == expected["n_observations"] == 261
    assert result["converged"] and np.isnan(result["site_variance"])


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_agrees_with_lmer_site_and_subject_intercepts(score):
    expected = REFERENCE["mixed"][f"{score}.site"]
    result = mixed_model(LONG, score, site_intercept=True).iloc[0]
    assert result["difference"] == pytest.approx(expected["fixed"]["intervention:post"],
                                                 abs=1e-4)
    assert result["se"] == pytest.approx(expected["se"]["intervention:post"], abs=1e-3)
    assert result["site_variance"] == pytest.approx(expected["variances"]["site"], abs=0.05)
    assert result["random_effects"] == "site + subject"


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_site_variance_on_the_boundary_agrees_with_lmer(score):
    # Sites reassigned by the parity of the student number: lmer estimates the site variance
    # at (about) zero, a singular fit, where statsmodels' L-BFGS alone often stops early.
    data = LONG.copy()
    codes = data["student_id"].str[1:].astype(int)
    data["site"] = np.where(codes % 2 == 0, "site_1", "site_2")
    expected = REFERENCE["mixed"][f"{score}.site_parity"]
    result = mixed_model(data, score, site_intercept=True).iloc[0]
    assert result["converged"]
    assert result["difference"] == pytest.approx(expected["fixed"]["intervention:post"],
                                                 abs=1e-4)
    assert result["site_variance"] == pytest.approx(expected["variances"]["site"], abs=0.01)


def test_wald_interval_and_p():
    result = mixed_model(LONG, "ee").iloc[0]
    z_value = stats.norm.ppf(0.975)
    assert result["ci_low"] == pytest.approx(result["difference"] - z_value * result["se"])
    assert result["ci_high"] == pytest.approx(result["difference"] + z_value * result["se"])
    assert result["p"] == pytest.approx(2 * stats.norm.sf(abs(result["difference"]
                                                              / result["se"])))


def test_complete_pairs_reproduce_difference_in_mean_change():
    # With every subject measured twice the interaction equals the difference of mean changes.
    complete = LONG.groupby("student_id").filter(lambda rows: len(rows) == 2)
    wide = complete.pivot(index="student_id", columns="time", values="dp")
    change = (wide["post"] - wide["pre"]).rename("change")
    groups = complete.drop_duplicates("student_id").set_index("student_id")["group"]
    means = change.groupby(groups).mean()
    result = mixed_model(complete, "dp").iloc[0]
    assert result["difference"] == pytest.approx(means["intervention"] - means["control"],
                                                 abs=1e-8)


def test_missing_scores_are_dropped_and_counted():
    data = LONG.copy()
    data.loc[[1, 3], "pa"] = np.nan
    result = mixed_model(data, "pa").iloc[0]
    assert result["n_dropped"] == 2 and result["n_observations"] == len(LONG) - 2


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
    with pytest.raises(DataError, match="two rows"):
        mixed_model(pd.concat([LONG, LONG.iloc[[0]]], ignore_index=True), "ee")
    with pytest.raises(DataError, match="missing"):
        mixed_model(LONG.drop(columns="site"), "ee", site_intercept=True)
