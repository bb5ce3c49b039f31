"""The sensitivity table: every sensitivity analysis of every primary outcome, one row each.

:func:`sensitivity_table` runs the analyses a design declares (``design.applies``) for each
primary outcome and stacks them, in the shared vocabulary, as ``reports/<study>/sensitivity.csv``
reads: ``outcome``, ``analysis``, ``estimate``, ``ci_low``, ``ci_high``, ``p``, ``n``, then
``method``, ``measure``, ``se``, ``df``, ``m``, ``delta``, ``e_value_ci`` and a ``note`` that says
in words what the row is (or why an analysis could not run, rather than inventing a row).
:func:`sensitivity_numbers` gives its citable numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from burnout.core.results import result_frame
from burnout.measures.analysis_table import with_characteristics
from burnout.sensitivity.complete_data import ancova, change_score_analysis
from burnout.sensitivity.evalue import e_value
from burnout.sensitivity.imputation import ImputedSets, impute_chained
from burnout.sensitivity.pooling import pooled_analysis
from burnout.sensitivity.tipping import tipping_point
from burnout.stats.mixed_model import mixed_model

__all__ = ["SensitivityOptions", "Sensitivity", "sensitivity_table", "sensitivity_numbers",
           "TABLE_COLUMNS", "DEFAULT_DELTAS"]

TABLE_COLUMNS = ("outcome", "analysis", "estimate", "ci_low", "ci_high", "p", "n", "method",
                 "measure", "se", "df", "m", "delta", "e_value_ci", "note")
# The default grid of the tipping point: -10 to 10 score points in steps of 0.5.
DEFAULT_DELTAS = tuple(float(value) for value in np.arange(-20, 21) / 2)
# Rows read from the adjusted stage, when it wrote them: analysis name -> what it is.
ADJUSTED_ROWS = {
    "mixed_model_unstratified": "the published specification: the mixed model without the "
                                "strata as fixed effects",
    "mixed_model_per_protocol": "the mixed model in the per-protocol set (no longer protected "
                                "by randomization)"}


@dataclass(frozen=True)
class SensitivityOptions:
    """How the sensitivity analyses are run.

    Attributes
    ----------
    strata : tuple of str
        Randomization strata: fixed effects of the change score and the mixed model.
    adjustment : tuple of str
        The ANCOVA's (and the imputation's) further terms: the strata in a trial, the measured
        covariates in a non-randomized comparison.
    m, seed, iterations : int
        Imputations, seed and cycles of the chained equations.
    deltas : tuple of float
        The tipping-point grid, in score points.
    shift : str
        The arm whose imputed follow-up values the deltas move.
    confidence : float
        Confidence level of every interval.
    """

    strata: tuple[str, ...] = ()
    adjustment: tuple[str, ...] = ()
    m: int = 20
    seed: int = 20240101
    iterations: int = 10
    deltas: tuple[float, ...] = DEFAULT_DELTAS
    shift: str = "intervention"
    confidence: float = 0.95


@dataclass(frozen=True)
class Sensitivity:
    """The sensitivity table, the tipping-point grids and the imputed sets (None: none)."""

    table: pd.DataFrame
    tipping: pd.DataFrame
    imputed: ImputedSets | None


def _row(analysis: str, result: pd.DataFrame | dict, note: str, **extra) -> dict:
    row = result.iloc[0].to_dict() if isinstance(result, pd.DataFrame) else dict(result)
    return {**row, "analysis": analysis, "note": note, **extra}


def _pooled_sd(data: pd.DataFrame, column: str, group: str) -> float:
    """Pooled within-group SD of ``column`` over the rows where it is present."""
    present = data.dropna(subset=[column])
    parts = present.groupby(group)[column]
    return math.sqrt(float((parts.var(ddof=1) * (parts.count() - 1)).sum())
                     / float(parts.count().sum() - parts.ngroups))


def _imputed(analysis: pd.DataFrame, outcomes: Sequence[str], group: str | None,
             options: SensitivityOptions) -> ImputedSets | None:
    """The chained-equation imputation of the outcomes' follow-up, None when none is missing."""
    targets = [f"{score}_post" for score in outcomes]
    if not analysis[targets].isna().to_numpy().any():
        return None
    predictors = [f"{score}_pre" for score in outcomes] + ([group] if group else [])
    return impute_chained(analysis, targets, predictors + list(options.adjustment), options.m,
                          options.seed, options.iterations)


