"""Run the stages ``make all`` would run, from one process, side by side where they may.

``make all`` first asks make which recipes a build would run (``make --dry-run build``: make's own
dependency tracking, in make's order) and pipes the list to ``python -m burnout run-pending``
(:func:`pending_jobs`, :func:`run_pending`). That process runs those stages as
``python -m burnout run <study> <stage>`` would, one fresh kernel per stage with the same
parameters, audit, failure handling and atomic writes (:func:`burnout.pipeline.runner.run_stage`),
but:

* it imports papermill once;
* it runs up to one stage per core at once (``make all JOBS=1``: one at a time), each as soon as
  the stages that write what it reads are done (:func:`job_dependencies`, from the stages'
  declarations, which the dependency audit holds them to); of the stages ready, the one heading
  the longest chain of work to the end goes first, timed by the last run
  (:data:`SECONDS_FILE`). A stage's outputs depend only on what it reads, so they are the same
  in any order;
* it starts the next stage's kernel while others run, so the kernel has imported the stage's
  libraries when the stage begins (:class:`burnout.pipeline.kernel.StageKernel`). On Linux the
  kernels are forked from a zygote (:mod:`burnout.pipeline.zygote`) that imported ipykernel and
  every pending stage's libraries once, while this process imported the runner; elsewhere each
  kernel is a process importing them itself.

Then ``make build`` finds every stage it ran up to date, and runs whatever else is left. The first
failure stops the run as it stops ``make -j``: no stage starts after it, the stages already
running finish, and the outputs of the stages not run stay as they were.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from burnout.core.paths import BUILD_DIR, NOTEBOOKS_DIR

__all__ = ["pending_jobs", "run_pending", "job_dependencies", "usable_cores"]

# A recipe of the generated rules (pipeline.makefile) or of the synthesis (the Makefile).
_STAGE_RECIPE = re.compile(r"-m burnout run (\S+) (\S+)\s*$")
_SYNTHESIS_RECIPE = re.compile(r"-m burnout synthesis\s*$")
_SYNTHESIS_NOTEBOOK = "11_synthesis"  # pipeline.synthesis.SYNTHESIS_NOTEBOOK (not imported here)
# How many waiting stages have their kernel started early: each costs a forked process (about
# 200 MB). Two ahead measured no faster on 2 cores (mentorship, one stage at a time: 51.8 s with
# one, 56.8 s with two, same load).
AHEAD = 1
# How long each stage last took, by "study/stage": the next run starts first the stage heading the
# longest chain of work (make's own bookkeeping folder, never committed).
SECONDS_FILE = BUILD_DIR / "stage-seconds.json"


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


def usable_cores() -> int:
    """How many cores this process may use (its CPU affinity; the CPU count elsewhere)."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def job_dependencies(jobs: list[tuple[str, str | None]]) -> list[set[int]]:
    """For each job, the earlier jobs it must wait for: those of the same study whose stage
    writes, directly or through other stages, something its stage reads (the stages'
    declarations, :func:`burnout.pipeline.stages.ancestors`). The synthesis, which reads every
    study's results, and a stage name that is not a stage (its run says so) wait for every job
    before them, and every job after them waits for them.

    Examples
    --------
    >>> job_dependencies([("pilot", "clean"), ("pilot", "score"), ("pilot", "survey"),
    ...                   ("pilot", "describe"), ("synthesis", None)])
    [set(), {0}, {0}, {0, 1}, {0, 1, 2, 3}]
    """
    from burnout.pipeline.stages import STAGES, ancestors

    def barrier(job: tuple[str, str | None]) -> bool:
        return job[1] not in STAGES

    needs = []
    for index, (study, stage) in enumerate(jobs):
        before = range(index)
        if barrier(jobs[index]):
            needs.append(set(before))
            continue
        needs.append({other for other in before
                      if barrier(jobs[other]) or (jobs[other][0] == study
                                                  and jobs[other][1] in ancestors(stage))})
    return needs


def run_pending(jobs: list[tuple[str, str | None]],
                log: Callable[[str], None] | None = None, workers: int | None = None
                ) -> list[Path]:
    """Run ``jobs`` (from :func:`pending_jobs`); return the executed notebooks, in job order.

    Up to ``workers`` stages run at once (default: :func:`usable_cores`), each as soon as the
    jobs it reads from (:func:`job_dependencies`) are done; of the jobs ready, the one heading
    the longest chain of work to the end first (each job timed by its last run,
    :data:`SECONDS_FILE`), then the earliest in ``jobs``. ``workers=1`` runs them one after the
    other, in the order of ``jobs``. Each stage's outputs depend only on
    what it declares it reads (the dependency audit checks this), so they are the same either
    way. The first failure stops the run as it stops ``make -j``: no further stage starts, the
    stages already running finish, and the failure is raised (any later one is logged).

    Raises
    ------
    StageError, DataError
        As the failing stage raises them.
    """
    if not jobs:
        return []
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    lock = threading.Lock()

    def log_line(line: str) -> None:  # one line at a time from the stages' threads
        with lock:
            say(line)

    workers = max(1, min(workers or usable_cores(), len(jobs)))
    needs = job_dependencies(jobs)
    _skip_unused_iri_checker()
    zygote = _zygote(jobs)
    seconds = _recorded_seconds()
    scheduler = _Scheduler(jobs, needs, workers, lambda job: _kernel(job, zygote), log_line,
                           seconds)
    try:
        return scheduler.run()
    finally:
        scheduler.close()
        _record_seconds(seconds)
        if zygote is not None:
            zygote.close()


