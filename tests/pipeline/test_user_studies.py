"""Invented user studies run end to end, as a user runs them: ``python -m burnout run <study>``.

Each folder of ``tests/data/studies/`` holds what a user puts in ``data/raw/<study>/``: the
survey-tool exports as the tools write them and one ``study.yaml`` (no SHA256SUMS: the first build
records it). ``make_fixtures.py`` there wrote the exports (seeded, invented people at example.org).
For each study a throw-away project root is built (the repository's ``notebooks/`` and
``params/redaction.txt``, the study folder as ``data/raw/<study>/``; the package is imported from
the repository's ``src``) and the whole pipeline runs once, with ``BURNOUT_ROOT`` pointing at it.

What each study exercises, and the counts built into it (the expectations below are written from
this construction, not read from the pipeline):

``peer_qualtrics`` (nonrandomized; roster: plain CSV; waves and evaluation: Qualtrics, choice text)
    32 residents, RES-01..16 peer mentoring, RES-17..32 usual support (two group labels typed
    with other case / a trailing space). Baseline export (3 header rows, BOM, CRLF, a file name
    with spaces and commas): a survey preview, RES-05 twice (the earlier dropped), RES-16 only
    unfinished, RES-32 absent, RES-33 not on the roster, RES-11 skipped one item; MBI answers as
    labels with "Every day" spelled "Everyday" (mapped under ``responses``); covariates age,
    gender, PGY from the roster and Q30 (yes/no) from the first wave; Q31 is a date, not an item.
    Six-month export: a spam row, RES-20 abandoned once then finished, RES-14 only unfinished,
    RES-15, 30, 31 (and 32) absent. Flow per group: 16 -> 15 -> 13 -> 13 analysed. Evaluation
    (Qualtrics; its ResponseId, not named in study.yaml, identifies a response): a preview,
    RES-03 twice, 10 respondents of the 13 analysed peer-mentoring residents, free text naming a
    resident, an e-mail and a phone number; two coders' theme codes, which also code the dropped
    repeat (2 codes logged).
``nurses_redcap`` (randomized; one longitudinal REDCap export, two arms, data dictionary)
    36 records, allocation (radio 1/2) in permuted blocks 1,2,2,1 (18 per arm), stratified by
    hospital (dropdown, the site); events enrolment/baseline/followup _arm_1/_arm_2; identifier
    fields; ``_complete`` 0/1/2; ``[not completed]`` timestamps. Record 6 (waitlist) withdrew
    (yesno field), 9 (coaching) left baseline unfinished, 14 (waitlist) never answered, 12
    (coaching) opened the follow-up without submitting, 21 (coaching), 27 and 31 (waitlist)
    have no follow-up; three rows of the repeating contact_log form; record 37 answered the
    baseline without being enrolled. MBI and the Young Impostor Scale (yesno items).
    CONSORT flow: 18/18 randomized, 17/16 baseline, 15/14 follow-up, 15/14 per protocol,
    18/17 analysed (everyone but the withdrawn nurse).
``workshop_csv`` (single group; plain CSV; three waves with ``submitted``/``finished`` named)
    30 attendees WS-101..130. Before: WS-130 absent, WS-129 unfinished, WS-103 twice, WS-199 not
    on the roster. Midpoint: WS-101..120, WS-104 twice, WS-121 unfinished. After (US-style
    dates): WS-126 unfinished, WS-127..130 absent. Flow: 30 -> 28 -> 25 -> 25. MBI and the
    Secure Flourish Index.
``interns_qualtrics`` (randomized; roster: plain CSV; Qualtrics exports with numeric values)
    24 interns, odd numbers app, even usual care, stratified by hospital; the MBI coded 1-7 in
    the survey, mapped back to 0-6 under ``responses``; Status codes 1 (preview) and 8 (spam);
    I-02 twice at baseline; at follow-up I-05 and I-18 absent, I-09 unfinished. Flow: 12/12
    -> 12/12 -> 10/11 -> 10/11 per protocol -> 12/12 analysed. MBI and SCS-SF.
``retreat_redcap`` (single group; classic REDCap projects: registration, before, after)
    20 registrants; survey projects cloned from one template (one dictionary), linked by the
    registration number typed by the respondent (once with a leading space). Before: 19
    unfinished, 20 absent, 4 twice, 99 not registered. After: 17, 18 absent, 16 "Unverified";
    20 answered after only. Flow: 20 -> 18 -> 16 -> 16.

Besides the runs: a typo in a study-file key, an unmapped response label, a changed raw file and
an unknown study each give one clear error without a traceback; evaluation questions keeping
Qualtrics' names (Q1 ...), a randomization stratum that is not the site, and ``make`` with export
names holding spaces each run.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "data" / "studies"
RUN_TIMEOUT = 1200  # seconds for a whole study (about 40-60 s each on two cores)

# Stage -> number of its notebook (reports/<study>/NN_<stage>.ipynb).
NOTEBOOKS = {"clean": "01", "score": "02", "describe": "03", "unadjusted": "04",
             "adjusted": "05", "sensitivity": "05b", "survey": "06", "qualitative": "07",
             "figures": "08", "tables": "09", "manuscript": "10"}
MAIN_STAGES = ("clean", "score", "describe", "unadjusted", "adjusted", "sensitivity", "figures",
               "tables", "manuscript")
MBI_SCORES = ("ee", "dp", "pa")
MBI_FLAGS = ("high_ee", "high_dp", "low_pa", "burnout")


@dataclass(frozen=True)
class Expected:
    """What a study's construction puts in it (see the module docstring)."""

    design: str
    participants: int
    flow: dict[tuple[str, str], int]
    exclusions: dict[str, list[str]]  # stage -> one mark (id or reason text) per logged record
    scores: tuple[str, ...]
    flags: tuple[str, ...]
    covariates: tuple[str, ...]
    stages: tuple[str, ...]
    tables: tuple[str, ...]  # file stems under tables/<study>/
    identifiers: dict[str, tuple[str, ...]]  # raw file -> columns holding names / e-mails
    typo: tuple[str, str, str]  # (text in study.yaml, replacement, key the error names)
    withdrawn: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def _groups(steps: tuple[str, ...], counts: dict[str, tuple[int, ...]]) -> dict:
    return {(step, group): n for group, numbers in counts.items()
            for step, n in zip(steps, numbers, strict=True)}


