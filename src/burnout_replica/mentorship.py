"""Synthetic replica of the raw export of Study A (Jordan et al. 2019, mentorship and burnout).

SYNTHETIC DATA. The participants of the study are confidential; :func:`generate_replica` writes a
seeded, documented stand-in for the raw export of the study's survey tool to
``data/raw/mentorship/``: the same files, columns and realities a real export has (timestamps,
e-mail addresses, duplicate submissions, missing items, labels instead of numbers, inconsistent
spellings, a withdrawal, students without a post-survey, a file saved by Excel), with the
published sample sizes, and calibrated so that the real analysis code reproduces the published
estimates when it runs on it. Only this generator knows the published numbers; the analysis
never does.

Files written
-------------
``students.csv`` (roster), ``mbi_pre.csv`` and ``mbi_post.csv`` (Maslach Burnout Inventory,
items by number only), ``student_evaluation.csv``, ``mentors.csv`` (saved by Excel: UTF-8 with
byte-order mark and CRLF line endings), ``mentor_evaluation.csv``, ``themes.csv`` (qualitative
codebook), ``theme_codes.csv`` (two coders), ``study.yaml`` (the study file, :data:`STUDY_YAML`:
what each file and column is; the pipeline renders the codebook from it), ``README.md`` and
``SHA256SUMS``.

How the replica was calibrated
------------------------------
Targets (Jordan et al. 2019, abstract): 135 analysed students (51 intervention, 84 control),
59 mentors; intervention change scores (post minus pre), median (Q1, Q3): EE -2 (-4, 4),
DP -1 (-3, 2), PA 1 (-1, 4); control median change 0 for all three subscales; adjusted group
differences (OLS of change on group + baseline + site + gender + applying to EM):
EE -0.2 (95% CI -0.5 to 0.2, p = 0.4), DP -0.2 (95% CI -1.8 to 1.5, p = 0.9), PA 2.2 (95% CI
0.1 to 4.3, p = 0.04);
39/48 students agreed that the program positively impacted their rotation and 28/48 that it
decreased their stress; 34/37 responding mentors enjoyed participating.

1. **Covariates and baselines.** Site, rotation block (control blocks 1-4, intervention blocks
   5-8: 4-week blocks from 26 June 2017, an assumption: the abstract gives no dates; each
   baseline survey falls in its block's first four days, each follow-up in its last four),
   age, gender and applying to EM are drawn per student. Baseline subscale sums are
   multivariate normal with levels typical of senior medical students (EE mean 24, SD 10;
   DP 9, SD 6; PA 37, SD 7.5; correlations EE-DP 0.55, EE-PA -0.35, DP-PA -0.4), slightly
   higher EE and DP at site 2 and among women, rounded and clipped to the subscale ranges.
2. **Change scores with exact quartiles.** For each group and subscale, integer changes are
   drawn through a piecewise-linear quantile function, then the order statistics that define
   the targeted quartiles are fixed (for n = 51 with pandas' default linear interpolation,
   Q1 = mean of sorted values 12 and 13 (0-based), median = value 25, Q3 = mean of values 37
   and 38; for n = 84 the median is the mean of values 41 and 42). Every other value is kept
   between its neighbouring fixed values, which keeps the quartiles exact under any later
   move. Changes are assigned to students by a noisy ranking on baseline (regression to the
   mean) and on a latent per-student "improvement" shared by the three subscales. Where
   pre + change would leave the subscale range, the baseline is moved to the nearest
   feasible value.
3. **Adjusted estimates.** Within each group the changes go to students by a noisy ranking on
   baseline whose weight (regression to the mean) gives the pre/post correlation chosen from
   the MBI's 2-4 week test-retest (Maslach & Jackson 1981, J Occup Behav 2:99-113: EE 0.82,
   DP 0.60; PA 0.60, as PA's published interval allows with an SD of 7.5 points:
   :data:`._mentorship_students.TEST_RETEST`). A greedy loop then moves single change scores
   by +-1 within their bounds until the OLS group coefficient and (DP, PA) its standard error
   are near the centre of the values that print as published, and a local search keeps the
   +-1 moves that raise the smallest margin of the published values (rounded to the published
   decimals, half away from zero) and of the correlation (within 0.05), until DP's
   -0.2 [-1.8 to 1.5], p = 0.9 and PA's 2.2 [0.1 to 4.3], p = 0.04 print as published. EE's
   estimate -0.2 prints; its interval -0.5 to 0.2 and p = 0.4 need a residual SD near one
   point, which no plausible data have (published/mentorship.yaml gives the arithmetic).
4. **Items.** Each subscale sum is split into item answers 0-6 around the student's level plus
   fixed item offsets and noise, summing exactly to the sum. A few answers are left blank in
   analysed records only where the blank item's value equals the mean of the answered items
   of its subscale, so that prorating (mean of answered items x number of items) recovers the
   calibrated sum exactly; blanks in excluded records are arbitrary.
5. **Evaluations.** Likert answers are drawn with the published counts of agree/strongly agree
   and assigned through a latent satisfaction so the items correlate; free text is composed
   from sentences written around the five themes, and two coders code it with independent
   errors (about 8% and 12% of codes flipped), giving realistic but imperfect agreement.
6. **Export realities** are added last and never touch a kept value: duplicate submissions
   (abandoned unfinished attempts before the kept one, and later resubmissions), site and
   group labels in inconsistent case and spacing, item labels ("Never", "Every day") instead of
   numbers, one withdrawal, students without a pre- or post-survey, and a few e-mail addresses,
   phone numbers and names in free text.

Where each step lives: steps 1-3 in :mod:`._mentorship_students`, step 4 and the MBI exports
in :mod:`._mentorship_surveys`, step 5 in :mod:`._mentorship_evaluations` (free text in
:mod:`._mentorship_texts`), the roster and mentors here; helpers shared with Study B in
:mod:`._common`.

``tests/replica/test_mentorship.py`` regenerates the replica, checks it byte for byte and
recomputes every target from the cleaned files. Re-running with the same seed gives the same
bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from burnout_replica._common import (
    draw_name,
    email_address,
    spell,
    write_descriptions,
    write_export,
)
from burnout_replica._mentorship_evaluations import write_evaluations
from burnout_replica._mentorship_students import draw_cohort
from burnout_replica._mentorship_surveys import write_mbi_waves

__all__ = ["generate_replica", "STUDY_YAML", "README"]

_N_MENTORS = 59  # published
_MENTORS_AT_SITE_1 = 33

# --- Labels as the survey tool exports them ----------------------------------------------------
_SITE_SPELLINGS = {
    "site_1": ("Site 1",) * 12 + ("site 1", " SITE 1 ", "Site 1 ", "SITE 1"),
    "site_2": ("Site 2",) * 12 + ("site 2", " Site 2", "SITE 2", "site  2"),
}
_GROUP_SPELLINGS = {"intervention": ("Intervention",) * 10 + ("intervention", "INTERVENTION "),
                    "control": ("Control",) * 10 + ("control", " Control")}
_GENDER_LABELS = {"female": "Female", "male": "Male", "nonbinary": "Non-binary"}


def generate_replica(out_dir: str | Path, seed: int) -> list[Path]:
    """Write the synthetic raw export of Study A to ``out_dir``; return the files written.

    Parameters
    ----------
    out_dir : str or Path
        Target folder, normally ``data/raw/mentorship`` (created if needed).
    seed : int
        Seed of ``numpy.random.default_rng`` (``seed`` of ``params/mentorship.yaml``); the
        same seed gives the same bytes.

    Returns
    -------
    list of Path
        The files written: the exports, ``study.yaml``, ``README.md`` and, last,
        ``SHA256SUMS``.

    Notes
    -----
    The module docstring documents what the replica contains and how it was calibrated.

    Examples
    --------
    Writing a replica takes about 15 s (``python -m burnout_replica mentorship`` rewrites
    ``data/raw/mentorship``); the study file it writes beside the exports is :data:`STUDY_YAML`:

    >>> import yaml
    >>> yaml.safe_load(STUDY_YAML)["design"]
    'nonrandomized'
    """
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    students, baselines, posts = draw_cohort(rng)
    for student in students:
        student["first_name"], student["last_name"] = draw_name(rng)
        student["email"] = email_address(student["first_name"], student["last_name"],
                                         student["student_id"][1:])
        student["name"] = student["first_name"]
    files = [_write_roster(rng, out_dir, students)]
    files += write_mbi_waves(rng, out_dir, students, {"pre": baselines, "post": posts})
    mentors = _draw_mentors(rng)
    files.append(_write_mentors(rng, out_dir, mentors))
    files += write_evaluations(rng, out_dir, students, mentors)
    return files + write_descriptions(out_dir, STUDY_YAML, README)


def _write_roster(rng: np.random.Generator, out_dir: Path, students: list[dict]) -> Path:
    """``students.csv``: every enrolled student, labels spelled as the survey tool exports."""
    return write_export(
        out_dir, "students.csv",
        ["student_id", "first_name", "last_name", "email", "site", "group", "rotation_block",
         "age", "gender", "applying_em", "status"],
        [[s["student_id"], s["first_name"], s["last_name"], s["email"],
          spell(rng, _SITE_SPELLINGS[s["site"]]), spell(rng, _GROUP_SPELLINGS[s["group"]]),
          s["rotation_block"], s["age"], _GENDER_LABELS[s["gender"]],
          "Yes" if s["applying_em"] else "No",
          "Withdrawn" if s["fate"] == "withdrawn" else "Enrolled"] for s in students])


def _draw_mentors(rng: np.random.Generator) -> list[dict]:
    """The resident mentors: names, e-mail address, site and postgraduate year."""
    mentors = []
    for number in range(1, _N_MENTORS + 1):
        first, last = draw_name(rng)
        mentors.append({
            "mentor_id": f"M{number:02d}", "first_name": first, "last_name": last,
            "email": email_address(first, last, f".m{number:02d}"),
            "site": "site_1" if number <= _MENTORS_AT_SITE_1 else "site_2",
            "postgraduate_year": int(rng.choice([1, 2, 3, 4], p=[0.15, 0.4, 0.35, 0.1])),
            "name": f"Dr. {last}",
        })
    return mentors


def _write_mentors(rng: np.random.Generator, out_dir: Path, mentors: list[dict]) -> Path:
    """``mentors.csv``, saved by Excel; the year mostly as ``PGY-2``, sometimes as ``2``."""
    return write_export(
        out_dir, "mentors.csv",
        ["mentor_id", "first_name", "last_name", "email", "site", "postgraduate_year"],
        [[m["mentor_id"], m["first_name"], m["last_name"], m["email"],
          spell(rng, _SITE_SPELLINGS[m["site"]]),
          f"PGY-{m['postgraduate_year']}" if rng.random() < 0.7 else m["postgraduate_year"]]
         for m in mentors], excel=True)


# The study file written beside the exports (data/raw/mentorship/study.yaml): what each file and
# column is, for the pipeline. Data the generator emits, kept identical to the committed file.
STUDY_YAML = """\
# Study A: Jordan J, Watcha D, Cassella C, Kaji AH, Trivedi S. Impact of a mentorship program on
# medical student burnout. AEM Educ Train 2019;3(3):218-225. doi:10.1002/aet2.10354
# The files beside this one are a SEEDED SYNTHETIC REPLICA of the confidential export
# (burnout_replica.mentorship), with the published sample sizes; not participant data.
study: mentorship
title: "Impact of a mentorship program on medical student burnout (Study A)"
design: nonrandomized        # intervention and control groups by rotation period, two sites
synthetic: true
roster:
  file: students.csv
  id: student_id
  group: group
  site: site
  identifiers: [first_name, last_name, email]
  covariates: {age: age, gender: gender, applying_em: applying_em, rotation_block: rotation_block}
  withdrawn: {status: [Withdrawn]}
  labels:                    # how the tables name the covariates and their levels
    age: Age (years)
    gender: Gender
    applying_em: {label: Applying to emergency medicine, levels: {0: "No", 1: "Yes"}}
    rotation_block: Rotation block
    site: Site
