"""Running replicates on local cores (joblib) or on a dask.distributed cluster.

Every replicate has its own seed, a child of one :class:`numpy.random.SeedSequence` of the
run's seed (``SeedSequence(seed).spawn(reps)``). A replicate's datasets and results depend on
its seed only, never on which worker ran it or with which others, and the results are put back
in replicate order before they are summarised: the same seed gives the same numbers on either
engine and with any number of workers.

Within a replicate every effect and sample size starts from the same seed (*common random
numbers*): the datasets under effects 0 and 2 differ only by the effect, so a power curve is
smooth and differences between settings are estimated more precisely than with independent
draws.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.simulate.methods import analyse
from burnout.simulate.model import StudyModel, draw, with_settings

__all__ = ["ENGINES", "replicate_seeds", "run_replicates", "REPLICATE_COLUMNS"]

ENGINES = ("joblib", "dask")
REPLICATE_COLUMNS = ["replicate", "setting", "effect", "outcome", "method", "estimate",
                     "ci_low", "ci_high", "p"]


def replicate_seeds(seed: int, reps: int) -> list[np.random.SeedSequence]:
    """One seed per replicate, children of ``SeedSequence(seed)``.

    Examples
    --------
    >>> [int(child.generate_state(1)[0]) for child in replicate_seeds(1, 2)] == [
    ...     int(child.generate_state(1)[0]) for child in replicate_seeds(1, 3)[:2]]
    True
    """
    return np.random.SeedSequence(seed).spawn(reps)


def _chunk(model: StudyModel, settings: Sequence, effects: Sequence[float],
           replicates: Sequence[tuple[int, np.random.SeedSequence]]) -> list[tuple]:
    """The result rows of some replicates (run in a worker)."""
    import gc

    from threadpoolctl import threadpool_limits

    # The libraries' hundred thousand long-lived objects leave the cyclic collector's scans:
    # a replicate allocates many small objects, and each full collection walked them all.
    gc.freeze()
    rows = []
    models = [with_settings(model, sizes=sizes) for sizes in settings]
    # One BLAS thread: a study-sized fit gains nothing from threads, and workers share the cores.
    with threadpool_limits(limits=1):
        for index, seed in replicates:
            for setting, sized in enumerate(models):
                for effect in effects:
                    wide, long = draw(sized, effect, np.random.default_rng(seed))
                    rows += [(index, setting, effect, *row)
                             for row in analyse(sized, wide, long)]
    return rows


def _chunks(reps: int, seed: int, workers: int) -> list[list]:
    numbered = list(enumerate(replicate_seeds(seed, reps)))
    size = max(1, min(50, reps // (workers * 8) or 1))
    return [numbered[start:start + size] for start in range(0, reps, size)]


def _progress(total: int, show: bool | None):
    from tqdm import tqdm

    visible = sys.stderr.isatty() if show is None else show
    return tqdm(total=total, unit="rep", file=sys.stderr, disable=not visible,
                desc="simulating", leave=False)


def _run_joblib(tasks, workers: int, bar) -> list:
    from joblib import Parallel, delayed

    results = []
    parallel = Parallel(n_jobs=workers, return_as="generator")
    for (count, _), rows in zip(tasks, parallel(delayed(_chunk)(*task) for _, task in tasks),
                                strict=True):
        results.append(rows)
        bar.update(count)
    return results


def _run_dask(tasks, workers: int, scheduler: str | None, bar) -> list:
    from distributed import Client, LocalCluster, as_completed

    cluster = None if scheduler else LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR)
    try:
        with Client(scheduler or cluster) as client:
            model = client.scatter(tasks[0][1][0], broadcast=True)
            futures = [client.submit(_chunk, model, *task[1:], pure=False)
                       for _, task in tasks]
            order = {future.key: position for position, future in enumerate(futures)}
            results: list = [None] * len(futures)
            for future in as_completed(futures):
                results[order[future.key]] = future.result()
                bar.update(tasks[order[future.key]][0])
            return results
    finally:
        if cluster is not None:
            cluster.close()


def run_replicates(model: StudyModel, effects: Sequence[float], reps: int, seed: int,
                   settings: Sequence | None = None, engine: str = "joblib",
                   workers: int | None = None, scheduler: str | None = None,
                   progress: bool | None = None) -> pd.DataFrame:
    """Draw and analyse ``reps`` replicates of ``model`` under every effect and setting.

    Parameters
    ----------
    model : StudyModel
        The data-generating model.
    effects : sequence of float
        Effects in scale points (added to the intervention group's follow-up scores).
    reps, seed : int
        Replicates per effect and setting, and the run's seed.
    settings : sequence of sizes, optional
        Group sizes to simulate (default: the model's).
    engine : {"joblib", "dask"}
        Local processes (joblib) or dask.distributed (a LocalCluster unless ``scheduler``).
    workers : int, optional
        Worker processes (default: the machine's cores; ignored with ``scheduler``).
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``).
    progress : bool, optional
        Show a tqdm progress bar on stderr (default: when stderr is a terminal).

    Returns
    -------
    pandas.DataFrame
        One row per replicate, setting, effect, outcome and analysis
        (:data:`REPLICATE_COLUMNS`), in that order.
    """
    if engine not in ENGINES:
        raise DataError(f"simulate: unknown engine {engine!r}; use one of {list(ENGINES)}")
    workers = (os.cpu_count() or 1) if workers is None else workers
    if not (isinstance(workers, int) and workers >= 1):
        raise DataError(f"simulate: workers must be a whole number of at least 1, got {workers}")
    settings = [model.sizes] if settings is None else [tuple(sizes) for sizes in settings]
    effects = [float(effect) for effect in effects]
    tasks = [(len(chunk), (model, settings, effects, chunk))
             for chunk in _chunks(reps, seed, workers)]
    with _progress(reps, progress) as bar:
        chunks = (_run_dask(tasks, workers, scheduler, bar) if engine == "dask"
                  else _run_joblib(tasks, workers, bar))
    rows = [row for chunk in chunks for row in chunk]
    return pd.DataFrame(rows, columns=REPLICATE_COLUMNS)