_COMPARISON = ("enrolled", "completed_pre", "completed_post", "analysed")
_CONSORT = ("randomized", "completed_pre", "completed_post", "per_protocol", "analysed")
_QUALTRICS_PEOPLE = ("RecipientFirstName", "RecipientLastName", "RecipientEmail")
PEER_BASELINE = "Resident Wellbeing - Baseline_June 12, 2024_09.15.csv"
PEER_FOLLOWUP = "Resident Wellbeing - 6 months_December 13, 2024_10.02.csv"
PEER_EVALUATION = "Peer Mentoring Evaluation_December 20, 2024_08.00.csv"

EXPECTED = {
    "peer_qualtrics": Expected(
        design="nonrandomized", participants=32,
        flow=_groups(_COMPARISON, {"intervention": (16, 15, 13, 13),
                                   "control": (16, 15, 13, 13)}),
        exclusions={"import": ["Survey Preview", "Survey Preview", "Spam"],
                    "not_on_roster": ["RES-33"],
                    "deduplicate": ["RES-05", "RES-20", "RES-03"],
                    "unfinished": ["RES-16", "RES-14"],
                    "pre_survey": ["RES-16", "RES-32"],
                    "post_survey": ["RES-14", "RES-15", "RES-30", "RES-31"],
                    "theme_codes": ["coder_a", "coder_b"]},
        scores=MBI_SCORES, flags=MBI_FLAGS, covariates=("age", "gender", "pgy", "used_wellness"),
        stages=("clean", "score", "describe", "unadjusted", "adjusted", "sensitivity", "survey",
                "qualitative",
                "figures", "tables", "manuscript"),
        tables=("table1_baseline", "table2_unadjusted", "table2b_risk_ratios", "table3_adjusted",
                "table4_survey", "table5_themes"),
        identifiers={"peer_program_roster.csv": ("First name", "Last name", "E-mail"),
                     PEER_BASELINE: _QUALTRICS_PEOPLE, PEER_FOLLOWUP: _QUALTRICS_PEOPLE,
                     PEER_EVALUATION: _QUALTRICS_PEOPLE},
        typo=("  identifiers: [First name", "  identifers: [First name", "roster.identifers"),
        extra={"responses": 10}),
    "nurses_redcap": Expected(
        design="randomized", participants=36,
        flow=_groups(_CONSORT, {"intervention": (18, 17, 15, 15, 18),
                                "control": (18, 16, 14, 14, 17)}),
        exclusions={"import": ["contact_log", "contact_log", "contact_log"],
                    "not_on_roster": ["37"], "withdrawal": ["6"], "pre_survey": ["9", "14"],
                    "post_survey": ["12", "21", "27", "31"], "unfinished": ["9", "12"]},
        scores=(*MBI_SCORES, "impostor"), flags=(*MBI_FLAGS, "impostor_syndrome"),
        covariates=("site", "age", "gender", "years_experience", "shift"),
        stages=MAIN_STAGES,
        tables=("table1_baseline", "table2_mixed_models", "table3_risk_ratios"),
        identifiers={"NurseResilienceTrial_DATA_2024-11-04_1032.csv": ("nurse_name",
                                                                      "nurse_email")},
        typo=("  strata: [hospital]", "  stratum: [hospital]", "roster.stratum"),
        withdrawn=("6",)),
    "workshop_csv": Expected(
        design="single_group", participants=30,
        flow=_groups(_COMPARISON, {"all": (30, 28, 25, 25)}),
        exclusions={"not_on_roster": ["WS-199"], "deduplicate": ["WS-103", "WS-104"],
                    "unfinished": ["WS-129", "WS-121", "WS-126"],
                    "pre_survey": ["WS-129", "WS-130"],
                    "post_survey": ["WS-126", "WS-127", "WS-128"]},
        scores=(*MBI_SCORES, "flourishing"), flags=MBI_FLAGS,
        covariates=("department", "age", "years_in_practice"), stages=MAIN_STAGES,
        tables=("table1_baseline", "table2_paired", "table3_mcnemar", "table4_mixed_model"),
        identifiers={"attendees.csv": ("full_name", "email"), "before_workshop.csv": ("email",),
                     "midpoint.csv": ("email",), "after_workshop.csv": ("email",)},
        typo=("finished: completed, response_id", "finshed: completed, response_id",
              "waves[0].finshed"),
        extra={"midpoint": 20}),
    "interns_qualtrics": Expected(
        design="randomized", participants=24,
        flow=_groups(_CONSORT, {"intervention": (12, 12, 10, 10, 12),
                                "control": (12, 12, 11, 11, 12)}),
        exclusions={"import": ["Survey Preview", "Spam"], "deduplicate": ["I-02"],
                    "unfinished": ["I-09"], "post_survey": ["I-05", "I-09", "I-18"]},
        scores=(*MBI_SCORES, "self_compassion"), flags=MBI_FLAGS,
        covariates=("site", "age", "specialty"), stages=MAIN_STAGES,
        tables=("table1_baseline", "table2_mixed_models", "table3_risk_ratios"),
        identifiers={"randomisation_list.csv": ("name", "email"),
                     "Intern_Wellbeing_T0.csv": _QUALTRICS_PEOPLE,
                     "Intern_Wellbeing_T1.csv": _QUALTRICS_PEOPLE},
        typo=("\ngroups: {intervention", "\ngrups: {intervention", "grups")),
    "retreat_redcap": Expected(
        design="single_group", participants=20,
        flow=_groups(_COMPARISON, {"all": (20, 18, 16, 16)}),
        exclusions={"not_on_roster": ["99"], "deduplicate": ["4"], "unfinished": ["19"],
                    "pre_survey": ["19", "20"], "post_survey": ["17", "18"]},
        scores=MBI_SCORES, flags=MBI_FLAGS, covariates=("role", "age"), stages=MAIN_STAGES,
        tables=("table1_baseline", "table2_paired", "table3_mcnemar", "table4_mixed_model"),
        identifiers={"WellnessRetreatRegistr_DATA_2025-03-03_1412.csv": ("first_name",
                                                                        "last_name", "email")},
        typo=("  covariates: {role", "  covariate: {role", "roster.covariate")),
}
STUDIES = tuple(EXPECTED)

