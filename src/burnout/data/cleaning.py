"""Cleaning a study's exports, as its study file describes them, into the processed tables.

:func:`clean_study` reads the roster and every wave through the survey tool's importer
(:mod:`burnout.data.importers`), keeps only the columns the study file maps, decodes answers
through the instrument registry, links responses to participants, resolves repeated responses,
applies the design's analysis population and logs every decision. It returns the tables of the
processed-data contract (``participants``, ``items``, ``waves``, ``exclusions``, ``flow``, and
for a program evaluation ``evaluation_<name>``, ``themes``, ``theme_codes``); it writes nothing.
Every problem of every file is collected first and raised together as one
:class:`~burnout.core.errors.ValidationError` (file, row, column, value, rule), so a user fixes
them in one pass and nothing is half written.

Cleaning rules
--------------
Roster
    One row per participant; an empty or repeated id is a problem. Group labels are matched
    to the study file's ``groups`` after collapsing case and whitespace; sites and categorical
    covariates become codes (``" SITE 1 "`` -> ``site_1``), yes/no covariates 0/1.
Responses
    Rows the survey tool marks as previews, tests or spam are logged (``import``); a response
    without an id is logged (``no_id``), so is one whose id is not on the roster
    (``not_on_roster``). A withdrawn participant (``roster.withdrawn``) keeps a roster row, so the
    flow accounts for everyone enrolled, but every answer is discarded (``withdrawal``).
    Repeated and unfinished responses: see :mod:`burnout.data.linking`.
Answers
    Decoded by :func:`burnout.data.values.decode_responses`: a label the instrument does not know
    is a problem naming file, row, column, label and the ``responses`` key that maps it. Missing
    answers stay missing: the scoring stage decides (prorating).
Analysis population
    ``complete_cases``: analysed when the first and the last wave were completed (else logged
    ``pre_survey`` or ``post_survey``). ``everyone`` (intention to treat): every participant who
    did not withdraw is analysed with the waves they completed; missing waves are logged but
    exclude no one, and the per-protocol set is those who completed both waves and, when the
    roster records sessions, attended at least ``per_protocol_min_sessions``.
Identifiers
    Columns the study file or the survey tool marks as identifiers never leave the importer's
    table; only mapped columns are kept at all, and mapping an identifier to data (a covariate,
    an item) is a problem. A participant id that is itself an identifier (an e-mail address)
    is replaced by a pseudonym everywhere (:class:`burnout.data.reading.Pseudonyms`). A
    covariate not on the roster comes from the participant's kept first-wave response (not a
    dropped repeat; nothing of a withdrawn participant).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import Problem, ValidationError
from burnout.data.evaluations import clean_evaluations, clean_qualitative, identifier_names
from burnout.data.importers import Export
from burnout.data.linking import (
    COMPARISON_FLOW_STEPS,
    ExclusionLog,
    flow_from_exclusions,
    resolve_repeats,
    response_id_column,
)
from burnout.data.reading import Pseudonyms, cell_problems, cell_text, read_sources, require_columns
from burnout.data.registry import load_instrument
from burnout.data.study import Source, Study
from burnout.data.values import (
    covariate_values,
    decode_responses,
    map_distinct,
    normalise_label,
    parse_number,
    response_lookup,
    slug,
    text_ranks,
)

__all__ = ["clean_study", "POPULATIONS"]

POPULATIONS = ("complete_cases", "everyone")


def _identifiers_read(export: Export, source: Source, wanted: dict[str, str],
                      problems: list[Problem]) -> None:
    """A column marked as a direct identifier (by the study file or the survey tool) that the
    study file also maps to data (a covariate, an item, a site) is a problem: identifiers never
    leave data/raw. The participant id is exempt (it links the responses)."""
    marked = {*source.identifiers, *export.identifiers}
    for column, key in wanted.items():
        if column in marked and column != source.id:
            problems.append(Problem(export.file, 1, column, None,
                                    f"column named by study.yaml key '{key}' is a direct "
                                    "identifier (named under identifiers, or recorded by the "
                                    "survey tool), which never leaves data/raw; map another "
                                    "column or leave it out"))


def _roster_groups(study: Study, export: Export, problems: list[Problem]) -> pd.Series:
    labels = {normalise_label(label): name for name, label in study.groups.items()}
    labels.update({name: name for name in study.groups})
    text = cell_text(export.table[study.roster.group])
    groups = map_distinct(text, lambda value: labels.get(normalise_label(value)))
    known = ", ".join(f"'{label}' = {name}" for name, label in study.groups.items())
    for position in np.flatnonzero(groups.isna().to_numpy()):
        value = text.iloc[position]
        rule = ("empty group" if not value else
                f"group label not in study.yaml key 'groups' ({known}); correct the cell or the "
                "label under groups")
        problems.append(Problem(export.file, export.lines[position], study.roster.group,
                                value or None, rule))
    return groups


def _roster_table(study: Study, export: Export, problems: list[Problem]) -> pd.DataFrame:
    """participants columns from the roster (covariates of the first wave left empty: they are
    filled by :func:`_first_wave_covariates` once the kept first-wave responses are known)."""
    roster, ids = study.roster, cell_text(export.table[study.roster.id])
    for position in np.flatnonzero((ids == "").to_numpy()):
        problems.append(Problem(export.file, export.lines[position], roster.id, None,
                                "empty participant id (rule: every roster row has an id)"))
    ranks = text_ranks(ids)  # sorted once: repeats found and every later order taken from it
    repeated = ids[(ids != "").to_numpy() & (np.bincount(ranks)[ranks] > 1)]
    for value in sorted(set(repeated)):
        lines = [str(export.lines[position]) for position in np.flatnonzero(ids == value)]
        problems.append(Problem(export.file, int(lines[-1]), roster.id, value,
                                f"participant id on lines {', '.join(lines)} (rule: one roster "
                                "row per participant)"))
    table = pd.DataFrame({"student_id": ids})
    if roster.site:
        table["site"] = map_distinct(cell_text(export.table[roster.site]),
                                     lambda value: slug(value) or None)
        for position in np.flatnonzero(table["site"].isna().to_numpy()):
            problems.append(Problem(export.file, export.lines[position], roster.site, None,
                                    "empty site (rule: every participant has a site when "
                                    "roster.site is given)"))
    if study.has_groups:
        table["group"] = _roster_groups(study, export, problems)
    table = pd.concat([table, _covariates(study, export, None, None, ids)], axis=1)
    for column in roster.strata:
        name = _stratum_name(study, column)
        if name not in table:
            table[name] = map_distinct(cell_text(export.table[column]),
                                       lambda value: slug(value) or None)
    if roster.sessions:
        cells = cell_text(export.table[roster.sessions])
        numbers = map_distinct(cells, lambda value: parse_number(value) if value else np.nan)
        for position in np.flatnonzero((numbers.isna() & (cells != "")).to_numpy()):
            problems.append(Problem(export.file, export.lines[position], roster.sessions,
                                    cells.iloc[position], "not a number of sessions"))
        table["sessions_attended"] = numbers.astype(float).round().astype("Int64")
    withdrawn = pd.Series(False, index=table.index)
    for column, values in roster.withdrawn.items():
        marks = {normalise_label(value) for value in values}
        withdrawn |= map_distinct(cell_text(export.table[column]), normalise_label).isin(marks)
    table["_withdrawn"] = withdrawn.to_numpy()
    table["_line"], table["_rank"] = list(export.lines), ranks
    return table


def _pseudonyms(study: Study, export: Export, ids: pd.Series) -> Pseudonyms | None:
    """Pseudonyms for the roster's ids when they are direct identifiers (else None)."""
    marked = [*study.roster.identifiers, *export.identifiers]
    return Pseudonyms(list(ids)) if Pseudonyms.needed(ids, study.roster.id, marked) else None


