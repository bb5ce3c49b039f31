"""The delta-adjusted tipping point: how far from missing at random must the truth be?

Multiple imputation (like the mixed model) assumes the missing follow-up scores are *missing at
random* (MAR): participants without a follow-up survey resemble those with one who share their
baseline score, group and stratum. If instead the missing scores tend to be worse (or better)
than that, the data are *missing not at random* (MNAR), and no analysis of the observed data
can tell. The delta adjustment asks "what if?": every imputed follow-up score of one arm is
moved by ``delta`` score points (negative: lower than MAR predicts), the analysis is re-pooled,
and ``delta`` runs over a grid. The **tipping point** is the smallest ``|delta|`` at which the
conclusion changes: the interval starts excluding zero when it included it at ``delta = 0``, or
stops excluding it. A tipping point far beyond any plausible departure from MAR (compare it
with the score's SD, or with the difference between completers and non-completers at
baseline) means the conclusion does not hinge on the MAR assumption; a small one means it does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.sensitivity.imputation import ImputedSets
from burnout.sensitivity.pooling import pooled_analysis

__all__ = ["tipping_point"]


def tipping_point(imputed: ImputedSets, score: str, deltas: Sequence[float],
                  group: str | None = "group", covariates: Sequence[str] = (),
                  confidence: float = 0.95,
                  shift: str | None = "intervention") -> pd.DataFrame:
    """The pooled analysis over a grid of deltas, and where its conclusion tips.

    Parameters
    ----------
    imputed : ImputedSets
        The completed datasets (:func:`burnout.sensitivity.imputation.impute_chained`).
    score : str
        The score (``"ee"``).
    deltas : sequence of float
        The grid of shifts in score points; 0 is added when absent (the MAR analysis that the
        others are compared with).
    group, covariates, confidence, shift
        As in :func:`burnout.sensitivity.pooling.pooled_analysis` (``shift``: the arm whose
        imputed values move; None or a single group: every imputed value).

    Returns
    -------
    pandas.DataFrame
        One row per delta, in increasing order: the row of
        :func:`~burnout.sensitivity.pooling.pooled_analysis` (``estimate``, ``ci_low``,
        ``ci_high``, ``p``, ...), ``excludes_null`` (the interval excludes 0),
        ``conclusion_changed`` (differs from ``delta = 0``) and ``tipping``: True on the one
        row of the smallest ``|delta|`` whose conclusion changed (the negative one of a tie);
        no row is True when the conclusion holds over the whole grid.

    Examples
    --------
    >>> from burnout.sensitivity.imputation import impute_chained
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 6,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21, 24, 19, 26, 23],
    ...     "ee_post": [17, 22, 21, None, 24, 26, 14, 21, None, 18, 22, 24]})
    >>> imputed = impute_chained(data, ["ee_post"], ["ee_pre", "group"], m=5, seed=3)
    >>> grid = tipping_point(imputed, "ee", [-6, -3, 3, 6])
    >>> grid["delta"].tolist()
    [-6.0, -3.0, 0.0, 3.0, 6.0]
    >>> grid.loc[grid["tipping"], "delta"].tolist()
    [6.0]
    """
    grid = sorted({float(delta) for delta in deltas} | {0.0})
    if not all(np.isfinite(grid)):
        raise DataError(f"tipping_point: the deltas must be finite numbers, got {list(deltas)}")
    rows = pd.concat([pooled_analysis(imputed, score, group, covariates, confidence, delta,
                                      shift) for delta in grid], ignore_index=True)
    rows["excludes_null"] = (rows["ci_low"] > 0) | (rows["ci_high"] < 0)
    reference = bool(rows.loc[rows["delta"] == 0.0, "excludes_null"].iloc[0])
    rows["conclusion_changed"] = rows["excludes_null"] != reference
    changed = rows.loc[rows["conclusion_changed"]]
    rows["tipping"] = False
    if len(changed):
        first = changed.assign(size=changed["delta"].abs()).sort_values(["size", "delta"]).index
        rows.loc[first[0], "tipping"] = True
    return rows