# --- building and running a throw-away project ---------------------------------------------
def make_project(root: Path, *studies: str) -> Path:
    """A project root with the repository's notebooks and redaction list and ``studies``."""
    (root / "params").mkdir(parents=True)
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copy(REPO / "params" / "redaction.txt", root / "params" / "redaction.txt")
    for study in studies:
        shutil.copytree(FIXTURES / study, root / "data" / "raw" / study)
    return root


def burnout(root: Path, *args: str, timeout: int = RUN_TIMEOUT) -> subprocess.CompletedProcess:
    """``python -m burnout <args>`` in project ``root`` (the package from the repository)."""
    environment = dict(os.environ, BURNOUT_ROOT=str(root), PYTHONPATH=str(REPO / "src"))
    return subprocess.run([sys.executable, "-m", "burnout", *args], cwd=root, env=environment,
                          capture_output=True, text=True, timeout=timeout)


@dataclass
class Build:
    """One study built once: its root, the run's result, and the stages run after a failure."""

    study: str
    root: Path
    returncode: int
    stdout: str
    stderr: str
    later: dict[str, tuple[int, str]]  # stage run alone after the run failed -> (status, stderr)

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed" / self.study

    def csv(self, name: str) -> pd.DataFrame:
        return pd.read_csv(self.processed / name, dtype={"student_id": str, "record": str})

    @property
    def expected(self) -> Expected:
        return EXPECTED[self.study]


