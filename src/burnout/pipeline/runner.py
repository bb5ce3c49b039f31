"""Execute a study's stage notebooks with papermill: deterministic, audited, failures kept.

``run_stage("mentorship", "score")`` executes ``notebooks/02_score.ipynb`` with the stage's
parameters (the design's defaults and ``params/mentorship.yaml``) into
``reports/mentorship/02_score.ipynb``. The executed notebook is stripped of what changes between
runs (timestamps, durations, absolute paths) and written atomically. While it runs, the kernel
records the project files it opens (:mod:`burnout.core.audit`); a file the stage did not declare
fails the stage (:mod:`burnout.pipeline.audit`).

When a cell fails, the partly executed notebook is kept in ``reports/<study>/failed/`` and the
error says which cell, with its code, the exception's type and message; an error about the
data (a :class:`~burnout.core.errors.DataError`) is shown as its message alone, without a
traceback.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient.exceptions import DeadKernelError

from burnout.core.catalog import study_files
from burnout.core.errors import DataError, StageError
from burnout.core.io import write_text
from burnout.core.paths import NOTEBOOKS_DIR, ROOT
from burnout.data.checksums import record_checksums_if_new
from burnout.data.study import load_study
from burnout.designs import design_of
from burnout.pipeline.audit import read_audit_log, undeclared_accesses
from burnout.pipeline.kernel import KERNEL_NAME, StageKernel
from burnout.pipeline.parameters import load_parameters, stage_parameters
from burnout.pipeline.stages import STAGES, study_stages

__all__ = ["run_stage", "run_study", "run_notebook", "strip_volatile_metadata", "KERNEL_NAME",
           "StageError"]

# papermill's notebook-level metadata that changes from run to run.
_VOLATILE_PAPERMILL_KEYS = ("start_time", "end_time", "duration", "exception",
                            "environment_variables")
# Exceptions whose message is the whole story (bad input, not a bug): shown without traceback.
_DATA_ERRORS = ("DataError", "ValidationError", "StudyFileError", "RawFileError")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_volatile_metadata(notebook: nbformat.NotebookNode, study: str,
                            notebook_name: str) -> nbformat.NotebookNode:
    """Remove run-dependent metadata from an executed notebook (in place) and return it.

    Kept: the parameters used and papermill's version. Removed: timestamps, durations, per-cell
    timings, the interpreter's patch version, absolute paths. The cell papermill injects gets a
    fixed id. Consecutive stream outputs of one cell and stream are merged: the kernel sends
    printed text in chunks whose borders depend on timing, so only the merged text is
    reproducible.
    """
    papermill = notebook.metadata.get("papermill", {})
    for key in _VOLATILE_PAPERMILL_KEYS:
        papermill.pop(key, None)
    papermill["input_path"] = f"notebooks/{notebook_name}.ipynb"
    papermill["output_path"] = f"reports/{study}/{notebook_name}.ipynb"
    notebook.metadata.get("language_info", {}).pop("version", None)
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        for key in ("execution", "papermill", "ExecuteTime"):
            cell.metadata.pop(key, None)
        if cell.get("outputs"):
            cell["outputs"] = _merged_streams(cell["outputs"])
    return notebook


def _merged_streams(outputs: list) -> list:
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] = previous["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def _check_parameters(notebook_path: Path, parameters: dict, study: str, stage: str) -> None:
    """Refuse parameters the notebook does not declare, naming the params-file key."""
    import difflib

    import papermill

    declared = papermill.inspect_notebook(str(notebook_path))
    for name in sorted(set(parameters) - set(declared)):
        close = difflib.get_close_matches(name, list(declared), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise StageError(f"params/{study}.yaml, key '{stage}.{name}': not a parameter of "
                         f"notebooks/{notebook_path.name}{hint} (its parameters: "
                         f"{', '.join(sorted(set(declared) - {'study'}))})")


def _stderr_of(notebook: nbformat.NotebookNode) -> list[str]:
    return [f"cell {index}: {output.get('text', '').strip()}"
            for index, cell in enumerate(notebook.cells)
            for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" and output.get("name") == "stderr"]


def _failed_cell(notebook: nbformat.NotebookNode, source: Path):
    """(number, cell, error output) of the first cell with an error; ``number`` counts the
    cells of the template notebook ``source`` from 1 (papermill adds cells to the executed one,
    so the failed cell is found there by its id)."""
    template_ids = [cell.get("id") for cell in nbformat.read(source, as_version=4).cells]
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                number = (template_ids.index(cell.get("id")) + 1
                          if cell.get("id") in template_ids else None)
                return number, cell, output
    return None, None, None


def _failure_message(study: str, stage: str, notebook_name: str, executed: Path | None,
                     error, source: Path) -> str:
    """What went wrong, for a person: the cell, its code, the exception; a data error alone."""
    name, value = getattr(error, "ename", type(error).__name__), getattr(error, "evalue", "")
    cell_text = ""
    if executed is not None and executed.is_file():
        notebook = nbformat.read(executed, as_version=4)
        number, cell, output = _failed_cell(notebook, source)
        if cell is not None:
            name, value = output.get("ename", name), output.get("evalue", value)
            code = "\n".join(f"    {line}" for line in cell.source.splitlines())
            where = f"cell {number}" if number else "a cell"
            cell_text = f" in {where}:\n{code}\n"
            if not value:
                lines = [_ANSI.sub("", line) for line in output.get("traceback", [])]
                value = next((line for line in reversed(lines) if line.strip()), "")
    kept = f"reports/{study}/failed/{notebook_name}.ipynb"
    if name in _DATA_ERRORS:
        return f"[{study}] stage {stage}: {value}\n(the executed notebook is kept in {kept})"
    return (f"[{study}] stage {stage} failed in notebooks/{notebook_name}.ipynb{cell_text or ': '}"
            f"{name}: {value}\n(the executed notebook is kept in {kept})")


def _execute(source: Path, executed: Path, parameters: dict, kernel: StageKernel) -> None:
    """Run papermill on the stage's kernel, started with the audit log switched on."""
    import papermill

    papermill.execute_notebook(str(source), str(executed), parameters=parameters,
                               kernel_name=KERNEL_NAME, cwd=str(ROOT), progress_bar=False,
                               log_output=False, request_save_on_cell_execute=False,
                               km=kernel.manager)


