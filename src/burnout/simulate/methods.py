"""The analyses of one simulated dataset, through the functions the pipeline uses.

Each analysis the design declares (:data:`burnout.simulate.model.SIMULATED`) gives, per
outcome, the estimate, its 95% confidence interval and the two-sided p-value of the same
function the stage notebooks call. What each estimate estimates (its *estimand*) under the data-
generating model of :mod:`burnout.simulate.model`, where the program shifts follow-up scores by
``E``:

============== ======================================================== ==================
analysis       estimate                                                 estimand
============== ======================================================== ==================
rank_sum       Hodges-Lehmann shift of the change, intervention - control E
ols_change     adjusted mean difference in change (ANCOVA)              E
ols_change_hc3 the same, HC3 standard errors                            E
mixed_model    group x time interaction of the REML mixed model          E
signed_rank    Hodges-Lehmann estimate of the change (single group)     E
paired_t       mean change (single group)                               E
mixed_model_time time coefficient of ``score ~ time + (1 | participant)`` E
risk_ratio     risk ratio of a yes/no outcome at follow-up              not on the E scale
mcnemar        difference in proportions after - before                 not on the E scale
============== ======================================================== ==================

The yes/no outcomes' estimands depend on the cut-off and the whole score distribution, not on
``E`` alone: their bias and coverage are left empty (NaN), their rejection rates are reported
(under no effect their null hypotheses hold exactly too). A fit that fails on a drawn dataset
(a covariate level absent from a small sample, a table with a zero cell) is recorded as failed.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.simulate.model import StudyModel
from burnout.stats.mixed_model import mixed_model
from burnout.stats.paired import mcnemar_test, paired_t_test
from burnout.stats.rank_sum import rank_sum_test
from burnout.stats.regression import adjusted_differences
from burnout.stats.risk import risk_ratio
from burnout.stats.signed_rank import signed_rank_test

__all__ = ["ON_EFFECT_SCALE", "analyse"]

# Analyses whose estimate is on the scale of the effect E (bias and coverage are reported).
ON_EFFECT_SCALE = frozenset({"rank_sum", "ols_change", "ols_change_hc3", "mixed_model",
                             "signed_rank", "paired_t", "mixed_model_time"})
_FAILURES = (DataError, ValueError, ZeroDivisionError, np.linalg.LinAlgError)


def _values(row: dict) -> tuple[float, float, float, float]:
    return (float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"]),
            float(row["p"]))


# Each fit calls the pipeline's procedure through its ``row``: the same computation, returned as
# the dict of its one result row rather than a one-row DataFrame (see
# :func:`burnout.core.results.tidy_result`), whose packaging cost more than some fits.
def _rank_sum(model, wide, long, outcome, memo):
    change = wide[f"{outcome}_change"].to_numpy(dtype=float)
    exposed = (wide["group"] == model.groups[0]).to_numpy()
    return rank_sum_test.row(change[exposed], change[~exposed])


def _ols(robust):
    # The classical and HC3 analyses share one design and one fit per dataset and outcome.
    def fit(model, wide, long, outcome, memo):
        if ("ols", outcome) not in memo:
            wanted = [value for analysis, value in (("ols_change", None),
                                                    ("ols_change_hc3", "HC3"))
                      if analysis in model.analyses]
            rows = adjusted_differences.row(wide, f"{outcome}_change", robust=wanted,
                                            covariates=list(model.covariates))
            memo[("ols", outcome)] = dict(zip(wanted, rows, strict=True))
        return memo[("ols", outcome)][robust]
    return fit


def _mixed(grouped):
    def fit(model, wide, long, outcome, memo):
        return mixed_model.row(long, outcome, group="group" if grouped else None,
                               covariates=list(model.mixed_covariates))
    return fit


def _paired(test):
    def fit(model, wide, long, outcome, memo):
        return test.row(wide[f"{outcome}_pre"].to_numpy(dtype=float),
                        wide[f"{outcome}_post"].to_numpy(dtype=float))
    return fit


def _risk_ratio(model, wide, long, flag, memo):
    values = wide[f"{flag}_post"].to_numpy(dtype=float)
    counts = []
    for label in model.groups:
        observed = values[(wide["group"] == label).to_numpy() & ~np.isnan(values)]
        counts += [int(observed.sum()), len(observed)]
    return risk_ratio.row(*counts)


# Analysis -> (fit of one outcome, whether it analyses the yes/no flags instead of the scores).
_ANALYSES = {
    "rank_sum": (_rank_sum, False), "ols_change": (_ols(None), False),
    "ols_change_hc3": (_ols("HC3"), False), "mixed_model": (_mixed(True), False),
    "signed_rank": (_paired(signed_rank_test), False), "paired_t": (_paired(paired_t_test), False),
    "mixed_model_time": (_mixed(False), False), "risk_ratio": (_risk_ratio, True),
    "mcnemar": (_paired(mcnemar_test), True),
}


def analyse(model: StudyModel, wide: pd.DataFrame, long: pd.DataFrame) -> list[tuple]:
    """Run every analysis of ``model`` on one drawn dataset.

    Returns
    -------
    list of tuple
        ``(outcome, analysis, estimate, ci_low, ci_high, p)`` per outcome (per yes/no flag for
        ``risk_ratio`` and ``mcnemar``); NaN values when the fit failed.

    Examples
    --------
    >>> from burnout.simulate.model import OutcomeModel, draw
    >>> outcome = OutcomeModel("ee", 20.0, 20.0, 8.0, 8.0, 0.6, 0.0, 54.0, 1.0)
    >>> model = StudyModel("pilot", ("intervention", "control"), (30, 30), 0.0, (outcome,),
    ...                    ("rank_sum", "ols_change"),
    ...                    {"intervention": pd.DataFrame(index=range(3)),
    ...                     "control": pd.DataFrame(index=range(3))})
    >>> rows = analyse(model, *draw(model, 5.0, np.random.default_rng(7)))
    >>> [(row[0], row[1]) for row in rows]
    [('ee', 'rank_sum'), ('ee', 'ols_change')]
    """
    rows, memo = [], {}  # memo: results one fit gives to two analyses
    for analysis in model.analyses:
        fit, on_flags = _ANALYSES[analysis]
        names = ([flag for outcome in model.outcomes for flag, _, _ in outcome.flags]
                 if on_flags else [outcome.name for outcome in model.outcomes])
        for name in names:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    values = _values(fit(model, wide, long, name, memo))
            except _FAILURES:
                values = (math.nan,) * 4
            rows.append((name, analysis, *values))
    return rows
