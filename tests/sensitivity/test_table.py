"""Tests of burnout.sensitivity.table: which rows each design gets, the note rows of analyses
that cannot run, the rows of the adjusted stage, and the citable numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sensitivity_reference import DATA  # registered by conftest.py

from burnout.designs import get_design
from burnout.sensitivity.complete_data import ancova
from burnout.sensitivity.table import (
    TABLE_COLUMNS,
    SensitivityOptions,
    sensitivity_numbers,
    sensitivity_table,
)

OPTIONS = SensitivityOptions(strata=("site",), adjustment=("site",), m=5, seed=3,
                             deltas=tuple(np.arange(-20, 21) / 2))


def _long(data: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([data.assign(time=time, ee=data[f"ee_{time}"], pa=data[f"pa_{time}"])
                      for time in ("pre", "post")], ignore_index=True)


def _table(design: str, data: pd.DataFrame = DATA, options=OPTIONS, **kwargs):
    group = "group" if get_design(design).compares_groups else None
    return sensitivity_table(data, _long(data), ["ee", "pa"], get_design(design).applies,
                             group, options, **kwargs)


def test_a_randomized_trial_gets_five_analyses_and_the_adjusted_rows():
    adjusted = {"mixed_model_unstratified": pd.DataFrame({
        "outcome": ["ee", "pa"], "method": "mixed_model", "estimate": [-1.0, 1.0],
        "ci_low": [-2.0, 0.0], "ci_high": [0.0, 2.0], "p": [0.05, 0.05], "n": [48, 48]})}
    result = _table("randomized", adjusted=adjusted)
    table = result.table
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table.loc[table["outcome"] == "ee", "analysis"].tolist() == [
        "change_score", "ancova", "mixed_model", "multiple_imputation", "tipping_point",
        "mixed_model_unstratified"]
    ancova_row = table.loc[(table["outcome"] == "pa") & (table["analysis"] == "ancova")].iloc[0]
    assert ancova_row["estimate"] == pytest.approx(
        ancova(DATA, "pa", covariates=["site"])["estimate"].iloc[0], rel=1e-12)
    assert set(result.tipping["outcome"]) == {"ee", "pa"} and result.imputed.m == 5
    assert (table["m"].dropna() == 5).all()


def test_a_nonrandomized_comparison_gets_the_e_value_and_no_tipping_point():
    complete = DATA.dropna(subset=["ee_post"]).reset_index(drop=True)
    table = _table("nonrandomized", complete).table
    rows = table.loc[table["outcome"] == "ee"].set_index("analysis")
    assert list(rows.index) == ["change_score", "ancova", "mixed_model", "e_value",
                                "multiple_imputation"]
    assert rows.loc["e_value", "estimate"] >= 1 and rows.loc["e_value", "e_value_ci"] >= 1
    # complete cases only: nothing to impute, said in a note, no invented numbers
    assert pd.isna(rows.loc["multiple_imputation", "estimate"])
    assert "nothing to impute" in rows.loc["multiple_imputation", "note"]


def test_a_single_group_gets_change_mixed_model_imputation_and_tipping_point():
    single = DATA.drop(columns=["group"])
    table = _table("single_group", single).table
    assert table.loc[table["outcome"] == "ee", "analysis"].tolist() == [
        "change_score", "mixed_model", "multiple_imputation", "tipping_point"]
    change = table.loc[table["analysis"] == "change_score"].iloc[0]
    assert change["estimate"] == pytest.approx(DATA["ee_change"].mean(), rel=1e-12)


def test_the_numbers_skip_what_could_not_run():
    complete = DATA.dropna(subset=["ee_post"]).reset_index(drop=True)
    numbers = sensitivity_numbers(_table("nonrandomized", complete).table)
    assert "sensitivity.ee.ancova.estimate" in numbers and "sensitivity.ee.e_value.ci" in numbers
    assert not any(key.startswith("sensitivity.ee.multiple_imputation") for key in numbers)
    assert isinstance(numbers["sensitivity.pa.ancova.n"], int)
    table = _table("randomized").table
    trial = sensitivity_numbers(table)
    assert "sensitivity.ee.multiple_imputation.p" in trial
    for row in table.loc[table["analysis"] == "tipping_point"].itertuples():
        key = f"sensitivity.{row.outcome}.tipping_point.delta"
        assert (key in trial) == (not pd.isna(row.delta))
        assert pd.isna(row.delta) or trial[key] == row.delta
