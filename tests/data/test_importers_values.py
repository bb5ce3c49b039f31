"""parse_dates and parse_flags read each distinct cell once; the result must be the cell-by-cell
reading's (the former code, kept here as the reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import Problem
from burnout.data.importers import _values
from burnout.data.importers._values import DATE_EXAMPLE, FLAG_EXAMPLE, parse_dates, parse_flags


def _old_blank(values, blank):
    text = pd.Series(values.to_numpy(dtype=object), index=values.index, dtype=object)
    stripped = text.str.strip()
    present = stripped.notna() & (stripped != "") & ~stripped.isin(blank)
    return stripped, present.astype(bool)


def _old_parse_dates(values, lines, file, column, blank=()):
    stripped, todo = _old_blank(values, blank)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for form in _values._DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(stripped[todo], format=form, errors="coerce")
        good = parsed.notna()
        result[good[good].index] = parsed[good].astype("datetime64[ns]")
        todo[good[good].index] = False
    if todo.any():
        parsed = pd.to_datetime(stripped[todo], format="ISO8601", errors="coerce", utc=True)
        good = parsed.notna()
        result[good[good].index] = parsed[good].dt.tz_localize(None).astype("datetime64[ns]")
        todo[good[good].index] = False
    return result, [Problem(file, lines[i], column, values.iloc[i],
                            f"not a date and time; {DATE_EXAMPLE}")
                    for i in np.flatnonzero(todo.to_numpy())]


def _old_parse_flags(values, lines, file, column):
    stripped, present = _old_blank(values, ())
    cells, found = _values.lookup(stripped.str.lower(), _values._FLAGS)
    flags = np.zeros(len(values), dtype=bool)
    flags[found] = cells[found].astype(bool)
    return pd.Series(flags, index=values.index, dtype=bool), [
        Problem(file, lines[i], column, values.iloc[i], f"not a yes/no value; {FLAG_EXAMPLE}")
        for i in np.flatnonzero(present.to_numpy() & ~found)]


_CELLS = st.lists(st.one_of(st.none(), st.sampled_from([
    "2024-03-01 14:05:00", " 2024-03-01 14:05:00", "3/2/2024 9:30", "3/2/2024 9:30 PM", "soon",
    "", "  ", "[not completed]", "2024-03-01T14:05:00Z", "2024-03-01T14:05:00.5+02:00",
    "2024-02-30 10:00", "2024-03-01", "True", "0", "YES", "maybe", "1.0", "no "])),
    min_size=1, max_size=20)


@settings(max_examples=200, deadline=None)
@given(_CELLS)
def test_dates_and_flags_equal_the_cell_by_cell_reading(cells):
    if all(cell is None for cell in cells):
        cells = [*cells, ""]  # the former code needs one text to use .str
    values = pd.Series(cells, dtype=object, index=range(5, 5 + len(cells)))
    lines = list(range(2, 2 + len(cells)))
    for new, old, extra in ((parse_dates, _old_parse_dates, (("[not completed]",),)),
                            (parse_flags, _old_parse_flags, ())):
        result, problems = new(values, lines, "a.csv", "c", *extra)
        expected, expected_problems = old(values, lines, "a.csv", "c", *extra)
        pd.testing.assert_series_equal(result, expected, check_exact=True)
        assert problems == expected_problems


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