def _run_job(job: tuple[str, str | None], kernel, log: Callable[[str], None]) -> Path:
    """Run one job on its started kernel (closed afterwards, whatever happens)."""
    study, stage = job
    try:
        if stage is None:
            from burnout.pipeline.synthesis import run_synthesis

            return run_synthesis(log, kernel=kernel)
        from burnout.pipeline.runner import run_stage

        return run_stage(study, stage, log, kernel=kernel)
    finally:
        if kernel is not None:
            kernel.close()


def _timed_job(job: tuple[str, str | None], kernel, log: Callable[[str], None]
               ) -> tuple[Path, float]:
    started = time.perf_counter()
    return _run_job(job, kernel, log), round(time.perf_counter() - started, 2)


def _job_key(job: tuple[str, str | None]) -> str:
    return f"{job[0]}/{job[1] or 'synthesis'}"


def _recorded_seconds() -> dict[str, float]:
    """How long each stage took when it last ran (:data:`SECONDS_FILE`; none when unreadable)."""
    try:
        recorded = json.loads(SECONDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return ({key: value for key, value in recorded.items() if isinstance(value, (int, float))}
            if isinstance(recorded, dict) else {})


def _record_seconds(seconds: dict[str, float]) -> None:
    from burnout.core.io import write_text

    with contextlib.suppress(OSError):  # only a hint for the next run's order
        write_text(json.dumps(seconds, indent=1, sort_keys=True) + "\n", SECONDS_FILE)


def _chain_seconds(jobs: list[tuple[str, str | None]], needs: list[set[int]],
                   seconds: dict[str, float]) -> list[float]:
    """For each job, the seconds of the longest chain of jobs from it to the end (each job's
    last recorded time, 1 s if none), through the jobs that wait for it.

    Examples
    --------
    >>> jobs = [("s", "clean"), ("s", "score"), ("s", "survey"), ("s", "describe")]
    >>> _chain_seconds(jobs, [set(), {0}, {0}, {0, 1}], {"s/survey": 3.0})
    [4.0, 2.0, 3.0, 1.0]
    """
    chain = [0.0] * len(jobs)
    for index in reversed(range(len(jobs))):
        after = [chain[other] for other in range(index + 1, len(jobs)) if index in needs[other]]
        chain[index] = seconds.get(_job_key(jobs[index]), 1.0) + max(after, default=0.0)
    return chain


class _Scheduler:
    """Runs up to ``workers`` jobs at once, each on a thread driving its kernel through
    papermill, starting the kernels of the next :data:`AHEAD` waiting jobs early, in this
    thread."""

    def __init__(self, jobs, needs, workers, start_kernel, log, seconds) -> None:
        self.jobs, self.needs, self.workers = jobs, needs, workers
        self.start_kernel, self.log = start_kernel, log
        self.kernels: dict[int, object] = {}  # started early or running, by job
        self.running: dict = {}  # future -> job index
        # Of the jobs ready to run, the one heading the longest chain of work to the end goes
        # first (that chain is the run's least possible time); then make's order. One worker
        # keeps make's order.
        self.seconds = seconds  # by "study/stage": the last run's times, updated as jobs end
        chain = _chain_seconds(jobs, needs, seconds) if workers > 1 else [0.0] * len(jobs)
        self.priority = sorted(range(len(jobs)), key=lambda index: (-chain[index], index))

    def _submit(self, waiting: list[int], done: set[int]) -> None:
        for index in [index for index in self.priority
                      if index in waiting and self.needs[index] <= done]:
            if len(self.running) >= self.workers:
                break
            waiting.remove(index)
            if index not in self.kernels:
                self.kernels[index] = self.start_kernel(self.jobs[index])
            self.running[self._start(index)] = index
        for index in [index for index in self.priority if index in waiting][:AHEAD]:
            # they boot while the running stages work
            if index not in self.kernels:
                self.kernels[index] = self.start_kernel(self.jobs[index])

    def _start(self, index: int):
        """Run job ``index`` on a thread of its own; its future.

        A daemon thread, not a thread pool's: when the run is interrupted, :meth:`close` stops
        the kernels, but papermill's client may wait for a message from a stopped kernel for
        ever (it blocks on the socket), and the process must still be able to exit."""
        from concurrent.futures import Future

        future: Future = Future()

        def work() -> None:
            try:
                future.set_result(_timed_job(self.jobs[index], self.kernels[index], self.log))
            except BaseException as error:  # noqa: BLE001 - handed to the scheduler's thread
                future.set_exception(error)

        threading.Thread(target=work, name=f"burnout-stage-{index}", daemon=True).start()
        return future

    def run(self) -> list[Path]:
        from concurrent.futures import FIRST_COMPLETED, wait

        # The runner's imports (papermill ...) while the zygote imports the stages' libraries.
        import burnout.pipeline.runner  # noqa: F401

        waiting, done, written, failures = list(range(len(self.jobs))), set(), {}, []
        while waiting or self.running:
            if not failures:
                self._submit(waiting, done)
            if not self.running:  # a failure, and nothing left running
                break
            finished, _ = wait(self.running, return_when=FIRST_COMPLETED)
            for future in finished:
                index = self.running.pop(future)
                self.kernels.pop(index, None)
                if future.exception() is not None:
                    if failures:
                        self.log(f"also failed: {future.exception()}")
                    failures.append(future.exception())
                else:
                    written[index], self.seconds[_job_key(self.jobs[index])] = future.result()
                    done.add(index)
        if failures:
            raise failures[0]
        return [written[index] for index in sorted(written)]

    def close(self) -> None:
        """Stop every kernel still open: those started early, and, when the run was interrupted,
        the running stages' (their threads are left to end with the process)."""
        for kernel in self.kernels.values():
            if kernel is not None:
                kernel.close()
