"""Tests of burnout.data.cleaning.clean_study on tiny studies written in ``tmp_path``.

Each test writes a study file and a few rows of plain CSV (Qualtrics or REDCap shapes only where
the behaviour depends on them); the MBI's 22 items are columns Q1 ... Q22 unless said otherwise.
The end-to-end runs of whole invented studies are in tests/pipeline/test_user_studies.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from burnout.core.errors import ValidationError
from burnout.data.cleaning import clean_study
from burnout.data.linking import COMPARISON_FLOW_STEPS, RANDOMIZED_FLOW_STEPS, flow_from_exclusions
from burnout.data.privacy import find_identifiers
from burnout.data.study import load_study

ITEMS = [f"Q{item}" for item in range(1, 23)]
MBI = [f"mbi_{item:02d}" for item in range(1, 23)]
CONTROL_WAVES = """\
waves:
  - {name: before, file: t0.csv, id: id}
  - {name: after, file: t1.csv, id: id}
instruments: {mbi_hss_mp: {columns: "Q{item}"}}
"""


def table_text(header, rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


def answers(value) -> list[str]:
    """22 answers: ``value`` for every item (a number or label), a list, or None (all empty)."""
    if value is None:
        return [""] * 22
    if isinstance(value, list):
        return [str(cell) for cell in value]
    return [str(value)] * 22


def wave(rows, extra=(), items=ITEMS) -> str:
    """A plain-CSV wave: rows of (id, answers, *extra cells)."""
    return table_text(["id", *extra, *items],
                      [[person, *rest, *answers(value)] for person, value, *rest in rows])


def study_of(tmp_path: Path, text: str, **files) -> object:
    """Write ``study.yaml`` and ``files`` (name -> text or bytes) in ``tmp_path/pilot``."""
    folder = tmp_path / "pilot"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.yaml").write_text("study: pilot\ntitle: A pilot\n" + text, encoding="utf-8")
    for name, content in files.items():
        target = folder / (name if "." in name else f"{name}.csv")
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return load_study("pilot", tmp_path)


def problems_of(study, **options) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        clean_study(study, **options)
    return [str(problem) for problem in raised.value.problems]


def rows_of(frame: pd.DataFrame, columns) -> list[list]:
    """Rows of ``frame[columns]`` as lists, missing values as None."""
    part = frame[list(columns)].astype(object)
    return part.where(part.notna(), None).values.tolist()


def flow_counts(tables, group) -> list[int]:
    flow = tables["flow"]
    return flow.loc[flow["group"] == group, "n"].tolist()


# --- a nonrandomized comparison ----------------------------------------------------------------

NONRANDOMIZED = """\
design: nonrandomized
roster: {file: roster.csv, id: id, group: arm, site: hospital, identifiers: [name, email],
         covariates: {age: age, gender: sex}}