def _stratum_name(study: Study, column: str) -> str:
    """The participants column of a stratum: site, a covariate's name, or the column's code."""
    if column == study.roster.site:
        return "site"
    for name, covariate in study.roster.covariates.items():
        if covariate == column:
            return name
    return slug(column)


def _covariates(study: Study, export: Export, first_wave: Export | None,
                kept: pd.DataFrame | None, ids: pd.Series) -> pd.DataFrame:
    """Covariates from the roster, or else from the participant's kept first-wave response.

    ``kept`` holds the first-wave responses kept by :func:`_wave_responses` (``participant``,
    ``line``): a dropped repeat, an unfinished response or a withdrawn participant's answers
    give no covariate. Without ``first_wave`` a covariate not on the roster is left empty.
    """
    columns = {}
    first = None
    if first_wave is not None and kept is not None:
        rows = pd.Index(first_wave.lines).get_indexer(kept["line"].to_numpy())
        first = first_wave.table.iloc[rows].set_axis(kept["participant"].to_numpy())
    for name, column in study.roster.covariates.items():
        if column in export.table.columns:
            cells = export.table[column]
        elif first is not None and column in first.columns:
            cells = first[column].reindex(ids.to_numpy())
        else:
            cells = pd.Series(None, index=ids.index, dtype=object)
        columns[name] = covariate_values(cells.reset_index(drop=True)).to_numpy()
    return pd.DataFrame(columns, index=ids.index, copy=False)


