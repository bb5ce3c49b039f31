"""Validation of a raw-data folder against its codebook, before anything else runs.

:func:`validate_raw` checks every file described by ``datapackage.json`` and returns every
problem at once (file, row, column, value, rule broken); :func:`check_raw` raises them together
as one :class:`~burnout.errors.ValidationError`. Nothing is written and no raw file is modified.

Rules checked
-------------
* the codebook exists; every file it describes exists, is not empty and is UTF-8 (a byte-order
  mark and CRLF line endings, as Excel writes them, are fine; Latin-1 is reported with the byte
  offset and line of the first invalid byte); every row has as many cells as the header;
* every column of the codebook is in the file, and every column of the file is in the codebook
  (or mapped onto it with the resource's ``columnMapping``); no column appears twice;
* every cell: required values present, type (integer, number, boolean, date-time), minimum and
  maximum, allowed values (``enum``) and value labels, compared after normalising whitespace
  and case (``" SITE 1 "`` is ``site_1``; ``"Site 3"`` is not allowed);
* unique keys (``primaryKey``): two roster rows with one ``student_id`` are conflicting rows;
* references (``foreignKeys``): a survey's ``student_id`` must be on the roster;
* repeated submissions (the resource's ``duplicates`` rule, e.g. keep the first finished
  submission by ``submitted_at``): two candidates with the same timestamp cannot be resolved.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd

from burnout.codebook import (
    CODEBOOK_FILE,
    Codebook,
    RawFileError,
    ResourceSpec,
    load_codebook,
    normalise_label,
    parse_value,
    read_raw_table,
)
from burnout.errors import DataError, Problem, ValidationError

__all__ = ["validate_raw", "check_raw"]


def _row(index: int) -> int:
    """Spreadsheet row of data row ``index`` (0-based): the header is row 1."""
    return index + 2


def _check_header(resource: ResourceSpec, frame: pd.DataFrame) -> list[Problem]:
    problems = []
    columns = list(frame.columns)
    for name in sorted({name for name in columns if columns.count(name) > 1}):
        problems.append(Problem(resource.path, 1, name, None, "column appears more than once"))
    for name in resource.field_names:
        if name not in columns:
            problems.append(Problem(resource.path, 1, name, None,
                                    "column described in the codebook is missing"))
    for name in columns:
        if name not in resource.field_names:
            problems.append(Problem(
                resource.path, 1, name, None,
                "column is not in the codebook (describe it in datapackage.json or map it onto "
                "a codebook column with the resource's columnMapping)"))
    return problems


def _check_cells(resource: ResourceSpec, frame: pd.DataFrame):
    """Problems of single cells, and the parsed values of the cells that are fine."""
    problems = []
    parsed: dict[str, list] = {}
    for spec in resource.fields:
        if spec.name not in frame.columns or isinstance(frame[spec.name], pd.DataFrame):
            continue
        values = []
        for index, text in enumerate(frame[spec.name].tolist()):
            try:
                values.append(parse_value(spec, text, resource.missing_values))
            except ValueError as error:
                problems.append(Problem(resource.path, _row(index), spec.name, text, str(error)))
                values.append(None)
        parsed[spec.name] = values
    return problems, parsed


def _key_values(parsed: dict[str, list], fields: tuple[str, ...], index: int):
    values = tuple(parsed[name][index] for name in fields)
    if any(value is None for value in values):
        return None
    return tuple(normalise_label(value) if isinstance(value, str) else value
                 for value in values)


def _check_primary_key(resource: ResourceSpec, frame: pd.DataFrame, parsed) -> list[Problem]:
    if not resource.primary_key or any(name not in parsed for name in resource.primary_key):
        return []
    seen: dict[tuple, int] = {}
    problems = []
    label = ", ".join(resource.primary_key)
    for index in range(len(frame)):
        key = _key_values(parsed, resource.primary_key, index)
        if key is None:
            continue
        if key in seen:
            first = seen[key]
            same = [frame.iloc[first, position] for position in range(frame.shape[1])] == [
                frame.iloc[index, position] for position in range(frame.shape[1])]
            kind = "identical to" if same else "conflicting with"
            problems.append(Problem(
                resource.path, _row(index), ", ".join(resource.primary_key),
                frame.iloc[index][list(resource.primary_key)].tolist()[0]
                if len(resource.primary_key) == 1
                else tuple(frame.iloc[index][list(resource.primary_key)].tolist()),
                f"duplicate unique key ({label}): row {kind} row {_row(first)} and no rule "
                "resolves it; keep one row"))
        else:
            seen[key] = index
    return problems


def _check_duplicates(resource: ResourceSpec, parsed) -> list[Problem]:
    rule = resource.duplicates
    if not rule:
        return []
    key_fields = tuple(rule["key"])
    order = rule.get("orderBy")
    prefer = rule.get("preferTrue")
    needed = [*key_fields] + [name for name in (order, prefer) if name]
    if any(name not in parsed for name in needed):
        return []
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index in range(len(parsed[key_fields[0]])):
        key = _key_values(parsed, key_fields, index)
        if key is not None:
            groups[key].append(index)
    problems = []
    for key, rows in groups.items():
        if len(rows) < 2:
            continue
        candidates = [row for row in rows if not prefer or parsed[prefer][row] is True]
        if order is None or len(candidates) < 2:
            continue
        times = [parsed[order][row] for row in candidates]
        if any(value is None for value in times):
            continue
        first = min(times)
        tied = [row for row, value in zip(candidates, times, strict=True) if value == first]
        if len(tied) > 1:
            others = ", ".join(str(_row(row)) for row in tied[:-1])
            problems.append(Problem(
                resource.path, _row(tied[-1]), order, str(first),
                f"duplicate submission of {', '.join(key_fields)} {key[0]!s} cannot be resolved: "
                f"rows {others} and {_row(tied[-1])} have the same {order} "
                f"(rule: {rule.get('rule', 'keep the first by ' + order)})"))
    return problems


def _check_foreign_keys(codebook: Codebook, parsed_tables: dict) -> list[Problem]:
    problems = []
    for resource in codebook.resources.values():
        parsed = parsed_tables.get(resource.name)
        if parsed is None:
            continue
        for fields, other, other_fields in resource.foreign_keys:
            target = parsed_tables.get(other)
            if target is None or any(name not in parsed for name in fields) or any(
                    name not in target for name in other_fields):
                continue
            count = len(target[other_fields[0]])
            known = {_key_values(target, other_fields, index) for index in range(count)}
            for index in range(len(parsed[fields[0]])):
                key = _key_values(parsed, fields, index)
                if key is not None and key not in known:
                    value = parsed[fields[0]][index] if len(fields) == 1 else key
                    other_path = codebook.resources[other].path
                    problems.append(Problem(
                        resource.path, _row(index), ", ".join(fields), value,
                        f"unknown participant: not found in {other_path} "
                        f"({', '.join(other_fields)})"))
    return problems


def validate_raw(raw_dir: str | Path, codebook: Codebook | None = None) -> list[Problem]:
    """Check every raw file of ``raw_dir`` against its codebook; return all problems.

    Parameters
    ----------
    raw_dir : str or Path
        The raw folder, e.g. ``data/raw/mentorship`` (holding ``datapackage.json``).
    codebook : Codebook, optional
        Use this codebook instead of ``raw_dir/datapackage.json``.

    Returns
    -------
    list of Problem
        Empty when the folder is valid; otherwise one entry per broken rule and place, in
        file order. The files are only read.

    Examples
    --------
    >>> from burnout.paths import study_paths
    >>> validate_raw(study_paths("mentorship").raw)
    []
    """
    raw_dir = Path(raw_dir)
    if codebook is None:
        try:
            codebook = load_codebook(raw_dir)
        except DataError as error:
            return [Problem(CODEBOOK_FILE, None, None, None, str(error))]
    problems: list[Problem] = []
    parsed_tables: dict[str, dict] = {}
    for resource in codebook.resources.values():
        try:
            frame = read_raw_table(raw_dir, resource)
        except RawFileError as error:
            problems.append(error.problem)
            continue
        problems += _check_header(resource, frame)
        cell_problems, parsed = _check_cells(resource, frame)
        problems += cell_problems
        problems += _check_primary_key(resource, frame, parsed)
        problems += _check_duplicates(resource, parsed)
        parsed_tables[resource.name] = parsed
    problems += _check_foreign_keys(codebook, parsed_tables)
    return problems


def check_raw(raw_dir: str | Path, codebook: Codebook | None = None) -> None:
    """Validate ``raw_dir`` and raise one error listing every problem found.

    Raises
    ------
    ValidationError
        With ``problems`` holding every :class:`~burnout.errors.Problem`; its message lists
        them one per line (file, row, column, rule, value).

    Examples
    --------
    >>> from burnout.paths import study_paths
    >>> check_raw(study_paths("mentorship").raw) is None
    True
    """
    problems = validate_raw(raw_dir, codebook)
    if problems:
        raise ValidationError(problems)
