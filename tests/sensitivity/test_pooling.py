"""Tests of burnout.sensitivity.pooling against R's mice::pool on the same imputed sets
(tests/reference/sensitivity.R, mice 3.15).

R fits lm(post ~ group + pre + site) on each of the five completed datasets that
burnout.sensitivity.imputation made (tests/reference/sensitivity_imputed.csv) and pools them
with mice::pool(mice::as.mira(fits)); summary(conf.int = TRUE) gives the pooled estimate,
std.error (the square root of the total variance t), the Barnard-Rubin df, p and the interval.

Tolerance: 1e-9 relative for every value (closed form given the sets, plus the t quantile;
achieved about 1e-13). The CSV stores the imputed values with 17 significant digits, so both
sides analyse the same doubles.
"""

from __future__ import annotations

import math

import pytest
import sensitivity_reference as _reference  # registered by conftest.py

from burnout.core.errors import DataError
from burnout.sensitivity.pooling import pooled_analysis, rubin_pool

REFERENCE = _reference.REFERENCE
exported_sets = _reference.exported_sets

TOLERANCE = 1e-9
FIELDS = ("estimate", "se", "df", "p", "ci_low", "ci_high", "riv", "lambda", "fmi", "m")
CASES = {"multiple_imputation": 0.0, "delta_minus_2_5": -2.5, "delta_plus_4": 4.0}


@pytest.mark.parametrize("score", ["ee", "pa"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_pooled_ancova_equals_mice_pool(score, case):
    row = pooled_analysis(exported_sets(), score, covariates=["site"],
                          delta=CASES[case]).iloc[0]
    expected = REFERENCE[score][case]
    for field in FIELDS:
        assert row[field] == pytest.approx(expected[field], rel=TOLERANCE), field
    assert row["n"] == 48 and row["n_imputed"] == 13 and row["delta"] == CASES[case]


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_single_group_pooled_mean_change_equals_mice_pool(score):
    row = pooled_analysis(exported_sets(), score, group=None).iloc[0]
    expected = REFERENCE[score]["single_group"]
    for field in ("estimate", "se", "df", "p", "ci_low", "ci_high"):
        assert row[field] == pytest.approx(expected[field], rel=TOLERANCE), field


def test_without_between_imputation_variance_the_df_is_the_floored_barnard_rubin():
    row = rubin_pool([1.0, 1.0, 1.0], [0.5, 0.5, 0.5], dfcom=30).iloc[0]
    lam = 1e-4  # mice floors lambda at 1e-4
    df_old, df_obs = 2 / lam ** 2, 31 / 33 * 30 * (1 - lam)
    assert row["df"] == pytest.approx(df_old * df_obs / (df_old + df_obs), rel=1e-12)
    assert row["se"] == pytest.approx(math.sqrt(0.5), rel=1e-12)
    assert rubin_pool([1.0, 2.0], [0.5, 0.5], dfcom=math.inf).iloc[0]["df"] == pytest.approx(
        1 / ((1.5 * 0.5 / (0.5 + 1.5 * 0.5)) ** 2), rel=1e-12)


def test_bad_input_is_refused():
    with pytest.raises(DataError, match="at least 2"):
        rubin_pool([1.0], [0.5], dfcom=10)
    with pytest.raises(DataError, match="was not imputed"):
        pooled_analysis(exported_sets(), "dp")