def _complete_rows(analysis, long, score, group, applies, options) -> list[dict]:
    rows, level = [], options.confidence
    if applies("change_score"):
        rows.append(_row("change_score", change_score_analysis(
            analysis, score, group, options.strata if group else (), level),
            "complete cases; " + ("change ~ group" + "".join(f" + {name}" for name in
                                                            options.strata)
                                  if group else "mean change, paired t")))
    if group and applies("ancova"):
        terms = "".join(f" + {name}" for name in options.adjustment)
        rows.append(_row("ancova", ancova(analysis, score, group, options.adjustment, level),
                         f"complete cases; post ~ group + baseline{terms}"))
    model = "mixed_model" if group else "mixed_model_time"
    if applies(model):
        fit = mixed_model(long, score, group=group, covariates=list(options.strata),
                          confidence=level)
        terms = "".join(f" + {name}" for name in options.strata)
        rows.append(_row("mixed_model", fit, f"every observation (REML, Wald CI); score ~ "
                         f"{'group * ' if group else ''}time{terms} + (1 | participant)"))
    return rows


def _imputation_rows(imputed, score, group, applies, options, grids: list) -> list[dict]:
    if not applies("multiple_imputation"):
        return []
    if imputed is None:
        return [{"outcome": score, "analysis": "multiple_imputation",
                 "note": "not run: no follow-up score is missing in analysis.csv (complete "
                         "cases only), so there is nothing to impute"}]
    covariates = options.adjustment if group else ()
    pooled = pooled_analysis(imputed, score, group, covariates, options.confidence)
    rows = [_row("multiple_imputation", pooled,
                 f"chained equations (Bayesian linear regression), m = {imputed.m}, seed "
                 f"{imputed.seed}; ANCOVA pooled by Rubin's rules (Barnard-Rubin df); "
                 f"{int(pooled['n_imputed'].iloc[0])} follow-up scores imputed (MAR)")]
    if applies("tipping_point"):
        grid = tipping_point(imputed, score, options.deltas, group, covariates,
                             options.confidence, options.shift)
        grids.append(grid)
        arm = f"the {options.shift} arm" if group else "every participant"
        span = f"grid {min(options.deltas):g} to {max(options.deltas):g} points"
        tipped = grid.loc[grid["tipping"]]
        if len(tipped):
            sign = np.sign(tipped["delta"].iloc[0])
            other = grid.loc[grid["conclusion_changed"] & (np.sign(grid["delta"]) == -sign),
                             "delta"]
            beyond = (f"{other.loc[other.abs().idxmin()]:g}" if len(other)
                      else "none in the grid")
            rows.append(_row("tipping_point", tipped, f"imputed follow-up of {arm} shifted by "
                             f"delta points (MNAR); the smallest |delta| at which the interval "
                             f"changes whether it excludes 0 ({span}); in the other direction: "
                             f"{beyond}"))
        else:
            rows.append({"outcome": score, "analysis": "tipping_point", "m": imputed.m,
                         "note": f"no tipping point: shifting the imputed follow-up of {arm} "
                                 f"leaves the conclusion unchanged over the {span}"})
    return rows


