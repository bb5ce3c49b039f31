"""Tests of burnout.summaries against R's quantile(type = 7) (comparisons.R), 1e-12 absolute."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from burnout.errors import DataError
from burnout.summaries import median_quartiles_table

REFERENCE_DIR = Path(__file__).parent / "reference"
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


def test_bad_input_raises():
    with pytest.raises(DataError, match="missing"):
        median_quartiles_table(ANALYSIS, subscales=["ee"], waves=["follow_up"])
    data = ANALYSIS.astype({"ee_pre": object})
    data.loc[4, "ee_pre"] = "high"
    with pytest.raises(DataError, match="row 6, column 'ee_pre'"):
        median_quartiles_table(data)
