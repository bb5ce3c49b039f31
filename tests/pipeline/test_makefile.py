"""Tests of burnout.pipeline.makefile: Make rules derived from the stage declarations."""

from __future__ import annotations

import re
import shutil


def _rule(rules: str, target: str) -> list[str]:
    """The prerequisites of ``target`` (a ``$(wildcard ...)`` counts as one)."""
    line = next(line for line in rules.splitlines() if line.startswith(f"{target}: "))
    return re.findall(r"\$\([^)]*\)|\S+", line.split(": ", 1)[1])


def test_generated_rules_chain_stages(tiny_project):
    root, run = tiny_project
    result = run("makefile", "tiny")
    assert result.returncode == 0, result.stderr
    rules = (root / ".build" / "tiny.mk").read_text()
    assert "STAGE_TARGETS_tiny += reports/tiny/01_clean.ipynb" in rules
    prerequisites = _rule(rules, "reports/tiny/01_clean.ipynb")
    assert prerequisites[:3] == ["notebooks/01_clean.ipynb", ".build/tiny/clean.params",
                                 "$(VENV_STAMP)"]
    # the modules the notebook imports, found from its code, and their own imports
    assert "src/burnout/core/catalog.py" in prerequisites
    assert "src/burnout/core/paths.py" in prerequisites
    assert "src/burnout/measures/scoring.py" not in prerequisites
    # the human-written inputs the stage declares
    for raw_file in ("roster.csv", "before.csv", "after.csv", "study.yaml"):
        assert f"data/raw/tiny/{raw_file}" in prerequisites  # each raw file, listed
    assert not any("redaction" in item for item in prerequisites)  # the tiny project has none
    assert "\t$(RUN) run tiny clean" in rules
    stamp = root / ".build" / "tiny" / "clean.params"
    before = stamp.stat().st_mtime_ns
    assert run("makefile", "tiny").returncode == 0
    assert stamp.stat().st_mtime_ns == before, "an unchanged stamp must not be rewritten"
    assert '"multiplier": 3' in stamp.read_text() and '"study": "tiny"' in stamp.read_text()


def test_a_stage_depends_on_the_executed_notebook_of_its_upstream_stage(tiny_project):
    root, run = tiny_project
    shutil.copy(root / "notebooks" / "01_clean.ipynb", root / "notebooks" / "02_score.ipynb")
    (root / "params" / "tiny.yaml").write_text("stages: [clean, score]\nclean:\n  multiplier: 4\n")
    result = run("makefile", "tiny")
    assert result.returncode == 0, result.stderr
    rules = (root / ".build" / "tiny.mk").read_text()
    score = _rule(rules, "reports/tiny/02_score.ipynb")
    assert score[-1] == "reports/tiny/01_clean.ipynb"
    assert "$(wildcard data/raw/tiny/*)" not in score  # score reads processed data only
    assert '"multiplier": 4' in (root / ".build" / "tiny" / "clean.params").read_text()
    assert (root / ".build" / "tiny" / "score.params").read_text() == '{\n "study": "tiny"\n}\n'


def test_a_study_without_a_parameter_file_gets_every_stage_of_its_design(tiny_project):
    root, run = tiny_project
    (root / "params" / "tiny.yaml").unlink()
    result = run("stages", "tiny")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["clean", "score", "describe", "unadjusted", "adjusted",
                                     "sensitivity", "figures", "tables", "manuscript"]
