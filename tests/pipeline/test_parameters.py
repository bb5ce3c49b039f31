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
    outcome_roles,
    replica_dropout,
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


SCORES = ["ee", "dp", "pa", "self_compassion"]


def test_outcome_roles_put_every_undeclared_score_in_secondary():
    roles = outcome_roles({"outcomes": {"primary": ["pa", "ee"]}}, SCORES)
    assert roles.primary == ("ee", "pa")  # the study's score order, not the file's
    assert roles.secondary == ("dp", "self_compassion")
    assert roles.declared and roles.role("dp") == "secondary"


def test_without_declared_roles_every_score_is_primary():
    roles = outcome_roles({}, SCORES)
    assert roles.primary == tuple(SCORES) and roles.secondary == () and not roles.declared


@pytest.mark.parametrize(("declared", "message"), [
    ({"primary": ["ee"], "tertiary": ["dp"]}, "'outcomes.tertiary' is not a role"),
    ({"primary": ["e"]}, "lists 'e', which is not a score"),
    ({"primary": ["ee"], "secondary": ["ee"]}, "'ee' as both primary and secondary"),
    ({"secondary": ["ee"]}, "must name at least one score"),
    ({"primary": "ee"}, "must be a list of score names"),
    (["ee"], "must map primary/secondary"),
])
def test_bad_outcome_roles_are_named(declared, message):
    with pytest.raises(DataError, match=message):
        outcome_roles({"outcomes": declared}, SCORES, "params/pilot.yaml")


def test_committed_studies_declare_their_outcome_roles():
    from burnout.data.registry import score_names
    from burnout.data.study import load_study

    for study in ("mentorship", "coaching"):
        scores = score_names(load_study(study).instrument_names)
        roles = outcome_roles(load_parameters(study), scores)
        assert roles.declared and roles.primary == ("ee", "dp", "pa")


def test_replica_dropout_defaults_and_the_committed_mechanism():
    assert replica_dropout({}) == {"mechanism": "mcar", "baseline": 0.0, "site": 0.0,
                                   "delta": 0.0}
    assert replica_dropout(load_parameters("coaching"))["mechanism"] == "mar"
    settings = replica_dropout({"replica": {"dropout": {"mechanism": "mnar", "baseline": 1,
                                                         "delta": -0.5}}})
    assert settings == {"mechanism": "mnar", "baseline": 1.0, "site": 0.0, "delta": -0.5}


@pytest.mark.parametrize(("text", "message"), [
    ("replica: {dropuot: {}}", r"key 'replica' must be a mapping with the key 'dropout'.*"
                               r"did you mean 'dropout'"),
    ("replica: {dropout: [mar]}", r"key 'replica.dropout' must be a mapping"),
    ("replica: {dropout: {mechanism: mar, basline: 1}}", r"'replica.dropout.basline'.*"
                                                         r"did you mean 'baseline'"),
    ("replica: {dropout: {mechanism: nmar}}", r"'replica.dropout.mechanism' is 'nmar'; "
                                              r"rule: one of mcar, mar, mnar"),
    ("replica: {dropout: {mechanism: mar, site: high}}", r"'replica.dropout.site' is 'high'"),
    ("replica: {dropout: {mechanism: mar, delta: 1}}", r"delta belongs to mnar"),
    ("replica: {dropout: {baseline: 1}}", r"mcar depends on nothing"),
])
def test_bad_replica_settings_name_the_key(tmp_path, text, message):
    with pytest.raises(DataError, match=rf"demo.yaml: (key )?.*{message}"):
        load_parameters("demo", _write(tmp_path, text))
