"""Tests of burnout.data.codebook: the codebook derived from the study file and the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.data.codebook import build_codebook, render_codebook
from burnout.data.study import load_study

STUDY = """\
study: pilot_study
title: A pilot
design: nonrandomized
roster: {file: roster.csv, id: id, group: arm, site: hospital, identifiers: [name, email],
         covariates: {age: age, gender: sex}, withdrawn: {status: [Withdrawn, Left]},
         sessions: attended}
groups: {intervention: Coaching, control: Waitlist}
waves:
  - {name: before, file: t0.csv, id: id}
  - {name: after, file: t1.csv, id: id, identifiers: [ip]}
instruments:
  self_compassion_scale_sf: {columns: "S{item}", responses: {"Always": 5, "Skip": null}}
  young_impostor_scale: {columns: [i1, i2, i3, i4, i5, i6, i7, i8]}
evaluations:
  coached:
    file: evaluation.csv
    id: id
    response_id: rid
    items: {helpful: "The coaching | helped"}
    responses: {"N/A": null}
    numeric: [hours]
    free_text: [comments]
"""


def study_of(tmp_path: Path, text: str = STUDY, synthetic: bool = False):
    folder = tmp_path / "pilot_study"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("roster.csv", "t0.csv", "t1.csv", "evaluation.csv", "both.csv"):
        (folder / name).write_text("id\n", encoding="utf-8")
    (folder / "study.yaml").write_text(text + ("synthetic: true\n" if synthetic else ""),
                                       encoding="utf-8")
    return load_study("pilot_study", tmp_path)


def fields_of(resource: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in resource["schema"]["fields"]}


def test_roster_labels_of_the_study_file_name_covariates_and_levels(tmp_path):
    text = STUDY.replace("covariates:", "labels: {gender: {label: Sex at birth, levels: "
                                        "{f: Female, m: Male}}, site: Hospital}, covariates:")
    roster = fields_of(build_codebook(study_of(tmp_path, text))["resources"][0])
    assert roster["sex"]["analysisName"] == "gender"
    assert roster["sex"]["label"] == "Sex at birth"
    assert roster["sex"]["valueLabels"] == {"f": "Female", "m": "Male"}
    assert roster["hospital"]["label"] == "Hospital"
    assert "label" not in roster["age"]


@pytest.mark.parametrize(("labels", "problem"), [
    ("{weight: Weight}", "names no covariate"),
    ("{gender: {label: Sex, levels: {1: yes}}}", "quote them"),
    ("{gender: {title: Sex}}", "is not a key of the study file"),
])
def test_bad_roster_labels_are_named(tmp_path, labels, problem):
    text = STUDY.replace("covariates:", f"labels: {labels}, covariates:")
    with pytest.raises(DataError, match=problem):
        study_of(tmp_path, text)


def test_one_resource_per_raw_file(tmp_path):
    package = build_codebook(study_of(tmp_path))
    assert package["profile"] == "tabular-data-package" and package["name"] == "pilot-study"
    assert package["title"] == "A pilot"
    assert package["description"] == (
        "Raw files of the nonrandomized study 'pilot_study', described by "
        "data/raw/pilot_study/study.yaml and the instrument registry (generated; do not edit).")
    assert [(resource["name"], resource["path"], resource["title"])
            for resource in package["resources"]] == [
        ("roster", "roster.csv", "roster"), ("t0", "t0.csv", "wave 'before' (pre)"),
        ("t1", "t1.csv", "wave 'after' (post)"),
        ("evaluation", "evaluation.csv", "evaluation survey 'coached'")]
    for resource in package["resources"]:
        assert resource["format"] == "csv" and resource["encoding"] == "utf-8"
        assert resource["x-survey-tool"] == "csv"
        assert resource["schema"]["missingValues"] == [""]
    json.dumps(package)  # written as datapackage.json


def test_roster_fields_and_identifiers_flagged(tmp_path):
    roster = fields_of(build_codebook(study_of(tmp_path))["resources"][0])
    assert list(roster) == ["id", "arm", "hospital", "age", "sex", "status", "attended", "name",
                            "email"]
    assert {key: roster["id"][key] for key in ("name", "type", "title", "constraints")} == {
        "name": "id", "type": "string", "title": "participant id",
        "constraints": {"required": True}}
    assert "pseudonyms" in roster["id"]["description"]
    assert roster["arm"]["constraints"] == {"required": True, "enum": ["Coaching", "Waitlist"]}
    assert roster["arm"]["description"] == (
        "labels matched case- and whitespace-insensitively: 'Coaching' = intervention, "
        "'Waitlist' = control")
    assert roster["hospital"]["title"] == "site"
    assert roster["age"] == {"name": "age", "type": "string", "title": "covariate 'age'",
                             "analysisName": "age"}
    assert roster["status"]["description"] == "values marking a withdrawal: Withdrawn, Left"
    assert roster["attended"] == {"name": "attended", "type": "integer",
                                  "title": "sessions attended", "constraints": {"minimum": 0}}
    for column in ("name", "email"):
        assert roster[column]["identifier"] is True
        assert roster[column]["description"] == "dropped at import; never leaves data/raw"
    assert not any(entry.get("identifier") for name, entry in roster.items()
                   if name not in ("name", "email"))


def test_covariate_types_and_levels_from_the_cleaned_participants(tmp_path):
    participants = pd.DataFrame({"age": pd.array([30, None], dtype="Int64"),
                                 "gender": ["male", "female"]})
    roster = fields_of(build_codebook(study_of(tmp_path), participants=participants)
                       ["resources"][0])
    assert roster["age"] == {"name": "age", "type": "number", "title": "covariate 'age'",
                             "analysisName": "age"}
    assert roster["sex"]["type"] == "string"
    assert roster["sex"]["constraints"] == {"enum": ["female", "male"]}


def test_item_fields_value_labels_and_reverse_scoring(tmp_path):
    package = build_codebook(study_of(tmp_path))
    wave = fields_of(package["resources"][1])
    assert list(wave) == ["id", *[f"S{n}" for n in range(1, 13)],
                          *[f"i{n}" for n in range(1, 9)]]
    first = wave["S1"]
    assert first["type"] == "integer" and first["constraints"] == {"minimum": 1, "maximum": 5}
    assert first["title"].endswith(", item 1")
    assert first["valueLabels"] == {"1": "almost never", "3": "sometimes",
                                    "5": "almost always", "Always": "almost always (5)",
                                    "Skip": "missing"}
    assert first["description"] == "reverse-scored; answers may be exported as values or as " \
                                   "labels"
    assert wave["S2"]["description"] == "answers may be exported as values or as labels"
    assert wave["i8"]["valueLabels"] == {"0": "no", "1": "yes"}
    assert wave["i8"]["constraints"] == {"minimum": 0, "maximum": 1}
    after = fields_of(package["resources"][2])
    assert after["ip"]["identifier"] is True  # a wave's own identifiers


def test_numbers_remapped_by_the_study_keep_their_meaning(tmp_path):
    text = STUDY.replace('{"Always": 5, "Skip": null}', '{"2": 1, "6": 5}')
    wave = fields_of(build_codebook(study_of(tmp_path, text))["resources"][1])
    assert wave["S1"]["valueLabels"] == {"1": "almost never", "3": "sometimes",
                                         "5": "almost always", "2": "almost never (1)",
                                         "6": "almost always (5)"}


def test_evaluation_fields(tmp_path):
    evaluation = fields_of(build_codebook(study_of(tmp_path))["resources"][3])
    assert list(evaluation) == ["id", "rid", "helpful", "hours", "comments"]
    assert evaluation["id"]["title"] == "respondent id"
    assert evaluation["rid"]["title"] == "response id"
    assert evaluation["helpful"]["constraints"] == {"minimum": 1, "maximum": 5}
    assert evaluation["helpful"]["valueLabels"] == {
        "1": "strongly disagree", "2": "disagree", "3": "neither agree nor disagree",
        "4": "agree", "5": "strongly agree", "N/A": "missing"}
    assert evaluation["hours"] == {"name": "hours", "type": "number",
                                   "title": "numeric answer 'hours'"}
    assert evaluation["comments"]["freeText"] is True
    assert evaluation["comments"]["description"] == (
        "scrubbed of e-mail addresses, phone numbers and names")


def test_unused_columns_are_listed(tmp_path):
    columns = {"roster.csv": ["id", "arm", "hospital", "age", "sex", "status", "attended",
                              "name", "email", "notes", "phone"],
               "t0.csv": ["id", *[f"S{n}" for n in range(1, 13)],
                          *[f"i{n}" for n in range(1, 9)], "Q99"],
               "t1.csv": ["id", "ip"]}
    package = build_codebook(study_of(tmp_path), columns=columns)
    roster, before, after, evaluation = package["resources"]
    assert roster["x-unused-columns"] == ["notes", "phone"]  # identifiers are not "unused"
    assert before["x-unused-columns"] == ["Q99"]
    assert "x-unused-columns" not in after and "x-unused-columns" not in evaluation


def test_a_file_holding_both_waves_is_one_resource(tmp_path):
    text = STUDY.replace("file: t0.csv, id: id}", 'file: both.csv, id: id, '
                         'columns: {young_impostor_scale: "pre{item}"}}')
    text = text.replace("file: t1.csv, id: id, identifiers: [ip]}",
                        'file: both.csv, id: id, columns: {young_impostor_scale: "post{item}"}}')
    header = ["id", *[f"S{n}" for n in range(1, 13)], *[f"pre{n}" for n in range(1, 9)],
              *[f"post{n}" for n in range(1, 9)], "extra"]
    package = build_codebook(study_of(tmp_path, text), columns={"both.csv": header})
    paths = [resource["path"] for resource in package["resources"]]
    assert paths == ["roster.csv", "both.csv", "evaluation.csv"]
    both = package["resources"][1]
    assert both["title"] == "wave 'before' (pre); wave 'after' (post)"
    assert [entry["name"] for entry in both["schema"]["fields"]] == header[:-1]
    assert both["x-unused-columns"] == ["extra"]


def test_redcap_events_and_a_synthetic_title(tmp_path):
    text = STUDY.replace("roster: {file: roster.csv, id: id,",
                         "roster: {file: roster.csv, format: redcap, event: [enrol_arm_1, "
                         "enrol_arm_2], id: id,")
    package = build_codebook(study_of(tmp_path, text, synthetic=True))
    assert package["title"] == "A pilot (SYNTHETIC REPLICA)"
    roster = package["resources"][0]
    assert roster["x-survey-tool"] == "redcap"
    assert roster["x-redcap-events"] == ["enrol_arm_1", "enrol_arm_2"]
    markdown = render_codebook(package)
    assert "REDCap events: enrol_arm_1, enrol_arm_2." in markdown
    assert markdown.startswith("# Codebook: A pilot (SYNTHETIC REPLICA)\n")


def test_rendered_markdown(tmp_path):
    columns = {"roster.csv": ["id", "arm", "notes"]}
    markdown = render_codebook(build_codebook(study_of(tmp_path), columns=columns))
    lines = markdown.splitlines()
    assert lines[:3] == ["# Codebook: A pilot", "", "<!-- Generated from the study file and the "
                         "instrument registry (burnout.data.codebook): edit the study file, not "
                         "this file. -->"]
    assert "## `roster.csv` — roster" in lines and "## `t1.csv` — wave 'after' (post)" in lines
    assert "Columns not used by the analysis: `notes`." in lines
    assert lines.count("| column | type | allowed values | meaning |") == 4
    assert "| `id` | string | | participant id |" in lines
    assert ("| `arm` | string | Coaching, Waitlist | group (labels matched case- and "
            "whitespace-insensitively: 'Coaching' = intervention, 'Waitlist' = control) |"
            in lines)
    assert "| `attended` | integer | 0- | sessions attended |" in lines
    assert ("| `i1` | integer | 0-1; 0 = no; 1 = yes | Young Impostor Scale" in markdown)
    assert ("| `S1` | integer | 1-5; 1 = almost never; 3 = sometimes; 5 = almost always; "
            "Always = almost always (5); Skip = missing |" in markdown)
    # a pipe in a wording is escaped, so the table keeps its columns
    assert "| The coaching \\| helped |" in markdown
    assert ("| `email` | string | | direct identifier (dropped at import; never leaves "
            "data/raw) |" in lines)
    assert markdown.endswith("|\n") and not markdown.endswith("\n\n")
