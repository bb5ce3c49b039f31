"""Tests of burnout.baseline (Table 1) against direct pandas/numpy computations.

Counts exact; percentages, medians, means and SDs as formatted to one decimal; SMD 1e-9.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burnout.baseline import baseline_table
from burnout.errors import DataError

REFERENCE_DIR = Path(__file__).parent / "reference"
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


def test_bad_input_raises():
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
    import numpy as np

    from burnout.baseline import describe_numbers

    ages = [23, 25, 27, 24, 30]
    numbers = describe_numbers(pd.DataFrame({"age": ages}), ["age"])
    assert numbers["describe.age.mean"] == pytest.approx(np.mean(ages))
    assert numbers["describe.age.sd"] == pytest.approx(np.std(ages, ddof=1))
    assert numbers["describe.age.n"] == 5


def test_describe_numbers_bad_input_names_row_and_column():
    from burnout.baseline import describe_numbers
    from burnout.errors import DataError

    with pytest.raises(DataError, match=r"analysis.csv, row 3, column 'age'"):
        describe_numbers(pd.DataFrame({"age": [23, "old"]}), ["age"])
    with pytest.raises(DataError, match="column 'height' missing"):
        describe_numbers(pd.DataFrame({"age": [23]}), ["height"])
