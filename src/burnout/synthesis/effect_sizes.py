"""Standardized effects of change scores, so that studies on different scales can be pooled.

* Between groups (randomized or non-randomized): **Hedges' g** of the change scores, the
  difference in mean change (intervention minus control) over the pooled standard deviation of
  change, times the exact small-sample correction ``J(m) = Gamma(m/2) / (sqrt(m/2)
  Gamma((m-1)/2))`` with ``m = n1 + n2 - 2``; its variance ``1/n1 + 1/n2 + g^2 / (2 (n1 + n2))``
  (R metafor ``escalc(measure = "SMD")``, ``vtype = "LS"``).
* Within one group (single-group designs): the **standardized mean change** with raw-score
  standardization, ``J(n - 1) (mean_post - mean_pre) / sd_pre``, variance
  ``2 (1 - r) / n + g^2 / (2 n)`` with ``r`` the pre-post correlation (``escalc(measure =
  "SMCR")``). It answers a different question (change within a group, not a difference between
  groups) and is never pooled with Hedges' g.

Wald intervals ``g +- z sqrt(v)``, as metafor's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special, stats

from burnout.core.errors import DataError
from burnout.core.results import result_frame

__all__ = ["small_sample_correction", "hedges_g", "standardized_mean_change",
           "change_effect_sizes"]


def small_sample_correction(m: float) -> float:
    """Hedges' exact correction factor ``J(m)`` for ``m`` degrees of freedom (``m > 1``).

    Examples
    --------
    >>> round(small_sample_correction(18), 6)
    0.957646
    """
    if m <= 1:
        raise DataError(f"the small-sample correction needs more than 1 degree of freedom, got {m}")
    return float(np.exp(special.gammaln(m / 2) - np.log(np.sqrt(m / 2))
                        - special.gammaln((m - 1) / 2)))


def _interval(estimate: float, variance: float, confidence: float) -> tuple[float, float, float]:
    se = float(np.sqrt(variance))
    z = stats.norm.ppf(0.5 + confidence / 2)
    return se, float(estimate - z * se), float(estimate + z * se)


def hedges_g(mean_intervention: float, sd_intervention: float, n_intervention: int,
             mean_control: float, sd_control: float, n_control: int,
             confidence: float = 0.95) -> dict:
    """Hedges' g (intervention minus control) with its standard error and Wald interval.

    Examples
    --------
    >>> effect = hedges_g(-3.0, 6.0, 30, 1.0, 7.0, 32)
    >>> {key: round(effect[key], 4) for key in ("estimate", "se", "ci_low", "ci_high")}
    {'estimate': -0.6043, 'se': 0.2599, 'ci_low': -1.1136, 'ci_high': -0.095}
    """
    for name, value in (("n_intervention", n_intervention), ("n_control", n_control)):
        if not value >= 2:
            raise DataError(f"{name} = {value}: Hedges' g needs at least 2 per group")
    for name, value in (("sd_intervention", sd_intervention), ("sd_control", sd_control)):
        if not value > 0:
            raise DataError(f"{name} = {value}: a standard deviation must be > 0")
    m = n_intervention + n_control - 2
    pooled_sd = np.sqrt(((n_intervention - 1) * sd_intervention ** 2
                         + (n_control - 1) * sd_control ** 2) / m)
    g = small_sample_correction(m) * (mean_intervention - mean_control) / pooled_sd
    variance = 1 / n_intervention + 1 / n_control + g ** 2 / (2 * (n_intervention + n_control))
    se, low, high = _interval(g, variance, confidence)
    return {"estimate": float(g), "se": se, "ci_low": low, "ci_high": high,
            "n_intervention": int(n_intervention), "n_control": int(n_control)}


def standardized_mean_change(mean_pre: float, sd_pre: float, mean_post: float, n: int,
                             correlation: float, confidence: float = 0.95) -> dict:
    """Standardized mean change (post minus pre, over the pre-test SD) within one group.

    Examples
    --------
    >>> effect = standardized_mean_change(20.0, 8.0, 17.0, 40, 0.6)
    >>> round(effect["estimate"], 4), round(effect["se"], 4)
    (-0.3677, 0.1473)
    """
    if not n >= 3:
        raise DataError(f"n = {n}: a standardized mean change needs at least 3 participants")
    if not sd_pre > 0:
        raise DataError(f"sd_pre = {sd_pre}: a standard deviation must be > 0")
    g = small_sample_correction(n - 1) * (mean_post - mean_pre) / sd_pre
    variance = 2 * (1 - correlation) / n + g ** 2 / (2 * n)
    se, low, high = _interval(g, variance, confidence)
    return {"estimate": float(g), "se": se, "ci_low": low, "ci_high": high, "n": int(n)}


def change_effect_sizes(analysis: pd.DataFrame, scores: Sequence[str], compares_groups: bool,
                        group: str = "group", confidence: float = 0.95) -> pd.DataFrame:
    """Each score's standardized effect on change, from a study's analysis table.

    Parameters
    ----------
    analysis : pandas.DataFrame
        One row per participant with ``<score>_pre``, ``<score>_post``, ``<score>_change`` and,
        for two groups, ``group`` (``intervention``/``control``).
    scores : sequence of str
        Scores to describe (``ee``, ``dp``, ``pa``, ...).
    compares_groups : bool
        Hedges' g between groups (the design compares groups) or the standardized mean change
        within the one group.
    confidence : float
        Level of the Wald intervals.

    Returns
    -------
    pandas.DataFrame
        One row per score in the shared vocabulary: ``outcome`` (``<score>_change``),
        ``method`` (``hedges_g`` or ``standardized_mean_change``), ``measure``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``confidence``, ``n``, ``n_intervention``,
        ``n_control``, then the raw ``mean_difference`` (or ``mean_change``). Complete cases
        (both waves) only.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 3,
    ...                      "ee_pre": [20, 25, 30, 22, 26, 28],
    ...                      "ee_post": [18, 22, 29, 23, 27, 27]})
    >>> data["ee_change"] = data["ee_post"] - data["ee_pre"]
    >>> change_effect_sizes(data, ["ee"], compares_groups=True)[["outcome", "estimate"]].round(3)
         outcome  estimate
    0  ee_change    -1.724
    """
    rows = []
    for score in scores:
        columns = [f"{score}_pre", f"{score}_post", f"{score}_change"]
        missing = [column for column in columns if column not in analysis.columns]
        if missing:
            raise DataError(f"analysis table: column(s) {missing} missing for score '{score}'")
        complete = analysis.dropna(subset=columns)
        try:
            rows.append(_score_effect(complete, score, compares_groups, group, confidence))
        except DataError as error:  # too few participants or no spread: say so, go on
            rows.append({"outcome": f"{score}_change",
                         "method": "hedges_g" if compares_groups else "standardized_mean_change",
                         "n": len(complete), "note": f"not estimated: {error}"})
    return result_frame(rows)


def _score_effect(complete: pd.DataFrame, score: str, compares_groups: bool, group: str,
                  confidence: float) -> dict:
    """The effect-size row of one score from its complete cases."""
    change = complete[f"{score}_change"].astype(float)
    if compares_groups:
        arms = [change[complete[group] == arm] for arm in ("intervention", "control")]
        effect = hedges_g(arms[0].mean(), arms[0].std(), len(arms[0]),
                          arms[1].mean(), arms[1].std(), len(arms[1]), confidence)
        return {"outcome": f"{score}_change", "method": "hedges_g",
                "measure": "standardized mean difference in change (Hedges' g)",
                **effect, "confidence": confidence,
                "n": effect["n_intervention"] + effect["n_control"],
                "mean_difference": float(arms[0].mean() - arms[1].mean())}
    pre = complete[f"{score}_pre"].astype(float)
    post = complete[f"{score}_post"].astype(float)
    correlation = float(np.corrcoef(pre, post)[0, 1]) if len(complete) >= 3 else np.nan
    effect = standardized_mean_change(pre.mean(), pre.std(), post.mean(), len(complete),
                                      correlation, confidence)
    return {"outcome": f"{score}_change", "method": "standardized_mean_change",
            "measure": "standardized mean change (post minus pre, pre-test SD)",
            **effect, "confidence": confidence, "n_intervention": effect["n"],
            "n_control": 0, "mean_change": float(change.mean())}
