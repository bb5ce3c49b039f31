"""Tests of burnout.stats.descriptive: Table 1 (tableone) and medians with quartiles (R type 7)."""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import DataError
from burnout.stats import descriptive
from burnout.stats.descriptive import (
    baseline_table,
    baseline_variables,
    describe_numbers,
    median_quartiles_table,
)

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
ANALYSIS = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")
CATEGORICAL = ["site", "gender", "applying_em"]
CONTINUOUS = ["age", "ee_pre", "dp_pre", "pa_pre"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return baseline_table(ANALYSIS, categorical=CATEGORICAL, continuous=CONTINUOUS)


def test_layout(table):
    assert table.columns.tolist() == ["variable", "level", "statistic", "missing", "overall",
                                      "intervention", "control", "smd"]
    assert table.iloc[0][["intervention", "control", "overall"]].tolist() == ["51", "84", "135"]
    statistics = table.groupby("variable", sort=False)["statistic"].agg(list)
    assert statistics["age"] == ["median [Q1,Q3]", "mean (SD)"]
    assert statistics["gender"] == ["n (%)"] * 3


def test_counts_and_percentages(table):
    for variable in CATEGORICAL:
        for group in ("intervention", "control"):
            values = ANALYSIS.loc[ANALYSIS["group"] == group, variable].astype(str)
            counts = values.value_counts()
            rows = table[table["variable"] == variable]
            for _, row in rows.iterrows():
                count = int(counts.get(row["level"], 0))
                assert row[group] == f"{count} ({100 * count / len(values):.1f})"


def test_continuous_statistics_and_smd(table):
    for variable in CONTINUOUS:
        rows = table[table["variable"] == variable].set_index("statistic")
        groups = {group: ANALYSIS.loc[ANALYSIS["group"] == group, variable].astype(float)
                  for group in ("intervention", "control")}
        for group, values in groups.items():
            assert rows.loc["mean (SD)", group] == f"{values.mean():.1f} ({values.std():.1f})"
            q1, median, q3 = np.percentile(values, [25, 50, 75])
            assert rows.loc["median [Q1,Q3]", group] == f"{median:.1f} [{q1:.1f},{q3:.1f}]"
        first, second = groups["intervention"], groups["control"]
        smd = (first.mean() - second.mean()) / np.sqrt((first.var() + second.var()) / 2)
        assert rows.loc["median [Q1,Q3]", "smd"] == pytest.approx(smd, abs=1e-9)
        assert np.isnan(rows.loc["mean (SD)", "smd"])


def test_categorical_smd_of_two_levels(table):
    # For a binary variable the Yang-Dalton SMD is |p1 - p2| / sqrt((p1 q1 + p2 q2) / 2).
    share = ANALYSIS.groupby("group")["applying_em"].mean()
    p1, p2 = share["intervention"], share["control"]
    expected = abs(p1 - p2) / np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)
    smd = table.loc[table["variable"] == "applying_em", "smd"].dropna()
    assert smd.tolist() == pytest.approx([expected], abs=1e-9)


def test_baseline_table_bad_input_raises():
    with pytest.raises(DataError, match="missing"):
        baseline_table(ANALYSIS, categorical=["ethnicity"], continuous=[])
    with pytest.raises(DataError, match="both categorical and continuous"):
        baseline_table(ANALYSIS, categorical=["age"], continuous=["age"])
    with pytest.raises(DataError, match="exactly the groups"):
        baseline_table(ANALYSIS.assign(group="control"), categorical=["site"], continuous=[])
    data = ANALYSIS.astype({"age": object})
    data.loc[2, "age"] = "old"
    with pytest.raises(DataError, match="row 4, column 'age'"):
        baseline_table(data, categorical=[], continuous=["age"])


def test_describe_numbers_agrees_with_numpy():
    ages = [23, 25, 27, 24, 30]
    numbers = describe_numbers(pd.DataFrame({"age": ages}), ["age"])
    assert numbers["describe.age.mean"] == pytest.approx(np.mean(ages))
    assert numbers["describe.age.sd"] == pytest.approx(np.std(ages, ddof=1))
    assert numbers["describe.age.n"] == 5


def test_describe_numbers_bad_input_names_row_and_column():
    with pytest.raises(DataError, match=r"analysis.csv, row 3, column 'age'"):
        describe_numbers(pd.DataFrame({"age": [23, "old"]}), ["age"])
    with pytest.raises(DataError, match="column 'height' missing"):
        describe_numbers(pd.DataFrame({"age": [23]}), ["height"])


def test_single_group_has_the_overall_column_only():
    single = baseline_table(ANALYSIS, group=None, categorical=["site"], continuous=["age"])
    assert "intervention" not in single.columns and "control" not in single.columns
    assert single.iloc[0]["overall"] == str(len(ANALYSIS))
    ages = ANALYSIS["age"].astype(float)
    mean_row = single[(single["variable"] == "age") & (single["statistic"] == "mean (SD)")]
    assert mean_row["overall"].iloc[0] == f"{ages.mean():.1f} ({ages.std():.1f})"