groups: {intervention: Intervention, control: Control}
waves:
  - {name: pre-rotation, file: mbi_pre.csv, id: student_id, submitted: submitted_at,
     finished: finished, response_id: response_id, identifiers: [email]}
  - {name: post-rotation, file: mbi_post.csv, id: student_id, submitted: submitted_at,
     finished: finished, response_id: response_id, identifiers: [email]}
instruments:
  mbi_hss_mp: {columns: "Q{item}"}
duplicates: first            # the study kept a student's first finished submission
evaluations:
  students:
    file: student_evaluation.csv
    id: student_id
    submitted: submitted_at
    response_id: response_id
    identifiers: [email]
    eligible: {group: intervention, analysed: true}
    scale: agreement_5
    # Wordings are paraphrases: the questionnaire's exact wording is not in the abstract.
    items:
      positive_rotation: "The mentorship program had a positive impact on my rotation"
      decreased_stress: "The mentorship program decreased my stress during the rotation"
      career_guidance: "My mentor provided useful career guidance"
      personal_development: "The program helped my personal development"
      professional_development: "The program helped my professional development"
      recommend: "I would recommend the program to other students"
    free_text: [comments]
  mentors:
    file: mentor_evaluation.csv
    id: mentor_id
    submitted: submitted_at
    response_id: response_id
    identifiers: [email]
    respondents: {file: mentors.csv, id: mentor_id, identifiers: [first_name, last_name, email]}
    scale: agreement_5
    items:
      enjoyed: "I enjoyed participating as a mentor"
      participate_again: "I would participate as a mentor again"
      improved_teaching: "Mentoring improved my teaching skills"
      connected_with_students: "I felt connected with my students"
      time_manageable: "The time commitment was manageable"
    numeric: [hours, meetings]
    free_text: [comments]
