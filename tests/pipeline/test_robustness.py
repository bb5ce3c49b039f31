"""The pipeline under stress: concurrent builds, a build killed mid-stage, planted mistakes.

Each test builds the tiny single-group study of ``tests/fixtures/tiny_study`` (three stages) in a
throw-away copy of the project with ``make``, as a user would, and compares every generated file
with a reference build made in another copy: the project must end byte-identical whatever
happened on the way.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from burnout.core.paths import ROOT

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_study"
GENERATED = ("data/processed", "figures", "tables", "reports")
pytestmark = pytest.mark.slow


def _project(root: Path, stages: str = "[clean, score, describe]") -> Path:
    """A copy of the project's human-written files with the tiny study and its stage list."""
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "postBuild"):
        shutil.copy2(ROOT / name, root / name)  # copy2: the venv stamp stays newer than the pins
    for folder in ("notebooks", "src"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (root / "params").mkdir()
    shutil.copy2(ROOT / "params" / "redaction.txt", root / "params" / "redaction.txt")
    (root / "params" / "tiny.yaml").write_text(f"stages: {stages}\n", encoding="utf-8")
    shutil.copytree(TINY, root / "data" / "raw" / "tiny")
    return root


def _make(root: Path, *arguments: str, **options) -> subprocess.Popen:
    command = ["make", "--no-print-directory", *arguments, f"VENV={ROOT / '.venv'}"]
    environment = {key: value for key, value in os.environ.items() if key != "BURNOUT_ROOT"}
    return subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **options)


def _generated(root: Path) -> dict[str, Path]:
    return {path.relative_to(root).as_posix(): path for folder in GENERATED
            for path in sorted((root / folder).rglob("*")) if path.is_file()}


def _assert_same_tree(built: Path, reference: Path) -> None:
    mine, theirs = _generated(built), _generated(reference)
    assert sorted(mine) == sorted(theirs)
    differ = [name for name in mine if not filecmp.cmp(mine[name], theirs[name], shallow=False)]
    assert differ == []


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    root = _project(tmp_path_factory.mktemp("reference"))
    process = _make(root, "all", "STUDY=tiny")
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    assert "first build of 'tiny', recorded the checksums of 3 raw file(s)" in err
    return root


def test_two_builds_at_once_end_with_the_same_files(tmp_path, reference):
    root = _project(tmp_path)
    first, second = _make(root, "all", "STUDY=tiny"), _make(root, "all", "STUDY=tiny")
    results = [process.communicate(timeout=600) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    # flock serialises them: one builds, the other then finds everything up to date.
    assert sum("running notebooks/01_clean.ipynb" in err for _, err in results) == 1
    _assert_same_tree(root, reference)


def test_a_build_killed_mid_stage_leaves_no_partial_file_and_resumes(tmp_path, reference):
    root = _project(tmp_path)
    process = _make(root, "all", "STUDY=tiny", start_new_session=True)
    cleaned = root / "reports" / "tiny" / "01_clean.ipynb"
    deadline = time.monotonic() + 300
    while not cleaned.is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert cleaned.is_file(), "the clean stage never finished"
    time.sleep(1.5)  # well inside the score stage
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    for name, path in _generated(root).items():
        assert not path.name.endswith(".tmp"), name
        if path.suffix == ".ipynb":
            nbformat.read(path, as_version=4)  # a complete notebook, never a truncated one
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv":
            assert path.read_text(encoding="utf-8").endswith("\n"), name
    resumed = _make(root, "all", "STUDY=tiny")
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    _assert_same_tree(root, reference)
    assert not any((root / "reports" / "tiny" / "failed").glob("*"))


def _plant(root: Path, notebook: str, source: str) -> None:
    path = root / "notebooks" / notebook
    planted = nbformat.read(path, as_version=4)
    planted.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(planted, path)


def _run(root: Path, *arguments: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, BURNOUT_ROOT=str(root), PYTHONPATH=str(root / "src"))
    return subprocess.run([sys.executable, "-m", "burnout", *arguments], cwd=root,
                          env=environment, capture_output=True, text=True, timeout=600)


def test_an_undeclared_read_fails_the_stage_naming_the_file(tmp_path):
    root = _project(tmp_path)
    _plant(root, "03_describe.ipynb",
           "import pandas as pd\nflow = pd.read_csv(files.processed / 'flow.csv')")
    result = _run(root, "run", "tiny")
    assert result.returncode == 1
    assert ("stage 'describe' read data/processed/tiny/flow.csv, which it does not declare"
            in result.stderr)
    assert "Traceback" not in result.stderr


def test_a_failing_cell_is_shown_and_its_notebook_kept(tmp_path):
    root = _project(tmp_path)
    _plant(root, "03_describe.ipynb", "raise ValueError('planted failure')")
    result = _run(root, "run", "tiny")
    assert result.returncode == 1
    assert "ValueError: planted failure" in result.stderr
    assert "raise ValueError('planted failure')" in result.stderr  # the cell's code
    assert "Traceback" not in result.stderr
    kept = root / "reports" / "tiny" / "failed" / "03_describe.ipynb"
    assert "planted failure" in kept.read_text(encoding="utf-8")


def test_an_unknown_study_is_one_clear_line(tmp_path):
    root = _project(tmp_path)
    process = _make(root, "all", "STUDY=nosuch")
    out, err = process.communicate(timeout=120)
    assert process.returncode != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "no study 'nosuch'" in lines[0] and "tiny" in lines[0]
    result = _run(root, "run", "nosuch")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: no study 'nosuch': {root / 'data' / 'raw' / 'nosuch' / 'study.yaml'} not found "
        "(studies: tiny)"]


def test_make_all_runs_only_the_stages_that_changed_and_stops_at_a_failure(tmp_path, reference):
    root = _project(tmp_path)
    shutil.copytree(reference / ".build", root / ".build", dirs_exist_ok=True)
    for folder in GENERATED:  # the reference's outputs
        if (reference / folder).is_dir():
            shutil.copytree(reference / folder, root / folder, dirs_exist_ok=True)
    shutil.copy2(reference / "data" / "raw" / "tiny" / "SHA256SUMS",
                 root / "data" / "raw" / "tiny" / "SHA256SUMS")
    now = time.time()  # every output up to date (whoever touched the shared venv's stamp since)
    for path in [*_generated(root).values(), *(root / ".build").rglob("*"),
                 root / "data" / "raw" / "tiny" / "SHA256SUMS"]:
        os.utime(path, (now, now))
    os.utime(root / "notebooks" / "02_score.ipynb", (now + 2, now + 2))
    _, err = _make(root, "all", "STUDY=tiny").communicate(timeout=600)
    assert "running notebooks/02_score.ipynb" in err and "running notebooks/03_describe" in err
    assert "running notebooks/01_clean.ipynb" not in err
    _assert_same_tree(root, reference)
    _plant(root, "02_score.ipynb", "raise ValueError('planted failure')")
    process = _make(root, "all", "STUDY=tiny")
    _, err = process.communicate(timeout=600)
    assert process.returncode != 0
    assert "ValueError: planted failure" in err and "03_describe" not in err
    assert (root / "reports" / "tiny" / "failed" / "02_score.ipynb").is_file()