def _shared_folder(tmp_path_factory) -> Path:
    """A folder every pytest-xdist worker of this session shares (builds run once)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_study(study: str, tmp_path_factory) -> Build:
    """Build ``study`` once per test session (a file lock serialises xdist workers)."""
    folder = _shared_folder(tmp_path_factory) / "user-studies"
    folder.mkdir(exist_ok=True)
    record = folder / f"{study}.json"
    with open(folder / f"{study}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.is_file():
            root = make_project(folder / study, study)
            result = burnout(root, "run", study)
            later = {}
            if result.returncode != 0:  # learn what the other stages still do
                later = _run_remaining_stages(root, study, result.stderr)
            record.write_text(json.dumps({"root": str(root), "returncode": result.returncode,
                                          "stdout": result.stdout, "stderr": result.stderr,
                                          "later": later}), encoding="utf-8")
    saved = json.loads(record.read_text(encoding="utf-8"))
    return Build(study, Path(saved["root"]), saved["returncode"], saved["stdout"],
                 saved["stderr"], {stage: tuple(value) for stage, value in
                                   saved["later"].items()})


def _run_remaining_stages(root: Path, study: str, stderr: str) -> dict:
    failed = re.search(rf"^error: \[{study}\] stage (\w+)", stderr, flags=re.MULTILINE)
    listed = burnout(root, "stages", study).stdout.split()
    if failed is None or failed.group(1) not in listed:
        return {}
    later = {}
    for stage in listed[listed.index(failed.group(1)) + 1:]:
        result = burnout(root, "run", study, stage)
        later[stage] = (result.returncode, result.stderr)
    return later


@pytest.fixture(scope="module", params=STUDIES)
def built(request, tmp_path_factory) -> Build:
    """Each user study, built once (module scope: its tests run together)."""
    return build_study(request.param, tmp_path_factory)


def _failure_text(build: Build) -> str:
    later = "\n".join(f"  then stage {stage} alone: exit {status}\n{text}"
                      for stage, (status, text) in build.later.items())
    return f"python -m burnout run {build.study} failed:\n{build.stderr}\n{later}"


# --- the runs -------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_run_succeeds_and_only_reports_progress(built):
    assert built.returncode == 0, _failure_text(built)
    stage = rf"\[{built.study}\] stage (\d+/\d+ \w+: running notebooks/\S+|\w+: done in .*)"
    notice = rf".*/SHA256SUMS: first build of '{built.study}', recorded the checksums of .*"
    for line in built.stderr.splitlines():
        assert re.fullmatch(f"{stage}|{notice}", line), f"unexpected output: {line!r}"
    assert "Traceback" not in built.stderr + built.stdout


@pytest.mark.slow
def test_every_stage_of_the_design_ran(built):
    listed = burnout(built.root, "stages", built.study, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert tuple(listed.stdout.split()) == built.expected.stages
    for stage in built.expected.stages:
        notebook = built.path("reports", built.study, f"{NOTEBOOKS[stage]}_{stage}.ipynb")
        assert notebook.is_file(), f"stage {stage} did not run: {notebook} missing"
    assert not built.path("reports", built.study, "failed").exists()


@pytest.mark.slow
def test_first_build_recorded_the_checksums_with_one_notice(built):
    notices = [line for line in built.stderr.splitlines() if "first build of" in line]
    assert len(notices) == 1, built.stderr
    assert "SHA256SUMS" in notices[0] and f"make accept STUDY={built.study}" in notices[0]
    listed = built.path("data", "raw", built.study, "SHA256SUMS").read_text().splitlines()
    names = sorted(line.split("  ", 1)[1] for line in listed)
    raw = sorted(path.name for path in (FIXTURES / built.study).iterdir()
                 if path.name != "study.yaml")
    assert names == raw


# --- the processed data ---------------------------------------------------------------------
@pytest.mark.slow
def test_analysis_table_has_one_row_per_analysed_participant(built):
    expected = built.expected
    participants = built.csv("participants.csv")
    analysis = built.csv("analysis.csv")
    assert len(participants) == expected.participants
    assert participants["student_id"].is_unique and analysis["student_id"].is_unique
    # who is analysed, from the construction: everyone not withdrawn (randomized: intention to
    # treat), else everyone with a first and a last survey
    missing = set(expected.withdrawn)
    if expected.design != "randomized":
        missing |= set(expected.exclusions.get("pre_survey", []))
        missing |= set(expected.exclusions.get("post_survey", []))
    assert set(analysis["student_id"]) == set(participants["student_id"]) - missing
    analysed = expected.flow[("analysed", "all")] if expected.design == "single_group" else (
        expected.flow[("analysed", "intervention")] + expected.flow[("analysed", "control")])
    assert len(analysis) == analysed
    assert ("group" in analysis) == (expected.design != "single_group")
    if "group" in analysis:
        assert set(analysis["group"]) == {"intervention", "control"}
    for score in expected.scores:
        for suffix in ("pre", "post", "change"):
            assert f"{score}_{suffix}" in analysis, f"{score}_{suffix} missing"
        both = analysis[f"{score}_pre"].notna() & analysis[f"{score}_post"].notna()
        assert both.any()
        change = analysis[f"{score}_post"] - analysis[f"{score}_pre"]
        assert (change[both] - analysis.loc[both, f"{score}_change"]).abs().max() < 1e-6
    for flag in expected.flags:
        for suffix in ("pre", "post"):
            values = analysis[f"{flag}_{suffix}"].dropna()
            assert len(values) and set(values) <= {0, 1}, f"{flag}_{suffix}: {set(values)}"
    for covariate in expected.covariates:
        assert covariate in analysis and analysis[covariate].notna().any(), covariate


@pytest.mark.slow
def test_flow_counts_match_the_construction(built):
    flow = built.csv("flow.csv")
    counted = {(row.step, row.group): row.n for row in flow.itertuples(index=False)}
    assert counted == built.expected.flow
    numbers = json.loads(built.path("reports", built.study, "numbers.json").read_text())
    for (step, group), n in built.expected.flow.items():
        assert numbers[f"n.{step}.{group}"] == n


def _logged(log: pd.DataFrame, mark: str) -> pd.Series:
    """Rows of the log whose record is ``mark`` or whose reason names it as a whole word."""
    pattern = rf"(?<![\w.-]){re.escape(mark)}(?![\w-])"
    return (log["record"] == mark) | log["reason"].str.contains(pattern, regex=True)


@pytest.mark.slow
def test_exclusion_log_names_every_dropped_response_with_its_reason(built):
    log = built.csv("exclusions.csv")
    expected = built.expected.exclusions
    assert set(log["stage"]) == set(expected), log[["record", "stage", "reason"]]
    for stage, marks in expected.items():
        rows = log.loc[log["stage"] == stage]
        assert len(rows) == len(marks), f"{stage}: {rows[['record', 'reason']].values}"
        unmatched = rows.copy()
        for mark in marks:
            found = unmatched.loc[_logged(unmatched, mark)]
            assert len(found), f"{stage}: no record for {mark!r} in {rows['reason'].tolist()}"
            unmatched = unmatched.drop(found.index[0])
    words = {"import": r"preview|spam|repeating instrument", "not_on_roster": "not on the roster",
             "deduplicate": "repeated", "unfinished": "unfinished", "withdrawal": "withdrew",
             "pre_survey": "no completed", "post_survey": "no completed"}
    for stage, word in words.items():
        reasons = log.loc[log["stage"] == stage, "reason"]
        assert reasons.str.contains(word, case=False, regex=True).all(), reasons.tolist()
    assert log["file"].notna().all()


@pytest.mark.slow
@pytest.mark.parametrize("study", ["peer_qualtrics", "interns_qualtrics"])
def test_qualtrics_responses_are_logged_by_their_response_id(study, tmp_path_factory):
    log = build_study(study, tmp_path_factory).csv("exclusions.csv")
    responses = log.loc[log["stage"].isin(["not_on_roster", "deduplicate", "unfinished"])]
    assert len(responses) and responses["record"].str.fullmatch(r"R_[A-Za-z0-9]{15}").all()
    assert log.loc[log["stage"] == "import", "line"].notna().all()


# --- what each study exercises ----------------------------------------------------------------
def _raw_rows(study: str, file: str, header_rows: int = 1) -> list[dict]:
    """The data rows of a fixture file as dictionaries (Qualtrics: 3 header rows)."""
    text = (FIXTURES / study / file).read_text(encoding="utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    return [dict(zip(records[0], record, strict=True)) for record in records[header_rows:]]


@pytest.mark.slow
def test_peer_qualtrics_covariates_evaluation_and_scrubbed_free_text(tmp_path_factory):
    build = build_study("peer_qualtrics", tmp_path_factory)
    participants = build.csv("participants.csv").set_index("student_id")
    # the first wave's Q30 (yes/no) is a covariate; its answers, from the construction
    first = {row["ExternalReference"]: row["Q30"] for row in
             _raw_rows("peer_qualtrics", PEER_BASELINE, 3) if row["Finished"] == "True"}
    for resident in ("RES-01", "RES-04", "RES-06"):
        assert participants.loc[resident, "used_wellness"] == int(first[resident] == "Yes")
    assert participants.loc["RES-07", "group"] == "intervention"  # "peer mentoring "
    assert participants.loc["RES-25", "group"] == "control"  # "Usual Support"
    evaluation = build.csv("evaluation_residents.csv")
    assert len(evaluation) == build.expected.extra["responses"]
    assert evaluation["response_id"].str.fullmatch(r"R_[A-Za-z0-9]{15}").all()
    comments = " ".join(evaluation["comments"].dropna())
    for token in ("[name]", "[email]", "[phone]"):
        assert token in comments
    rates = build.csv("survey_response_rates.csv")
    assert rates[["respondents", "eligible"]].values.tolist() == [[10, 13]]


@pytest.mark.slow
def test_nurses_redcap_arms_sites_and_codebook(tmp_path_factory):
    build = build_study("nurses_redcap", tmp_path_factory)
    participants = build.csv("participants.csv").set_index("student_id")
    block = (1, 2, 2, 1)
    for record in range(1, 37):
        arm = "intervention" if block[(record - 1) % 4] == 1 else "control"
        assert participants.loc[str(record), "group"] == arm
    assert set(participants["site"]) == {"north_campus", "south_campus"}
    assert participants.loc["6", "analysed"] == 0
    package = json.loads((build.processed / "datapackage.json").read_text())
    data = [resource for resource in package["resources"]
            if resource["path"] == "NurseResilienceTrial_DATA_2024-11-04_1032.csv"]
    assert len(data) == 1  # roster and both waves: one file, described once
    names = {entry["name"] for entry in data[0]["schema"]["fields"]}
    assert {"allocation", "mbi_01", "mbi_22", "imp_1", "imp_8"} <= names
    unused = set(data[0].get("x-unused-columns", []))
    assert not unused & {"mbi_01", "imp_1", "allocation"}
    assert set(data[0]["x-redcap-events"]) == {f"{event}_arm_{arm}" for arm in (1, 2)
                                               for event in ("enrolment", "baseline", "followup")}


@pytest.mark.slow
def test_workshop_csv_intermediate_wave_is_kept(tmp_path_factory):
    build = build_study("workshop_csv", tmp_path_factory)
    participants = build.csv("participants.csv")
    assert participants["has_wave_2"].sum() == build.expected.extra["midpoint"]
    waves = build.csv("waves.csv")
    assert waves["time"].tolist() == ["pre", "wave_2", "post"]
    long = build.csv("analysis_long.csv")
    assert set(long["time"]) == {"pre", "wave_2", "post"}
    analysis = build.csv("analysis.csv")
    assert {"ee_wave_2", "flourishing_wave_2"} <= set(analysis.columns)


@pytest.mark.slow
def test_interns_qualtrics_numeric_codes_are_mapped_back(tmp_path_factory):
    build = build_study("interns_qualtrics", tmp_path_factory)
    analysis = build.csv("analysis.csv").set_index("student_id")
    rows = [row for row in _raw_rows("interns_qualtrics", "Intern_Wellbeing_T0.csv", 3)
            if row["ExternalReference"] == "I-01"]
    ee_items = (1, 2, 3, 6, 8, 13, 14, 16, 20)  # coded 1-7 in the survey, 0-6 in the MBI
    assert analysis.loc["I-01", "ee_pre"] == sum(int(rows[-1][f"MBI_{item}"]) - 1
                                                 for item in ee_items)


@pytest.mark.slow
def test_retreat_redcap_links_by_the_typed_registration_number(tmp_path_factory):
    build = build_study("retreat_redcap", tmp_path_factory)
    participants = build.csv("participants.csv").set_index("student_id")
    assert participants.loc["7", "has_pre"] == 1  # typed " 7"
    assert participants.loc["20", ["has_pre", "has_post"]].tolist() == [0, 1]
    assert set(participants["role"]) == {"resident", "fellow"}


# --- outputs a user reads ---------------------------------------------------------------------
@pytest.mark.slow
def test_figures_tables_numbers_and_results_exist(built):
    figures = built.path("figures", built.study)
    stems = ["flow", "pre_post_scores", "change_scores", "burnout_prevalence"]
    for stem in stems:
        for suffix in (".png", ".pdf"):
            assert (figures / f"{stem}{suffix}").is_file(), f"{stem}{suffix} missing"
    assert list(figures.glob("forest_*.png")) and (figures / "captions.md").is_file()
    numbers = json.loads(built.path("reports", built.study, "numbers.json").read_text())
    assert isinstance(numbers, dict) and numbers
    assert built.path("reports", built.study, "results.md").read_text().strip()
    tables = built.path("tables", built.study)
    for stem in built.expected.tables:
        for suffix in (".csv", ".md", ".tex", ".docx"):
            assert (tables / f"{stem}{suffix}").is_file(), f"{stem}{suffix} missing"


@pytest.mark.slow
def test_results_state_who_was_analysed_as_the_flow_counts_them(built):
    flow = built.expected.flow
    first = "randomized" if built.expected.design == "randomized" else "enrolled"
    enrolled = sum(n for (step, _), n in flow.items() if step == first)
    analysed = sum(n for (step, _), n in flow.items() if step == "analysed")
    if analysed == enrolled:
        pytest.skip("everyone enrolled is analysed")
    text = built.path("reports", built.study, "results.md").read_text(encoding="utf-8")
    assert "every randomized participant was analysed" not in text
    assert f"{analysed} " in text


def _text_outputs(build: Build) -> dict[str, str]:
    paths = [build.path("reports", build.study, "results.md"),
             build.path("figures", build.study, "captions.md"),
             *sorted(build.path("tables", build.study).glob("*.md"))]
    return {path.name: path.read_text(encoding="utf-8") for path in paths if path.is_file()}


def _design_words(build: Build):
    from burnout.designs import get_design

    return get_design(build.expected.design).words


@pytest.mark.slow
def test_texts_use_only_the_designs_words(built):
    if built.expected.design == "randomized":
        pytest.skip("a randomized trial may use every word")
    words = _design_words(built)
    texts = _text_outputs(built)
    assert "results.md" in texts and "captions.md" in texts
    notebooks = sorted(built.path("reports", built.study).glob("*.ipynb"))
    assert len(notebooks) == len(built.expected.stages)
    texts.update({path.name: path.read_text(encoding="utf-8") for path in notebooks})  # JSON
    found = {name: words.violations(text) for name, text in texts.items()}
    assert not {name: hits for name, hits in found.items() if hits}


def _identifiers(study: str) -> set[str]:
    """Every name (and word of a name) and e-mail address in the fixture's identifier columns."""
    found: set[str] = set()
    for file, columns in EXPECTED[study].identifiers.items():
        header = 3 if "RecipientEmail" in columns else 1
        for row in _raw_rows(study, file, header):
            for column in columns:
                value = (row.get(column) or "").strip()
                if value:
                    found.add(value)
                    found.update(word for word in value.split() if len(word) > 3)
    return found


