"""Tests of burnout.measures.reliability against R psych::alpha, pingouin and the textbook formula.

Reference values: tests/reference/reliability.R (R 4.2.2, psych 2.2.9) simulated the fixed
input files tests/reference/reliability_items_*.csv and wrote reliability_reference.csv
(psych::alpha raw_alpha and Feldt's interval on the complete cases). Tolerances: 1e-10
absolute against R (the CSV keeps 15 significant digits), 1e-12 against pingouin's alpha and
the formula (same arithmetic), 5e-4 against pingouin's interval (pingouin rounds it to three
decimals).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from burnout.core.errors import DataError
from burnout.data.registry import load_instrument
from burnout.measures.reliability import _cronbach_alpha, _feldt_interval, cronbach_alpha_table

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R_TOLERANCE = 1e-10
SAME_ARITHMETIC_TOLERANCE = 1e-12
PINGOUIN_ROUNDING = 5e-4
FILES = {
    "mbi_hss_mp": "reliability_items_mbi.csv",
    "self_compassion_scale_sf": "reliability_items_self_compassion.csv",
    "young_impostor_scale": "reliability_items_impostor.csv",
}


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "reliability_reference.csv")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: cronbach_alpha_table(pd.read_csv(REFERENCE / file), name)
            for name, file in FILES.items()}


def test_alpha_and_feldt_interval_agree_with_r_psych(reference, tables):
    computed = pd.concat(tables.values(), ignore_index=True)
    merged = reference.merge(computed, on=["instrument", "subscale", "wave"], how="left",
                             validate="1:1")
    assert len(merged) == len(reference) == 8
    assert (merged["n_x"] == merged["n_y"]).all()
    assert (merged["items_x"] == merged["items_y"]).all()
    np.testing.assert_allclose(merged["alpha"], merged["raw_alpha"], rtol=0, atol=R_TOLERANCE)
    np.testing.assert_allclose(merged["ci_low"], merged["feldt_lower"], rtol=0,
                               atol=R_TOLERANCE)
    np.testing.assert_allclose(merged["ci_high"], merged["feldt_upper"], rtol=0,
                               atol=R_TOLERANCE)


def test_table_shape_and_counts(tables):
    mbi = tables["mbi_hss_mp"]
    assert list(mbi.columns) == ["instrument", "subscale", "wave", "n", "excluded", "items",
                                 "alpha", "ci_low", "ci_high"]
    assert list(zip(mbi["wave"], mbi["subscale"], strict=True)) == [
        ("pre", "ee"), ("pre", "dp"), ("pre", "pa"), ("post", "ee"), ("post", "dp"),
        ("post", "pa")]
    assert (mbi["n"] + mbi["excluded"]).tolist() == [70, 70, 70, 55, 55, 55]
    assert mbi["items"].tolist() == [9, 5, 8, 9, 5, 8]


def test_alpha_agrees_with_pingouin_and_the_formula():
    data = pd.read_csv(REFERENCE / FILES["mbi_hss_mp"])
    mbi = load_instrument("mbi_hss_mp")
    table = cronbach_alpha_table(data, mbi)
    for row in table.itertuples(index=False):
        items = data.loc[data["wave"] == row.wave, mbi.subscale_columns(row.subscale)]
        complete = items.dropna()
        alpha, interval = pingouin.cronbach_alpha(data=complete)
        assert row.alpha == alpha  # the same arithmetic, to the last bit
        assert row.ci_low == pytest.approx(interval[0], abs=PINGOUIN_ROUNDING)
        assert row.ci_high == pytest.approx(interval[1], abs=PINGOUIN_ROUNDING)
        k = complete.shape[1]
        by_hand = k / (k - 1) * (1 - complete.var().sum() / complete.sum(axis=1).var())
        assert row.alpha == pytest.approx(by_hand, abs=SAME_ARITHMETIC_TOLERANCE)
        # listwise deletion: pingouin's own listwise option gives the same alpha
        listwise, _ = pingouin.cronbach_alpha(data=items, nan_policy="listwise")
        assert row.alpha == pytest.approx(listwise, abs=SAME_ARITHMETIC_TOLERANCE)


def test_reverse_scored_items_are_turned_around_before_alpha():
    data = pd.read_csv(REFERENCE / FILES["self_compassion_scale_sf"])
    columns = load_instrument("self_compassion_scale_sf").items
    raw_alpha, _ = pingouin.cronbach_alpha(data=data[list(columns)].dropna())
    table = cronbach_alpha_table(data, "self_compassion_scale_sf")
    # unreversed, the negatively worded items pull alpha down; reversed it is high
    assert raw_alpha < 0.5 < table["alpha"].iloc[0]


def test_mapping_and_single_table_give_the_same_result():
    data = pd.read_csv(REFERENCE / FILES["mbi_hss_mp"])
    by_wave = {wave: frame for wave, frame in data.groupby("wave", sort=False)}
    pd.testing.assert_frame_equal(cronbach_alpha_table(data, "mbi_hss_mp"),
                                  cronbach_alpha_table(by_wave, "mbi_hss_mp"))


def test_alpha_is_missing_when_it_cannot_be_computed():
    one_complete = pd.DataFrame({f"impostor_{n:02d}": [1, None, None] for n in range(1, 9)})
    constant = pd.DataFrame({f"impostor_{n:02d}": [1, 1, 1] for n in range(1, 9)})
    table = cronbach_alpha_table({"a": one_complete, "b": constant}, "young_impostor_scale")
    assert table["n"].tolist() == [1, 3]
    assert table["excluded"].tolist() == [2, 0]
    assert table[["alpha", "ci_low", "ci_high"]].isna().all().all()


def test_bad_answers_and_missing_wave_column_raise():
    data = pd.read_csv(REFERENCE / FILES["young_impostor_scale"])
    data.loc[4, "impostor_03"] = 3
    with pytest.raises(DataError, match=r"row 6 \(index 4\), column 'impostor_03': value 3"):
        cronbach_alpha_table(data, "young_impostor_scale")
    with pytest.raises(DataError, match="column 'time' is missing"):
        cronbach_alpha_table(data, "young_impostor_scale", wave_column="time")


@settings(max_examples=200, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(2, 30), st.integers(2, 9)),
              elements=st.integers(0, 6)), st.booleans())
def test_alpha_is_pingouins_to_the_last_bit(answers, halves):
    """The alpha computed without importing pingouin equals pingouin.cronbach_alpha's."""
    complete = pd.DataFrame(answers / 2 if halves else answers.astype(float),
                            columns=[f"q{number}" for number in range(answers.shape[1])])
    with np.errstate(invalid="ignore", divide="ignore"):  # answers without variance
        expected = float(pingouin.cronbach_alpha(data=complete)[0])
        found = _cronbach_alpha(complete)
    assert found == expected or (np.isnan(found) and np.isnan(expected))


@settings(max_examples=200, deadline=None)
@given(st.floats(-3, 0.999), st.integers(2, 100_000), st.integers(2, 40),
       st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_feldt_interval_uses_scipy_stats_f_to_the_last_bit(alpha, n, k, confidence):
    from scipy import stats

    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * stats.f.isf(tail, n - 1, (n - 1) * (k - 1))
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, n - 1, (n - 1) * (k - 1))
    assert _feldt_interval(alpha, n, k, confidence) == (float(low), float(high))
