"""Cleaning a validated raw export into the tidy tables of the processed-data contract.

:func:`clean_study` validates the raw folder (nothing happens on invalid data), reads every file
read-only through its codebook and returns the tables ``participants``, ``mbi_items``,
``student_survey``, ``mentor_survey``, ``mentors``, ``themes``, ``theme_codes``, ``exclusions``
and ``flow``; :func:`write_clean_outputs` writes them as CSV.

Cleaning rules
--------------
Whitespace and case
    Categories (site, group, gender, status) are matched after collapsing whitespace and case,
    and written as codes (``" SITE 1 "`` -> ``site_1``). Not logged: no information changes.
Labels
    Value labels are translated to their codes through the codebook's ``valueLabels``
    (``"Agree"`` -> 4, ``"PGY-2"`` -> 2). Evaluation surveys are exported as labels by design;
    an MBI item exported as a label instead of a number ("Never" -> 0, "Every day" -> 6) is an
    altered record and is logged (stage ``recode``).
Duplicates
    Repeated submissions follow the resource's ``duplicates`` rule in the codebook: ordered by
    ``submitted_at``, the first finished submission is kept (MBI), or the first one (evaluation
    surveys). Every dropped submission is logged (stage ``deduplicate``). The validator has
    already refused duplicates the rule cannot resolve.
Unfinished surveys
    A student whose only submissions of a wave are unfinished has no completed survey of that
    wave; the unfinished submission is logged (stage ``unfinished``) and dropped.
Withdrawals
    A student with status ``withdrawn`` keeps a row in ``participants`` (so the flow accounts
    for everyone enrolled) but every survey answer is discarded (stage ``withdrawal``).
Students without a pre- or post-survey
    Their submitted waves are kept in ``mbi_items``, but they are not analysed (stages
    ``pre_survey`` and ``post_survey``).
Missing items
    Left blank; the scoring stage decides (e.g. by prorating a subscale with at most one
    missing item).
Identifiers
    Names and e-mail addresses (codebook fields flagged ``identifier``) are dropped; free text
    (``freeText``) is scrubbed by :func:`burnout.privacy.scrub_text` of e-mail addresses, phone
    numbers and the names of ``params/redaction.txt`` plus every name of the raw rosters,
    before any table is returned.
Theme codes
    Reshaped to one row per response, coder and theme; codes of a response that is not in the
    cleaned surveys (a dropped duplicate, a withdrawn student) are logged and dropped.

Flow
    ``enrolled`` is the roster; each later step subtracts the students logged at the stage
    that leads to it (``withdrawal`` and ``pre_survey`` -> ``completed_pre``; ``post_survey``
    -> ``completed_post``; ``analysis`` -> ``analysed``), so the counts come from the log.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from burnout.codebook import ResourceSpec, load_codebook, parse_value, read_raw_table
from burnout.errors import DataError
from burnout.io import write_csv
from burnout.paths import PARAMS_DIR
from burnout.privacy import load_redaction_names, scrub_text
from burnout.validation import check_raw

__all__ = ["clean_study", "write_clean_outputs", "flow_from_exclusions", "TABLE_NAMES",
           "TRIAL_TABLE_NAMES", "FLOW_STEPS", "TRIAL_FLOW_STEPS"]

# The tables of the processed-data contract, in the order they are written: a study with
# evaluation surveys and qualitative coding (Study A), and a randomized trial whose codebook
# has survey waves (``survey_pre``, ``survey_post``) holding every instrument (Study B).
TABLE_NAMES = ("participants", "mbi_items", "student_survey", "mentor_survey", "mentors",
               "themes", "theme_codes", "exclusions", "flow")
TRIAL_TABLE_NAMES = ("participants", "survey_items", "exclusions", "flow")
# Flow steps and the exclusion stage that leads from the previous step to each.
FLOW_STEPS = (("enrolled", ()), ("completed_pre", ("withdrawal", "pre_survey")),
              ("completed_post", ("post_survey",)), ("analysed", ("analysis",)))
# CONSORT flow of a randomized trial analysed by intent to treat: ``None`` = everyone
# randomized (the mixed model uses every available observation of every randomized student).
TRIAL_FLOW_STEPS = (("randomized", ()), ("completed_pre", ("withdrawal", "pre_survey")),
                    ("completed_post", ("post_survey",)), ("per_protocol", ("per_protocol",)),
                    ("analysed", None))
_GROUPS = ("intervention", "control")
_STAGE_ORDER = ("withdrawal", "pre_survey", "post_survey", "per_protocol", "analysis",
                "deduplicate", "unfinished", "recode", "theme_codes")
_STUDENT_ITEMS = ("positive_rotation", "decreased_stress", "career_guidance",
                  "personal_development", "professional_development", "recommend")
_MENTOR_ITEMS = ("enjoyed", "participate_again", "improved_teaching", "connected_with_students",
                 "time_manageable")
_ITEM_COLUMNS = tuple(f"mbi_{item:02d}" for item in range(1, 23))
_EXCLUSION_COLUMNS = ["record", "file", "stage", "reason", "group"]


def _parse_table(frame: pd.DataFrame, resource: ResourceSpec) -> pd.DataFrame:
    """Typed values of a validated raw table (object columns, ``None`` when missing)."""
    parsed = {spec.name: [parse_value(spec, text, resource.missing_values)
                          for text in frame[spec.name].tolist()]
              for spec in resource.fields}
    return pd.DataFrame(parsed, dtype=object)


def _resolve_duplicates(table: pd.DataFrame, resource: ResourceSpec):
    """Apply the resource's duplicates rule; return (kept table, dropped rows with kept id)."""
    rule = resource.duplicates or {}
    key = list(rule.get("key", []))
    if not key:
        return table, []
    order = rule.get("orderBy")
    prefer = rule.get("preferTrue")
    ranked = table.assign(_position=range(len(table)))
    if prefer:
        ranked["_rank_prefer"] = [0 if value is True else 1 for value in ranked[prefer]]
    sort_columns = [*key] + (["_rank_prefer"] if prefer else []) + ([order] if order else [])
    ranked = ranked.sort_values(sort_columns + ["_position"], kind="stable")
    first = ~ranked.duplicated(subset=key, keep="first")
    kept_ids = dict(zip(ranked.loc[first, key[0]], ranked.loc[first, "response_id"],
                        strict=True))
    dropped = [(row["response_id"], row[key[0]], kept_ids[row[key[0]]])
               for _, row in ranked.loc[~first].iterrows()]
    kept = ranked.loc[first].sort_values("_position").drop(
        columns=[column for column in ranked.columns if column.startswith("_")])
    return kept.reset_index(drop=True), dropped