def _readable_bytes(path: Path) -> bytes:
    """A file's bytes; for a Word document (a zip) its members uncompressed."""
    data = path.read_bytes()
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(name) for name in archive.namelist())
    return data


@pytest.mark.slow
def test_no_name_or_email_leaves_the_raw_data(built):
    identifiers = _identifiers(built.study)
    assert len(identifiers) >= 2 * built.expected.participants  # the construction's people
    leaks = []
    for folder in (built.processed, built.path("figures", built.study),
                   built.path("tables", built.study), built.path("reports", built.study)):
        files = [path for path in folder.rglob("*") if path.is_file()]
        assert files, f"{folder} is empty"
        for path in files:
            data = _readable_bytes(path)
            leaks += [(path.relative_to(built.root).as_posix(), value)
                      for value in identifiers if value.encode("utf-8") in data]
            if b"example.org" in data:
                leaks.append((path.relative_to(built.root).as_posix(), "example.org"))
    assert not leaks


# --- what goes wrong, told clearly --------------------------------------------------------------
def _one_clear_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return result.stderr


@pytest.mark.slow
def test_a_changed_raw_file_stops_the_next_run(built, tmp_path):
    root = make_project(tmp_path / "project")
    shutil.copytree(built.path("data", "raw", built.study), root / "data" / "raw" / built.study)
    changed = sorted(built.expected.identifiers)[0]
    target = root / "data" / "raw" / built.study / changed
    target.write_bytes(target.read_bytes() + b"\n")
    stderr = _one_clear_error(burnout(root, "run", built.study))
    assert changed in stderr and f"make accept STUDY={built.study}" in stderr
    assert not (root / "data" / "processed" / built.study / "analysis.csv").exists()


