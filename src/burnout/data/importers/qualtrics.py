"""Qualtrics CSV exports (Data & Analysis -> Export Data -> CSV), current and legacy format.

The current format has three header lines: the variable names (``StartDate``, ...,
``ResponseId``, ``Q1_1``), the question texts, and one ``{"ImportId":"..."}`` JSON cell per
column. The legacy format (before 2017) has two: names and question texts; its metadata
columns may be named ``V1`` ... ``V10``, with their real names (``ResponseID``, ``Status``,
...) on the second line, and then take those names here. Answers may be choice texts
("Never") or numeric codes, as chosen at export; they are returned as the file has them.

``Status`` (the response type) is text ("IP Address", "Survey Preview", ...) or a numeric
code, depending on the export's "Use numeric values" option. The codes are those of the
value labels Qualtrics writes for SPSS: 0 IP Address, 1 Survey Preview, 2 Survey Test,
4 Imported, 8 Spam, 9 Survey Preview Spam, 12 Imported Spam, 16 Offline, 17 Offline Survey
Preview, 32 EX, 40 EX Spam, 48 EX Offline (256 Synthetic). Previews, tests, spam and
synthetic responses are not real responses: they are left out and listed in ``dropped``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from burnout.data.importers._common import (
    Export,
    fail,
    read_text,
    split_records,
)
from burnout.data.importers._sniff import sniff_records
from burnout.data.importers._table import build_table
from burnout.data.importers._values import lookup, parse_dates, parse_flags

__all__ = ["read_qualtrics", "STATUS_CODES", "IDENTIFIERS"]

STATUS_CODES = {"0": "IP Address", "1": "Survey Preview", "2": "Survey Test", "4": "Imported",
                "8": "Spam", "9": "Survey Preview Spam", "12": "Imported Spam", "16": "Offline",
                "17": "Offline Survey Preview", "32": "EX", "40": "EX Spam", "48": "EX Offline",
                "256": "Synthetic"}
# Direct identifiers Qualtrics itself records (legacy exports: Name, EmailAddress).
IDENTIFIERS = ("IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName",
               "LocationLatitude", "LocationLongitude", "Name", "EmailAddress")
_LEGACY_NAMES = {"ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress",
                 "IPAddress", "Status", "StartDate", "EndDate", "Finished"}
_NOT_REAL = (("preview", "a survey preview"), ("test", "a test response"),
             ("spam", "marked as spam by Qualtrics"), ("synthetic", "a synthetic response"))
_RESPONSE_ID = re.compile(r"^R_[A-Za-z0-9]+$")


def _not_qualtrics(file: str, records, rule: str):
    """The error for a file that is not a Qualtrics export, naming the format it looks like."""
    likely = sniff_records(records)
    hint = {"redcap": "; it looks like a REDCap export: set its format to redcap",
            "csv": "; if it is a plain table with one header line, set its format to csv"}
    return fail(file, 1, None, None, f"not a Qualtrics export: {rule}{hint.get(likely, '')}")


def _header(file: str, records) -> tuple[list[str], int]:
    """Variable names (legacy ``V`` names replaced) and the number of header lines."""
    names = list(records[0])
    if len(records) >= 3 and any(cell.startswith('{"ImportId"') for cell in records[2]):
        rows = 3
    elif len(records) >= 2:
        second = records[1] + [""] * (len(names) - len(records[1]))
        names = [second[i] if re.fullmatch(r"V\d+", name) and second[i] in _LEGACY_NAMES
                 else name for i, name in enumerate(names)]
        rows = 2
    else:
        raise _not_qualtrics(file, records, "it has fewer than 2 lines, but a Qualtrics export "
                             "starts with 3 header lines (2 in the legacy format)")
    key = next((name for name in ("ResponseId", "ResponseID") if name in names), None)
    if key is None:
        raise _not_qualtrics(file, records, "it has no ResponseId column (export the responses "
                             "again with the metadata columns included)")
    if rows == 2 and _RESPONSE_ID.match(second[names.index(key)].strip()):
        raise _not_qualtrics(file, records, "its 2nd line is a response, not the line of question "
                             "texts, and its 3rd line is not the ImportId line: a Qualtrics export "
                             "has 3 header lines (2 in the legacy format); download it again "
                             "without deleting lines")
    return names, rows


def _status_reason(raw: str) -> str | None:
    """Why a response of Qualtrics Status ``raw`` is not real, or ``None`` when it is."""
    text = raw.strip()
    number = re.fullmatch(r"(\d+)(?:\.0+)?", text)
    label = STATUS_CODES.get(number.group(1), "") if number else text
    kinds = [kind for word, kind in _NOT_REAL if word in label.lower()]
    if not kinds:
        return None
    shown = f"{text!r} ({label})" if number else repr(text)
    return f"Qualtrics Status {shown}: {' and '.join(kinds)}, not a real response"


def _drop_not_real(table: pd.DataFrame, lines: list[int]):
    """The table without preview / test / spam rows, its lines, and the dropped rows."""
    if "Status" not in table.columns:
        return table, lines, ()
    reasons = {value: _status_reason(value) for value in table["Status"].dropna().unique()}
    reason, drop = lookup(table["Status"], {key: why for key, why in reasons.items() if why})
    dropped = tuple((lines[i], reason[i]) for i in np.flatnonzero(drop))
    kept = table.loc[~drop].reset_index(drop=True)
    return kept, np.asarray(lines, dtype=int)[~drop].tolist(), dropped


def _submitted(table, lines, file, column):
    """Submission times: ``column``, else RecordedDate (EndDate where it is empty)."""
    if column is not None:
        if column not in table.columns:
            raise fail(file, None, column, None, "the column named as the submission time is "
                       "not in the export; check the name (e.g. RecordedDate or EndDate)")
        return parse_dates(table[column], lines, file, column)
    dates = pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]")
    todo, problems = table.index, []
    for name in ("RecordedDate", "EndDate"):
        if name in table.columns and len(todo):
            values = table.loc[todo, name]
            parsed, found = parse_dates(values, np.asarray(lines)[todo], file, name)
            dates[todo] = parsed
            problems += found
            todo = values.index[values.isna().to_numpy()]
    return dates, problems


def _finished(table, lines, file, column):
    """Finished flags: ``column``, else Finished (True/False or 1/0); True when absent."""
    column = column or ("Finished" if "Finished" in table.columns else None)
    if column is None:
        return pd.Series(True, index=table.index, dtype=bool), []
    if column not in table.columns:
        raise fail(file, None, column, None, "the column named as the finished flag is not in "
                   "the export; check the name (Qualtrics calls it Finished)")
    return parse_flags(table[column], lines, file, column)


def read_qualtrics(folder, file: str, *, submitted: str | None = None,
                   finished: str | None = None) -> Export:
    """Read one Qualtrics CSV export of ``folder`` as exported (see the module docstring).

    Parameters
    ----------
    folder : pathlib.Path or str
        The study folder.
    file : str
        The export's file name in ``folder``.
    submitted, finished : str, optional
        Columns overriding RecordedDate (else EndDate) and Finished.

    Returns
    -------
    Export
        Real responses only; previews, tests and spam are in ``dropped``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "wave1.csv").write_text(
    ...     'StartDate,EndDate,Status,IPAddress,Finished,RecordedDate,ResponseId,Q1_1\\n'
    ...     'Start Date,End Date,Response Type,IP Address,Finished,Recorded Date,Response ID,'
    ...     'I feel tired - Emotional exhaustion\\n'
    ...     '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}",'
    ...     '"{""ImportId"":""status""}","{""ImportId"":""ipAddress""}",'
    ...     '"{""ImportId"":""finished""}",'
    ...     '"{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}",'
    ...     '"{""ImportId"":""QID1_1""}"\\n'
    ...     '2024-03-01 10:00:00,2024-03-01 10:09:00,Survey Preview,,True,2024-03-01 10:09:01,'
    ...     'R_0aBcDeFgHiJkLmN,Never\\n'
    ...     '2024-03-02 11:00:00,2024-03-02 11:07:00,IP Address,192.0.2.7,True,'
    ...     '2024-03-02 11:07:02,R_1xYzXyZxYzXyZxY,A few times a year or less\\n')
    >>> export = read_qualtrics(folder, "wave1.csv")
    >>> export.table["Q1_1"].tolist(), export.lines, sorted(export.identifiers)
    (['A few times a year or less'], (5,), ['IPAddress'])
    >>> export.dropped
    ((4, "Qualtrics Status 'Survey Preview': a survey preview, not a real response"),)
    >>> str(export.submitted[0]), bool(export.finished[0])
    ('2024-03-02 11:07:02', True)
    """
    text = read_text(folder, file)
    records, lines = split_records(text, file)
    names, rows = _header(file, records)
    table = build_table(file, names, lines[0], records[rows:], lines[rows:])
    table, kept_lines, dropped = _drop_not_real(table, lines[rows:])
    dates, date_problems = _submitted(table, kept_lines, file, submitted)
    flags, flag_problems = _finished(table, kept_lines, file, finished)
    return Export(file=file, format="qualtrics", table=table, lines=tuple(kept_lines),
                  identifiers=frozenset(name for name in IDENTIFIERS if name in table.columns),
                  submitted=dates, finished=flags, dropped=dropped,
                  problems=tuple(date_problems + flag_problems))