def _redaction_names(redaction_file, tables) -> list[str]:
    names: list[str] = []
    if redaction_file is not None and Path(redaction_file).is_file():
        names += load_redaction_names(redaction_file)
    for table in tables:
        for column in ("first_name", "last_name"):
            if column in table:
                names += [str(value) for value in table[column] if value]
    return sorted(set(names))


def flow_from_exclusions(enrolled: pd.DataFrame, exclusions: pd.DataFrame,
                         steps=FLOW_STEPS) -> pd.DataFrame:
    """Participant flow per group, counted from the roster and the exclusion log.

    Parameters
    ----------
    enrolled : DataFrame
        One row per enrolled student with columns ``student_id`` and ``group``.
    exclusions : DataFrame
        The exclusion log (``record``, ``file``, ``stage``, ``reason``, ``group``).
    steps : sequence of (str, tuple or None)
        Flow steps, each with the exclusion stages that lead to it from the previous step;
        ``None`` counts everyone enrolled again (an intent-to-treat analysis).
        :data:`FLOW_STEPS` (default) or :data:`TRIAL_FLOW_STEPS`.

    Returns
    -------
    DataFrame
        Columns ``step``, ``group``, ``n``: one row per step and group.

    Examples
    --------
    >>> roster = pd.DataFrame({"student_id": ["S1", "S2", "S3"],
    ...                        "group": ["control", "control", "intervention"]})
    >>> log = pd.DataFrame({"record": ["S2"], "file": ["mbi_post.csv"],
    ...                     "stage": ["post_survey"], "reason": ["no post"],
    ...                     "group": ["control"]})
    >>> flow_from_exclusions(roster, log).query("group == 'control'")["n"].tolist()
    [2, 2, 1, 1]
    >>> trial = flow_from_exclusions(roster, log, TRIAL_FLOW_STEPS)
    >>> trial.query("group == 'control'")["n"].tolist()
    [2, 2, 1, 1, 2]
    """
    rows = []
    for group in _GROUPS:
        everyone = set(enrolled.loc[enrolled["group"] == group, "student_id"])
        members = set(everyone)
        remaining = len(members)
        for step, stages in steps:
            if stages is None:
                members = set(everyone)
                remaining = len(members)
            elif stages:
                logged = exclusions.loc[exclusions["stage"].isin(stages)
                                        & exclusions["record"].isin(members), "record"]
                remaining -= logged.nunique()
                members -= set(logged)
            rows.append({"step": step, "group": group, "n": remaining})
    return pd.DataFrame(rows, columns=["step", "group", "n"])