groups: {intervention: Coaching, control: Waitlist}
""" + CONTROL_WAVES
ROSTER = table_text(["id", "name", "email", "arm", "hospital", "age", "sex"], [
    ["P1", "Ada Quill", "ada@example.org", "Coaching", "Site 1", "30", "Female"],
    ["P2", "Bo Lind", "bo@example.org", " waitlist", " SITE  2 ", "41", "Male"],
    ["P3", "Cy Moss", "cy@example.org", "COACHING ", "Site 1", "29", "Non-binary"],
    ["P4", "Di Fenn", "di@example.org", "Waitlist", "Site 2", "35", "female"]])


def nonrandomized(tmp_path, **files):
    files = {"roster": ROSTER,
             "t0": wave([("P1", 1), ("P2", 2), ("P3", 3), ("P4", "Never")]),
             "t1": wave([("P1", 4), ("P2", 5), ("P4", "Every day")]), **files}
    return study_of(tmp_path, NONRANDOMIZED, **files)


def test_nonrandomized_participants_items_waves_and_flow(tmp_path):
    tables = clean_study(nonrandomized(tmp_path))
    assert list(tables) == ["participants", "items", "waves", "exclusions", "flow"]
    participants = tables["participants"]
    assert list(participants.columns) == ["student_id", "site", "group", "age", "gender",
                                          "has_pre", "has_post", "analysed"]
    assert rows_of(participants, participants.columns) == [
        ["P1", "site_1", "intervention", 30, "female", 1, 1, 1],
        ["P2", "site_2", "control", 41, "male", 1, 1, 1],
        ["P3", "site_1", "intervention", 29, "nonbinary", 1, 0, 0],
        ["P4", "site_2", "control", 35, "female", 1, 1, 1]]
    items = tables["items"]
    assert list(items.columns) == ["student_id", "wave", *MBI]
    assert rows_of(items, ["student_id", "wave", "mbi_01", "mbi_22"]) == [
        ["P1", "pre", 1, 1], ["P1", "post", 4, 4], ["P2", "pre", 2, 2], ["P2", "post", 5, 5],
        ["P3", "pre", 3, 3], ["P4", "pre", 0, 0], ["P4", "post", 6, 6]]
    assert str(items["mbi_01"].dtype) == "Int64"
    assert rows_of(tables["waves"], ["time", "name", "file", "format", "responses"]) == [
        ["pre", "before", "t0.csv", "csv", 4], ["post", "after", "t1.csv", "csv", 3]]
    assert rows_of(tables["exclusions"], ["record", "file", "line", "stage", "reason",
                                          "group"]) == [
        ["P3", "t1.csv", None, "post_survey", "no completed after survey", "intervention"]]
    assert flow_counts(tables, "intervention") == [2, 2, 1, 1]
    assert flow_counts(tables, "control") == [2, 2, 2, 2]


def test_the_flow_is_counted_from_the_log_and_every_excluded_participant_is_logged(tmp_path):
    tables = clean_study(nonrandomized(tmp_path, t0=wave([("P1", 1), ("P2", 2), ("P4", 0)])))
    participants, log = tables["participants"], tables["exclusions"]
    pd.testing.assert_frame_equal(flow_from_exclusions(participants, log, COMPARISON_FLOW_STEPS),
                                  tables["flow"])
    excluded = set(participants.loc[participants["analysed"] == 0, "student_id"])
    flow_stages = {"withdrawal", "pre_survey", "post_survey", "analysis"}
    assert excluded == set(log.loc[log["stage"].isin(flow_stages), "record"]) == {"P3"}
    assert log["stage"].tolist() == ["pre_survey"]  # P3 answered neither: logged once


def test_an_excel_utf8_file_with_bom_and_crlf_gives_the_same_tables(tmp_path):
    plain = clean_study(nonrandomized(tmp_path / "a"))
    excel = b"\xef\xbb\xbf" + ROSTER.replace("\n", "\r\n").encode("utf-8")
    resaved = clean_study(nonrandomized(tmp_path / "b", roster=excel))
    for name in plain:
        pd.testing.assert_frame_equal(plain[name], resaved[name])


def test_raw_files_are_never_modified(tmp_path):
    good, bad = nonrandomized(tmp_path / "a"), nonrandomized(
        tmp_path / "b", t0=wave([("P1", 1), ("P2", "Sometimes")]))

    def digests():
        return {path: hashlib.sha256(path.read_bytes()).hexdigest()
                for study in (good, bad) for path in study.folder.iterdir()}

    before = digests()
    clean_study(good)
    with pytest.raises(ValidationError):
        clean_study(bad)
    assert digests() == before


# --- a randomized trial ------------------------------------------------------------------------

RANDOMIZED = """\
design: randomized
roster: {file: roster.csv, id: id, group: arm, site: hospital, strata: [hospital, Specialty Group],
         withdrawn: {status: [Withdrawn]}, sessions: attended}
