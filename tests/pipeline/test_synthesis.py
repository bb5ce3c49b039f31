"""The evidence-synthesis stage: declared inputs, the audit, and a run over user studies.

The end-to-end test reuses the user studies that tests/pipeline/test_user_studies.py builds (one
project each), gathers a randomized, a non-randomized and a single-group one in a new project
with the published estimates and a user's own estimates file, and runs
``python -m burnout synthesis`` there as a user would.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from burnout.pipeline.synthesis import _undeclared, synthesis_reads, synthesis_writes

# The user studies' builder (tests run with --import-mode=importlib: no package to import from).
_SPEC = importlib.util.spec_from_file_location(
    "user_studies_builder", Path(__file__).with_name("test_user_studies.py"))
_USER_STUDIES = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = _USER_STUDIES  # its dataclasses look their module up there
_SPEC.loader.exec_module(_USER_STUDIES)
REPO, build_study = _USER_STUDIES.REPO, _USER_STUDIES.build_study
burnout, make_project = _USER_STUDIES.burnout, _USER_STUDIES.make_project

STUDIES = ("nurses_redcap", "peer_qualtrics", "workshop_csv")


def test_declared_inputs_cover_every_study_and_the_estimates_files():
    reads = synthesis_reads(["a", "b"])
    assert "published/evidence.csv" in reads and "data/evidence/*.csv" in reads
    assert "data/processed/b/unadjusted_effect_sizes.csv" in reads
    assert "data/processed/a/adjusted_dose.csv" in reads
    assert synthesis_writes() == ["figures/synthesis/*", "tables/synthesis/*",
                                  "reports/synthesis/11_synthesis.ipynb"]


def test_the_audit_names_an_undeclared_read_and_write():
    check = _undeclared(["a"])
    assert check({"data/processed/a/unadjusted_effect_sizes.csv"}, set()) == []
    found = check({"data/processed/a/analysis.csv"}, {"figures/a/forest.png"})
    assert len(found) == 2 and "read data/processed/a/analysis.csv" in found[0]
    assert "wrote figures/a/forest.png" in found[1] and "pipeline/synthesis.py" in found[1]


@pytest.fixture(scope="module")
def synthesised(tmp_path_factory):
    builds = [build_study(study, tmp_path_factory) for study in STUDIES]
    for build in builds:
        assert build.returncode == 0, build.stderr
    root = make_project(tmp_path_factory.mktemp("synthesis") / "project")
    for build in builds:
        for part in ("raw", "processed"):
            shutil.copytree(build.path("data", part, build.study),
                            root / "data" / part / build.study)
    (root / "published").mkdir()
    shutil.copy(REPO / "published" / "evidence.csv", root / "published" / "evidence.csv")
    (root / "data" / "evidence").mkdir()
    (root / "data" / "evidence" / "mine.csv").write_text(
        "study,outcome,estimate,ci_low,ci_high,format\nMy pilot,dp,-0.30,-0.80,0.20,group\n")
    return root, burnout(root, "synthesis")


@pytest.mark.slow
def test_the_synthesis_runs_over_user_studies(synthesised):
    root, result = synthesised
    assert result.returncode == 0, result.stderr
    for line in result.stderr.splitlines():
        assert re.fullmatch(r"\[synthesis\] .*(running notebooks/11_synthesis\.ipynb|done in .*)",
                            line), line
    assert (root / "reports" / "synthesis" / "11_synthesis.ipynb").is_file()
    assert not (root / "reports" / "synthesis" / "failed").exists()


@pytest.mark.slow
def test_each_design_contributes_its_kind_of_effect(synthesised):
    root, _ = synthesised
    effects = pd.read_csv(root / "tables" / "synthesis" / "study_effects.csv")
    methods = effects.groupby("study")["method"].first().to_dict()
    assert methods["nurses_redcap"] == methods["peer_qualtrics"] == "hedges_g"
    assert methods["workshop_csv"] == "standardized_mean_change"
    assert {"Dyrbye 2019", "My pilot"} <= set(effects["study"])


@pytest.mark.slow
def test_between_group_effects_are_pooled_and_drawn(synthesised):
    root, _ = synthesised
    pooled = pd.read_csv(root / "tables" / "synthesis" / "meta_analysis.csv").set_index("outcome")
    # ee: the two comparative user studies and the published trial; dp: the two and "My pilot".
    assert pooled.loc["ee", "n"] == 3 and pooled.loc["dp", "n"] == 3
    for outcome in pooled.index:
        assert (root / "figures" / "synthesis" / f"forest_{outcome}.png").is_file()
        assert pooled.loc[outcome, "ci_low"] <= pooled.loc[outcome, "estimate"] <= \
            pooled.loc[outcome, "ci_high"]


@pytest.mark.slow
def test_a_bad_estimates_file_stops_the_synthesis_with_its_line(synthesised, tmp_path):
    root, _ = synthesised
    bad = tmp_path / "project"
    shutil.copytree(root, bad)
    (bad / "data" / "evidence" / "mine.csv").write_text("study,outcome,estimate,se\nX,ee,0.1,-2\n")
    result = burnout(bad, "synthesis")
    assert result.returncode == 1
    assert "mine.csv, line 2, column 'se'" in result.stderr and "Traceback" not in result.stderr
