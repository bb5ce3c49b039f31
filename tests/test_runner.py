"""The papermill runner: parameters from the YAML file, strict names, deterministic output."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import make_notebook

from burnout.runner import strip_volatile_metadata

pytestmark = pytest.mark.slow


def test_stage_runs_with_yaml_parameters_and_rebuilds_byte_identical(tiny_project):
    root, run = tiny_project
    result = run("run", "tiny", "clean")
    assert result.returncode == 0, result.stderr
    assert "[tiny] stage 1/1 clean: running notebooks/01_clean.ipynb" in result.stderr
    assert (root / "data/processed/tiny/table.csv").read_text() == "x,y\n1,3\n2,6\n"
    executed = root / "reports/tiny/01_clean.ipynb"
    first = executed.read_bytes()
    notebook = json.loads(first)
    assert notebook["metadata"]["papermill"]["parameters"] == {"study": "tiny", "multiplier": 3}
    assert "start_time" not in notebook["metadata"]["papermill"]
    assert "version" not in notebook["metadata"]["language_info"]
    assert all("execution" not in cell["metadata"] for cell in notebook["cells"])
    assert run("run", "tiny", "clean").returncode == 0
    assert executed.read_bytes() == first


def test_unknown_parameter_is_an_error_not_a_warning(tiny_project):
    root, run = tiny_project
    (root / "params/tiny.yaml").write_text(
        "study: tiny\nstages: [clean]\nclean:\n  multiplyer: 3\n"
    )
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "unknown parameter(s) ['multiplyer']" in result.stderr
    assert not (root / "reports/tiny/01_clean.ipynb").exists()


def test_failing_cell_names_stage_and_error_and_writes_nothing(tiny_project):
    root, run = tiny_project
    nbformat.write(
        make_notebook('study = "tiny"\nmultiplier = 1', ["1 / 0"]),
        root / "notebooks/01_clean.ipynb",
    )
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "stage clean failed" in result.stderr and "ZeroDivisionError" in result.stderr
    assert not (root / "reports/tiny/01_clean.ipynb").exists()


def test_output_on_stderr_fails_the_stage(tiny_project):
    root, run = tiny_project
    nbformat.write(
        make_notebook(
            'study = "tiny"\nmultiplier = 1', ["import warnings\nwarnings.warn('careful')"]
        ),
        root / "notebooks/01_clean.ipynb",
    )
    result = run("run", "tiny", "clean")
    assert result.returncode == 1
    assert "wrote to stderr" in result.stderr and "careful" in result.stderr


def test_unknown_study_is_reported():
    from burnout.__main__ import main

    assert main(["run", "no_such_study"]) == 1


def test_strip_volatile_metadata_removes_timings():
    notebook = make_notebook("study = 'x'", ["1"])
    notebook.metadata["papermill"] = {
        "start_time": "t",
        "end_time": "t",
        "duration": 1.0,
        "parameters": {"study": "x"},
        "input_path": "/abs/in",
    }
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    notebook.cells[1].metadata["execution"] = {"iopub.status.busy": "t"}
    notebook.cells[1].metadata["papermill"] = {"duration": 0.1}
    strip_volatile_metadata(notebook, "x", "01_clean")
    assert notebook.metadata["papermill"] == {
        "parameters": {"study": "x"},
        "input_path": "notebooks/01_clean.ipynb",
        "output_path": "reports/x/01_clean.ipynb",
    }
    assert notebook.metadata["language_info"] == {"name": "python"}
    assert "execution" not in notebook.cells[1].metadata
    assert "papermill" not in notebook.cells[1].metadata


def test_strip_volatile_metadata_merges_split_stream_chunks():
    notebook = make_notebook("study = 'x'", ["print('wrote a.csv')"])
    stream = nbformat.v4.new_output
    notebook.cells[1].outputs = [
        stream("stream", name="stdout", text="wrote"),  # one print split by a busy kernel
        stream("stream", name="stdout", text=" a.csv\n"),
        stream("stream", name="stderr", text="warning\n"),
        stream("display_data", data={"text/plain": "table"}),
        stream("stream", name="stdout", text="after\n"),
    ]
    strip_volatile_metadata(notebook, "x", "01_clean")
    outputs = notebook.cells[1].outputs
    assert [output.get("text") for output in outputs] == [
        "wrote a.csv\n", "warning\n", None, "after\n"]  # display order kept
