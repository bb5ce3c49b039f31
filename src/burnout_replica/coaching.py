"""Synthetic replica of the raw export of Study B (Mann et al. 2025, group coaching trial).

SYNTHETIC DATA. The participants of the trial are confidential; :func:`generate_replica` writes
a seeded, documented stand-in for the raw export of the trial's survey tool to
``data/raw/coaching/``: a roster of the randomized students and the baseline and post-program
survey exports, with the published sample sizes, and calibrated so that the real analysis code
(the intent-to-treat linear mixed model ``score ~ group * time + (1 | student_id)``, REML,
:func:`burnout.stats.mixed_model.mixed_model`) reproduces the published estimates when it runs on
it. Only this generator knows the published numbers; the analysis never does.

Files written
-------------
``students.csv`` (roster of the randomized students: site, arm, age, gender, year of training,
coaching sessions attended), ``survey_pre.csv`` and ``survey_post.csv`` (baseline and
post-program surveys: MBI-HSS (MP) items ``mbi_01`` .. ``mbi_22`` by number only, Young
Impostor Scale ``impostor_01`` .. ``impostor_08``, Moral Injury Symptom Scale-HP
``moral_injury_01`` .. ``moral_injury_10``, Self-Compassion Scale-Short Form
``self_compassion_01`` .. ``self_compassion_12`` and Secure Flourish Index ``flourishing_01``
.. ``flourishing_12``, as answered, i.e. before reverse scoring), ``study.yaml`` (the study
file, :data:`STUDY_YAML`: what each file and column is; the pipeline renders the codebook from
it), ``README.md`` and ``SHA256SUMS``.

How the replica was calibrated
------------------------------
Targets (Mann A, Fainstad T, Sullivan I, et al. PLoS One 2025;20(8):e0328546, abstract):
390 randomized students at seven institutions, 197 to coaching; age mean 25.3 (SD 2.38);
intent-to-treat mixed models with no significant group x time difference for burnout (EE, DP,
PA), impostor syndrome and moral injury; self-compassion +3.00 (SE 1.29, 95% CI 0.48 to 5.53,
p = 0.021); flourishing +0.45 (SE 0.23, 95% CI 0.01 to 0.90, p = 0.048). A value is met when
the analysis's value *prints as published* (rounded to the published decimals, half away from
zero). The model's Wald interval cannot print self-compassion's estimate, SE, limits and
p = 0.021 together (published/coaching.yaml shows the arithmetic), so its p is not targeted;
flourishing's five values print together only in a thin sliver (lower limit 0.00500 to
0.00502, p 0.04750 to 0.04752), which the search of step 3 reaches. The abstract gives no
estimate for the non-significant outcomes; the replica's are invented small differences
(:data:`._coaching_scores._TARGETS`), small enough that the binary outcomes at follow-up do
not differ significantly between the arms either (Fisher p > 0.05). The follow-up counts
(121 and 136, :data:`._coaching_scores.POST_COMPLETERS`) are this replica's assumption, not a
published figure.

1. **Roster.** Students are spread over seven sites and randomized within site (197
   intervention, 193 control). Age is drawn normal, rescaled, rounded to whole years, then
   pairs of ages are moved apart or together by a year until mean and SD print as published.
2. **Scores.** For each outcome a student's score at a wave is a common level plus a
   person-level deviation (sharing a latent distress factor across outcomes), plus a wave
   residual, plus at follow-up a common drift and, in the intervention arm, the targeted
   difference; rounded to integer sums and clipped to the instrument's range (flourishing: a
   sum of 12 items, reported as the mean). The person and residual SDs of the MBI subscales
   give the pre/post correlations of the MBI's one-year test-retest (Jackson, Schwab & Schuler
   1986: EE 0.60, DP 0.54, PA 0.57; :data:`._coaching_scores.TEST_RETEST`), the published
   interval nearest the trial's four months; those of self-compassion and flourishing follow
   from the published standard errors.
3. **Dropout.** Who misses the follow-up survey follows ``replica: dropout:`` of
   ``params/coaching.yaml`` (:mod:`._dropout`): MCAR, MAR on the baseline EE score and the
   site (the default: log-odds ratio 0.5 per SD of baseline EE, sites spread over +-0.4), or
   MNAR with a stated ``delta`` (log-odds ratio per SD of the unobserved follow-up EE); the
   number of completers per arm stays fixed.
4. **Calibration.** The residual scale is adjusted until the model's standard error of the
   interaction is near the centre of the values that print as published, the intervention
   arm's drift until the estimate is near its target, then single follow-up sums are moved by
   +-1; finally a local search (single, level and paired +-1 moves of observed sums) keeps
   the change that most raises the smallest printing margin until every targeted value
   prints as published. Each fit is the analysis's own REML criterion
   (:func:`burnout.stats.mixed_model.mixed_model`, rows in its order), on every available
   observation; the final sums are checked with ``mixed_model`` itself.
5. **Items.** Each sum is split into item answers within the response range around the
   student's level plus fixed item offsets and noise, summing exactly to the calibrated sum;
   reverse-scored items (self-compassion 1, 4, 8, 9, 11, 12; moral injury 5, 6, 7) are written
   as answered (reversed back). No item is left blank, so the scores are exact.
6. **Dates.** The trial ran from 1 September to 31 December 2023: baseline surveys in its
   first two weeks (1-14 September), follow-up surveys in its last weeks (8-28 December).
7. **Export realities** never touch a kept value: abandoned, unfinished earlier submissions
   (dropped by the study file's rule ``duplicates: first``), site and arm labels in
   inconsistent case and spacing, and names and e-mail addresses (direct identifiers, dropped
   by cleaning).

Steps 1, 2, 4 and 5 live in :mod:`._coaching_scores`, step 3 in :mod:`._dropout`, the
exports here; helpers shared with Study A in :mod:`._common`. A run takes about half a minute.

``tests/replica/test_coaching.py`` regenerates the replica, checks it byte for byte and
recomputes the targets from the raw files. Re-running with the same seed gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from burnout.pipeline.parameters import load_parameters, replica_dropout
from burnout_replica._coaching_scores import (
    GENDER,
    OUTCOMES,
    POST_COMPLETERS,
    answers,
    calibrate,
    draw_offsets,
    draw_outcome,
    draw_sessions,
    draw_students,
    item_columns,
)
from burnout_replica._common import (
    FIRST_NAMES,
    LAST_NAMES,
    email_address,
    spell,
    timestamp,
    write_descriptions,
    write_export,
)
from burnout_replica._dropout import choose_completers, dropout_log_odds

__all__ = ["generate_replica", "OUTCOMES", "STUDY_YAML", "README"]

# The trial ran from 1 September to 31 December 2023 (abstract): a four-month program, the
# baseline survey in its first two weeks, the follow-up survey in its last three.
STUDY_PERIOD = (datetime(2023, 9, 1), datetime(2023, 12, 31, 23, 59, 59))
_BASELINE_START, _BASELINE_DAYS = datetime(2023, 9, 1), 14
_FOLLOW_UP_START, _FOLLOW_UP_DAYS = datetime(2023, 12, 8), 21
_ABANDONED = {"pre": 4, "post": 3}  # unfinished earlier attempts per wave

# --- Labels as the survey tool exports them ----------------------------------------------------
_GROUP_SPELLINGS = {"intervention": ("Coaching",) * 10 + ("coaching", "COACHING "),
                    "control": ("Control",) * 10 + ("control", " Control")}
_FIRST_NAMES = FIRST_NAMES[:24]
_LAST_NAMES = LAST_NAMES[:20]


def generate_replica(out_dir: str | Path, seed: int, dropout: dict | None = None) -> list[Path]:
    """Write the synthetic raw export of Study B to ``out_dir``; return the files written.

    Parameters
    ----------
    out_dir : str or Path
        Target folder, normally ``data/raw/coaching`` (created if needed).
    seed : int
        Seed of ``numpy.random.default_rng`` (``seed`` of ``params/coaching.yaml``); the same
        seed gives the same bytes.
    dropout : dict, optional
        The dropout mechanism (:func:`burnout.pipeline.parameters.replica_dropout`); default:
        ``replica: dropout:`` of ``params/coaching.yaml``.

    Returns
    -------
    list of Path
        The files written: the exports, ``study.yaml``, ``README.md`` and, last,
        ``SHA256SUMS``.

    Notes
    -----
    The module docstring documents what the replica contains and how it was calibrated
    (targets: Mann et al. 2025, PLoS One 20(8):e0328546, abstract).

    Examples
    --------
    Writing a replica takes about 30 s (``python -m burnout_replica coaching`` rewrites
    ``data/raw/coaching``); the study file it writes beside the exports is :data:`STUDY_YAML`:

    >>> import yaml
    >>> yaml.safe_load(STUDY_YAML)["design"]
    'randomized'
    """
    out_dir = Path(out_dir)
    if dropout is None:
        dropout = replica_dropout(load_parameters("coaching"), "params/coaching.yaml")
    rng = np.random.default_rng(seed)
    students = draw_students(rng)
    latent = rng.normal(0, 1, len(students))  # distress shared by the outcomes
    draws = {outcome: draw_outcome(rng, students, latent, outcome) for outcome in OUTCOMES}
    baseline, follow_up = draws["ee"].sums(1.0, 0.0)  # EE: the primary outcome, as drawn
    eta = dropout_log_odds(dropout, baseline, list(students["site"]), follow_up)
    students["completed_post"] = choose_completers(rng, students["group"].to_numpy(),
                                                   POST_COMPLETERS, eta)
    students["sessions"] = draw_sessions(rng, students)
    pre_sums, post_sums = {}, {}
    for outcome in OUTCOMES:
        pre_sums[outcome], post_sums[outcome] = calibrate(rng, students, draws[outcome],
                                                          outcome)
    offsets = draw_offsets(rng)
    students["first_name"] = rng.choice(_FIRST_NAMES, len(students))
    students["last_name"] = rng.choice(_LAST_NAMES, len(students))
    students["email"] = [email_address(first, last, sid[1:]) for first, last, sid
                         in zip(students["first_name"], students["last_name"],
                                students["student_id"], strict=True)]
    files = [_write_roster(rng, out_dir, students)]
    everyone = np.ones(len(students), dtype=bool)
    for wave, sums, start, takes in (
            ("pre", pre_sums, (_BASELINE_START, _BASELINE_DAYS), everyone),
            ("post", post_sums, (_FOLLOW_UP_START, _FOLLOW_UP_DAYS),
             students["completed_post"].to_numpy())):
        files.append(_write_survey(rng, out_dir, students, wave, sums, offsets, start, takes))
    return files + write_descriptions(out_dir, STUDY_YAML, README)


def _site_label(rng: np.random.Generator, site: str) -> str:
    number = site.split("_")[1]
    return spell(rng, (f"Site {number}",) * 12 + (f"site {number}", f" SITE {number} "))


def _write_roster(rng: np.random.Generator, out_dir: Path, students: pd.DataFrame) -> Path:
    """``students.csv``: every randomized student; sessions blank in the control arm."""
    return write_export(
        out_dir, "students.csv",
        ["student_id", "first_name", "last_name", "email", "site", "group", "age", "gender",
         "training_year", "sessions_attended"],
        [[row.student_id, row.first_name, row.last_name, row.email,
          _site_label(rng, row.site), spell(rng, _GROUP_SPELLINGS[row.group]), row.age,
          GENDER[row.gender][0], row.training_year,
          None if row.sessions < 0 else row.sessions]
         for row in students.itertuples()])


def _write_survey(rng: np.random.Generator, out_dir: Path, students: pd.DataFrame, wave: str,
                  sums: dict[str, np.ndarray], offsets: dict[str, np.ndarray],
                  window: tuple[datetime, int], takes: np.ndarray) -> Path:
    """``survey_<wave>.csv``: one finished submission per student taking the wave, within
    ``window`` (first day, number of days), plus a few abandoned, unfinished earlier attempts
    (on the same day)."""
    start, days = window
    items = item_columns()
    records = []
    for row in np.flatnonzero(takes):
        answered = answers(rng, {outcome: sums[outcome][row] for outcome in OUTCOMES}, offsets)
        moment = start + timedelta(days=int(rng.integers(0, days)),
                                   seconds=int(rng.integers(9 * 3600, 23 * 3600)))
        records.append((moment, True, row, [answered[item] for item in items]))
    for pick in rng.choice(len(records), _ABANDONED[wave], replace=False):
        moment, _, row, values = records[int(pick)]
        cut = int(rng.integers(5, 30))
        records.append((moment - timedelta(seconds=int(rng.integers(900, 7200))), False,
                        row, values[:cut] + [None] * (len(values) - cut)))
    records.sort(key=lambda record: record[0])
    rows = [[f"{wave.upper()}_{number:04d}", timestamp(moment), "True" if finished else "False",
             students["email"].iloc[row], students["student_id"].iloc[row], *values]
            for number, (moment, finished, row, values) in enumerate(records, start=1)]
    return write_export(out_dir, f"survey_{wave}.csv",
                        ["response_id", "submitted_at", "finished", "email", "student_id",
                         *items], rows)


# The study file written beside the exports (data/raw/coaching/study.yaml): what each file and
# column is, for the pipeline. Data the generator emits, kept identical to the committed file.
STUDY_YAML = """\
# Study B: Mann A, Fainstad T, Sullivan I, Ritz EM, SooHoo JR, Mechaber HF, Shah A. PLoS One
# 2025;20(8):e0328546. doi:10.1371/journal.pone.0328546. A randomized trial of web-based group
# coaching for medical students at seven institutions.
# The files beside this one are a SEEDED SYNTHETIC REPLICA (burnout_replica.coaching) with the
# published sample sizes; not participant data.
study: coaching
title: "Web-based group coaching for medical students: a randomized trial (Study B)"
design: randomized
synthetic: true
roster:
  file: students.csv
  id: student_id
  group: group
  site: site
  strata: [site]             # randomization stratified by institution
  identifiers: [first_name, last_name, email]
  covariates: {age: age, training_year: training_year, gender: gender}
  sessions: sessions_attended
  labels:                    # how the tables name the covariates and their levels
    age: Age (years)
    training_year: Year of medical school
    gender: Gender
    site: Institution
