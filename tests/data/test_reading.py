"""Tests of burnout.data.reading: reading exports, required columns and pseudonyms."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import Problem
from burnout.data.importers import Export
from burnout.data.reading import (
    Pseudonyms,
    cell_problems,
    cell_text,
    read_source,
    read_sources,
    require_columns,
)
from burnout.data.values import map_distinct


def export_of(table: pd.DataFrame, problems=()) -> Export:
    return Export(file="wave.csv", format="csv", table=table, lines=tuple(range(2, len(table) + 2)),
                  identifiers=frozenset(), submitted=pd.Series(pd.NaT, index=table.index),
                  finished=pd.Series(True, index=table.index), dropped=(),
                  problems=tuple(problems))


def test_pseudonyms_follow_roster_order_and_strangers_are_numbered_by_appearance():
    names = Pseudonyms(["kim@uni.edu", "lee@uni.edu", "kim@uni.edu", ""])
    replaced = names.replace(pd.Series(["lee@uni.edu", " kim@uni.edu ", None, "x@y.org",
                                        "z@y.org", "x@y.org"]))
    assert replaced.tolist() == ["P0002", "P0001", "", "unlisted-1", "unlisted-2",
                                 "unlisted-1"]


def test_the_pseudonym_width_grows_with_the_roster():
    names = Pseudonyms([f"id{number}" for number in range(12345)], "R")
    assert names.replace(pd.Series(["id0", "id12344"])).tolist() == ["R00001", "R12345"]


def test_pseudonyms_are_needed_for_marked_columns_and_e_mail_ids_only():
    assert Pseudonyms.needed(pd.Series(["S-001", "2023-0001"]), "id", ["email"]) is False
    assert Pseudonyms.needed(pd.Series(["S-001"]), "RecipientEmail", ["RecipientEmail"]) is True
    assert Pseudonyms.needed(pd.Series(["S-001", "ana.ruiz@med.org"]), "id", []) is True


def test_apply_replaces_one_column_of_a_copy():
    table = pd.DataFrame({"id": ["a@b.org", "c@d.org"], "Q1": ["1", "2"]})
    export = export_of(table)
    changed = Pseudonyms(["c@d.org", "a@b.org"]).apply(export, "id")
    assert changed.table["id"].tolist() == ["P0002", "P0001"]
    assert export.table["id"].tolist() == ["a@b.org", "c@d.org"]  # the original is untouched
    assert changed.lines == export.lines
    assert Pseudonyms([]).apply(None, "id") is None


def test_a_missing_column_names_the_study_key_and_a_close_match():
    problems: list[Problem] = []
    ok = require_columns(export_of(pd.DataFrame({"ResponseId": [], "Q1_1": []})),
                         {"Q1_01": "instruments.mbi.columns", "ResponseId": "waves[0].id"},
                         problems)
    assert ok is False and len(problems) == 1
    assert problems[0].column == "Q1_01" and problems[0].row == 1
    assert "study.yaml key 'instruments.mbi.columns'" in problems[0].rule
    assert "did you mean 'Q1_1'?" in problems[0].rule


def test_only_cell_problems_of_used_or_status_columns_count():
    found = [Problem("wave.csv", 3, "Q1", "x", "not a code"),
             Problem("wave.csv", 4, "unused", "x", "not a code"),
             Problem("wave.csv", 5, "form_complete", "9", "not a status"),
             Problem("wave.csv", 6, None, None, "file problem")]
    kept = cell_problems(export_of(pd.DataFrame({"Q1": []}), found), object(), ["Q1"])
    assert [problem.row for problem in kept] == [3, 5, 6]


# cell_text takes mostly distinct columns (ids) cell by cell and repetitive ones through
# map_distinct; both ways must give what map_distinct gives every column.
_CELL = st.one_of(st.none(), st.just(math.nan), st.integers(-3, 3), st.just(2.5),
                  st.sampled_from(["", "  ", " a", "b ", "a", "x y", "é "]),
                  st.text(max_size=5).map(lambda text: f" id{text} "))


@settings(max_examples=200, deadline=None)
@given(st.lists(_CELL, max_size=30), st.sampled_from([object, "str"]))
def test_cell_text_equals_stripped_text_of_every_cell(cells, dtype):
    if dtype == "str":
        cells = [cell for cell in cells if cell is None or isinstance(cell, str)]
    series = pd.Series(cells, dtype=dtype, index=range(3, 3 + len(cells)), name="id")
    expected = map_distinct(series.astype(object).where(series.notna(), ""),
                            lambda value: str(value).strip())
    pd.testing.assert_series_equal(cell_text(series), expected, check_exact=True)


def test_cell_text_of_a_long_column_of_distinct_ids():
    ids = pd.Series([f" S{number} " for number in range(12_000)] + [None], dtype=object)
    texts = cell_text(ids)
    assert texts.iloc[0] == "S0" and texts.iloc[-1] == "" and len(texts) == 12_001


def test_read_sources_equals_reading_one_by_one_problems_in_request_order(tmp_path):
    """The big first file finishes last; its problem still comes first, as one by one."""
    from types import SimpleNamespace

    rows = "".join(f"P{i},{i % 7}\n" for i in range(200_000))
    (tmp_path / "big.csv").write_text("id,q1\n" + rows + "P9,3,extra\n")  # a ragged row
    (tmp_path / "small.csv").write_text("id,q1\nP1,4\n")
    (tmp_path / "bad.csv").write_bytes(b"id,q1\nP1,\xff\n")  # not UTF-8
    study = SimpleNamespace(folder=tmp_path)
    requests = [(SimpleNamespace(file=name, format="csv"), ["id", "q1"])
                for name in ("big.csv", "small.csv", "missing.csv", "bad.csv")]
    together: list[Problem] = []
    exports = read_sources(study, requests, together)
    alone: list[Problem] = []
    expected = [read_source(study, source, columns, alone) for source, columns in requests]
    assert together == alone
    assert [problem.file for problem in together][0] == "big.csv"
    assert {problem.file for problem in together} == {"big.csv", "missing.csv", "bad.csv"}
    for mine, theirs in zip(exports, expected, strict=True):
        assert (mine is None) == (theirs is None)
        if mine is not None:
            pd.testing.assert_frame_equal(mine.table, theirs.table)
            assert list(mine.lines) == list(theirs.lines)
