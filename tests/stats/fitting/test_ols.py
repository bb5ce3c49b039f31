"""Tests of burnout.stats.fitting.ols against statsmodels' OLS and OLSInfluence (the reference).

Random designs (an intercept, a 0/1 group, continuous columns on different scales and
treatment-coded indicators); every quantity the regression module reads is compared at 1e-9
relative (absolute 1e-12 for values near zero).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.outliers_influence import OLSInfluence

from burnout.stats.fitting.ols import least_squares


def _design(seed: int, n: int, continuous: int, levels: int, scale: float) -> tuple:
    rng = np.random.default_rng(seed)
    columns = [np.ones(n), (rng.random(n) < 0.4).astype(float)]
    # units from 1e-3 to 1e4, offsets of a few SDs (as age or a baseline score)
    columns += [scale * (rng.normal(size=n) + 3 * rng.normal()) for _ in range(continuous)]
    factor = rng.integers(0, levels, size=n)
    columns += [(factor == level).astype(float) for level in range(1, levels)]
    design = np.asfortranarray(np.column_stack(columns))
    noise = rng.standard_t(4, size=n) * np.exp(0.5 * design[:, 1])  # heteroskedastic
    response = design @ rng.normal(size=design.shape[1]) + noise
    return response, design


def _close(actual, expected, size=1.0):
    """Equal to 1e-9 relative; a value near zero (a residual) to 1e-12 of ``size``, the
    magnitude its rounding error scales with (the response's, for a residual)."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    allowed = 1e-12 * np.asarray(size) + 1e-9 * np.abs(expected)
    worst = np.max(np.abs(actual - expected) - allowed)
    assert worst <= 0, (actual, expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(12, 400), st.integers(0, 3), st.integers(1, 4),
       st.sampled_from([1e-3, 1.0, 1e4]))
def test_least_squares_equals_statsmodels(seed, n, continuous, levels, scale):
    response, design = _design(seed, n, continuous, levels, scale)
    assume(np.linalg.matrix_rank(design) == design.shape[1])  # else rejected before fitting
    fit = least_squares(response, design)
    q, _ = np.linalg.qr(design)
    assume((q * q).sum(axis=1).max() < 1 - 1e-6)  # a leverage of one is left to statsmodels
    assert fit is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = OLS(response, design).fit(use_t=True)
        robust = reference.get_robustcov_results(cov_type="HC3", use_t=True)
        influence = OLSInfluence(reference)
    assert (fit.nobs, fit.df_resid) == (reference.nobs, reference.df_resid)
    # A coefficient near zero may differ by 1e-9 of its standard error (statsmodels' SVD
    # pseudo-inverse, not the QR, is the less accurate of the two on ill-conditioned designs)
    for ours, theirs in ((fit, reference), (fit.with_covariance("HC3"), robust)):
        _close(ours.bse, theirs.bse)
        _close(ours.params, theirs.params, 1e3 * theirs.bse)
        _close(ours.conf_int(0.1), theirs.conf_int(0.1), 1e3 * theirs.bse[:, None])
        _close(ours.tvalues, theirs.tvalues, 1e3)
        _close(ours.pvalues, theirs.pvalues, 1e3)
    _close(fit.scale, reference.scale)
    size = max(1.0, float(np.abs(response).max()))
    _close(fit.fittedvalues, reference.fittedvalues, size)
    _close(fit.resid, reference.resid, size)
    _close(fit.leverage, influence.hat_matrix_diag)
    size /= np.sqrt(reference.scale)  # a studentized residual: a residual in units of s
    _close(fit.resid_studentized_internal, influence.resid_studentized_internal, size)
    _close(fit.cooks_distance, influence.cooks_distance[0], size * size)


@pytest.mark.parametrize("case", ["nan", "inf", "singular", "too_few_rows", "leverage_one"])
def test_untrusted_designs_are_left_to_statsmodels(case):
    response, design = _design(7, 30, 2, 2, 1.0)
    if case == "nan":
        response[3] = np.nan
    elif case == "inf":
        design[4, 2] = np.inf
    elif case == "singular":
        design = np.column_stack([design, design[:, 2] + design[:, 3]])
    elif case == "too_few_rows":
        response, design = response[:4], design[:4]
    else:  # a column that is non-zero in one row only: that row's leverage is one
        design = np.column_stack([design, np.eye(30)[:, 5]])
    assert least_squares(response, design) is None


def test_unknown_covariance_raises():
    response, design = _design(3, 20, 1, 1, 1.0)
    with pytest.raises(ValueError, match="'nonrobust' or 'HC3'"):
        least_squares(response, design).with_covariance("HC1")
