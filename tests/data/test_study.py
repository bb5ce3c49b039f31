"""Tests of burnout.data.study and study_sections: every rule of the study file ``study.yaml``."""

from __future__ import annotations

from pathlib import Path

import pytest

from burnout.core.errors import DataError
from burnout.data.study import (
    STUDY_FILE,
    Source,
    StudyFileError,
    list_studies,
    load_study,
)

# The files every study below may name (contents do not matter to the study file's checks).
FILES = ("roster.csv", "t0.csv", "t1.csv", "t2.csv", "eval.csv", "mentors.csv", "themes.csv",
         "codes.csv")
ROSTER = "roster: {file: roster.csv, id: id, group: arm}"
GROUPS = "groups: {intervention: Coaching, control: Waitlist}"
WAVES = """\
waves:
  - {name: before, file: t0.csv, id: id}
  - {name: after, file: t1.csv, id: id}"""
MBI = 'instruments: {mbi_hss_mp: {columns: "Q{item}"}}'


def study_text(*sections: str, design: str = "nonrandomized", name: str = "pilot") -> str:
    return "\n".join([f"study: {name}", "title: A pilot", f"design: {design}", *sections]) + "\n"


def write(tmp_path: Path, text: str, name: str = "pilot", files=FILES) -> Path:
    """A folder ``<tmp_path>/<name>`` holding ``study.yaml`` and empty stand-ins of ``files``."""
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        (folder / file).write_text("id\n", encoding="utf-8")
    (folder / STUDY_FILE).write_text(text, encoding="utf-8")
    return tmp_path


def problems_of(tmp_path: Path, text: str, **options) -> list[str]:
    raw = write(tmp_path, text, **options)
    with pytest.raises(StudyFileError) as raised:
        load_study("pilot", raw)
    assert str(raised.value).startswith(f"{raw / 'pilot' / STUDY_FILE}: "
                                        f"{len(raised.value.problems)} problem(s)")
    return raised.value.problems


def only_problem(tmp_path: Path, text: str, **options) -> str:
    problems = problems_of(tmp_path, text, **options)
    assert len(problems) == 1, problems
    return problems[0]


# --- valid files -------------------------------------------------------------------------------

def test_a_minimal_nonrandomized_study(tmp_path):
    study = load_study("pilot", write(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI)))
    assert (study.study, study.title, study.design, study.synthetic) == (
        "pilot", "A pilot", "nonrandomized", False)
    assert study.has_groups and study.roster.group == "arm"
    assert study.groups == {"intervention": "Coaching", "control": "Waitlist"}
    assert [(wave.name, wave.time, wave.file) for wave in study.waves] == [
        ("before", "pre", "t0.csv"), ("after", "post", "t1.csv")]
    assert study.instrument_names == ["mbi_hss_mp"]
    assert study.instruments[0].columns == tuple(f"Q{item}" for item in range(1, 23))
    assert study.duplicates == "latest" and study.evaluations == () and study.qualitative is None
    assert study.folder == tmp_path / "pilot"
    assert study.files() == ["roster.csv", "t0.csv", "t1.csv"]


def test_a_minimal_randomized_study_with_every_roster_key(tmp_path):
    roster = ("roster: {file: roster.csv, id: id, group: arm, site: hospital, strata: hospital, "
              "identifiers: [name, email], covariates: {age: age_years}, "
              "withdrawn: {status: [Withdrawn, Left]}, sessions: attended}")
    text = study_text(roster, GROUPS, WAVES, MBI, "synthetic: true", "duplicates: first",
                      design="randomized")
    study = load_study("pilot", write(tmp_path, text))
    roster = study.roster
    assert study.design == "randomized" and study.synthetic and study.duplicates == "first"
    assert (roster.site, roster.strata, roster.identifiers) == ("hospital", ("hospital",),
                                                                ("name", "email"))
    assert roster.covariates == {"age": "age_years"}
    assert roster.withdrawn == {"status": ("Withdrawn", "Left")}
    assert (roster.sessions, roster.format, roster.id) == ("attended", "csv", "id")