def _exclusion_table(log: list) -> pd.DataFrame:
    """The exclusion log as a table, ordered by cleaning stage, then file and record."""
    exclusions = pd.DataFrame(log, columns=_EXCLUSION_COLUMNS)
    exclusions["_stage"] = exclusions["stage"].map(
        {stage: position for position, stage in enumerate(_STAGE_ORDER)})
    exclusions = exclusions.sort_values(["_stage", "file", "record"], kind="stable").drop(
        columns="_stage").reset_index(drop=True)
    return exclusions.astype({"record": "str", "file": "str", "stage": "str",
                              "reason": "str", "group": "str"})


def _exclusion_logger(roster: pd.DataFrame, codebook, log: list):
    """The exclusion log's writer, and the withdrawn students (already logged).

    Returns ``(record, withdrawn)``: ``record(record_id, resource_name, stage, reason,
    student=None)`` appends one row (record, file, stage, reason, group) to ``log``;
    ``withdrawn`` is the set of students whose roster ``status`` is ``withdrawn``.
    """
    group_of = dict(zip(roster["student_id"], roster["group"], strict=True))
    withdrawn = (set(roster.loc[roster["status"] == "withdrawn", "student_id"])
                 if "status" in roster else set())

    def record(record_id, resource_name, stage, reason, student=None):
        log.append({"record": record_id, "file": codebook.resource(resource_name).path,
                    "stage": stage, "reason": reason,
                    "group": group_of.get(student) if student else None})

    for student in sorted(withdrawn):
        record(student, "students", "withdrawal",
               "withdrew from the study: all survey answers discarded", student)
    return record, withdrawn

def _one_finished_submission(table: pd.DataFrame, resource, name: str, wave: str,
                             record) -> pd.DataFrame:
    """Keep one finished submission per student of a survey wave, logging what is dropped.

    Repeated submissions are resolved by the resource's duplicate rule (the first finished one
    by ``submitted_at``); an unfinished submission that remains is excluded. Every dropped
    submission is written to the exclusion log through ``record``.
    """
    kept, dropped = _resolve_duplicates(table, resource)
    for response_id, student, kept_id in dropped:
        record(response_id, name, "deduplicate",
               f"repeated submission of {student}; kept {kept_id}, the first finished "
               "submission by submitted_at", student)
    unfinished = kept["finished"] != True  # noqa: E712 (object column of booleans)
    for _, row in kept.loc[unfinished].iterrows():
        record(row["response_id"], name, "unfinished",
               f"only an unfinished {wave}-survey submission", row["student_id"])
    return kept.loc[~unfinished]


