"""Simulate a study: power, type-I error, bias and coverage of every analysis it declares.

:func:`simulate` runs replicates of a study's data-generating model
(:mod:`burnout.simulate.model`) under each effect and sample size and summarises them
(:func:`summarise`); :func:`write_simulation` writes ``reports/<study>/simulation.csv``;
:func:`simulation_grid` runs the teaching lab's grid of effects and sample sizes and
:func:`minimal_detectable_difference` reads the smallest effect detected with 80% power off it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.core.io import write_text
from burnout.core.paths import study_paths
from burnout.simulate.engine import run_replicates
from burnout.simulate.methods import ON_EFFECT_SCALE
from burnout.simulate.model import StudyModel, study_model, with_settings

__all__ = ["ALPHA", "SUMMARY_COLUMNS", "simulate", "summarise", "write_simulation",
           "simulation_path", "effect_grid", "simulation_grid", "minimal_detectable_difference",
           "SIMULATION_FLOAT_FORMAT"]

ALPHA = 0.05  # two-sided significance level of every test
# Monte-Carlo summaries carry no more digits than this (and the file is the same byte for byte
# whatever the engine, whose last-bit differences would show in more digits).
SIMULATION_FLOAT_FORMAT = "%.6g"
SUMMARY_COLUMNS = ["outcome", "method", "effect", "n_intervention", "n_control", "dropout",
                   "reps", "failed", "rejection_rate", "mc_se", "mean_estimate", "bias",
                   "coverage"]


def _checked(effects, reps, seed) -> list[float]:
    if not (isinstance(reps, (int, np.integer)) and not isinstance(reps, bool) and reps >= 1):
        raise DataError(f"simulate: reps must be a whole number of at least 1, got {reps!r}")
    if not (isinstance(seed, (int, np.integer)) and seed >= 0):
        raise DataError(f"simulate: seed must be a whole number of at least 0, got {seed!r}")
    try:
        effects = [float(effect) for effect in effects]
    except (TypeError, ValueError):
        raise DataError(f"simulate: effects must be numbers, got {effects!r}") from None
    if not effects or not all(math.isfinite(effect) for effect in effects):
        raise DataError(f"simulate: give at least one finite effect, got {effects!r}")
    return effects


def summarise(replicates: pd.DataFrame, model: StudyModel, settings: Sequence,
              reps: int) -> pd.DataFrame:
    """Rejection rate, Monte-Carlo SE, mean estimate, bias and coverage per cell.

    Rates are over the replicates whose fit succeeded (``reps - failed``); ``mc_se`` is the
    binomial Monte-Carlo standard error ``sqrt(r (1 - r) / (reps - failed))`` of the rejection
    rate ``r``. ``coverage`` is the share of 95% intervals containing the true effect; bias and
    coverage are NaN for the analyses whose estimate is not on the effect's scale
    (:data:`burnout.simulate.methods.ON_EFFECT_SCALE`).
    """
    data = replicates.assign(
        ok=replicates["p"].notna(), reject=replicates["p"] < ALPHA,
        covered=(replicates["ci_low"] <= replicates["effect"])
        & (replicates["effect"] <= replicates["ci_high"]))
    keys = ["setting", "effect", "outcome", "method"]
    cells = data.groupby(keys, sort=False).agg(
        succeeded=("ok", "sum"), rejected=("reject", "sum"), covered=("covered", "sum"),
        total=("estimate", "sum")).reset_index()
    count = cells["succeeded"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = cells["rejected"].to_numpy() / count
        mean = cells["total"].to_numpy() / count
        coverage = cells["covered"].to_numpy() / count
    on_scale = cells["method"].isin(ON_EFFECT_SCALE).to_numpy()
    sizes = [tuple(sizes) + (0,) * (2 - len(sizes)) for sizes in settings]
    summary = pd.DataFrame({
        "outcome": cells["outcome"], "method": cells["method"], "effect": cells["effect"],
        "n_intervention": [sizes[setting][0] for setting in cells["setting"]],
        "n_control": [sizes[setting][1] for setting in cells["setting"]],
        "dropout": model.dropout, "reps": reps, "failed": reps - count.astype(int),
        "rejection_rate": rate, "mc_se": np.sqrt(rate * (1 - rate) / count),
        "mean_estimate": mean,
        "bias": np.where(on_scale, mean - cells["effect"].to_numpy(), np.nan),
        "coverage": np.where(on_scale, coverage, np.nan)})
    order = {name: rank for rank, name in enumerate(dict.fromkeys(cells["outcome"]))}
    methods = {name: rank for rank, name in enumerate(model.analyses)}
    summary["_order"] = list(zip(summary["outcome"].map(order), summary["method"].map(methods),
                                 cells["effect"], cells["setting"], strict=True))
    return summary.sort_values("_order", kind="stable").drop(columns="_order").reset_index(
        drop=True)[SUMMARY_COLUMNS]


def simulate(study: str | StudyModel, effects: Sequence[float], reps: int, seed: int,
             sizes: Sequence | None = None, dropout: float | None = None,
             outcomes: Sequence[str] | None = None, engine: str = "joblib",
             workers: int | None = None, scheduler: str | None = None,
             covariates: Sequence[str] | None = None,
             mixed_covariates: Sequence[str] | None = None,
             progress: bool | None = None) -> pd.DataFrame:
    """Simulate ``study`` under each effect (and each set of group sizes); return the summary.

    Parameters
    ----------
    study : str or StudyModel
        A study built by the pipeline, or a data-generating model.
    effects : sequence of float
        Effects: follow-up scores of the intervention group (of everyone in a single-group
        study) are shifted by ``E`` scale points.
    reps, seed : int
        Replicates per cell, and the seed of the run (:mod:`burnout.simulate.engine`).
    sizes : sequence, optional
        Group sizes (intervention, control), or a list of them for a grid (default: the
        study's participants with a baseline).
    dropout : float, optional
        Probability of missing the follow-up survey (default: the study's observed share).
    outcomes, covariates, mixed_covariates : sequence of str, optional
        See :func:`burnout.simulate.model.study_model` (``outcomes`` also narrows a model).
    engine, workers, scheduler, progress
        See :func:`burnout.simulate.engine.run_replicates`.

    Returns
    -------
    pandas.DataFrame
        One row per outcome, analysis, effect and sample size (:data:`SUMMARY_COLUMNS`).

    Examples
    --------
    >>> from burnout.simulate.model import OutcomeModel
    >>> outcome = OutcomeModel("ee", 20.0, 20.0, 8.0, 8.0, 0.5, 0.0, 54.0, 1.0)
    >>> model = StudyModel("pilot", ("intervention", "control"), (20, 20), 0.0, (outcome,),
    ...                    ("rank_sum",), {"intervention": pd.DataFrame(index=range(2)),
    ...                                    "control": pd.DataFrame(index=range(2))})
    >>> table = simulate(model, [0, 8], reps=20, seed=3, workers=1)
    >>> table[["method", "effect", "reps"]].values.tolist()
    [['rank_sum', 0.0, 20], ['rank_sum', 8.0, 20]]
    >>> bool(table["rejection_rate"].iloc[1] > table["rejection_rate"].iloc[0])
    True
    """
    effects = _checked(effects, reps, seed)
    if isinstance(study, StudyModel):
        model = study
        if outcomes is not None:
            unknown = sorted(set(outcomes) - {outcome.name for outcome in model.outcomes})
            if unknown:
                raise DataError(f"simulate: the model of '{model.study}' has no outcome "
                                f"{unknown}")
            model = dataclasses.replace(model, outcomes=tuple(
                outcome for outcome in model.outcomes if outcome.name in outcomes))
    else:
        model = study_model(study, outcomes, covariates, mixed_covariates)
    model = with_settings(model, dropout=dropout)
    grid = sizes is not None and len(sizes) and not isinstance(sizes[0], (int, np.integer))
    settings = [model.sizes] if sizes is None else list(sizes) if grid else [sizes]
    settings = [with_settings(model, sizes=setting).sizes for setting in settings]
    replicates = run_replicates(model, effects, reps, seed, settings, engine=engine,
                                workers=workers, scheduler=scheduler, progress=progress)
    return summarise(replicates, model, settings, reps)


def simulation_path(study: str) -> Path:
    """``reports/<study>/simulation.csv``."""
    return study_paths(study).reports / "simulation.csv"


def write_simulation(summary: pd.DataFrame, study: str, path: Path | None = None) -> Path:
    """Write a summary atomically with :data:`SIMULATION_FLOAT_FORMAT`; return the path."""
    text = summary.to_csv(index=False, float_format=SIMULATION_FLOAT_FORMAT,
                          lineterminator="\n")
    return write_text(text, simulation_path(study) if path is None else path)


def effect_grid(model: StudyModel, outcome: str,
                standardized: Sequence[float] = (0, 0.2, 0.35, 0.5, 0.65, 0.8)) -> list[float]:
    """Effects in scale points: standardized effects times the follow-up SD, to 2 decimals.

    Examples
    --------
    >>> from burnout.simulate.model import OutcomeModel
    >>> outcome = OutcomeModel("ee", 20.0, 20.0, 8.0, 10.0, 0.5)
    >>> effect_grid(StudyModel("pilot", (), (9,), 0.0, (outcome,), ()), "ee", (0, 0.5))
    [0.0, 5.0]
    """
    scale = model.outcome(outcome).sd_post
    return [round(float(value) * scale, 2) for value in standardized]


def simulation_grid(model: StudyModel, reps: int, seed: int,
                    size_factors: Sequence[float] = (0.5, 1.0, 2.0),
                    standardized: Sequence[float] = (0, 0.2, 0.35, 0.5, 0.65, 0.8),
                    **options) -> pd.DataFrame:
    """:func:`simulate` each outcome over its effect grid and the sizes times ``size_factors``.

    ``options`` go to :func:`simulate` (``engine``, ``workers``, ``dropout``, ...).
    """
    settings = [tuple(max(2, round(factor * size)) for size in model.sizes)
                for factor in size_factors]
    tables = [simulate(model, effect_grid(model, outcome.name, standardized), reps, seed,
                       sizes=settings, outcomes=[outcome.name], **options)
              for outcome in model.outcomes]
    return pd.concat(tables, ignore_index=True)


def minimal_detectable_difference(summary: pd.DataFrame, power: float = 0.8) -> pd.DataFrame:
    """Smallest effect reaching ``power``, interpolated linearly between simulated effects.

    Per outcome, analysis and sample size, among the non-negative effects; NaN when no
    simulated effect reaches ``power``.

    Examples
    --------
    >>> table = pd.DataFrame({"outcome": "ee", "method": "rank_sum", "n_intervention": 50,
    ...                       "n_control": 50, "effect": [0.0, 2.0, 4.0],
    ...                       "rejection_rate": [0.05, 0.5, 0.9]})
    >>> float(minimal_detectable_difference(table)["minimal_detectable_difference"].iloc[0])
    3.5
    """
    keys = ["outcome", "method", "n_intervention", "n_control"]
    rows = []
    for key, cell in summary.loc[summary["effect"] >= 0].groupby(keys, sort=False):
        cell = cell.sort_values("effect")
        effects, rates = cell["effect"].to_numpy(), cell["rejection_rate"].to_numpy()
        reached = np.flatnonzero(rates >= power)
        value = math.nan
        if len(reached) and reached[0] > 0:
            low, high = reached[0] - 1, reached[0]
            value = effects[low] + (power - rates[low]) * (effects[high] - effects[low]) / (
                rates[high] - rates[low])
        elif len(reached):
            value = float(effects[0])
        rows.append(dict(zip(keys, key, strict=True), minimal_detectable_difference=value))
    return pd.DataFrame(rows, columns=[*keys, "minimal_detectable_difference"])
