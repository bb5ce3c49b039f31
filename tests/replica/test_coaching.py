"""Tests of the Study B replica generator (burnout_replica.coaching).

1. Re-running the generator with the seed of params/coaching.yaml gives byte-identical files,
   the study file included (slow: the calibration refits statsmodels' MixedLM, about a minute);
   the generator's :data:`STUDY_YAML` is the committed study file.
2. The calibration targets (Mann et al. 2025, abstract; read from published/coaching.yaml, the
   one file of published values) are recovered from the raw replica with item sums computed
   here, independently of the scoring stage, and the REML mixed model
   ``score ~ group * time + (1 | student_id)`` on every available observation (intent to treat,
   the published specification): every published value prints as published (rounded to its
   decimals, half away from zero), except those the published file proves impossible, which
   must then not print; no significant difference for the other outcomes.
3. The binary outcomes at follow-up (burnout and its components, impostor syndrome, significant
   moral injury; cut-offs applied here, not by the scoring stage) do not differ significantly
   between the arms (Fisher's exact test, p > 0.05): the abstract reports no significant
   difference in burnout, impostor syndrome or moral injury, and the replica's risk ratios must
   not contradict it.
4. The pipeline reads the replica through its study file: cleaning with the study's design
   analyses every randomized student (intent to treat).
5. Plausibility: the MBI subscales' pre/post correlations are the chosen test-retest values
   (within 0.06); every submission falls inside the trial's period (September-December 2023),
   the baseline in September and the follow-up in December; the dropout mechanism of
   params/coaching.yaml (MAR on baseline EE and site) is visible in the data, and the dropout
   model itself is checked on a large simulated cohort: under MAR dropout depends on the
   baseline, under MCAR it does not, under MNAR it depends on the follow-up beyond baseline.
"""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import fisher_exact

from burnout.core.paths import RAW_DIR
from burnout.data.cleaning import clean_study
from burnout.data.study import STUDY_FILE, load_study
from burnout.designs import design_of
from burnout.pipeline.parameters import load_parameters, replica_dropout
from burnout.report.reproduction import load_published, prints_as, published_path
from burnout.stats.mixed_model import mixed_model
from burnout_replica import generate_study_replica
from burnout_replica._coaching_scores import TEST_RETEST
from burnout_replica._dropout import choose_completers, dropout_log_odds
from burnout_replica.coaching import STUDY_PERIOD, STUDY_YAML

STUDY = "coaching"
RAW = RAW_DIR / STUDY
# outcome: (item prefix, items, answer range, reverse-scored items, divisor: 12 = mean of 12)
SCALES = {
    "ee": ("mbi_", (1, 2, 3, 6, 8, 13, 14, 16, 20), (0, 6), (), 1),
    "dp": ("mbi_", (5, 10, 11, 15, 22), (0, 6), (), 1),
    "pa": ("mbi_", (4, 7, 9, 12, 17, 18, 19, 21), (0, 6), (), 1),
    "impostor": ("impostor_", range(1, 9), (0, 1), (), 1),
    "moral_injury": ("moral_injury_", range(1, 11), (1, 10), (5, 6, 7), 1),
    "self_compassion": ("self_compassion_", range(1, 13), (1, 5), (1, 4, 8, 9, 11, 12), 1),
    "flourishing": ("flourishing_", range(1, 13), (0, 10), (), 12),
}
# The published entries (value as printed, kind, impossible, ...) by numbers.json key; a list
# of keys (whose values are summed) is joined with " + ".
PUBLISHED = {" + ".join(entry["keys"]): entry
             for entry in load_published(published_path(STUDY))["values"]}
CORRELATION_TOLERANCE = 0.06  # absolute, on each MBI pre/post correlation
RANDOMIZED = PUBLISHED["n.analysed.intervention + n.analysed.control"]["published"]
ARMS = {"intervention": PUBLISHED["n.analysed.intervention"]["published"]}
ARMS["control"] = RANDOMIZED - ARMS["intervention"]
ESTIMATED = ["self_compassion", "flourishing"]  # the outcomes with a published estimate
NOT_SIGNIFICANT = ["ee", "dp", "pa", "impostor", "moral_injury"]
NOT_SIGNIFICANT_MARGIN = 0.2  # the replica's differences are well inside non-significance