@pytest.mark.parametrize("study", STUDIES)
def test_a_typo_in_a_study_file_key_is_named(study, tmp_path):
    root = make_project(tmp_path / "project", study)
    text, typo, key = EXPECTED[study].typo
    path = root / "data" / "raw" / study / "study.yaml"
    original = path.read_text(encoding="utf-8")
    assert text in original
    path.write_text(original.replace(text, typo, 1), encoding="utf-8")
    stderr = _one_clear_error(burnout(root, "run", study, timeout=120))
    assert f"key '{key}'" in stderr and "did you mean" in stderr
    assert not (root / "reports").exists()


@pytest.mark.slow
def test_an_unmapped_response_label_names_file_row_column_and_key(tmp_path):
    study = "peer_qualtrics"
    root = make_project(tmp_path / "project", study)
    path = root / "data" / "raw" / study / "study.yaml"
    text = path.read_text(encoding="utf-8")
    mapping = '    responses: {"Everyday": 6}'
    assert text.count(mapping) == 1
    path.write_text(text.replace(mapping, ""), encoding="utf-8")
    # the first real (non-preview) baseline answer spelled "Everyday", from the construction
    text = (FIXTURES / study / PEER_BASELINE).read_text(encoding="utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    line, column = next((number, records[0][index])
                        for number, record in enumerate(records[3:], start=4)
                        for index, cell in enumerate(record)
                        if cell == "Everyday" and record[2] == "IP Address")
    stderr = _one_clear_error(burnout(root, "run", study, "clean"))
    expected = f"{PEER_BASELINE}, row {line}, column '{column}': unknown label"
    assert expected in stderr
    assert "instruments.mbi_hss_mp.responses" in stderr and "(value 'Everyday')" in stderr


