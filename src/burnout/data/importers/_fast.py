"""A fast reading of a regular export: one header line, no quotes, every row complete.

Large exports (a million responses) are almost always regular: no cell needs quotes, the
header names every column once, and every row has as many cells as the header. Such a file
is split by pandas' C parser, and the line of every row is found from the positions of the
line breaks (vectorised with numpy), instead of running the ``csv`` module over every cell
and holding every record as a Python list (:func:`~burnout.data.importers._common.
split_records` and :func:`~burnout.data.importers._table.build_table`, several times slower
and larger). Whenever the file is not regular in this sense (quotes, a ragged row, a header
problem, trailing empty rows, a NUL byte, a very long line, a line ended by a lone carriage
return) :func:`regular_table` returns ``None`` and the caller reads the file the general way,
which also words every problem; the result is the same either way
(tests/data/test_importers_fast.py compares both readings).
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

__all__ = ["regular_table"]

_LF, _CR, _COMMA = 10, 13, 44
# The csv module refuses a field longer than this (csv.field_size_limit()): leave such a
# file to the general reading, which says so.
_LONGEST_LINE = 131072


def _line_bounds(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Start and end (exclusive, line break left out) of every physical line, and the start
    of the next one (``len(data)`` after the last); lines end at ``\\n`` or ``\\r\\n``.
    ``None`` when a line ends at a lone ``\\r`` (pandas' C parser reads a comma right after
    one as no separator, unlike the ``csv`` module)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(codes == _LF)
    ends = breaks.copy()
    if b"\r" in data:
        returns = np.flatnonzero(codes == _CR)
        if (returns + 1 >= len(codes)).any() or (codes[np.minimum(returns + 1, len(codes) - 1)]
                                                 != _LF).any():
            return None
        ends[np.searchsorted(breaks, returns + 1)] -= 1  # the \r of a \r\n ends the line
    after = breaks + 1
    if len(after) == 0 or after[-1] < len(codes):  # a last line without a line break
        ends = np.append(ends, len(codes))
        after = np.append(after, len(codes))
    starts = np.concatenate([[0], after[:-1]])
    return starts, ends, after


def _cells_per_line(data: bytes, starts: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Number of commas + 1 on every line (no quotes, so every comma separates cells)."""
    commas = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _COMMA)
    return np.searchsorted(commas, after) - np.searchsorted(commas, starts) + 1


def _regular_header(names: list[str]) -> bool:
    """A header the general reading accepts as is: several columns, each named once."""
    return len(names) > 1 and all(name.strip() for name in names) \
        and len(set(names)) == len(names)


def _split(data: bytes, start: int, end: int) -> list[str]:
    return data[start:end].decode("utf-8").split(",")


def regular_table(data: bytes) -> tuple[list[list[str]], pd.DataFrame, list[int]] | None:
    """(first three records, table, line of each row) of a regular export, else ``None``.

    ``data`` is the file's UTF-8 content without a byte-order mark. The table and the lines
    are those :func:`~burnout.data.importers._table.build_table` and
    :func:`~burnout.data.importers._common.split_records` give: ``str`` cells, ``None`` when
    empty, header lines counted from 1, blank lines skipped.

    Examples
    --------
    >>> head, table, lines = regular_table(b"id,q1\\r\\nP1,4\\r\\n\\r\\nP2,\\r\\n")
    >>> head, table["q1"].tolist(), lines
    ([['id', 'q1'], ['P1', '4'], ['P2', '']], ['4', None], [2, 4])
    >>> regular_table(b'id,q1\\nP1,"4"\\n') is None  # quotes: read the general way
    True
    """
    if b'"' in data or b"\x00" in data:
        return None
    bounds = _line_bounds(data)
    if bounds is None:
        return None
    starts, ends, after = bounds
    filled = np.flatnonzero(ends > starts)  # blank lines hold no record
    if len(filled) < 2 or (ends - starts).max() >= _LONGEST_LINE:
        return None
    first, last = filled[0], filled[-1]
    names = _split(data, starts[first], ends[first])
    body = filled[1:]
    if not _regular_header(names) or \
            (_cells_per_line(data, starts[body], after[body]) != len(names)).any() or \
            not any(cell.strip() for cell in _split(data, starts[last], ends[last])):
        return None
    head = [_split(data, starts[line], ends[line]) for line in filled[:3]]
    table = pd.read_csv(io.BytesIO(data), header=None, names=list(range(len(names))),
                        skiprows=int(first) + 1, dtype=object, na_values=[""],
                        keep_default_na=False, skip_blank_lines=False, engine="c",
                        quoting=csv.QUOTE_NONE, encoding="utf-8")
    rows = body - first - 1  # rows of the blank lines are left out
    if len(table) != len(starts) - first - 1:
        return None
    columns = {}
    for position, name in enumerate(names):
        cells = table[position].to_numpy(dtype=object)[rows]  # a copy, to write None in
        cells[pd.isna(cells)] = None
        columns[name] = cells
    return head, pd.DataFrame(columns, columns=names, dtype=object), (body + 1).tolist()