def test_a_minimal_single_group_study_with_three_waves(tmp_path):
    waves = WAVES.replace("after, file: t1.csv", "middle, file: t1.csv") + \
        "\n  - {name: after, file: t2.csv, id: id}"
    study = load_study("pilot", write(tmp_path, study_text(
        "roster: {file: roster.csv, id: id}", waves, MBI, design="single_group")))
    assert not study.has_groups and study.groups == {} and study.roster.group is None
    assert [wave.time for wave in study.waves] == ["pre", "wave_2", "post"]
    assert study.wave("wave_2").name == "middle"
    with pytest.raises(KeyError, match="pilot: no wave with time code 'wave_3'"):
        study.wave("wave_3")


def test_columns_as_a_padded_pattern_or_a_list(tmp_path):
    instruments = ('instruments:\n  mbi_hss_mp: {columns: "mbi_{item:02d}", '
                   'responses: {"Everyday": 6, "Prefer not to say": null}}\n'
                   "  young_impostor_scale: {columns: [a, b, c, d, e, f, g, h]}")
    study = load_study("pilot", write(tmp_path, study_text(ROSTER, GROUPS, WAVES, instruments)))
    mbi, impostor = study.instruments
    assert mbi.columns[:2] == ("mbi_01", "mbi_02") and mbi.columns[-1] == "mbi_22"
    assert mbi.responses == {"Everyday": 6, "Prefer not to say": None}
    assert impostor.columns == tuple("abcdefgh")
    assert study.instrument_names == ["mbi_hss_mp", "young_impostor_scale"]


def test_a_wave_overrides_an_instruments_columns(tmp_path):
    waves = """\
waves:
  - {name: before, file: t0.csv, id: id}
  - {name: after, file: t0.csv, id: id, columns: {mbi_hss_mp: "post_Q{item}"}}"""
    study = load_study("pilot", write(tmp_path, study_text(ROSTER, GROUPS, waves, MBI)))
    before, after = study.waves
    assert before.columns == {} and after.columns["mbi_hss_mp"][:2] == ("post_Q1", "post_Q2")
    assert study.item_columns(before, "mbi_hss_mp")[0] == "Q1"
    assert study.item_columns(after, "mbi_hss_mp")[-1] == "post_Q22"
    assert study.files() == ["roster.csv", "t0.csv"]  # one file named twice is listed once


def test_evaluations_and_qualitative_sections(tmp_path):
    sections = """\
evaluations:
  students:
    file: eval.csv
    id: student_id
    eligible: {group: intervention, analysed: true}
    items: {helpful: The program was helpful}
    numeric: [hours]
    free_text: comments
    response_id: rid
  mentors:
    file: eval.csv
    id: mentor_id
    respondents: {file: mentors.csv, id: mentor_id, identifiers: [name]}
    scale: agreement_4
    responses: {"N/A": null}
    items: {enjoyed: I enjoyed it}
qualitative:
  codebook: themes.csv
  codes: codes.csv
  sources: {student: students, mentor: mentors}"""
    study = load_study("pilot", write(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI,
                                                             sections)))
    students, mentors = study.evaluations
    assert (students.name, students.id, students.respondents) == ("students", "student_id", None)
    assert students.eligible == {"group": "intervention", "analysed": True}
    assert students.items == {"helpful": "The program was helpful"}
    assert (students.numeric, students.free_text, students.response_id) == (
        ("hours",), ("comments",), "rid")
    assert students.scale is None  # the default scale (agreement_5) is applied when cleaning
    assert mentors.respondents == Source(file="mentors.csv", id="mentor_id",
                                         identifiers=("name",))
    assert (mentors.scale, mentors.responses) == ("agreement_4", {"N/A": None})
    assert study.qualitative.sources == {"student": "students", "mentor": "mentors"}
    assert (study.qualitative.codebook, study.qualitative.codes) == ("themes.csv", "codes.csv")
    assert study.files() == ["roster.csv", "t0.csv", "t1.csv", "eval.csv", "mentors.csv",
                             "themes.csv", "codes.csv"]


