"""``python -m burnout meta-analysis``: the library's numbers, one JSON object, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from burnout.synthesis.meta_analysis import meta_analysis

REPO = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO / "tests" / "reference"


def _run(*args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.run([sys.executable, "-m", "burnout", "meta-analysis", *args], cwd=REPO,
                          env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture
def estimates(tmp_path) -> Path:
    data = pd.read_csv(REFERENCE_DIR / "meta_analysis_data.csv")
    data = data[data["dataset"] == 3].rename(columns={"yi": "estimate", "sei": "se"})
    path = tmp_path / "estimates.csv"
    data.drop(columns="dataset").to_csv(path, index=False)
    return path


def test_json_matches_metafor_for_reml_hartung_knapp_with_a_moderator(estimates):
    result = _run(str(estimates), "--method", "REML", "--hartung-knapp", "--moderator",
                  "format", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    reference = json.loads((REFERENCE_DIR / "meta_analysis_reference.json").read_text())
    pooled = next(m for m in reference["models"] if m["dataset"] == 3 and m["method"] == "REML"
                  and m["test"] == "knha" and m["moderators"] == "none")
    regression = next(m for m in reference["models"] if m["dataset"] == 3
                      and m["method"] == "REML" and m["test"] == "knha"
                      and m["moderators"] == "format")
    for key in ("estimate", "se", "ci_low", "ci_high", "p", "pi_low", "pi_high"):
        assert found[key] == pytest.approx(pooled[key], abs=1e-8), key
    assert found["tau2"] == pytest.approx(pooled["tau2"], abs=1e-8)
    assert found["i2"] == pytest.approx(pooled["i2"], abs=1e-6)
    assert [term["term"] for term in found["moderators"]] == regression["terms"]
    assert [term["estimate"] for term in found["moderators"]] == pytest.approx(
        regression["estimate"], abs=1e-8)


def test_json_equals_the_library(estimates):
    result = _run(str(estimates), "--method", "DL", "--json")
    found = json.loads(result.stdout)
    expected = meta_analysis(pd.read_csv(estimates), method="DL").summary()
    assert {key: found[key] for key in expected} == pytest.approx(expected, rel=1e-12)
    assert found["moderators"] == []


def test_printed_summary_names_the_model_and_every_study(estimates):
    result = _run(str(estimates), "--moderator", "format", "weeks")
    assert result.returncode == 0, result.stderr
    assert "Random-effects model (k = 8; tau^2 estimator: REML" in result.stdout
    assert all(f"s{i}" in result.stdout for i in range(1, 9))
    assert "formatpeer" in result.stdout and "weeks" in result.stdout


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("study,estimate,se\na,0.1,0.2\n", "at least two studies"),
    ("study,estimate,se\na,0.1,0.2\nb,0.3,0\n", "line 3, column 'se'"),
    ("study,estimate\na,0.1\nb,0.3\n", "needs se, or ci_low and ci_high"),
])
def test_bad_input_is_one_line_and_exit_1(tmp_path, content, message):
    path = tmp_path / "estimates.csv"
    if content is not None:
        path.write_text(content)
    result = _run(str(path), "--json")
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_missing_moderator_column_is_named(estimates):
    result = _run(str(estimates), "--moderator", "matching")
    assert result.returncode == 1 and "['matching'] missing" in result.stderr
