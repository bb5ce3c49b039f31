"""Tests of burnout.data.checksums: sha256sum format, detection of changed/missing/new files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from burnout.core.errors import DataError
from burnout.core.paths import study_paths
from burnout.data.checksums import record_checksums_if_new, verify_checksums, write_checksums

REPLICA = study_paths("mentorship").raw


def test_replica_checksums_verify():
    names = verify_checksums(REPLICA)
    assert "students.csv" in names and "mbi_pre.csv" in names
    # the study file is a description the user edits, not data: never listed
    assert "study.yaml" not in names and (REPLICA / "study.yaml").is_file()


def test_study_file_and_hidden_files_are_not_covered(tmp_path):
    (tmp_path / "a.csv").write_text("x\n")
    (tmp_path / "study.yaml").write_text("study: x\n")
    (tmp_path / ".DS_Store").write_text("")
    assert write_checksums(tmp_path).read_text().splitlines()[0].endswith("  a.csv")
    assert verify_checksums(tmp_path) == ["a.csv"]
    (tmp_path / "study.yaml").write_text("study: y\n")  # editing it needs no accept
    assert verify_checksums(tmp_path) == ["a.csv"]


def test_format_matches_sha256sum(tmp_path):
    (tmp_path / "b.csv").write_bytes(b"y\n2\n")
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")
    text = write_checksums(tmp_path).read_text()
    expected = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                       for name, data in (("a.csv", b"x\n1\n"), ("b.csv", b"y\n2\n")))
    assert text == expected
    if shutil.which("sha256sum"):  # the GNU tool agrees with the file
        result = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"],
                                cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_changed_missing_and_new_files_are_all_named(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REPLICA, raw)
    (raw / "students.csv").write_bytes((raw / "students.csv").read_bytes() + b"\n")
    (raw / "mentors.csv").unlink()
    (raw / "extra.csv").write_text("x\n")
    with pytest.raises(DataError) as raised:
        verify_checksums(raw)
    message = str(raised.value)
    assert "students.csv: content changed" in message
    assert "mentors.csv: listed in SHA256SUMS but missing" in message
    assert "extra.csv: not listed" in message
    assert "make accept STUDY=raw" in message and "commit SHA256SUMS" in message
    write_checksums(raw)  # accepting the new data
    assert "extra.csv" in verify_checksums(raw)


def test_missing_list(tmp_path):
    (tmp_path / "a.csv").write_text("x\n")
    with pytest.raises(DataError, match="checksum list is missing"):
        verify_checksums(tmp_path)


def test_first_build_records_the_checksums_once(tmp_path):
    folder = tmp_path / "pilot"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n")
    notice = record_checksums_if_new(folder)
    assert "first build of 'pilot'" in notice and "1 raw file(s)" in notice
    assert "make accept STUDY=pilot" in notice
    assert verify_checksums(folder) == ["a.csv"]
    (folder / "a.csv").write_text("changed\n")
    assert record_checksums_if_new(folder) is None  # never overwrites an existing list
    with pytest.raises(DataError, match="content changed"):
        verify_checksums(folder)
