"""Reading each section of a study file: every key checked, every problem named by its key.

The parsers of :func:`burnout.data.study.load_study`, one per section (roster, waves,
instruments, evaluations, qualitative, groups). Each collects the problems it finds in a
:class:`Checker` instead of stopping at the first, so a user fixes a study file in one pass;
an unknown key is reported with the closest known one.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from pathlib import Path

from burnout.core.errors import DataError
from burnout.data.study import (
    FORMATS,
    Confounder,
    Evaluation,
    InstrumentColumns,
    Qualitative,
    Roster,
    Source,
    Wave,
)

__all__ = ["Checker", "TOP_KEYS", "PROGRAM_KEYS", "DUPLICATE_RULES", "parse_roster",
           "parse_waves", "parse_instruments", "parse_evaluations", "parse_qualitative",
           "parse_groups", "parse_program", "parse_confounders", "shown"]

DUPLICATE_RULES = ("latest", "first")
_GROUPS = ("intervention", "control")
# The keys each section accepts (anything else is an error).
TOP_KEYS = ("study", "title", "design", "synthetic", "roster", "groups", "waves", "instruments",
            "duplicates", "evaluations", "qualitative", "program", "confounders")
# The keys of one entry of the optional ``confounders`` list.
CONFOUNDER_KEYS = ("name", "why")
# The program-design descriptors of the optional ``program`` section (seed 003's design choices):
# free text each, shown in the evidence synthesis' program-design table and usable as moderators.
PROGRAM_KEYS = ("format", "matching", "dose", "setting", "population")
_SOURCE_KEYS = ("file", "format", "event", "dictionary", "id", "submitted", "finished",
                "identifiers", "response_id")
_ROSTER_KEYS = _SOURCE_KEYS + ("group", "site", "strata", "covariates", "withdrawn", "sessions",
                               "labels")
_WAVE_KEYS = _SOURCE_KEYS + ("name", "columns")
_INSTRUMENT_KEYS = ("columns", "responses")
_EVALUATION_KEYS = _SOURCE_KEYS + ("respondents", "eligible", "scale", "responses", "items",
                                   "numeric", "free_text")
_QUALITATIVE_KEYS = ("codebook", "codes", "sources")
_ELIGIBLE_KEYS = ("group", "analysed")


class Checker:
    """Collects the problems of one study file, each named by its key."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, key: str, rule: str) -> None:
        problem = f"key '{key}': {rule}"
        if problem not in self.problems:  # a key checked twice (e.g. a required file) once
            self.problems.append(problem)

    def mapping(self, value, key: str, allowed: tuple[str, ...], required=()) -> dict:
        """``value`` as a mapping with only ``allowed`` keys and every ``required`` one."""
        if not isinstance(value, Mapping):
            self.add(key, f"must be a mapping (key: value lines), got {shown(value)}")
            return {}
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.add(f"{key}.{name}" if key else str(name),
                         f"is not a key of the study file{hint} (allowed"
                         f"{' in ' + repr(key) if key else ''}: {', '.join(allowed)})")
        for name in required:
            if value.get(name) in (None, ""):
                self.add(f"{key}.{name}" if key else name, "is required")
        return dict(value)

    def text(self, value, key: str, required: bool = False) -> str | None:
        if value is None or value == "":
            if required:
                self.add(key, "is required")
            return None
        if isinstance(value, (bool, list, dict)):
            self.add(key, f"must be a text, got {shown(value)}")
            return None
        return str(value)

    def texts(self, value, key: str) -> tuple[str, ...]:
        """A text or a list of texts, as a tuple."""
        if value is None:
            return ()
        if any(isinstance(item, bool) for item in (value if isinstance(value, list)
                                                   else [value])):
            self.add(key, f"{shown(value)}: YAML reads yes, no, true, false, on and off as "
                          "true/false; put such a text in quotes, e.g. [\"Yes\"]")
            return ()
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return (str(value),)
        if isinstance(value, list) and all(isinstance(item, (str, int)) for item in value):
            return tuple(str(item) for item in value)
        self.add(key, f"must be a text or a list of texts, got {shown(value)}")
        return ()

    def choice(self, value, key: str, choices: tuple[str, ...], default: str) -> str:
        if value is None:
            return default
        if value not in choices:
            self.add(key, f"must be one of {', '.join(choices)}, got {shown(value)}")
            return default
        return str(value)

    def responses(self, value, key: str) -> dict[str, float | None]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.add(key, f"must map response labels to values, got {shown(value)}")
            return {}
        mapped: dict[str, float | None] = {}
        for label, number in value.items():
            if isinstance(label, bool) or label is None:
                self.add(f"{key}.{label}", "YAML reads yes, no, true, false, on, off and null "
                                           "as true/false/null; put the label in quotes, e.g. "
                                           '{"Yes": 1}')
                continue
            if number is not None and (isinstance(number, bool)
                                       or not isinstance(number, (int, float))):
                self.add(f"{key}.{label}", f"must be a number or null (missing), got "
                                           f"{shown(number)}")
                continue
            mapped[str(label)] = number
        return mapped