def test_a_utf8_bom_study_file_is_read(tmp_path):
    raw = write(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI))
    path = raw / "pilot" / STUDY_FILE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_study("pilot", raw).design == "nonrandomized"


# --- keys ------------------------------------------------------------------------------------

def test_an_unknown_key_names_it_and_suggests_the_closest(tmp_path):
    problems = problems_of(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI, "duplicate: first"))
    assert problems == [
        "key 'duplicate': is not a key of the study file; did you mean 'duplicates'? (allowed: "
        "study, title, design, synthetic, roster, groups, waves, instruments, duplicates, "
        "evaluations, qualitative, program, confounders)"]


def test_the_program_section_takes_known_keys_only(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES, MBI, "program: {format: group, setting: web}")
    raw = write(tmp_path, text)
    assert load_study("pilot", raw).program == {"format": "group", "setting": "web"}
    problems = problems_of(tmp_path / "typo", study_text(ROSTER, GROUPS, WAVES, MBI,
                                                         "program: {formats: group}"))
    assert problems[0].startswith("key 'program.formats': is not a key of the study file; "
                                  "did you mean 'format'?")


CONFOUNDERS = """\
confounders:
  - name: rotation block (time of year)
    why: the groups were formed by rotation period, so group and time of year coincide
  - {name: cohort}"""


def test_confounders_are_named_with_why(tmp_path):
    study = load_study("pilot", write(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI,
                                                           CONFOUNDERS)))
    assert [(item.name, item.why) for item in study.confounders] == [
        ("rotation block (time of year)",
         "the groups were formed by rotation period, so group and time of year coincide"),
        ("cohort", "")]
    assert load_study("pilot", write(tmp_path / "none", study_text(
        ROSTER, GROUPS, WAVES, MBI))).confounders == ()


def test_a_confounders_typo_names_the_file_the_key_and_the_closest_key(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES, MBI, CONFOUNDERS.replace("why:", "whys:"))
    raw = write(tmp_path, text)
    with pytest.raises(DataError) as raised:  # a StudyFileError is a DataError
        load_study("pilot", raw)
    message = str(raised.value)
    assert str(raw / "pilot" / STUDY_FILE) in message
    assert ("key 'confounders[0].whys': is not a key of the study file; did you mean 'why'? "
            "(allowed in 'confounders[0]': name, why)") in message
    assert only_problem(tmp_path / "nameless", study_text(
        ROSTER, GROUPS, WAVES, MBI, "confounders: [{why: season}]")) == \
        "key 'confounders[0].name': is required"
    assert only_problem(tmp_path / "text", study_text(
        ROSTER, GROUPS, WAVES, MBI, "confounders: rotation block")).startswith(
        "key 'confounders': must be a list of entries with a name and a why")


def test_an_unknown_nested_key_is_named_with_its_section(tmp_path):
    roster = "roster: {file: roster.csv, id: id, group: arm, covariate: {age: age}}"
    problem = only_problem(tmp_path, study_text(roster, GROUPS, WAVES, MBI))
    assert problem.startswith("key 'roster.covariate': is not a key of the study file; did you "
                              "mean 'covariates'? (allowed in 'roster': file, format, ")
    waves = WAVES.replace("id: id}", "id: id, fil: x}", 1)
    problem = only_problem(tmp_path / "b", study_text(ROSTER, GROUPS, waves, MBI))
    assert problem.startswith("key 'waves[0].fil': is not a key of the study file; did you mean "
                              "'file'?")


def test_an_unknown_key_far_from_every_known_one_gets_no_suggestion(tmp_path):
    problem = only_problem(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI, "zzz: 1"))
    assert problem.startswith("key 'zzz': is not a key of the study file (allowed: ")


