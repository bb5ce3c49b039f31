"""REDCap CSV exports (raw data, variable names as header), classic and longitudinal.

The first column is the record id, whatever its name. A longitudinal project has a
``redcap_event_name`` column (``baseline_arm_1``, ``followup_arm_2``, ...): the rows of the
events asked for are kept. Rows of a repeating instrument (``redcap_repeat_instrument``
filled) and later repeats of a repeating event (``redcap_repeat_instance`` above 1) are not
the record's main row for the event: they are left out and listed in ``dropped``.

With the data dictionary, the codes of radio, dropdown, yesno (1 Yes, 0 No) and truefalse
(1 True, 0 False) fields become their labels (a cell already holding a label is kept, as in
a labels export); a code that is not a choice is a problem. Checkbox columns
(``field___code``, 0/1) are kept as they are. Fields flagged "Identifier?" = y are the
export's identifiers. Each form has a ``<form>_complete`` status (0 Incomplete,
1 Unverified, 2 Complete) and, when it is a survey, a ``<form>_timestamp`` (``[not
completed]`` until submitted): those of the forms holding the wanted ``columns`` give
``finished`` (every one 1 or 2) and ``submitted`` (the latest). A status column that is empty
in every kept row (a form not used in the events read) is ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from burnout.core.errors import Problem
from burnout.data.importers._common import Export, fail
from burnout.data.importers._dictionary import Field, read_dictionary
from burnout.data.importers._sniff import looks_qualtrics
from burnout.data.importers._table import read_table
from burnout.data.importers._values import lookup, parse_dates, parse_flags

__all__ = ["read_redcap"]

_STATUS = {"0": False, "1": True, "2": True, "Incomplete": False, "Unverified": True,
           "Complete": True}
_NOT_COMPLETED = ("[not completed]",)


def _event_mask(file: str, table: pd.DataFrame, event) -> np.ndarray:
    """Rows of the wanted events (all rows of a classic project); raises on a bad event."""
    events = [event] if isinstance(event, str) else list(event or ())
    if "redcap_event_name" not in table.columns:
        if events:
            raise fail(file, 1, None, ", ".join(events), "an event was given, but the export "
                       "has no redcap_event_name column: it comes from a classic (not "
                       "longitudinal) REDCap project; remove the event from the study file")
        return np.ones(len(table), dtype=bool)
    names = table["redcap_event_name"]
    present = list(dict.fromkeys(names.dropna()))
    listing = ", ".join(present) or "none"
    if not events:
        raise fail(file, 1, "redcap_event_name", None, "the export comes from a longitudinal "
                   f"REDCap project with the events {listing}; name the event(s) to read in "
                   "the study file")
    unknown = [name for name in events if name not in present]
    if unknown and present:  # an export without rows has no events to check against
        raise fail(file, None, "redcap_event_name", ", ".join(unknown), "event not in the "
                   f"export; its events are {listing} (use the unique event name, as in the "
                   "redcap_event_name column)")
    return names.isin(events).to_numpy()


def _repeat_masks(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows of repeating instruments, and repeats (instance above 1) of repeating events."""
    none = np.zeros(len(table), dtype=bool)
    instrument = table.get("redcap_repeat_instrument")
    by_instrument = none if instrument is None else instrument.notna().to_numpy()
    instance = table.get("redcap_repeat_instance")
    if instance is None:
        return by_instrument, none
    later = instance.notna() & (instance.str.strip() != "1")
    return by_instrument, ~by_instrument & later.to_numpy()


def _select_rows(table: pd.DataFrame, lines: list[int], wanted: np.ndarray):
    """Kept table and lines, dropped repeat rows, and the repeating instruments met."""
    by_instrument, by_event = _repeat_masks(table)
    drop = wanted & (by_instrument | by_event)
    instruments = table.get("redcap_repeat_instrument")
    instances = table.get("redcap_repeat_instance")
    events = table.get("redcap_event_name")
    dropped = []
    for i in np.flatnonzero(drop):
        instance = instances.iloc[i]
        if by_instrument[i]:
            why = (f"row of the repeating instrument '{instruments.iloc[i]}' (instance "
                   f"{instance}): only each record's main row is read")
        else:
            where = f" of the event '{events.iloc[i]}'" if events is not None else ""
            why = f"repeat {instance}{where}: only the first instance of a repeating event is read"
        dropped.append((lines[i], f"REDCap {why}"))
    repeated = set() if instruments is None else set(instruments[wanted & by_instrument])
    keep = wanted & ~drop
    kept = table.loc[keep].reset_index(drop=True)
    return kept, np.asarray(lines, dtype=int)[keep].tolist(), tuple(dropped), repeated


