"""Tests of the Study A replica generator (burnout_replica.mentorship).

1. Re-running the generator with the seed of params/mentorship.yaml gives byte-identical files,
   the study file included (the generator's :data:`STUDY_YAML` is the committed study file).
2. The calibration targets (Jordan et al. 2019, read from published/mentorship.yaml, the one
   file of published values) are recovered from the replica *cleaned by the pipeline* (study
   file, cleaning with the study's design) with item sums computed here, independently of the
   scoring stage: quartiles and medians exactly (pandas' default linear interpolation), counts
   exactly, OLS estimates (statsmodels) printing as published (rounded to the published
   decimals, half away from zero), except the values the published file proves impossible,
   which must then not print.
3. Plausibility: the pre/post correlations are those chosen from the MBI's test-retest
   literature (within 0.05); every survey falls inside its student's rotation block (the
   baseline in the block's first four days, the follow-up in its last four).
"""

from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from burnout.core.paths import RAW_DIR
from burnout.data.cleaning import clean_study
from burnout.data.study import STUDY_FILE, load_study
from burnout.designs import design_of
from burnout.pipeline.parameters import load_parameters
from burnout.report.reproduction import load_published, prints_as, published_path
from burnout_replica import generate_study_replica
from burnout_replica._mentorship_students import BLOCK_DAYS, FIRST_BLOCK_START, TEST_RETEST
from burnout_replica.mentorship import STUDY_YAML, generate_replica

STUDY = "mentorship"
RAW = RAW_DIR / STUDY
SEED = load_parameters(STUDY)["seed"]
ITEM_KEY = {"ee": (1, 2, 3, 6, 8, 13, 14, 16, 20), "dp": (5, 10, 11, 15, 22),
            "pa": (4, 7, 9, 12, 17, 18, 19, 21)}
CORRELATION_TOLERANCE = 0.05  # absolute, on each pre/post correlation
ENTRIES = {" + ".join(entry["keys"]): entry
           for entry in load_published(published_path(STUDY))["values"]}
# The published values the replica is calibrated to, by numbers.json key (printed values as
# printed, counts as integers).
PUBLISHED = {key: entry["published"] for key, entry in ENTRIES.items() if " + " not in key}
ANALYSED = {"control": PUBLISHED["n.analysed.control"],
            "intervention": PUBLISHED["n.analysed.intervention"]}


