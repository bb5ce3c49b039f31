"""A table from CSV records: header checks (names, separator), row shapes, ``None`` cells."""

from __future__ import annotations

from itertools import islice

import numpy as np
import pandas as pd

from burnout.core.errors import Problem, ValidationError
from burnout.data.importers._common import RESAVE, gc_paused, read_data, split_records
from burnout.data.importers._fast import regular_table

__all__ = ["build_table", "read_table"]

_MAX_ROW_PROBLEMS = 20


def _letter(index: int) -> str:
    """Spreadsheet letter of the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_problems(file: str, names: list[str], named: int, line: int) -> list[Problem]:
    """Unnamed and duplicate columns of a header (``named`` = columns up to the last name)."""
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        separator = "semicolons (;)" if ";" in names[0] else "tabs"
        return [Problem(file, line, None, None, f"the header line has no commas but {separator}: "
                        f"the file is not comma-separated; {RESAVE}")]
    if not named:
        return [Problem(file, line, None, None, "the header line has no column names; the "
                        "first line of the file must name the columns")]
    problems, positions = [], {}
    for index, name in enumerate(names[:named]):
        if not name.strip():
            problems.append(Problem(file, line, None, None, f"column {index + 1} "
                                    f"({_letter(index)}) has no name in the header line; give "
                                    "it a name"))
        else:
            positions.setdefault(name, []).append(index)
    for name, where in positions.items():
        if len(where) > 1:
            spots = ", ".join(f"{index + 1} ({_letter(index)})" for index in where)
            problems.append(Problem(file, line, name, None, f"the column name appears {len(where)} "
                                    f"times in the header (columns {spots}); every column needs "
                                    "its own name: rename the duplicates (in the survey tool, the "
                                    "question's export tag or variable name) and export again"))
    return problems


def _row_problems(file, body, lines, named, header_line) -> list[Problem]:
    """Rows with fewer cells than the named columns, or values beyond them."""
    problems = []
    for row, line in zip(body, lines, strict=True):
        count = len(row)
        if count == named or (count > named and not any(row[named:])):
            continue
        extra = "" if count < named else "; it has a value beyond the last named column"
        problems.append(Problem(file, line, None, None, f"this row has {count} cells but the "
                                f"header (line {header_line}) has {named} columns{extra}; a "
                                "comma inside an answer may have lost its quotes, or the row was "
                                "cut: fix that line in a text editor or download the export again"))
    if len(problems) > _MAX_ROW_PROBLEMS:
        more = len(problems) - _MAX_ROW_PROBLEMS
        problems = problems[:_MAX_ROW_PROBLEMS] + [Problem(
            file, None, None, None, f"... and {more} more rows with the wrong number of cells")]
    return problems


def build_table(file: str, header: list[str], header_line: int, body: list[list[str]],
                lines: list[int]) -> pd.DataFrame:
    """The table of ``body`` under ``header``: ``str`` cells, ``None`` where empty.

    Trailing columns without a name whose cells are all empty (a trailing comma, as
    Qualtrics' legacy format and Excel write) are left out.

    Raises
    ------
    ValidationError
        A column without a name or named twice, a file not separated by commas, or rows
        with more or fewer cells than the header.

    Examples
    --------
    >>> build_table("a.csv", ["id", "Q1", ""], 1, [["P01", "", ""], ["P02", "4", ""]], [2, 3])
        id    Q1
    0  P01  None
    1  P02     4
    """
    named = len(header)
    while named and not header[named - 1].strip():
        named -= 1
    problems = _header_problems(file, header, named, header_line)
    problems = problems or _row_problems(file, body, lines, named, header_line)
    if problems:
        raise ValidationError(problems)
    columns = {name: np.array([], dtype=object) for name in header[:named]}
    with gc_paused():
        cut = islice(zip(*body, strict=False), named)  # valid rows have >= `named` cells
        for name, values in zip(header[:named], cut, strict=False):
            cells = np.array(values, dtype=object)
            cells[cells == ""] = None
            columns[name] = cells
    return pd.DataFrame(columns, columns=header[:named], dtype=object, copy=False)


def read_table(folder, file: str, refuse) -> tuple[pd.DataFrame, list[int]]:
    """The table of the file ``folder / file`` with one header line, and the line of each row.

    ``refuse(records)`` is called with the file's first three CSV records (to raise when they
    show another format) before the table is checked. A regular file (see
    :mod:`~burnout.data.importers._fast`) is split by pandas' C parser; any other the general
    way (:func:`~burnout.data.importers._common.split_records`, :func:`build_table`), which
    gives the same table and words every problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text('id,Q1\\nP01,"4"\\n\\nP02,\\n')
    >>> table, lines = read_table(folder, "a.csv", lambda records: None)
    >>> table["Q1"].tolist(), lines
    (['4', None], [2, 4])
    """
    data = read_data(folder, file)
    regular = regular_table(data)
    if regular is not None:
        head, table, lines = regular
        refuse(head)
        return table, lines
    records, lines = split_records(data.decode("utf-8"), file)
    refuse(records[:3])
    return build_table(file, records[0], lines[0], records[1:], lines[1:]), lines[1:]