groups: {intervention: App, control: Usual care}
""" + CONTROL_WAVES
TRIAL_ROSTER = table_text(["id", "arm", "hospital", "Specialty Group", "status", "attended"], [
    ["I1", "App", "North", "Internal Medicine", "", "5"],
    ["I2", "App", "South", "Surgery", "", "1"],
    ["I3", "App", "North", "Surgery", "", "4"],
    ["C1", "Usual care", "South", "Internal Medicine", "", ""],
    ["C2", "Usual care", "North", "Surgery", "", ""],
    ["C3", "Usual care", "South", "Surgery", "withdrawn ", ""]])


def randomized(tmp_path, roster=TRIAL_ROSTER):
    return study_of(
        tmp_path, RANDOMIZED, roster=roster,
        t0=wave([("I1", 1), ("I2", 2), ("I3", 3), ("C1", 4), ("C3", 6)]),
        t1=wave([("I1", 2), ("I2", 3), ("C1", 5), ("C2", 0), ("C3", 6)]))


def test_randomized_intention_to_treat_with_strata_sessions_and_per_protocol(tmp_path):
    tables = clean_study(randomized(tmp_path), population="everyone",
                         flow_steps=RANDOMIZED_FLOW_STEPS, per_protocol=True,
                         per_protocol_min_sessions=3)
    participants = tables["participants"]
    assert list(participants.columns) == [
        "student_id", "site", "group", "specialty_group", "sessions_attended", "has_pre",
        "has_post", "analysed", "per_protocol"]
    assert rows_of(participants, participants.columns) == [
        ["C1", "south", "control", "internal_medicine", None, 1, 1, 1, 1],
        ["C2", "north", "control", "surgery", None, 0, 1, 1, 0],
        ["C3", "south", "control", "surgery", None, 0, 0, 0, 0],
        ["I1", "north", "intervention", "internal_medicine", 5, 1, 1, 1, 1],
        ["I2", "south", "intervention", "surgery", 1, 1, 1, 1, 0],
        ["I3", "north", "intervention", "surgery", 4, 1, 0, 1, 0]]
    assert str(participants["sessions_attended"].dtype) == "Int64"
    assert rows_of(tables["exclusions"], ["record", "file", "stage", "reason", "group"]) == [
        ["C3", "roster.csv", "withdrawal", "withdrew from the study: all survey answers "
         "discarded", "control"],
        ["C2", "t0.csv", "pre_survey", "no completed before survey (analysed by intention to "
         "treat)", "control"],
        ["I3", "t1.csv", "post_survey", "no completed after survey (analysed by intention to "
         "treat)", "intervention"],
        ["I2", "roster.csv", "per_protocol", "attended fewer than 3 sessions (not in the "
         "per-protocol set)", "intervention"]]
    steps = tables["flow"]["step"].unique().tolist()
    assert steps == ["randomized", "completed_pre", "completed_post", "per_protocol", "analysed"]
    assert flow_counts(tables, "intervention") == [3, 3, 2, 1, 3]
    assert flow_counts(tables, "control") == [3, 1, 1, 1, 2]
    pd.testing.assert_frame_equal(flow_from_exclusions(
        participants, tables["exclusions"], RANDOMIZED_FLOW_STEPS), tables["flow"])


def test_a_withdrawn_participants_answers_are_discarded(tmp_path):
    tables = clean_study(randomized(tmp_path), population="everyone",
                         flow_steps=RANDOMIZED_FLOW_STEPS)
    assert "C3" not in set(tables["items"]["student_id"])
    assert "C3" in set(tables["participants"]["student_id"])  # the flow counts everyone
    assert "per_protocol" not in tables["participants"]
    assert rows_of(tables["waves"], ["time", "responses"]) == [["pre", 4], ["post", 4]]


def test_sessions_that_are_not_a_number(tmp_path):
    roster = TRIAL_ROSTER.replace("I2,App,South,Surgery,,1", "I2,App,South,Surgery,,two")
    assert problems_of(randomized(tmp_path, roster)) == [
        "roster.csv, row 3, column 'attended': not a number of sessions (value 'two')"]


@pytest.mark.parametrize(("population", "analysed", "reason"), [
    ("complete_cases", [1, 0, 0, 1], "no completed after survey"),
    ("everyone", [1, 1, 1, 1], "no completed after survey (analysed by intention to treat)")])
def test_the_analysis_population(tmp_path, population, analysed, reason):
    tables = clean_study(nonrandomized(tmp_path, t0=wave([("P1", 1), ("P2", 2), ("P4", 0)]),
                                       t1=wave([("P1", 1), ("P3", 2), ("P4", 0)])),
                         population=population)
    assert tables["participants"]["analysed"].tolist() == analysed
    log = tables["exclusions"]
    assert rows_of(log, ["record", "stage"]) == [["P3", "pre_survey"], ["P2", "post_survey"]]
    assert log["reason"].iloc[1] == reason


def test_an_unknown_population_is_refused(tmp_path):
    with pytest.raises(ValueError, match="population must be one of"):
        clean_study(nonrandomized(tmp_path), population="per_protocol")


# --- a single group, three waves, covariates ---------------------------------------------------

SINGLE = """\
design: single_group
roster: {file: roster.csv, id: id, covariates: {age: age, used_app: used, year: PGY}}
waves:
  - {name: before, file: t0.csv, id: id, submitted: submitted}
  - {name: midway, file: t1.csv, id: id}
  - {name: after, file: t2.csv, id: id}
