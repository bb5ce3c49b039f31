"""Execute the teaching lab, ``notebooks/12_simulation.ipynb``, for one study.

``make simulate STUDY=x`` (``python -m burnout simulate x --lab``) executes the notebook with the
pipeline's runner (:func:`burnout.pipeline.runner.run_notebook`: the project's kernel, the
dependency audit against :func:`lab_files`, a failed notebook kept in
``reports/<study>/failed/``) into ``reports/<study>/simulation/12_simulation.ipynb``. The
lab is not a stage of ``make all``: its outputs (that notebook, ``reports/<study>/simulation.csv``
and ``figures/<study>/simulation_power.*``) are git-ignored, so the rebuild check never compares
them, and they sit outside ``reports/<study>/*.ipynb``, which nbval re-executes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from burnout.core.catalog import template, undeclared_files
from burnout.core.paths import ROOT, study_paths
from burnout.data.study import load_study
from burnout.simulate.lab import simulation_path

__all__ = ["LAB_NOTEBOOK", "lab_notebook_path", "lab_files", "lab_undeclared", "lab_parameters"]

LAB_NOTEBOOK = "12_simulation"  # notebooks/12_simulation.ipynb


def lab_notebook_path(study: str) -> Path:
    """Where the executed lab of ``study`` is written.

    Examples
    --------
    >>> lab_notebook_path("pilot").relative_to(ROOT).as_posix()
    'reports/pilot/simulation/12_simulation.ipynb'
    """
    return study_paths(study).reports / "simulation" / f"{LAB_NOTEBOOK}.ipynb"


def lab_files(study: str) -> tuple[list[str], list[str]]:
    """Root-relative glob patterns of the files the lab reads and writes (for the audit).

    Examples
    --------
    >>> reads, writes = lab_files("pilot")
    >>> reads[0], writes[-1]
    ('data/raw/pilot/study.yaml', 'reports/pilot/simulation/12_simulation.ipynb')
    """
    reads = [template("study_file", study), template("params", study),
             template("analysis", study), template("analysis_long", study),
             template("participants", study), template("binary_outcomes", study)]
    writes = [template("figure", study, "simulation_power.*"),
              simulation_path(study).relative_to(ROOT).as_posix(),
              lab_notebook_path(study).relative_to(ROOT).as_posix()]
    return reads, writes


def lab_undeclared(study: str) -> Callable[[set[str], set[str]], list[str]]:
    """``undeclared(reads, writes)``: the files the lab opened without declaring them."""
    return undeclared_files("the simulation lab", "src/burnout/simulate/notebook.py",
                            *lab_files(study))


def lab_parameters(study: str, reps: int, seed: int, **options) -> dict:
    """The papermill parameters of the lab (``dropout``, ``engine``, ``workers``,
    ``scheduler`` among ``options``); the study must exist."""
    load_study(study)
    return {"study": study, "reps": int(reps), "seed": int(seed), **options}
