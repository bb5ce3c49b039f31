"""parse_dates and parse_flags read each distinct cell once; the result must be what reading
each cell on its own gives (a column of one cell: nothing to share)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.data.importers import _values
from burnout.data.importers._values import parse_dates, parse_flags


def _cell_by_cell(parse, values, lines, *extra):
    """``parse`` of each cell alone: the values concatenated, the problems in order."""
    parts = [parse(values.iloc[[position]], [lines[position]], "a.csv", "c", *extra)
             for position in range(len(values))]
    return (pd.concat([part for part, _ in parts]).astype(parts[0][0].dtype),
            [problem for _, problems in parts for problem in problems])


_CELLS = st.lists(st.one_of(st.none(), st.sampled_from([
    "2024-03-01 14:05:00", " 2024-03-01 14:05:00", "3/2/2024 9:30", "3/2/2024 9:30 PM", "soon",
    "", "  ", "[not completed]", "2024-03-01T14:05:00Z", "2024-03-01T14:05:00.5+02:00",
    "2024-02-30 10:00", "2024-03-01", "True", "0", "YES", "maybe", "1.0", "no "])),
    min_size=1, max_size=20)


@settings(max_examples=80, deadline=None)
@given(_CELLS)
def test_dates_and_flags_equal_reading_each_cell_alone(cells):
    values = pd.Series(cells, dtype=object, index=range(5, 5 + len(cells)))
    lines = list(range(2, 2 + len(cells)))
    for parse, extra in ((parse_dates, (("[not completed]",),)), (parse_flags, ())):
        result, problems = parse(values, lines, "a.csv", "c", *extra)
        expected, expected_problems = _cell_by_cell(parse, values, lines, *extra)
        pd.testing.assert_series_equal(result, expected, check_exact=True)
        assert problems == expected_problems
        empty = [line for line, cell in zip(lines, cells, strict=True) if cell is None]
        assert not result[values.isna()].astype(bool).any() if parse is parse_flags else \
            result[values.isna()].isna().all()  # an empty cell: False / NaT, no problem
        assert not [problem for problem in problems if problem.row in empty]


def test_a_repeated_cell_is_parsed_once(monkeypatch):
    seen = []
    original = pd.to_datetime

    def counted(values, *args, **kwargs):
        seen.append(len(values))
        return original(values, *args, **kwargs)

    monkeypatch.setattr(_values.pd, "to_datetime", counted)
    cells = pd.Series(["2024-03-01 14:05:00", "2024-03-02 09:00:00", None] * 5_000, dtype=object)
    dates, problems = parse_dates(cells, list(range(2, 15_002)), "a.csv", "c")
    assert seen == [2] and problems == []
    assert dates.iloc[:3].dt.strftime("%d %H").tolist()[:2] == ["01 14", "02 09"]
    assert dates.isna().sum() == 5_000 and dates.index.equals(cells.index)