groups: {intervention: Coaching, control: Control}
waves:
  - {name: baseline, file: survey_pre.csv, id: student_id, submitted: submitted_at,
     finished: finished, response_id: response_id, identifiers: [email]}
  - {name: follow-up, file: survey_post.csv, id: student_id, submitted: submitted_at,
     finished: finished, response_id: response_id, identifiers: [email]}
instruments:
  mbi_hss_mp: {columns: "mbi_{item:02d}"}
  young_impostor_scale: {columns: "impostor_{item:02d}"}
  moral_injury_symptom_scale_hp: {columns: "moral_injury_{item:02d}"}
  self_compassion_scale_sf: {columns: "self_compassion_{item:02d}"}
  secure_flourish_index: {columns: "flourishing_{item:02d}"}
duplicates: first            # a student's first finished submission
program:                     # the program's design (seed 003's choices), as the abstract gives it
  format: group
  matching: not applicable (group coaching)
  dose: 4 months of web-based group coaching
  setting: web-based
  population: medical students
"""

# The README of the raw folder.
README = """\
# SYNTHETIC REPLICA — not participant data

This folder is a synthetic stand-in for the confidential raw export of Mann A, Fainstad T,
et al. 2025, a randomized trial of web-based group coaching for medical students (PLoS One
20(8):e0328546), written by `burnout_replica.coaching.generate_replica` (seed in
`params/coaching.yaml`). It has the published sample sizes and is calibrated so that the
analysis reproduces the published estimates; no row describes a real person. Every name and
e-mail address in it is invented.

- `study.yaml`: the study file — design, roster, waves and which columns hold which
  instrument's items. The pipeline generates the codebook of these files from it
  (`data/processed/coaching/datapackage.json` and `CODEBOOK.md`).
- `SHA256SUMS`: checksums verified before every run.

Do not edit these files by hand: regenerate them (`make replica STUDY=coaching`), or replace
them with your own export and accept it with `make accept STUDY=coaching`.
"""