def test_baseline_variables_split_text_and_binary_from_numbers():
    categorical, continuous = baseline_variables(ANALYSIS, ["age", "gender", "applying_em"],
                                                 ["ee", "dp"])
    assert categorical == ["site", "gender", "applying_em"]
    assert continuous == ["age", "ee_pre", "dp_pre"]
    with pytest.raises(DataError, match="column 'height' missing"):
        baseline_variables(ANALYSIS, ["height"])


REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "comparisons_reference.json").read_text())
ANALYSIS = pd.read_csv(REFERENCE_DIR / "comparisons_data_analysis.csv")


def test_agrees_with_r_quantile_type_7():
    table = median_quartiles_table(ANALYSIS)
    assert len(table) == 3 * 3 * 2
    for _, row in table.iterrows():
        expected = REFERENCE["quartiles"][f"{row['subscale']}.{row['wave']}.{row['group']}"]
        assert row["n"] == expected["n"]
        for column in ("median", "q1", "q3"):
            assert row[column] == pytest.approx(expected[column], abs=1e-12), column


def test_order_and_summary_text():
    table = median_quartiles_table(ANALYSIS, subscales=["pa"], waves=["change"])
    assert table["group"].tolist() == ["intervention", "control"]
    row = table.iloc[0]
    assert row["summary"] == f"{row['median']:g} ({row['q1']:g}, {row['q3']:g})"


def test_empty_group_gives_nan():
    data = pd.DataFrame({"group": ["intervention", "control"], "ee_change": [1.0, np.nan]})
    table = median_quartiles_table(data, subscales=["ee"], waves=["change"])
    assert table.loc[1, "n"] == 0 and np.isnan(table.loc[1, "median"])
    assert table.loc[1, "summary"] == ""


def test_median_quartiles_table_bad_input_raises():
    with pytest.raises(DataError, match="missing"):
        median_quartiles_table(ANALYSIS, subscales=["ee"], waves=["follow_up"])
    data = ANALYSIS.astype({"ee_pre": object})
    data.loc[4, "ee_pre"] = "high"
    with pytest.raises(DataError, match="row 6, column 'ee_pre'"):
        median_quartiles_table(data)


def test_single_group_is_reported_as_all():
    table = median_quartiles_table(ANALYSIS, subscales=["ee"], waves=["change"], group=None)
    assert table["group"].tolist() == ["all"]
    values = ANALYSIS["ee_change"].dropna()
    assert table.loc[0, "n"] == len(values)
    assert table.loc[0, "median"] == pytest.approx(values.median(), abs=1e-12)


# --- the categorical rows counted here equal tableone's own ------------------------------------

@st.composite
def baseline_frames(draw) -> tuple[pd.DataFrame, list[str]]:
    """Two groups, a number, and 1-3 categorical columns (text or 0/1, some missing)."""
    size = draw(st.integers(4, 40))
    groups = draw(st.lists(st.sampled_from(["intervention", "control"]), min_size=size,
                           max_size=size).filter(lambda drawn: len(set(drawn)) == 2))
    frame = pd.DataFrame({"group": groups,
                          "age": draw(st.lists(st.integers(18, 40), min_size=size,
                                               max_size=size))})
    categorical = []
    for position in range(draw(st.integers(1, 3))):
        levels = draw(st.sampled_from([["a", "b"], ["x", "y", "z"], [0, 1], ["B", "a", "c"]]))
        values = draw(st.lists(st.one_of(st.sampled_from(levels), st.none()), min_size=size,
                               max_size=size))
        frame[f"c{position}"] = pd.Series(values, dtype=object)
        categorical.append(f"c{position}")
    return frame, categorical


@settings(max_examples=60, deadline=None)
@given(baseline_frames(), st.integers(0, 2))
def test_categorical_rows_equal_tableones(drawn, decimals):
    frame, categorical = drawn
    ours = baseline_table(frame, categorical=categorical, continuous=["age"], decimals=decimals)
    with mock.patch.object(descriptive, "_counts_apply", return_value=False):
        reference = baseline_table(frame, categorical=categorical, continuous=["age"],
                                   decimals=decimals)
    pd.testing.assert_frame_equal(ours, reference, check_exact=True)