def test_an_unknown_study_lists_the_studies_that_exist(tmp_path):
    root = make_project(tmp_path / "project", "workshop_csv", "retreat_redcap")
    stderr = _one_clear_error(burnout(root, "run", "nosuch", timeout=120))
    assert "no study 'nosuch'" in stderr
    assert "retreat_redcap, workshop_csv" in stderr


@pytest.mark.slow
def test_evaluation_items_with_qualtrics_default_names(tmp_path):
    """Evaluation questions left with Qualtrics' names (Q1, Q2 ...) run through the survey."""
    study = "peer_qualtrics"
    root = make_project(tmp_path / "project", study)
    raw = root / "data" / "raw" / study
    renamed = {"available": "Q1", "coping": "Q2", "recommend": "Q3", "meetings": "Q4",
               "comments": "Q5"}
    export = raw / PEER_EVALUATION
    data = export.read_bytes()
    header, rest = data.split(b"\r\n", 1)
    for old, new in renamed.items():
        header = header.replace(f",{old}".encode(), f",{new}".encode())
    export.write_bytes(header + b"\r\n" + rest)
    text = (raw / "study.yaml").read_text(encoding="utf-8")
    for old, new in renamed.items():
        text = text.replace(f"      {old}: ", f"      {new}: ").replace(f"[{old}]", f"[{new}]")
    (raw / "study.yaml").write_text(text, encoding="utf-8")
    result = burnout(root, "run", study, "clean", "survey")
    assert result.returncode == 0, result.stderr  # the numbers' keys are lower case
    numbers = json.loads((root / "reports" / study / "numbers" / "survey.json").read_text())
    assert {"survey.residents.q1_share", "survey.residents.q4_mean"} <= set(numbers)


