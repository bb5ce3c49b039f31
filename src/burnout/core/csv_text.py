"""The text of a CSV file, as ``DataFrame.to_csv`` writes it, column by column.

``pandas.DataFrame.to_csv(float_format=...)`` formats every float cell through a Python call
per value plus a missing-value check per value, and then hands rows of objects to the ``csv``
module: about 3 microseconds a cell, so a 1.5-million-row table of 25 columns takes minutes.
The tables this project writes hold only a few column types (float, integer, nullable integer,
boolean and text), so :func:`csv_text` formats each column in one pass (one ``%`` per float, no
per-cell checks; a repeated value once), quotes text only where the ``csv`` module would, and
puts the rows together in a NumPy byte buffer (or with ``str.join`` when a column holds
distinct texts of many widths); it is about three times faster and gives exactly the same
bytes. No installed
library writes a CSV with this float format faster (pyarrow's writer prints floats in shortest
form, not to 10 significant digits, and is not a dependency). Any other frame (an index to
write, column labels that are not plain strings, other dtypes, one column) goes to
``to_csv`` unchanged. ``tests/core/test_csv_text.py`` checks the equality on random frames.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

__all__ = ["csv_text", "csv_chunks"]

# The characters that make the csv module (QUOTE_MINIMAL, '"' as quote, "\n" as line end)
# enclose a field in quotes: the delimiter, the quote and the line end (a bare "\r" is not).
_SPECIAL = (",", '"', "\n")
# Rows whose distinct-text columns (one text per cell) have more widths than this in all are
# joined by str.join (measured: an id column of 5 widths is faster in bytes, five residual
# columns of 4-8 widths each are faster joined)
_WIDTHS = 8


def _quoted(values: list[str]) -> list[str]:
    """Quote the fields the csv module would quote (doubling inner quotes)."""
    joined = "\x00".join(values)
    if not any(character in joined for character in _SPECIAL):
        return values  # the usual case, decided by scanning the whole column at once
    return ['"' + value.replace('"', '""') + '"'
            if any(character in value for character in _SPECIAL) else value
            for value in values]


def _distinct_once(keys: np.ndarray, values: Callable[[np.ndarray], list],
                   text: Callable[[object], str] | None) -> tuple[np.ndarray | None, list[str]]:
    """``text`` of each cell, computed once per distinct ``keys`` value: ``(codes, texts)``,
    cell ``i`` printing as ``texts[codes[i]]`` (``codes`` None: ``texts`` has one per cell).

    Scores, item answers, counts and flags repeat a few values over many rows, so the
    distinct values are found first and each is formatted once (``values`` turns an array of
    keys into the Python values to format; ``text`` None: they are the texts). A column
    whose first 10,000 keys are mostly distinct (residuals, ids) is formatted cell by cell.
    """
    codes = uniques = None
    if 2 * len(pd.unique(keys[:10_000])) <= min(len(keys), 10_000):  # repeats, judged early
        codes, uniques = pd.factorize(keys)
    if uniques is None or 2 * len(uniques) > len(keys):
        codes, uniques = None, keys
    texts = values(uniques)
    return codes, texts if text is None else [text(value) for value in texts]


def _blank(cells: tuple[np.ndarray | None, list[str]], missing: np.ndarray
           ) -> tuple[np.ndarray | None, list[str]]:
    """``cells`` (as :func:`_distinct_once` gives them) with the ``missing`` ones empty."""
    codes, texts = cells
    if not missing.any():
        return codes, texts
    if codes is None:
        for position in np.flatnonzero(missing).tolist():
            texts[position] = ""  # na_rep
        return None, texts
    return np.where(missing, len(texts), codes), [*texts, ""]


def _float_column(values: np.ndarray, float_format: str) -> tuple[np.ndarray | None, list[str]]:
    """The cells of a float column; distinct values are told apart by their bit patterns
    (0.0 and -0.0 stay apart, as their texts do)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    cells = _distinct_once(values.view(np.int64), lambda keys: keys.view(np.float64).tolist(),
                           float_format.__mod__)
    return _blank(cells, np.isnan(values))


def _handled(column: pd.Series) -> bool:
    """Whether :func:`_column_texts` prints ``column`` exactly as to_csv does."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return True
    if isinstance(dtype, pd.Int64Dtype | pd.StringDtype):
        return True
    if isinstance(dtype, np.dtype) and dtype.kind == "O":  # text only (NaN/None missing)
        values = column.to_numpy()
        return all(type(value) is str for value in values[~pd.isna(values)].tolist())
    return False


def _column_texts(column: pd.Series, float_format: str) -> tuple[np.ndarray | None, list[str]]:
    """The cells of ``column`` (a :func:`_handled` one) as to_csv prints them, as
    :func:`_distinct_once` gives them."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return _float_column(column.to_numpy(), float_format)
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return _distinct_once(column.to_numpy(), np.ndarray.tolist, str)
    missing = column.isna().to_numpy()
    if isinstance(dtype, pd.Int64Dtype):
        return _blank(_distinct_once(column.to_numpy(dtype=np.int64, na_value=0),
                                     np.ndarray.tolist, str), missing)
    keys = column.to_numpy(dtype=object, copy=True)
    keys[missing] = ""
    codes, texts = _distinct_once(keys, np.ndarray.tolist, None)
    return codes, _quoted(texts)


