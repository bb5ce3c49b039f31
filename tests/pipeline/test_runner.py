"""Tests of burnout.pipeline.runner: stage parameters checked by name, deterministic executed
notebooks, failed notebooks kept under reports/<study>/failed/, the dependency audit.

The tests that execute a notebook are marked slow; those that stop before the kernel starts
(bad parameters, a stage the study does not run) and those of the metadata cleaning are not.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from burnout.pipeline.runner import strip_volatile_metadata

CLEAN = "notebooks/01_clean.ipynb"
EXECUTED = "reports/tiny/01_clean.ipynb"
FAILED = "reports/tiny/failed/01_clean.ipynb"


# --- refused before the kernel starts -------------------------------------------------------

def test_unknown_parameter_is_an_error_naming_the_key(tiny_project):
    root, run = tiny_project
    (root / "params/tiny.yaml").write_text("stages: [clean]\nclean:\n  multiplyer: 3\n")
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert ("params/tiny.yaml, key 'clean.multiplyer': not a parameter of "
            "notebooks/01_clean.ipynb; did you mean 'multiplier'?") in result.stderr
    assert "(its parameters: multiplier)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / EXECUTED).exists() and not (root / FAILED).exists()


def test_a_stage_the_study_does_not_run_is_refused(tiny_project):
    root, run = tiny_project
    result = run("run", "tiny", "survey")
    assert result.returncode == 1
    assert "study 'tiny' does not run stage 'survey' (it runs clean)" in result.stderr
    result = run("run", "tiny", "sculpt")
    assert result.returncode == 1 and "unknown stage 'sculpt'" in result.stderr


def test_unknown_study_is_reported():
    from burnout.__main__ import main

    assert main(["run", "no_such_study"]) == 1


def test_an_invalid_study_file_is_reported_with_its_keys(tiny_project):
    root, run = tiny_project
    study_file = root / "data/raw/tiny/study.yaml"
    study_file.write_text(study_file.read_text().replace("waves:", "wave:"))
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "key 'wave': is not a key of the study file; did you mean 'waves'?" in result.stderr
    assert "Traceback" not in result.stderr


# --- the metadata of an executed notebook ----------------------------------------------------

def test_strip_volatile_metadata_removes_timings(notebook_of):
    notebook = notebook_of("1")
    notebook.metadata["papermill"] = {
        "start_time": "t",
        "end_time": "t",
        "duration": 1.0,
        "exception": None,
        "environment_variables": {},
        "parameters": {"study": "x"},
        "input_path": "/abs/in",
    }
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    notebook.cells[1].metadata["tags"] = ["injected-parameters"]
    notebook.cells[2].metadata["execution"] = {"iopub.status.busy": "t"}
    notebook.cells[2].metadata["papermill"] = {"duration": 0.1}
    strip_volatile_metadata(notebook, "x", "01_clean")
    assert notebook.metadata["papermill"] == {
        "parameters": {"study": "x"},
        "input_path": "notebooks/01_clean.ipynb",
        "output_path": "reports/x/01_clean.ipynb",
    }
    assert notebook.metadata["language_info"] == {"name": "python"}
    assert notebook.cells[1]["id"] == "injected-parameters"
    assert "execution" not in notebook.cells[2].metadata
    assert "papermill" not in notebook.cells[2].metadata


def test_strip_volatile_metadata_merges_split_stream_chunks(notebook_of):
    notebook = notebook_of("print('wrote a.csv')")
    stream = nbformat.v4.new_output
    notebook.cells[2].outputs = [
        stream("stream", name="stdout", text="wrote"),  # one print split by a busy kernel
        stream("stream", name="stdout", text=" a.csv\n"),
        stream("stream", name="stderr", text="warning\n"),
        stream("display_data", data={"text/plain": "table"}),
        stream("stream", name="stdout", text="after\n"),
    ]
    strip_volatile_metadata(notebook, "x", "01_clean")
    outputs = notebook.cells[2].outputs
    assert [output.get("text") for output in outputs] == [
        "wrote a.csv\n", "warning\n", None, "after\n"]  # display order kept


# --- executing the tiny stage (slow: a kernel per run) ----------------------------------------

@pytest.mark.slow
def test_stage_runs_with_yaml_parameters_and_rebuilds_byte_identical(tiny_project):
    root, run = tiny_project
    result = run("run", "tiny", "clean")
    assert result.returncode == 0, result.stderr
    assert "first build of 'tiny', recorded the checksums of 3 raw file(s)" in result.stderr
    assert (root / "data/raw/tiny/SHA256SUMS").is_file()
    assert "[tiny] stage 1/1 clean: running notebooks/01_clean.ipynb" in result.stderr
    assert "[tiny] stage clean: done in" in result.stderr and f"-> {EXECUTED}" in result.stderr
    assert (root / "data/processed/tiny/participants.csv").read_text() == "x,y\n1,3\n2,6\n"
    executed = root / EXECUTED
    first = executed.read_bytes()
    notebook = json.loads(first)
    assert notebook["metadata"]["papermill"]["parameters"] == {"study": "tiny", "multiplier": 3}
    assert notebook["metadata"]["papermill"]["input_path"] == CLEAN
    assert "start_time" not in notebook["metadata"]["papermill"]
    assert "version" not in notebook["metadata"]["language_info"]
    assert all("execution" not in cell["metadata"] for cell in notebook["cells"])
    again = run("run", "tiny", "clean")
    assert again.returncode == 0, again.stderr
    assert "first build" not in again.stderr  # the checksums are recorded once
    assert executed.read_bytes() == first
    assert not (root / "reports/tiny/failed").exists()


@pytest.mark.slow
def test_failing_cell_names_stage_cell_and_error_and_keeps_the_notebook(tiny_project,
                                                                       notebook_of):
    root, run = tiny_project
    nbformat.write(notebook_of("x = 1\n1 / 0"), root / CLEAN)
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert re.search(r"\[tiny\] stage clean failed in notebooks/01_clean\.ipynb in cell \d+:\n"
                     r"    x = 1\n    1 / 0\n", result.stderr), result.stderr  # cell and code
    assert "ZeroDivisionError: division by zero" in result.stderr
    assert f"(the executed notebook is kept in {FAILED})" in result.stderr
    assert not (root / EXECUTED).exists()
    kept = nbformat.read(root / FAILED, as_version=4)
    assert any(output.get("ename") == "ZeroDivisionError"
               for output in kept.cells[-1].get("outputs", []))
    # once the stage succeeds, the failed notebook is removed
    nbformat.write(notebook_of(), root / CLEAN)
    assert run("run", "tiny", "clean").returncode == 0
    assert (root / EXECUTED).is_file() and not (root / FAILED).exists()


@pytest.mark.slow
def test_the_failed_cell_number_locates_the_cell_in_the_named_notebook(tiny_project,
                                                                       notebook_of):
    root, run = tiny_project
    nbformat.write(notebook_of("x = 1\n1 / 0"), root / CLEAN)
    result = run("run", "tiny", "clean")
    found = re.search(r"\[tiny\] stage clean failed in (notebooks/01_clean\.ipynb) in cell "
                      r"(\d+):\n    x = 1\n    1 / 0\n", result.stderr)  # the cell and its code
    assert found, result.stderr
    # the number locates the cell in the notebook the message names (from 0 or from 1)
    template = nbformat.read(root / found.group(1), as_version=4)
    number = int(found.group(2))
    located = [template.cells[index].source for index in (number, number - 1)
               if 0 <= index < len(template.cells)]
    assert "x = 1\n1 / 0" in located, (
        f"the message names cell {number} of {found.group(1)}, which has "
        f"{len(template.cells)} cells: the number counts the cells papermill adds to the "
        "executed notebook")


@pytest.mark.slow
def test_a_data_error_in_a_cell_is_shown_as_its_message_alone(tiny_project, notebook_of):
    root, run = tiny_project
    nbformat.write(notebook_of("from burnout.core.errors import DataError\n"
                               "raise DataError('roster.csv, row 3: id is empty')"), root / CLEAN)
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-2:] == [
        "error: [tiny] stage clean: roster.csv, row 3: id is empty",
        f"(the executed notebook is kept in {FAILED})"]
    assert "Traceback" not in result.stderr and "in cell" not in result.stderr


@pytest.mark.slow
def test_output_on_stderr_fails_the_stage(tiny_project, notebook_of):
    root, run = tiny_project
    nbformat.write(notebook_of("import warnings\nwarnings.warn('careful')"), root / CLEAN)
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "wrote to stderr" in result.stderr and "careful" in result.stderr
    assert not (root / EXECUTED).exists() and (root / FAILED).is_file()


@pytest.mark.slow
def test_opening_an_undeclared_file_fails_the_dependency_audit(tiny_project, notebook_of):
    root, run = tiny_project
    nbformat.write(notebook_of("from burnout.core.catalog import study_files\n"
                               "from burnout.core.io import write_text\n"
                               "write_text('x', study_files(study).analysis)"), root / CLEAN)
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "[tiny] dependency audit failed:" in result.stderr
    assert ("stage 'clean' wrote data/processed/tiny/analysis.csv, which it does not declare"
            in result.stderr)
    assert not (root / EXECUTED).exists() and (root / FAILED).is_file()


@pytest.mark.slow
def test_a_kernel_that_dies_mid_stage_fails_the_stage_with_a_message(tiny_project, notebook_of):
    root, run = tiny_project
    # what the kernel feels when the system kills it (out of memory, kill -9)
    nbformat.write(notebook_of("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
                   root / CLEAN)
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert ("error: [tiny] stage clean: the kernel running notebooks/01_clean.ipynb ended "
            "before the notebook did" in result.stderr)
    assert "Traceback" not in result.stderr and not (root / EXECUTED).exists()
