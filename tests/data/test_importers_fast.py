"""The fast reading of regular exports gives what the general (csv module) reading gives."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from burnout.core.errors import ValidationError
from burnout.data.importers import read_export
from burnout.data.importers._fast import regular_table
from burnout.data.importers._table import read_table


def _reference(text: str) -> tuple[list[list[str]], list[int]]:
    """The reading before the fast path existed (split_records of the csv module), kept here
    as the reference: non-blank records, their first physical line, trailing empty rows
    dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, lines, last = [], [], 0
    for record in reader:
        if record:
            records.append(record)
            lines.append(last + 1)
        last = reader.line_num
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
        lines.pop()
    return records, lines


def _reference_table(records: list[list[str]]) -> dict[str, list]:
    """Columns as build_table makes them from regular records (empty cells None)."""
    header = records[0]
    return {name: [row[i] or None for row in records[1:]] for i, name in enumerate(header)}


_CELL = st.text(alphabet=st.sampled_from(list("ab1 ,;\"\t\r\n\x00é€x")), max_size=12)


@st.composite
def _files(draw) -> bytes:
    """CSV-like files: some regular, some with quotes, blank lines, ragged rows, odd names."""
    regular = draw(st.integers(0, 2)) > 0  # mostly files the fast path should read
    width = draw(st.integers(2 if regular else 1, 5))
    names = draw(st.lists(st.sampled_from(["id", "q1", "q2", "", " x", "id", "note"]),
                          min_size=width, max_size=width))
    if regular or draw(st.booleans()):
        names = [f"c{i}" for i in range(width)]
    rows = [names]
    for _ in range(draw(st.integers(1 if regular else 0, 6))):
        count = width if regular or draw(st.integers(0, 4)) else draw(st.integers(0, width + 2))
        if regular or draw(st.integers(0, 3)):
            # short cells (cut out with NumPy) and long ones (over 16 bytes: pandas)
            cells = draw(st.lists(st.sampled_from(["", "4", "ab", "é€", " 1 ", "12345678",
                                                   "R_1a2B3c4D5", "é€ long text ", "  ",
                                                   "2024-03-01 10:00:00", "9 bytes é"]),
                                  min_size=count, max_size=count))
        else:
            cells = draw(st.lists(_CELL, min_size=count, max_size=count))
        rows.append(cells)
    text = ""
    for row in rows:
        blank = ["", "", "\n", "\r\n"] + ([] if regular else ["\r", " \n"])
        text += draw(st.sampled_from(blank))  # blank lines
        text += ",".join(row) + draw(st.sampled_from(["\n", "\r\n"] + ([] if regular else ["\r"])))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    if not regular and draw(st.booleans()):
        text += draw(st.sampled_from([",,\n", ", \n", "\n\n"]))
    return text.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files())
def test_regular_table_matches_the_csv_module(data):
    fast = regular_table(data)
    if fast is None:
        return
    records, lines = _reference(data.decode("utf-8"))
    head, table, body_lines = fast
    assert head == records[:3]
    assert body_lines == lines[1:]
    assert list(table.columns) == records[0]
    assert {name: table[name].tolist() for name in table.columns} == _reference_table(records)
    assert all(len(row) == len(records[0]) for row in records[1:])
    assert set(table.dtypes) == {np.dtype(object)}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_files(), st.booleans())
def test_read_export_same_with_or_without_the_fast_path(tmp_path, monkeypatch, data, bom):
    path = tmp_path / "x.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)

    def outcome():
        try:
            export = read_export(tmp_path, "x.csv")
        except (ValidationError, IndexError) as error:
            return type(error), str(error)
        return (export.table.to_dict("list"), export.lines, export.submitted.tolist(),
                export.finished.tolist(), export.problems)

    fast = outcome()
    with monkeypatch.context() as patch:
        patch.setattr("burnout.data.importers._table.regular_table", lambda data: None)
        general = outcome()
    assert fast == general


def test_regular_file_is_read_fast_and_lines_skip_blank_lines(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"\xef\xbb\xbfid,q1,q2\r\n\r\nP1,4,\r\nP2,,x\r\n")
    table, lines = read_table(tmp_path, "a.csv", lambda records: None)
    assert regular_table(b"id,q1,q2\r\n\r\nP1,4,\r\nP2,,x\r\n") is not None
    assert lines == [3, 4]
    assert table.to_dict("list") == {"id": ["P1", "P2"], "q1": ["4", None], "q2": [None, "x"]}


@pytest.mark.parametrize("data", [
    b'id,q1\nP1,"4"\n',          # quotes
    b"id,q1\nP1,4,5\n",          # a ragged row
    b"id,id\nP1,4\n",            # a name twice
    b"id,\nP1,\n",               # an unnamed column
    b"id;q1\nP1;4\n",            # not comma-separated
    b"id,q1\nP1,4\n,\n",         # a trailing empty row
    b"id,q1\nP1,4\x00\n",        # a NUL byte
    b"id,q1\n",                  # no row
])
def test_irregular_files_are_left_to_the_general_reading(data):
    assert regular_table(data) is None


def test_wrong_format_refused_the_same_way_on_the_fast_path(tmp_path):
    (tmp_path / "q.csv").write_text("ResponseId,Q1\nResponse ID,How often?\nR_1,3\n")
    with pytest.raises(ValidationError, match="looks like a Qualtrics export"):
        read_export(tmp_path, "q.csv")
    assert isinstance(regular_table((tmp_path / "q.csv").read_bytes())[1], pd.DataFrame)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_many_distinct_short_cells_and_long_cells(newline):
    # 300 rows: ids mostly distinct (left to pandas), answers few (NumPy), times long
    rows = [f"S{i:03d},{'é' if i % 7 else ''}{i % 5},2024-03-01 10:{i % 60:02d}:00,{i % 3 or ''}"
            for i in range(300)]
    text = newline.join(["id,q1,submitted,q2", *rows[:150], "", *rows[150:]]) + newline
    head, table, lines = regular_table(text.encode("utf-8"))
    records, reference_lines = _reference(text)
    assert lines == reference_lines[1:] and head == records[:3]
    assert table.to_dict("list") == _reference_table(records)
