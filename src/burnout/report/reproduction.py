"""Check the compendium's citable numbers against the published ones: does each print as published?

The published numbers of a study live in one human-written file, ``published/<study>.yaml``
(source citation, DOI, where in the paper; then one entry per number). The analysis never
reads it: only this module does, after the pipeline has recorded ``numbers.json``.

A published value is **reproduced when the re-executed value, rounded to the published
decimals, equals it** (:data:`ROUNDING_RULE`): "1.5" is reproduced by 1.46 and by 1.54999, not
by 1.55 nor by 1.44. Rounding is half away from zero on the value's decimal representation
(:func:`round_half_away`, with :class:`decimal.Decimal`, never binary float formatting), as
journals print. There is no tolerance to widen. Entries have one of three kinds (``kind``):

* ``printed`` (default): ``published`` is the text as printed, in quotes (``"0.90"`` keeps
  its trailing zero, ``"-0.2"`` its one decimal); or a number with ``decimals``.
* ``count``: an integer; reproduced when equal.
* ``claim``: a statement without a number (``published`` is its text, e.g. "no significant
  difference"), checked as ``at_least: <level>`` on the re-executed value (p >= 0.05; a theme
  coded at least once). These are not printed values and are counted apart.

``key`` is a ``numbers.json`` key or a list of keys whose values are summed. A key missing
from the numbers (or null) is reported as "not computed", never as a crash. A printed value
that no plausible dataset can print carries ``impossible:``, the arithmetic that proves it; the
report shows it beside the miss, and the tests accept a miss only with that proof.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from numbers import Integral
from pathlib import Path

import pandas as pd
import yaml

from burnout.core.catalog import study_files
from burnout.core.errors import DataError
from burnout.report.tables import markdown_table

__all__ = [
    "KINDS",
    "ROUNDING_RULE",
    "round_half_away",
    "prints_as",
    "printing_margin",
    "published_path",
    "load_published",
    "compare_with_published",
    "render_reproduction_report",
]

KINDS = ("printed", "count", "claim")
ROUNDING_RULE = (
    "A published value is reproduced when the re-executed value, rounded to the published "
    "number of decimals, equals it. Rounding is half away from zero on the decimal value "
    "(0.125 prints as 0.13 and -0.15 as -0.2), as journals print; there is no tolerance.")
_COLUMNS = ["key", "description", "kind", "published", "reexecuted", "printed", "reproduced",
            "verdict", "criterion", "note", "impossible"]
_VERDICTS = {("printed", True): "prints as published",
             ("printed", False): "does not print as published",
             ("count", True): "equal", ("count", False): "not equal",
             ("claim", True): "holds", ("claim", False): "does not hold"}
NOT_COMPUTED = "not computed"


def _decimal(value: float | int | str) -> Decimal:
    """The decimal value of ``value``: its shortest decimal representation for a float
    (numpy's included)."""
    if isinstance(value, str):
        return Decimal(value)
    if isinstance(value, Integral):
        return Decimal(int(value))
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return Decimal(repr(number))


def round_half_away(value: float | int | str, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` places, half away from zero, on its decimal value.

    Examples
    --------
    >>> str(round_half_away(0.125, 2)), str(round_half_away(-0.15, 1))
    ('0.13', '-0.2')
    >>> str(round_half_away(2.675, 2))  # the float 2.675 is printed 2.675: rounds to 2.68
    '2.68'
    >>> str(round_half_away(-0.04, 1))  # no negative zero
    '0.0'
    """
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _decimals_of(printed: str) -> int:
    return len(printed.split(".")[1]) if "." in printed else 0


def prints_as(value: float | int, printed: str) -> bool:
    """Whether ``value`` prints as ``printed`` (rounded to its decimals, half away from zero).

    Examples
    --------
    >>> prints_as(0.8970, "0.90"), prints_as(0.8949, "0.90"), prints_as(-0.25, "-0.2")
    (True, False, False)
    """
    return round_half_away(value, _decimals_of(printed)) == Decimal(printed)


def printing_margin(value: float, printed: str) -> float:
    """How far inside the values that print as ``printed`` ``value`` lies, in half-units.

    1 at the centre, 0 on the edge, negative outside: a calibration can maximise the smallest
    margin of several values.

    Examples
    --------
    >>> round(printing_margin(0.45, "0.45"), 6), round(printing_margin(0.4525, "0.45"), 6)
    (1.0, 0.5)
    >>> round(printing_margin(-0.26, "-0.2"), 6)
    -0.2
    """
    half = 0.5 * 10.0 ** -_decimals_of(printed)
    centre = float(printed)
    return min(value - (centre - half), centre + half - value) / half


def published_path(study: str) -> Path:
    """Path of the published numbers of ``study``: ``published/<study>.yaml``.

    Examples
    --------
    >>> published_path("mentorship").name
    'mentorship.yaml'
    """
    return study_files(study).published


def _check_published(entry: dict, where: str) -> None:
    """Check the ``published`` field against the entry's kind (and set ``decimals``)."""
    kind, value = entry["kind"], entry["published"]
    if kind == "printed":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise DataError(f"{where}: field 'published' = {value!r}: rule broken: the value "
                            f"as printed, in quotes (\"0.90\")")
        if isinstance(value, str):
            try:
                Decimal(value)
            except ArithmeticError:
                raise DataError(f"{where}: field 'published' = {value!r}: rule broken: a "
                                f"number as printed") from None
            if "e" in value.lower() or not value.strip() == value:
                raise DataError(f"{where}: field 'published' = {value!r}: rule broken: "
                                f"plain decimal notation")
        elif not isinstance(entry.get("decimals"), int):
            raise DataError(f"{where}: field 'published' = {value!r} is a number: rule "
                            f"broken: write it as printed in quotes, or give 'decimals'")
        else:
            entry["published"] = str(round_half_away(value, entry["decimals"]))
    elif kind == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            raise DataError(f"{where}: field 'published' = {value!r}: rule broken: a count "
                            f"is an integer")
    else:
        level = entry.get("at_least")
        if not isinstance(value, str) or isinstance(level, bool) or not isinstance(
                level, (int, float)):
            raise DataError(f"{where}: a claim needs 'published' (the claim's words) and "
                            f"'at_least' (the number the re-executed value must reach)")


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
    for field in ("tolerance", "rule", "significance"):
        if field in entry:
            raise DataError(f"{where}: field '{field}': rule broken: no tolerance; a value is "
                            f"reproduced when it prints as published (kind: printed, count "
                            f"or claim)")
    kind = entry.setdefault("kind", "printed")
    if kind not in KINDS:
        raise DataError(f"{where}: field 'kind' = {kind!r}: rule broken: one of {KINDS}")
    _check_published(entry, where)
    if entry.get("impossible") is not None and (kind != "printed" or not str(
            entry["impossible"]).strip()):
        raise DataError(f"{where}: field 'impossible': rule broken: the arithmetic proving "
                        f"that a printed value cannot print as published")
    return entry


def load_published(path: str | os.PathLike[str]) -> dict:
    """Read and check a file of published numbers.

    Parameters
    ----------
    path : path-like
        ``published/<study>.yaml``: ``study``, ``source`` (``citation``, ``doi``,
        ``location``) and ``values`` (entries with ``key``, ``description``, ``kind``,
        ``published``, optional ``note``, ``at_least`` (claims) and ``impossible``).

    Returns
    -------
    dict
        The file's content; each entry gains ``keys`` (a list) and a default ``kind``.

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


def _reexecuted_value(numbers: Mapping[str, object], keys: Sequence[str]) -> tuple[float, str]:
    """Sum of the values of ``keys``; NaN and the reason when one is missing or not a number."""
    total = 0.0
    for key in keys:
        if key not in numbers or numbers[key] is None:
            return math.nan, f"{NOT_COMPUTED}: key '{key}' missing from numbers"
        value = numbers[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return math.nan, f"{NOT_COMPUTED}: key '{key}' is {value!r}, not a number"
        if not math.isfinite(float(value)):
            return math.nan, f"{NOT_COMPUTED}: key '{key}' is not finite"
        total = total + value
    return total, ""


def _judge(entry: Mapping, value: float) -> tuple[str, bool, str]:
    """The re-executed value as the paper would print it, whether it is reproduced, and the
    criterion in words."""
    kind = entry["kind"]
    if kind == "printed":
        decimals = _decimals_of(entry["published"])
        printed = str(round_half_away(value, decimals))
        return (printed, printed == str(Decimal(entry["published"])),
                f"rounded to {decimals} decimal{'s' if decimals != 1 else ''}")
    if kind == "count":
        return (f"{value:g}", value == entry["published"], "exact count")
    return (f"{value:.4g}", value >= entry["at_least"], f"at least {entry['at_least']:g}")


def compare_with_published(numbers: Mapping[str, object],
                           published: Mapping | str | os.PathLike[str]) -> pd.DataFrame:
    """Compare re-executed numbers with the published ones, entry by entry.

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
        summed), ``description``, ``kind``, ``published`` (as printed), ``reexecuted`` (NaN
        when not computed), ``printed`` (the re-executed value rounded as the paper rounds;
        ``"not computed"`` when missing), ``reproduced`` (bool), ``verdict`` ("prints as
        published", "does not print as published", "equal", "holds", ...), ``criterion``,
        ``note`` and ``impossible`` (the entry's arithmetic, ``""`` when none).

    Examples
    --------
    >>> published = {"source": {"citation": "Demo"}, "values": [
    ...     {"key": "n.mentors", "kind": "count", "published": 59},
    ...     {"key": "adjusted.pa.p", "published": "0.04"},
    ...     {"key": "mixed.dp.p", "kind": "claim", "published": "no difference",
    ...      "at_least": 0.05}]}
    >>> table = compare_with_published({"n.mentors": 59, "adjusted.pa.p": 0.0451,
    ...                                 "mixed.dp.p": 0.6}, published)
    >>> table[["printed", "verdict"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'printed': '59', 'verdict': 'equal'},
     {'printed': '0.05', 'verdict': 'does not print as published'},
     {'printed': '0.6', 'verdict': 'holds'}]
    """
    if not isinstance(published, Mapping):
        published = load_published(published)
    entries = published.get("values")
    if not isinstance(entries, list):
        raise DataError("published numbers: rule broken: a mapping with a 'values' list")
    rows = []
    for position, raw_entry in enumerate(entries):
        entry = _check_entry(raw_entry, position, "published numbers")
        value, problem = _reexecuted_value(numbers, entry["keys"])
        if problem:
            printed, reproduced, criterion = NOT_COMPUTED, False, ""
            verdict = NOT_COMPUTED
        else:
            printed, reproduced, criterion = _judge(entry, value)
            verdict = _VERDICTS[(entry["kind"], reproduced)]
        note = " ".join(str(entry.get("note") or "").split())
        rows.append({
            "key": " + ".join(entry["keys"]),
            "description": str(entry.get("description", "")),
            "kind": entry["kind"],
            "published": str(entry["published"]),
            "reexecuted": value,
            "printed": printed,
            "reproduced": bool(reproduced),
            "verdict": verdict,
            "criterion": criterion,
            "note": "; ".join(part for part in (problem, note) if part),
            "impossible": " ".join(str(entry.get("impossible") or "").split()),
        })
    return pd.DataFrame(rows, columns=_COLUMNS).astype({"reproduced": bool})


def _full(value: float) -> str:
    """The re-executed value in full (up to six significant digits)."""
    return NOT_COMPUTED if value is None or math.isnan(value) else f"{value:.6g}"


def _summary(table: pd.DataFrame) -> list[str]:
    """The summary lines: printed values, counts, claims."""
    lines = []
    printed = table[table["kind"] == "printed"]
    impossible = printed["impossible"].str.len() > 0
    lines.append(f"**{int(printed['reproduced'].sum())} of {len(printed)} published printed "
                 f"values print as published**; {int(impossible.sum())} cannot for plausible "
                 f"data (the arithmetic is shown below).")
    for kind, words in (("count", "counts are equal"), ("claim", "claims without a number hold")):
        part = table[table["kind"] == kind]
        if len(part):
            lines.append(f"{int(part['reproduced'].sum())} of {len(part)} {words}.")
    missing = int((table["verdict"] == NOT_COMPUTED).sum())
    if missing:
        lines.append(f"{missing} published value{'s are' if missing > 1 else ' is'} "
                     f"{NOT_COMPUTED} (the analysis did not record the key).")
    return lines


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
        A sentence about the data (e.g. that they are a synthetic replica).

    Returns
    -------
    str
        Markdown: heading, source, the rounding rule, the summary ("N of M published printed
        values print as published"), every value that does not print or is not computed
        (with the arithmetic of an impossible one), the full table.

    Raises
    ------
    DataError
        When ``table`` lacks a column of :func:`compare_with_published`.

    Examples
    --------
    >>> published = {"values": [{"key": "adjusted.pa.p", "published": "0.04"}]}
    >>> table = compare_with_published({"adjusted.pa.p": 0.0449}, published)
    >>> report = render_reproduction_report(table, {"citation": "Demo 2019", "doi": "10/x"})
    >>> "1 of 1 published printed values print as published" in report
    True
    """
    missing = [column for column in _COLUMNS if column not in table.columns]
    if missing:
        raise DataError(f"reproduction table: column(s) {missing} missing; expected the "
                        f"output of compare_with_published")
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
    lines += ["", f"Rule: {ROUNDING_RULE} Counts must be equal; a claim without a number "
              f"(\"no significant difference\", \"theme present\") is checked as stated in its "
              f"criterion and is not called a printed value.", "", *_summary(table), ""]
    failed = table[~table["reproduced"]]
    if len(failed):
        lines += ["## Values that do not print as published", ""]
        for row in failed.itertuples(index=False):
            found = (f"{row.note.split(';')[0]}" if row.verdict == NOT_COMPUTED else
                     f"re-executed {_full(row.reexecuted)}, which prints as {row.printed}: "
                     f"{row.verdict}")
            lines.append(f"- `{row.key}` ({row.description}): published {row.published}, "
                         f"{found}."
                         + (f" Why no plausible dataset prints it: {row.impossible}"
                            if row.impossible else ""))
        lines.append("")
    shown = pd.DataFrame({
        "Key": [f"`{key}`" for key in table["key"]],
        "Description": table["description"],
        "Kind": table["kind"],
        "Published": table["published"],
        "Re-executed, rounded alike": table["printed"],
        "Verdict": [verdict if ok else f"**{verdict}**"
                    for verdict, ok in zip(table["verdict"], table["reproduced"], strict=True)],
        "Re-executed (full)": [_full(value) for value in table["reexecuted"]],
        "Note": table["note"],
    })
    lines += ["## Comparison", "", markdown_table(shown), "",
              "The published values are recorded in one place, the study's published-numbers "
              "file; an impossible value carries the arithmetic that proves it there.", ""]
    return "\n".join(lines)
