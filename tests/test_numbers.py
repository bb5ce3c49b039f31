"""Tests of burnout.numbers: stage fragments and citable numbers from tidy tables."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from burnout.errors import DataError
from burnout.numbers import collect_numbers, table_numbers, write_stage_numbers


def test_table_numbers_fill_the_key_template_per_row_and_statistic():
    result = pd.DataFrame({"outcome": ["ee_post", "dp_post"], "group": ["a", "b"],
                           "p_val": [0.4, np.nan], "n": np.array([135, 90], dtype="int64")})
    numbers = table_numbers(result.assign(name=["ee", "dp"]), "test.{name}.{group}.{statistic}",
                            {"p": "p_val", "n": "n"})
    assert list(numbers) == ["test.ee.a.p", "test.ee.a.n", "test.dp.b.p", "test.dp.b.n"]
    assert numbers["test.ee.a.p"] == 0.4 and math.isnan(numbers["test.dp.b.p"])
    assert type(numbers["test.ee.a.n"]) is int  # plain Python numbers, not numpy scalars
    assert table_numbers(result, "x.{outcome}.{statistic}", ["n"]) == {"x.ee_post.n": 135,
                                                                       "x.dp_post.n": 90}


def test_table_numbers_name_a_missing_column():
    result = pd.DataFrame({"outcome": ["ee"], "p": [0.4]})
    with pytest.raises(DataError, match=r"column\(s\) \['se'\] missing"):
        table_numbers(result, "x.{outcome}.{statistic}", ["p", "se"])
    with pytest.raises(DataError, match="names 'subscale'"):
        table_numbers(result, "x.{subscale}.{statistic}", ["p"])


def test_stage_fragments_are_merged_and_a_key_may_appear_once(tmp_path, monkeypatch):
    from burnout import numbers as module

    class Paths:
        reports = tmp_path

    monkeypatch.setattr(module, "study_paths", lambda study: Paths)
    write_stage_numbers("any", "first", {"b.value": 2, "a.value": float("nan")})
    assert json.loads((tmp_path / "numbers" / "first.json").read_text()) == {
        "a.value": None, "b.value": 2}
    write_stage_numbers("any", "second", {"c.value": 3})
    assert collect_numbers("any") == {"a.value": None, "b.value": 2, "c.value": 3}
    write_stage_numbers("any", "third", {"c.value": 4})
    with pytest.raises(DataError, match="'c.value' is already recorded"):
        collect_numbers("any")
    with pytest.raises(DataError, match="dotted lower case"):
        write_stage_numbers("any", "bad", {"Bad Key": 1})
