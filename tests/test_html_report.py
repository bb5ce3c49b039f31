"""`make report`: every executed notebook becomes an HTML page, listed in order on an index."""

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


def test_report_before_the_pipeline_ran_says_what_to_do(tiny_project):
    _, run = tiny_project
    result = run("report", "tiny")
    assert result.returncode == 1
    assert result.stderr.startswith("error: reports/tiny/01_clean.ipynb: not built; run `make all`")
