"""The machine-readable codebook of a raw-data folder, and the human-readable one rendered from it.

Each raw folder ``data/raw/<study>/`` holds one ``datapackage.json``: a `Frictionless Data
Package <https://specs.frictionlessdata.io/data-package/>`_ whose resources (one per CSV file)
carry a `Table Schema <https://specs.frictionlessdata.io/table-schema/>`_. It is the single source
of truth about the raw data: ``CODEBOOK.md`` is rendered from it by :func:`render_codebook`, the
validator checks the files against it and the cleaner reads the files through it. The JSON is
read here directly (no ``frictionless`` dependency); the subset used is

* package: ``name``, ``title``, ``description``, ``resources``;
* resource: ``name``, ``path``, ``title``, ``description``, ``encoding`` (always ``utf-8``; a
  byte-order mark and CRLF line endings, as Excel writes them, are accepted), ``schema``;
* schema: ``fields``, ``missingValues``, ``primaryKey``, ``foreignKeys``;
* field: ``name``, ``type`` (``string``, ``integer``, ``number``, ``boolean``, ``datetime``),
  ``format`` (a ``strptime`` pattern for ``datetime``), ``title``, ``description``,
  ``trueValues``/``falseValues`` (``boolean``), ``constraints`` (``required``, ``minimum``,
  ``maximum``, ``enum``).

Custom properties (allowed by the specification, ignored by other Frictionless tools):

* field ``valueLabels``: ``{code: label}``. A cell may hold the code or its label ("Never" for 0,
  "Strongly agree" for 5); labels and ``enum`` values are compared after normalising whitespace
  and case (``" SITE 1 "`` is the label ``"Site 1"``, i.e. code ``site_1``).
* field ``identifier: true``: a direct identifier (name, e-mail) that never leaves the raw folder.
* field ``freeText: true``: free text, scrubbed of identifiers before it is written.
* resource ``duplicates``: ``{"key": [...], "orderBy": column, "preferTrue": column,
  "rule": prose}`` — how repeated submissions of one participant are resolved.
* resource ``columnMapping``: ``{column in your export: column of the codebook}``, for an author
  whose export names the columns differently (see the rendered codebook).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from burnout.errors import DataError, Problem

__all__ = [
    "FieldSpec",
    "ResourceSpec",
    "Codebook",
    "RawFileError",
    "load_codebook",
    "field_schema",
    "render_codebook",
    "read_raw_table",
    "parse_value",
    "normalise_label",
    "CODEBOOK_FILE",
]

CODEBOOK_FILE = "datapackage.json"  # name of the machine-readable codebook in a raw folder
_TYPES = {"string", "integer", "number", "boolean", "datetime"}
_INTEGER = re.compile(r"^[+-]?\d+$")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FieldSpec:
    """One column of a raw file, as the codebook describes it."""

    name: str
    type: str
    title: str = ""
    description: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    value_labels: dict[str, str] = field(default_factory=dict)
    format: str | None = None
    true_values: tuple[str, ...] = ("true", "True", "TRUE", "1")
    false_values: tuple[str, ...] = ("false", "False", "FALSE", "0")
    identifier: bool = False
    free_text: bool = False


@dataclass(frozen=True)
class ResourceSpec:
    """One raw file: its path, columns and table-level rules."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[FieldSpec, ...]
    missing_values: tuple[str, ...] = ("",)
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    duplicates: dict | None = None
    column_mapping: dict[str, str] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        """The field called ``name`` (KeyError if the codebook has no such column)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.path}: the codebook has no column '{name}'")

    @property
    def field_names(self) -> list[str]:
        """Column names in codebook order."""
        return [spec.name for spec in self.fields]


@dataclass(frozen=True)
class Codebook:
    """The whole data package: one :class:`ResourceSpec` per raw file."""

    name: str
    title: str
    description: str
    resources: dict[str, ResourceSpec]
    source: Path | None = None

    def resource(self, name: str) -> ResourceSpec:
        """The resource called ``name``."""
        if name not in self.resources:
            raise DataError(f"{self.source}: the codebook has no resource '{name}' "
                            f"(known: {sorted(self.resources)})")
        return self.resources[name]


class RawFileError(DataError):
    """A raw file cannot be read at all (missing, empty, not UTF-8, malformed CSV)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def normalise_label(value: str) -> str:
    """Collapse whitespace and case so that spellings of one label compare equal.

    Examples
    --------
    >>> normalise_label("  SITE   1 ") == normalise_label("Site 1")
    True
    """
    return " ".join(str(value).split()).casefold()


