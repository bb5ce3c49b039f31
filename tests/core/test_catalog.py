"""Tests of burnout.core.catalog: every file name once, as a template per study."""

from __future__ import annotations

import pytest

from burnout.core.catalog import CATALOG, matches, study_files, template


def test_templates_are_relative_and_name_the_study():
    for entry in CATALOG.values():
        assert not entry.template.startswith("/"), entry.key
        # Project-wide inputs (the redaction list, the evidence files) belong to no one study.
        assert "{study}" in entry.template or entry.key in ("redaction", "evidence",
                                                            "user_evidence",
                                                            "latex_preamble"), entry.key
        assert entry.description, entry.key
    assert template("figure", "pilot", "flow.png") == "figures/pilot/flow.png"
    assert template("unadjusted", "pilot") == "data/processed/pilot/unadjusted_*.csv"


def test_study_files_give_paths_by_key_and_family(tmp_path):
    files = study_files("pilot", tmp_path)
    assert files.analysis == tmp_path / "data/processed/pilot/analysis.csv"
    assert files.unadjusted("rank_sum") == tmp_path / "data/processed/pilot/unadjusted_rank_sum.csv"
    assert files.failed_notebook("01_clean") == tmp_path / "reports/pilot/failed/01_clean.ipynb"
    assert files.processed == tmp_path / "data/processed/pilot"
    assert files.raw == tmp_path / "data/raw/pilot"
    with pytest.raises(KeyError, match="needs a name"):
        files.path("figure")
    with pytest.raises(AttributeError, match="no catalog entry 'analysys'"):
        files.analysys  # noqa: B018


def test_matches_globs_of_root_relative_paths():
    assert matches("figures/pilot/flow.pdf", ["figures/pilot/*"])
    assert not matches("figures/other/flow.pdf", ["figures/pilot/*"])
    assert matches("data/processed/pilot/unadjusted_rank_sum.csv",
                   [template("unadjusted", "pilot")])
