"""Shared machinery of the importers: the :class:`Export` shape, file text and CSV records.

Everything here reads; nothing writes. A file is read once, as bytes, opened read-only;
its text is split into CSV records (each with the line where it starts, as a text editor
shows it), and a header and its body become a table of ``str`` cells (``None`` when empty).
"""

from __future__ import annotations

import csv
import difflib
import gc
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from burnout.core.errors import Problem, ValidationError

__all__ = ["FORMATS", "Export", "fail", "read_text", "read_data", "split_records",
           "missing_rule", "RESAVE", "gc_paused"]

FORMATS = ("csv", "qualtrics", "redcap")

_UTF8_BOM = b"\xef\xbb\xbf"
_VISIBLE = re.compile(rb"\S")  # what bytes.strip() does not remove
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
RESAVE = "re-download the export, or open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'"


@dataclass(frozen=True)
class Export:
    """One survey-tool export, read as exported, never modified.

    Attributes
    ----------
    file : str
        The file name as given (for messages).
    format : str
        One of :data:`FORMATS`.
    table : pandas.DataFrame
        Object dtype: every cell a ``str``, or ``None`` for an empty cell; columns are the
        tool's variable names; REDCap codes of radio, dropdown, yesno and truefalse fields
        decoded to their labels when a data dictionary was given.
    lines : tuple of int
        For each row of ``table``, its line in the file as a text editor shows it (header
        lines counted; the first is 1; a row whose cells hold line breaks starts there).
    identifiers : frozenset of str
        Columns the tool itself marks as direct identifiers.
    submitted : pandas.Series
        ``datetime64[ns]`` per row of ``table``: when it was submitted (NaT when unknown).
    finished : pandas.Series
        ``bool`` per row of ``table``: whether the response was finished.
    dropped : tuple of (int, str)
        Line and reason of every row the tool marks as not a real response (previews, tests,
        spam, repeats), which is not in ``table``.
    problems : tuple of Problem
        Cells that could not be read (a date, a code not in the dictionary).
    """

    file: str
    format: str
    table: pd.DataFrame
    lines: tuple[int, ...]
    identifiers: frozenset[str]
    submitted: pd.Series
    finished: pd.Series
    dropped: tuple[tuple[int, str], ...]
    problems: tuple[Problem, ...]


def fail(file: str, row: int | None, column: str | None, value, rule: str) -> ValidationError:
    """A :class:`ValidationError` holding one :class:`Problem` (to ``raise``).

    Examples
    --------
    >>> print(fail("a.csv", 3, "Q1", "x", "not a number"))
    1 problem(s) found in the raw data:
      - a.csv, row 3, column 'Q1': not a number (value 'x')
    """
    return ValidationError([Problem(file, row, column, value, rule)])


def missing_rule(folder: Path, file: str) -> str:
    """Why ``file`` cannot be found in ``folder``, with the closest names there.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "Wave1.csv").write_text("id\\n")
    >>> missing_rule(folder, "wave1.csv")  # doctest: +ELLIPSIS
    "the file is not in the folder '...'; did you mean 'Wave1.csv'? ..."
    """
    if not folder.is_dir():
        return f"the folder '{folder}' does not exist; check the study folder"
    rule = f"the file is not in the folder '{folder}'"
    names = sorted(path.name for path in folder.iterdir() if path.is_file())
    close = difflib.get_close_matches(file, names, n=3, cutoff=0.6)
    close += [name for name in names if name.lower() == file.lower() and name not in close]
    if close:
        return rule + f"; did you mean {', '.join(repr(name) for name in close)}? " \
                      "(file names must match exactly, including upper/lower case)"
    return rule + "; check the file name in the study file (it must match exactly)"


def _file_bytes(folder, file: str) -> tuple[bytes, int]:
    """The bytes of ``folder / file`` and the length of its UTF-8 byte-order mark, read-only;
    a missing, UTF-16 or empty file refused."""
    path = Path(folder) / file
    if not path.is_file():
        raise fail(file, None, None, None, missing_rule(Path(folder), file))
    with open(path, "rb") as handle:  # read-only: exports are never modified
        data = handle.read()
    if data.startswith(_UTF16_BOMS):
        raise fail(file, None, None, None, "the file is UTF-16 text (as Qualtrics' TSV download "
                   "or Excel's 'Unicode Text' write it), not CSV; download the export as CSV")
    skipped = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    if _VISIBLE.search(data, skipped) is None:  # only white space (no copy of the data)
        raise fail(file, None, None, None, "the file is empty (no header line and no rows); "
                   "download the export again")
    return data, skipped


