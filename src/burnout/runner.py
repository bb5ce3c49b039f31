"""Execute a study's notebooks with papermill, deterministically.

``run_stage("mentorship", "score")`` executes ``notebooks/02_score.ipynb`` with the parameters of
``params/mentorship.yaml`` into ``reports/mentorship/02_score.ipynb``. The executed notebook is
stripped of everything that changes between runs (papermill's timestamps and durations, the
kernel's execution timings, absolute paths) and written atomically, so a rebuild gives the same
bytes and an interrupted run never leaves a half-written notebook.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager

from burnout.errors import DataError
from burnout.io import write_text
from burnout.parameters import load_parameters, stage_parameters
from burnout.paths import NOTEBOOKS_DIR, ROOT, study_paths
from burnout.stages import STAGES, stage_order

__all__ = ["run_stage", "run_study", "strip_volatile_metadata", "KERNEL_NAME", "StageError"]

# The Jupyter kernel that `make` registers inside .venv, so notebooks never run elsewhere.
KERNEL_NAME = "burnout"

# papermill's notebook-level metadata that changes from run to run.
_VOLATILE_PAPERMILL_KEYS = (
    "start_time",
    "end_time",
    "duration",
    "exception",
    "environment_variables",
)


class StageError(RuntimeError):
    """A stage failed: bad parameters, an error in a cell, or output written to stderr."""


def strip_volatile_metadata(
    notebook: nbformat.NotebookNode, study: str, notebook_name: str
) -> nbformat.NotebookNode:
    """Remove run-dependent metadata from an executed notebook (in place) and return it.

    Kept: the parameters used and papermill's version. Removed: timestamps, durations,
    per-cell execution timings, the interpreter's patch version, absolute paths. The cell
    papermill injects gets a fixed id instead of a random one. Consecutive stream outputs of
    one cell and one stream are merged: the kernel sends printed text in chunks whose borders
    depend on timing (a busy machine can split one ``print`` in two), so only the merged text
    is reproducible.
    """
    papermill = notebook.metadata.get("papermill", {})
    for key in _VOLATILE_PAPERMILL_KEYS:
        papermill.pop(key, None)
    papermill["input_path"] = f"notebooks/{notebook_name}.ipynb"
    papermill["output_path"] = f"reports/{study}/{notebook_name}.ipynb"
    notebook.metadata.get("language_info", {}).pop("version", None)
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.get("outputs"):
            cell["outputs"] = _merged_streams(cell["outputs"])
    return notebook


def _merged_streams(outputs: list) -> list:
    """``outputs`` with each run of consecutive same-name stream outputs joined into one."""
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


def _check_parameters(notebook_path: Path, parameters: dict) -> None:
    """Refuse parameters the notebook does not declare in its ``parameters`` cell."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook_path))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise StageError(
            f"{notebook_path.relative_to(ROOT)}: unknown parameter(s) {unknown} "
            f"(from params file); the notebook declares {sorted(declared)}"
        )


def _stderr_of(notebook: nbformat.NotebookNode) -> list[str]:
    """Texts the notebook's cells wrote to stderr (warnings included)."""
    texts = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                texts.append(f"cell {index}: {output.get('text', '').strip()}")
    return texts


def run_stage(study: str, stage: str, log: Callable[[str], None] | None = None) -> Path:
    """Execute one stage's notebook for ``study`` and return the executed notebook's path.

    Parameters
    ----------
    study : str
        Study name; its parameters come from ``params/<study>.yaml``.
    stage : str
        Stage name (a key of :data:`burnout.stages.STAGES`).
    log : callable, optional
        Receives one progress line when the stage starts and one when it ends.

    Raises
    ------
    StageError
        On an unknown parameter, an error in a cell, or any output on stderr (executed
        notebooks must be clean and deterministic; warnings are handled in ``src/burnout``).

    Examples
    --------
    >>> run_stage("mentorship", "score")  # doctest: +SKIP
    PosixPath('.../reports/mentorship/02_score.ipynb')
    """
    import papermill

    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    params = load_parameters(study)
    if stage not in params["stages"]:
        raise StageError(f"params/{study}.yaml: stage '{stage}' is not in its 'stages' list")
    spec = STAGES[stage]
    source = NOTEBOOKS_DIR / f"{spec.notebook}.ipynb"
    if not source.is_file():
        raise StageError(f"{source}: notebook of stage '{stage}' is missing")
    parameters = stage_parameters(params, stage)
    _check_parameters(source, parameters)
    target = study_paths(study).reports / f"{spec.notebook}.ipynb"
    position = params["stages"].index(stage) + 1
    log(
        f"[{study}] stage {position}/{len(params['stages'])} {stage}: "
        f"running notebooks/{spec.notebook}.ipynb"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="burnout-run-") as scratch:
        executed_path = Path(scratch) / f"{spec.notebook}.ipynb"
        # A local IPC transport (sockets in the scratch folder) rather than TCP on localhost:
        # nothing listens on the network, and the kernel has no reason to warn about it.
        kernel_manager = KernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=str(Path(scratch) / "kernel")
        )
        try:
            papermill.execute_notebook(
                str(source),
                str(executed_path),
                parameters=parameters,
                kernel_name=KERNEL_NAME,
                cwd=str(ROOT),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                km=kernel_manager,
            )
        except papermill.PapermillExecutionError as error:
            raise StageError(
                f"[{study}] stage {stage} failed in notebooks/{spec.notebook}.ipynb, "
                f"cell {error.exec_count}: {error.ename}: {error.evalue}"
            ) from None
        finally:
            # papermill shuts down only the kernels it starts itself; this one is ours. The
            # notebook has finished and its outputs are in hand, so no graceful wait is needed.
            if kernel_manager.has_kernel:
                kernel_manager.shutdown_kernel(now=True)
        executed = nbformat.read(executed_path, as_version=4)
    warnings = _stderr_of(executed)
    if warnings:
        raise StageError(
            f"[{study}] stage {stage}: notebooks/{spec.notebook}.ipynb wrote to stderr; handle "
            "the warning in src/burnout so executed notebooks stay clean:\n" + "\n".join(warnings)
        )
    strip_volatile_metadata(executed, study, spec.notebook)
    write_text(nbformat.writes(executed) + "\n", target)
    log(
        f"[{study}] stage {position}/{len(params['stages'])} {stage}: done in "
        f"{time.perf_counter() - started:.1f} s -> {target.relative_to(ROOT)}"
    )
    return target


def run_study(study: str, log: Callable[[str], None] | None = None) -> list[Path]:
    """Execute every stage of ``study`` in order (what ``make all STUDY=<study>`` does)."""
    params = load_parameters(study)
    try:
        order = stage_order(params["stages"])
    except (KeyError, ValueError) as error:
        raise DataError(f"params/{study}.yaml: {error}") from None
    return [run_stage(study, stage.name, log=log) for stage in order]
