"""The simulated analyses are the pipeline's procedures: the same numbers, and the right ones."""

from __future__ import annotations

import math

import numpy as np
import pytest

from burnout.simulate.methods import analyse
from burnout.simulate.model import OutcomeModel, StudyModel, draw, study_model
from burnout.stats.mixed_model import mixed_model
from burnout.stats.paired import mcnemar_test, paired_t_test
from burnout.stats.rank_sum import rank_sum_test
from burnout.stats.regression import adjusted_difference
from burnout.stats.risk import risk_ratio
from burnout.stats.signed_rank import signed_rank_test

VALUES = ["estimate", "ci_low", "ci_high", "p"]


def _public(model, wide, long, name, analysis):
    """The result of ``analysis`` on one outcome through the public, DataFrame-returning call."""
    exposed = (wide["group"] == model.groups[0]).to_numpy() if model.groups else None
    if analysis == "rank_sum":
        change = wide[f"{name}_change"].to_numpy(dtype=float)
        return rank_sum_test(change[exposed], change[~exposed])
    if analysis in ("ols_change", "ols_change_hc3"):
        return adjusted_difference(wide, f"{name}_change", covariates=list(model.covariates),
                                   robust="HC3" if analysis.endswith("hc3") else None)
    if analysis in ("mixed_model", "mixed_model_time"):
        return mixed_model(long, name, group="group" if analysis == "mixed_model" else None,
                           covariates=list(model.mixed_covariates))
    if analysis == "risk_ratio":
        values = wide[f"{name}_post"].to_numpy(dtype=float)
        seen = ~np.isnan(values)
        return risk_ratio(int(values[exposed & seen].sum()), int((exposed & seen).sum()),
                          int(values[~exposed & seen].sum()), int((~exposed & seen).sum()))
    test = {"signed_rank": signed_rank_test, "paired_t": paired_t_test,
            "mcnemar": mcnemar_test}[analysis]
    return test(wide[f"{name}_pre"].to_numpy(dtype=float),
                wide[f"{name}_post"].to_numpy(dtype=float))


def _single_group():
    """An invented single-group study: every within-group analysis."""
    import pandas as pd

    outcome = OutcomeModel("score", 30.0, 30.0, 8.0, 8.0, 0.6, 0.0, 60.0, 1.0,
                           flags=(("high", ">=", 32.0),))
    return StudyModel("invented", (), (60,), 0.1, (outcome,),
                      ("signed_rank", "paired_t", "mixed_model_time", "mcnemar"),
                      {"": pd.DataFrame(index=range(1))})


@pytest.mark.parametrize("study", ["mentorship", "coaching", "single group"])
def test_each_simulated_result_is_the_pipeline_procedures_result(study):
    # The lab calls each procedure's row (burnout.core.results.tidy_result) to skip building a
    # one-row DataFrame; the numbers must be the very same floats as the public call's.
    model = _single_group() if study == "single group" else study_model(study)
    wide, long = draw(model, 1.5, np.random.default_rng(3))
    rows = analyse(model, wide, long)
    assert {row[1] for row in rows} == set(model.analyses)
    for name, analysis, *values in rows:
        expected = _public(model, wide, long, name, analysis)[VALUES].iloc[0].tolist()
        assert [repr(v) for v in values] == [repr(float(v)) for v in expected], (name, analysis)
        assert not any(math.isnan(v) for v in values), (name, analysis)