def test_missing_required_keys(tmp_path):
    problems = problems_of(tmp_path, "study: pilot\n")
    assert problems == ["key 'design': is required", "key 'roster': is required",
                        "key 'waves': is required", "key 'instruments': is required"]
    roster = "roster: {format: csv}"
    problems = problems_of(tmp_path / "b", study_text(roster, WAVES, MBI, design="single_group"))
    assert problems == ["key 'roster.file': is required", "key 'roster.id': is required"]


def test_the_study_file_must_be_a_mapping_and_valid_yaml(tmp_path):
    assert only_problem(tmp_path, "- a list\n") == (
        "key '': must be a mapping (key: value lines), got ['a list']")
    problem = only_problem(tmp_path / "b", "study: [unclosed\n")
    assert problem.startswith("not valid YAML: ")


def test_the_study_name_design_duplicates_and_synthetic_are_checked(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES, MBI, "synthetic: maybe", "duplicates: last",
                      design="crossover", name="other")
    problems = problems_of(tmp_path, text)
    assert problems == [
        "key 'study': must equal the folder name 'pilot', got 'other'",
        "key 'design': must be one of randomized, nonrandomized, single_group, got 'crossover'",
        "key 'synthetic': must be true or false, got 'maybe'",
        "key 'duplicates': must be one of latest, first, got 'last'"]


# --- roster and groups -------------------------------------------------------------------------

@pytest.mark.parametrize("design", ["randomized", "nonrandomized"])
def test_roster_group_is_required_when_groups_are_compared(design, tmp_path):
    text = study_text("roster: {file: roster.csv, id: id}", GROUPS, WAVES, MBI, design=design)
    assert only_problem(tmp_path, text) == (
        f"key 'roster.group': is required for a {design} design (the column holding each "
        "participant's group)")


def test_roster_group_and_groups_are_forbidden_for_a_single_group(tmp_path):
    problems = problems_of(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI,
                                                design="single_group"))
    assert problems == [
        "key 'roster.group': must be left out for a single_group design (no groups)",
        "key 'groups': must be left out for a single_group design"]


def test_groups_labels(tmp_path):
    assert only_problem(tmp_path, study_text(ROSTER, WAVES, MBI)) == (
        "key 'groups': is required for a nonrandomized design (the labels of the intervention "
        "and control groups as the roster spells them, e.g. {intervention: Coaching, control: "
        "Waitlist})")
    same = "groups: {intervention: A, control: A}"
    assert only_problem(tmp_path / "b", study_text(ROSTER, same, WAVES, MBI)) == (
        "key 'groups': the intervention and control labels must differ")
    typo = "groups: {intervention: A, controls: B}"
    assert problems_of(tmp_path / "c", study_text(ROSTER, typo, WAVES, MBI)) == [
        "key 'groups.controls': is not a key of the study file; did you mean 'control'? "
        "(allowed in 'groups': intervention, control)",
        "key 'groups.control': is required"]


def test_roster_covariates_and_withdrawn_shapes(tmp_path):
    roster = ("roster: {file: roster.csv, id: id, group: arm, covariates: {Age: age}, "
              "withdrawn: [status]}")
    assert problems_of(tmp_path, study_text(roster, GROUPS, WAVES, MBI)) == [
        "key 'roster.covariates.Age': analysis names are lower-case identifiers",
        "key 'roster.withdrawn': must map a column to the values marking a withdrawal"]


# --- files and formats -------------------------------------------------------------------------

def test_a_file_that_does_not_exist_lists_the_files_present(tmp_path):
    waves = WAVES.replace("t1.csv", "t1_final.csv")
    problem = only_problem(tmp_path, study_text(ROSTER, GROUPS, waves, MBI),
                           files=("roster.csv", "t0.csv", "t1.csv"))
    folder = tmp_path / "pilot"
    assert problem == (f"key 'waves[1].file': names 't1_final.csv', which is not in {folder} "
                       f"(files there: roster.csv, study.yaml, t0.csv, t1.csv)")