def shown(value) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


def _source(check: Checker, raw: dict, key: str, folder: Path, cls=Source, **extra):
    """The export-file keys of a roster, wave or evaluation entry."""
    file = check.text(raw.get("file"), f"{key}.file", required=True)
    if file and not (folder / file).is_file():
        present = sorted(path.name for path in folder.iterdir() if path.is_file())
        check.add(f"{key}.file", f"names '{file}', which is not in {folder} (files there: "
                                 f"{', '.join(present) or 'none'})")
    fmt = check.choice(raw.get("format"), f"{key}.format", FORMATS, "csv")
    event = check.texts(raw.get("event"), f"{key}.event")
    dictionary = check.text(raw.get("dictionary"), f"{key}.dictionary")
    if fmt != "redcap":
        for name, value in (("event", event), ("dictionary", dictionary)):
            if value:
                check.add(f"{key}.{name}", f"applies to REDCap exports only (format is {fmt})")
    if dictionary and not (folder / dictionary).is_file():
        check.add(f"{key}.dictionary", f"names '{dictionary}', which is not in {folder}")
    return cls(file=file or "", format=fmt, id=check.text(raw.get("id"), f"{key}.id",
                                                          required=True) or "",
               event=event, dictionary=dictionary,
               submitted=check.text(raw.get("submitted"), f"{key}.submitted"),
               finished=check.text(raw.get("finished"), f"{key}.finished"),
               identifiers=check.texts(raw.get("identifiers"), f"{key}.identifiers"),
               response_id=check.text(raw.get("response_id"), f"{key}.response_id"), **extra)


def _roster_labels(check: Checker, raw, names) -> tuple[dict, dict]:
    """``roster.labels``: the display name of a covariate (or the site) and of its levels,
    ``{name: "Label"}`` or ``{name: {label: "Label", levels: {value: "Label"}}}``."""
    labels, levels = {}, {}
    if not isinstance(raw or {}, Mapping):
        check.add("roster.labels", "must map covariates (or site) to a label, e.g. "
                                   "{applying_em: {label: Applying to EM, levels: {1: \"Yes\"}}}")
        return labels, levels
    for name, entry in (raw or {}).items():
        key = f"roster.labels.{name}"
        if str(name) not in names:
            check.add(key, f"names no covariate (known: {', '.join(sorted(names))})")
            continue
        entry = {"label": entry} if not isinstance(entry, Mapping) else entry
        entry = check.mapping(entry, key, ("label", "levels"))
        if entry.get("label") is not None:
            labels[str(name)] = check.text(entry["label"], f"{key}.label") or str(name)
        coded = entry.get("levels") or {}
        if not isinstance(coded, Mapping) or any(isinstance(value, bool) or value is None
                                                 for value in coded.values()):
            check.add(f"{key}.levels", "must map each value to a text label; YAML reads yes, "
                                       "no, true, false, on and off as true/false: quote them")
            continue
        if coded:
            levels[str(name)] = {str(value): str(label) for value, label in coded.items()}
    return labels, levels


def parse_roster(check: Checker, raw, folder: Path, design: str) -> Roster:
    raw = check.mapping(raw, "roster", _ROSTER_KEYS, required=("file", "id"))
    group = check.text(raw.get("group"), "roster.group")
    if design in ("randomized", "nonrandomized") and group is None:
        check.add("roster.group", f"is required for a {design} design (the column holding "
                                  "each participant's group)")
    if design == "single_group" and group is not None:
        check.add("roster.group", "must be left out for a single_group design (no groups)")
    covariates = raw.get("covariates") or {}
    if not isinstance(covariates, Mapping):
        check.add("roster.covariates", "must map analysis names to columns, e.g. {age: age}")
        covariates = {}
    for name in covariates:
        if not str(name).isidentifier() or str(name) != str(name).lower():
            check.add(f"roster.covariates.{name}", "analysis names are lower-case identifiers")
    labels, levels = _roster_labels(check, raw.get("labels"),
                                    {str(name) for name in covariates} | {"site"})
    withdrawn = raw.get("withdrawn") or {}
    if not isinstance(withdrawn, Mapping):
        check.add("roster.withdrawn", "must map a column to the values marking a withdrawal")
        withdrawn = {}
    return _source(
        check, raw, "roster", folder, Roster, group=group,
        site=check.text(raw.get("site"), "roster.site"),
        strata=check.texts(raw.get("strata"), "roster.strata"),
        covariates={str(name): str(column) for name, column in covariates.items()},
        withdrawn={str(column): check.texts(values, f"roster.withdrawn.{column}")
                   for column, values in withdrawn.items()},
        sessions=check.text(raw.get("sessions"), "roster.sessions"), labels=labels,
        levels=levels)


