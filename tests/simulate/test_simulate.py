"""The simulator: analytic power, type-I error, determinism across engines, bad arguments."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import binom
from statsmodels.stats.power import TTestIndPower

from burnout.__main__ import main
from burnout.core.errors import DataError
from burnout.simulate.lab import simulate, write_simulation
from burnout.simulate.model import OutcomeModel, StudyModel, study_model

ALPHA = 0.05


def _empty(*groups):
    return {group: pd.DataFrame(index=range(1)) for group in groups}


def _two_groups(analyses, sizes=(40, 40), correlation=0.0, dropout=0.0, rounded=False):
    outcome = OutcomeModel("score", 50.0, 50.0, 10.0, 10.0, correlation,
                           *((0.0, 100.0, 1.0) if rounded else ()),
                           flags=(("high", ">=", 55.0),) if rounded else ())
    return StudyModel("invented", ("intervention", "control"), sizes, dropout, (outcome,),
                      tuple(analyses), _empty("intervention", "control"))


def _single_group(analyses):
    outcome = OutcomeModel("score", 30.0, 30.0, 8.0, 8.0, 0.6, 0.0, 60.0, 1.0,
                           flags=(("high", ">=", 32.0),))
    return StudyModel("invented", (), (40,), 0.1, (outcome,), tuple(analyses), _empty(""))


def _upper_bound(reps: int) -> int:
    """Rejections a method holding alpha exceeds with probability below 0.001."""
    return int(binom.ppf(0.999, reps, ALPHA))


def test_ancova_power_matches_the_analytic_t_test_power():
    # With no pre-post correlation the baseline-adjusted regression is a two-sample t test of
    # the follow-up (one degree of freedom less): power of d = E / SD.
    reps, effect = 300, 5.0
    table = simulate(_two_groups(["ols_change"]), [effect], reps, seed=11, workers=1)
    simulated = float(table["rejection_rate"].iloc[0])
    analytic = TTestIndPower().power(effect_size=effect / 10.0, nobs1=40, ratio=1.0,
                                     alpha=ALPHA)
    mc_se = math.sqrt(analytic * (1 - analytic) / reps)
    assert abs(simulated - analytic) < 3 * mc_se, (simulated, analytic)
    assert abs(float(table["coverage"].iloc[0]) - 0.95) < 3 * math.sqrt(0.95 * 0.05 / reps)


@pytest.mark.parametrize("study, outcomes", [("mentorship", None), ("coaching", ["ee"])])
def test_every_method_holds_its_type_one_error(study, outcomes):
    reps = 60
    table = simulate(study, [0.0], reps, seed=5, outcomes=outcomes, workers=2)
    assert set(table["method"]) >= {"rank_sum", "mixed_model", "risk_ratio"}
    succeeded = table["reps"] - table["failed"]
    rejections = (table["rejection_rate"] * succeeded).round()
    assert (succeeded >= reps - 3).all()
    assert (rejections <= _upper_bound(reps)).all(), table[["outcome", "method",
                                                            "rejection_rate"]]
    on_scale = table["bias"].notna()
    assert (table.loc[on_scale, "coverage"] >= 0.85).all()


def test_a_single_group_study_is_simulated_with_within_group_methods():
    model = _single_group(["signed_rank", "paired_t", "mcnemar", "mixed_model_time"])
    table = simulate(model, [0.0, 6.0], 40, seed=2, workers=1)
    assert (table["n_control"] == 0).all() and (table["n_intervention"] == 40).all()
    assert set(table["method"]) == {"signed_rank", "paired_t", "mcnemar", "mixed_model_time"}
    null, effect = table.loc[table["effect"] == 0], table.loc[table["effect"] == 6]
    assert (null["rejection_rate"] * 40 <= _upper_bound(40)).all()
    assert (effect.loc[effect["bias"].notna(), "rejection_rate"] > 0.9).all()
    assert table.loc[table["method"] == "mcnemar", "coverage"].isna().all()


def test_power_grows_with_the_effect_and_dropout_costs_power():
    model = _two_groups(["rank_sum", "mixed_model"], sizes=(30, 30), correlation=0.6,
                        rounded=True)
    full = simulate(model, [0.0, 3.0, 6.0], 40, seed=4, workers=1)
    for _, cell in full.loc[full["bias"].notna()].groupby("method"):
        assert cell.sort_values("effect")["rejection_rate"].is_monotonic_increasing
    lossy = simulate(model, [6.0], 40, seed=4, workers=1, dropout=0.5)
    at_six = full.loc[full["effect"] == 6].set_index("method")["rejection_rate"]
    assert (lossy.set_index("method")["rejection_rate"] <= at_six + 1e-12).all()


def _file(tmp_path, name, **options):
    model = _two_groups(["rank_sum", "ols_change", "risk_ratio"], sizes=(15, 15),
                        correlation=0.5, dropout=0.2, rounded=True)
    table = simulate(model, [0.0, 4.0], 12, seed=9, **options)
    return write_simulation(table, "invented", tmp_path / f"{name}.csv").read_bytes()


def test_the_file_is_the_same_with_any_number_of_workers(tmp_path):
    assert _file(tmp_path, "one", workers=1) == _file(tmp_path, "two", workers=2)


@pytest.mark.slow
def test_the_file_is_the_same_on_dask_and_joblib(tmp_path):
    assert _file(tmp_path, "dask", engine="dask", workers=2) == _file(tmp_path, "one",
                                                                      workers=1)


def test_the_study_model_comes_from_the_processed_data():
    model = study_model("mentorship")
    assert model.groups == ("intervention", "control")
    assert all(size > 0 for size in model.sizes) and 0 <= model.dropout < 1
    assert [outcome.name for outcome in model.outcomes] == ["ee", "dp", "pa"]
    assert all(-1 < outcome.correlation < 1 and outcome.step == 1 for outcome in model.outcomes)
    assert "mixed_model_per_protocol" not in study_model("coaching").analyses


@pytest.mark.parametrize("arguments, message", [
    ({"study": "no_such_study"}, "no study"),
    ({"reps": -5}, "reps"),
    ({"reps": 0}, "reps"),
    ({"outcomes": ["flourishing"]}, "no outcome"),
    ({"engine": "spark"}, "engine"),
    ({"sizes": [10]}, "--n needs 2 sizes"),
    ({"dropout": 1.5}, "dropout"),
    ({"effects": []}, "effect"),
])
def test_bad_arguments_are_one_clear_error(arguments, message):
    options = {"study": "mentorship", "effects": [0.0], "reps": 2, "seed": 1, "workers": 1,
               **arguments}
    with pytest.raises(DataError, match=message):
        simulate(options.pop("study"), options.pop("effects"), options.pop("reps"),
                 options.pop("seed"), **options)


def test_the_command_line_prints_the_error_without_a_traceback(capsys):
    assert main(["simulate", "mentorship", "--effect", "1", "--reps", "-3"]) == 1
    assert main(["simulate", "mentorship", "--effect", "1", "--outcome", "flourishing"]) == 1
    errors = capsys.readouterr().err
    assert errors.count("error: simulate:") == 2 and "Traceback" not in errors
