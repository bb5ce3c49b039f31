"""The stage table and the Make rules generated from it."""

from __future__ import annotations

import pytest

from burnout.paths import ROOT
from burnout.stages import STAGES, stage_order


def test_every_declared_module_and_notebook_is_named_consistently():
    for stage in STAGES.values():
        assert stage.notebook.split("_", 1)[1] == stage.name
        for upstream in stage.after:
            assert list(STAGES).index(upstream) < list(STAGES).index(stage.name)


def test_stage_order_follows_declaration_not_listing():
    assert [s.name for s in stage_order(["score", "clean"])] == ["clean", "score"]


def test_missing_upstream_stage_is_an_error():
    with pytest.raises(ValueError, match="stage 'score' needs stage"):
        stage_order(["score"])


def test_unknown_stage_is_an_error():
    with pytest.raises(KeyError, match="unknown stage"):
        stage_order(["clean", "sculpt"])


def test_generated_rules_chain_stages(tiny_project):
    root, run = tiny_project
    result = run("makefile", "tiny")
    assert result.returncode == 0, result.stderr
    rules = (root / ".build" / "tiny.mk").read_text()
    assert "reports/tiny/01_clean.ipynb: notebooks/01_clean.ipynb .build/tiny/clean.params" in rules
    assert "$(wildcard data/raw/tiny/*)" in rules
    assert "\t$(RUN) run tiny clean" in rules
    stamp = root / ".build" / "tiny" / "clean.params"
    before = stamp.stat().st_mtime_ns
    assert run("makefile", "tiny").returncode == 0
    assert stamp.stat().st_mtime_ns == before, "an unchanged stamp must not be rewritten"
    assert '"multiplier": 3' in stamp.read_text()


def test_modules_named_by_stages_exist():
    missing = [
        module
        for stage in STAGES.values()
        for module in stage.modules
        if "*" not in module and not (ROOT / "src" / "burnout" / f"{module}.py").is_file()
    ]
    assert not missing, f"stage table names modules that do not exist: {missing}"