def test_redcap_only_keys_on_other_formats(tmp_path):
    roster = ("roster: {file: roster.csv, id: id, group: arm, format: qualtrics, "
              "event: enrolment_arm_1, dictionary: roster.csv}")
    problems = problems_of(tmp_path, study_text(roster, GROUPS, WAVES, MBI))
    assert problems == [
        "key 'roster.event': applies to REDCap exports only (format is qualtrics)",
        "key 'roster.dictionary': applies to REDCap exports only (format is qualtrics)"]


def test_redcap_keys_are_accepted_and_events_listed(tmp_path):
    roster = ("roster: {file: roster.csv, id: id, group: arm, format: redcap, "
              "event: [enrolment_arm_1, enrolment_arm_2], dictionary: codes.csv}")
    study = load_study("pilot", write(tmp_path, study_text(roster, GROUPS, WAVES, MBI)))
    assert study.roster.event == ("enrolment_arm_1", "enrolment_arm_2")
    assert study.roster.dictionary == "codes.csv" and study.roster.format == "redcap"
    missing = roster.replace("codes.csv", "dictionary.csv")
    assert only_problem(tmp_path / "b", study_text(missing, GROUPS, WAVES, MBI)) == (
        f"key 'roster.dictionary': names 'dictionary.csv', which is not in {tmp_path / 'b'}"
        "/pilot")


def test_an_unknown_format(tmp_path):
    roster = "roster: {file: roster.csv, id: id, group: arm, format: spss}"
    assert only_problem(tmp_path, study_text(roster, GROUPS, WAVES, MBI)) == (
        "key 'roster.format': must be one of csv, qualtrics, redcap, got 'spss'")


# --- instruments and waves ---------------------------------------------------------------------

def test_an_instrument_not_in_the_registry_lists_the_known_ones(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES, 'instruments: {mbi: {columns: "Q{item}"}}')
    problem = only_problem(tmp_path, text)
    assert problem.startswith("key 'instruments.mbi': instrument 'mbi' is not in the registry")
    assert "known instruments: ['mbi_hss_mp', 'moral_injury_symptom_scale_hp'" in problem


def test_a_column_pattern_without_item(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES, 'instruments: {mbi_hss_mp: {columns: "Q{n}"}}')
    assert only_problem(tmp_path, text) == (
        "key 'instruments.mbi_hss_mp.columns': a pattern must contain {item} (e.g. 'Q{item}' "
        "or 'mbi_{item:02d}'), got 'Q{n}'")
    text = study_text(ROSTER, GROUPS, WAVES, "instruments: {mbi_hss_mp: {columns: 7}}")
    assert only_problem(tmp_path / "b", text) == (
        "key 'instruments.mbi_hss_mp.columns': must be a pattern with {item} or a list of "
        "column names, got 7")


def test_a_column_list_of_the_wrong_length(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES,
                      "instruments: {young_impostor_scale: {columns: [a, b, c]}}")
    assert only_problem(tmp_path, text) == (
        "key 'instruments.young_impostor_scale.columns': lists 3 columns but the instrument "
        "has 8 items (one column per item, in item order)")


def test_a_column_mapped_to_two_items(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES, 'instruments:\n  mbi_hss_mp: {columns: "Q{item}"}\n'
                      "  young_impostor_scale: {columns: [x, b, c, d, e, f, g, Q22]}")
    assert only_problem(tmp_path, text) == (
        "key 'instruments': column 'Q22' is mapped to more than one item")
    text = study_text(ROSTER, GROUPS, WAVES,
                      "instruments: {young_impostor_scale: {columns: [a, a, c, d, e, f, g, h]}}")
    assert problems_of(tmp_path / "b", text) == [
        "key 'instruments.young_impostor_scale.columns': lists a column more than once",
        "key 'instruments': column 'a' is mapped to more than one item"]