def clean_study(raw_dir: str | Path, redaction_file: str | Path | None = None,
                per_protocol_min_sessions: int | None = None) -> dict[str, pd.DataFrame]:
    """Validate and clean a raw folder into the tables of the processed-data contract.

    Parameters
    ----------
    raw_dir : str or Path
        Raw folder with ``datapackage.json`` (e.g. ``data/raw/mentorship``); only read.
    redaction_file : str or Path, optional
        Names to scrub from free text, one per line; default ``params/redaction.txt``. The
        first and last names of the raw rosters are always added.
    per_protocol_min_sessions : int, optional
        Randomized trial only: the coaching sessions an intervention student must have
        attended (besides completing the follow-up survey) to be in the per-protocol set;
        ``None`` = completing the follow-up survey suffices.

    Returns
    -------
    dict of DataFrame
        The tables the codebook's resources allow. Keys :data:`TABLE_NAMES` (participants,
        mbi_items, student_survey, mentor_survey, mentors, themes, theme_codes, exclusions,
        flow) for a study with MBI waves and evaluation surveys; :data:`TRIAL_TABLE_NAMES`
        (participants, survey_items, exclusions, flow) for a randomized trial whose codebook
        has the resources ``survey_pre`` and ``survey_post`` (see :func:`_clean_trial`).

    Raises
    ------
    ValidationError
        When the raw folder breaks a rule of its codebook (every problem listed).

    Notes
    -----
    The rules (duplicates, labels, whitespace and case, withdrawals, students without a
    survey, identifiers) are documented in the module docstring.

    Examples
    --------
    >>> from burnout.paths import study_paths
    >>> tables = clean_study(study_paths("mentorship").raw)
    >>> sorted(tables) == sorted(TABLE_NAMES)
    True
    """
    raw_dir = Path(raw_dir)
    codebook = load_codebook(raw_dir)
    check_raw(raw_dir, codebook)
    redaction_file = PARAMS_DIR / "redaction.txt" if redaction_file is None else redaction_file
    raw = {name: read_raw_table(raw_dir, resource)
           for name, resource in codebook.resources.items()}
    parsed = {name: _parse_table(raw[name], codebook.resource(name)) for name in raw}
    if "survey_pre" in codebook.resources:
        return _clean_trial(codebook, parsed, per_protocol_min_sessions)
    names = _redaction_names(redaction_file, [parsed["students"], parsed["mentors"]])
    log: list[dict] = []

    roster = parsed["students"]
    record, withdrawn = _exclusion_logger(roster, codebook, log)

    # ---------------------------------------------------------------- MBI waves
    waves: dict[str, pd.DataFrame] = {}
    for wave in ("pre", "post"):
        name = f"mbi_{wave}"
        resource = codebook.resource(name)
        table = parsed[name].assign(source_row=range(len(parsed[name])))
        table = table.loc[~table["student_id"].isin(withdrawn)]
        kept = _one_finished_submission(table, resource, name, wave, record)
        for _, row in kept.iterrows():
            for item in range(1, 23):
                text = raw[name].iloc[row["source_row"]][f"Q{item}"].strip()
                if text and not text.lstrip("+-").isdigit():
                    record(row["response_id"], name, "recode",
                           f"Q{item}: label '{text}' recoded to {row[f'Q{item}']}",
                           row["student_id"])
        waves[wave] = kept

    has = {wave: set(waves[wave]["student_id"]) for wave in waves}
    active = roster.loc[~roster["student_id"].isin(withdrawn)]
    for student in active["student_id"]:
        if student not in has["pre"]:
            note = " (post-survey kept in mbi_items, not analysed)" if student in has[
                "post"] else ""
            record(student, "mbi_pre", "pre_survey",
                   f"no completed pre-intervention survey{note}", student)
        elif student not in has["post"]:
            record(student, "mbi_post", "post_survey",
                   "no completed post-intervention survey", student)

    item_frames = []
    for wave, table in waves.items():
        frame = pd.DataFrame({"student_id": table["student_id"].astype(str), "wave": wave})
        for item in range(1, 23):
            frame[f"mbi_{item:02d}"] = pd.array(table[f"Q{item}"].tolist(), dtype="Int64")
        item_frames.append(frame)
    mbi_items = pd.concat(item_frames, ignore_index=True)
    mbi_items["_wave"] = mbi_items["wave"].map({"pre": 0, "post": 1})
    mbi_items = mbi_items.sort_values(["student_id", "_wave"], kind="stable").drop(
        columns="_wave").reset_index(drop=True)

    analysed = (has["pre"] & has["post"]) - withdrawn
    participants = pd.DataFrame({
        "student_id": roster["student_id"].astype(str),
        "site": roster["site"].astype(str),
        "group": roster["group"].astype(str),
        "age": pd.array(roster["age"].tolist(), dtype="Int64"),
        "gender": roster["gender"].astype(str),
        "applying_em": pd.array(roster["applying_em"].tolist(), dtype="Int64"),
        "rotation_block": pd.array(roster["rotation_block"].tolist(), dtype="Int64"),
        "has_pre": [int(student in has["pre"]) for student in roster["student_id"]],
        "has_post": [int(student in has["post"]) for student in roster["student_id"]],
        "analysed": [int(student in analysed) for student in roster["student_id"]],
    }).sort_values("student_id", kind="stable").reset_index(drop=True)

    # ---------------------------------------------------------------- evaluation surveys
    student_table = parsed["student_evaluation"]
    for _, row in student_table.loc[student_table["student_id"].isin(withdrawn)].iterrows():
        record(row["response_id"], "student_evaluation", "withdrawal",
               "evaluation answer of a withdrawn student discarded", row["student_id"])
    student_table = student_table.loc[~student_table["student_id"].isin(withdrawn)]
    student_table, dropped = _resolve_duplicates(student_table,
                                                 codebook.resource("student_evaluation"))
    for response_id, student, kept_id in dropped:
        record(response_id, "student_evaluation", "deduplicate",
               f"repeated evaluation of {student}; kept {kept_id}, the first by submitted_at",
               student)
    student_survey = pd.DataFrame({"response_id": student_table["response_id"].astype(str),
                                   "student_id": student_table["student_id"].astype(str)})
    for column in _STUDENT_ITEMS:
        student_survey[column] = pd.array(student_table[column].tolist(), dtype="Int64")
    student_survey["comments"] = pd.array(
        [scrub_text(text, names) if text and text.strip() else None
         for text in student_table["comments"]], dtype="str")

    mentors_raw = parsed["mentors"]
    mentors = pd.DataFrame({
        "mentor_id": mentors_raw["mentor_id"].astype(str),
        "site": mentors_raw["site"].astype(str),
        "postgraduate_year": pd.array(mentors_raw["postgraduate_year"].tolist(), dtype="Int64"),
    }).sort_values("mentor_id", kind="stable").reset_index(drop=True)
    site_of = dict(zip(mentors["mentor_id"], mentors["site"], strict=True))

    mentor_table, dropped = _resolve_duplicates(parsed["mentor_evaluation"],
                                                codebook.resource("mentor_evaluation"))
    for response_id, mentor, kept_id in dropped:
        record(response_id, "mentor_evaluation", "deduplicate",
               f"repeated evaluation of {mentor}; kept {kept_id}, the first by submitted_at")
    mentor_survey = pd.DataFrame({"response_id": mentor_table["response_id"].astype(str),
                                  "mentor_id": mentor_table["mentor_id"].astype(str)})
    mentor_survey["site"] = mentor_survey["mentor_id"].map(site_of)
    for column in _MENTOR_ITEMS:
        mentor_survey[column] = pd.array(mentor_table[column].tolist(), dtype="Int64")
    mentor_survey["hours"] = pd.array(mentor_table["hours"].tolist(), dtype="Float64")
    mentor_survey["meetings"] = pd.array(mentor_table["meetings"].tolist(), dtype="Int64")
    mentor_survey["comments"] = pd.array(
        [scrub_text(text, names) if text and text.strip() else None
         for text in mentor_table["comments"]], dtype="str")

    # ---------------------------------------------------------------- qualitative coding
    themes_raw = parsed["themes"]
    themes = pd.DataFrame({column: [" ".join(str(value).split()) if value else None
                                    for value in themes_raw[column]]
                           for column in ("theme", "label", "definition", "inclusion",
                                          "exclusion")})
    theme_names = themes["theme"].tolist()
    codes = parsed["theme_codes"]
    known = {("student", rid) for rid in student_survey["response_id"]}
    known |= {("mentor", rid) for rid in mentor_survey["response_id"]}
    long_rows = []
    for _, row in codes.iterrows():
        if (row["respondent_type"], row["response_id"]) not in known:
            record(row["response_id"], "theme_codes", "theme_codes",
                   f"codes of {row['coder']} for a response not in the cleaned "
                   f"{row['respondent_type']} survey")
            continue
        for theme in theme_names:
            if theme not in codes.columns:
                raise DataError(f"{codebook.resource('theme_codes').path}: no column for theme "
                                f"'{theme}' of themes.csv (rule: one 0/1 column per theme)")
            long_rows.append({"response_id": row["response_id"],
                              "respondent_type": row["respondent_type"],
                              "coder": row["coder"], "theme": theme,
                              "present": row[theme]})
    theme_codes = pd.DataFrame(long_rows, columns=["response_id", "respondent_type", "coder",
                                                   "theme", "present"])
    theme_codes["present"] = theme_codes["present"].astype("int64")

    # ---------------------------------------------------------------- log and flow
    exclusions = _exclusion_table(log)
    flow = flow_from_exclusions(participants, exclusions)
    return {
        "participants": participants,
        "mbi_items": mbi_items,
        "student_survey": student_survey,
        "mentor_survey": mentor_survey,
        "mentors": mentors,
        "themes": themes,
        "theme_codes": theme_codes,
        "exclusions": exclusions,
        "flow": flow,
    }


