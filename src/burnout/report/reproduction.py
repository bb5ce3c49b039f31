"""Compare the compendium's citable numbers with the published ones, with stated tolerances.

The published numbers of a study live in one human-written file, ``published/<study>.yaml``
(source citation, DOI, where in the paper; then one entry per number). The analysis never
reads it: only this module does, after the pipeline has recorded ``numbers.json``, to say which
published values the re-execution reproduces (the smoke tests of PySDM do the same for papers).

Rules of an entry (``rule``):

* ``absolute`` (default): reproduced within ``tolerance`` of the published value,
  ``|reproduced - published| <= tolerance``; with ``significance: 0.05`` the reproduced p must
  also lie on the same side of 0.05 as the published p.
* ``at_least``: reproduced >= published (e.g. a theme the paper reports is present: >= 1).

``key`` is a ``numbers.json`` key or a list of keys whose values are summed. A key missing
from the numbers (or null) is reported as not reproduced, never as a crash. An entry may carry
``known_discrepancy``: the reason a value cannot be reproduced (for example a published p-value
inconsistent with its own interval); the report shows it beside the miss, and the test of the
reproduction accepts a miss only when it is explained this way.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import yaml

from burnout.core.catalog import study_files
from burnout.core.errors import DataError
from burnout.report.tables import markdown_table

__all__ = [
    "RULES",
    "published_path",
    "load_published",
    "compare_with_published",
    "render_reproduction_report",
]

# The comparison rules an entry may use.
RULES = ("absolute", "at_least")
# Columns of the comparison table.
_COLUMNS = ["key", "description", "published", "reproduced", "difference", "tolerance",
            "within", "criterion", "note", "known_discrepancy"]
# Tolerance added to comparisons so that 0.1 + 0.2 style rounding never flips a verdict.
_EPSILON = 1e-9


def published_path(study: str) -> Path:
    """Path of the published numbers of ``study``: ``published/<study>.yaml``.

    Examples
    --------
    >>> published_path("mentorship").name
    'mentorship.yaml'
    """
    return study_files(study).published


def _check_entry(entry: object, position: int, source: str) -> dict:
    """Validate one entry of the published file and return it with defaults filled in."""
    where = f"{source}, values[{position}]"
    if not isinstance(entry, Mapping):
        raise DataError(f"{where}: rule broken: each entry is a mapping with key and published")
    entry = dict(entry)
    for field in ("key", "published"):
        if field not in entry:
            raise DataError(f"{where}: field '{field}' missing")
    keys = entry["key"] if isinstance(entry["key"], list) else [entry["key"]]
    if not keys or not all(isinstance(key, str) and key for key in keys):
        raise DataError(f"{where}: field 'key' = {entry['key']!r}: rule broken: a key or a "
                        f"list of keys")
    entry["keys"] = keys
    rule = entry.setdefault("rule", "absolute")
    if rule not in RULES:
        raise DataError(f"{where}: field 'rule' = {rule!r}: rule broken: one of {RULES}")
    if not isinstance(entry["published"], (int, float)) or isinstance(entry["published"], bool):
        raise DataError(f"{where}: field 'published' = {entry['published']!r}: rule broken: "
                        f"a number")
    if rule == "absolute":
        tolerance = entry.get("tolerance")
        if not isinstance(tolerance, (int, float)) or tolerance < 0:
            raise DataError(f"{where}: field 'tolerance' = {tolerance!r}: rule broken: a "
                            f"non-negative number is required by rule 'absolute'")
    significance = entry.get("significance")
    if significance is not None and not (isinstance(significance, float) and
                                         0 < significance < 1):
        raise DataError(f"{where}: field 'significance' = {significance!r}: rule broken: a "
                        f"level between 0 and 1")
    return entry


def load_published(path: str | os.PathLike[str]) -> dict:
    """Read and check a file of published numbers.

    Parameters
    ----------
    path : path-like
        ``published/<study>.yaml``: ``study``, ``source`` (``citation``, ``doi``,
        ``location``) and ``values`` (entries with ``key``, ``description``, ``published``,
        ``rule``, ``tolerance``, ``reason``, optional ``significance`` and ``note``).

    Returns
    -------
    dict
        The file's content; each entry gains ``keys`` (a list) and a default ``rule``.

    Raises
    ------
    DataError
        When the file is missing, is not YAML, or an entry breaks a rule (the message names
        the entry's position and field).

    Examples
    --------
    >>> published = load_published(published_path("mentorship"))
    >>> published["source"]["doi"]
    '10.1002/aet2.10354'
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file of published numbers not found")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(content, Mapping) or not isinstance(content.get("values"), list):
        raise DataError(f"{path}: rule broken: a mapping with a 'values' list")
    if not isinstance(content.get("source"), Mapping):
        raise DataError(f"{path}: field 'source' missing (citation, doi, location)")
    content = dict(content)
    content["values"] = [_check_entry(entry, position, str(path))
                         for position, entry in enumerate(content["values"])]
    return content


def _reproduced_value(numbers: Mapping[str, object], keys: Sequence[str]) -> tuple[float, str]:
    """Sum of the values of ``keys``; NaN and the reason when one is missing or not a number."""
    total = 0.0
    for key in keys:
        if key not in numbers:
            return math.nan, f"key '{key}' missing from numbers"
        value = numbers[key]
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return math.nan, f"key '{key}' is {value!r}, not a number"
        if not math.isfinite(float(value)):
            return math.nan, f"key '{key}' is not finite"
        total += float(value)
    return total, ""


def _criterion(entry: Mapping) -> str:
    """Human-readable test applied to an entry."""
    if entry["rule"] == "at_least":
        text = f"reproduced >= {entry['published']:g}"
    elif float(entry["tolerance"]) == 0:
        text = "exact match"
    else:
        text = f"|difference| <= {float(entry['tolerance']):g}"
    if entry.get("significance") is not None:
        text += f"; same side of p = {entry['significance']:g}"
    return text


def compare_with_published(numbers: Mapping[str, object],
                           published: Mapping | str | os.PathLike[str]) -> pd.DataFrame:
    """Compare reproduced numbers with the published ones, entry by entry.

    Parameters
    ----------
    numbers : mapping
        Flat mapping of dotted keys to values (``reports/<study>/numbers.json``).
    published : mapping or path-like
        Output of :func:`load_published`, or the path of the YAML file.

    Returns
    -------
    pandas.DataFrame
        One row per published value, in file order: ``key`` (keys joined by `` + `` when
        summed), ``description``, ``published``, ``reproduced`` (NaN when missing),
        ``difference`` (reproduced minus published), ``tolerance`` (NaN for ``at_least``),
        ``within`` (bool), ``criterion`` (the test applied, in words) and ``note`` (the
        entry's reason and note, and why a value could not be compared).

    Notes
    -----
    A small epsilon (1e-9) is added to the tolerance so that binary rounding of values such
    as 0.1 never flips a verdict. A missing key gives ``within = False``.

    Examples
    --------
    >>> published = {"source": {"citation": "Demo"}, "values": [
    ...     {"key": "n.mentors", "published": 59, "tolerance": 0},
    ...     {"key": "adjusted.pa.p", "published": 0.04, "tolerance": 0.005,
    ...      "significance": 0.05}]}
    >>> table = compare_with_published({"n.mentors": 59, "adjusted.pa.p": 0.052}, published)
    >>> table[["key", "within"]].to_dict("records")
    [{'key': 'n.mentors', 'within': True}, {'key': 'adjusted.pa.p', 'within': False}]
    """
    if not isinstance(published, Mapping):
        published = load_published(published)
    entries = published.get("values")
    if not isinstance(entries, list):
        raise DataError("published numbers: rule broken: a mapping with a 'values' list")
    rows = []
    for position, raw_entry in enumerate(entries):
        entry = raw_entry if "keys" in raw_entry else _check_entry(raw_entry, position,
                                                                    "published numbers")
        reproduced, problem = _reproduced_value(numbers, entry["keys"])
        target = float(entry["published"])
        difference = reproduced - target
        tolerance = float(entry["tolerance"]) if entry["rule"] == "absolute" else math.nan
        if problem:
            within = False
        elif entry["rule"] == "at_least":
            within = reproduced >= target - _EPSILON
        else:
            within = abs(difference) <= tolerance + _EPSILON
        significance = entry.get("significance")
        if not problem and significance is not None:
            same_side = (reproduced < significance) == (target < significance)
            if not same_side:
                problem = f"significance at {significance:g} differs from the publication"
            within = within and same_side
        note_parts = [str(entry.get(field, "")).strip() for field in ("reason", "note")]
        note_parts = [part for part in note_parts if part]
        if problem:
            note_parts.insert(0, f"NOT REPRODUCED: {problem}")
        rows.append({
            "key": " + ".join(entry["keys"]),
            "description": str(entry.get("description", "")),
            "published": target,
            "reproduced": reproduced,
            "difference": difference,
            "tolerance": tolerance,
            "within": bool(within),
            "criterion": _criterion(entry),
            "note": " ".join("; ".join(note_parts).split()),
            "known_discrepancy": " ".join(str(entry.get("known_discrepancy") or "").split()),
        })
    return pd.DataFrame(rows, columns=_COLUMNS).astype({"within": bool})


def _display(value: float) -> str:
    """A number for the report: up to four significant digits, ``missing`` for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    return f"{float(value):.4g}"


def render_reproduction_report(table: pd.DataFrame, source: Mapping[str, object],
                               title: str = "Reproduction of the published results",
                               data_note: str | None = None) -> str:
    """Render the comparison table as a Markdown report (``reports/<study>/reproduction.md``).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`compare_with_published`.
    source : mapping
        The ``source`` section of the published file (``citation``, ``doi``, ``location``).
    title : str
        First-level heading of the report.
    data_note : str, optional
        A sentence about the data (e.g. that they are a synthetic replica), printed under
        the source.

    Returns
    -------
    str
        Markdown: heading, source, the summary line "N of M published values reproduced
        within tolerance.", a list of the values not reproduced, the full table, and the
        rules.

    Raises
    ------
    DataError
        When ``table`` lacks a column of :func:`compare_with_published`.

    Examples
    --------
    >>> published = {"values": [{"key": "n.mentors", "published": 59, "tolerance": 0}]}
    >>> table = compare_with_published({}, published)
    >>> report = render_reproduction_report(table, {"citation": "Demo 2019", "doi": "10/x"})
    >>> "0 of 1 published values reproduced within tolerance." in report
    True
    """
    missing = [column for column in _COLUMNS if column not in table.columns]
    if missing:
        raise DataError(f"reproduction table: column(s) {missing} missing; expected the "
                        f"output of compare_with_published")
    reproduced = int(table["within"].sum())
    lines = [f"# {title}", ""]
    citation = str(source.get("citation", "")).strip()
    if citation:
        lines.append(f"Source: {' '.join(citation.split())}")
    details = []
    if source.get("doi"):
        details.append(f"DOI: [{source['doi']}](https://doi.org/{source['doi']})")
    if source.get("location"):
        details.append(f"values taken from the {source['location']}")
    if details:
        lines.append("(" + "; ".join(details) + ").")
    if data_note:
        lines += ["", data_note]
    lines += ["", f"**{reproduced} of {len(table)} published values reproduced within "
              f"tolerance.**", ""]
    failed = table[~table["within"]]
    if len(failed):
        lines.append("Not reproduced:")
        lines.append("")
        for row in failed.itertuples(index=False):
            lines.append(f"- `{row.key}` ({row.description}): published "
                         f"{_display(row.published)}, reproduced {_display(row.reproduced)}"
                         f" ({row.criterion})."
                         + (f" Why: {row.known_discrepancy}" if row.known_discrepancy else ""))
        lines.append("")
    shown = pd.DataFrame({
        "Key": [f"`{key}`" for key in table["key"]],
        "Description": table["description"],
        "Published": [_display(value) for value in table["published"]],
        "Reproduced": [_display(value) for value in table["reproduced"]],
        "Difference": [_display(value) for value in table["difference"]],
        "Criterion": table["criterion"],
        "Within": ["yes" if value else "**no**" for value in table["within"]],
        "Note": table["note"],
    })
    lines += ["## Comparison", "", markdown_table(shown), "",
              "Difference = reproduced minus published. A value is reproduced when it meets its "
              "criterion; tolerances and their reasons are stated in the published-numbers "
              "file, the one place where the paper's numbers are recorded.", ""]
    return "\n".join(lines)
