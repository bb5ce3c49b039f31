"""Tests of burnout.data.evaluations: evaluation surveys, their respondents and theme codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from burnout.data.evaluations import (
    CODEBOOK_COLUMNS,
    clean_evaluations,
    clean_qualitative,
    identifier_names,
)
from burnout.data.linking import ExclusionLog
from burnout.data.study import load_study

HEAD = """\
study: pilot
design: single_group
roster: {file: roster.csv, id: id}
waves:
  - {name: before, file: t0.csv, id: id}
  - {name: after, file: t1.csv, id: id}
instruments: {mbi_hss_mp: {columns: "Q{item}"}}
"""
# The participants as clean_study passes them: P4 withdrew.
ROSTER = pd.DataFrame({"student_id": ["P1", "P2", "P3", "P4"],
                       "_withdrawn": [False, False, False, True]})


def table_text(header, rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


def study_of(tmp_path: Path, sections: str, **files):
    folder = tmp_path / "pilot"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("roster", "t0", "t1"):
        (folder / f"{name}.csv").write_text("id\n", encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    (folder / "study.yaml").write_text(HEAD + sections, encoding="utf-8")
    return load_study("pilot", tmp_path)


def clean(study, names=()):
    log, problems = ExclusionLog({"P1": "all", "P2": "all", "P3": "all"}), []
    tables = clean_evaluations(study, ROSTER, log, problems, names)
    tables.update(clean_qualitative(study, tables, log, problems))
    return tables, log.table(), [str(problem) for problem in problems]


def rows_of(frame: pd.DataFrame, columns=None) -> list[list]:
    part = frame[list(columns or frame.columns)].astype(object)
    return part.where(part.notna(), None).values.tolist()


STUDENTS = """\
evaluations:
  students:
    file: evaluation
    id: id
    items: {helpful: The program helped, again: I would do it again}
    numeric: [hours]
    free_text: [comments]
    responses: {"Not applicable": null}
"""


def test_scale_labels_numbers_and_the_responses_map(tmp_path):
    evaluation = table_text(["id", "helpful", "again", "hours", "comments"], [
        ["P1", "Strongly agree", " AGREE ", "2.5", "Great"],
        ["P2", "2", "not applicable", "", ""],
        ["P3", "neither agree nor disagree", "", "10", "Fine"]])
    study = study_of(tmp_path, STUDENTS.replace("file: evaluation", "file: evaluation.csv"),
                     evaluation=evaluation)
    tables, log, problems = clean(study)
    assert problems == [] and log.empty and list(tables) == ["evaluation_students"]
    table = tables["evaluation_students"]
    assert list(table.columns) == ["response_id", "respondent_id", "helpful", "again", "hours",
                                   "comments"]
    assert rows_of(table) == [["students_2", "P1", 5, 4, 2.5, "Great"],
                              ["students_3", "P2", 2, None, None, None],
                              ["students_4", "P3", 3, None, 10.0, "Fine"]]
    assert str(table["helpful"].dtype) == "Int64" and table["hours"].dtype == float


def test_another_scale_and_the_problems_of_answers(tmp_path):
    sections = STUDENTS.replace("file: evaluation", "file: evaluation.csv").replace(
        "    numeric:", "    scale: agreement_4\n    numeric:")
    evaluation = table_text(["id", "helpful", "again", "hours", "comments"], [
        ["P1", "Neither agree nor disagree", "5", "three", ""],
        ["P2", "agree", "4", "1", ""]])
    _, _, problems = clean(study_of(tmp_path, sections, evaluation=evaluation))
    assert len(problems) == 3
    assert problems[0].startswith("evaluation.csv, row 2, column 'helpful': unknown label; "
                                  "known: 'strongly disagree' = 1, 'disagree' = 2, 'agree' = 3, "
                                  "'strongly agree' = 4, 'not applicable' = missing; map it in "
                                  "study.yaml under evaluations.students.responses")
    assert problems[1:] == [
        "evaluation.csv, row 2, column 'again': outside the response range 1-4 (value '5')",
        "evaluation.csv, row 2, column 'hours': not a number (value 'three')"]


def test_respondents_not_on_the_roster_repeats_and_withdrawn_participants(tmp_path):
    sections = STUDENTS.replace("file: evaluation", "file: evaluation.csv").replace(
        "    numeric: [hours]\n", "    numeric: [hours]\n    response_id: rid\n    submitted: "
        "at\n")
    evaluation = table_text(["rid", "at", "id", "helpful", "again", "hours", "comments"], [
        ["E1", "2024-06-01 10:00", "P1", "agree", "agree", "1", ""],
        ["E2", "2024-06-01 11:00", "X9", "agree", "agree", "1", ""],
        ["E3", "2024-06-02 10:00", "P1", "disagree", "agree", "2", ""],
        ["E4", "2024-06-01 10:00", "", "agree", "agree", "1", ""],
        ["E5", "2024-06-01 10:00", "P4", "agree", "agree", "1", ""]])
    tables, log, problems = clean(study_of(tmp_path, sections, evaluation=evaluation))
    assert problems == []
    assert rows_of(tables["evaluation_students"], ["response_id", "respondent_id",
                                                   "helpful"]) == [["E3", "P1", 2]]
    assert rows_of(log, ["record", "file", "line", "stage", "reason", "group"]) == [
        ["E2", "evaluation.csv", 3, "not_on_roster", "students evaluation response of 'X9', "
         "who is not on the respondents' roster", None],
        ["E4", "evaluation.csv", 5, "not_on_roster", "students evaluation response of '', who "
         "is not on the respondents' roster", None],
        ["E1", "evaluation.csv", 2, "deduplicate", "repeated students evaluation response of "
         "P1; kept E3, the most recent finished one", "all"]]


MENTORS = """\
evaluations:
  mentors:
    file: mentor_evaluation.csv
    id: mentor_id
    respondents: {file: mentors.csv, id: mentor_id, identifiers: [name]}
    items: {enjoyed: I enjoyed mentoring}
    free_text: [comments]