def _keep_failed(executed: Path, study: str, notebook_name: str) -> None:
    if executed.is_file():
        write_text(executed.read_text(encoding="utf-8"),
                   study_files(study).failed_notebook(notebook_name))


def run_stage(study: str, stage: str, log: Callable[[str], None] | None = None,
              kernel: StageKernel | None = None) -> Path:
    """Execute one stage's notebook for ``study``; return the executed notebook's path.

    ``kernel``: the stage notebook's kernel, already started (:mod:`burnout.pipeline.batch`
    starts it before this module is imported, or while other stages run, so that it boots
    meanwhile; see :mod:`burnout.pipeline.kernel`).

    Raises
    ------
    StageError
        On an unknown parameter, an error in a cell (the notebook is kept under
        ``reports/<study>/failed/``), output on stderr, or a file opened without declaration.
    DataError
        When the study file or the parameter file is invalid, or the stage does not apply.
    """
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    described = load_study(study)
    design = design_of(described)
    params = load_parameters(study)
    active = [item.name for item in study_stages(described, params.get("stages"))]
    if stage not in STAGES:
        raise DataError(f"unknown stage '{stage}' (the stages are {', '.join(STAGES)})")
    if stage not in active:
        raise DataError(f"study '{study}' does not run stage '{stage}' (it runs "
                        f"{', '.join(active)})")
    spec = STAGES[stage]
    source = NOTEBOOKS_DIR / f"{spec.notebook}.ipynb"
    parameters = stage_parameters(study, stage, design, params)
    _check_parameters(source, parameters, study, stage)
    if stage == "clean":
        recorded = record_checksums_if_new(described.folder)
        if recorded:
            log(recorded)
    files = study_files(study)
    log(f"[{study}] stage {active.index(stage) + 1}/{len(active)} {stage}: running "
        f"notebooks/{spec.notebook}.ipynb")
    return run_notebook(study, stage, spec.notebook, parameters,
                        lambda reads, writes: undeclared_accesses(spec, study, reads, writes),
                        files.notebook(spec.notebook), log, kernel)