def parse_waves(check: Checker, raw, folder: Path, instruments=(), registry=None
                ) -> tuple[Wave, ...]:
    """The waves in time order; a wave's ``columns`` override names registry instruments of
    the study's ``instruments``."""
    if not isinstance(raw, list) or len(raw) < 2:
        check.add("waves", "must list at least two waves in time order (the first is the "
                           f"baseline), got {shown(raw)}")
        return ()
    names = {instrument.name for instrument in instruments}
    waves = []
    for position, entry in enumerate(raw):
        key = f"waves[{position}]"
        entry = check.mapping(entry, key, _WAVE_KEYS, required=("name", "file", "id"))
        time = ("pre" if position == 0 else "post" if position == len(raw) - 1
                else f"wave_{position + 1}")
        columns = {}
        override = entry.get("columns") or {}
        if not isinstance(override, Mapping):
            check.add(f"{key}.columns", "must map instrument names to their columns in this wave")
            override = {}
        for name, pattern in override.items():
            if name not in names:
                check.add(f"{key}.columns.{name}", f"is not an instrument of the study file "
                                                   f"(instruments: {', '.join(sorted(names))})")
                continue
            count = registry(str(name)).item_count
            columns[str(name)] = _item_columns(check, pattern, f"{key}.columns.{name}", count)
        waves.append(_source(check, entry, key, folder, Wave,
                             name=check.text(entry.get("name"), f"{key}.name") or time,
                             time=time, columns=columns))
    wave_names = [wave.name for wave in waves]
    for name in sorted({name for name in wave_names if wave_names.count(name) > 1}):
        check.add("waves", f"wave name '{name}' is used twice")
    return tuple(waves)


def _item_columns(check: Checker, raw, key: str, count: int | None) -> tuple[str, ...]:
    if isinstance(raw, str):
        fields = {name for _, name, _, _ in string.Formatter().parse(raw) if name is not None}
        if fields != {"item"}:
            check.add(key, f"a pattern must contain {{item}} (e.g. 'Q{{item}}' or "
                           f"'mbi_{{item:02d}}'), got '{raw}'")
            return ()
        if count is None:
            return ()
        try:
            return tuple(raw.format(item=number) for number in range(1, count + 1))
        except (ValueError, KeyError) as error:
            check.add(key, f"pattern '{raw}' cannot be filled with an item number ({error})")
            return ()
    if isinstance(raw, list) and all(isinstance(name, str) for name in raw):
        if count is not None and len(raw) != count:
            check.add(key, f"lists {len(raw)} columns but the instrument has {count} items "
                           "(one column per item, in item order)")
        if len(set(raw)) != len(raw):
            check.add(key, "lists a column more than once")
        return tuple(raw)
    check.add(key, f"must be a pattern with {{item}} or a list of column names, got "
                   f"{shown(raw)}")
    return ()


def parse_instruments(check: Checker, raw, registry) -> tuple[InstrumentColumns, ...]:
    if not isinstance(raw, Mapping) or not raw:
        check.add("instruments", "must map at least one registry instrument to its columns, "
                                 "e.g. {mbi_hss_mp: {columns: 'Q{item}'}}")
        return ()
    found = []
    for name, entry in raw.items():
        key = f"instruments.{name}"
        count = None
        try:
            count = registry(str(name)).item_count
        except DataError as error:
            check.add(key, str(error))
        entry = check.mapping(entry, key, _INSTRUMENT_KEYS, required=("columns",))
        columns = _item_columns(check, entry.get("columns"), f"{key}.columns", count)
        found.append(InstrumentColumns(str(name), columns,
                                       check.responses(entry.get("responses"),
                                                       f"{key}.responses")))
    every = [column for instrument in found for column in instrument.columns]
    for column in sorted({column for column in every if every.count(column) > 1}):
        check.add("instruments", f"column '{column}' is mapped to more than one item")
    return tuple(found)