"""


def test_respondents_with_their_own_roster(tmp_path):
    mentors = table_text(["mentor_id", "name"], [["M2", "Rita Okafor"], ["M1", "Sam Lee"],
                                                 ["M3", "Ana Ruiz"]])
    evaluation = table_text(["mentor_id", "enjoyed", "comments"], [
        ["M1", "Agree", "Sam Lee here; my student P1 e-mailed p1@uni.example.edu"],
        ["P1", "Agree", ""],
        ["M2", "Strongly agree", "Ask Dr. okafor or ana, +1 310 555 0142"]])
    tables, log, problems = clean(study_of(tmp_path, MENTORS, mentors=mentors,
                                           mentor_evaluation=evaluation), names=["Ana"])
    assert problems == []
    assert rows_of(tables["evaluation_mentors_roster"]) == [["M1"], ["M2"], ["M3"]]
    assert rows_of(tables["evaluation_mentors"], ["respondent_id", "enjoyed", "comments"]) == [
        ["M1", 4, "[name] here; my student P1 e-mailed [email]"],
        ["M2", 5, "Ask Dr. [name] or [name], [phone]"]]
    assert rows_of(log, ["record", "stage"]) == [["mentors_3", "not_on_roster"]]
    assert "name" not in tables["evaluation_mentors_roster"]


def test_a_respondents_roster_with_a_repeated_or_empty_id(tmp_path):
    mentors = table_text(["mentor_id", "name"], [["M1", "A"], ["", "B"], ["M1", "C"]])
    evaluation = table_text(["mentor_id", "enjoyed", "comments"], [["M1", "Agree", ""]])
    _, _, problems = clean(study_of(tmp_path, MENTORS, mentors=mentors,
                                    mentor_evaluation=evaluation))
    rule = "empty or repeated respondent id (rule: one row per respondent)"
    assert problems == [f"mentors.csv, row 2, column 'mentor_id': {rule} (value 'M1')",
                        f"mentors.csv, row 3, column 'mentor_id': {rule}",
                        f"mentors.csv, row 4, column 'mentor_id': {rule} (value 'M1')"]


def test_a_column_missing_from_the_evaluation(tmp_path):
    evaluation = table_text(["id", "helpful", "hours", "comments"], [["P1", "Agree", "", ""]])
    tables, _, problems = clean(study_of(
        tmp_path, STUDENTS.replace("file: evaluation", "file: evaluation.csv"),
        evaluation=evaluation))
    assert tables == {}
    assert problems == ["evaluation.csv, row 1, column 'again': column named by study.yaml key "
                        "'evaluations.students.items' is not in the file (columns there: id, "
                        "helpful, hours, comments)"]


def test_identifier_names_whole_and_word_by_word():
    frame = pd.DataFrame({"name": ["Ada Quill", "O'Neil", None, "J. Doe"],
                          "email": ["a@x.org", "310-555-0142", "b@y.org", None]})
    assert identifier_names(frame, ["name", "email", "absent"]) == [
        "Ada", "Ada Quill", "Doe", "J. Doe", "O'Neil", "Quill"]


# --- theme codes -------------------------------------------------------------------------------

QUALITATIVE = STUDENTS.replace("file: evaluation", "file: evaluation.csv").replace(
    "    numeric: [hours]\n", "    numeric: [hours]\n    response_id: rid\n") + """\
