"""Tests of burnout.core.audit: the kernel records the project files it opens."""

from __future__ import annotations

import os
import subprocess
import sys

from burnout.core.audit import AUDIT_VARIABLE
from burnout.core.paths import ROOT

_SCRIPT = """
import os
import burnout  # installs the hook when the variable is set
from pathlib import Path
Path("data/in.csv").read_text()
Path("out").mkdir(exist_ok=True)
Path("out/new.csv").write_text("y")
os.replace("out/new.csv", "out/final.csv")
Path("/tmp").exists()
"""


def _run(tmp_path, log):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "in.csv").write_text("x")
    environment = dict(os.environ, BURNOUT_ROOT=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    environment.pop(AUDIT_VARIABLE, None)
    if log is not None:
        environment[AUDIT_VARIABLE] = str(log)
    subprocess.run([sys.executable, "-c", _SCRIPT], cwd=tmp_path, env=environment, check=True,
                   timeout=120)


def test_reads_writes_and_renames_under_the_root_are_logged_once(tmp_path):
    log = tmp_path / "audit.log"
    _run(tmp_path, log)
    lines = log.read_text().splitlines()
    assert "read\tdata/in.csv" in lines
    assert "write\tout/new.csv" in lines and "write\tout/final.csv" in lines
    assert len(lines) == len(set(lines))
    assert all(not line.split("\t")[1].startswith("/") for line in lines)


def test_nothing_is_recorded_without_the_variable(tmp_path):
    _run(tmp_path, None)
    assert not list(tmp_path.glob("*.log"))