def parse_evaluations(check: Checker, raw, folder: Path) -> tuple[Evaluation, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        check.add("evaluations", "must map evaluation names to their files")
        return ()
    found = []
    for name, entry in raw.items():
        key = f"evaluations.{name}"
        if not str(name).isidentifier() or str(name) != str(name).lower():
            check.add(key, "evaluation names are lower-case identifiers (used in file names)")
        entry = check.mapping(entry, key, _EVALUATION_KEYS, required=("file", "id", "items"))
        respondents = entry.get("respondents", "participants")
        if respondents == "participants":
            respondents = None
        else:
            sub = check.mapping(respondents, f"{key}.respondents", _SOURCE_KEYS,
                                required=("file", "id"))
            respondents = _source(check, sub, f"{key}.respondents", folder) if sub else None
        items = entry.get("items") or {}
        if not isinstance(items, Mapping):
            check.add(f"{key}.items", "must map item columns to their wording")
            items = {}
        eligible = check.mapping(entry.get("eligible") or {}, f"{key}.eligible", _ELIGIBLE_KEYS)
        if eligible.get("group") not in (None, *_GROUPS):
            check.add(f"{key}.eligible.group", f"must be one of {', '.join(_GROUPS)}")
        found.append(_source(
            check, entry, key, folder, Evaluation, name=str(name), respondents=respondents,
            eligible=eligible, scale=check.text(entry.get("scale"), f"{key}.scale"),
            responses=check.responses(entry.get("responses"), f"{key}.responses"),
            items={str(column): str(text) for column, text in items.items()},
            numeric=check.texts(entry.get("numeric"), f"{key}.numeric"),
            free_text=check.texts(entry.get("free_text"), f"{key}.free_text")))
    return tuple(found)


def parse_qualitative(check: Checker, raw, folder: Path, evaluations) -> Qualitative | None:
    if raw is None:
        return None
    raw = check.mapping(raw, "qualitative", _QUALITATIVE_KEYS, required=("codebook", "codes"))
    for name in ("codebook", "codes"):
        file = raw.get(name)
        if file and not (folder / str(file)).is_file():
            check.add(f"qualitative.{name}", f"names '{file}', which is not in {folder}")
    sources = raw.get("sources") or {}
    names = {evaluation.name for evaluation in evaluations}
    if not isinstance(sources, Mapping):
        check.add("qualitative.sources", "must map respondent types to evaluation names")
        sources = {}
    for kind, evaluation in sources.items():
        if evaluation not in names:
            check.add(f"qualitative.sources.{kind}", f"names evaluation '{evaluation}', which "
                                                     f"is not under 'evaluations' "
                                                     f"({', '.join(sorted(names)) or 'none'})")
    return Qualitative(str(raw.get("codebook", "")), str(raw.get("codes", "")),
                       {str(kind): str(name) for kind, name in sources.items()})


def parse_groups(check: Checker, raw, design: str) -> dict[str, str]:
    if not design:  # unknown design: already reported, and which groups it needs is unknown
        return {}
    if design == "single_group":
        if raw is not None:
            check.add("groups", "must be left out for a single_group design")
        return {}
    if raw is None:
        check.add("groups", f"is required for a {design} design (the labels of the intervention "
                            "and control groups as the roster spells them, e.g. {intervention: "
                            "Coaching, control: Waitlist})")
        return {name: "" for name in _GROUPS}
    raw = check.mapping(raw, "groups", _GROUPS, required=_GROUPS)
    labels = {name: str(raw.get(name, "")) for name in _GROUPS}
    if labels["intervention"] and labels["intervention"] == labels["control"]:
        check.add("groups", "the intervention and control labels must differ")
    return labels


def parse_program(check: Checker, raw) -> dict[str, str]:
    """The optional ``program`` section: what the program was (format, matching, dose, ...).

    Each key of :data:`PROGRAM_KEYS` is optional free text, e.g. ``format: one-on-one`` or
    ``matching: assigned``.
    """
    if raw is None:
        return {}
    section = check.mapping(raw, "program", PROGRAM_KEYS)
    found = {key: check.text(section.get(key), f"program.{key}") for key in PROGRAM_KEYS}
    return {key: value for key, value in found.items() if value}


def parse_confounders(check: Checker, raw) -> tuple[Confounder, ...]:
    """The optional ``confounders`` list: differences between the groups no adjustment removes.

    Each entry has a ``name`` (required) and a ``why`` (optional), both free text, e.g.
    ``{name: rotation block (time of year), why: the groups were formed by rotation period}``.
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.add("confounders", f"must be a list of entries with a name and a why, got "
                                 f"{shown(raw)}")
        return ()
    found = []
    for index, entry in enumerate(raw):
        key = f"confounders[{index}]"
        section = check.mapping(entry, key, CONFOUNDER_KEYS, required=("name",))
        name = check.text(section.get("name"), f"{key}.name")
        why = check.text(section.get("why"), f"{key}.why")
        if name:
            found.append(Confounder(name=" ".join(name.split()), why=" ".join((why or "").split())))
    return tuple(found)
