"""Cleaning a program evaluation: evaluation surveys and the coders' theme codes.

An evaluation survey (study file ``evaluations.<name>``) asks participants, or another group such
as mentors (``respondents``), what they thought of the program. Its Likert items are decoded
through the response scale of the registry (``scale``, default ``agreement_5``) plus the study's
``responses`` map; numeric answers must be numbers; free text is scrubbed of e-mail addresses,
phone numbers and every name of the rosters before it is returned. Repeated responses of one
respondent follow the study's ``duplicates`` rule, responses of someone not on the respondents'
roster are logged (``not_on_roster``), and a withdrawn participant's answers are discarded.

Theme codes (``qualitative``) are reshaped to one row per response, coder and theme; a code of a
response that is not among the cleaned responses (a dropped repeat, a withdrawn participant) is
logged (``theme_codes``) and dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from burnout.core.errors import Problem
from burnout.data.linking import ExclusionLog, resolve_repeats, response_id_column
from burnout.data.privacy import EMAIL_PATTERN, PHONE_PATTERN, name_scrubber
from burnout.data.reading import (
    Pseudonyms,
    cell_problems,
    cell_text,
    read_source,
    require_columns,
)
from burnout.data.registry.scales import load_scale
from burnout.data.study import Evaluation, Study
from burnout.data.values import decode_responses, map_distinct, parse_number, response_lookup

__all__ = ["clean_evaluations", "clean_qualitative", "identifier_names", "CODEBOOK_COLUMNS"]

CODEBOOK_COLUMNS = ("theme", "label", "definition", "inclusion", "exclusion")
_CODE_KEYS = ("response_id", "respondent_type", "coder")


def identifier_names(table: pd.DataFrame, columns) -> list[str]:
    """Personal names in identifier columns (not e-mail addresses or phone numbers).

    Each value is kept whole and, when it has several words, word by word (a "full name"
    column holds first and last names), so free text is scrubbed of either.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["Ada Quill", None], "email": ["ada@x.org", "b@y.org"]})
    >>> identifier_names(frame, ["name", "email"])
    ['Ada', 'Ada Quill', 'Quill']
    """
    names: set[str] = set()
    for column in columns:
        if column not in table:
            continue
        # Each distinct cell once: a roster repeats first names over thousands of rows.
        cells = table[column]
        for value in {str(cell).strip() for cell in cells[cells.notna()].unique().tolist()}:
            if (not value or ("@" in value and EMAIL_PATTERN.search(value))
                    or PHONE_PATTERN.search(value)):
                continue
            names.add(value)
            if not value.isalpha():  # several words, or one with a digit or a hyphen
                names.update(word for word in value.split() if len(word) > 1 and word.isalpha())
    return sorted(names)


def _respondents(study: Study, evaluation: Evaluation, roster: pd.DataFrame,
                 problems: list[Problem]) -> tuple[pd.DataFrame | None, set[str], list[str],
                                                   Pseudonyms | None]:
    """(own roster table or None, ids allowed to answer, names for scrubbing, pseudonyms of
    the own roster's ids when they are identifiers)."""
    if evaluation.respondents is None:
        allowed = set(roster.loc[~roster["_withdrawn"], "student_id"].tolist())
        return None, allowed, [], None
    source = evaluation.respondents
    key = f"evaluations.{evaluation.name}.respondents"
    export = read_source(study, source, [source.id], problems)
    if export is None or not require_columns(export, {source.id: f"{key}.id"}, problems):
        return None, set(), [], None
    problems.extend(cell_problems(export, source, [source.id]))
    ids = cell_text(export.table[source.id])
    for position in np.flatnonzero(((ids == "") | ids.duplicated(keep=False)).to_numpy()):
        problems.append(Problem(export.file, export.lines[position], source.id,
                                ids.iloc[position] or None,
                                "empty or repeated respondent id (rule: one row per respondent)"))
    marked = [*source.identifiers, *export.identifiers]
    names = identifier_names(export.table, marked)
    pseudonyms = Pseudonyms(list(ids), "R") if Pseudonyms.needed(ids, source.id, marked) else None
    if pseudonyms is not None:
        ids = pseudonyms.replace(ids)
    table = pd.DataFrame({"respondent_id": ids})
    return table, set(ids) - {""}, names, pseudonyms


def _evaluation_columns(evaluation: Evaluation) -> dict[str, str]:
    key = f"evaluations.{evaluation.name}"
    wanted = {evaluation.id: f"{key}.id"}
    wanted.update({column: f"{key}.items" for column in evaluation.items})
    wanted.update({column: f"{key}.numeric" for column in evaluation.numeric})
    wanted.update({column: f"{key}.free_text" for column in evaluation.free_text})
    if evaluation.response_id:
        wanted[evaluation.response_id] = f"{key}.response_id"
    return wanted


def _answers(evaluation: Evaluation, export, problems: list[Problem]) -> pd.DataFrame:
    scale = load_scale(evaluation.scale or "agreement_5")
    lookup = response_lookup(scale.labels, evaluation.responses)
    answers = {}
    for column in evaluation.items:
        values, found = decode_responses(
            export.table[column], lookup, scale.minimum, scale.maximum, file=export.file,
            column=column, lines=export.lines, fix=f"evaluations.{evaluation.name}.responses")
        problems.extend(found)
        answers[column] = pd.array(values.round().to_numpy(), dtype="Float64").astype("Int64")
    for column in evaluation.numeric:
        cells = cell_text(export.table[column])
        numbers = map_distinct(cells, lambda value: parse_number(value) if value else np.nan
                               ).astype(float)
        for position in np.flatnonzero((numbers.isna() & (cells != "")).to_numpy()):
            problems.append(Problem(export.file, export.lines[position], column,
                                    cells.iloc[position], "not a number"))
        answers[column] = numbers.to_numpy()
    return pd.DataFrame(answers, index=export.table.index)


def _member(values: pd.Series, pool: set[str]) -> np.ndarray:
    """``values.isin(pool)`` by set lookups: an evaluation holds a few rows, the roster's set
    a million ids (``isin`` turns the whole set into an array and hashes it again)."""
    return np.fromiter((value in pool for value in values.tolist()), dtype=bool,
                       count=len(values))


def _one_evaluation(study: Study, evaluation: Evaluation, roster: pd.DataFrame,
                    log: ExclusionLog, problems: list[Problem], names: list[str],
                    pseudonyms: Pseudonyms | None) -> dict:
    own_roster, allowed, roster_names, own_pseudonyms = _respondents(study, evaluation, roster,
                                                                     problems)
    wanted = _evaluation_columns(evaluation)
    export = read_source(study, evaluation, list(wanted), problems)
    if export is None or not require_columns(export, wanted, problems):
        return {}
    problems.extend(cell_problems(export, evaluation, wanted))
    if evaluation.respondents is not None:
        pseudonyms = own_pseudonyms
    if pseudonyms is not None:
        export = pseudonyms.apply(export, evaluation.id)
    for line, reason in export.dropped:
        log.add(f"line {line}", export.file, "import", reason, line=line)
    ids = cell_text(export.table[evaluation.id])
    column = response_id_column(export, evaluation.response_id)
    records = (cell_text(export.table[column]) if column is not None
               else pd.Series([f"{evaluation.name}_{line}" for line in export.lines],
                              index=ids.index))
    frame = pd.DataFrame({"participant": ids, "record": records, "line": list(export.lines),
                          "submitted": export.submitted.to_numpy(),
                          "finished": export.finished.to_numpy()})
    frame = pd.concat([frame, _answers(evaluation, export, problems)], axis=1)
    scrub = name_scrubber({*names, *roster_names})  # the names indexed once for every text
    for column in evaluation.free_text:
        frame[column] = [scrub(value or None) for value in cell_text(export.table[column])]
    if evaluation.respondents is None:
        everyone = set(roster["student_id"].tolist())
        strangers = (frame["participant"] != "") & ~_member(frame["participant"], everyone)
    else:
        strangers = (frame["participant"] != "") & ~_member(frame["participant"], allowed)
    for row in frame.loc[strangers | (frame["participant"] == "")].itertuples(index=False):
        log.add(row.record, export.file, "not_on_roster",
                f"{evaluation.name} evaluation response of '{row.participant}', who is not on "
                "the respondents' roster", line=row.line)
    frame = frame.loc[_member(frame["participant"], allowed)]
    kept, ties = resolve_repeats(frame, study.duplicates, export.file, log,
                                 f"{evaluation.name} evaluation")
    problems.extend(ties)
    columns = [*evaluation.items, *evaluation.numeric, *evaluation.free_text]
    table = kept[["record", "participant", *columns]].rename(
        columns={"record": "response_id", "participant": "respondent_id"})
    tables = {f"evaluation_{evaluation.name}": table.reset_index(drop=True)}
    if own_roster is not None:
        tables[f"evaluation_{evaluation.name}_roster"] = own_roster.sort_values(
            "respondent_id", kind="stable").reset_index(drop=True)
    return tables


def clean_evaluations(study: Study, roster: pd.DataFrame, log: ExclusionLog,
                      problems: list[Problem], names=(),
                      pseudonyms: Pseudonyms | None = None) -> dict[str, pd.DataFrame]:
    """Clean every evaluation survey of ``study``; problems go to ``problems``.

    Parameters
    ----------
    study : Study
        The study file.
    roster : pandas.DataFrame
        The participants' roster as cleaned (``student_id``, ``_withdrawn``).
    log : ExclusionLog
        Receives the excluded responses.
    problems : list of Problem
        Receives every problem found.
    names : sequence of str
        Names to scrub from free text (the study's rosters and redaction list).
    pseudonyms : Pseudonyms, optional
        The pseudonyms replacing the participants' ids (when these are identifiers); an
        evaluation answered by another roster gets its own when that roster's ids are.

    Returns
    -------
    dict of pandas.DataFrame
        ``evaluation_<name>`` (``response_id``, ``respondent_id``, the items as values, numeric
        answers, scrubbed free text) and, for respondents with their own roster,
        ``evaluation_<name>_roster`` (``respondent_id``).
    """
    tables: dict[str, pd.DataFrame] = {}
    for evaluation in study.evaluations:
        tables.update(_one_evaluation(study, evaluation, roster, log, problems, list(names),
                                      pseudonyms))
    return tables


def _codebook(study: Study, problems: list[Problem]) -> pd.DataFrame | None:
    source = study.qualitative
    export = read_source(study, _plain(source.codebook), [], problems)
    wanted = {column: "qualitative.codebook" for column in CODEBOOK_COLUMNS}
    if export is None or not require_columns(export, wanted, problems):
        return None
    table = export.table[list(CODEBOOK_COLUMNS)].apply(cell_text)
    for position in np.flatnonzero(((table["theme"] == "")
                                    | table["theme"].duplicated(keep=False)).to_numpy()):
        problems.append(Problem(export.file, export.lines[position], "theme",
                                table["theme"].iloc[position] or None,
                                "empty or repeated theme code (rule: one row per theme)"))
    return table.reset_index(drop=True)


def _plain(file: str):
    from burnout.data.study import Source

    return Source(file=file, format="csv")


def clean_qualitative(study: Study, cleaned: dict[str, pd.DataFrame], log: ExclusionLog,
                      problems: list[Problem]) -> dict[str, pd.DataFrame]:
    """The qualitative codebook and the coders' codes, reshaped to one row per code.

    Returns ``{}`` when the study has no ``qualitative`` section, else ``themes`` (the codebook)
    and ``theme_codes`` (``response_id``, ``respondent_type``, ``coder``, ``theme``,
    ``present`` 0/1).
    """
    if study.qualitative is None:
        return {}
    codebook = _codebook(study, problems)
    export = read_source(study, _plain(study.qualitative.codes), [], problems)
    if codebook is None or export is None:
        return {}
    themes = list(codebook["theme"])
    wanted = {column: "qualitative.codes" for column in (*_CODE_KEYS, *themes)}
    if not require_columns(export, wanted, problems):
        return {}
    table = export.table.apply(cell_text)
    responses = {kind: set(cleaned.get(f"evaluation_{name}", pd.DataFrame(
        {"response_id": []}))["response_id"]) for kind, name in study.qualitative.sources.items()}
    rows = []
    for position, record in enumerate(table.to_dict("records")):
        line = export.lines[position]
        kind = record["respondent_type"]
        if responses and kind not in responses:
            problems.append(Problem(export.file, line, "respondent_type", kind,
                                    f"not a respondent type of qualitative.sources "
                                    f"({', '.join(responses)})"))
            continue
        if responses and record["response_id"] not in responses[kind]:
            log.add(record["response_id"], export.file, "theme_codes",
                    f"codes of response {record['response_id']} by {record['coder']}: the "
                    "response is not among the cleaned evaluation responses", line=line)
            continue
        for theme in themes:
            value = record[theme]
            if value not in ("0", "1"):
                problems.append(Problem(export.file, line, theme, value or None,
                                        "a theme code is 0 (absent) or 1 (present)"))
                continue
            rows.append({"response_id": record["response_id"], "respondent_type": kind,
                         "coder": record["coder"], "theme": theme, "present": int(value)})
    codes = pd.DataFrame(rows, columns=[*_CODE_KEYS, "theme", "present"])
    return {"themes": codebook, "theme_codes": codes}
