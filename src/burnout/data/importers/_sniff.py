"""Guessing which tool wrote a file, to say so when a user names the wrong format."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from burnout.data.importers._common import fail, missing_rule

__all__ = ["looks_qualtrics", "sniff_records", "sniff_format"]

_SNIFF_BYTES = 4 * 1024 * 1024


def looks_qualtrics(records: list[list[str]]) -> bool:
    """Whether the 2nd/3rd records look like the header rows of a Qualtrics export.

    Examples
    --------
    >>> looks_qualtrics([["ResponseId", "Q1"], ["Response ID", "How often?"]])
    True
    >>> looks_qualtrics([["ResponseId", "Q1"], ["R_1a2B3c4D5e6F7g8", "3"]])
    False
    """
    if len(records) >= 3 and any(cell.startswith('{"ImportId"') for cell in records[2]):
        return True
    if len(records) < 2:
        return False
    header, second = records[0], records[1]
    labels = {cell.replace(" ", "").lower() for cell in second}
    if "responseid" in labels and any(name in ("ResponseId", "ResponseID", "V1")
                                      for name in header):
        return True
    return False


def sniff_records(records: list[list[str]]) -> str:
    """The likely format of a file from its first records: qualtrics, redcap or csv.

    Examples
    --------
    >>> sniff_records([["record_id", "redcap_event_name", "age"]])
    'redcap'
    >>> sniff_records([["id", "score"], ["P01", "3"]])
    'csv'
    """
    if looks_qualtrics(records):
        return "qualtrics"
    header = records[0] if records else []
    if any(name.startswith("redcap_") or name.endswith("_complete") for name in header):
        return "redcap"
    return "csv"


def sniff_format(folder, file: str) -> str:
    """The likely format of the export ``folder / file``: "qualtrics", "redcap" or "csv".

    Only the start of the file is read. "qualtrics" when its 2nd/3rd rows look like
    Qualtrics header rows, "redcap" when a ``redcap_*`` or ``*_complete`` column exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "x.csv").write_text("record_id,age,survey_complete\\n1,40,2\\n")
    >>> sniff_format(folder, "x.csv")
    'redcap'
    """
    path = Path(folder) / file
    if not path.is_file():
        raise fail(file, None, None, None, missing_rule(Path(folder), file))
    with open(path, "rb") as handle:
        data = handle.read(_SNIFF_BYTES)
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) == 3:
                break
    except csv.Error:
        pass
    return sniff_records(records)