instruments: {mbi_hss_mp: {columns: "Q{item}"}}
"""


def test_single_group_three_waves_and_covariates_of_the_first_wave(tmp_path):
    study = study_of(
        tmp_path, SINGLE, roster=table_text(["id", "age", "PGY"], [
            ["S1", "28", "PGY-1"], ["S2", "31", "PGY-2"], ["S3", "", "PGY-1"],
            ["S4", "40", "PGY-3"]]),
        t0=wave([("S1", 1, "2024-01-01", "No"), ("S1", 2, "2024-01-02", "yes"),
                 ("S2", 3, "2024-01-01", "No"), ("S4", None, "2024-01-01", "Yes")],
                extra=["submitted", "used"]),
        t1=wave([("S1", 2), ("S3", 2)]),
        t2=wave([("S1", 3), ("S2", 3), ("S3", 3)]))
    tables = clean_study(study)
    participants = tables["participants"]
    assert list(participants.columns) == ["student_id", "age", "used_app", "year", "has_pre",
                                          "has_wave_2", "has_post", "analysed"]
    # S1's covariate comes from the kept (latest) response; S3 and S4 answered no baseline
    assert rows_of(participants, participants.columns) == [
        ["S1", 28, 1, "pgy1", 1, 1, 1, 1], ["S2", 31, 0, "pgy2", 1, 0, 1, 1],
        ["S3", None, None, "pgy1", 0, 1, 1, 0], ["S4", 40, None, "pgy3", 0, 0, 0, 0]]
    assert rows_of(tables["items"], ["student_id", "wave", "mbi_01"]) == [
        ["S1", "pre", 2], ["S1", "wave_2", 2], ["S1", "post", 3], ["S2", "pre", 3],
        ["S2", "post", 3], ["S3", "wave_2", 2], ["S3", "post", 3]]
    assert tables["flow"].values.tolist() == [
        ["enrolled", "all", 4], ["completed_pre", "all", 2], ["completed_post", "all", 2],
        ["analysed", "all", 2]]
    assert rows_of(tables["exclusions"], ["record", "line", "stage", "group"]) == [
        ["S3", None, "pre_survey", "all"], ["S4", None, "pre_survey", "all"],
        ["line 2", 2, "deduplicate", "all"], ["line 5", 5, "unfinished", "all"]]
    assert tables["exclusions"]["reason"].tolist()[2:] == [
        "repeated before response of S1; kept line 3, the most recent finished one",
        "unfinished before response of S4: it answers no item"]


def test_a_first_wave_covariate_of_a_withdrawn_participant_is_discarded(tmp_path):
    text = SINGLE.replace("year: PGY}", 'year: PGY}, withdrawn: {left: ["yes"]}')
    study = study_of(
        tmp_path, text, roster=table_text(["id", "age", "PGY", "left"], [
            ["S1", "28", "1", "no"], ["S2", "31", "2", "YES"]]),
        t0=wave([("S1", 1, "2024-01-01", "no"), ("S2", 3, "2024-01-01", "yes")],
                extra=["submitted", "used"]),
        t1=wave([("S1", 2)]), t2=wave([("S1", 3), ("S2", 3)]))
    participants = clean_study(study)["participants"]
    assert rows_of(participants, ["student_id", "used_app", "year", "analysed"]) == [
        ["S1", 0, 1, 1], ["S2", None, 2, 0]]


def test_a_covariate_column_in_neither_the_roster_nor_the_first_wave(tmp_path):
    study = study_of(tmp_path, SINGLE, roster=table_text(["id", "age", "PGY"], [["S1", "28", "1"]]),
                     t0=wave([("S1", 1, "2024-01-01")], extra=["submitted"]),
                     t1=wave([("S1", 2)]), t2=wave([("S1", 3)]))
    (problem,) = problems_of(study)
    assert problem.startswith("t0.csv, row 1, column 'used': column named by study.yaml key "
                              "'roster.covariates.used_app (not in the roster: looked for in "
                              "the first wave)' is not in the file")


# --- responses that are not linked -------------------------------------------------------------

def test_not_on_roster_no_id_and_empty_responses_are_logged(tmp_path):
    text = NONRANDOMIZED.replace("id: id}\n  - {name: after", "id: id, response_id: rid}\n"
                                 "  - {name: after")
    study = nonrandomized(
        tmp_path, t0=wave([("P1", 1, "R1"), ("X9", 2, "R2"), ("", 3, "R3"), ("P2", 2, "R4"),
                           ("P3", 1, "R5"), ("P4", 1, "R6")], extra=["rid"]),
        t1=wave([("P1", 1), ("P2", None), ("P3", 1), ("P4", 2)]))
    (study.folder / "study.yaml").write_text("study: pilot\n" + text, encoding="utf-8")
    tables = clean_study(load_study("pilot", study.folder.parent))
    assert rows_of(tables["exclusions"], ["record", "file", "line", "stage", "reason",
                                          "group"]) == [
        ["R2", "t0.csv", 3, "not_on_roster", "before response of 'X9', who is not on the "
         "roster (roster.csv)", None],
        ["P2", "t1.csv", None, "post_survey", "no completed after survey", "control"],
        ["line 3", "t1.csv", 3, "unfinished", "unfinished after response of P2: it answers no item",
         "control"],
        ["R3", "t0.csv", 4, "no_id", "before response without a participant id (column 'id' "
         "empty)", None]]
    assert tables["participants"]["has_post"].tolist() == [1, 0, 1, 1]


@pytest.mark.parametrize(("rule", "kept"), [("latest", 5), ("first", 2)])
def test_the_duplicates_rule_of_the_study_file(tmp_path, rule, kept):
    study = nonrandomized(tmp_path, t0=wave([("P1", 2, "2024-03-01 10:00"),
                                             ("P1", 5, "2024-03-02 10:00"),
                                             ("P2", 1, ""), ("P3", 1, ""), ("P4", 1, "")],
                                            extra=["submitted"]))
    (study.folder / "study.yaml").write_text(
        (study.folder / "study.yaml").read_text() + f"duplicates: {rule}\n", encoding="utf-8")
    tables = clean_study(load_study("pilot", study.folder.parent))
    assert rows_of(tables["items"].query("student_id == 'P1' and wave == 'pre'"),
                   ["mbi_01"]) == [[kept]]
    (dropped,) = tables["exclusions"].query("stage == 'deduplicate'")["line"].tolist()
    assert dropped == (2 if rule == "latest" else 3)


def test_an_unresolvable_duplicate_is_a_problem(tmp_path):
    study = nonrandomized(tmp_path, t0=wave([("P1", 2, "2024-03-01 10:00"),
                                             ("P2", 1, "2024-03-01 10:00"),
                                             ("P1", 5, "2024-03-01 10:00")],
                                            extra=["submitted"]))
    assert problems_of(study) == [
        "t0.csv, row 2, column 'participant': two finished responses of P1 (lines 4 and 2) have "
        "the same submission time and different answers, so no rule can choose one; delete one "
        "of them from a copy of the export (value 'P1')"]


def test_an_unreadable_submission_time_is_a_problem(tmp_path):
    study = nonrandomized(tmp_path, t0=wave([("P1", 2, "2024-03-01"), ("P2", 1, "soon")],
                                            extra=["submitted"]))
    (problem,) = problems_of(study)
    assert problem.startswith("t0.csv, row 3, column 'submitted': not a date and time;")


# --- per-wave columns --------------------------------------------------------------------------

def test_one_wide_file_holding_both_waves(tmp_path):
    text = NONRANDOMIZED.split("waves:")[0] + """\