qualitative:
  codebook: themes.csv
  codes: codes.csv
  sources: {student: students}
"""
THEMES = table_text(list(CODEBOOK_COLUMNS), [
    ["support", "Support", "Feeling supported", "mentions support", "-"],
    ["time", "Time", "Lack of time", "mentions time", "-"]])
EVALUATION = table_text(["rid", "id", "helpful", "again", "hours", "comments"], [
    ["E1", "P1", "agree", "agree", "1", "Good support"],
    ["E2", "P1", "agree", "agree", "1", "Later answer"],
    ["E3", "P2", "agree", "agree", "1", "No time"]])


def test_theme_codes_one_row_per_response_coder_and_theme(tmp_path):
    codes = table_text(["response_id", "respondent_type", "coder", "support", "time"], [
        ["E2", "student", "coder_a", "1", "0"], ["E3", "student", "coder_a", "0", "1"],
        ["E1", "student", "coder_b", "1", "0"], ["E3", "student", "coder_b", "0", "1"]])
    tables, log, problems = clean(study_of(tmp_path, QUALITATIVE, evaluation=EVALUATION,
                                           themes=THEMES, codes=codes))
    assert problems == []
    assert list(tables) == ["evaluation_students", "themes", "theme_codes"]
    assert rows_of(tables["themes"], ["theme", "label"]) == [["support", "Support"],
                                                              ["time", "Time"]]
    assert list(tables["theme_codes"].columns) == ["response_id", "respondent_type", "coder",
                                                   "theme", "present"]
    assert rows_of(tables["theme_codes"]) == [
        ["E2", "student", "coder_a", "support", 1], ["E2", "student", "coder_a", "time", 0],
        ["E3", "student", "coder_a", "support", 0], ["E3", "student", "coder_a", "time", 1],
        ["E3", "student", "coder_b", "support", 0], ["E3", "student", "coder_b", "time", 1]]
    # E1 was the dropped repeat of P1: its codes are logged, not kept
    assert rows_of(log, ["record", "file", "line", "stage", "reason"])[-1] == [
        "E1", "codes.csv", 4, "theme_codes", "codes of response E1 by coder_b: the response is "
        "not among the cleaned evaluation responses"]
    assert log["stage"].tolist() == ["deduplicate", "theme_codes"]


def test_theme_code_problems(tmp_path):
    themes = THEMES + "time,Time again,,,\n"
    codes = table_text(["response_id", "respondent_type", "coder", "support", "time"], [
        ["E2", "mentor", "coder_a", "1", "0"], ["E3", "student", "coder_a", "yes", ""]])
    valid = table_text(["response_id", "respondent_type", "coder", "support", "time"],
                       [["E2", "student", "coder_a", "1", "0"]])
    _, _, problems = clean(study_of(tmp_path, QUALITATIVE, evaluation=EVALUATION,
                                    themes=themes, codes=valid))
    rule = "empty or repeated theme code (rule: one row per theme) (value 'time')"
    assert problems == [f"themes.csv, row 3, column 'theme': {rule}",
                        f"themes.csv, row 4, column 'theme': {rule}"]
    _, _, problems = clean(study_of(tmp_path / "b", QUALITATIVE, evaluation=EVALUATION,
                                    themes=THEMES, codes=codes))
    assert problems == [
        "codes.csv, row 2, column 'respondent_type': not a respondent type of "
        "qualitative.sources (student) (value 'mentor')",
        "codes.csv, row 3, column 'support': a theme code is 0 (absent) or 1 (present) (value "
        "'yes')",
        "codes.csv, row 3, column 'time': a theme code is 0 (absent) or 1 (present)"]


def test_theme_codes_missing_a_theme_column(tmp_path):
    codes = table_text(["response_id", "respondent_type", "coder", "support"],
                       [["E2", "student", "coder_a", "1"]])
    tables, _, problems = clean(study_of(tmp_path, QUALITATIVE, evaluation=EVALUATION,
                                         themes=THEMES, codes=codes))
    assert "theme_codes" not in tables
    assert problems == ["codes.csv, row 1, column 'time': column named by study.yaml key "
                        "'qualitative.codes' is not in the file (columns there: response_id, "
                        "respondent_type, coder, support)"]


@pytest.mark.parametrize(("missing", "hint"), [("definition", ""),
                                               ("exclusion", "; did you mean 'inclusion'?")])
def test_a_codebook_missing_a_column(tmp_path, missing, hint):
    columns = [column for column in CODEBOOK_COLUMNS if column != missing]
    themes = table_text(columns, [["support"] + ["x"] * (len(columns) - 1)])
    codes = table_text(["response_id", "respondent_type", "coder", "support"], [])
    _, _, problems = clean(study_of(tmp_path, QUALITATIVE, evaluation=EVALUATION,
                                    themes=themes, codes=codes))
    assert problems == [f"themes.csv, row 1, column '{missing}': column named by study.yaml key "
                        f"'qualitative.codebook' is not in the file{hint} (columns there: "
                        f"{', '.join(columns)})"]


def test_an_unreadable_submission_time_of_an_evaluation_is_a_problem(tmp_path):
    sections = STUDENTS.replace("file: evaluation", "file: evaluation.csv").replace(
        "    numeric: [hours]\n", "    numeric: [hours]\n    submitted: at\n")
    evaluation = table_text(["at", "id", "helpful", "again", "hours", "comments"], [
        ["2024-06-01 10:00", "P1", "agree", "agree", "1", ""],
        ["last week", "P2", "agree", "agree", "1", ""]])
    _, _, problems = clean(study_of(tmp_path, sections, evaluation=evaluation))
    assert len(problems) == 1
    assert problems[0].startswith("evaluation.csv, row 3, column 'at': not a date and time;")


def test_an_own_roster_of_e_mail_ids_gets_its_own_pseudonyms(tmp_path):
    sections = """\
evaluations:
  mentors:
    file: mentor_eval.csv
    id: email
    items: {helpful: The program helped}
    respondents: {file: mentors.csv, id: email}
"""
    study = study_of(tmp_path, sections,
                     mentors=table_text(["email"], [["m.one@uni.edu"], ["m.two@uni.edu"]]),
                     mentor_eval=table_text(["email", "helpful"], [
                         ["m.two@uni.edu", "Agree"], ["stranger@uni.edu", "Agree"],
                         ["m.one@uni.edu", "Disagree"]]))
    tables, log, problems = clean(study)
    assert problems == []
    assert rows_of(tables["evaluation_mentors"], ["respondent_id", "helpful"]) == [
        ["R0002", 4], ["R0001", 2]]
    assert tables["evaluation_mentors_roster"]["respondent_id"].tolist() == ["R0001", "R0002"]
    assert log["reason"].tolist() == ["mentors evaluation response of 'unlisted-1', who is not "
                                      "on the respondents' roster"]