def write_clean_outputs(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write the cleaned tables as ``<out_dir>/<name>.csv``; return the paths written.

    The tables are those of :data:`TABLE_NAMES`, or of :data:`TRIAL_TABLE_NAMES` when
    ``tables`` holds ``survey_items`` (a randomized trial). Every table is checked to be
    present first, so a missing one writes nothing; each file is written atomically by
    :func:`burnout.io.write_csv`.

    Examples
    --------
    >>> import tempfile
    >>> write_clean_outputs({"flow": pd.DataFrame()}, tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    burnout.errors.DataError: cleaned tables incomplete: missing ['exclusions', 'mbi_items', \
'mentor_survey', 'mentors', 'participants', 'student_survey', 'theme_codes', 'themes']
    """
    names = TRIAL_TABLE_NAMES if "survey_items" in tables else TABLE_NAMES
    missing = sorted(set(names) - set(tables))
    if missing:
        raise DataError(f"cleaned tables incomplete: missing {missing}")
    out_dir = Path(out_dir)
    return [write_csv(tables[name], out_dir / f"{name}.csv") for name in names]


def _clean_trial(codebook, parsed: dict[str, pd.DataFrame],
                 per_protocol_min_sessions: int | None) -> dict[str, pd.DataFrame]:
    """Clean a randomized trial's export: roster plus survey waves holding every instrument.

    Rules as in the module docstring (whitespace and case, duplicates, unfinished surveys,
    identifiers), and for intent to treat: every randomized student is analysed
    (``analysed = 1``), with whatever waves they completed; a missing baseline or follow-up
    survey is logged (stages ``pre_survey``, ``post_survey``) but excludes no one from the
    analysis. ``per_protocol`` = 1 for students who completed both surveys and, in the
    intervention arm, attended at least ``per_protocol_min_sessions`` coaching sessions;
    the others who completed both surveys are logged at stage ``per_protocol``.
    """
    log: list[dict] = []
    roster = parsed["students"]
    record, withdrawn = _exclusion_logger(roster, codebook, log)
    roster_group = dict(zip(roster["student_id"], roster["group"], strict=True))
    item_columns: list[str] = []
    waves: dict[str, pd.DataFrame] = {}
    for wave in ("pre", "post"):
        name = f"survey_{wave}"
        resource = codebook.resource(name)
        fixed = {"response_id", "submitted_at", "finished", "email", "student_id"}
        item_columns = [spec.name for spec in resource.fields
                        if spec.name not in fixed and not spec.identifier]
        table = parsed[name].loc[~parsed[name]["student_id"].isin(withdrawn)]
        waves[wave] = _one_finished_submission(table, resource, name, wave, record)

    has = {wave: set(waves[wave]["student_id"]) for wave in waves}
    sessions = (roster["sessions_attended"] if "sessions_attended" in roster
                else pd.Series([None] * len(roster), dtype=object))
    sessions_of = dict(zip(roster["student_id"], sessions, strict=True))
    per_protocol = set()
    for student in roster.loc[~roster["student_id"].isin(withdrawn), "student_id"]:
        if student not in has["pre"]:
            record(student, "survey_pre", "pre_survey",
                   "no completed baseline survey (analysed by intent to treat)", student)
        elif student not in has["post"]:
            record(student, "survey_post", "post_survey",
                   "no completed follow-up survey (analysed by intent to treat with the "
                   "baseline observation)", student)
        elif (per_protocol_min_sessions is not None and roster_group[student] == "intervention"
              and (sessions_of[student] or 0) < per_protocol_min_sessions):
            record(student, "students", "per_protocol",
                   f"attended {sessions_of[student] or 0} coaching sessions, fewer than "
                   f"{per_protocol_min_sessions} (not in the per-protocol set)", student)
        else:
            per_protocol.add(student)

    frames = []
    for wave, table in waves.items():
        frame = pd.DataFrame({"student_id": table["student_id"].astype(str), "wave": wave})
        for column in item_columns:
            frame[column] = pd.array(table[column].tolist(), dtype="Int64")
        frames.append(frame)
    survey_items = pd.concat(frames, ignore_index=True)
    survey_items["_wave"] = survey_items["wave"].map({"pre": 0, "post": 1})
    survey_items = survey_items.sort_values(["student_id", "_wave"], kind="stable").drop(
        columns="_wave").reset_index(drop=True)

    columns = {"student_id": roster["student_id"].astype(str),
               "site": roster["site"].astype(str), "group": roster["group"].astype(str)}
    for name in ("age", "training_year", "sessions_attended"):
        if name in roster:
            columns[name] = pd.array(roster[name].tolist(), dtype="Int64")
    if "gender" in roster:
        columns["gender"] = roster["gender"].astype(str)
    ids = roster["student_id"].tolist()
    columns["has_pre"] = [int(student in has["pre"]) for student in ids]
    columns["has_post"] = [int(student in has["post"]) for student in ids]
    columns["analysed"] = [int(student not in withdrawn) for student in ids]
    columns["per_protocol"] = [int(student in per_protocol) for student in ids]
    participants = pd.DataFrame(columns).sort_values("student_id", kind="stable").reset_index(
        drop=True)

    exclusions = _exclusion_table(log)
    flow = flow_from_exclusions(participants, exclusions, TRIAL_FLOW_STEPS)
    return {"participants": participants, "survey_items": survey_items,
            "exclusions": exclusions, "flow": flow}