def _field_from_json(entry: dict, where: str) -> FieldSpec:
    name = entry.get("name")
    kind = entry.get("type", "string")
    if not isinstance(name, str) or not name:
        raise DataError(f"{where}: every field needs a 'name'")
    if kind not in _TYPES:
        raise DataError(f"{where}, field '{name}': type '{kind}' not supported "
                        f"(use one of {sorted(_TYPES)})")
    constraints = entry.get("constraints", {})
    enum = constraints.get("enum")
    extra = {}
    if "trueValues" in entry:
        extra["true_values"] = tuple(entry["trueValues"])
    if "falseValues" in entry:
        extra["false_values"] = tuple(entry["falseValues"])
    return FieldSpec(
        name=name, type=kind, title=entry.get("title", ""),
        description=entry.get("description", ""),
        required=bool(constraints.get("required", False)),
        minimum=constraints.get("minimum"), maximum=constraints.get("maximum"),
        enum=None if enum is None else tuple(str(value) for value in enum),
        value_labels={str(code): label for code, label in entry.get("valueLabels", {}).items()},
        format=entry.get("format"), identifier=bool(entry.get("identifier", False)),
        free_text=bool(entry.get("freeText", False)), **extra,
    )


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def load_codebook(path: str | Path) -> Codebook:
    """Read a ``datapackage.json`` (or the raw folder that holds one).

    Parameters
    ----------
    path : str or Path
        The JSON file, or a folder containing ``datapackage.json``.

    Returns
    -------
    Codebook
        Resources keyed by name, each with its fields in file order.

    Raises
    ------
    DataError
        When the file is missing, is not JSON, or describes a field incompletely.

    Examples
    --------
    >>> from burnout.paths import study_paths
    >>> codebook = load_codebook(study_paths("mentorship").raw)
    >>> codebook.resource("students").primary_key
    ('student_id',)
    """
    path = Path(path)
    if path.is_dir():
        path = path / CODEBOOK_FILE
    if not path.is_file():
        raise DataError(f"{path}: codebook not found (a Frictionless datapackage.json describing "
                        "every raw file is required)")
    try:
        package = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{path}: not valid UTF-8 JSON ({error})") from None
    resources = {}
    for number, entry in enumerate(package.get("resources", []), start=1):
        where = f"{path}, resource {number}"
        schema = entry.get("schema", {})
        fields = tuple(_field_from_json(item, where) for item in schema.get("fields", []))
        foreign = tuple(
            (_as_tuple(key["fields"]), key["reference"]["resource"],
             _as_tuple(key["reference"]["fields"]))
            for key in schema.get("foreignKeys", [])
        )
        resource = ResourceSpec(
            name=entry["name"], path=entry.get("path", f"{entry['name']}.csv"),
            title=entry.get("title", ""), description=entry.get("description", ""),
            fields=fields, missing_values=tuple(schema.get("missingValues", [""])),
            primary_key=_as_tuple(schema.get("primaryKey")), foreign_keys=foreign,
            duplicates=entry.get("duplicates"),
            column_mapping=dict(entry.get("columnMapping", {})),
        )
        resources[resource.name] = resource
    return Codebook(name=package.get("name", ""), title=package.get("title", ""),
                    description=package.get("description", ""), resources=resources,
                    source=path)


def _decode(data: bytes, file: str) -> str:
    """UTF-8 text of a raw file (BOM dropped, CRLF made LF) or RawFileError."""
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start: error.start + 1].hex()
        raise RawFileError(Problem(
            file, line, None, f"0x{byte}",
            f"file is not UTF-8: invalid byte at byte offset {error.start} (line {line}); it "
            "looks Latin-1/Windows-1252 encoded, re-save it as UTF-8 (CSV UTF-8)",
        )) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_raw_table(raw_dir: str | Path, resource: ResourceSpec) -> pd.DataFrame:
    """Read one raw CSV as text, exactly as exported, without changing any value.

    The file is opened read-only; columns are renamed by the resource's ``columnMapping``.
    Every cell is a ``str`` (the empty string for an empty cell); nothing is parsed, so the
    validator can report the value as the file has it. Row ``i`` of the frame is line
    ``i + 2`` of a spreadsheet (the header is line 1).

    Raises
    ------
    RawFileError
        When the file is missing, empty, not UTF-8, or a row has more or fewer cells than
        the header; ``error.problem`` says where.

    Examples
    --------
    >>> from burnout.paths import study_paths
    >>> raw = study_paths("mentorship").raw
    >>> mentors = read_raw_table(raw, load_codebook(raw).resource("mentors"))
    >>> list(mentors.columns[:2])
    ['mentor_id', 'first_name']
    """
    path = Path(raw_dir) / resource.path
    if not path.is_file():
        raise RawFileError(Problem(resource.path, None, None, None, "required file is missing"))
    with open(path, "rb") as handle:  # read-only: raw files are never modified
        data = handle.read()
    if not data.strip(_BOM + b" \r\n\t"):
        raise RawFileError(Problem(resource.path, None, None, None,
                                   "file is empty (expected a header row and data rows)"))
    text = _decode(data, resource.path)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # trailing blank lines
    header = [resource.column_mapping.get(name.strip(), name.strip()) for name in rows[0]]
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise RawFileError(Problem(resource.path, number, None, len(row),
                                       f"row has {len(row)} cells but the header has "
                                       f"{len(header)} columns"))
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return frame.astype(object)


