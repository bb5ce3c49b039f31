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
# Columns whose cells are at most this many bytes are cut out of the file with NumPy.
_SHORT = 16
# _BYTE_MASKS[k] keeps the first k bytes of a little-endian 8-byte word
_BYTE_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


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


def _comma_grid(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                width: int) -> np.ndarray | None:
    """The positions of the commas of the body lines (``starts``, ``ends``) as one row of
    ``width - 1`` per line, or ``None`` when a line has another number of cells.

    The commas are sorted and the lines disjoint: when there are exactly ``width - 1`` per
    line in all and each row of the grid lies within its own line, every line has exactly
    ``width - 1`` (no quotes, so every comma separates cells)."""
    commas = np.flatnonzero(codes == _COMMA)
    commas = commas[np.searchsorted(commas, starts[0]):]
    if len(commas) != len(starts) * (width - 1):
        return None
    grid = commas.reshape(len(starts), width - 1)
    if (grid[:, 0] < starts).any() or (grid[:, -1] >= ends).any():
        return None
    return grid


def _short_cells(codes: np.ndarray, words: np.ndarray, begin: np.ndarray, end: np.ndarray,
                 longest: int) -> np.ndarray | None:
    """The cells ``codes[begin:end]`` of one column, none longer than ``longest`` bytes, as
    ``str`` (``None`` when empty): each distinct cell decoded once, in NumPy rather than one
    Python string per cell (answer codes, yes/no, sites, groups: few distinct short values).
    ``None`` when most cells differ (ids): pandas boxes those faster.

    ``words[i]`` is the little-endian 8-byte word of the bytes from position ``i``; a cell is
    up to ``_SHORT // 8`` such words, its bytes past the cell's end masked to zero (the file
    has no NUL byte, so the words tell the cells apart). The distinct cells are numbered by
    factorizing the words, the first word alone first: when it already has too many distinct
    values, the column is left to pandas without looking further.
    """
    if longest <= 1:  # one byte: an ASCII character (a longer one takes several bytes)
        characters = np.empty(128, dtype=object)
        characters[:] = [None] + [chr(code) for code in range(1, 128)]
        return characters[np.where(end > begin, codes[np.minimum(begin, len(codes) - 1)], 0)]
    too_many = max(len(begin) // 4, 64)
    lengths = end - begin
    inverse, count = None, 1
    for offset in range(0, longest, 8):
        kept = np.clip(lengths - offset, 0, 8)  # the cell's bytes in this word
        word = words[begin + offset] & _BYTE_MASKS[kept]
        numbers, distinct = pd.factorize(word)
        inverse = numbers if inverse is None else pd.factorize(
            inverse.astype(np.int64) * len(distinct) + numbers)[0]
        count = int(inverse.max()) + 1
        if count > too_many:
            return None
    # factorize numbers in order of first appearance: a number's first cell is where the
    # running maximum grows
    running = np.maximum.accumulate(inverse)
    first = np.flatnonzero(np.concatenate([[True], running[1:] > running[:-1]]))
    texts = np.empty(count, dtype=object)
    texts[:] = [codes[start:stop].tobytes().decode("utf-8") or None
                for start, stop in zip(begin[first].tolist(), end[first].tolist(), strict=True)]
    return texts[inverse]


def _regular_header(names: list[str]) -> bool:
    """A header the general reading accepts as is: several columns, each named once."""
    return len(names) > 1 and all(name.strip() for name in names) \
        and len(set(names)) == len(names)


def _split(data: bytes, start: int, end: int) -> list[str]:
    return data[start:end].decode("utf-8").split(",")


def _columns(data: bytes, names: list[str], starts: np.ndarray, ends: np.ndarray,
             body: np.ndarray, first: int) -> dict[str, np.ndarray] | None:
    """The cells of every column (object arrays, ``None`` when empty) of the ``body`` lines
    under the header on line index ``first``; ``None`` when a row is not as wide as the
    header."""
    codes = np.frombuffer(data, dtype=np.uint8)
    grid = _comma_grid(codes, starts[body], ends[body], len(names))
    if grid is None:
        return None
    padded = np.concatenate([codes, np.zeros(_SHORT, dtype=np.uint8)])
    # every 8-byte window of the file as one little-endian integer (a view, no copy)
    words = np.ndarray(len(codes) + _SHORT - 7, dtype="<u8", buffer=padded, strides=(1,))
    columns = {}
    last = len(names) - 1
    for k, name in enumerate(names):  # one column's bounds at a time (a million rows each)
        begin = starts[body] if k == 0 else grid[:, k - 1] + 1
        finish = ends[body] if k == last else grid[:, k]
        size = int((finish - begin).max())
        cells = _short_cells(codes, words, begin, finish, size) if size <= _SHORT else None
        if cells is not None:
            columns[name] = cells
    del grid, words, padded
    long = [position for position, name in enumerate(names) if name not in columns]
    if long:  # ids, e-mail addresses, times: mostly distinct, boxed by pandas' C parser
        table = pd.read_csv(io.BytesIO(data), header=None, names=list(range(len(names))),
                            usecols=long, skiprows=first + 1, dtype=object, na_values=[""],
                            keep_default_na=False, skip_blank_lines=False, engine="c",
                            quoting=csv.QUOTE_NONE, encoding="utf-8")
        if len(table) != len(starts) - first - 1:
            return None
        rows = body - first - 1  # rows of the blank lines are left out
        for position in long:
            cells = table[position].to_numpy(dtype=object)[rows]  # a copy, to write None in
            cells[pd.isna(cells)] = None
            columns[names[position]] = cells
    return columns


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
    starts, ends, _ = bounds
    filled = np.flatnonzero(ends > starts)  # blank lines hold no record
    if len(filled) < 2 or (ends - starts).max() >= _LONGEST_LINE:
        return None
    first, last = filled[0], filled[-1]
    names = _split(data, starts[first], ends[first])
    body = filled[1:]
    if not _regular_header(names) or \
            not any(cell.strip() for cell in _split(data, starts[last], ends[last])):
        return None
    head = [_split(data, starts[line], ends[line]) for line in filled[:3]]
    columns = _columns(data, names, starts, ends, body, int(first))
    if columns is None:
        return None
    table = pd.DataFrame(columns, columns=names, dtype=object, copy=False)  # no copy of them
    return head, table, (body + 1).tolist()
