"""Tests of burnout.pipeline.parameters: optional overrides, checked key by key, over the
design's defaults."""

from __future__ import annotations

import pytest

from burnout.core.errors import DataError
from burnout.data.study import list_studies
from burnout.designs import get_design
from burnout.pipeline.parameters import (
    SETTINGS,
    load_parameters,
    stage_parameters,
    stages_run_by,
)
from burnout.pipeline.stages import STAGES


def _write(tmp_path, text):
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_committed_parameter_files_load():
    studies = list_studies()
    assert {"mentorship", "coaching"} <= set(studies)
    for study in studies:
        params = load_parameters(study)
        assert set(params) <= {*SETTINGS, *STAGES}, study


def test_a_study_needs_no_parameter_file(tmp_path):
    assert load_parameters("nothing", tmp_path) == {}
    (tmp_path / "empty.yaml").write_text("# nothing to override\n", encoding="utf-8")
    assert load_parameters("empty", tmp_path) == {}


def test_stage_parameters_are_study_then_design_defaults_then_overrides():
    randomized = get_design("randomized")
    assert stage_parameters("pilot", "clean", randomized, {}) == {"study": "pilot"}
    assert stage_parameters("pilot", "tables", randomized, {"tables": {"x": 1}}) == {
        "study": "pilot", "p_decimals": 3, "x": 1}
    overridden = stage_parameters("pilot", "tables", randomized, {"tables": {"p_decimals": 2}})
    assert overridden == {"study": "pilot", "p_decimals": 2}
    assert stage_parameters("pilot", "tables", get_design("single_group"), {"tables": None}) == {
        "study": "pilot", "p_decimals": 2}


def test_stage_parameters_of_a_loaded_file(tmp_path):
    params = load_parameters("demo", _write(tmp_path, "stages: [clean]\nclean: {a: 1}\n"))
    assert stage_parameters("demo", "clean", get_design("nonrandomized"), params) == {
        "study": "demo", "a": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("study: demo\n", "key 'study' is neither a setting"),
        ("adjustd: {covariates: []}\n", "did you mean 'adjusted'?"),
        ("stages: []\n", "key 'stages' must be a non-empty list"),
        ("stages: clean\n", "key 'stages' must be a non-empty list"),
        ("stages: [clean, sculpt]\n", "key 'stages' lists 'sculpt', which is not a stage"),
        ("stages: [clean, scor]\n", "did you mean 'score'?"),
        ("clean: [1]\n", "key 'clean' must be a mapping"),
        ("aliases: [a, b]\n", "key 'aliases' must map old numbers keys"),
        ("aliases: {n.old: 3}\n", "key 'aliases' must map old numbers keys"),
        ("- a\n", "expected a mapping"),
        ("clean: {a: [1\n", "not valid YAML"),
    ],
)
def test_bad_parameter_files_are_named(tmp_path, text, message):
    with pytest.raises(DataError) as error:
        load_parameters("demo", _write(tmp_path, text))
    assert "demo.yaml" in str(error.value) and message in str(error.value)


def test_the_stages_a_study_runs():
    mentorship = stages_run_by("mentorship")  # evaluation surveys and coded free text
    assert mentorship == list(STAGES)
    coaching = stages_run_by("coaching")  # neither
    assert "survey" not in coaching and "qualitative" not in coaching
    assert coaching[0] == "clean" and coaching[-1] == "manuscript"