def test_counting_applies_only_where_it_reproduces_tableone():
    frame = pd.DataFrame({"group": ["intervention", "control"] * 3, "age": range(6),
                          "sex": ["f", "m", "f", None, "m", "f"]})
    assert descriptive._counts_apply(frame, ["sex"], ["age"], "group")
    assert not descriptive._counts_apply(frame, ["sex"], [], "group")  # no n row to carry
    assert not descriptive._counts_apply(frame, ["sex"], ["age"], None)
    assert not descriptive._counts_apply(frame.assign(group=[None, "control"] * 3), ["sex"],
                                         ["age"], "group")
    everyone_missing = frame.assign(sex=[None, "m"] * 3)  # intervention: only level "None"
    with mock.patch.object(descriptive, "_counts_apply", return_value=False):
        reference = baseline_table(everyone_missing, categorical=["sex"], continuous=["age"])
    pd.testing.assert_frame_equal(
        baseline_table(everyone_missing, categorical=["sex"], continuous=["age"]), reference)
    assert reference.loc[reference["level"] == "None", "intervention"].tolist() == ["3 (100.0)"]


@st.composite
def continuous_frames(draw) -> pd.DataFrame:
    """Two groups (some rows without one) and 1-3 numbers with missing values and ties."""
    size = draw(st.integers(4, 40))
    groups = draw(st.lists(st.one_of(st.sampled_from(["intervention", "control"]), st.none()),
                           min_size=size, max_size=size).filter(
        lambda drawn: {"intervention", "control"} <= set(drawn)))
    frame = pd.DataFrame({"group": pd.Series(groups, dtype=object)})
    for position in range(draw(st.integers(1, 3))):
        numbers = st.one_of(st.none(), st.integers(0, 5).map(float),
                            st.floats(-100, 100, allow_nan=False))
        frame[f"x{position}"] = pd.Series(draw(st.lists(numbers, min_size=size,
                                                        max_size=size)), dtype=float)
    return frame


@settings(max_examples=40, deadline=None)
@given(continuous_frames(), st.booleans(), st.integers(0, 2))
def test_continuous_tables_equal_tableone_on_a_text_group(frame, nonnormal, decimals):
    """_tableone hands tableone the group as a categorical column: same tables as the text."""
    import warnings

    from tableone import TableOne

    columns = [column for column in frame.columns if column != "group"]
    options = {"columns": columns, "categorical": [], "nonnormal": columns if nonnormal else [],
               "pval": False, "decimals": decimals, "missing": True, "overall": True,
               "groupby": "group", "order": {"group": ["control", "intervention"]},
               "smd": True}
    arguments = (frame, columns, [], options["nonnormal"], "group", ["control", "intervention"],
                 decimals)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reference = TableOne(frame, **options)
        except (KeyError, ValueError) as error:  # a group without a value of a column
            with pytest.raises(type(error)):
                descriptive._tableone(*arguments)
            return
    ours = descriptive._tableone(*arguments)
    pd.testing.assert_frame_equal(ours.tableone, reference.tableone, check_exact=True)
    pd.testing.assert_frame_equal(ours.smd_table, reference.smd_table, check_exact=True)


# --- counts and variable kinds from distinct values (the former code as the reference) ---------

@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["a", "b", "None", "c d"])),
                          st.one_of(st.none(), st.sampled_from(["intervention", "control"]))),
                min_size=1, max_size=30))
def test_category_counts_equal_crosstab(cells):
    frame = pd.DataFrame(cells, columns=["level", "group"], dtype=object)
    columns = ["overall", "intervention", "control"]
    counts = descriptive._category_counts(frame, "level", "group", columns)
    values = frame["level"]
    if values.isna().any():
        values = values.astype(object).fillna("None").astype(str)
    expected = pd.crosstab(values.to_numpy(dtype=object), frame["group"].to_numpy(dtype=object))
    expected = expected.reindex(index=sorted(expected.index), columns=columns[1:], fill_value=0)
    expected.insert(0, columns[0], expected.sum(axis=1))
    assert counts.index.tolist() == expected.index.tolist()
    assert counts.to_numpy().tolist() == expected.to_numpy().tolist()
    assert counts.columns.tolist() == columns


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["0", "1", "2.5", "x", " 1"]),
                          st.sampled_from([0, 1, 3])), min_size=1, max_size=12),
       st.sampled_from([object, "str", "numeric"]))
def test_baseline_variables_kinds_equal_converting_every_cell(cells, kind):
    if kind == "str":
        column = pd.Series([cell if cell is None else str(cell) for cell in cells], dtype="str")
    elif kind == "numeric":
        column = pd.Series([cell for cell in cells if not isinstance(cell, str)], dtype=float)
    else:
        column = pd.Series(cells, dtype=object)
    data = pd.DataFrame({"x": column})
    values = pd.to_numeric(data["x"], errors="coerce")
    numeric = values.notna().sum() == data["x"].notna().sum()
    binary = numeric and set(values.dropna().unique()) <= {0, 1}
    expected = ([], ["x"]) if numeric and not binary else (["x"], [])
    assert baseline_variables(data, ["x"]) == expected
