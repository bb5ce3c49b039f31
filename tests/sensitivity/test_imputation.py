"""Tests of burnout.sensitivity.imputation: the committed imputed sets are reproduced to the
bit-level tolerance 1e-12 (the draws are seeded), only missing values are imputed, and the
imputation recovers a known regression (a statistical check: under missingness at random
given the baseline, the pooled ANCOVA of a large invented sample lands near the effect built
into it, and the complete-case estimate of the observed rows is no closer)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sensitivity_reference as _reference  # registered by conftest.py

from burnout.core.errors import DataError
from burnout.sensitivity.imputation import impute_chained
from burnout.sensitivity.pooling import pooled_analysis

DATA, STACKED = _reference.DATA, _reference.STACKED


def _imputed(**options):
    return impute_chained(DATA, ["ee_post", "pa_post"], _reference.PREDICTORS,
                          m=_reference.M, seed=_reference.SEED,
                          iterations=_reference.ITERATIONS, **options)


def test_the_committed_sets_are_reproduced():
    imputed = _imputed()
    for number, frame in enumerate(imputed.sets, start=1):
        exported = STACKED[STACKED[".imp"] == number].reset_index(drop=True)
        for column in ("ee_post", "pa_post", "ee_change"):
            np.testing.assert_allclose(frame[column].to_numpy(float),
                                       exported[column].to_numpy(float), rtol=1e-12)


def test_only_missing_values_are_imputed_and_sets_differ():
    imputed = _imputed()
    observed = DATA["ee_post"].notna().to_numpy()
    assert imputed.missing["ee_post"].sum() == (~observed).sum() == 13
    for frame in imputed.sets:
        assert (frame.loc[observed, "ee_post"] == DATA.loc[observed, "ee_post"]).all()
        assert frame[["ee_post", "pa_post"]].notna().all().all()
    gaps = [frame.loc[~observed, "ee_post"].to_numpy() for frame in imputed.sets]
    assert not np.allclose(gaps[0], gaps[1])
    other = impute_chained(DATA, ["ee_post"], ["ee_pre", "group"], m=2, seed=8)
    assert not np.allclose(other.sets[0].loc[~observed, "ee_post"], gaps[0])


def test_the_imputation_recovers_a_known_effect_under_missing_at_random():
    rng = np.random.default_rng(5)
    n = 2000
    treated = np.repeat([1.0, 0.0], n // 2)
    pre = rng.normal(25, 8, n)
    post = 5 + 0.7 * pre - 3.0 * treated + rng.normal(0, 4, n)
    lost = rng.random(n) < 1 / (1 + np.exp(-(-1 + 0.1 * (pre - 25))))  # MAR on baseline
    data = pd.DataFrame({"group": np.where(treated == 1, "intervention", "control"),
                         "ee_pre": pre, "ee_post": np.where(lost, np.nan, post)})
    imputed = impute_chained(data, ["ee_post"], ["ee_pre", "group"], m=20, seed=1,
                             iterations=1)
    row = pooled_analysis(imputed, "ee").iloc[0]
    assert row["ci_low"] < -3.0 < row["ci_high"] and abs(row["estimate"] + 3.0) < 0.5
    assert 0.05 < row["fmi"] < 0.8  # the missing information shows in the pooled variance


def test_bad_input_is_named():
    with pytest.raises(DataError, match="m must be an integer of at least 2"):
        impute_chained(DATA, ["ee_post"], ["ee_pre"], m=1)
    with pytest.raises(DataError, match=r"column\(s\) \['x'\] missing"):
        impute_chained(DATA, ["ee_post"], ["x"])
    empty = DATA.assign(ee_post=np.nan)
    with pytest.raises(DataError, match="'ee_post' has 0 observed values"):
        impute_chained(empty, ["ee_post"], ["ee_pre"])
