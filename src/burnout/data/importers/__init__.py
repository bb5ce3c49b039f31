"""Importers of survey-tool exports: Qualtrics CSV, REDCap CSV and plain (tidy) CSV.

:func:`read_export` reads one export file exactly as the tool wrote it and returns it as an
:class:`Export`: a table of text cells under the tool's variable names, the line of every
row in the file, the tool's own identifier columns, submission times, finished flags, the
rows the tool marks as not real responses (left out) and the cell-level problems met. The
caller picks the columns it needs, decodes answers, links waves and logs exclusions.

Files are opened read-only and never modified; nothing is written. A file that cannot be
read at all raises :class:`~burnout.core.errors.ValidationError` naming file, line, column
and how to fix it.
"""

from __future__ import annotations

from burnout.core.errors import Problem, ValidationError
from burnout.data.importers._common import FORMATS, Export
from burnout.data.importers._sniff import sniff_format
from burnout.data.importers.plain import read_plain
from burnout.data.importers.qualtrics import read_qualtrics
from burnout.data.importers.redcap import read_redcap

__all__ = ["FORMATS", "Export", "read_export", "sniff_format"]


def _check_arguments(file: str, format: str, event, dictionary) -> None:
    """Refuse an unknown format, and REDCap-only arguments for another format."""
    problems = []
    if format not in FORMATS:
        problems.append(Problem(file, None, None, format, "unknown export format; use one of "
                                f"{', '.join(FORMATS)}"))
    elif format != "redcap":
        for name, given in (("event", event), ("dictionary", dictionary)):
            if given is not None:
                problems.append(Problem(file, None, None, given, f"'{name}' applies to REDCap "
                                        f"exports only, but the format is {format}: remove it "
                                        "or set the format to redcap"))
    if problems:
        raise ValidationError(problems)


def read_export(folder, file: str, format: str = "csv", *, event=None, dictionary=None,
                columns=(), submitted=None, finished=None) -> Export:
    """Read one survey-tool export as the tool wrote it.

    Parameters
    ----------
    folder : pathlib.Path or str
        The study folder.
    file : str
        The export's file name in ``folder``.
    format : {"csv", "qualtrics", "redcap"}
        The tool that wrote the file ("csv": a plain table with one header line).
    event : str or list of str, optional
        REDCap longitudinal exports only: the unique event name(s) whose rows are kept
        (e.g. ``["baseline_arm_1", "baseline_arm_2"]``).
    dictionary : str, optional
        REDCap only: file name (in ``folder``) of the project's data dictionary CSV; without
        it nothing is decoded.
    columns : sequence of str
        The columns the caller will use (REDCap: their forms give ``finished`` and
        ``submitted``).
    submitted, finished : str, optional
        Columns overriding the format's defaults for the submission time and finished flag.

    Returns
    -------
    Export
        ``table`` (object dtype: ``str`` cells, ``None`` when empty), ``lines`` (line of each
        row in the file, header lines counted from 1), ``identifiers``, ``submitted``
        (``datetime64[ns]``), ``finished`` (``bool``), ``dropped`` ((line, reason) of rows
        left out) and ``problems`` (cells that could not be read).

    Raises
    ------
    ValidationError
        The file cannot be read at all (missing, empty, not UTF-8, ragged rows, duplicate
        columns, wrong format, bad REDCap event or dictionary).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "post.csv").write_text("student,ee1\\nS01,4\\nS02,\\n")
    >>> export = read_export(folder, "post.csv")
    >>> export.format, export.table["ee1"].tolist(), export.lines
    ('csv', ['4', None], (2, 3))
    >>> read_export(folder, "post.csv", "qualtrics")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    burnout.core.errors.ValidationError: ...not a Qualtrics export...
    """
    _check_arguments(file, format, event, dictionary)
    if format == "qualtrics":
        return read_qualtrics(folder, file, submitted=submitted, finished=finished)
    if format == "redcap":
        return read_redcap(folder, file, event=event, dictionary=dictionary, columns=columns,
                           submitted=submitted, finished=finished)
    return read_plain(folder, file, submitted=submitted, finished=finished)