qualitative:
  codebook: themes.csv
  codes: theme_codes.csv
  sources: {student: students, mentor: mentors}
program:                     # the program's design (seed 003's choices), as the abstract gives it
  format: one-on-one         # a resident mentor and a fourth-year student
  matching: not reported
  dose: 4-week emergency medicine subinternship
  setting: in person
  population: medical students
confounders:      # differences between the groups that no adjustment removes
  - name: rotation block (time of year)
    why: the groups were formed by rotation period, so group and time of year coincide
"""

# The README of the raw folder.
README = """\
# SYNTHETIC REPLICA — not participant data

This folder is a synthetic stand-in for the confidential raw export of Jordan et al. 2019,
"Impact of a Mentorship Program on Medical Student Burnout" (AEM Educ Train 3(3):218-225),
written by `burnout_replica.mentorship.generate_replica` (seed in `params/mentorship.yaml`).
It has the published sample sizes and is calibrated so that the analysis reproduces the
published estimates; no row describes a real person. Every name, e-mail address and phone
number in it is invented.

- `study.yaml`: the study file — design, roster, waves, which columns hold which instrument's
  items, the evaluation surveys and the coded free text. The pipeline generates the codebook of
  these files from it (`data/processed/mentorship/datapackage.json` and `CODEBOOK.md`).
- `SHA256SUMS`: checksums verified before every run.

Do not edit these files by hand: regenerate them (`make replica STUDY=mentorship`), or replace
them with your own export and accept it with `make accept STUDY=mentorship`.
"""
