"""Tests of burnout.checksums: sha256sum format, detection of changed/missing/new files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from burnout.checksums import verify_checksums, write_checksums
from burnout.errors import DataError
from burnout.paths import study_paths

REPLICA = study_paths("mentorship").raw


def test_replica_checksums_verify():
    names = verify_checksums(REPLICA)
    assert "students.csv" in names and "datapackage.json" in names


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
    assert "python -m burnout checksums" in message and "--accept" in message
    write_checksums(raw)  # accepting the new data
    assert "extra.csv" in verify_checksums(raw)


def test_missing_list(tmp_path):
    (tmp_path / "a.csv").write_text("x\n")
    with pytest.raises(DataError, match="checksum list is missing"):
        verify_checksums(tmp_path)
