"""Tests of burnout.report.html_report (``make report``): every executed notebook of the stages a
study runs becomes an HTML page, listed in order on an index titled from the study file."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_report_pages_and_index(tiny_project):
    root, run = tiny_project
    assert run("run", "tiny", "clean").returncode == 0
    result = run("report", "tiny")
    assert result.returncode == 0, result.stderr
    index = (root / "reports/tiny/html/index.html").read_text()
    assert '<a href="01_clean.html">Tiny stage</a>' in index
    page = (root / "reports/tiny/html/01_clean.html").read_text()
    assert "<html" in page and "multiplier" in page


def test_index_is_titled_and_labelled_from_the_study_file(tiny_project):
    root, run = tiny_project
    assert run("run", "tiny", "clean").returncode == 0
    assert run("report", "tiny").returncode == 0
    index = (root / "reports/tiny/html/index.html").read_text()
    assert "<h1>A tiny study</h1>" in index, "the title of data/raw/tiny/study.yaml"
    assert "synthetic replica" in index, "the study file says synthetic: true"


def test_a_study_without_a_parameter_file_gets_its_report(tiny_project):
    root, run = tiny_project
    assert run("run", "tiny", "clean").returncode == 0
    (root / "params/tiny.yaml").unlink()  # optional: the study runs every stage of its design
    result = run("report", "tiny")
    assert result.returncode == 0, result.stderr
    assert (root / "reports/tiny/html/01_clean.html").is_file()


def test_report_before_the_pipeline_ran_says_what_to_do(tiny_project):
    _, run = tiny_project
    result = run("report", "tiny")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.endswith(
        "reports/tiny: no executed notebook; run `make all STUDY=tiny`\n"), result.stderr
