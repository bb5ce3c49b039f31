"""Tests of burnout.sensitivity.tipping: each delta's row is the pooled analysis at that delta
(itself equal to mice::pool in test_pooling.py), and the tipping point is the smallest |delta|
at which the interval changes whether it excludes zero."""

from __future__ import annotations

import pytest
import sensitivity_reference as _reference  # registered by conftest.py

from burnout.sensitivity.pooling import pooled_analysis
from burnout.sensitivity.tipping import tipping_point

REFERENCE, exported_sets = _reference.REFERENCE, _reference.exported_sets


def test_the_grid_rows_equal_r_and_the_tipping_point_is_the_first_change():
    imputed = exported_sets()
    grid = tipping_point(imputed, "ee", [-10, -5, -2.5, 2.5, 4, 5, 10], covariates=["site"])
    assert grid["delta"].tolist() == [-10, -5, -2.5, 0, 2.5, 4, 5, 10]
    for delta, case in ((0.0, "multiple_imputation"), (-2.5, "delta_minus_2_5"),
                        (4.0, "delta_plus_4")):
        row = grid.loc[grid["delta"] == delta].iloc[0]
        assert row["estimate"] == pytest.approx(REFERENCE["ee"][case]["estimate"], rel=1e-9)
        assert row["ci_low"] == pytest.approx(REFERENCE["ee"][case]["ci_low"], rel=1e-9)
    reference = bool(grid.loc[grid["delta"] == 0, "excludes_null"].iloc[0])
    changed = grid.loc[grid["excludes_null"] != reference, "delta"]
    tipped = grid.loc[grid["tipping"], "delta"].tolist()
    if len(changed):
        smallest = changed.abs().min()
        assert tipped == [min(changed[changed.abs() == smallest])]
    else:
        assert tipped == []


def test_the_tipping_delta_moves_the_interval_across_zero():
    imputed = exported_sets()
    grid = tipping_point(imputed, "ee", [x / 2 for x in range(-40, 41)], covariates=["site"])
    tipped = grid.loc[grid["tipping"]].iloc[0]
    before = grid.loc[grid["delta"] == tipped["delta"] - 0.5 * (1 if tipped["delta"] > 0
                                                                  else -1)].iloc[0]
    assert tipped["excludes_null"] != before["excludes_null"]
    again = pooled_analysis(imputed, "ee", covariates=["site"], delta=tipped["delta"]).iloc[0]
    assert again["ci_high"] == tipped["ci_high"]


def test_no_tipping_point_when_the_grid_is_too_narrow():
    grid = tipping_point(exported_sets(), "ee", [-0.5, 0.5], covariates=["site"])
    assert not grid["tipping"].any() and not grid["conclusion_changed"].any()