def _spread(out: np.ndarray, position: np.ndarray, data: np.ndarray, start: np.ndarray,
            length: np.ndarray) -> None:
    """Copy ``data[start[i]:start[i] + length[i]]`` to ``out[position[i]:...]`` for every i."""
    widths = np.flatnonzero(np.bincount(length)) if len(length) else length
    if len(widths) > 16:  # free text: byte by byte, each byte's cell found by np.repeat
        owner = np.repeat(np.arange(len(length)), length)
        within = np.arange(len(owner)) - np.repeat(np.cumsum(length) - length, length)
        out[position[owner] + within] = data[start[owner] + within]
        return
    for width in widths.tolist():  # cells of one width: one NumPy copy per byte of it
        cells = slice(None) if len(widths) == 1 else np.flatnonzero(length == width)
        into, source = position[cells], start[cells]
        for offset in range(width):
            out[into + offset] = data[source + offset]


def _joined_rows(columns: list[tuple[np.ndarray | None, list[str]]]) -> str:
    cells = [np.array(texts, dtype=object)[codes].tolist() if codes is not None else texts
             for codes, texts in columns]
    return "\n".join(map(",".join, zip(*cells, strict=True))) + "\n"


def _rows_text(columns: list[tuple[np.ndarray | None, list[str]]]) -> str:
    """``"\n".join(map(",".join, rows)) + "\n"`` of the cells of ``columns``.

    When the cells repeat a few texts or have a few widths (answers, flags, ids), the rows
    are put together in one byte buffer with NumPy: each column's distinct texts are encoded
    once and copied to their cells' places, one NumPy copy per byte position of each width
    (joining a million rows of 25 Python strings cost as much as formatting them). Rows
    whose distinct-text columns have many widths in all (residuals), or a text beyond ASCII,
    go to ``str.join``, which is faster there.
    """
    if sum(len(set(map(len, texts[:1_000]))) for codes, texts in columns
           if codes is None) > _WIDTHS:  # judged on the first cells, before any work
        return _joined_rows(columns)
    placed = []
    for codes, texts in columns:
        joined = "".join(texts)
        data = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
        if len(data) != len(joined):  # not ASCII: a byte is not a character
            return _joined_rows(columns)
        length = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        start = np.cumsum(length) - length
        placed.append((data, start, length) if codes is None else
                      (data, start[codes], length[codes]))
    width = sum(length for _, _, length in placed) + len(placed)  # the commas and the "\n"
    ends = np.cumsum(width)
    out = np.full(int(ends[-1]), ord(","), dtype=np.uint8)
    out[ends - 1] = ord("\n")
    position = ends - width
    for data, start, length in placed:
        _spread(out, position, data, start, length)
        position = position + length + 1
    return out.tobytes().decode("ascii")


def csv_chunks(frame: pd.DataFrame, float_format: str, index: bool = False,
               rows: int = 100_000) -> Iterator[str]:
    """The text of :func:`csv_text` in pieces of at most ``rows`` rows (the header first), so
    a large table is never held as text, or as one string per cell, all at once.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"], "score": [0.5, None, 2.0]})
    >>> [piece.splitlines() for piece in csv_chunks(frame, "%.3g", rows=2)]
    [['id,score'], ['a,0.5', 'b,'], ['c,2']]
    """
    labels = list(frame.columns)
    if (index or len(labels) < 2 or isinstance(frame.columns, pd.MultiIndex)
            or not all(type(label) is str for label in labels)
            or not all(_handled(frame.iloc[:, position]) for position in range(len(labels)))):
        yield frame.to_csv(index=index, float_format=float_format, lineterminator="\n")
        return
    yield ",".join(_quoted(labels)) + "\n"
    for start in range(0, len(frame), rows):
        part = frame.iloc[start:start + rows]
        yield _rows_text([_column_texts(part.iloc[:, position], float_format)
                          for position in range(len(labels))])


def csv_text(frame: pd.DataFrame, float_format: str, index: bool = False) -> str:
    """``frame.to_csv(index=index, float_format=float_format, lineterminator="\\n")``, faster.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to write.
    float_format : str
        A ``%`` format for float cells, e.g. ``"%.10g"``; missing values print as nothing.
    index : bool, default False
        Whether to write the row index (then ``to_csv`` does all the work).

    Returns
    -------
    str
        The CSV text, ``\\n`` line endings, a header row, fields quoted only where needed.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a", "b,c"], "score": [1 / 3, None], "n": [3, 4]})
    >>> print(csv_text(frame, "%.4g"), end="")
    id,score,n
    a,0.3333,3
    "b,c",,4
    >>> csv_text(frame, "%.4g") == frame.to_csv(index=False, float_format="%.4g",
    ...                                          lineterminator=chr(10))
    True
    """
    return "".join(csv_chunks(frame, float_format, index=index))