def run_notebook(study: str, stage: str, notebook_name: str, parameters: dict,
                 undeclared: Callable[[set[str], set[str]], list[str]], target: Path,
                 log: Callable[[str], None], kernel: StageKernel | None = None) -> Path:
    """Execute ``notebooks/<notebook_name>.ipynb`` into ``target``: audited, stripped, atomic.

    ``undeclared(reads, writes)`` names the files the run opened without declaring them. On any
    failure the executed notebook is kept in ``reports/<study>/failed/`` and a
    :class:`StageError` says what went wrong. ``kernel``: the notebook's kernel, started early
    (:class:`~burnout.pipeline.kernel.StageKernel`; closed here); by default one is started.
    """
    import papermill

    source = NOTEBOOKS_DIR / f"{notebook_name}.ipynb"
    failed = study_files(study).failed_notebook(notebook_name)
    started = time.perf_counter()
    with kernel or StageKernel(source) as kernel:
        executed = kernel.scratch / f"{notebook_name}.ipynb"
        try:
            _execute(source, executed, parameters, kernel)
        except papermill.PapermillExecutionError as error:
            _keep_failed(executed, study, notebook_name)
            raise StageError(_failure_message(study, stage, notebook_name, executed,
                                              error, source)) from None
        except DeadKernelError:
            _keep_failed(executed, study, notebook_name)
            raise StageError(f"[{study}] stage {stage}: the kernel running "
                             f"notebooks/{notebook_name}.ipynb ended before the notebook did "
                             "(killed, or out of memory: `make all JOBS=1` runs one stage at a "
                             "time, with the least memory)") from None
        notebook = nbformat.read(executed, as_version=4)
        problems = _stderr_of(notebook)
        warm_up = kernel.warm_up_output()
        if warm_up:
            problems.insert(0, f"importing the notebook's modules: {warm_up}")
        if problems:
            _keep_failed(executed, study, notebook_name)
            raise StageError(f"[{study}] stage {stage}: notebooks/{notebook_name}.ipynb wrote "
                             "to stderr; handle the warning in src/burnout so executed notebooks "
                             "stay clean:\n" + "\n".join(problems))
        accesses = undeclared(*read_audit_log(kernel.audit_log))
        if accesses:
            _keep_failed(executed, study, notebook_name)
            raise StageError(f"[{study}] dependency audit failed:\n  " + "\n  ".join(accesses))
    strip_volatile_metadata(notebook, study, notebook_name)
    notebook.metadata["papermill"]["output_path"] = target.relative_to(ROOT).as_posix()
    write_text(nbformat.writes(notebook) + "\n", target)
    failed.unlink(missing_ok=True)
    log(f"[{study}] stage {stage}: done in {time.perf_counter() - started:.1f} s -> "
        f"{target.relative_to(ROOT)}")
    return target


def run_study(study: str, log: Callable[[str], None] | None = None,
              workers: int | None = None) -> list[Path]:
    """Execute every stage ``study`` runs from this process, up to ``workers`` at once (default:
    every usable core), each when the stages it reads from are done, each stage's kernel started
    early (:func:`burnout.pipeline.batch.run_pending`)."""
    from burnout.pipeline.batch import run_pending

    described = load_study(study)
    stages = study_stages(described, load_parameters(study).get("stages"))
    return run_pending([(study, stage.name) for stage in stages], log, workers)
