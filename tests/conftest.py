"""Shared fixtures: a throw-away project root for end-to-end tests of the pipeline machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from burnout.core.paths import ROOT

# The tiny study: one group, a roster and two waves of the MBI in plain CSV ("Q1" ... "Q22").
TINY_STUDY = """\
study: tiny
title: A tiny study
design: single_group
synthetic: true
roster: {file: roster.csv, id: id}
waves:
  - {name: before, file: before.csv, id: id}
  - {name: after, file: after.csv, id: id}
instruments:
  mbi_hss_mp: {columns: "Q{item}"}
"""
TINY_PARAMS = "stages: [clean]\nclean:\n  multiplier: 3\n"
# The tiny stage writes a file the clean stage declares (the dependency audit checks it).
TINY_CELL = ("from burnout.core.catalog import study_files\n"
             "from burnout.core.io import write_csv\n"
             "import pandas as pd\n"
             "table = pd.DataFrame({'x': [1, 2], 'y': [m * multiplier for m in (1, 2)]})\n"
             "write_csv(table, study_files(study).participants)\n"
             "table")


def make_notebook(parameters_source: str, body_sources: list[str]) -> nbformat.NotebookNode:
    """A notebook with a tagged parameters cell followed by code cells."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "burnout",
        "display_name": "Python (burnout)",
        "language": "python",
    }
    parameters = nbformat.v4.new_code_cell(parameters_source)
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Tiny stage"), parameters]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in body_sources]
    return notebook


def tiny_notebook(*body_sources: str) -> nbformat.NotebookNode:
    """The tiny clean stage (``study``, ``multiplier``), running ``body_sources`` or its cell."""
    return make_notebook('study = "tiny"\nmultiplier = 1', list(body_sources) or [TINY_CELL])


def _wave(answers: dict[str, int]) -> str:
    header = "id," + ",".join(f"Q{item}" for item in range(1, 23))
    rows = [f"{person}," + ",".join(str((value + item) % 7) for item in range(1, 23))
            for person, value in answers.items()]
    return "\n".join([header, *rows]) + "\n"


@pytest.fixture
def notebook_of():
    """``notebook_of(*cells)``: the tiny clean notebook running ``cells`` (default: its cell).

    A fixture, because test modules cannot import conftest under ``--import-mode=importlib``.
    """
    return tiny_notebook


@pytest.fixture
def tiny_project(tmp_path: Path):
    """A minimal project root and a runner of ``python -m burnout`` in it.

    The root holds the study file ``data/raw/tiny/study.yaml`` (single group, roster and two
    waves of the MBI as plain CSV), ``params/tiny.yaml`` (the clean stage only, with
    ``multiplier: 3``), one notebook ``notebooks/01_clean.ipynb`` and a link to the package's
    sources (which the Makefile rules list).
    """
    root = tmp_path / "project"
    raw = root / "data" / "raw" / "tiny"
    raw.mkdir(parents=True)
    (root / "params").mkdir()
    (root / "notebooks").mkdir()
    (root / "src").symlink_to(ROOT / "src", target_is_directory=True)
    (raw / "study.yaml").write_text(TINY_STUDY, encoding="utf-8")
    (raw / "roster.csv").write_text("id\nP1\nP2\nP3\n", encoding="utf-8")
    (raw / "before.csv").write_text(_wave({"P1": 4, "P2": 2, "P3": 5}), encoding="utf-8")
    (raw / "after.csv").write_text(_wave({"P1": 3, "P2": 2}), encoding="utf-8")
    (root / "params" / "tiny.yaml").write_text(TINY_PARAMS, encoding="utf-8")
    nbformat.write(tiny_notebook(), root / "notebooks" / "01_clean.ipynb")

    def run(*args: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, BURNOUT_ROOT=str(root), PYTHONPATH=str(ROOT / "src"))
        environment.pop("BURNOUT_AUDIT_LOG", None)
        return subprocess.run(
            [sys.executable, "-m", "burnout", *args],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return root, run


# --- scheduling of the end-to-end tests under pytest-xdist (`make test`) -------------------------
# What each hook changes is when a test runs, never what it checks.

@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the modules holding end-to-end (``slow``) tests first, each module kept in one piece.

    Under ``--dist worksteal`` a worker that runs out of tests takes half of the other's queue
    from its end: with the long tests queued first, the last tests of the session are short ones
    and neither worker waits on the other at the end. A module's tests stay together (its
    module-scoped fixtures are set up once per worker that runs it).
    """
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    slow = [name for name, members in modules.items()
            if any(member.get_closest_marker("slow") for member in members)]
    items[:] = [item for name in [*slow, *(name for name in modules if name not in slow)]
                for item in modules[name]]


# The builds of the invented user studies (tests/pipeline/test_user_studies.py, shared by
# tests/pipeline/test_synthesis.py) run once per session, behind a file lock. Built lazily, they
# ran one after the other as tests reached them, the other worker waiting on the lock; built
# here at each worker's start, the workers split them.
_USER_STUDIES = Path(__file__).resolve().parent / "pipeline" / "test_user_studies.py"
_BUILDS_NEEDED_BY = ("built", "synthesised")


def _user_studies_module():
    import importlib.util

    name = "user_studies_builder"  # as tests/pipeline/test_synthesis.py loads it
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _USER_STUDIES)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session", autouse=True)
def _user_studies_built_early(request, tmp_path_factory):
    """Under xdist, when a selected test needs a user study's build: build this worker's share.

    Worker k of n builds every n-th study from the k-th (each build is ~1 core for 40-60 s).
    Without xdist, or when no selected test needs a build, nothing happens here.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if not worker.startswith("gw") or count < 2 or not any(
            set(_BUILDS_NEEDED_BY) & set(getattr(item, "fixturenames", ()))
            for item in request.session.items):
        return
    module = _user_studies_module()
    for study in module.STUDIES[int(worker[2:])::count]:
        module.build_study(study, tmp_path_factory)