def test_a_response_map_with_text_values(tmp_path):
    text = study_text(ROSTER, GROUPS, WAVES,
                      'instruments: {mbi_hss_mp: {columns: "Q{item}", responses: {Daily: six}}}')
    assert only_problem(tmp_path, text) == (
        "key 'instruments.mbi_hss_mp.responses.Daily': must be a number or null (missing), "
        "got 'six'")


def test_yes_and_no_read_as_true_false_by_yaml_must_be_quoted(tmp_path):
    roster = "roster: {file: roster.csv, id: id, group: arm, withdrawn: {left: [Yes]}}"
    instruments = ('instruments: {young_impostor_scale: {columns: "I{item}", '
                   'responses: {Yes: 1, "No": 0}}}')
    assert problems_of(tmp_path, study_text(roster, GROUPS, WAVES, instruments)) == [
        "key 'roster.withdrawn.left': [True]: YAML reads yes, no, true, false, on and off as "
        'true/false; put such a text in quotes, e.g. ["Yes"]',
        "key 'instruments.young_impostor_scale.responses.True': YAML reads yes, no, true, "
        "false, on, off and null as true/false/null; put the label in quotes, e.g. "
        '{"Yes": 1}']
    quoted = roster.replace("[Yes]", '["Yes"]')
    study = load_study("pilot", write(tmp_path / "b", study_text(
        quoted, GROUPS, WAVES, instruments.replace("{Yes: 1", '{"Yes": 1'))))
    assert study.roster.withdrawn == {"left": ("Yes",)}
    assert study.instruments[0].responses == {"Yes": 1, "No": 0}


def test_no_instruments(tmp_path):
    assert only_problem(tmp_path, study_text(ROSTER, GROUPS, WAVES, "instruments: {}")) == (
        "key 'instruments': must map at least one registry instrument to its columns, e.g. "
        "{mbi_hss_mp: {columns: 'Q{item}'}}")


def test_waves_need_two_and_distinct_names(tmp_path):
    one = "waves:\n  - {name: before, file: t0.csv, id: id}"
    assert only_problem(tmp_path, study_text(ROSTER, GROUPS, one, MBI)).startswith(
        "key 'waves': must list at least two waves in time order (the first is the baseline)")
    twice = WAVES.replace("name: after", "name: before")
    assert only_problem(tmp_path / "b", study_text(ROSTER, GROUPS, twice, MBI)) == (
        "key 'waves': wave name 'before' is used twice")


def test_a_wave_without_a_name_is_named_by_its_time(tmp_path):
    waves = "waves:\n  - {file: t0.csv, id: id}\n  - {file: t1.csv, id: id}"
    problems = problems_of(tmp_path, study_text(ROSTER, GROUPS, waves, MBI))
    assert problems == ["key 'waves[0].name': is required", "key 'waves[1].name': is required"]


def test_a_wave_override_must_name_an_instrument_of_the_study(tmp_path):
    waves = WAVES.replace("t1.csv, id: id}",
                          't1.csv, id: id, columns: {self_compassion_scale_sf: "S{item}"}}')
    assert only_problem(tmp_path, study_text(ROSTER, GROUPS, waves, MBI)) == (
        "key 'waves[1].columns.self_compassion_scale_sf': is not an instrument of the study "
        "file (instruments: mbi_hss_mp)")
    waves = WAVES.replace("t1.csv, id: id}", "t1.csv, id: id, columns: {mbi_hss_mp: [a, b]}}")
    assert only_problem(tmp_path / "b", study_text(ROSTER, GROUPS, waves, MBI)) == (
        "key 'waves[1].columns.mbi_hss_mp': lists 2 columns but the instrument has 22 items "
        "(one column per item, in item order)")
    waves = WAVES.replace("t1.csv, id: id}", "t1.csv, id: id, columns: [a]}")
    assert only_problem(tmp_path / "c", study_text(ROSTER, GROUPS, waves, MBI)) == (
        "key 'waves[1].columns': must map instrument names to their columns in this wave")


# --- evaluations and qualitative ---------------------------------------------------------------

