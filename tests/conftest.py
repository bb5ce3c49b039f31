"""Shared fixtures: a throw-away project root for end-to-end tests of the pipeline machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from burnout.paths import ROOT


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


@pytest.fixture
def tiny_project(tmp_path: Path):
    """A minimal project root (params + one 'clean' notebook) and a runner of the CLI in it."""
    root = tmp_path / "project"
    (root / "params").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "params" / "tiny.yaml").write_text(
        "study: tiny\nstages: [clean]\nclean:\n  multiplier: 3\n", encoding="utf-8"
    )
    notebook = make_notebook(
        'study = "tiny"\nmultiplier = 1',
        [
            "from burnout.paths import study_paths\n"
            "from burnout.io import write_csv\n"
            "import pandas as pd\n"
            "table = pd.DataFrame({'x': [1, 2], 'y': [m * multiplier for m in (1, 2)]})\n"
            "write_csv(table, study_paths(study).processed / 'table.csv')\n"
            "table"
        ],
    )
    nbformat.write(notebook, root / "notebooks" / "01_clean.ipynb")

    def run(*args: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, BURNOUT_ROOT=str(root), PYTHONPATH=str(ROOT / "src"))
        return subprocess.run(
            [sys.executable, "-m", "burnout", *args],
            cwd=root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return root, run