waves:
  - {name: before, file: wide.csv, id: id, columns: {mbi_hss_mp: "pre_{item}"}}
  - {name: after, file: wide.csv, id: id, columns: {mbi_hss_mp: "post_{item}"}}
instruments: {mbi_hss_mp: {columns: "Q{item}"}}
"""
    header = ["id", *[f"pre_{n}" for n in range(1, 23)], *[f"post_{n}" for n in range(1, 23)]]
    wide = table_text(header, [["P1", *answers(1), *answers(2)], ["P2", *answers(3), *answers(4)],
                               ["P3", *answers(5), *answers(None)],
                               ["P4", *answers(None), *answers(None)]])
    tables = clean_study(study_of(tmp_path, text, roster=ROSTER, wide=wide))
    assert rows_of(tables["items"], ["student_id", "wave", "mbi_01", "mbi_22"]) == [
        ["P1", "pre", 1, 1], ["P1", "post", 2, 2], ["P2", "pre", 3, 3], ["P2", "post", 4, 4],
        ["P3", "pre", 5, 5]]
    assert rows_of(tables["exclusions"], ["record", "file", "line", "stage"]) == [
        ["P4", "wide.csv", None, "pre_survey"], ["P3", "wide.csv", None, "post_survey"],
        ["line 4", "wide.csv", 4, "unfinished"], ["line 5", "wide.csv", 5, "unfinished"],
        ["line 5", "wide.csv", 5, "unfinished"]]
    assert rows_of(tables["waves"], ["time", "file", "responses"]) == [["pre", "wide.csv", 3],
                                                                      ["post", "wide.csv", 2]]


def test_a_wave_override_with_a_missing_column_names_the_override_key(tmp_path):
    text = NONRANDOMIZED.replace("file: t1.csv, id: id}",
                                 'file: t1.csv, id: id, columns: {mbi_hss_mp: "F{item}"}}')
    study = study_of(tmp_path, text, roster=ROSTER, t0=wave([("P1", 1)]),
                     t1=wave([("P1", 1)], items=[f"F{n}" for n in range(1, 22)] + ["F 22"]))
    (problem,) = problems_of(study)
    assert problem.startswith("t1.csv, row 1, column 'F22': column named by study.yaml key "
                              "'waves[1].columns.mbi_hss_mp' is not in the file; did you mean "
                              "'F 22' or 'F2'?")


# --- every problem at once ---------------------------------------------------------------------

def test_one_validation_error_lists_the_problems_of_several_files(tmp_path):
    roster = ROSTER + "P1,Ada Quill,ada@example.org,Waitlist,Site 1,30,Female\n"
    t0 = wave([("P1", 1), ("P2", [0, 1, 2, 3, "Sometimes", *[0] * 17]), ("P3", 9)])
    t1 = wave([("P1", [1] * 21)], items=ITEMS[:-1])
    study = nonrandomized(tmp_path, roster=roster, t0=t0, t1=t1)
    with pytest.raises(ValidationError) as raised:
        clean_study(study)
    problems = raised.value.problems
    assert sorted({problem.file for problem in problems}) == ["roster.csv", "t0.csv", "t1.csv"]
    shown = [str(problem) for problem in problems]
    assert shown[0].startswith("t1.csv, row 1, column 'Q22': column named by study.yaml key "
                               "'instruments.mbi_hss_mp.columns' is not in the file; did you "
                               "mean 'Q2'")
    assert shown[1] == ("roster.csv, row 6, column 'id': participant id on lines 2, 6 (rule: "
                        "one roster row per participant) (value 'P1')")
    (label,) = [problem for problem in shown if "unknown label" in problem]
    assert label.startswith("t0.csv, row 3, column 'Q5': unknown label; known: 'never' = 0, ")
    assert label.endswith("""map it in study.yaml under instruments.mbi_hss_mp.responses, e.g. """
                          """responses: {"Sometimes": <value>} (value 'Sometimes')""")
    assert sorted(set(shown[2:]) - {label}) == sorted(
        f"t0.csv, row 4, column '{column}': outside the response range 0-6 (value '9')"
        for column in ITEMS)
    assert len(problems) == 3 + 22
    assert str(raised.value).startswith("25 problem(s) found in the raw data:\n  - t1.csv, row 1")


def test_a_roster_problem_does_not_hide_the_waves_problems(tmp_path):
    roster = ROSTER.replace("hospital", "site")
    study = nonrandomized(tmp_path, roster=roster, t1=wave([("P1", "often")]))
    problems = problems_of(study)
    assert len(problems) == 1 + 22
    assert problems[0].startswith("roster.csv, row 1, column 'hospital': column named by "
                                  "study.yaml key 'roster.site' is not in the file")
    assert problems[1].startswith("t1.csv, row 2, column 'Q1': unknown label;")


def test_file_level_problems_of_several_files_are_listed_together(tmp_path):
    latin1 = "id,name,email,arm,hospital,age,sex\nP1,Zoë,z@example.org,Coaching,1,30,F\n"
    t1 = wave([("P1", 1), ("P2", 2)]).replace("P2,2,2", "P2,2,2,2", 1)
    study = nonrandomized(tmp_path, roster=latin1.encode("latin-1"), t1=t1)
    problems = problems_of(study)
    assert len(problems) == 2
    assert problems[0].startswith("roster.csv, row 2: the file is not UTF-8 text: byte ")
    assert problems[1].startswith("t1.csv, row 3: this row has 24 cells but the header (line 1) "
                                  "has 23 columns; it has a value beyond the last named column")


def test_roster_rules(tmp_path):
    roster = table_text(["id", "name", "email", "arm", "hospital", "age", "sex"], [
        ["P1", "A", "a@x.org", "Coaching", "Site 1", "30", "F"],
        ["", "B", "b@x.org", "Waitlist", "Site 1", "30", "F"],
        ["P3", "C", "c@x.org", "Coached", "", "30", "F"],
        ["P4", "D", "d@x.org", "", "Site 2", "30", "F"]])
    assert problems_of(nonrandomized(tmp_path, roster=roster)) == [
        "roster.csv, row 3, column 'id': empty participant id (rule: every roster row has an id)",
        "roster.csv, row 4, column 'hospital': empty site (rule: every participant has a site "
        "when roster.site is given)",
        "roster.csv, row 4, column 'arm': group label not in study.yaml key 'groups' ('Coaching' "
        "= intervention, 'Waitlist' = control); correct the cell or the label under groups "
        "(value 'Coached')",
        "roster.csv, row 5, column 'arm': empty group"]


def test_group_names_are_accepted_besides_the_labels(tmp_path):
    roster = ROSTER.replace("Coaching,Site", "intervention,Site", 1)
    participants = clean_study(nonrandomized(tmp_path, roster=roster))["participants"]
    assert participants["group"].tolist() == ["intervention", "control", "intervention",
                                              "control"]


# --- survey-tool shapes, identifiers and free text ---------------------------------------------

QUALTRICS_META = ["StartDate", "EndDate", "Status", "IPAddress", "Finished", "RecordedDate",
                  "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                  "ExternalReference"]


def qualtrics(rows, extra=()) -> str:
    """A Qualtrics export (3 header lines): rows of (status, id, answers, *extra)."""
    names = [*QUALTRICS_META, *ITEMS, *extra]
    body = []
    for number, (status, person, value, *rest) in enumerate(rows, start=1):
        first, last = f"First{person}", f"Last{person}"
        body.append(["2024-05-01 09:00:00", "2024-05-01 09:10:00", status, f"192.0.2.{number}",
                     "True", f"2024-05-01 09:10:{number:02d}", f"R_{person}x{number}", last,
                     first, f"{first.lower()}@example.org", person, *answers(value), *rest])
    return table_text(names, [names, [f'{{"ImportId":"{name}"}}' for name in names], *body])


def test_qualtrics_previews_and_tool_identifiers_never_reach_a_table(tmp_path):
    text = NONRANDOMIZED.replace("file: t0.csv, id: id", "file: t0.csv, format: qualtrics, "
                                 "id: ExternalReference")
    text = text.replace("covariates: {age: age, gender: sex}",
                        "covariates: {age: age, gender: sex, email_ok: RecipientEmail}")
    t0 = qualtrics([("Survey Preview", "P1", 1), ("IP Address", "P1", 2),
                    ("IP Address", "P2", 3), ("IP Address", "P4", 4), ("IP Address", "P2", 5)])
    study = study_of(tmp_path, text, roster=ROSTER, t0=t0, t1=wave([("P1", 1), ("P2", 1)]))
    assert problems_of(study) == [  # an identifier of the tool cannot be a covariate
        "t0.csv, row 1, column 'RecipientEmail': column named by study.yaml key "
        "'roster.covariates.email_ok (not in the roster: looked for in the first wave)' is a "
        "direct identifier (named under identifiers, or recorded by the survey tool), which "
        "never leaves data/raw; map another column or leave it out"]
    study = study_of(tmp_path, NONRANDOMIZED.replace(
        "file: t0.csv, id: id", "file: t0.csv, format: qualtrics, id: ExternalReference"),
        roster=ROSTER, t0=t0, t1=wave([("P1", 1), ("P2", 1)]))
    tables = clean_study(study)
    log = tables["exclusions"]
    assert rows_of(log.query("stage == 'import'"), ["record", "line", "reason"]) == [
        ["line 4", 4, "Qualtrics Status 'Survey Preview': a survey preview, not a real "
         "response"]]
    assert rows_of(tables["items"].query("wave == 'pre'"), ["student_id", "mbi_01"]) == [
        ["P1", 2], ["P2", 5], ["P4", 4]]
    # Qualtrics' ResponseId names a dropped repeat; RecordedDate orders the repeats
    assert rows_of(log.query("stage == 'deduplicate'"), ["record", "line", "reason"]) == [
        ["R_P2x3", 6, "repeated before response of P2; kept R_P2x5, the most recent finished "
         "one"]]
    assert tables["waves"]["format"].tolist() == ["qualtrics", "csv"]
    identifiers = {*QUALTRICS_META[7:10], "IPAddress", "email"}
    people = {"Ada", "Quill", "Bo", "Lind", "Cy", "Moss", "Di", "Fenn", "FirstP1", "LastP1"}
    for name, table in tables.items():
        assert not identifiers & set(table.columns), name
        text = table.to_csv(index=False)
        assert find_identifiers(text) == [] and "192.0.2" not in text, name
        assert not people & set(re.findall(r"[A-Za-z0-9]+", text)), name


def test_a_roster_identifier_cannot_be_read_as_data(tmp_path):
    text = NONRANDOMIZED.replace("gender: sex}", "gender: sex, contact: email}")
    study = study_of(tmp_path, text, roster=ROSTER, t0=wave([("P1", 1)]), t1=wave([("P1", 1)]))
    assert problems_of(study) == [
        "roster.csv, row 1, column 'email': column named by study.yaml key "
        "'roster.covariates.contact' is a direct identifier (named under identifiers, or "
        "recorded by the survey tool), which never leaves data/raw; map another column or "
        "leave it out"]


def test_redcap_codes_outside_the_dictionary(tmp_path):
    """A code missing from the data dictionary is a problem in a column the study uses, and no
    problem in a column it does not use."""
    dictionary = table_text(
        ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
         "Choices, Calculations, OR Slider Labels", "Field Note",
         "Text Validation Type OR Show Slider Number", "Text Validation Min",
         "Text Validation Max", "Identifier?"],
        [["record_id", "enrolment", "", "text", "Record ID", "", "", "", "", "", ""],
         ["sex", "enrolment", "", "radio", "Sex", "1, Female | 2, Male", "", "", "", "", ""],
         ["program", "enrolment", "", "dropdown", "Program", "1, A | 2, B", "", "", "", "",
          ""]])
    export = table_text(["record_id", "sex", "program", "enrolment_complete"],
                        [["1", "1", "7", "2"], ["2", "2", "1", "2"], ["3", "5", "2", "2"]])
    text = """\
