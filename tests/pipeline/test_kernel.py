"""Tests of burnout.pipeline.kernel and dependencies.library_imports: a stage's kernel is started
early and imports the stage's libraries at start-up, binding no name; what those imports warn
fails the stage as a warning in a cell does."""

from __future__ import annotations

import importlib.util
import os

import nbformat
import pytest
from jupyter_client.blocking import BlockingKernelClient

from burnout.core.paths import NOTEBOOKS_DIR, ROOT
from burnout.pipeline.dependencies import library_imports
from burnout.pipeline.kernel import StageKernel

CLEAN = "notebooks/01_clean.ipynb"
FAILED = "reports/tiny/failed/01_clean.ipynb"
LOUD = "import warnings\nwarnings.warn('loud import')\n"


def test_the_libraries_of_every_stage_notebook_are_found_in_order():
    for notebook in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        names = library_imports(notebook)
        assert "pandas" in names and "numpy" in names, notebook.name
        assert not [name for name in names if name.startswith(("burnout", "json", "os."))]
        assert len(names) == len(set(names))
        tops = {name.split(".")[0] for name in names}
        assert all(importlib.util.find_spec(top) for top in tops), notebook.name


def test_libraries_are_found_in_cells_and_functions_in_order(tmp_path):
    notebook = tmp_path / "n.ipynb"
    cells = [nbformat.v4.new_code_cell("import yaml"),
             nbformat.v4.new_code_cell("if True:\n    import numpy\n"
                                       "from pandas import DataFrame\nimport json"),
             nbformat.v4.new_markdown_cell("import scipy")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    assert library_imports(notebook) == ["yaml", "pandas.DataFrame", "numpy"]  # top level first


@pytest.mark.slow
def test_the_kernel_has_imported_the_modules_without_binding_their_names(tmp_path,
                                                                         monkeypatch):
    (tmp_path / "loud_module_for_test.py").write_text(LOUD)
    (tmp_path / "quiet_module_for_test.py").write_text("VALUE = 1\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(ROOT / "src")]))
    notebook = tmp_path / "n.ipynb"
    cell = nbformat.v4.new_code_cell("from quiet_module_for_test import VALUE\n"
                                     "import loud_module_for_test")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), notebook)
    printed: list[str] = []
    with StageKernel(notebook) as kernel:
        client = BlockingKernelClient(**kernel.manager.get_connection_info(session=True))
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            client.execute_interactive(
                "import sys as _s; print(sorted({'quiet_module_for_test', "
                "'loud_module_for_test'} & set(_s.modules)), 'VALUE' in dir(), "
                "'loud_module_for_test' in dir())",
                timeout=60,
                output_hook=lambda message: printed.append(message["content"].get("text", "")))
        finally:
            client.stop_channels()
        assert "['loud_module_for_test', 'quiet_module_for_test'] False False" in "".join(printed)
        assert "UserWarning: loud import" in kernel.warm_up_output()
    assert not kernel.scratch.exists()


@pytest.mark.slow
def test_a_warning_while_the_kernel_imports_fails_the_stage(tiny_project, notebook_of):
    root, run = tiny_project
    (root / "loud_module_for_test.py").write_text(LOUD)  # the kernel runs in the project root
    nbformat.write(notebook_of("import loud_module_for_test"), root / CLEAN)
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "wrote to stderr" in result.stderr and "loud import" in result.stderr
    assert "importing the notebook's modules" in result.stderr
    assert (root / FAILED).is_file()
