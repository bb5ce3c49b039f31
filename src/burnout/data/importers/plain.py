"""Plain ("tidy") CSV files: one header line of column names, one row per response.

Nothing is dropped or decoded. ``submitted`` comes from the column named by the caller (else
a column called ``submitted``) and ``finished`` likewise (else ``finished``; true/false, 1/0,
yes/no in any case); without it every row counts as finished. A file whose 2nd and 3rd lines
are Qualtrics header lines, or with REDCap event / repeat columns, is refused: read as a
plain table those lines or rows would pass for responses.
"""

from __future__ import annotations

import pandas as pd

from burnout.data.importers._common import Export, fail
from burnout.data.importers._sniff import looks_qualtrics
from burnout.data.importers._table import read_table
from burnout.data.importers._values import parse_dates, parse_flags

__all__ = ["read_plain"]

_REDCAP_ROWS = ("redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance")


def _column(table: pd.DataFrame, file: str, given: str | None, default: str, what: str):
    """The column holding ``what``: ``given`` (which must exist), else ``default`` if present."""
    if given is None:
        return default if default in table.columns else None
    if given not in table.columns:
        raise fail(file, 1, given, None, f"the column named as the {what} is not in the file "
                   f"(its columns: {', '.join(table.columns[:12])}); check the name")
    return given


def _refuse_qualtrics(file: str, records: list[list[str]]) -> None:
    if looks_qualtrics(records):
        raise fail(file, 2, None, None, "this looks like a Qualtrics export (its 2nd and 3rd "
                   "lines are Qualtrics header lines, not responses): set its format to qualtrics")


def read_plain(folder, file: str, *, submitted: str | None = None,
               finished: str | None = None) -> Export:
    """Read one plain CSV file of ``folder`` (see the module docstring).

    Parameters
    ----------
    folder : pathlib.Path or str
        The study folder.
    file : str
        The file name in ``folder``.
    submitted, finished : str, optional
        Columns with the submission time and the finished flag.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "pre.csv").write_text(
    ...     "student,group,ee1,submitted,finished\\n"
    ...     "S01,mentor,3,2024-03-01 10:00,yes\\nS02,control,,3/2/2024 9:30,FALSE\\n")
    >>> export = read_plain(folder, "pre.csv")
    >>> export.table["ee1"].tolist(), export.lines, export.finished.tolist()
    (['3', None], (2, 3), [True, False])
    >>> export.submitted.astype(str).tolist()
    ['2024-03-01 10:00:00', '2024-03-02 09:30:00']
    """
    table, kept = read_table(folder, file, lambda records: _refuse_qualtrics(file, records))
    redcap = [name for name in _REDCAP_ROWS if name in table.columns]
    if redcap:
        raise fail(file, 1, redcap[0], None, "this looks like a REDCap export (it has REDCap's "
                   "event / repeat columns): set its format to redcap, so events and repeats "
                   "are read as REDCap means them")
    problems = []
    column = _column(table, file, submitted, "submitted", "submission time")
    dates = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    if column is not None:
        dates, problems = parse_dates(table[column], kept, file, column)
    column = _column(table, file, finished, "finished", "finished flag")
    flags = pd.Series(True, index=table.index, dtype=bool)
    if column is not None:
        flags, flag_problems = parse_flags(table[column], kept, file, column)
        problems = problems + flag_problems
    return Export(file=file, format="csv", table=table, lines=tuple(kept),
                  identifiers=frozenset(), submitted=dates, finished=flags, dropped=(),
                  problems=tuple(problems))
