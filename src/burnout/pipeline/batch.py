"""Run the stages ``make all`` would run, in one process, each stage's kernel started early.

``make all`` first asks make which recipes a build would run (``make --dry-run build``: make's own
dependency tracking, in make's order) and pipes the list to ``python -m burnout run-pending``
(:func:`pending_jobs`, :func:`run_pending`). That process runs those stages one after the other
as ``python -m burnout run <study> <stage>`` would, one fresh kernel per stage with the same
parameters, audit, failure handling and atomic writes (:func:`burnout.pipeline.runner.run_stage`),
but it imports papermill once, and it starts each stage's kernel while the previous stage runs, so
the kernel has imported the stage's libraries when the stage begins
(:class:`burnout.pipeline.kernel.StageKernel`). On Linux the kernels are forked from a zygote
(:mod:`burnout.pipeline.zygote`) that imported ipykernel and every pending stage's libraries
once, while this process imported the runner; elsewhere each kernel is a process importing them
itself. Then ``make build`` finds every stage it ran up to date, and runs whatever else is left.
The first failure stops the run (the stages after it are not run; their outputs stay as they
were), as it stops make.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from burnout.core.paths import NOTEBOOKS_DIR

__all__ = ["pending_jobs", "run_pending"]

# A recipe of the generated rules (pipeline.makefile) or of the synthesis (the Makefile).
_STAGE_RECIPE = re.compile(r"-m burnout run (\S+) (\S+)\s*$")
_SYNTHESIS_RECIPE = re.compile(r"-m burnout synthesis\s*$")
_SYNTHESIS_NOTEBOOK = "11_synthesis"  # pipeline.synthesis.SYNTHESIS_NOTEBOOK (not imported here)
# How many stages ahead a kernel is started: each costs a process and its imports (about 3 s of
# CPU and 200 MB), done on the other core while a stage runs. Two ahead measured no faster on 2
# cores (mentorship: 51.8 s with one, 56.8 s with two, same load).
AHEAD = 1


def pending_jobs(dry_run: Iterable[str]) -> list[tuple[str, str | None]]:
    """The stages a dry run of make would run, in its order: ``(study, stage)``, and
    ``("synthesis", None)`` for the evidence synthesis; other recipes are left to make.

    Examples
    --------
    >>> pending_jobs([".venv/bin/python -m burnout run pilot clean",
    ...               "echo done", ".venv/bin/python -m burnout synthesis"])
    [('pilot', 'clean'), ('synthesis', None)]
    """
    jobs: list[tuple[str, str | None]] = []
    for line in dry_run:
        stage = _STAGE_RECIPE.search(line)
        if stage:
            jobs.append((stage.group(1), stage.group(2)))
        elif _SYNTHESIS_RECIPE.search(line):
            jobs.append(("synthesis", None))
    return jobs


def _notebook(job: tuple[str, str | None]) -> Path | None:
    from burnout.pipeline.stages import STAGES

    study, stage = job
    name = _SYNTHESIS_NOTEBOOK if stage is None else getattr(STAGES.get(stage), "notebook", None)
    path = NOTEBOOKS_DIR / f"{name}.ipynb"
    return path if name and path.is_file() else None


def _kernel(job: tuple[str, str | None] | None, zygote=None):
    from burnout.pipeline.kernel import StageKernel

    notebook = _notebook(job) if job else None
    return StageKernel(notebook, zygote) if notebook else None


def _zygote(jobs: list[tuple[str, str | None]]):
    """A zygote importing the libraries of every job's notebook (None where forking is not
    available: each kernel is then a process of its own)."""
    import os

    from jupyter_client.kernelspec import KernelSpecManager

    from burnout.pipeline.dependencies import library_imports
    from burnout.pipeline.kernel import KERNEL_NAME
    from burnout.pipeline.zygote import forking_available, start_zygote

    command = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv
    if not forking_available() or "-m" not in command:
        return None

    def modules() -> list[str]:  # found while the zygote imports ipykernel
        notebooks = dict.fromkeys(notebook for notebook in map(_notebook, jobs) if notebook)
        return list(dict.fromkeys(name for notebook in notebooks
                                  for name in library_imports(notebook)))

    return start_zygote(command[:command.index("-m")], modules, dict(os.environ))


def _skip_unused_iri_checker() -> None:
    """Have jsonschema (imported by nbformat and papermill) find no ``rfc3987_syntax``.

    When installed, jsonschema imports it for the "iri" format checks, and it builds about 35
    Lark parsers when imported: about 2 s of CPU on this machine before the first stage can run
    (python-jsonschema/jsonschema#1428). nbformat validates notebooks with no format checker
    and its schemas use no "iri" format, so this process never needs it; jsonschema then leaves
    those two formats unchecked, as when the package is absent. Only when jsonschema is not yet
    imported (else it is too late, and nothing changes).
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # an import of it raises ImportError


def run_pending(jobs: list[tuple[str, str | None]],
                log: Callable[[str], None] | None = None) -> list[Path]:
    """Run ``jobs`` (from :func:`pending_jobs`) in order; return the executed notebooks.

    Raises
    ------
    StageError, DataError
        As the failing stage raises them; the later jobs are not run.
    """
    if not jobs:
        return []
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    _skip_unused_iri_checker()
    zygote = _zygote(jobs)
    kernels: list = []
    written = []
    try:
        # The runner's imports (papermill ...) while the zygote imports the stages' libraries.
        from burnout.pipeline.runner import run_stage

        # The kernels of the next AHEAD stages start, and import their libraries, while one runs.
        kernels += [_kernel(job, zygote) for job in jobs[:AHEAD + 1]]
        for index, (study, stage) in enumerate(jobs):
            kernel = kernels.pop(0)
            if index + AHEAD + 1 < len(jobs):
                kernels.append(_kernel(jobs[index + AHEAD + 1], zygote))
            try:
                if stage is None:
                    from burnout.pipeline.synthesis import run_synthesis

                    written.append(run_synthesis(log, kernel=kernel))
                else:
                    written.append(run_stage(study, stage, log, kernel=kernel))
            finally:
                if kernel is not None:
                    kernel.close()
    finally:
        for kernel in kernels:
            if kernel is not None:
                kernel.close()
        if zygote is not None:
            zygote.close()
    return written