def _form_of(column: str, fields: dict[str, Field], forms: list[str]) -> str | None:
    """The form holding ``column`` (a field, a checkbox ``field___code``, a form status)."""
    if column in fields:
        return fields[column].form
    base, separator, _ = column.rpartition("___")
    if separator and base in fields and fields[base].type == "checkbox":
        return fields[base].form
    for suffix in ("_complete", "_timestamp"):
        if column.endswith(suffix) and column[: -len(suffix)] in forms:
            return column[: -len(suffix)]
    return None


def _chosen_forms(fields, table: pd.DataFrame, columns) -> list[str]:
    """Forms holding the wanted ``columns`` (the record id aside), in order."""
    if fields is None:
        return []
    forms = list(dict.fromkeys(field.form for field in fields.values()))
    record_id = {table.columns[0], next(iter(fields), None)}
    found = [_form_of(column, fields, forms) for column in columns if column not in record_id]
    return list(dict.fromkeys(form for form in found if form))


def _status_columns(table: pd.DataFrame, forms, suffix: str) -> list[str]:
    """``<form><suffix>`` columns of ``forms`` (every one without a dictionary) with a value."""
    if forms is None:
        names = [name for name in table.columns if name.endswith(suffix)]
    else:
        names = [form + suffix for form in forms if form + suffix in table.columns]
    return [name for name in names if table[name].notna().any()]


def _complete_flags(table, names, lines, file) -> tuple[pd.Series, list[Problem]]:
    """True where every ``<form>_complete`` of ``names`` is 1 or 2 (Unverified, Complete)."""
    flags = np.ones(len(table), dtype=bool)
    problems = []
    for name in names:
        cells, found = lookup(table[name].str.strip(), _STATUS)
        done = np.zeros(len(table), dtype=bool)
        done[found] = cells[found].astype(bool)
        flags &= done
        for i in np.flatnonzero(table[name].notna().to_numpy() & ~found):
            problems.append(Problem(file, lines[i], name, table[name].iloc[i], "not a REDCap "
                                    "form status; expected 0 (Incomplete), 1 (Unverified) or "
                                    "2 (Complete)"))
    return pd.Series(flags, index=table.index, dtype=bool), problems


def _finished(table, lines, file, forms, column):
    """Finished flags from ``column`` or the forms' ``_complete``; True when there is none."""
    if column is not None and column not in table.columns:
        raise fail(file, None, column, None, "the column named as the finished flag is not in "
                   "the export (REDCap names it <form>_complete)")
    if column is not None and not column.endswith("_complete"):
        return parse_flags(table[column], lines, file, column)
    names = [column] if column else _status_columns(table, forms, "_complete")
    if not names:
        return pd.Series(True, index=table.index, dtype=bool), []
    return _complete_flags(table, names, lines, file)


def _submitted(table, lines, file, forms, column):
    """Latest ``<form>_timestamp`` of the forms, or ``column``; NaT when none is known."""
    if column is not None and column not in table.columns:
        raise fail(file, None, column, None, "the column named as the submission time is not "
                   "in the export (REDCap names it <form>_timestamp)")
    names = [column] if column else _status_columns(table, forms, "_timestamp")
    if not names:
        return pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]"), []
    parsed = [parse_dates(table[name], lines, file, name, _NOT_COMPLETED) for name in names]
    latest = pd.concat([dates for dates, _ in parsed], axis=1).max(axis=1)
    return latest.astype("datetime64[ns]"), [p for _, found in parsed for p in found]


def _decode(table, lines, file, fields, dictionary) -> tuple[pd.DataFrame, list[Problem]]:
    """Codes of coded fields replaced by their labels, whole columns at a time."""
    problems = []
    if fields is None:
        return table, problems
    table = table.copy()
    for column in table.columns:
        field = fields.get(column)
        if field is None or not field.choices:
            continue
        values = table[column]
        cells, found = lookup(values, field.choices)
        labelled = values.isin(set(field.choices.values())).to_numpy()
        shown = ", ".join(f"{code} = {label}" for code, label in list(field.choices.items())[:8])
        for i in np.flatnonzero(values.notna().to_numpy() & ~found & ~labelled):
            problems.append(Problem(file, lines[i], column, values.iloc[i], "code not among the "
                                    f"choices of this {field.type} field in the data dictionary "
                                    f"{dictionary} ({shown}); correct the value in REDCap or "
                                    "the choices in the dictionary"))
        table[column] = pd.Series(cells, index=table.index, dtype=object)
    return table, problems