@pytest.mark.slow
def test_randomization_stratified_by_a_column_other_than_the_site(tmp_path):
    """A stratum that is a covariate, not the site, is a fixed effect of the mixed models."""
    study = "interns_qualtrics"
    root = make_project(tmp_path / "project", study)
    path = root / "data" / "raw" / study / "study.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("strata: [hospital]") == 1
    path.write_text(text.replace("strata: [hospital]", "strata: [specialty]"), encoding="utf-8")
    result = burnout(root, "run", study, "clean", "score", "adjusted")
    assert result.returncode == 0, result.stderr
    mixed = pd.read_csv(root / "data" / "processed" / study / "adjusted_mixed_model.csv")
    assert mixed["covariates"].eq("specialty").all()  # the stratum is a fixed effect


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_builds_a_study_whose_export_names_hold_spaces(tmp_path):
    """`make all STUDY=...` derives its rules for exports named as Qualtrics names them."""
    study = "peer_qualtrics"
    root = make_project(tmp_path / "project", study)
    for name in ("Makefile", "pyproject.toml", "requirements.txt", "postBuild"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "src", root / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (root / ".build").mkdir()  # `make all` makes it before its lock; a dry run does not
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("BURNOUT_ROOT", "MAKEFLAGS", "MAKELEVEL")}
    result = subprocess.run(  # a dry run: the rules are derived and checked, nothing executed
        ["make", "--no-print-directory", "-n", "all", f"STUDY={study}",
         f"VENV={REPO / '.venv'}"], cwd=root, env=environment, capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"run {study} manuscript" in result.stdout
