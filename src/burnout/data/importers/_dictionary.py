"""The REDCap data dictionary: which form holds a field, its type, choices and identifier flag.

The dictionary is the CSV REDCap downloads from Project Setup -> Data Dictionary, with the
headers "Variable / Field Name", "Form Name", "Field Type", "Choices, Calculations, OR Slider
Labels" and "Identifier?" (the API's metadata export, with ``field_name``, ``form_name``,
``field_type``, ``select_choices_or_calculations`` and ``identifier``, is read too).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from burnout.data.importers._common import fail, read_text, split_records
from burnout.data.importers._table import build_table

__all__ = ["Field", "read_dictionary", "parse_choices", "CODED_TYPES"]

# Field types whose values are codes of a choice list (yesno / truefalse: implicit lists).
CODED_TYPES = ("radio", "dropdown", "yesno", "truefalse")
_IMPLICIT = {"yesno": {"1": "Yes", "0": "No"}, "truefalse": {"1": "True", "0": "False"}}
_HEADERS = {"Variable / Field Name": "field_name", "Form Name": "form_name",
            "Field Type": "field_type",
            "Choices, Calculations, OR Slider Labels": "select_choices_or_calculations",
            "Identifier?": "identifier"}


@dataclass(frozen=True)
class Field:
    """One field of the dictionary (``choices``: code -> label, empty unless coded)."""

    name: str
    form: str
    type: str
    choices: dict[str, str]
    identifier: bool


def parse_choices(text: str | None) -> dict[str, str]:
    """Code -> label of a REDCap choice list ``"1, Female | 2, Male"``.

    Code and label are split at the first comma (labels may hold commas); a choice without
    a comma is its own code.

    Examples
    --------
    >>> parse_choices("1, Never | 2, A few times a year, or less | 3,Once a month")
    {'1': 'Never', '2': 'A few times a year, or less', '3': 'Once a month'}
    """
    choices = {}
    for choice in (text or "").split("|"):
        code, _, label = choice.partition(",")
        if code.strip():
            choices[code.strip()] = label.strip() if _ else code.strip()
    return choices


def _columns(file: str, table) -> dict[str, str]:
    """API name -> column of the dictionary table; raises naming the missing columns."""
    present = {}
    for header, api in _HEADERS.items():
        for name in (header, api):
            if name in table.columns:
                present[api] = name
    missing = [header for header, api in _HEADERS.items() if api not in present]
    if missing:
        raise fail(file, 1, None, None, "the data dictionary lacks the column(s) "
                   f"{', '.join(repr(name) for name in missing)} (its columns are "
                   f"{', '.join(repr(name) for name in table.columns[:8])}...); download it "
                   "again from REDCap (Project Setup -> Data Dictionary) and keep its header")
    return present


def read_dictionary(folder, file: str) -> dict[str, Field]:
    """Field name -> :class:`Field` of the REDCap data dictionary ``folder / file``.

    Raises
    ------
    ValidationError
        The file is missing or unreadable, or lacks one of the required columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "dict.csv").write_text(
    ...     '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    ...     '"Choices, Calculations, OR Slider Labels","Field Note",Identifier?\\n'
    ...     'record_id,enrolment,,text,"Record ID",,,\\n'
    ...     'email,enrolment,,text,"E-mail",,,y\\n'
    ...     'sex,enrolment,,radio,Sex,"1, Female | 2, Male",,\\n'
    ...     'mentor,enrolment,,yesno,"Has a mentor?",,,\\n')
    >>> fields = read_dictionary(folder, "dict.csv")
    >>> fields["sex"].choices, fields["mentor"].choices, fields["email"].identifier
    ({'1': 'Female', '2': 'Male'}, {'1': 'Yes', '0': 'No'}, True)
    """
    if not (Path(folder) / file).is_file():
        raise fail(file, None, None, None, "the REDCap data dictionary named in the study file is "
                   f"not in the folder '{folder}'; download it from REDCap (Project Setup -> Data "
                   "Dictionary -> Download the current Data Dictionary) and save it there under "
                   "that name")
    records, lines = split_records(read_text(folder, file), file)
    table = build_table(file, records[0], lines[0], records[1:], lines[1:])
    column = _columns(file, table)
    fields = {}
    for row in table.itertuples(index=False, name=None):  # one row per field: small
        cell = dict(zip(table.columns, row, strict=True))
        name = (cell[column["field_name"]] or "").strip()
        kind = (cell[column["field_type"]] or "").strip().lower()
        if not name:
            continue
        choices = {}
        if kind in CODED_TYPES:
            choices = dict(_IMPLICIT.get(kind, {})) or parse_choices(
                cell[column["select_choices_or_calculations"]])
        fields[name] = Field(name, (cell[column["form_name"]] or "").strip(), kind, choices,
                             (cell[column["identifier"]] or "").strip().lower() == "y")
    return fields