@pytest.mark.slow
def test_generator_is_byte_identical(tmp_path):
    message = generate_study_replica(STUDY, raw_dir=tmp_path)
    assert "\n" not in message and str(tmp_path / STUDY) in message
    committed = sorted(path.name for path in RAW.iterdir())
    assert sorted(path.name for path in (tmp_path / STUDY).iterdir()) == committed
    _, mismatch, errors = filecmp.cmpfiles(RAW, tmp_path / STUDY, committed, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_study_file_is_the_committed_one():
    assert STUDY_YAML.encode("utf-8") == (RAW / STUDY_FILE).read_bytes()


def _arm(labels: pd.Series) -> pd.Series:
    """The roster's arm labels (spelled inconsistently) as intervention / control."""
    groups = load_study(STUDY).groups
    return labels.str.strip().str.lower().map({label.lower(): arm
                                               for arm, label in groups.items()})


def _long() -> pd.DataFrame:
    roster = pd.read_csv(RAW / "students.csv", dtype={"student_id": str})
    roster = roster.assign(group=_arm(roster["group"]))
    frames = []
    for wave in ("pre", "post"):
        survey = pd.read_csv(RAW / f"survey_{wave}.csv", dtype={"student_id": str})
        survey = survey.loc[survey["finished"]].drop_duplicates("student_id")
        frame = survey[["student_id"]].assign(time=wave)
        for outcome, (prefix, items, (low, high), reverse, divisor) in SCALES.items():
            total = 0
            for item in items:
                answer = survey[f"{prefix}{item:02d}"]
                total = total + (low + high - answer if item in reverse else answer)
            frame[outcome] = total / divisor
        frames.append(frame)
    return pd.concat(frames).merge(roster[["student_id", "group", "site"]], on="student_id")


@pytest.fixture(scope="module")
def long():
    return _long()


def test_sample_sizes_and_age():
    roster = pd.read_csv(RAW / "students.csv")
    assert len(roster) == RANDOMIZED
    assert _arm(roster["group"]).value_counts().to_dict() == ARMS
    assert roster["site"].str.strip().str.lower().nunique() == 7
    for statistic, value in (("mean", roster["age"].mean()), ("sd", roster["age"].std())):
        assert prints_as(value, PUBLISHED[f"describe.age.{statistic}"]["published"])
    assert (roster["age"] == roster["age"].round()).all()  # whole years


def test_attrition_is_realistic(long):
    completed = long.loc[long["time"] == "post"].groupby("group").size()
    assert (completed / pd.Series(ARMS)).between(0.5, 0.85).all()
    assert long.loc[long["time"] == "pre", "student_id"].nunique() == RANDOMIZED


@pytest.mark.parametrize("outcome", ESTIMATED)
def test_published_differences_print_as_published(long, outcome):
    result = mixed_model(long, outcome).iloc[0]
    for column, key in (("estimate", "difference"), ("se", "se"), ("ci_low", "ci_low"),
                        ("ci_high", "ci_high"), ("p", "p")):
        entry = PUBLISHED[f"mixed_unstratified.{outcome}.{key}"]
        assert prints_as(result[column], entry["published"]) != bool(entry.get("impossible")), (
            key, result[column], entry["published"])
    assert result["n"] == RANDOMIZED


@pytest.mark.parametrize("outcome", NOT_SIGNIFICANT)
def test_no_significant_difference(long, outcome):
    entry = PUBLISHED[f"mixed_unstratified.{outcome}.p"]
    assert entry["kind"] == "claim"
    p = mixed_model(long, outcome).iloc[0]["p"]
    assert p >= entry["at_least"]
    assert p > NOT_SIGNIFICANT_MARGIN


# Binary outcome at follow-up: rule on the scores (default cut-offs of the instruments' files).
BINARY = {
    "high_ee": lambda scores: scores["ee"] >= 27,
    "high_dp": lambda scores: scores["dp"] >= 10,
    "low_pa": lambda scores: scores["pa"] <= 33,
    "burnout": lambda scores: (scores["ee"] >= 27) | (scores["dp"] >= 10),
    "impostor_syndrome": lambda scores: scores["impostor"] >= 5,
    "significant_moral_injury": lambda scores: scores["moral_injury"] >= 36,
}


@pytest.mark.parametrize("outcome", list(BINARY))
def test_no_significant_difference_in_prevalence(long, outcome):
    follow_up = long.loc[long["time"] == "post"]
    table = pd.crosstab(follow_up["group"], BINARY[outcome](follow_up))
    table = table.reindex(index=["intervention", "control"], columns=[True, False], fill_value=0)
    assert table.to_numpy().sum() == len(follow_up)  # every follow-up survey is classified
    assert fisher_exact(table.to_numpy())[1] > 0.05


def test_pipeline_analyses_every_randomized_student(long):
    study = load_study(STUDY)
    design = design_of(study)
    tables = clean_study(study, population=design.population, flow_steps=design.flow_steps,
                         per_protocol=design.applies("mixed_model_per_protocol"))
    participants = tables["participants"]
    analysed = participants.loc[participants["analysed"] == 1, "group"]
    assert analysed.value_counts().to_dict() == ARMS
    assert int(participants["has_post"].sum()) == int((long["time"] == "post").sum())


@pytest.mark.parametrize("outcome", list(TEST_RETEST))
def test_pre_post_correlation_is_the_chosen_test_retest(long, outcome):
    wide = long.pivot(index="student_id", columns="time", values=outcome).dropna()
    correlation = wide["pre"].corr(wide["post"])
    assert correlation == pytest.approx(TEST_RETEST[outcome], abs=CORRELATION_TOLERANCE)


def test_every_submission_falls_inside_the_trial_period():
    start, end = STUDY_PERIOD
    for wave, month in (("pre", 9), ("post", 12)):
        submitted = pd.to_datetime(pd.read_csv(RAW / f"survey_{wave}.csv")["submitted_at"])
        assert submitted.between(start, end).all(), wave
        assert (submitted.dt.month == month).all(), wave


def test_the_replica_follows_its_dropout_parameter(long):
    """params/coaching.yaml: MAR on baseline EE and site. Students who dropped out had a
    higher baseline EE (logistic regression of completion on baseline EE and arm)."""
    assert replica_dropout(load_parameters(STUDY))["mechanism"] == "mar"
    baseline = long.loc[long["time"] == "pre"].set_index("student_id")
    completed = baseline.index.isin(long.loc[long["time"] == "post", "student_id"])
    design = sm.add_constant(np.column_stack([baseline["ee"].to_numpy(float),
                                              (baseline["group"] == "intervention")]))
    fit = sm.Logit(completed.astype(float), design).fit(disp=0)
    assert fit.params[1] < 0 and fit.pvalues[1] < 0.05


def _simulated_dropout(mechanism: str, delta: float = 0.0, n: int = 4000):
    """A large simulated cohort (fixed seed): baseline and follow-up correlated 0.6, two arms,
    four sites; half of each arm completes, chosen by the replica's dropout model."""
    rng = np.random.default_rng(2023)
    baseline = rng.normal(0, 1, n)
    follow_up = 0.6 * baseline + 0.8 * rng.normal(0, 1, n)
    groups = np.where(np.arange(n) % 2 == 0, "intervention", "control")
    sites = [f"site_{k}" for k in rng.integers(1, 5, n)]
    settings = {"mechanism": mechanism, "baseline": 0.0 if mechanism == "mcar" else 0.8,
                "site": 0.0 if mechanism == "mcar" else 0.5, "delta": delta}
    eta = dropout_log_odds(settings, baseline, sites, follow_up)
    completed = choose_completers(rng, groups, {"intervention": n // 4, "control": n // 4}, eta)
    return baseline, follow_up, np.array(sites), completed


def _logit(completed, *columns):
    fit = sm.Logit(completed.astype(float), sm.add_constant(np.column_stack(columns))).fit(
        disp=0)
    return fit.params[1:], fit.pvalues[1:]


def test_dropout_mar_depends_on_baseline_and_site_mcar_on_nothing():
    baseline, follow_up, sites, completed = _simulated_dropout("mar")
    site_4 = (sites == "site_4").astype(float)
    (slope, site_effect), (p_slope, p_site) = _logit(completed, baseline, site_4)
    assert slope < 0 and p_slope < 1e-6 and site_effect < 0 and p_site < 1e-3
    # MAR: given the baseline, the follow-up does not predict completion
    _, (_, p_follow) = _logit(completed, baseline, follow_up)
    assert p_follow > 0.01
    baseline, _, sites, completed = _simulated_dropout("mcar")
    _, p_values = _logit(completed, baseline, (sites == "site_4").astype(float))
    assert (p_values > 0.05).all()


def test_dropout_mnar_depends_on_the_unobserved_follow_up():
    baseline, follow_up, _, completed = _simulated_dropout("mnar", delta=0.8)
    (_, follow_slope), (_, p_follow) = _logit(completed, baseline, follow_up)
    assert follow_slope < 0 and p_follow < 1e-6