def _label_lookup(spec: FieldSpec) -> dict[str, str]:
    """Normalised code or label -> code."""
    lookup = {}
    for code, label in spec.value_labels.items():
        lookup[normalise_label(code)] = code
        lookup[normalise_label(label)] = code
    for value in spec.enum or ():
        lookup.setdefault(normalise_label(value), value)
    return lookup


def parse_value(spec: FieldSpec, text: str, missing_values: tuple[str, ...] = ("",)):
    """Parse one raw cell by its codebook field; ``None`` when the cell is missing.

    Labels in ``valueLabels`` are translated to their codes; ``enum`` and labels are matched
    after :func:`normalise_label`.

    Raises
    ------
    ValueError
        With the rule broken as message ("not an integer", "above the maximum 6", ...).

    Examples
    --------
    >>> item = FieldSpec("Q1", "integer", minimum=0, maximum=6, value_labels={"0": "Never"})
    >>> parse_value(item, " never "), parse_value(item, "4"), parse_value(item, "")
    (0, 4, None)
    >>> parse_value(item, "9")
    Traceback (most recent call last):
    ...
    ValueError: above the maximum 6
    """
    stripped = str(text).strip()
    if stripped in missing_values or str(text) in missing_values:
        if spec.required:
            raise ValueError("required value is missing")
        return None
    lookup = _label_lookup(spec) if (spec.value_labels or spec.enum) else {}
    if spec.value_labels and normalise_label(stripped) in lookup:
        stripped = lookup[normalise_label(stripped)]
    if spec.type == "integer":
        if not _INTEGER.match(stripped):
            allowed = ", ".join(f"'{label}'" for label in spec.value_labels.values())
            raise ValueError("not an integer" + (f" nor a label ({allowed})" if allowed else ""))
        value = int(stripped)
    elif spec.type == "number":
        try:
            value = float(stripped)
        except ValueError:
            raise ValueError("not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
    elif spec.type == "boolean":
        if stripped in spec.true_values:
            return True
        if stripped in spec.false_values:
            return False
        raise ValueError(f"not a boolean (true: {list(spec.true_values)}, "
                         f"false: {list(spec.false_values)})")
    elif spec.type == "datetime":
        pattern = spec.format if spec.format and spec.format != "default" else "%Y-%m-%dT%H:%M:%S"
        try:
            return datetime.strptime(stripped, pattern)
        except ValueError:
            raise ValueError(f"not a date-time in the format {pattern}") from None
    else:
        value = " ".join(stripped.split()) if (spec.enum or spec.value_labels) else str(text)
        if spec.enum is not None:
            key = normalise_label(value)
            if key not in lookup or lookup[key] not in spec.enum:
                raise ValueError(f"not one of the allowed values {list(spec.enum)} "
                                 "(after normalising whitespace and case)")
            value = lookup[key]
    if spec.minimum is not None and value < spec.minimum:
        raise ValueError(f"below the minimum {spec.minimum}")
    if spec.maximum is not None and value > spec.maximum:
        raise ValueError(f"above the maximum {spec.maximum}")
    if spec.enum is not None and spec.type != "string" and str(value) not in spec.enum:
        raise ValueError(f"not one of the allowed values {list(spec.enum)}")
    return value


def _allowed(spec: FieldSpec) -> str:
    parts = []
    if spec.value_labels:
        parts.append("; ".join(f"{code} = {label}" for code, label in spec.value_labels.items()))
    elif spec.enum:
        parts.append(", ".join(f"`{value}`" for value in spec.enum))
    if spec.minimum is not None or spec.maximum is not None:
        low = "" if spec.minimum is None else f"{spec.minimum:g}"
        high = "" if spec.maximum is None else f"{spec.maximum:g}"
        if not spec.value_labels:
            parts.append(f"{low} to {high}")
    if spec.type == "boolean":
        parts.append(f"true: {', '.join(spec.true_values)}; false: {', '.join(spec.false_values)}")
    if spec.type == "datetime" and spec.format:
        parts.append(f"format `{spec.format}`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_codebook(codebook: Codebook) -> str:
    """Render the human-readable codebook (Markdown) from the machine-readable one.

    Parameters
    ----------
    codebook : Codebook
        As returned by :func:`load_codebook`.

    Returns
    -------
    str
        Markdown: one section per raw file with a table of its columns (type, required,
        allowed values, meaning), missing-value codes, keys and duplicate rule, and how to
        bring your own export.

    Examples
    --------
    >>> from burnout.paths import study_paths
    >>> text = render_codebook(load_codebook(study_paths("mentorship").raw))
    >>> text.splitlines()[0].startswith("# Codebook")
    True
    """
    lines = [f"# Codebook: {codebook.title or codebook.name}", "",
             "<!-- Generated from datapackage.json by burnout.codebook.render_codebook: "
             "edit the JSON, not this file. -->", ""]
    if codebook.description:
        lines += [codebook.description, ""]
    lines += [
        "## Bringing your own export", "",
        "The analysis reads only this folder and cannot tell the synthetic replica from a real "
        "export. To analyse your own data:", "",
        "1. Export one CSV file (UTF-8; Excel's *CSV UTF-8* with byte-order mark and CRLF line "
        "endings is fine, Latin-1 is not) per resource below, with the file names shown.",
        "2. Either name the columns exactly as below, or keep your column names and add a "
        "`columnMapping` object to the resource in `datapackage.json`, mapping *your* column "
        "name to the codebook's, e.g. `\"columnMapping\": {\"MBI item 1\": \"Q1\", "
        "\"Student ID\": \"student_id\"}`.",
        "3. Labels may replace codes wherever a column lists value labels (\"Never\" for 0, "
        "\"Agree\" for 4); labels and categories are matched ignoring case and extra spaces.",
        "4. Validate (the first stage lists every problem at once, with file, row, column, value "
        "and rule), then accept the new files with "
        "`python -m burnout checksums data/raw/<study> --accept`.", "",
        "Columns marked *identifier* (names, e-mail addresses) never leave this folder; columns "
        "marked *free text* are scrubbed of e-mail addresses, phone numbers and listed names "
        "before they are written.", "",
    ]
    for resource in codebook.resources.values():
        lines += [f"## `{resource.path}` — {resource.title}", ""]
        if resource.description:
            lines += [resource.description, ""]
        missing = ", ".join(f"`{value}`" if value else "empty cell"
                            for value in resource.missing_values)
        lines.append(f"- Missing values: {missing}")
        if resource.primary_key:
            lines.append(f"- Unique key: {', '.join(resource.primary_key)}")
        for fields, other, other_fields in resource.foreign_keys:
            lines.append(f"- {', '.join(fields)} must exist in `{other}` "
                         f"({', '.join(other_fields)})")
        if resource.duplicates:
            lines.append(f"- Repeated submissions: {resource.duplicates.get('rule', '')}")
        lines += ["", "| column | type | required | allowed values | meaning |",
                  "|---|---|---|---|---|"]
        for spec in resource.fields:
            meaning = spec.title
            if spec.description:
                meaning = f"{meaning}. {spec.description}" if meaning else spec.description
            tags = [tag for tag, on in (("identifier", spec.identifier),
                                        ("free text", spec.free_text)) if on]
            if tags:
                meaning += f" *({', '.join(tags)})*"
            lines.append(f"| `{spec.name}` | {spec.type} | {'yes' if spec.required else 'no'} | "
                         f"{_cell(_allowed(spec))} | {_cell(meaning)} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def field_schema(name: str, kind: str, title: str, description: str = "", required: bool = False,
                 minimum=None, maximum=None, enum=None, labels=None, **extra) -> dict:
    """One Table Schema field of a ``datapackage.json`` (used by the replica generators).

    Constraints (``required``, ``minimum``, ``maximum``, ``enum``) go under ``constraints``;
    ``labels`` (code -> label) become ``valueLabels``; any other keyword (``identifier``,
    ``freeText``, ...) is copied as is.

    Examples
    --------
    >>> field_schema("age", "integer", "Age in years", minimum=18, maximum=60)
    {'name': 'age', 'type': 'integer', 'title': 'Age in years', 'constraints': {'minimum': 18, \
'maximum': 60}}
    """
    entry: dict = {"name": name, "type": kind, "title": title}
    if description:
        entry["description"] = description
    constraints: dict = {}
    if required:
        constraints["required"] = True
    if minimum is not None:
        constraints["minimum"] = minimum
    if maximum is not None:
        constraints["maximum"] = maximum
    if enum is not None:
        constraints["enum"] = enum
    if constraints:
        entry["constraints"] = constraints
    if labels is not None:
        entry["valueLabels"] = {str(code): label for code, label in labels.items()}
    entry.update(extra)
    return entry