def _first_wave_covariates(study: Study, roster: pd.DataFrame, export: Export,
                           first_wave: Export, kept: pd.DataFrame) -> pd.DataFrame:
    """``roster`` with the covariates not on the roster taken from the kept first wave."""
    names = [name for name, column in study.roster.covariates.items()
             if column not in export.table.columns]
    if not names:  # every covariate is on the roster: nothing to look up
        return roster.assign()
    found = _covariates(study, export, first_wave, kept, roster["student_id"])
    return roster.assign(**{name: found[name].to_numpy() for name in names})


def _roster_columns(study: Study) -> dict[str, str]:
    roster = study.roster
    wanted = {roster.id: "roster.id"}
    for key in ("group", "site", "sessions"):
        if getattr(roster, key):
            wanted[getattr(roster, key)] = f"roster.{key}"
    for column in roster.strata:
        wanted.setdefault(column, "roster.strata")
    for column in roster.withdrawn:
        wanted[column] = "roster.withdrawn"
    return wanted


def _wave_columns(study: Study, position: int, roster: Export | None) -> dict[str, str]:
    wave = study.waves[position]
    wanted = {wave.id: f"waves[{position}].id"}
    if wave.response_id:
        wanted[wave.response_id] = f"waves[{position}].response_id"
    for instrument in study.instruments:
        key = (f"waves[{position}].columns.{instrument.name}" if instrument.name in wave.columns
               else f"instruments.{instrument.name}.columns")
        for column in study.item_columns(wave, instrument.name):
            wanted[column] = key
    if position == 0 and roster is not None:
        for name, column in study.roster.covariates.items():
            if column not in roster.table.columns:
                wanted[column] = f"roster.covariates.{name} (not in the roster: looked for in " \
                                 "the first wave)"
    return wanted


def _decoded_items(study: Study, wave, export: Export, problems: list[Problem]) -> pd.DataFrame:
    """Every instrument's items of one wave, decoded and named as the registry names them:
    one (items x rows) array, the frame's block (a dict of columns is copied into one)."""
    instruments = [(mapping, load_instrument(mapping.name)) for mapping in study.instruments]
    block = np.empty((sum(len(instrument.items) for _, instrument in instruments),
                      len(export.table)))
    names = []
    for mapping, instrument in instruments:
        lookup = response_lookup(instrument.response_labels, mapping.responses)
        columns = study.item_columns(wave, mapping.name)
        for column, item in zip(columns, instrument.items, strict=True):
            values, found = decode_responses(
                export.table[column], lookup, instrument.response_minimum,
                instrument.response_maximum, file=export.file, column=column,
                lines=export.lines, fix=f"instruments.{mapping.name}.responses")
            problems.extend(found)
            block[len(names)] = values.to_numpy()
            names.append(item)
    return pd.DataFrame(block.T, index=export.table.index, columns=names, copy=False)


