"""Whole-column parsing of cell values: dates and times, yes/no flags, code-to-label lookup.

Every function works on a whole column at once (pandas / NumPy), so a million rows cost a
few passes, and returns the :class:`~burnout.core.errors.Problem` of every cell it cannot
read instead of stopping at the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from burnout.core.errors import Problem

__all__ = ["lookup", "parse_dates", "parse_flags", "DATE_EXAMPLE"]

# Tried in order on the cells still unread: Qualtrics / REDCap, ISO "T", date only, then the
# US form Excel writes when it re-saves a CSV (month first), with or without seconds / AM-PM.
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                 "%Y-%m-%d", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p",
                 "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y")
DATE_EXAMPLE = ("expected a date and time like 2024-03-01 14:05:00 (as Qualtrics and REDCap "
                "write it) or 3/1/2024 14:05 (month first, as US Excel re-saves it); a day-first "
                "date cannot be told from a month-first one: use the export as downloaded")
_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False,
          "1.0": True, "0.0": False}
FLAG_EXAMPLE = "expected true/false, 1/0 or yes/no"


def lookup(values: pd.Series, mapping: dict[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """``mapping[value]`` for every cell (object array) and where a key was found (bool array).

    Cells that are not keys keep their value. The lookup is one hash join of the column.

    Examples
    --------
    >>> cells, found = lookup(pd.Series(["1", None, "7"], dtype=object), {"1": "Female"})
    >>> cells.tolist(), found.tolist()
    (['Female', None, '7'], [True, False, False])
    """
    cells = values.to_numpy(dtype=object)
    keys = pd.Index(list(mapping), dtype=object)
    where = keys.get_indexer(cells) if len(keys) else np.full(len(cells), -1)
    found = where >= 0
    targets = np.empty(len(mapping), dtype=object)
    targets[:] = list(mapping.values())
    result = cells.copy()
    result[found] = targets[where[found]]
    return result, found


def _blank(values: pd.Series, blank: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Stripped text of ``values`` and where a cell holds something other than a blank."""
    text = pd.Series(values.to_numpy(dtype=object), index=values.index, dtype=object)
    stripped = text.str.strip()
    present = stripped.notna() & (stripped != "") & ~stripped.isin(blank)
    return stripped, present.astype(bool)


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Factorize codes of the cells (-1 when missing) and the distinct cells: a column is read
    once per distinct value (a status column repeats a few texts over a million rows)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def parse_dates(values: pd.Series, lines, file: str, column: str,
                blank: tuple[str, ...] = ()) -> tuple[pd.Series, list[Problem]]:
    """Dates and times of a text column (``datetime64[ns]``, NaT when empty or unreadable).

    Empty cells and the texts of ``blank`` (REDCap's ``"[not completed]"``) are NaT without
    a problem; any other unreadable cell is NaT and a problem at its line.

    Examples
    --------
    >>> cells = pd.Series(["2024-03-01 14:05:00", "3/2/2024 9:30", None, "soon"], dtype=object)
    >>> dates, problems = parse_dates(cells, [4, 5, 6, 7], "a.csv", "EndDate")
    >>> dates.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2024-03-01 14:05', '2024-03-02 09:30', nan, nan]
    >>> [(p.row, p.value) for p in problems]
    [(7, 'soon')]
    """
    codes, distinct = _distinct(values)
    stripped, todo = _blank(distinct, blank)
    result = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[ns]")
    for form in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(stripped[todo], format=form, errors="coerce")
        good = parsed.notna()
        result[good[good].index] = parsed[good].astype("datetime64[ns]")
        todo[good[good].index] = False
    if todo.any():  # ISO 8601 with fractions or a time zone ("2024-03-01T14:05:00Z")
        parsed = pd.to_datetime(stripped[todo], format="ISO8601", errors="coerce", utc=True)
        good = parsed.notna()
        result[good[good].index] = parsed[good].dt.tz_localize(None).astype("datetime64[ns]")
        todo[good[good].index] = False
    dates = np.append(result.to_numpy(), np.datetime64("NaT", "ns"))  # the last: missing
    positions = np.flatnonzero(np.append(todo.to_numpy(), False)[codes])
    problems = [Problem(file, lines[i], column, values.iloc[i], f"not a date and time; "
                        f"{DATE_EXAMPLE}") for i in positions]
    return pd.Series(dates[codes], index=values.index, dtype="datetime64[ns]"), problems


def parse_flags(values: pd.Series, lines, file: str,
                column: str) -> tuple[pd.Series, list[Problem]]:
    """Yes/no cells as ``bool`` (true/false, 1/0, yes/no, any case); empty is ``False``.

    Examples
    --------
    >>> flags, problems = parse_flags(pd.Series(["True", "0", None, "YES", "maybe"],
    ...                                         dtype=object), [2, 3, 4, 5, 6], "a.csv", "done")
    >>> flags.tolist(), [(p.row, p.value) for p in problems]
    ([True, False, False, True, False], [(6, 'maybe')])
    """
    codes, distinct = _distinct(values)
    stripped, present = _blank(distinct, ())
    cells, found = lookup(stripped.str.lower(), _FLAGS)
    flags = np.zeros(len(distinct) + 1, dtype=bool)  # the last: a missing cell
    flags[:-1][found] = cells[found].astype(bool)
    bad = np.flatnonzero(np.append(present.to_numpy() & ~found, False)[codes])
    flags = flags[codes]
    problems = [Problem(file, lines[i], column, values.iloc[i], f"not a yes/no value; "
                        f"{FLAG_EXAMPLE}") for i in bad]
    return pd.Series(flags, index=values.index, dtype=bool), problems
