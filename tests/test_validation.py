"""Tests of burnout.validation on the replica and on the corpus of bad raw files.

Each folder of tests/data/bad/<case>/ holds only the files that differ from the replica
(data/raw/mentorship) and a case.json: files to remove, whether the folder is valid, and the
problems expected (file, row, column, rule). The test assembles the folder in a temporary
directory, so the corpus stays small and the replica is never touched.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from burnout.cleaning import clean_study, write_clean_outputs
from burnout.errors import ValidationError
from burnout.paths import TESTS_DIR, study_paths
from burnout.validation import check_raw, validate_raw

REPLICA = study_paths("mentorship").raw
BAD = TESTS_DIR / "data" / "bad"
CASES = sorted(path.name for path in BAD.iterdir() if (path / "case.json").is_file())


def _assemble(case: str, target: Path) -> dict:
    """Copy the replica into ``target`` and apply the case's overrides; return case.json."""
    spec = json.loads((BAD / case / "case.json").read_text(encoding="utf-8"))
    shutil.copytree(REPLICA, target)
    for name in spec["remove"]:
        (target / name).unlink()
    for path in (BAD / case).iterdir():
        if path.name != "case.json":
            shutil.copyfile(path, target / path.name)
    return spec


def test_replica_is_valid():
    assert validate_raw(REPLICA) == []


def test_corpus_has_the_required_cases():
    required = {"missing_file", "missing_column", "wrong_type", "out_of_range", "unknown_label",
                "unresolvable_duplicate", "conflicting_roster", "empty_file", "excel_bom_crlf",
                "latin1"}
    assert required <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_case(case, tmp_path):
    raw = tmp_path / "raw"
    spec = _assemble(case, raw)
    before = {path.name: path.read_bytes() for path in raw.iterdir()}
    problems = validate_raw(raw)
    if spec["valid"]:
        assert problems == []
        assert clean_study(raw)["participants"].equals(clean_study(REPLICA)["participants"])
        return
    for expected in spec["expect"]:
        matches = [problem for problem in problems
                   if problem.file == expected["file"] and problem.row == expected["row"]
                   and problem.column == expected["column"] and expected["rule"] in problem.rule]
        assert matches, f"{case}: expected {expected}, got {[str(p) for p in problems]}"
    with pytest.raises(ValidationError) as raised:
        check_raw(raw)
    message = str(raised.value)
    assert len(raised.value.problems) == len(problems)
    for expected in spec["expect"]:
        assert expected["file"] in message and expected["rule"] in message
        if expected["row"] is not None:
            assert f"row {expected['row']}" in message
        if expected["column"] is not None:
            assert f"column '{expected['column']}'" in message
    # nothing is written and no raw file is modified
    out = tmp_path / "processed"
    with pytest.raises(ValidationError):
        write_clean_outputs(clean_study(raw), out)
    assert not out.exists()
    assert {path.name: path.read_bytes() for path in raw.iterdir()} == before


def test_latin1_message_names_encoding_and_offset(tmp_path):
    raw = tmp_path / "raw"
    _assemble("latin1", raw)
    (problem,) = validate_raw(raw)
    assert "not UTF-8" in problem.rule and "byte offset" in problem.rule
    assert problem.value == "0xe9"


def test_missing_codebook_is_one_problem(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REPLICA, raw)
    (raw / "datapackage.json").unlink()
    (problem,) = validate_raw(raw)
    assert problem.file == "datapackage.json" and "codebook not found" in problem.rule
