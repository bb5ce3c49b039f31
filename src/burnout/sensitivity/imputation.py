"""Multiple imputation by chained equations of the missing follow-up scores.

A participant without a follow-up survey still has a baseline score, a group and (in a trial)
a stratum. The mixed model uses what they have under the assumption that their follow-up is
*missing at random* (MAR): given what was observed, the chance of a missing follow-up does not
depend on the follow-up score itself. Multiple imputation makes the same assumption explicit:
each missing follow-up score is drawn ``m`` times from its predictive distribution given the
baseline scores, the group and the strata or covariates (and the other follow-up scores), the
analysis is repeated on each of the ``m`` completed datasets, and the results are pooled by
Rubin's rules (:mod:`burnout.sensitivity.pooling`), whose interval carries the uncertainty of
the imputation.

The imputation model is the Bayesian linear regression of R's ``mice`` (method ``"norm"``, van
Buuren 2018, Algorithm 3.1): fit the regression on the observed rows, draw the residual
variance from its scaled inverse chi-squared posterior and the coefficients from their normal
posterior, then draw each missing value from the regression with that noise. With several
follow-up scores the equations are *chained*: each score is imputed from the predictors and
the current values of the other scores, cycling ``iterations`` times from a start of random
observed values, one independent chain per imputation (as ``mice`` with ``maxit``).

Why not ``statsmodels.imputation.mice.MICEData``: it imputes by predictive mean matching only,
choosing donors among observed rows by sorting predicted values; tied predictions (common with
integer scores and indicator predictors) are broken by the sort, so a change in the last bit of
a prediction (another BLAS, another CPU) can pick another donor and change a result by whole
points, while the draws here change continuously and round to the same written digits. Its
coefficients are also perturbed without drawing the residual variance. The few lines below are
the textbook algorithm with one seeded ``numpy.random.Generator`` per chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from burnout.core.errors import DataError, require_columns

__all__ = ["ImputedSets", "impute_chained"]


@dataclass(frozen=True)
class ImputedSets:
    """The completed datasets of a multiple imputation.

    Attributes
    ----------
    sets : tuple of pandas.DataFrame
        The ``m`` completed datasets (the analysed rows of the data, targets filled in).
    missing : pandas.DataFrame
        True where a target was missing (and is imputed), same rows and index as each set.
    targets, predictors : tuple of str
        The imputed columns and the columns they were imputed from.
    seed, iterations : int
        The seed of the generators and the number of cycles of each chain.
    n_dropped : int
        Rows left out because a predictor was missing.
    """

    sets: tuple[pd.DataFrame, ...]
    missing: pd.DataFrame
    targets: tuple[str, ...]
    predictors: tuple[str, ...]
    seed: int
    iterations: int
    n_dropped: int

    @property
    def m(self) -> int:
        """The number of imputations."""
        return len(self.sets)


def _predictor_matrix(data: pd.DataFrame, predictors: Sequence[str]) -> np.ndarray:
    """Intercept, numeric predictors as they are, categorical ones as treatment-coded
    indicators (first level in sorted order is the reference, as R's ``factor``)."""
    columns = [np.ones(len(data))]
    for name in predictors:
        values = data[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            columns.append(values.to_numpy(dtype=float))
            continue
        text = values.astype(str).to_numpy()
        columns += [(text == level).astype(float) for level in sorted(set(text))[1:]]
    return np.column_stack(columns)


def _norm_draw(design: np.ndarray, response: np.ndarray, observed: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """One draw of the missing responses from the Bayesian linear regression (mice "norm")."""
    x_obs, y_obs = design[observed], response[observed]
    q, r = np.linalg.qr(x_obs)
    if np.min(np.abs(np.diag(r))) <= 1e-10 * np.max(np.abs(np.diag(r))):
        raise DataError("impute_chained: the imputation model is rank deficient (a predictor "
                        "is constant or collinear among the rows with an observed value)")
    beta = np.linalg.solve(r, q.T @ y_obs)
    residual = y_obs - x_obs @ beta
    df = len(y_obs) - design.shape[1]
    if df < 1:
        raise DataError(f"impute_chained: {len(y_obs)} observed values for "
                        f"{design.shape[1]} coefficients; rule: more observed rows are needed")
    sigma = np.sqrt(float(residual @ residual) / rng.chisquare(df))
    # (X'X)^-1 = R^-1 R^-T, so R^-1 z is a normal draw with that covariance.
    beta_star = beta + sigma * np.linalg.solve(r, rng.standard_normal(design.shape[1]))
    x_mis = design[~observed]
    return x_mis @ beta_star + sigma * rng.standard_normal(len(x_mis))


def _chain(design: np.ndarray, values: np.ndarray, observed: np.ndarray, iterations: int,
           rng: np.random.Generator) -> np.ndarray:
    """One chain: start from random observed values, then cycle the conditional draws."""
    current = values.copy()
    for column in range(values.shape[1]):
        gaps = ~observed[:, column]
        current[gaps, column] = rng.choice(values[observed[:, column], column], gaps.sum())
    for _ in range(iterations):
        for column in range(values.shape[1]):
            if observed[:, column].all():
                continue
            others = np.delete(current, column, axis=1)
            full = np.column_stack([design, others]) if others.size else design
            current[~observed[:, column], column] = _norm_draw(
                full, current[:, column], observed[:, column], rng)
    return current


def impute_chained(data: pd.DataFrame, targets: Sequence[str], predictors: Sequence[str],
                   m: int = 20, seed: int = 20240101, iterations: int = 10) -> ImputedSets:
    """Impute the missing values of ``targets`` ``m`` times by chained equations.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (``analysis.csv``).
    targets : sequence of str
        The numeric columns to impute: the follow-up scores (``ee_post``, ...).
    predictors : sequence of str
        Complete columns they are imputed from: the baseline scores, the group, the strata or
        covariates. Text columns enter as indicators. A row with a missing predictor is left
        out (counted in ``n_dropped``).
    m : int
        The number of imputations (at least 2; 20 or more for stable intervals).
    seed : int
        Seed of the generators: chain ``j`` uses ``numpy.random.SeedSequence(seed)``'s ``j``-th
        child, so the imputations are reproducible and independent of each other.
    iterations : int
        Cycles of each chain (``mice``'s ``maxit``); one suffices when a single score is
        missing, or when all are missing together (monotone missingness).

    Returns
    -------
    ImputedSets
        The completed datasets and where the imputed values are. A ``<score>_change``
        column beside an imputed ``<score>_post`` is recomputed from the completed values.

    Raises
    ------
    DataError
        On a missing column, a non-numeric target, ``m < 2``, a target with no or too few
        observed values, or a rank-deficient imputation model.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 5,
    ...                      "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21, 24, 19],
    ...                      "ee_post": [17, 22, 21, None, 24, 26, 14, 21, None, 18]})
    >>> imputed = impute_chained(data, ["ee_post"], ["ee_pre", "group"], m=3, seed=1)
    >>> imputed.m, int(imputed.missing["ee_post"].sum())
    (3, 2)
    >>> [round(float(frame.loc[3, "ee_post"]), 2) for frame in imputed.sets]
    [17.18, 18.61, 20.59]
    """
    targets, predictors = list(targets), list(predictors)
    require_columns(data, targets + predictors, "impute_chained")
    if not (isinstance(m, int) and m >= 2):
        raise DataError(f"impute_chained: m must be an integer of at least 2, got {m!r}")
    complete = data[predictors].notna().all(axis=1).to_numpy()
    rows = data.loc[complete]
    values = np.column_stack([pd.to_numeric(rows[name], errors="raise").to_numpy(dtype=float)
                              for name in targets])
    observed = ~np.isnan(values)
    for index, name in enumerate(targets):
        if observed[:, index].sum() < 2:
            raise DataError(f"impute_chained: column '{name}' has "
                            f"{int(observed[:, index].sum())} observed values among the rows "
                            "with complete predictors; rule: at least 2 are needed")
    design = _predictor_matrix(rows, predictors)
    sets = []
    for child in np.random.SeedSequence(seed).spawn(m):
        filled = _chain(design, values, observed, iterations, np.random.default_rng(child))
        frame = rows.copy()
        for index, name in enumerate(targets):
            frame[name] = filled[:, index]
            stem = name[: -len("_post")] if name.endswith("_post") else None
            if stem and f"{stem}_pre" in frame.columns and f"{stem}_change" in frame.columns:
                frame[f"{stem}_change"] = frame[name] - frame[f"{stem}_pre"]
        sets.append(frame)
    missing = pd.DataFrame(~observed, index=rows.index, columns=targets)
    return ImputedSets(tuple(sets), missing, tuple(targets), tuple(predictors), int(seed),
                       int(iterations), int((~complete).sum()))
