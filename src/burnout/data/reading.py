"""Reading a study's exports for cleaning: one export, its columns, its ids.

Every file the cleaning stage reads (roster, waves, evaluation surveys, theme codes) goes through
:func:`read_source`, whose problems are collected rather than raised, so that every file's
problems are reported together. :func:`require_columns` checks that the columns the study file
names are there (suggesting a close name when one is not), :func:`cell_problems` keeps the
importer's cell problems that matter, and :class:`Pseudonyms` replaces participant ids that are
themselves direct identifiers.

Pseudonyms
----------
A roster's id column may be an e-mail address (a Qualtrics contact list's ``RecipientEmail``, a
REDCap field flagged as an identifier). The id must link a participant's responses, so it cannot
simply be dropped like the other identifiers; instead, when the id column is marked as an
identifier (by the study file's ``identifiers`` or by the survey tool) or any id holds an
e-mail address, every id is replaced by a pseudonym (``P0001``, ``P0002``, ... in roster order)
before anything is written, in every table and every exclusion reason. An id met in a response
but not on the roster becomes ``unlisted-1``, ``unlisted-2``, ... (by first appearance), so the
exclusion log still tells repeated strangers apart without naming them.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from burnout.core.errors import Problem, ValidationError
from burnout.data.importers import Export, read_export
from burnout.data.privacy import EMAIL_PATTERN
from burnout.data.values import map_distinct

__all__ = ["read_source", "read_sources", "require_columns", "cell_problems", "cell_text",
           "Pseudonyms"]

# Columns the importers read the submission time and the finished flag from when the study
# file names none (plain CSV, Qualtrics; REDCap: <form>_timestamp and <form>_complete).
_STATUS_COLUMNS = ("submitted", "finished", "RecordedDate", "EndDate", "Finished")
# cell_text judges whether a column repeats its values from this many first cells
_SAMPLE = 10_000


def cell_text(series: pd.Series) -> pd.Series:
    """Cells as stripped text ("" when empty).

    Examples
    --------
    >>> cell_text(pd.Series([" a ", None, 3])).tolist()
    ['a', '', '3']
    """
    cells = series.to_numpy(dtype=object)
    sample = cells[:_SAMPLE]
    if len(pd.unique(sample)) <= len(sample) // 2:  # repetitive: each distinct value once
        return map_distinct(series.astype(object).where(series.notna(), ""),
                            lambda value: str(value).strip())
    # Mostly distinct (ids, e-mail addresses): map_distinct would hash every cell and still
    # call a function per cell; one strip per cell in a list is several times faster.
    missing = pd.isna(cells).tolist()
    texts = ["" if absent else (cell.strip() if type(cell) is str else str(cell).strip())
             for cell, absent in zip(cells.tolist(), missing, strict=True)]
    return pd.Series(texts, index=series.index, name=series.name,
                     dtype=None if texts else object)


def read_source(study, source, columns: Sequence[str], problems: list[Problem]) -> Export | None:
    """Read one export of ``study`` (file-level problems go to ``problems``, then None).

    Parameters
    ----------
    study : Study
        The study file (its folder holds the export).
    source : Source
        The study file's entry for the export (file, format, event, dictionary, ...).
    columns : sequence of str
        Columns the study maps (the importer keeps only these and its status columns).
    problems : list of Problem
        Receives the problems of the file as a whole (unreadable, wrong format).
    """
    try:
        return read_export(study.folder, source.file, source.format,
                           event=getattr(source, "event", None) or None,
                           dictionary=getattr(source, "dictionary", None),
                           columns=tuple(columns), submitted=getattr(source, "submitted", None),
                           finished=getattr(source, "finished", None))
    except ValidationError as error:
        problems.extend(error.problems)
        return None


def read_sources(study, requests: Sequence[tuple[object, Sequence[str]]],
                 problems: list[Problem]) -> list[Export | None]:
    """:func:`read_source` of each (source, columns) of ``requests``, two files at a time.

    A large export spends much of its reading in pandas' C parser and in NumPy, which let
    another thread run meanwhile: on two cores the clean stage of the x10,000 copy of Study A
    (its roster and two waves, 1.5M rows each) took 2 to 6 s less in two interleaved pairs of
    runs. The exports and the problems (in the order of ``requests``, whatever finished first)
    are those of reading the files one by one.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from types import SimpleNamespace
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("id,q1\\nP1,3\\n")
    >>> study = SimpleNamespace(folder=folder)
    >>> found = []
    >>> exports = read_sources(study, [(SimpleNamespace(file="a.csv", format="csv"), ["id"]),
    ...                                (SimpleNamespace(file="b.csv", format="csv"), ["id"])],
    ...                        found)
    >>> exports[0].table["q1"].tolist(), exports[1], [problem.file for problem in found]
    (['3'], None, ['b.csv'])
    """
    found: list[list[Problem]] = [[] for _ in requests]

    def read(position: int) -> Export | None:
        source, columns = requests[position]
        return read_source(study, source, columns, found[position])

    workers = min(2, len(requests), os.cpu_count() or 1)
    if workers < 2:
        exports = [read(position) for position in range(len(requests))]
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="burnout-read") as pool:
            exports = list(pool.map(read, range(len(requests))))
    for each in found:
        problems.extend(each)
    return exports


def require_columns(export: Export, wanted: dict[str, str], problems: list[Problem]) -> bool:
    """Check that every column of ``wanted`` (column -> study-file key) is in the export.

    A missing column is a problem naming the study-file key that names it, the closest column
    names of the file and the columns the file has.
    """
    present = list(export.table.columns)
    ok = True
    for column, key in wanted.items():
        if column in present:
            continue
        ok = False
        close = difflib.get_close_matches(column, present, n=2)
        hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
        problems.append(Problem(export.file, 1, column, None,
                                f"column named by study.yaml key '{key}' is not in the file"
                                f"{hint} (columns there: {', '.join(present[:40])}"
                                f"{', ...' if len(present) > 40 else ''})"))
    return ok


def cell_problems(export: Export, source, columns: Iterable[str]) -> list[Problem]:
    """The importer's cell problems that concern ``columns`` or a submission time or finished
    flag (an unreadable date or flag would silently change which response is kept); a code
    outside the REDCap dictionary in a column the study does not use is no problem."""
    used = {*columns, getattr(source, "submitted", None), getattr(source, "finished", None),
            *_STATUS_COLUMNS}
    return [problem for problem in export.problems
            if problem.column is None or problem.column in used
            or problem.column.endswith(("_timestamp", "_complete"))]


class Pseudonyms:
    """Pseudonyms for ids that are direct identifiers (see the module notes).

    Parameters
    ----------
    ids : sequence of str
        The roster's ids, in roster order (each gets ``<prefix>0001``, ``<prefix>0002``, ...).
    prefix : str
        ``P`` for participants, ``R`` for the respondents of an evaluation's own roster.

    Examples
    --------
    >>> names = Pseudonyms(["ana@uni.edu", "bo@uni.edu"])
    >>> names.replace(pd.Series(["bo@uni.edu", "", "eve@x.org", "eve@x.org"])).tolist()
    ['P0002', '', 'unlisted-1', 'unlisted-1']
    """

    def __init__(self, ids: Sequence[str], prefix: str = "P") -> None:
        width = max(4, len(str(len(ids))))
        self._names: dict[str, str] = {}
        for value in ids:
            if value and value not in self._names:
                self._names[value] = f"{prefix}{len(self._names) + 1:0{width}d}"
        self._strangers: dict[str, str] = {}

    @staticmethod
    def needed(ids: pd.Series, column: str, marked: Iterable[str]) -> bool:
        """Whether ids of ``column`` must be replaced: the column is marked as an identifier
        or an id holds an e-mail address.

        Examples
        --------
        >>> Pseudonyms.needed(pd.Series(["S1", "S2"]), "id", [])
        False
        >>> Pseudonyms.needed(pd.Series(["S1", "kim@uni.edu"]), "id", [])
        True
        """
        # an address holds an "@": the pattern is searched only in the ids that have one
        return column in set(marked) or any(
            "@" in value and EMAIL_PATTERN.search(value) is not None
            for value in cell_text(ids).tolist())

    def replace(self, ids: pd.Series) -> pd.Series:
        """``ids`` with every id replaced ("" stays "")."""
        return map_distinct(cell_text(ids), self._one)

    def _one(self, value: str) -> str:
        if not value:
            return ""
        if value in self._names:
            return self._names[value]
        if value not in self._strangers:
            self._strangers[value] = f"unlisted-{len(self._strangers) + 1}"
        return self._strangers[value]

    def apply(self, export: Export | None, column: str) -> Export | None:
        """A copy of ``export`` whose ``column`` holds pseudonyms (the raw file is untouched)."""
        if export is None or column not in export.table.columns:
            return export
        table = export.table.copy()
        table[column] = self.replace(table[column]).to_numpy()
        return dataclasses.replace(export, table=table)
