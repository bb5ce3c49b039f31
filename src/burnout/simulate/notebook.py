"""Execute the teaching lab, ``notebooks/12_simulation.ipynb``, for one study.

``make simulate STUDY=x`` (``python -m burnout simulate x --lab``) executes the notebook with
papermill on the project's kernel into ``reports/<study>/simulation/12_simulation.ipynb``. The
lab is not a stage of ``make all``: its outputs (that notebook, ``reports/<study>/simulation.csv``
and ``figures/<study>/simulation_power.*``) are git-ignored, so the rebuild check never compares
them, and they sit outside ``reports/<study>/*.ipynb``, which nbval re-executes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from burnout.core.errors import StageError
from burnout.core.io import write_text
from burnout.core.paths import NOTEBOOKS_DIR, ROOT, study_paths
from burnout.data.study import load_study

__all__ = ["LAB_NOTEBOOK", "lab_notebook_path", "run_lab_notebook"]

LAB_NOTEBOOK = "12_simulation"  # notebooks/12_simulation.ipynb


def lab_notebook_path(study: str) -> Path:
    """Where the executed lab of ``study`` is written.

    Examples
    --------
    >>> lab_notebook_path("pilot").relative_to(ROOT).as_posix()
    'reports/pilot/simulation/12_simulation.ipynb'
    """
    return study_paths(study).reports / "simulation" / f"{LAB_NOTEBOOK}.ipynb"


def run_lab_notebook(study: str, reps: int, seed: int,
                     strip: Callable | None = None, **options) -> Path:
    """Execute the lab for ``study``; return the executed notebook's path.

    Parameters
    ----------
    study : str
        A built study.
    reps, seed : int
        Replicates per cell of the grid, and the seed.
    strip : callable, optional
        ``strip(notebook, study, name)`` removes run-dependent metadata (the pipeline's
        :func:`burnout.pipeline.runner.strip_volatile_metadata`, passed by the command line).
    **options
        ``dropout``, ``engine``, ``workers``, ``scheduler`` (papermill parameters).

    Raises
    ------
    DataError
        An unknown study.
    StageError
        A cell of the notebook failed.
    """
    import nbformat
    import papermill

    load_study(study)
    parameters = {"study": study, "reps": int(reps), "seed": int(seed), **options}
    target = lab_notebook_path(study)
    with tempfile.TemporaryDirectory(prefix="burnout-simulate-") as scratch:
        executed = Path(scratch) / f"{LAB_NOTEBOOK}.ipynb"
        try:
            papermill.execute_notebook(str(NOTEBOOKS_DIR / f"{LAB_NOTEBOOK}.ipynb"),
                                       str(executed), parameters=parameters,
                                       kernel_name="burnout", cwd=str(ROOT),
                                       progress_bar=False)
        except papermill.PapermillExecutionError as error:
            raise StageError(f"[{study}] the simulation lab failed in notebooks/"
                             f"{LAB_NOTEBOOK}.ipynb: {error.ename}: {error.evalue}") from None
        notebook = nbformat.read(executed, as_version=4)
    if strip is not None:
        strip(notebook, study, LAB_NOTEBOOK)
        notebook.metadata["papermill"]["output_path"] = target.relative_to(ROOT).as_posix()
    write_text(nbformat.writes(notebook) + "\n", target)
    return target