def sensitivity_table(analysis: pd.DataFrame, analysis_long: pd.DataFrame,
                      outcomes: Sequence[str], applies: Callable[[str], bool],
                      group: str | None = "group", options: SensitivityOptions | None = None,
                      adjusted: Mapping[str, pd.DataFrame] | None = None) -> Sensitivity:
    """Every sensitivity analysis the design declares, for every primary outcome.

    Parameters
    ----------
    analysis, analysis_long : pandas.DataFrame
        ``analysis.csv`` (one row per participant) and ``analysis_long.csv``.
    outcomes : sequence of str
        The primary outcomes (:func:`burnout.pipeline.parameters.outcome_roles`).
    applies : callable
        ``design.applies``: which of ``change_score``, ``ancova``, ``mixed_model`` (or
        ``mixed_model_time``), ``multiple_imputation``, ``tipping_point``, ``e_value`` run.
    group : str or None
        The group column; None for a single group.
    options : SensitivityOptions, optional
        Strata, adjustment set, imputations, grid, confidence.
    adjusted : mapping, optional
        Result tables of the adjusted stage by analysis name (``mixed_model_unstratified``,
        ``mixed_model_per_protocol``); each outcome's row is added as it is.

    Returns
    -------
    Sensitivity
        ``table`` (columns :data:`TABLE_COLUMNS`), ``tipping`` (the grids, stacked) and
        ``imputed``.

    Examples
    --------
    >>> data = pd.DataFrame({"student_id": [f"S{i}" for i in range(12)],
    ...     "group": ["intervention", "control"] * 6,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21, 24, 19, 26, 23],
    ...     "ee_post": [17, 22, 21, None, 24, 26, 14, 21, None, 18, 22, 24]})
    >>> data["ee_change"] = data["ee_post"] - data["ee_pre"]
    >>> long = pd.concat([data.assign(time="pre", ee=data["ee_pre"]),
    ...                   data.assign(time="post", ee=data["ee_post"])])
    >>> result = sensitivity_table(data, long, ["ee"], lambda name: name != "e_value",
    ...                            options=SensitivityOptions(m=5, deltas=(-6, 6)))
    >>> result.table["analysis"].tolist()
    ['change_score', 'ancova', 'mixed_model', 'multiple_imputation', 'tipping_point']
    """
    options = options or SensitivityOptions()
    long = with_characteristics(analysis_long, analysis, list(options.strata))
    imputed = _imputed(analysis, outcomes, group, options)
    rows, grids = [], []
    for score in outcomes:
        found = _complete_rows(analysis, long, score, group, applies, options)
        ancova_rows = [row for row in found if row["analysis"] == "ancova"]
        if group and applies("e_value") and ancova_rows:
            fit, sd = ancova_rows[0], _pooled_sd(analysis, f"{score}_post", group)
            value = e_value(fit["estimate"], fit["ci_low"], fit["ci_high"], sd, score)
            found.append(_row("e_value", value.assign(ci_low=np.nan, ci_high=np.nan), (
                f"E-value of the ANCOVA difference (d = {value['d'].iloc[0]:.3f}, pooled SD of "
                f"{score}_post {sd:.3f}); e_value_ci: of the CI limit nearer 0"),
                n=fit["n"]))
        found += _imputation_rows(imputed, score, group, applies, options, grids)
        for name, what in ADJUSTED_ROWS.items():
            table = (adjusted or {}).get(name)
            if table is not None and (table["outcome"] == score).any():
                found.append(_row(name, table.loc[table["outcome"] == score], f"from the "
                                  f"adjusted stage: {what}"))
        rows += [{**row, "outcome": score} for row in found]
    table = result_frame(rows)
    table = table.reindex(columns=list(TABLE_COLUMNS)).astype({"n": "Int64", "m": "Int64"})
    tipping = (pd.concat(grids, ignore_index=True) if grids else pd.DataFrame())
    return Sensitivity(table, tipping, imputed)


def sensitivity_numbers(table: pd.DataFrame) -> dict:
    """Citable numbers: ``sensitivity.<outcome>.<analysis>.<estimate|ci_low|ci_high|p|n>``,
    ``sensitivity.<outcome>.tipping_point.delta`` and ``sensitivity.<outcome>.e_value.ci``;
    a value that is missing (an analysis that could not run) gives no key.

    Examples
    --------
    >>> table = pd.DataFrame({"outcome": ["ee", "ee"], "analysis": ["ancova", "tipping_point"],
    ...     "estimate": [-1.5, 0.2], "ci_low": [-3.0, -1.1], "ci_high": [0.0, 1.5],
    ...     "p": [0.05, 0.8], "n": [40, 40], "delta": [np.nan, 4.5], "e_value_ci": [np.nan] * 2})
    >>> sensitivity_numbers(table)["sensitivity.ee.tipping_point.delta"]
    4.5
    """
    numbers = {}
    statistics = {"estimate": "estimate", "ci_low": "ci_low", "ci_high": "ci_high", "p": "p",
                  "n": "n", "delta": "delta", "ci": "e_value_ci"}
    for row in table.to_dict("records"):
        for name, column in statistics.items():
            value = row.get(column)
            if name == "delta" and row["analysis"] != "tipping_point":
                continue
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            value = value.item() if hasattr(value, "item") else value
            numbers[f"sensitivity.{row['outcome']}.{row['analysis']}.{name}"] = (
                int(value) if name == "n" else value)
    return numbers
