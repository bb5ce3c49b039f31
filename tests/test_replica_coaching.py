"""Tests of the Study B replica generator (burnout.replica.coaching).

1. Re-running the generator with the committed seed gives byte-identical files.
2. The calibration targets (Mann et al. 2025, abstract) are recovered from the raw replica with
   item sums computed here, independently of the scoring stage, and the REML mixed model
   ``score ~ group * time + (1 | student_id)`` on every available observation (intent to treat):
   differences within 0.05, standard errors within 0.05, p on the published side of 0.05 and
   within 0.01 of the published value; no significant difference for the other outcomes.
3. The binary outcomes at follow-up (burnout and its components, impostor syndrome, significant
   moral injury; cut-offs applied here, not by the scoring stage) do not differ significantly
   between the arms (Fisher's exact test, p > 0.05): the abstract reports no significant
   difference in burnout, impostor syndrome or moral injury, and the replica's risk ratios must
   not contradict it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import fisher_exact

from burnout.mixed_model import mixed_model
from burnout.paths import study_paths
from burnout.replica.coaching import DEFAULT_SEED, generate_replica

RAW = study_paths("coaching").raw
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
# Published (abstract): difference, SE, p.
PUBLISHED = {"self_compassion": (3.00, 1.29, 0.021), "flourishing": (0.45, 0.23, 0.048)}
DIFFERENCE_TOLERANCE = 0.05
SE_TOLERANCE = 0.05
P_TOLERANCE = 0.01


def test_generator_is_byte_identical(tmp_path):
    generate_replica(tmp_path, seed=DEFAULT_SEED)
    committed = sorted(path.name for path in RAW.iterdir())
    assert sorted(path.name for path in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (RAW / name).read_bytes(), name


def _long() -> pd.DataFrame:
    roster = pd.read_csv(RAW / "students.csv", dtype={"student_id": str})
    group = roster["group"].str.strip().str.lower().map({"coaching": "intervention",
                                                          "control": "control"})
    roster = roster.assign(group=group)
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
    assert len(roster) == 390
    arms = roster["group"].str.strip().str.lower().value_counts().to_dict()
    assert arms == {"coaching": 197, "control": 193}
    assert roster["site"].str.strip().str.lower().nunique() == 7
    assert roster["age"].mean() == pytest.approx(25.3, abs=0.05)
    assert roster["age"].std() == pytest.approx(2.38, abs=0.05)


def test_attrition_is_realistic(long):
    completed = long.loc[long["time"] == "post"].groupby("group").size()
    assert (completed / pd.Series({"intervention": 197, "control": 193})).between(0.5, 0.85).all()
    assert long.loc[long["time"] == "pre", "student_id"].nunique() == 390


@pytest.mark.parametrize("outcome", list(PUBLISHED))
def test_published_differences(long, outcome):
    difference, se, p = PUBLISHED[outcome]
    result = mixed_model(long, outcome).iloc[0]
    assert result["difference"] == pytest.approx(difference, abs=DIFFERENCE_TOLERANCE)
    assert result["se"] == pytest.approx(se, abs=SE_TOLERANCE)
    assert result["p"] < 0.05
    assert result["p"] == pytest.approx(p, abs=P_TOLERANCE)
    assert result["n_subjects"] == 390


@pytest.mark.parametrize("outcome", ["ee", "dp", "pa", "impostor", "moral_injury"])
def test_no_significant_difference(long, outcome):
    assert mixed_model(long, outcome).iloc[0]["p"] > 0.2


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
    assert table.to_numpy().sum() == 257
    assert fisher_exact(table.to_numpy())[1] > 0.05
