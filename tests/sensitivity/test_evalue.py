"""Tests of burnout.sensitivity.evalue against the E-value formula computed in R
(tests/reference/sensitivity.R) and the worked example of VanderWeele & Ding (2017).

Tolerance: 1e-12 relative (one exponential and a square root).
"""

from __future__ import annotations

import pytest
import sensitivity_reference as _reference  # registered by conftest.py

from burnout.core.errors import DataError
from burnout.sensitivity.evalue import _from_ratio, e_value

REFERENCE = _reference.REFERENCE

TOLERANCE = 1e-12


@pytest.mark.parametrize("case", REFERENCE["e_values"], ids=lambda case: str(case["estimate"]))
def test_e_values_equal_the_formula_in_r(case):
    row = e_value(case["estimate"], case["ci_low"], case["ci_high"], case["sd"]).iloc[0]
    assert row["estimate"] == pytest.approx(case["e_value"], rel=TOLERANCE)
    assert row["e_value_ci"] == pytest.approx(case["e_value_ci"], rel=TOLERANCE)
    assert row["rr"] == pytest.approx(case["rr"], rel=TOLERANCE)


@pytest.mark.parametrize("score", ["ee", "pa"])
def test_e_value_of_the_ancova_with_the_pooled_sd(score):
    case = REFERENCE[score]["e_value"]
    row = e_value(case["estimate"], case["ci_low"], case["ci_high"], case["sd"]).iloc[0]
    assert row["estimate"] == pytest.approx(case["e_value"], rel=TOLERANCE)
    assert row["e_value_ci"] == pytest.approx(case["e_value_ci"], rel=TOLERANCE)


def test_the_worked_example_of_the_paper():
    # VanderWeele & Ding (2017), a methods paper's example (not study data): a risk ratio of
    # 3.9 has E-value 7.2 (7.26 unrounded) and its lower limit 1.8 has E-value 3.0.
    assert round(_from_ratio(3.9), 1) == 7.3 and _from_ratio(3.9) == pytest.approx(7.26, abs=0.01)
    assert _from_ratio(1.8) == pytest.approx(3.0, abs=1e-12)
    assert _from_ratio(1 / 3.9) == pytest.approx(_from_ratio(3.9))  # protective: 1 / RR


def test_an_interval_including_the_null_has_e_value_one_and_bad_input_is_refused():
    assert e_value(0.4, -1.0, 1.8, 3.0).iloc[0]["e_value_ci"] == 1.0
    with pytest.raises(DataError, match="sd > 0"):
        e_value(1.0, 0.5, 2.0, 0.0)
    with pytest.raises(DataError, match="ci_low <= estimate"):
        e_value(3.0, 0.5, 2.0, 1.0)
