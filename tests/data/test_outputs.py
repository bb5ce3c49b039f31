"""Tests of burnout.data.outputs: where cleaned tables go, citable numbers, summaries."""

from __future__ import annotations

import pandas as pd

from burnout.core.catalog import study_files
from burnout.data.outputs import (
    FLOW_STAGES,
    clean_numbers,
    describe_study,
    exclusion_summary,
    write_clean_outputs,
)
from burnout.data.study import (
    Evaluation,
    InstrumentColumns,
    Qualitative,
    Roster,
    Study,
    Wave,
)

FLOW = pd.DataFrame({"step": ["enrolled", "completed_pre", "enrolled", "completed_pre"],
                     "group": ["intervention", "intervention", "control", "control"],
                     "n": [10, 9, 11, 8]})
TABLES = {
    "participants": pd.DataFrame({"student_id": ["P1", "P2"], "analysed": [1, 0],
                                  "score": [1 / 3, 2.0]}),
    "flow": FLOW,
    "evaluation_students": pd.DataFrame({"response_id": ["E1", "E2", "E3"]}),
    "evaluation_mentors": pd.DataFrame({"response_id": ["M1"]}),
    "evaluation_mentors_roster": pd.DataFrame({"respondent_id": ["M1", "M2", "M3", "M4"]}),
    "themes": pd.DataFrame({"theme": ["support"]}),
    "theme_codes": pd.DataFrame({"theme": ["support"], "present": [1]}),
}


def test_every_table_is_written_to_its_catalog_path(tmp_path):
    files = study_files("pilot", tmp_path)
    paths = write_clean_outputs(TABLES, files)
    assert [path.relative_to(tmp_path).as_posix() for path in paths] == [
        "data/processed/pilot/participants.csv", "data/processed/pilot/flow.csv",
        "data/processed/pilot/evaluation_students.csv",
        "data/processed/pilot/evaluation_mentors.csv",
        "data/processed/pilot/evaluation_mentors_roster.csv",
        "data/processed/pilot/themes.csv", "data/processed/pilot/theme_codes.csv"]
    assert paths[0].read_text(encoding="utf-8") == (
        "student_id,analysed,score\nP1,1,0.3333333333\nP2,0,2\n")
    assert pd.read_csv(paths[4])["respondent_id"].tolist() == ["M1", "M2", "M3", "M4"]
    assert sorted(path.name for path in files.processed.iterdir()) == sorted(
        path.name for path in paths)  # nothing else (no temporary file) is left


def test_writing_is_byte_reproducible(tmp_path):
    first = write_clean_outputs(TABLES, study_files("pilot", tmp_path / "a"))
    second = write_clean_outputs(TABLES, study_files("pilot", tmp_path / "b"))
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]


def test_clean_numbers():
    assert clean_numbers(TABLES) == {
        "n.enrolled.intervention": 10, "n.completed_pre.intervention": 9,
        "n.enrolled.control": 11, "n.completed_pre.control": 8,
        "n.students.respondents": 3, "n.mentors.respondents": 1, "n.mentors": 4}
    assert all(isinstance(value, int) for value in clean_numbers(TABLES).values())
    assert clean_numbers({"flow": FLOW.iloc[:0]}) == {}


def test_exclusion_summary_puts_the_flow_stages_first():
    log = pd.DataFrame({
        "record": ["r1", "P3", "line 4", "P5", "P6", "P3", "r2"],
        "stage": ["deduplicate", "post_survey", "import", "withdrawal", "post_survey",
                  "per_protocol", "deduplicate"],
        "group": ["control", "control", None, "intervention", "control", "control", "control"]})
    summary = exclusion_summary(log)
    assert list(summary.columns) == ["stage", "group", "records"]
    assert summary.values.tolist() == [
        ["withdrawal", "intervention", 1], ["post_survey", "control", 2],
        ["per_protocol", "control", 1], ["deduplicate", "control", 2], ["import", "", 1]]
    assert FLOW_STAGES == ("withdrawal", "pre_survey", "post_survey", "per_protocol", "analysis")


def test_exclusion_summary_of_an_empty_log():
    empty = pd.DataFrame({"record": [], "stage": [], "group": []})
    assert exclusion_summary(empty).empty


def _study(**changes) -> Study:
    values = dict(
        study="pilot", title="A pilot", design="randomized", synthetic=False,
        roster=Roster("people.csv", format="redcap", id="id", group="arm"),
        groups={"intervention": "App", "control": "Usual care"},
        waves=(Wave("t0.csv", format="qualtrics", id="id", name="baseline", time="pre"),
               Wave("t1.csv", id="id", name="three months", time="post")),
        instruments=(InstrumentColumns("mbi_hss_mp", ("Q1",)),
                     InstrumentColumns("young_impostor_scale", ("I1",))))
    values.update(changes)
    return Study(**values)


def test_describe_study():
    assert describe_study(_study()).splitlines() == [
        "**A pilot** (`pilot`): randomized design.",
        "- groups: intervention = 'App', control = 'Usual care'",
        "- roster: `people.csv` (redcap)",
        "- wave `pre`: baseline, `t0.csv` (qualtrics)",
        "- wave `post`: three months, `t1.csv` (csv)",
        "- instruments: `mbi_hss_mp`, `young_impostor_scale`"]


def test_describe_a_synthetic_study_with_evaluations():
    study = _study(synthetic=True, design="single_group", groups={},
                   roster=Roster("people.csv", id="id"),
                   evaluations=(Evaluation("e.csv", id="id", name="students"),
                                Evaluation("m.csv", id="id", name="mentors")),
                   qualitative=Qualitative("themes.csv", "codes.csv"))
    lines = describe_study(study).splitlines()
    assert lines[0] == ("**A pilot** (`pilot`): single group design — a **synthetic replica**, "
                        "not participant data.")
    assert not any(line.startswith("- groups") for line in lines)
    assert lines[-2:] == ["- evaluation surveys: `students`, `mentors`",
                          "- coded free text: `codes.csv`"]
