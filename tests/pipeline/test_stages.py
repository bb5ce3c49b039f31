"""Tests of burnout.pipeline.stages: stages declare what they read and write (catalog entries),
and which stages a study runs, their order and their dependencies are derived from that."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from burnout.core.catalog import CATALOG
from burnout.core.errors import DataError
from burnout.core.paths import NOTEBOOKS_DIR
from burnout.pipeline.makefile import HUMAN_INPUTS
from burnout.pipeline.stages import STAGES, patterns, stage_order, study_stages, upstream

EVERY_STAGE = list(STAGES)
# What a study without evaluation surveys or coded free text runs.
PLAIN = ["clean", "score", "describe", "unadjusted", "adjusted", "sensitivity", "figures",
         "tables", "manuscript"]


def _study(evaluations=(), qualitative=None):
    return SimpleNamespace(evaluations=evaluations, qualitative=qualitative)


def test_every_stage_names_its_notebook_consistently():
    # <number><optional letter>_<stage>: a stage inserted later gets a letter (05b_sensitivity
    # after 05_adjusted), so the notebooks sort in the order the stages run.
    notebooks = [stage.notebook for stage in STAGES.values()]
    for stage in STAGES.values():
        assert re.fullmatch(rf"\d\d[a-z]?_{stage.name}", stage.notebook), stage.notebook
        assert (NOTEBOOKS_DIR / f"{stage.notebook}.ipynb").is_file(), stage.notebook
    assert notebooks == sorted(notebooks) and len(set(notebooks)) == len(notebooks)


def test_every_declaration_is_a_catalog_entry():
    for stage in STAGES.values():
        for declaration in (*stage.reads, *stage.writes):
            key = declaration.lstrip("?").split(":")[0]
            assert key in CATALOG, (stage.name, declaration)
        assert "study_file" in stage.reads and "params" in stage.reads
    with pytest.raises(KeyError, match="no catalog entry 'figur'"):
        patterns(["figur:flow.*"], "pilot")


def test_patterns_are_root_relative_globs():
    assert patterns(["analysis", "figure:flow.*", "?table1", "unadjusted:*"], "pilot") == [
        "data/processed/pilot/analysis.csv", "figures/pilot/flow.*",
        "data/processed/pilot/table1.csv", "data/processed/pilot/unadjusted_*.csv"]


def test_every_input_is_written_by_an_earlier_stage_or_by_people():
    for stage in STAGES.values():
        before = EVERY_STAGE[:EVERY_STAGE.index(stage.name)]
        for read in stage.reads:
            key, _, name = read.lstrip("?").partition(":")
            if key in (*HUMAN_INPUTS, "params"):
                continue
            writers = [other for other in before
                       if any(written.partition(":")[0] == key for written in
                              STAGES[other].writes)]
            assert writers, f"stage {stage.name} reads {read}, which no earlier stage writes"


def test_which_stages_a_study_runs_follows_from_its_data():
    assert [stage.name for stage in study_stages(_study())] == PLAIN
    with_surveys = study_stages(_study(evaluations=("students",)))
    assert [stage.name for stage in with_surveys] == PLAIN[:6] + ["survey"] + PLAIN[6:]
    everything = study_stages(_study(evaluations=("students",), qualitative=object()))
    assert [stage.name for stage in everything] == EVERY_STAGE


def test_the_parameter_file_may_switch_stages_off_but_never_on():
    chosen = study_stages(_study(), ["score", "clean", "survey"])
    assert [stage.name for stage in chosen] == ["clean", "score"]  # no surveys: no survey stage
    with pytest.raises(DataError, match=r"unknown stage\(s\) \['sculpt'\]"):
        study_stages(_study(), ["clean", "sculpt"])


def test_stage_order_follows_declaration_not_listing():
    assert [s.name for s in stage_order(["score", "clean"])] == ["clean", "score"]


def test_missing_upstream_stage_is_an_error():
    with pytest.raises(DataError, match=r"stage 'score' reads what stage\(s\) \['clean'\] "
                                        "write"):
        stage_order(["score"])
    # a family or an optional read does not need its writer: tables runs without describe
    assert [s.name for s in stage_order(["clean", "score", "unadjusted", "adjusted",
                                         "tables"])][-1] == "tables"


def test_unknown_stage_is_an_error():
    with pytest.raises(DataError, match="unknown stage"):
        stage_order(["clean", "sculpt"])


def test_upstream_stages_are_those_writing_what_a_stage_reads():
    active = study_stages(_study())
    names = {stage.name: [other.name for other in upstream(stage, active)]
             for stage in active}
    assert names["clean"] == []
    assert names["score"] == ["clean"]
    assert names["describe"] == ["score"]
    assert names["tables"] == ["clean", "score", "describe", "unadjusted", "adjusted"]
    assert names["figures"] == ["clean", "score", "unadjusted", "adjusted", "sensitivity"]
    assert names["sensitivity"] == ["score", "adjusted"]
    # the stages that record numbers, and those whose tables and figure captions go into
    # results.docx
    assert names["manuscript"] == PLAIN[:8]
    # a stage the study does not run is no one's upstream
    surveyed = study_stages(_study(evaluations=("students",)))
    assert "survey" in [other.name for other in upstream(STAGES["tables"], surveyed)]
    assert "survey" not in names["tables"]