def _on_roster(roster: pd.DataFrame, participants: pd.Series
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each id of ``participants``: listed on the roster? listed and no row of it withdrew?
    its roster ``_rank`` (-1: not listed). One factorize of roster and wave ids together (three
    ``isin`` over a million ids took seconds); the answers are then array lookups."""
    known = roster["student_id"].to_numpy(dtype=object)
    codes, distinct = pd.factorize(np.concatenate([known, participants.to_numpy(dtype=object)]))
    listed = np.zeros(len(distinct) + 1, dtype=bool)  # the last: a missing id (code -1)
    listed[codes[:len(known)]] = True
    withdrawn = np.zeros(len(distinct) + 1, dtype=bool)
    withdrawn[codes[:len(known)][roster["_withdrawn"].to_numpy(dtype=bool)]] = True
    ranks = np.full(len(distinct) + 1, -1, dtype=np.intp)
    ranks[codes[:len(known)]] = roster["_rank"].to_numpy()
    wave = codes[len(known):]
    return listed[wave], listed[wave] & ~withdrawn[wave], ranks[wave]


def _wave_responses(study: Study, position: int, export: Export, roster: pd.DataFrame,
                    log: ExclusionLog, problems: list[Problem]) -> pd.DataFrame:
    """One finished response per roster participant of one wave, with decoded items."""
    wave = study.waves[position]
    for line, reason in export.dropped:
        log.add(f"line {line}", export.file, "import", reason, line=line)
    ids = cell_text(export.table[wave.id])
    column = response_id_column(export, wave.response_id)
    record = (cell_text(export.table[column]) if column is not None
              else pd.Series([f"line {line}" for line in export.lines], index=ids.index))
    frame = pd.DataFrame({"participant": ids, "record": record, "line": np.asarray(
                          export.lines, dtype=np.int64), "submitted": export.submitted.to_numpy(),
                          "finished": export.finished.to_numpy()}, copy=False)
    items = _decoded_items(study, wave, export, problems)  # apart: taken once, when kept
    for _participant, record, line in _rows(frame.loc[frame["participant"] == ""]):
        log.add(record, export.file, "no_id", f"{wave.name} response without a participant "
                f"id (column '{wave.id}' empty)", line=line)
    listed, staying, frame["participant_rank"] = _on_roster(roster, frame["participant"])
    unknown = (frame["participant"] != "").to_numpy(dtype=bool) & ~listed
    for participant, record, line in _rows(frame.loc[unknown]):
        log.add(record, export.file, "not_on_roster",
                f"{wave.name} response of '{participant}', who is not on the roster "
                f"({study.roster.file})", line=line)
    # A row without a single answer is no response (a wide export holds a row for everyone).
    answered = np.zeros(len(items), dtype=bool)
    for column in items:
        answered |= items[column].notna().to_numpy()
    for participant, record, line in _rows(frame.loc[staying & ~answered]):
        log.add(record, export.file, "unfinished",
                f"unfinished {wave.name} response of {participant}: it answers no item",
                participant=participant, line=line)
    kept, ties = resolve_repeats(frame.loc[staying & answered], study.duplicates, export.file,
                                 log, wave.name, answers=items)
    problems.extend(ties)
    return kept


def _participants(study: Study, roster: pd.DataFrame, responses: dict[str, pd.DataFrame],
                  population: str, per_protocol: bool, min_sessions: int | None,
                  log: ExclusionLog) -> pd.DataFrame:
    """The participants table: flags of completed waves, analysed and per-protocol sets."""
    table = roster.drop(columns=["_line"]).reset_index(drop=True)
    ids = table["student_id"]
    withdrawn = set(table.loc[table["_withdrawn"], "student_id"].tolist())
    for student in sorted(withdrawn):
        log.add(student, study.roster.file, "withdrawal",
                "withdrew from the study: all survey answers discarded", participant=student)
    done = {wave.time: np.bincount(responses[wave.time]["participant_rank"], minlength=len(
        table))[table["_rank"].to_numpy()] > 0 for wave in study.waves}  # isin, by roster rank
    too_few = _too_few_sessions(table, min_sessions) if per_protocol else set()
    first, last = study.waves[0], study.waves[-1]
    everyone = population == "everyone"
    note = " (analysed by intention to treat)" if everyone else ""
    # Each participant who did not withdraw meets the first rule they fail (masks, not a loop
    # over a million participants; the log orders its records itself).
    staying = ~ids.isin(withdrawn).to_numpy()
    has_pre, has_post = done["pre"], done["post"]
    few = ids.isin(too_few).to_numpy()
    for student in ids[staying & ~has_pre].tolist():
        log.add(student, first.file, "pre_survey",
                f"no completed {first.name} survey{note}", participant=student)
    for student in ids[staying & has_pre & ~has_post].tolist():
        log.add(student, last.file, "post_survey",
                f"no completed {last.name} survey{note}", participant=student)
    for student in ids[staying & has_pre & has_post & few].tolist():
        log.add(student, study.roster.file, "per_protocol",
                f"attended fewer than {min_sessions} sessions (not in the per-protocol set)",
                participant=student)
    for wave in study.waves:
        table[f"has_{wave.time}"] = done[wave.time].astype(int)
    complete = has_pre & has_post
    table["analysed"] = (~table["_withdrawn"] & (True if everyone else complete)).astype(int)
    if per_protocol:
        table["per_protocol"] = (staying & has_pre & has_post & ~few).astype(int)
    order = np.argsort(table["_rank"].to_numpy(), kind="stable")  # by student_id
    table = table.drop(columns=["_withdrawn", "_rank"])
    return table.iloc[order].reset_index(drop=True)


def _too_few_sessions(table: pd.DataFrame, minimum: int | None) -> set[str]:
    """Participants (not of the control group) who attended fewer than ``minimum`` sessions,
    or whose sessions are unknown; each judged by their first roster row."""
    if minimum is None or "sessions_attended" not in table:
        return set()
    first = table.drop_duplicates("student_id", keep="first")
    sessions = first["sessions_attended"]
    few = (sessions.isna() | (sessions.fillna(minimum) < minimum)).to_numpy(dtype=bool)
    if "group" in first:
        few &= (first["group"] != "control").to_numpy(dtype=bool)
    return set(first.loc[few, "student_id"].tolist())


def _rows(frame: pd.DataFrame):
    """(participant, record, line) of each row of ``frame``, as Python values."""
    return zip(frame["participant"].tolist(), frame["record"].tolist(), frame["line"].tolist(),
               strict=True)


def _items_table(study: Study, responses: dict[str, pd.DataFrame]) -> pd.DataFrame:
    item_columns = [item for mapping in study.instruments
                    for item in load_instrument(mapping.name).items]
    kept = [responses[wave.time] for wave in study.waves]
    ids = np.concatenate([frame["participant"].astype(str).to_numpy(dtype=object)
                          for frame in kept])
    position = np.concatenate([np.full(len(frame), index) for index, frame in enumerate(kept)])
    # sorted by student_id, then wave order, on integer keys (much faster); each column put
    # together and reordered once (at a million participants a copy costs hundreds of MB)
    ranks = np.concatenate([frame["participant_rank"].to_numpy() for frame in kept])
    order = np.lexsort((position, ranks))
    times = np.array([wave.time for wave in study.waves], dtype=object)
    columns = {"student_id": ids[order], "wave": times[position[order]]}
    for column in item_columns:  # whole answers (round half to even, as Series.round)
        values = np.concatenate([frame[column].to_numpy(dtype=float) for frame in kept])[order]
        missing = np.isnan(values)
        values[missing] = 0.0
        columns[column] = pd.arrays.IntegerArray(np.rint(values, out=values).astype(np.int64),
                                                 missing)
    return pd.DataFrame(columns, copy=False)  # the new arrays themselves (no copy)


def clean_study(study: Study, *, population: str = "complete_cases",
                flow_steps: Sequence = COMPARISON_FLOW_STEPS, per_protocol: bool = False,
                per_protocol_min_sessions: int | None = None,
                redaction_names: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """Clean every export of ``study`` into the tables of the processed-data contract.

    Parameters
    ----------
    study : Study
        The validated study file (:func:`burnout.data.study.load_study`).
    population : {"complete_cases", "everyone"}
        Who is analysed (the design's ``population``).
    flow_steps : sequence
        The design's participant-flow steps (see :func:`burnout.data.linking.flow_from_exclusions`).
    per_protocol : bool
        Whether to define a per-protocol set (a randomized design).
    per_protocol_min_sessions : int, optional
        Sessions an intervention participant must have attended to be per protocol.
    redaction_names : sequence of str
        Names scrubbed from free text besides those of the rosters.

    Returns
    -------
    dict of pandas.DataFrame
        ``participants``, ``items``, ``waves``, ``exclusions``, ``flow`` and, when the study has
        them, ``evaluation_<name>``, ``evaluation_<name>_roster``, ``themes``, ``theme_codes``.

    Raises
    ------
    ValidationError
        Listing every problem of every file (nothing is returned, nothing written).
    """
    if population not in POPULATIONS:
        raise ValueError(f"population must be one of {POPULATIONS}, got {population!r}")
    problems: list[Problem] = []
    roster_export, *wave_exports = read_sources(study, [(study.roster, list(_roster_columns(
        study))), *((wave, list(_wave_columns(study, position, None)))
                    for position, wave in enumerate(study.waves))], problems)
    roster_ok = roster_export is not None and require_columns(
        roster_export, _roster_columns(study), problems)
    if roster_export is not None:  # unreadable cells (a code, a date) of the columns used
        used = {**_roster_columns(study), **{
            column: f"roster.covariates.{name}"
            for name, column in study.roster.covariates.items()
            if column in roster_export.table.columns}}
        problems.extend(cell_problems(roster_export, study.roster, list(used)))
        _identifiers_read(roster_export, study.roster, used, problems)
    # A wave missing a column is left out, so that the problems of every other file are
    # still found and reported together.
    readable = []
    for position, (wave, export) in enumerate(zip(study.waves, wave_exports, strict=True)):
        wanted = _wave_columns(study, position, roster_export if roster_ok else None)
        readable.append(export is not None and require_columns(export, wanted, problems))
        if export is not None:
            problems.extend(cell_problems(export, wave, wanted))
            _identifiers_read(export, wave, wanted, problems)
    if not roster_ok:  # nothing can be linked: report the answers' problems as well
        for wave, export, ok in zip(study.waves, wave_exports, readable, strict=True):
            if ok:
                _decoded_items(study, wave, export, problems)
        raise ValidationError(problems)
    roster = _roster_table(study, roster_export, problems)
    pseudonyms = _pseudonyms(study, roster_export, roster["student_id"])
    if pseudonyms is not None:
        roster["student_id"] = pseudonyms.replace(roster["student_id"]).to_numpy()
        wave_exports = [pseudonyms.apply(export, wave.id)
                        for wave, export in zip(study.waves, wave_exports, strict=True)]
        roster["_rank"] = text_ranks(roster["student_id"])  # the pseudonyms' order
    groups = roster["group"] if study.has_groups else pd.Series("all", index=roster.index)
    log = ExclusionLog(dict(zip(roster["student_id"].tolist(), groups.tolist(), strict=True)))
    names = sorted(set(redaction_names) | set(identifier_names(
        roster_export.table, [*study.roster.identifiers, *roster_export.identifiers])))
    responses = {wave.time: _wave_responses(study, position, export, roster, log, problems)
                 for position, (wave, export, ok) in enumerate(zip(
                     study.waves, wave_exports, readable, strict=True)) if ok}
    extra = clean_evaluations(study, roster, log, problems, names, pseudonyms)
    extra.update(clean_qualitative(study, extra, log, problems))
    if problems or not all(readable):
        raise ValidationError(problems)
    roster = _first_wave_covariates(study, roster, roster_export, wave_exports[0],
                                    responses["pre"])
    # The columns each export really has, for the codebook's list of unused columns; then
    # the exports are let go (gigabytes at a million participants) before the tables are made.
    export_columns = {export.file: list(export.table.columns)
                      for export in (roster_export, *wave_exports)}
    del roster_export, wave_exports
    participants = _participants(study, roster, responses, population, per_protocol,
                                 per_protocol_min_sessions, log)
    exclusions = log.table()
    enrolled = participants if study.has_groups else participants.assign(group="all")
    groups = ("intervention", "control") if study.has_groups else ("all",)
    waves = _waves_table(study, responses)
    waves.attrs["export_columns"] = export_columns
    tables = {"participants": participants, "items": _items_table(study, responses),
              "waves": waves, "exclusions": exclusions,
              "flow": flow_from_exclusions(enrolled, exclusions, flow_steps, groups)}
    tables.update(extra)
    return tables


def _waves_table(study: Study, responses: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.DataFrame([(wave.time, wave.name, wave.file, wave.format,
                          len(responses[wave.time])) for wave in study.waves],
                        columns=["time", "name", "file", "format", "responses"])