def _identifiers(table: pd.DataFrame, fields) -> frozenset[str]:
    """Columns of fields flagged as identifiers (with their checkbox columns)."""
    if fields is None:
        return frozenset()
    return frozenset(column for column in table.columns
                     if (field := fields.get(column) or fields.get(column.rpartition("___")[0]))
                     and field.identifier)


def _check_against_dictionary(file, table, fields, chosen, repeated, dictionary) -> None:
    """Refuse a labels header, and wanted columns on a repeating instrument."""
    if fields is None:
        return
    if not set(table.columns) & set(fields):
        raise fail(file, 1, None, None, f"no column of the export is a field of the data "
                   f"dictionary {dictionary}: export the data as 'CSV / Microsoft Excel (raw "
                   "data)' with variable names as headers, from the same project")
    on_repeat = [form for form in chosen if form in repeated]
    if on_repeat:
        raise fail(file, None, None, ", ".join(on_repeat), "the wanted columns are on a "
                   "repeating instrument, which has one row per repeat; this reader keeps one "
                   "row per record and event: use fields of a non-repeating instrument")


def _refuse_qualtrics(file: str, records: list[list[str]]) -> None:
    if looks_qualtrics(records):
        raise fail(file, 2, None, None, "this looks like a Qualtrics export (its 2nd and 3rd "
                   "lines are Qualtrics header lines), not a REDCap one: set its format to "
                   "qualtrics")


def read_redcap(folder, file: str, *, event=None, dictionary: str | None = None, columns=(),
                submitted: str | None = None, finished: str | None = None) -> Export:
    """Read one REDCap raw CSV export of ``folder`` (see the module docstring).

    Parameters
    ----------
    folder : pathlib.Path or str
        The study folder.
    file : str
        The export's file name in ``folder``.
    event : str or list of str, optional
        Longitudinal projects only: the unique event name(s) whose rows are read.
    dictionary : str, optional
        File name (in ``folder``) of the project's data dictionary CSV.
    columns : sequence of str
        The columns the caller will use: their forms give ``finished`` and ``submitted``.
    submitted, finished : str, optional
        Columns overriding the forms' ``_timestamp`` and ``_complete``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "dict.csv").write_text(
    ...     '"Variable / Field Name","Form Name","Field Type",'
    ...     '"Choices, Calculations, OR Slider Labels",Identifier?\\n'
    ...     'record_id,mbi,text,,\\nee1,mbi,radio,"0, Never | 1, A few times a year or less",\\n')
    >>> _ = (folder / "data.csv").write_text(
    ...     'record_id,redcap_event_name,mbi_timestamp,ee1,mbi_complete\\n'
    ...     '1,pre_arm_1,2024-03-01 10:12:40,1,2\\n2,pre_arm_1,[not completed],0,0\\n'
    ...     '1,post_arm_1,2024-06-01 09:00:00,0,2\\n')
    >>> export = read_redcap(folder, "data.csv", event="pre_arm_1", dictionary="dict.csv",
    ...                      columns=["ee1"])
    >>> export.table["ee1"].tolist(), export.lines, export.finished.tolist()
    (['A few times a year or less', 'Never'], (2, 3), [True, False])
    >>> str(export.submitted[0]), export.submitted.isna().tolist()
    ('2024-03-01 10:12:40', [False, True])
    """
    table, body_lines = read_table(folder, file,
                                   lambda records: _refuse_qualtrics(file, records))
    fields = read_dictionary(folder, dictionary) if dictionary else None
    wanted = _event_mask(file, table, event)
    table, kept, dropped, repeated = _select_rows(table, body_lines, wanted)
    chosen = _chosen_forms(fields, table, columns)
    _check_against_dictionary(file, table, fields, chosen, repeated, dictionary)
    forms = chosen or (None if fields is None else list({f.form: 0 for f in fields.values()}))
    table, problems = _decode(table, kept, file, fields, dictionary)
    flags, flag_problems = _finished(table, kept, file, forms, finished)
    dates, date_problems = _submitted(table, kept, file, forms, submitted)
    return Export(file=file, format="redcap", table=table, lines=tuple(kept),
                  identifiers=_identifiers(table, fields), submitted=dates, finished=flags,
                  dropped=dropped, problems=tuple(problems + flag_problems + date_problems))