def _decoded(data: bytes, skipped: int, file: str) -> str:
    """The text of ``data`` after its byte-order mark; not UTF-8 refused."""
    try:
        return data[skipped:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + skipped
        line = data[:offset].count(b"\n") + 1
        byte = data[offset:offset + 1]
        guess = byte.decode("cp1252", errors="replace")
        raise fail(file, line, None, f"0x{byte.hex()}",
                   f"the file is not UTF-8 text: byte {offset} (line {line}) is not valid UTF-8; "
                   f"it looks Latin-1/Windows-1252 encoded ({guess!r} there), as Excel's plain "
                   f"'CSV' saves it; {RESAVE}") from None


def read_text(folder, file: str) -> str:
    """The UTF-8 text of ``folder / file`` (byte-order mark removed), read-only.

    Raises
    ------
    ValidationError
        The file is missing, empty, UTF-16, or not UTF-8 (the message gives the byte offset
        and line of the first bad byte).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes(b"\\xef\\xbb\\xbfid,score\\r\\nP01,3\\r\\n")
    >>> read_text(folder, "a.csv")
    'id,score\\r\\nP01,3\\r\\n'
    >>> _ = (folder / "b.csv").write_bytes("id,city\\nP01,Montr\\u00e9al\\n".encode("cp1252"))
    >>> read_text(folder, "b.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    burnout.core.errors.ValidationError: ...byte 17 (line 2) is not valid UTF-8...
    """
    return _decoded(*_file_bytes(folder, file), file)


def read_data(folder, file: str) -> bytes:
    """The UTF-8 bytes of ``folder / file`` (byte-order mark removed), read-only; refused as
    :func:`read_text` refuses them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes(b"\\xef\\xbb\\xbfid,score\\r\\nP01,3\\r\\n")
    >>> read_data(folder, "a.csv")
    b'id,score\\r\\nP01,3\\r\\n'
    """
    data, skipped = _file_bytes(folder, file)
    if not data.isascii():  # ASCII is UTF-8; anything else is decoded once to be sure
        _decoded(data, skipped, file)
    return data[skipped:]


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while millions of cell lists are made.

    Those lists hold only strings, so no cycle can form; without the pause the collector
    runs over all of them again and again, making the parse several times slower.

    Examples
    --------
    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def split_records(text: str, file: str = "") -> tuple[list[list[str]], list[int]]:
    """CSV records of ``text`` and the line where each starts; blank lines left out.

    Blank lines carry no record, and trailing rows whose cells are all empty (as Excel may
    write) are dropped. Quoted cells may hold commas and line breaks.

    Examples
    --------
    >>> split_records('id,note\\r\\nP01,"two\\r\\nlines"\\r\\nP02,ok\\r\\n,\\r\\n\\r\\n')
    ([['id', 'note'], ['P01', 'two\\r\\nlines'], ['P02', 'ok']], [1, 2, 4])
    """
    with gc_paused():
        records, lines = _records_with_lines(text, file)
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
        lines.pop()
    return records, lines


def _records_with_lines(text: str, file: str):
    """Non-blank records and the line where each starts, in one pass of the csv reader."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, lines, last = [], [], 0
    add_record, add_line = records.append, lines.append
    try:
        for record in reader:
            if record:
                add_record(record)
                add_line(last + 1)
            last = reader.line_num
    except csv.Error as error:
        raise fail(file, last + 1, None, None, _csv_error_rule(str(error))) from None
    return records, lines


def _csv_error_rule(message: str) -> str:
    """A readable rule for an error of the ``csv`` module."""
    if "end of data" in message:
        return ("a cell that starts with a quote (\") on this line is never closed; add the "
                "missing quote in a text editor, or download the export again")
    if "expected after" in message:
        return ("a quoted cell on this line has text after its closing quote; put the whole "
                "cell in quotes and write a quote inside it as two quotes (\"\")")
    return f"the file cannot be read as CSV ({message}); download the export again"
