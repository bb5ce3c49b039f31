"""Tests of burnout.inference.multiplicity: Holm's adjustment against R 4.2.2
``p.adjust(method = "holm")`` (tests/reference/multiplicity.R, its JSON to 15 significant
digits) and statsmodels' ``multipletests(method = "holm")``.

Tolerance 1e-12 relative (the adjustment is a product, a running maximum and a cap: exact up
to the last digit of the JSON); a missing p-value must stay missing, as in R.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from burnout.core.errors import DataError
from burnout.inference.multiplicity import holm_adjust

REFERENCE = json.loads((Path(__file__).resolve().parent.parent / "reference"
                        / "multiplicity_reference.json").read_text(encoding="utf-8"))


def _nan(values):
    return [math.nan if value is None else value for value in values]


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_holm_equals_r_p_adjust(case):
    raw, expected = _nan(REFERENCE[case]["p"]), _nan(REFERENCE[case]["holm"])
    names = [f"outcome_{index}" for index in range(len(raw))]
    result = holm_adjust(dict(zip(names, raw, strict=True)))
    assert result["outcome"].tolist() == names  # reporting order kept
    for got, want in zip(result["p"], expected, strict=True):
        if math.isnan(want):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert set(result["family_size"]) == {sum(not math.isnan(p) for p in raw)}


@pytest.mark.parametrize("case", [case for case in sorted(REFERENCE)
                                  if None not in REFERENCE[case]["p"]])
def test_holm_equals_statsmodels(case):
    raw = REFERENCE[case]["p"]
    expected = multipletests(raw, method="holm")[1]
    got = holm_adjust({str(index): p for index, p in enumerate(raw)})["p"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_holm_reads_a_tidy_result_and_adjusts_only_the_family():
    table = pd.DataFrame({"outcome": ["ee", "grit", "sleep", "mood"],
                          "p": [0.001, 0.01, 0.04, 0.03]})
    result = holm_adjust(table, ["grit", "sleep", "mood"]).set_index("outcome")
    assert list(result.index) == ["grit", "sleep", "mood"]
    assert result.loc["grit", "p"] == pytest.approx(0.03)
    assert result.loc["mood", "p"] == pytest.approx(0.06)
    assert result.loc["sleep", "p"] == pytest.approx(0.06)  # running maximum, not 0.04
    assert result.loc["sleep", "p_unadjusted"] == pytest.approx(0.04)
    assert set(result["family_size"]) == {3} and set(result["method"]) == {"holm"}
    # the adjusted p is never below the raw one
    assert (result["p"] >= result["p_unadjusted"]).all()


def test_holm_refuses_bad_input():
    with pytest.raises(DataError, match=r"no p-value for outcome\(s\) \['mood'\]"):
        holm_adjust({"grit": 0.2}, ["grit", "mood"])
    with pytest.raises(DataError, match="not within 0-1"):
        holm_adjust({"grit": 1.2})
    with pytest.raises(DataError, match="appear more than once"):
        holm_adjust(pd.DataFrame({"outcome": ["a", "a"], "p": [0.1, 0.2]}))
    with pytest.raises(DataError, match="no column"):
        holm_adjust(pd.DataFrame({"outcome": ["a"]}))


def test_an_empty_family_gives_an_empty_table():
    assert holm_adjust({"grit": 0.2}, []).empty
