"""The codebook of a study's raw files, generated from its study file and the registry.

One source of truth: the study file says which column is what and the instrument registry says
what an item's values mean, so the codebook is *derived*, never written by hand.
:func:`build_codebook` returns a `Frictionless Data Package
<https://specs.frictionlessdata.io/data-package/>`_ (one resource per raw file, each with a
Table Schema: column, type, allowed values or range, value labels, missing-value codes, meaning)
and :func:`render_codebook` the human-readable ``CODEBOOK.md`` from it. Columns of an export that
the study file does not map are listed as unused: the analysis never reads them.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from burnout.data.registry import load_instrument
from burnout.data.registry.scales import load_scale
from burnout.data.study import Source, Study

__all__ = ["build_codebook", "render_codebook"]

_MISSING = [""]


def _field(name: str, kind: str, title: str, **extra) -> dict:
    entry = {"name": name, "type": kind, "title": title}
    entry.update({key: value for key, value in extra.items() if value not in (None, {}, [])})
    return entry


def _levels(values: pd.Series | None) -> list | None:
    if values is None or values.dtype.kind in "fiu":
        return None
    return sorted(str(value) for value in values.dropna().unique())


def _roster_fields(study: Study, participants: pd.DataFrame | None) -> list[dict]:
    roster = study.roster
    fields = [_field(roster.id, "string", "participant id", constraints={"required": True},
                     description="replaced by pseudonyms (P0001, ... in roster order) in "
                                 "data/processed when the ids are direct identifiers (the "
                                 "column is marked as one, or an id is an e-mail address)")]
    if roster.group:
        labels = {name: label for name, label in study.groups.items()}
        fields.append(_field(roster.group, "string", "group", constraints={
            "required": True, "enum": list(labels.values())},
            description="labels matched case- and whitespace-insensitively: "
                        + ", ".join(f"'{label}' = {name}" for name, label in labels.items())))
    if roster.site:
        fields.append(_field(roster.site, "string", "site", constraints={"required": True},
                             description="written as a code (lower case, '_' for spaces)",
                             analysisName="site", label=roster.labels.get("site"),
                             valueLabels=roster.levels.get("site")))
    for name, column in study.roster.covariates.items():
        values = None if participants is None or name not in participants else participants[name]
        kind = "number" if values is not None and values.dtype.kind in "fiu" else "string"
        fields.append(_field(column, kind, f"covariate '{name}'",
                             constraints={"enum": _levels(values)} if _levels(values) else None,
                             analysisName=name, label=roster.labels.get(name),
                             valueLabels=roster.levels.get(name)))
    for column, marks in roster.withdrawn.items():
        fields.append(_field(column, "string", "withdrawal", description="values marking a "
                             f"withdrawal: {', '.join(marks)}"))
    if roster.sessions:
        fields.append(_field(roster.sessions, "integer", "sessions attended",
                             constraints={"minimum": 0}))
    return fields


def _value_labels(labels: Mapping, responses: Mapping) -> dict[str, str]:
    """Exported value -> meaning: the registry's labels, then the study's ``responses`` map
    (an exported label or code -> the registry's label and the value it is decoded to).

    Examples
    --------
    >>> _value_labels({0: "never", 6: "every day"}, {"7": 6, "N/A": None})
    {'0': 'never', '6': 'every day', '7': 'every day (6)', 'N/A': 'missing'}
    """
    meanings = {str(value): str(label) for value, label in labels.items()}
    for label, value in responses.items():
        if value is None:
            meanings[str(label)] = "missing"
        else:
            meaning = labels.get(value)
            meanings[str(label)] = f"{meaning} ({value:g})" if meaning else f"{value:g}"
    return meanings


def _item_fields(study: Study, wave) -> list[dict]:
    fields = []
    for mapping in study.instruments:
        instrument = load_instrument(mapping.name)
        labels = _value_labels(instrument.response_labels, mapping.responses)
        for number, column in enumerate(study.item_columns(wave, mapping.name), start=1):
            fields.append(_field(
                column, "integer", f"{instrument.title}, item {number}",
                constraints={"minimum": instrument.response_minimum,
                             "maximum": instrument.response_maximum},
                valueLabels=labels or None,
                description=("reverse-scored; " if number in instrument.reverse_scored else "")
                + "answers may be exported as values or as labels"))
    return fields


def _evaluation_fields(study: Study, name: str) -> list[dict]:
    evaluation = next(item for item in study.evaluations if item.name == name)
    scale = load_scale(evaluation.scale or "agreement_5")
    fields = [_field(evaluation.id, "string", "respondent id", constraints={"required": True})]
    if evaluation.response_id:
        fields.append(_field(evaluation.response_id, "string", "response id"))
    for column, wording in evaluation.items.items():
        fields.append(_field(column, "integer", wording,
                             constraints={"minimum": scale.minimum, "maximum": scale.maximum},
                             valueLabels=_value_labels(scale.labels, evaluation.responses)))
    fields += [_field(column, "number", f"numeric answer '{column}'")
               for column in evaluation.numeric]
    fields += [_field(column, "string", f"free text '{column}'", freeText=True,
                      description="scrubbed of e-mail addresses, phone numbers and names")
               for column in evaluation.free_text]
    return fields


def _resource(source: Source, title: str, fields: list[dict], columns) -> dict:
    mapped = {entry["name"] for entry in fields}
    fields = fields + [_field(column, "string", "direct identifier", identifier=True,
                              description="dropped at import; never leaves data/raw")
                       for column in source.identifiers if column not in mapped]
    resource = {"name": source.file.rsplit(".", 1)[0].lower().replace(" ", "_"),
                "path": source.file, "format": "csv", "encoding": "utf-8", "title": title,
                "x-survey-tool": source.format,
                "schema": {"fields": fields, "missingValues": _MISSING}}
    if source.event:
        resource["x-redcap-events"] = list(source.event)
    unused = [column for column in (columns or []) if column not in mapped
              and column not in source.identifiers]
    if unused:
        resource["x-unused-columns"] = unused
    return resource


def _merge(resource: dict, other: dict) -> None:
    """Describe in ``resource`` what ``other`` (the same file, read again) adds: its fields,
    events and title; a column is unused only when neither uses it."""
    names = {entry["name"] for entry in resource["schema"]["fields"]}
    resource["schema"]["fields"] += [entry for entry in other["schema"]["fields"]
                                     if entry["name"] not in names]
    resource["title"] += f"; {other['title']}"
    events = resource.get("x-redcap-events", [])
    events += [event for event in other.get("x-redcap-events", []) if event not in events]
    if events:
        resource["x-redcap-events"] = events
    unused = [column for column in resource.get("x-unused-columns", [])
              if column in other.get("x-unused-columns", [])]
    resource.pop("x-unused-columns", None)
    if unused:
        resource["x-unused-columns"] = unused


def build_codebook(study: Study, columns: Mapping[str, list[str]] | None = None,
                   participants: pd.DataFrame | None = None) -> dict:
    """The Data Package describing every raw file of ``study``.

    Parameters
    ----------
    study : Study
        The study file.
    columns : mapping, optional
        File name -> the columns the export really has; the ones not mapped are listed under
        ``x-unused-columns``.
    participants : pandas.DataFrame, optional
        The cleaned participants, to state each covariate's type and levels.

    Returns
    -------
    dict
        The ``datapackage.json`` content.

    Examples
    --------
    >>> from burnout.data.study import Roster, Wave, InstrumentColumns
    >>> study = Study("pilot", "A pilot", "single_group", False, Roster("p.csv", id="id"),
    ...     {}, (Wave("t0.csv", id="id", name="before", time="pre"),),
    ...     (InstrumentColumns("mbi_hss_mp", tuple(f"Q{n}" for n in range(1, 23))),))
    >>> package = build_codebook(study)
    >>> [resource["path"] for resource in package["resources"]]
    ['p.csv', 't0.csv']
    >>> package["resources"][1]["schema"]["fields"][1]["constraints"]
    {'minimum': 0, 'maximum': 6}
    """
    columns = dict(columns or {})
    resources = [_resource(study.roster, "roster", _roster_fields(study, participants),
                           columns.get(study.roster.file))]
    for wave in study.waves:
        fields = [_field(wave.id, "string", "participant id", constraints={"required": True})]
        resources.append(_resource(wave, f"wave '{wave.name}' ({wave.time})",
                                   fields + _item_fields(study, wave), columns.get(wave.file)))
    for evaluation in study.evaluations:
        resources.append(_resource(evaluation, f"evaluation survey '{evaluation.name}'",
                                   _evaluation_fields(study, evaluation.name),
                                   columns.get(evaluation.file)))
    unique: dict[str, dict] = {}
    for resource in resources:  # a file holding roster and waves (REDCap) is one resource
        first = unique.setdefault(resource["path"], resource)
        if first is not resource:
            _merge(first, resource)
    return {"profile": "tabular-data-package", "name": study.study.replace("_", "-"),
            "title": study.title + (" (SYNTHETIC REPLICA)" if study.synthetic else ""),
            "description": f"Raw files of the {study.design.replace('_', ' ')} study "
                           f"'{study.study}', described by data/raw/{study.study}/study.yaml "
                           "and the instrument registry (generated; do not edit).",
            "resources": list(unique.values())}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _allowed(entry: dict) -> str:
    constraints = entry.get("constraints", {})
    parts = []
    if "enum" in constraints:
        parts.append(", ".join(str(value) for value in constraints["enum"]))
    if "minimum" in constraints or "maximum" in constraints:
        parts.append(f"{constraints.get('minimum', '')}-{constraints.get('maximum', '')}")
    if entry.get("valueLabels"):
        parts.append("; ".join(f"{code} = {label}" for code, label in
                               entry["valueLabels"].items()))
    return "; ".join(parts)


def render_codebook(package: Mapping) -> str:
    """``CODEBOOK.md``: one table per raw file (column, type, allowed values, meaning).

    Examples
    --------
    >>> package = {"title": "T", "description": "D", "resources": [{"path": "a.csv",
    ...     "title": "roster", "x-survey-tool": "csv", "schema": {"missingValues": [""],
    ...     "fields": [{"name": "id", "type": "string", "title": "participant id"}]}}]}
    >>> print(render_codebook(package).splitlines()[-1])
    | `id` | string | | participant id |
    """
    lines = [f"# Codebook: {package['title']}", "",
             "<!-- Generated from the study file and the instrument registry "
             "(burnout.data.codebook): edit the study file, not this file. -->", "",
             package["description"], ""]
    for resource in package["resources"]:
        lines += [f"## `{resource['path']}` — {resource['title']}", "",
                  f"Survey tool: {resource['x-survey-tool']}. Missing values: empty cells."]
        if resource.get("x-redcap-events"):
            lines.append(f"REDCap events: {', '.join(resource['x-redcap-events'])}.")
        if resource.get("x-unused-columns"):
            lines.append("Columns not used by the analysis: "
                         + ", ".join(f"`{name}`" for name in resource["x-unused-columns"]) + ".")
        lines += ["", "| column | type | allowed values | meaning |", "|---|---|---|---|"]
        for entry in resource["schema"]["fields"]:
            meaning = entry["title"] + (f" ({entry['description']})"
                                        if entry.get("description") else "")
            lines.append(f"| `{entry['name']}` | {entry['type']} | {_cell(_allowed(entry))} | "
                         f"{_cell(meaning)} |".replace("|  |", "| |"))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