def test_generator_is_byte_identical(tmp_path):
    message = generate_study_replica(STUDY, raw_dir=tmp_path)
    assert "\n" not in message and str(tmp_path / STUDY) in message
    committed = sorted(path.name for path in RAW.iterdir())
    assert sorted(path.name for path in (tmp_path / STUDY).iterdir()) == committed
    _, mismatch, errors = filecmp.cmpfiles(RAW, tmp_path / STUDY, committed, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_study_file_is_the_committed_one():
    assert STUDY_YAML.encode("utf-8") == (RAW / STUDY_FILE).read_bytes()


def _clean(raw_dir=RAW_DIR) -> dict[str, pd.DataFrame]:
    """The study's tables, cleaned as the pipeline does (the study's design)."""
    study = load_study(STUDY, raw_dir)
    design = design_of(study)
    return clean_study(study, population=design.population, flow_steps=design.flow_steps,
                       per_protocol=design.applies("mixed_model_per_protocol"))


def test_another_seed_gives_other_data_with_the_same_targets(tmp_path):
    generate_replica(tmp_path / STUDY, seed=SEED + 1)
    assert (tmp_path / STUDY / "mbi_pre.csv").read_bytes() != (RAW / "mbi_pre.csv").read_bytes()
    analysed = _analysed(_clean(tmp_path))
    assert analysed["group"].value_counts().to_dict() == ANALYSED


def _subscale(items: pd.DataFrame, numbers) -> pd.Series:
    """Sum of a subscale; at most one missing item prorated (mean x items), else missing."""
    answers = items[[f"mbi_{number:02d}" for number in numbers]].astype(float)
    answered = answers.notna().sum(axis=1)
    return (answers.mean(axis=1) * len(numbers)).where(answered >= len(numbers) - 1)


def _analysed(tables) -> pd.DataFrame:
    participants = tables["participants"]
    frame = participants.loc[participants["analysed"] == 1].set_index("student_id")
    items = tables["items"]
    for wave in ("pre", "post"):
        wave_items = items.loc[items["wave"] == wave].set_index("student_id")
        for subscale, numbers in ITEM_KEY.items():
            frame[f"{subscale}_{wave}"] = _subscale(wave_items, numbers)
    for subscale in ITEM_KEY:
        frame[f"{subscale}_change"] = frame[f"{subscale}_post"] - frame[f"{subscale}_pre"]
    frame["intervention"] = (frame["group"] == "intervention").astype(int)
    return frame.reset_index()


@pytest.fixture(scope="module")
def tables():
    return _clean()


@pytest.fixture(scope="module")
def analysed(tables):
    return _analysed(tables)


def test_sample_sizes(tables, analysed):
    assert analysed["group"].value_counts().to_dict() == ANALYSED
    assert len(tables["evaluation_mentors_roster"]) == PUBLISHED["n.mentors"]
    assert analysed.filter(like="_change").notna().all().all()


@pytest.mark.parametrize("subscale", ["ee", "dp", "pa"])
def test_change_quartiles_exact(analysed, subscale):
    intervention = analysed.loc[analysed["group"] == "intervention", f"{subscale}_change"]
    control = analysed.loc[analysed["group"] == "control", f"{subscale}_change"]
    key = f"unadjusted.{subscale}.change"
    quartiles = tuple(float(PUBLISHED[f"{key}.intervention.{s}"])
                      for s in ("q1", "median", "q3"))
    assert tuple(intervention.quantile([0.25, 0.5, 0.75])) == quartiles
    assert control.median() == float(PUBLISHED[f"{key}.control.median"])


@pytest.mark.parametrize("subscale", ["ee", "dp", "pa"])
def test_adjusted_group_difference_prints_as_published(analysed, subscale):
    """OLS of change on group + baseline + site + gender + applying to EM (statsmodels): each
    published estimate, limit and p prints as published, unless proven impossible."""
    model = smf.ols(f"{subscale}_change ~ intervention + {subscale}_pre + C(site) + C(gender)"
                    " + applying_em", data=analysed).fit()
    low, high = model.conf_int().loc["intervention"]
    values = {"difference": model.params["intervention"], "ci_low": low, "ci_high": high,
              "p": model.pvalues["intervention"]}
    for statistic, value in values.items():
        entry = ENTRIES[f"adjusted.{subscale}.{statistic}"]
        assert prints_as(value, entry["published"]) != bool(entry.get("impossible")), (
            statistic, value, entry["published"])


@pytest.mark.parametrize("subscale", ["ee", "dp", "pa"])
def test_pre_post_correlation_is_the_chosen_test_retest(analysed, subscale):
    correlation = analysed[f"{subscale}_pre"].corr(analysed[f"{subscale}_post"])
    assert correlation == pytest.approx(TEST_RETEST[subscale], abs=CORRELATION_TOLERANCE)


def test_surveys_fall_inside_each_students_rotation_block():
    roster = pd.read_csv(RAW / "students.csv", dtype={"student_id": str})
    block = roster.set_index("student_id")["rotation_block"]
    for wave, first_day in (("pre", 0), ("post", BLOCK_DAYS - 4)):
        survey = pd.read_csv(RAW / f"mbi_{wave}.csv", dtype={"student_id": str})
        kept = survey.loc[survey["finished"].astype(str) == "True"].drop_duplicates(
            "student_id")
        start = FIRST_BLOCK_START + pd.to_timedelta((block[kept["student_id"]].to_numpy() - 1)
                                                    * BLOCK_DAYS, unit="D")
        day = (pd.to_datetime(kept["submitted_at"]).to_numpy() - start.to_numpy()) / np.timedelta64(
            1, "D")
        assert ((day >= first_day) & (day < first_day + 4)).all(), wave


def test_evaluation_counts(tables):
    students = tables["evaluation_students"]
    mentors = tables["evaluation_mentors"]
    assert len(students) == PUBLISHED["survey.students.respondents"]
    for item in ("positive_rotation", "decreased_stress"):
        assert int((students[item] >= 4).sum()) == PUBLISHED[f"survey.students.{item}"]
    assert len(mentors) == PUBLISHED["survey.mentors.respondents"]
    assert int((mentors["enjoyed"] >= 4).sum()) == PUBLISHED["survey.mentors.enjoyed"]


def test_realistic_baselines(analysed):
    baseline = analysed[["ee_pre", "dp_pre", "pa_pre"]]
    assert 18 <= baseline["ee_pre"].mean() <= 30
    assert 6 <= baseline["dp_pre"].mean() <= 13
    assert 32 <= baseline["pa_pre"].mean() <= 40
    correlation = baseline.corr()
    assert correlation.loc["ee_pre", "dp_pre"] > 0.3
    assert correlation.loc["dp_pre", "pa_pre"] < 0


def test_coders_agree_imperfectly(tables):
    codes = tables["theme_codes"].pivot_table(
        index=["response_id", "respondent_type", "theme"], columns="coder", values="present")
    agreement = float(np.mean(codes["coder_1"] == codes["coder_2"]))
    assert 0.7 < agreement < 0.98
    assert set(tables["theme_codes"]["theme"]) == {
        "relationship_building", "different_perspective", "knowledge_sharing",
        "personal_fulfillment", "self_reflection"}


def test_every_theme_is_coded(tables):
    """The abstract names five themes: each is present in at least one coded response."""
    codes = tables["theme_codes"]
    present = codes.loc[codes["present"] == 1].groupby("theme")["response_id"].nunique()
    for theme in tables["themes"]["theme"]:
        key = f"themes.{theme}.students + themes.{theme}.mentors"
        assert present.get(theme, 0) >= ENTRIES[key]["at_least"]



def test_export_realities_are_present():
    pre = (RAW / "mbi_pre.csv").read_text(encoding="utf-8")
    students = (RAW / "students.csv").read_text(encoding="utf-8")
    assert "Never" in pre or "Every day" in pre
    assert ",False," in pre  # an unfinished submission
    assert " SITE 1 " in students or "site 1" in students
    assert "Withdrawn" in students
    assert (RAW / "mentors.csv").read_bytes().startswith(b"\xef\xbb\xbf")