design: single_group
roster: {file: enrolment.csv, format: redcap, dictionary: dictionary.csv, id: record_id,
         covariates: {gender: sex}}
waves:
  - {name: before, file: t0.csv, id: id}
  - {name: after, file: t1.csv, id: id}
instruments: {mbi_hss_mp: {columns: "Q{item}"}}
"""
    study = study_of(tmp_path, text, enrolment=export, dictionary=dictionary,
                     t0=wave([("1", 1), ("2", 2)]), t1=wave([("1", 1), ("2", 2)]))
    (problem,) = problems_of(study)
    assert problem.startswith("enrolment.csv, row 4, column 'sex': code not among the choices "
                              "of this radio field in the data dictionary dictionary.csv")
    fixed = export.replace("3,5,2,2", "3,2,2,2")
    study = study_of(tmp_path, text, enrolment=fixed)
    participants = clean_study(study)["participants"]
    assert rows_of(participants, ["student_id", "gender", "has_pre"]) == [
        ["1", "female", 1], ["2", "male", 1], ["3", "male", 0]]


EVALUATION = NONRANDOMIZED + """\
evaluations:
  coached:
    file: evaluation.csv
    id: id
    items: {helpful: The coaching helped}
    free_text: [comments]
"""


def test_free_text_is_scrubbed_of_emails_phones_and_roster_names(tmp_path):
    evaluation = table_text(["id", "helpful", "comments"], [
        ["P1", "Agree", "Thanks Dr. Okafor! Write to coach.lee@hospital.example.org"],
        ["P3", "strongly agree", "ada quill and I call (310) 555-0142 often; QUILL too"],
        ["P2", "Disagree", ""]])
    nonrandomized(tmp_path)  # the roster and both waves
    study = study_of(tmp_path, EVALUATION, evaluation=evaluation)
    tables = clean_study(study, redaction_names=["Okafor"])
    assert rows_of(tables["evaluation_coached"], ["respondent_id", "helpful", "comments"]) == [
        ["P1", 4, "Thanks Dr. [name]! Write to [email]"],
        ["P3", 5, "[name] and I call [phone] often; [name] too"],
        ["P2", 2, None]]


def test_roster_columns_not_named_as_identifiers_are_not_scrubbed(tmp_path):
    """Roster columns that are not named as identifiers are not scrubbed from free text."""
    text = EVALUATION.replace("identifiers: [name, email],", "")
    evaluation = table_text(["id", "helpful", "comments"], [["P1", "Agree", "Ada was here"]])
    nonrandomized(tmp_path)  # the roster and both waves
    study = study_of(tmp_path, text, evaluation=evaluation)
    assert clean_study(study)["evaluation_coached"]["comments"].tolist() == ["Ada was here"]


def test_e_mail_ids_are_replaced_by_pseudonyms_in_every_table(tmp_path):
    emails = {"P1": "ada@example.org", "P2": "bo@example.org", "P3": "cy@example.org",
              "P4": "di@example.org"}
    roster = ROSTER
    for person, email in emails.items():
        roster = roster.replace(f"\n{person},", f"\n{email},")
    text = NONRANDOMIZED.replace("id: id, response_id: rid", "id: id")
    study = study_of(tmp_path, text, roster=roster,
                     t0=wave([(emails["P2"], 2), ("eve@example.org", 1), (emails["P1"], 1),
                              (emails["P3"], 3), (emails["P4"], 4)]),
                     t1=wave([(emails["P1"], 4), (emails["P2"], 5), ("eve@example.org", 2)]))
    tables = clean_study(study)
    assert tables["participants"]["student_id"].tolist() == ["P0001", "P0002", "P0003",
                                                             "P0004"]
    assert rows_of(tables["items"], ["student_id", "wave", "mbi_01"]) == [
        ["P0001", "pre", 1], ["P0001", "post", 4], ["P0002", "pre", 2], ["P0002", "post", 5],
        ["P0003", "pre", 3], ["P0004", "pre", 4]]
    reasons = tables["exclusions"]["reason"].tolist()
    assert "before response of 'unlisted-1', who is not on the roster (roster.csv)" in reasons
    assert "after response of 'unlisted-1', who is not on the roster (roster.csv)" in reasons
    for name, table in tables.items():
        text = table.to_csv(index=False)
        assert "@" not in text, f"an e-mail address is left in {name}"


def test_ids_of_a_column_marked_as_identifier_are_replaced_too(tmp_path):
    text = NONRANDOMIZED.replace("identifiers: [name, email]", "identifiers: [id, name, email]")
    study = nonrandomized(tmp_path)
    (study.folder / "study.yaml").write_text("study: pilot\n" + text, encoding="utf-8")
    tables = clean_study(load_study("pilot", tmp_path))
    assert tables["participants"]["student_id"].tolist() == ["P0001", "P0002", "P0003",
                                                             "P0004"]
    assert set(tables["items"]["student_id"]) == {"P0001", "P0002", "P0003", "P0004"}


def test_plain_ids_are_kept(tmp_path):
    tables = clean_study(nonrandomized(tmp_path))
    assert tables["participants"]["student_id"].tolist() == ["P1", "P2", "P3", "P4"]