def test_evaluation_rules(tmp_path):
    sections = """\
evaluations:
  Students:
    file: eval.csv
    id: sid
    eligible: {group: treated, cohort: 2}
    items: [helpful]
  mentors:
    file: eval.csv
    respondents: {file: mentor_list.csv}
    items: {x: y}"""
    problems = problems_of(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI, sections))
    folder = tmp_path / "pilot"
    files = ", ".join(sorted([*FILES, STUDY_FILE]))
    assert problems == [
        "key 'evaluations.Students': evaluation names are lower-case identifiers (used in file "
        "names)",
        "key 'evaluations.Students.items': must map item columns to their wording",
        "key 'evaluations.Students.eligible.cohort': is not a key of the study file (allowed in "
        "'evaluations.Students.eligible': group, analysed)",
        "key 'evaluations.Students.eligible.group': must be one of intervention, control",
        "key 'evaluations.mentors.id': is required",
        "key 'evaluations.mentors.respondents.id': is required",
        f"key 'evaluations.mentors.respondents.file': names 'mentor_list.csv', which is not in "
        f"{folder} (files there: {files})"]


def test_qualitative_sources_naming_an_unknown_evaluation(tmp_path):
    sections = """\
evaluations:
  students: {file: eval.csv, id: sid, items: {helpful: Helpful}}
qualitative:
  codebook: themes.csv
  codes: missing_codes.csv
  sources: {student: students, mentor: mentors}"""
    problems = problems_of(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI, sections))
    assert problems == [
        f"key 'qualitative.codes': names 'missing_codes.csv', which is not in {tmp_path}/pilot",
        "key 'qualitative.sources.mentor': names evaluation 'mentors', which is not under "
        "'evaluations' (students)"]
    no_evaluations = "qualitative: {codebook: themes.csv, codes: codes.csv, sources: {a: b}}"
    assert only_problem(tmp_path / "b", study_text(ROSTER, GROUPS, WAVES, MBI,
                                                   no_evaluations)) == (
        "key 'qualitative.sources.a': names evaluation 'b', which is not under 'evaluations' "
        "(none)")


def test_several_problems_are_listed_at_once(tmp_path):
    roster = "roster: {file: people.csv, id: id, grup: arm}"
    text = study_text(roster, GROUPS, WAVES.replace("name: after", "name: before"),
                      'instruments: {mbi_hss_mp: {columns: "Q"}, sas: {columns: "S{item}"}}',
                      design="randomized")
    problems = problems_of(tmp_path, text)
    assert len(problems) == 6
    assert [problem.split(":")[0] for problem in problems] == [
        "key 'roster.grup'", "key 'roster.group'", "key 'roster.file'",
        "key 'instruments.mbi_hss_mp.columns'", "key 'instruments.sas'", "key 'waves'"]
    raw = tmp_path
    with pytest.raises(StudyFileError) as raised:
        load_study("pilot", raw)
    message = str(raised.value)
    assert "6 problem(s) in the study file:" in message
    assert "did you mean 'group'?" in message and "wave name 'before' is used twice" in message


# --- finding studies ---------------------------------------------------------------------------

def test_list_studies_and_an_unknown_study(tmp_path):
    for name in ("zeta", "alpha"):
        write(tmp_path, study_text(ROSTER, GROUPS, WAVES, MBI, name=name), name=name)
    (tmp_path / "no_study_file").mkdir()
    (tmp_path / "notes.txt").write_text("not a study", encoding="utf-8")
    assert list_studies(tmp_path) == ["alpha", "zeta"]
    assert list_studies(tmp_path / "nowhere") == []
    with pytest.raises(DataError) as raised:
        load_study("beta", tmp_path)
    assert not isinstance(raised.value, StudyFileError)
    assert str(raised.value) == (f"no study 'beta': {tmp_path / 'beta' / STUDY_FILE} not found "
                                 "(studies: alpha, zeta)")
    with pytest.raises(DataError, match=r"\(studies: none\)"):
        load_study("beta", tmp_path / "nowhere")
