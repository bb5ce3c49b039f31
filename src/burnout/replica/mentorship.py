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
codebook), ``theme_codes.csv`` (two coders), ``datapackage.json`` (the machine-readable
codebook), ``CODEBOOK.md`` (rendered from it) and ``SHA256SUMS``.

How the replica was calibrated
------------------------------
Targets (Jordan et al. 2019, abstract): 135 analysed students (51 intervention, 84 control),
59 mentors; intervention change scores (post minus pre), median (Q1, Q3): EE -2 (-4, 4),
DP -1 (-3, 2), PA 1 (-1, 4); control median change 0 for all three subscales; adjusted group
differences (OLS of change on group + baseline + site + gender + applying to EM):
EE -0.2 (p = 0.4), DP -0.2 (95% CI -1.8 to 1.5), PA 2.2 (95% CI 0.1 to 4.3, p = 0.04);
39/48 students agreed that the program positively impacted their rotation and 28/48 that it
decreased their stress; 34/37 responding mentors enjoyed participating.

1. **Covariates and baselines.** Site, rotation block (control blocks 1-4, intervention blocks
   5-8), age, gender and applying to EM are drawn per student. Baseline subscale sums are
   multivariate normal with levels typical of senior medical students (EE mean 24, SD 10;
   DP 9, SD 5.5; PA 37, SD 6; correlations EE-DP 0.55, EE-PA -0.35, DP-PA -0.4), slightly
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
3. **Adjusted estimates.** A greedy loop then moves single change scores by +-1 within their
   bounds (intervention up or control down, or the reverse) until the OLS group coefficient is
   within 0.02 of its target, and moves pairs apart or together until its standard error is
   within 0.02 of the one implied by the published interval (DP: (1.5 + 1.8) / (2 x 1.98);
   PA: (4.3 - 0.1) / (2 x 1.98)). The EE interval of the paper is inconsistent with its p-value
   (probably a typo), so for EE only the estimate is targeted; its p-value then comes out far
   above 0.2.
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

``tests/test_replica.py`` regenerates the replica, checks it byte for byte and recomputes every
target from the cleaned files. Re-running with the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from burnout.checksums import write_checksums
from burnout.codebook import field_schema as _field
from burnout.codebook import load_codebook, render_codebook
from burnout.io import write_bytes, write_text

__all__ = ["generate_replica", "DEFAULT_SEED", "SUBSCALE_ITEMS"]

DEFAULT_SEED = 20190601  # the seed of params/mentorship.yaml

# MBI-HSS (MP) item key (items by number only: the wording is copyrighted).
SUBSCALE_ITEMS = {
    "ee": (1, 2, 3, 6, 8, 13, 14, 16, 20),
    "dp": (5, 10, 11, 15, 22),
    "pa": (4, 7, 9, 12, 17, 18, 19, 21),
}
_SUBSCALE_MAXIMUM = {name: 6 * len(items) for name, items in SUBSCALE_ITEMS.items()}

# --- Published targets (known to the generator only) -------------------------------------------
_ANALYSED = {"intervention": 51, "control": 84}
_N_MENTORS = 59
_INTERVENTION_QUARTILES = {"ee": (-4, -2, 4), "dp": (-3, -1, 2), "pa": (-1, 1, 4)}
_CONTROL_MEDIAN = 0
_T975 = 1.98  # two-sided 95% t quantile for about 127 residual degrees of freedom
_ADJUSTED_TARGETS = {  # subscale: (group coefficient, standard error or None)
    "ee": (-0.2, None),
    "dp": (-0.2, (1.5 + 1.8) / (2 * _T975)),
    "pa": (2.2, (4.3 - 0.1) / (2 * _T975)),
}
_STUDENT_RESPONDENTS = 48
_MENTOR_RESPONDENTS = 37

# --- Design of the cohort ----------------------------------------------------------------------
# Enrolled students by fate; "no_pre_with_post" sent only a post-survey, "unfinished_pre"
# abandoned the pre-survey and sent nothing else.
_FATES = {
    "intervention": {"analysed": 51, "withdrawn": 1, "no_pre": 1, "no_pre_with_post": 1,
                     "no_post": 3},
    "control": {"analysed": 84, "no_pre": 1, "no_pre_with_post": 1, "unfinished_pre": 1,
                "no_post": 6},
}
_ANALYSED_SITE_1 = {"intervention": 28, "control": 47}
_BLOCKS = {"control": (1, 2, 3, 4), "intervention": (5, 6, 7, 8)}
_FIRST_BLOCK_START = datetime(2017, 6, 26)
_BLOCK_DAYS = 28

_BASELINE_MEAN = np.array([24.0, 9.0, 37.0])
_BASELINE_SD = np.array([10.0, 5.5, 6.0])
_BASELINE_CORRELATION = np.array([[1.0, 0.55, -0.35], [0.55, 1.0, -0.4], [-0.35, -0.4, 1.0]])
_SITE_2_SHIFT = np.array([2.5, 1.0, -1.0])
_FEMALE_SHIFT = np.array([1.5, -0.5, 0.0])

# Knots (minimum, Q1, median, Q3, maximum) of the quantile functions changes are drawn from.
_CHANGE_KNOTS = {
    "intervention": {"ee": (-17, -4, -2, 4, 14), "dp": (-10, -3, -1, 2, 9),
                     "pa": (-9, -1, 1, 4, 15)},
    "control": {"ee": (-15, -3, 0, 3, 16), "dp": (-9, -2, 0, 2, 10),
                "pa": (-15, -4, 0, 3, 12)},
}

# --- Labels as the survey tool exports them ----------------------------------------------------
_SITE_SPELLINGS = {
    "site_1": ("Site 1",) * 12 + ("site 1", " SITE 1 ", "Site 1 ", "SITE 1"),
    "site_2": ("Site 2",) * 12 + ("site 2", " Site 2", "SITE 2", "site  2"),
}
_GROUP_SPELLINGS = {"intervention": ("Intervention",) * 10 + ("intervention", "INTERVENTION "),
                    "control": ("Control",) * 10 + ("control", " Control")}
_GENDER_LABELS = {"female": "Female", "male": "Male", "nonbinary": "Non-binary"}
_MBI_LABELS = {0: "Never", 1: "A few times a year or less", 2: "Once a month or less",
               3: "A few times a month", 4: "Once a week", 5: "A few times a week",
               6: "Every day"}
_LIKERT_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
                  4: "Agree", 5: "Strongly agree"}

_STUDENT_ITEMS = {  # column: (question, counts of answers 5, 4, 3, 2, 1, blank)
    "positive_rotation": ("The mentorship program positively impacted my rotation",
                          (21, 18, 6, 2, 1, 0)),
    "decreased_stress": ("The mentorship program decreased my stress during the rotation",
                         (11, 17, 14, 5, 1, 0)),
    "career_guidance": ("My mentor helped me with career guidance", (15, 19, 9, 3, 1, 1)),
    "personal_development": ("The program contributed to my personal development",
                             (14, 20, 10, 3, 0, 1)),
    "professional_development": ("The program contributed to my professional development",
                                 (16, 19, 9, 2, 1, 1)),
    "recommend": ("I would recommend the program to other students", (24, 16, 6, 1, 0, 1)),
}
_MENTOR_ITEMS = {
    "enjoyed": ("I enjoyed participating as a mentor", (22, 12, 2, 1, 0, 0)),
    "participate_again": ("I would participate as a mentor again", (20, 12, 4, 1, 0, 0)),
    "improved_teaching": ("Mentoring improved my teaching skills", (12, 15, 8, 2, 0, 0)),
    "connected_with_students": ("I felt connected with my students", (14, 15, 6, 2, 0, 0)),
    "time_manageable": ("The time commitment was manageable", (9, 14, 8, 5, 1, 0)),
}

# --- Synthetic names (none belongs to a real person) -------------------------------------------
_FIRST_NAMES = (
    "Adaeze", "Anneliese", "Bartosz", "Chidera", "Dagny", "Eamon", "Folasade", "Giedre",
    "Haruki", "Ingrid", "Jovana", "Kwabena", "Leocadia", "Mateus", "Nneka", "Oksana",
    "Priya", "Quillon", "Radek", "Saoirse", "Tomasz", "Ulrike", "Vasilis", "Wenonah",
    "Ximena", "Yusuf", "Zdenka", "Ifeoma", "Thiago", "Marisol",
)
_LAST_NAMES = (
    "Abernathy", "Brandtner", "Castellanos", "Dziedzic", "Ekwueme", "Fairbrother",
    "Gallagher", "Halvorsen", "Iwasaki", "Jablonski", "Kowalczyk", "Lindqvist", "Morcos",
    "Nakashima", "Okafor", "Petrakis", "Quintero", "Rafferty", "Szymanski", "Takahashi",
    "Underwood", "Villanueva", "Wojcik", "Oyelaran", "Zielinski", "Achterberg",
)
_EMAIL_DOMAIN = "med.example.edu"

# --- Free text written around the five themes --------------------------------------------------
_THEMES = {
    "relationship_building": (
        "Relationship building",
        "Forming a personal connection or rapport between student and mentor.",
        "Mentions of getting to know each other, feeling supported, having someone to turn "
        "to, trust, or an ongoing relationship.",
        "Purely logistical contact (scheduling) without a personal connection.",
    ),
    "different_perspective": (
        "Different perspective",
        "Seeing the rotation, the specialty or oneself from another point of view.",
        "Mentions of a new viewpoint, a resident's view of training, reframing a difficult "
        "shift, realising others share the same struggles.",
        "Learning a fact or skill without a change of viewpoint (code knowledge_sharing).",
    ),
    "knowledge_sharing": (
        "Knowledge sharing",
        "Transfer of practical, clinical or career knowledge from mentor to student.",
        "Advice on the application, letters, interviews, presentations, procedures, shift "
        "survival tips, resources.",
        "General encouragement with no specific content.",
    ),
    "personal_fulfillment": (
        "Personal fulfillment",
        "Satisfaction, enjoyment or meaning the participant drew from the program.",
        "Mentions of enjoying the program, feeling rewarded, giving back, pride, fun.",
        "Satisfaction with the rotation in general that is not linked to the program.",
    ),
    "self_reflection": (
        "Self-reflection",
        "Thinking about one's own wellbeing, habits, goals or growth.",
        "Mentions of reflecting on stress, burnout, balance, strengths and weaknesses, or "
        "one's own way of teaching.",
        "Descriptions of events without reflection on oneself.",
    ),
}
_SENTENCES = {
    "student": {
        "relationship_building": (
            "Having a resident who checked in on me every week made me feel like I belonged.",
            "My mentor made time for me even on busy shifts and I felt I could ask anything.",
            "It was nice to have someone in the department who knew my name from day one.",
            "We met for coffee after shifts and I felt genuinely supported.",
            "I knew there was someone I could text when a shift went badly.",
        ),
        "different_perspective": (
            "Hearing how my mentor handled intern year put my own worries into perspective.",
            "Talking with a resident showed me that everyone struggles with the same things.",
            "It helped me see the rotation as a chance to learn rather than a test.",
            "My mentor helped me reframe a really hard shift in a way I had not considered.",
        ),
        "knowledge_sharing": (
            "I got very practical advice on my application and on asking for letters.",
            "My mentor walked me through how to present patients efficiently in the ED.",
            "The tips on interview season and on ranking programs were extremely useful.",
            "We went over how to prepare for procedures and what attendings expect.",
            "I learned a lot about how to survive night shifts.",
        ),
        "personal_fulfillment": (
            "Honestly it was the most enjoyable part of the rotation.",
            "I really enjoyed the meetings and looked forward to them.",
            "The program made the month more rewarding than I expected.",
            "It was fun and it made me excited about residency.",
        ),
        "self_reflection": (
            "It made me think about how I handle stress and how to keep some balance.",
            "Our conversations made me reflect on what kind of doctor I want to become.",
            "I started paying more attention to my own sleep and wellbeing.",
            "It pushed me to think honestly about my strengths and weaknesses.",
        ),
    },
    "mentor": {
        "relationship_building": (
            "I enjoyed getting to know my students beyond the shift.",
            "My student and I kept in touch after the rotation ended.",
            "Building a relationship with the students made shifts more pleasant for both of us.",
            "I felt like a real point of contact for my students.",
        ),
        "different_perspective": (
            "It reminded me what it felt like to be a fourth-year student.",
            "Seeing the department through the students' eyes was refreshing.",
            "It changed how I see the students who rotate with us.",
        ),
        "knowledge_sharing": (
            "I shared a lot of advice about applications and interviews.",
            "Most of our meetings were about how to succeed on shift and in the match.",
            "I gave tips on presentations and on reading about patients.",
            "I passed on the resources that helped me most as a student.",
        ),
        "personal_fulfillment": (
            "It was rewarding to give back to students.",
            "I really enjoyed being a mentor and would do it again.",
            "Mentoring was one of the highlights of my month.",
            "It felt good to see my student grow over four weeks.",
        ),
        "self_reflection": (
            "It made me reflect on my own teaching style.",
            "Talking about burnout with students made me think about my own wellbeing.",
            "I realised how much I have learned since medical school.",
        ),
    },
}
_CLOSINGS = {
    "student": ("", "", "", " Thank you for organising it.", " Please keep this program.",
                " More structured meetings would help."),
    "mentor": ("", "", "", " Protected time for meetings would help.",
               " A short guide for mentors would be useful.", " Thanks for organising this."),
}


# ================================================================================================
# Cohort, baselines and calibrated changes
# ================================================================================================


def _draw_students(rng: np.random.Generator) -> list[dict]:
    """One dict per enrolled student: group, fate, site, covariates (ids assigned later)."""
    students = []
    for group, fates in _FATES.items():
        analysed = fates["analysed"]
        sites = ["site_1"] * _ANALYSED_SITE_1[group] + ["site_2"] * (
            analysed - _ANALYSED_SITE_1[group])
        for fate, count in fates.items():
            for index in range(count):
                site = sites[index] if fate == "analysed" else str(
                    rng.choice(["site_1", "site_2"]))
                students.append({"group": group, "fate": fate, "site": site})
    for student in students:
        student["age"] = int(np.clip(np.round(rng.normal(26.4, 1.7)), 23, 34))
        student["gender"] = str(rng.choice(["female", "male", "nonbinary"],
                                           p=[0.49, 0.49, 0.02]))
        student["applying_em"] = int(rng.random() < 0.55)
        student["rotation_block"] = int(rng.choice(_BLOCKS[student["group"]]))
    order = rng.permutation(len(students))
    students = [students[index] for index in order]
    for number, student in enumerate(students, start=1):
        student["student_id"] = f"S{number:03d}"
    return students


def _draw_baselines(rng: np.random.Generator, students: list[dict]) -> np.ndarray:
    """Baseline EE, DP, PA sums (n x 3 int), correlated, with site and gender differences."""
    covariance = _BASELINE_CORRELATION * np.outer(_BASELINE_SD, _BASELINE_SD)
    values = rng.multivariate_normal(np.zeros(3), covariance, size=len(students))
    for row, student in enumerate(students):
        values[row] += _BASELINE_MEAN
        if student["site"] == "site_2":
            values[row] += _SITE_2_SHIFT
        if student["gender"] == "female":
            values[row] += _FEMALE_SHIFT
    maxima = np.array([_SUBSCALE_MAXIMUM[name] for name in SUBSCALE_ITEMS])
    return np.clip(np.round(values), 0, maxima).astype(int)


def _draw_anchored(rng, n: int, knots, anchors: dict[float, int]):
    """Integer sample of size n whose pandas quantiles at ``anchors`` are exact.

    Returns the sorted values and, per position, the bounds a value may move within without
    changing any anchored quantile.
    """
    uniform = np.sort(rng.uniform(size=n))
    values = np.round(np.interp(uniform, [0, 0.25, 0.5, 0.75, 1], knots)).astype(int)
    fixed: dict[int, int] = {}
    for probability, value in anchors.items():
        position = (n - 1) * probability
        fixed[int(np.floor(position))] = value
        fixed[int(np.ceil(position))] = value
    lower = np.full(n, -10**6)
    upper = np.full(n, 10**6)
    positions = sorted(fixed)
    for index in range(n):
        if index in fixed:
            values[index] = lower[index] = upper[index] = fixed[index]
            continue
        below = [position for position in positions if position < index]
        above = [position for position in positions if position > index]
        if below:
            lower[index] = fixed[below[-1]]
        if above:
            upper[index] = fixed[above[0]]
        values[index] = min(max(values[index], lower[index]), upper[index])
    return values, lower, upper


def _ols(design: np.ndarray, outcome: np.ndarray) -> tuple[float, float]:
    """Coefficient and standard error of column 1 (the group indicator) of an OLS fit."""
    coefficients, *_ = np.linalg.lstsq(design, outcome, rcond=None)
    residuals = outcome - design @ coefficients
    degrees = design.shape[0] - design.shape[1]
    variance = residuals @ residuals / degrees
    covariance = variance * np.linalg.inv(design.T @ design)
    return float(coefficients[1]), float(np.sqrt(covariance[1, 1]))


def _design(students: list[dict], baseline: np.ndarray) -> np.ndarray:
    """Columns: constant, intervention, baseline, site 2, male, nonbinary, applying EM."""
    columns = [
        np.ones(len(students)),
        np.array([student["group"] == "intervention" for student in students], float),
        baseline.astype(float),
        np.array([student["site"] == "site_2" for student in students], float),
        np.array([student["gender"] == "male" for student in students], float),
        np.array([student["gender"] == "nonbinary" for student in students], float),
        np.array([student["applying_em"] for student in students], float),
    ]
    matrix = np.column_stack(columns)
    return matrix[:, matrix.any(axis=0)]  # drop an all-zero column (no nonbinary student)


def _calibrate_changes(rng, analysed: list[dict], baselines: np.ndarray):
    """Calibrated change scores (n x 3) for the analysed students; baselines may be redrawn."""
    n = len(analysed)
    groups = np.array([student["group"] for student in analysed])
    latent = rng.normal(size=n)
    changes = np.zeros((n, 3), int)
    for column, subscale in enumerate(SUBSCALE_ITEMS):
        maximum = _SUBSCALE_MAXIMUM[subscale]
        lower = np.zeros(n, int)
        upper = np.zeros(n, int)
        sign = 1.0 if subscale == "pa" else -1.0
        for group in ("intervention", "control"):
            members = np.flatnonzero(groups == group)
            if group == "intervention":
                q1, median, q3 = _INTERVENTION_QUARTILES[subscale]
                anchors = {0.25: q1, 0.5: median, 0.75: q3}
            else:
                anchors = {0.5: _CONTROL_MEDIAN}
            values, low, high = _draw_anchored(rng, len(members),
                                               _CHANGE_KNOTS[group][subscale], anchors)
            standardised = (baselines[members, column] - _BASELINE_MEAN[column]) / (
                _BASELINE_SD[column])
            key = -0.35 * standardised + sign * 0.5 * latent[members] + rng.normal(
                0, 0.8, len(members))
            ranked = members[np.argsort(key, kind="stable")]
            changes[ranked, column] = values
            lower[ranked] = low
            upper[ranked] = high
        for row in range(n):  # keep post = pre + change inside the subscale range
            change = changes[row, column]
            if not 0 <= baselines[row, column] + change <= maximum:
                baselines[row, column] = int(np.clip(baselines[row, column], max(0, -change),
                                                     min(maximum, maximum - change)))
        _tune(rng, analysed, baselines[:, column], changes[:, column], lower, upper,
              maximum, *_ADJUSTED_TARGETS[subscale])
    return changes


def _tune(rng, analysed, baseline, change, lower, upper, maximum, target, target_se) -> None:
    """Greedy +-1 moves of change scores (in place) until the OLS targets are met."""
    design = _design(analysed, baseline)
    intervention = design[:, 1] == 1

    def can_move(row: int, step: int) -> bool:
        new = change[row] + step
        return lower[row] <= new <= upper[row] and 0 <= baseline[row] + new <= maximum

    for _ in range(20000):
        coefficient, standard_error = _ols(design, change.astype(float))
        if target_se is not None and abs(standard_error - target_se) > 0.02:
            group = intervention if rng.random() < 0.5 else ~intervention
            rows = np.flatnonzero(group)
            middle = np.median(change[rows])
            if standard_error < target_se:  # widen: push a high value up and a low one down
                ups = [row for row in rows if change[row] >= middle and can_move(row, 1)]
                downs = [row for row in rows if change[row] <= middle and can_move(row, -1)]
                if ups and downs:
                    change[rng.choice(ups)] += 1
                    change[rng.choice(downs)] -= 1
            else:  # narrow: pull the extremes in
                highs = [row for row in rows if can_move(row, -1)]
                lows = [row for row in rows if can_move(row, 1)]
                if highs and lows:
                    change[max(highs, key=lambda row: change[row])] -= 1
                    change[min(lows, key=lambda row: change[row])] += 1
            continue
        if abs(coefficient - target) <= 0.02:
            return
        step = 1 if coefficient < target else -1
        candidates = [row for row in np.flatnonzero(intervention) if can_move(row, step)]
        candidates += [row for row in np.flatnonzero(~intervention) if can_move(row, -step)]
        row = int(rng.choice(candidates))
        change[row] += step if intervention[row] else -step
    raise RuntimeError("replica calibration did not converge; change the seed")


def _draw_free_change(rng, baselines: np.ndarray) -> np.ndarray:
    """Changes of students who are not analysed (no calibration), kept inside the ranges."""
    maxima = np.array([_SUBSCALE_MAXIMUM[name] for name in SUBSCALE_ITEMS])
    changes = np.round(rng.normal(0, [6, 3.5, 5], size=baselines.shape)).astype(int)
    return np.clip(baselines + changes, 0, maxima) - baselines


# ================================================================================================
# Items
# ================================================================================================


def _split_sum(rng, total: int, offsets: np.ndarray) -> np.ndarray:
    """Item answers 0-6 summing exactly to ``total`` around the level total / k."""
    count = len(offsets)
    values = np.clip(np.round(total / count + offsets + rng.normal(0, 0.8, count)), 0, 6)
    values = values.astype(int)
    while values.sum() != total:
        step = 1 if values.sum() < total else -1
        room = np.flatnonzero(values < 6) if step == 1 else np.flatnonzero(values > 0)
        gap = (total / count + offsets - values) * step
        weights = np.exp(gap[room])
        values[rng.choice(room, p=weights / weights.sum())] += step
    return values


def _items_for(rng, sums: np.ndarray, offsets: np.ndarray, blank: tuple[str, int] | None):
    """22 answers (list, None = blank) for one wave; ``blank`` = (subscale, position) to hide."""
    answers: list[int | None] = [None] * 22
    for column, (subscale, items) in enumerate(SUBSCALE_ITEMS.items()):
        item_offsets = offsets[[item - 1 for item in items]]
        total = int(sums[column])
        if blank is not None and blank[0] == subscale:
            position = blank[1]
            level = total // len(items)
            rest = np.delete(item_offsets, position)
            values = list(_split_sum(rng, total - level, rest))
            values.insert(position, level)
        else:
            values = list(_split_sum(rng, total, item_offsets))
        for item, value in zip(items, values, strict=True):
            answers[item - 1] = int(value)
        if blank is not None and blank[0] == subscale:
            answers[items[blank[1]] - 1] = None
    return answers


# ================================================================================================
# Writing
# ================================================================================================


def _csv_bytes(header: list[str], rows: list[list], excel: bool = False) -> bytes:
    """CSV bytes; ``excel`` adds a byte-order mark and CRLF line endings, as Excel saves."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    data = buffer.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _response_code(rng) -> str:
    alphabet = list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
    return "R_" + "".join(rng.choice(alphabet, 15))


def _spell(rng, spellings) -> str:
    return str(spellings[int(rng.integers(len(spellings)))])


def _compose_comment(rng, respondent: str, themes: list[str]) -> str:
    sentences = [str(rng.choice(_SENTENCES[respondent][theme])) for theme in themes]
    return " ".join(sentences) + str(rng.choice(_CLOSINGS[respondent]))


def _likert_answers(rng, counts, latent: np.ndarray) -> list[int | None]:
    """Answers with exact counts (5, 4, 3, 2, 1, blank), ranked by a noisy latent."""
    pool = [5] * counts[0] + [4] * counts[1] + [3] * counts[2] + [2] * counts[3] + [1] * counts[4]
    order = np.argsort(-(latent + rng.normal(0, 0.7, len(latent))), kind="stable")
    answers: list[int | None] = [None] * len(latent)
    blanks = set(rng.choice(len(latent), counts[5], replace=False).tolist()) if counts[5] else set()
    kept = [row for row in order if row not in blanks]
    # blanks take no answer; the remaining answers go to the others in latent order
    pool = pool[: len(kept)] if len(pool) >= len(kept) else pool
    for row, value in zip(kept, pool, strict=False):
        answers[row] = value
    return answers


def _label_or_code(rng, value: int | None) -> str:
    if value is None:
        return ""
    return str(value) if rng.random() < 0.04 else _LIKERT_LABELS[value]


def _insert_identifier(rng, text: str, kind: str, person: dict) -> str:
    if kind == "email":
        return text + f" If you want to talk more, my email is {person['email']}."
    if kind == "phone":
        number = f"({int(rng.integers(200, 990))}) 555-{int(rng.integers(100, 199)):04d}"
        return text + f" Happy to chat, call me at {number}."
    return f"Thanks to {person['name']}! " + text


def generate_replica(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the synthetic raw export of Study A to ``out_dir``; return the files written.

    Parameters
    ----------
    out_dir : str or Path
        Target folder, normally ``data/raw/mentorship`` (created if needed).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same bytes.

    Returns
    -------
    list of Path
        The files written, the checksum list last.

    Notes
    -----
    The module docstring documents what the replica contains and how it was calibrated.

    Examples
    --------
    >>> import tempfile
    >>> files = generate_replica(tempfile.mkdtemp())
    >>> [path.name for path in files][-1]
    'SHA256SUMS'
    """
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    students = _draw_students(rng)
    baselines = _draw_baselines(rng, students)
    analysed_rows = [row for row, student in enumerate(students) if student["fate"] == "analysed"]
    analysed = [students[row] for row in analysed_rows]
    analysed_baselines = baselines[analysed_rows].copy()
    calibrated = _calibrate_changes(rng, analysed, analysed_baselines)
    changes = _draw_free_change(rng, baselines)
    baselines[analysed_rows] = analysed_baselines
    changes[analysed_rows] = calibrated
    posts = baselines + changes

    # names and e-mail addresses
    for student in students:
        student["first_name"] = str(rng.choice(_FIRST_NAMES))
        student["last_name"] = str(rng.choice(_LAST_NAMES))
        student["email"] = (f"{student['first_name']}.{student['last_name']}"
                            f"{student['student_id'][1:]}@{_EMAIL_DOMAIN}").lower()
        student["name"] = student["first_name"]

    files: list[Path] = []

    def emit(name: str, header: list[str], rows: list[list], excel: bool = False) -> None:
        files.append(write_bytes(_csv_bytes(header, rows, excel), out_dir / name))

    # ------------------------------------------------------------------ students.csv (roster)
    emit("students.csv",
         ["student_id", "first_name", "last_name", "email", "site", "group", "rotation_block",
          "age", "gender", "applying_em", "status"],
         [[s["student_id"], s["first_name"], s["last_name"], s["email"],
           _spell(rng, _SITE_SPELLINGS[s["site"]]), _spell(rng, _GROUP_SPELLINGS[s["group"]]),
           s["rotation_block"], s["age"], _GENDER_LABELS[s["gender"]],
           "Yes" if s["applying_em"] else "No",
           "Withdrawn" if s["fate"] == "withdrawn" else "Enrolled"] for s in students])

    # ------------------------------------------------------------------ MBI waves
    item_offsets = rng.normal(0, 0.4, 22)
    waves = {"pre": baselines, "post": posts}
    takes_wave = {
        "pre": {"analysed", "withdrawn", "no_post"},
        "post": {"analysed", "withdrawn", "no_pre_with_post"},
    }
    # blanks in analysed records: only where the blank equals the mean of the answered items
    blanks: dict[tuple[int, str], tuple[str, int]] = {}
    wanted = {"ee": 4, "dp": 2, "pa": 2}
    for subscale, count in wanted.items():
        column = list(SUBSCALE_ITEMS).index(subscale)
        size = len(SUBSCALE_ITEMS[subscale])
        options = [(row, wave) for row in analysed_rows for wave in ("pre", "post")
                   if waves[wave][row, column] % size == 0
                   and (row, wave) not in blanks]
        for pick in rng.choice(len(options), count, replace=False):
            row, wave = options[int(pick)]
            blanks[(row, wave)] = (subscale, int(rng.integers(size)))
    for wave, sums in waves.items():
        offset_days = 0 if wave == "pre" else _BLOCK_DAYS - 2
        records = []
        for row, student in enumerate(students):
            fate = student["fate"]
            if fate not in takes_wave[wave] and not (wave == "pre" and fate == "unfinished_pre"):
                continue
            answers = _items_for(rng, sums[row], item_offsets, blanks.get((row, wave)))
            if fate in {"no_post", "no_pre_with_post"} and rng.random() < 0.4:
                answers[int(rng.integers(22))] = None  # arbitrary blank, record excluded anyway
            start = _FIRST_BLOCK_START + timedelta(
                days=_BLOCK_DAYS * (student["rotation_block"] - 1) + offset_days
                + int(rng.integers(0, 4)),
                seconds=int(rng.integers(7 * 3600, 23 * 3600)))
            finished = fate != "unfinished_pre"
            if not finished:
                answers = answers[:9] + [None] * 13
            records.append({"row": row, "time": start, "finished": finished,
                            "answers": answers})
        # duplicates: abandoned attempts before the kept one, and later resubmissions
        kept = [record for record in records if students[record["row"]]["fate"] == "analysed"]
        extra = []
        picks = rng.choice(len(kept), 3 if wave == "pre" else 2, replace=False)
        for number, pick in enumerate(picks):
            original = kept[int(pick)]
            if number < (2 if wave == "pre" else 1):  # abandoned earlier attempt
                answers = original["answers"][: int(rng.integers(3, 12))]
                answers = answers + [None] * (22 - len(answers))
                extra.append({"row": original["row"], "finished": False, "answers": answers,
                              "time": original["time"] - timedelta(
                                  seconds=int(rng.integers(600, 5400)))})
            else:  # finished resubmission later on; the first finished one is kept
                answers = list(original["answers"])
                for item in rng.choice(22, 3, replace=False):
                    if answers[int(item)] is not None:
                        answers[int(item)] = int(np.clip(answers[int(item)] + rng.choice(
                            [-1, 1]), 0, 6))
                extra.append({"row": original["row"], "finished": True, "answers": answers,
                              "time": original["time"] + timedelta(
                                  seconds=int(rng.integers(5 * 3600, 40 * 3600)))})
        records = sorted(records + extra, key=lambda record: record["time"])
        rows = []
        for number, record in enumerate(records, start=1):
            student = students[record["row"]]
            cells = []
            for value in record["answers"]:
                if value is None:
                    cells.append("")
                elif value in (0, 6) and rng.random() < 0.03:
                    cells.append(_MBI_LABELS[value])
                else:
                    cells.append(str(value))
            email = student["email"].upper() if rng.random() < 0.05 else student["email"]
            rows.append([_response_code(rng), _timestamp(record["time"]),
                         "True" if record["finished"] else "False", email,
                         student["student_id"], *cells])
            del number
        emit(f"mbi_{wave}.csv",
             ["response_id", "submitted_at", "finished", "email", "student_id"]
             + [f"Q{item}" for item in range(1, 23)], rows)

    # ------------------------------------------------------------------ mentors.csv (Excel)
    mentors = []
    for number in range(1, _N_MENTORS + 1):
        first, last = str(rng.choice(_FIRST_NAMES)), str(rng.choice(_LAST_NAMES))
        mentors.append({
            "mentor_id": f"M{number:02d}", "first_name": first, "last_name": last,
            "email": f"{first}.{last}.m{number:02d}@{_EMAIL_DOMAIN}".lower(),
            "site": "site_1" if number <= 33 else "site_2",
            "postgraduate_year": int(rng.choice([1, 2, 3, 4], p=[0.15, 0.4, 0.35, 0.1])),
            "name": f"Dr. {last}",
        })
    emit("mentors.csv",
         ["mentor_id", "first_name", "last_name", "email", "site", "postgraduate_year"],
         [[m["mentor_id"], m["first_name"], m["last_name"], m["email"],
           _spell(rng, _SITE_SPELLINGS[m["site"]]),
           f"PGY-{m['postgraduate_year']}" if rng.random() < 0.7 else m["postgraduate_year"]]
          for m in mentors], excel=True)

    # ------------------------------------------------------------------ evaluations + themes
    theme_names = list(_THEMES)
    codes: list[list] = []

    def code_comment(response_id: str, respondent: str, themes: list[str]) -> None:
        for coder, error in (("coder_1", 0.08), ("coder_2", 0.12)):
            present = [int((theme in themes) != (rng.random() < error)) for theme in theme_names]
            codes.append([response_id, respondent, coder, *present])

    eligible = [s for s in students if s["group"] == "intervention" and s["fate"] != "withdrawn"]
    chosen = [eligible[int(index)] for index in sorted(
        rng.choice(len(eligible), _STUDENT_RESPONDENTS, replace=False))]
    latent = rng.normal(size=len(chosen))
    answers = {column: _likert_answers(rng, counts, latent)
               for column, (_, counts) in _STUDENT_ITEMS.items()}
    submissions = []
    for index, student in enumerate(chosen):
        moment = _FIRST_BLOCK_START + timedelta(
            days=_BLOCK_DAYS * student["rotation_block"] + int(rng.integers(0, 6)),
            seconds=int(rng.integers(8 * 3600, 23 * 3600)))
        submissions.append((moment, index))
    duplicate = int(rng.integers(len(chosen)))
    first_time = next(moment for moment, index in submissions if index == duplicate)
    submissions.append((first_time + timedelta(seconds=int(rng.integers(180, 1800))), -1))
    submissions.sort()
    identifier_kinds = ["email", "phone", "name", "name", "name"]
    rows = []
    for number, (moment, index) in enumerate(submissions, start=1):
        response_id = f"SR{number:02d}"
        if index == -1:  # resubmission of the duplicate student, no comment
            student = chosen[duplicate]
            values = [_label_or_code(rng, answers[c][duplicate]) for c in _STUDENT_ITEMS]
            rows.append([response_id, _timestamp(moment), student["email"],
                         student["student_id"], *values, ""])
            continue
        student = chosen[index]
        comment = ""
        if rng.random() < 0.8:
            themes = sorted(rng.choice(theme_names, int(rng.choice([1, 2, 2, 3])),
                                       replace=False).tolist(), key=theme_names.index)
            comment = _compose_comment(rng, "student", themes)
            if identifier_kinds and rng.random() < 0.2:
                kind = identifier_kinds.pop()
                person = mentors[int(rng.integers(len(mentors)))] if kind == "name" else student
                comment = _insert_identifier(rng, comment, kind, person)
            code_comment(response_id, "student", themes)
        values = [_label_or_code(rng, answers[c][index]) for c in _STUDENT_ITEMS]
        rows.append([response_id, _timestamp(moment), student["email"], student["student_id"],
                     *values, comment])
    emit("student_evaluation.csv",
         ["response_id", "submitted_at", "email", "student_id", *_STUDENT_ITEMS, "comments"],
         rows)

    responding = [mentors[int(index)] for index in sorted(
        rng.choice(len(mentors), _MENTOR_RESPONDENTS, replace=False))]
    latent = rng.normal(size=len(responding))
    answers = {column: _likert_answers(rng, counts, latent)
               for column, (_, counts) in _MENTOR_ITEMS.items()}
    order = rng.permutation(len(responding))
    identifier_kinds = ["phone", "email", "name", "name"]
    rows = []
    for number, index in enumerate(order, start=1):
        mentor = responding[int(index)]
        response_id = f"MR{number:02d}"
        moment = datetime(2018, 3, 5) + timedelta(days=int(rng.integers(0, 21)),
                                                  seconds=int(rng.integers(6 * 3600, 23 * 3600)))
        hours = float(np.clip(np.round(rng.lognormal(np.log(6), 0.45) * 2) / 2, 1, 20))
        meetings = int(np.clip(np.round(hours / 1.5 + rng.normal(0, 0.8)), 1, 8))
        comment = ""
        if rng.random() < 0.8:
            themes = sorted(rng.choice(theme_names, int(rng.choice([1, 2, 2, 3])),
                                       replace=False).tolist(), key=theme_names.index)
            comment = _compose_comment(rng, "mentor", themes)
            if identifier_kinds and rng.random() < 0.25:
                kind = identifier_kinds.pop()
                person = students[int(rng.integers(len(students)))] if kind == "name" else {
                    "email": mentor["email"]}
                comment = _insert_identifier(rng, comment, kind, person)
            code_comment(response_id, "mentor", themes)
        values = [_label_or_code(rng, answers[c][int(index)]) for c in _MENTOR_ITEMS]
        hours_text = f"{hours:g}"
        rows.append([response_id, _timestamp(moment), mentor["email"], mentor["mentor_id"],
                     *values, hours_text, meetings, comment])
    rows.sort(key=lambda row: row[1])
    for number, row in enumerate(rows, start=1):
        old = row[0]
        row[0] = f"MR{number:02d}"
        for code in codes:
            if code[0] == old and code[1] == "mentor":
                code[0] = f"mr{number:02d}"  # temporary lower case: avoid clashes while renaming
    for code in codes:
        code[0] = code[0].upper()
    emit("mentor_evaluation.csv",
         ["response_id", "submitted_at", "email", "mentor_id", *_MENTOR_ITEMS, "hours",
          "meetings", "comments"], rows)

    emit("themes.csv", ["theme", "label", "definition", "inclusion", "exclusion"],
         [[theme, *texts] for theme, texts in _THEMES.items()])
    codes.sort(key=lambda code: (code[2], code[1] != "student", code[0]))
    emit("theme_codes.csv", ["response_id", "respondent_type", "coder", *theme_names], codes)

    # ------------------------------------------------------------------ codebook + checksums
    package = _datapackage()
    files.append(write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                            out_dir / "datapackage.json"))
    files.append(write_text(render_codebook(load_codebook(out_dir / "datapackage.json")),
                            out_dir / "CODEBOOK.md"))
    files.append(write_text(_README, out_dir / "README.md"))
    files.append(write_checksums(out_dir))
    return files


_README = """# SYNTHETIC REPLICA — not participant data

This folder is a synthetic stand-in for the confidential raw export of Jordan et al. 2019,
"Impact of a Mentorship Program on Medical Student Burnout" (AEM Educ Train 3(3):218-225),
written by `burnout.replica.mentorship.generate_replica` (seed in `params/mentorship.yaml`).
It has the published sample sizes and is calibrated so that the analysis reproduces the
published estimates; no row describes a real person. Every name, e-mail address and phone
number in it is invented.

- `datapackage.json`: the machine-readable codebook (Frictionless Data Package); the single
  source of truth about every file and column.
- `CODEBOOK.md`: the same codebook for people, rendered from it (with how to bring your own
  export).
- `SHA256SUMS`: checksums verified before every run.

Do not edit these files by hand: regenerate them (`make replica`), or replace them with your own
export and accept it with `python -m burnout checksums data/raw/mentorship --accept`.
"""


# ================================================================================================
# The machine-readable codebook
# ================================================================================================


def _datapackage() -> dict:
    """The Frictionless Data Package describing every raw file and column."""
    timestamp = {"format": "%Y-%m-%d %H:%M:%S"}
    site = _field("site", "string", "Site (institution)",
                  "Two institutions; the export spells them inconsistently (case, spaces).",
                  required=True, enum=["site_1", "site_2"],
                  labels={"site_1": "Site 1", "site_2": "Site 2"})
    email = _field("email", "string", "E-mail address", required=True, identifier=True)
    mbi_items = [
        _field(f"Q{item}", "integer", f"MBI-HSS (MP) item {item}",
               "Frequency, 0 (never) to 6 (every day); the tool sometimes exports the label. "
               + ("Subscale " + next(name.upper() for name, items in SUBSCALE_ITEMS.items()
                                      if item in items) + "."),
               minimum=0, maximum=6, labels=_MBI_LABELS)
        for item in range(1, 23)
    ]

    def mbi(wave: str, when: str) -> dict:
        return {
            "name": f"mbi_{wave}", "path": f"mbi_{wave}.csv", "format": "csv",
            "encoding": "utf-8", "title": f"Maslach Burnout Inventory, {when}",
            "description": f"Survey-tool export of the MBI-HSS (MP) taken {when}. Items are "
            "referred to by number only (the wording is copyrighted). One row per submission.",
            "duplicates": {
                "key": ["student_id"], "orderBy": "submitted_at", "preferTrue": "finished",
                "rule": "a student's submissions are ordered by submitted_at and the first "
                "finished one is kept; the others are logged as duplicates. A student with only "
                "unfinished submissions has no completed survey. Two finished submissions with "
                "the same timestamp cannot be resolved and are an error.",
            },
            "schema": {
                "fields": [
                    _field("response_id", "string", "Survey-tool response id", required=True),
                    _field("submitted_at", "datetime", "Submission time (local)", required=True,
                           **timestamp),
                    _field("finished", "boolean", "Survey finished (all pages submitted)",
                           required=True, trueValues=["True", "true", "TRUE", "1"],
                           falseValues=["False", "false", "FALSE", "0"]),
                    email,
                    _field("student_id", "string", "Student id (as on the roster)",
                           required=True),
                    *mbi_items,
                ],
                "missingValues": [""],
                "primaryKey": ["response_id"],
                "foreignKeys": [{"fields": ["student_id"],
                                 "reference": {"resource": "students",
                                               "fields": ["student_id"]}}],
            },
        }

    def likert(name: str, title: str) -> dict:
        return _field(name, "integer", title, "Likert agreement, 1 to 5; exported as labels.",
                      minimum=1, maximum=5, labels=_LIKERT_LABELS)

    return {
        "profile": "tabular-data-package",
        "name": "mentorship-raw",
        "title": "Study A raw export: mentorship program and medical student burnout "
                 "(SYNTHETIC REPLICA)",
        "description": "SYNTHETIC DATA generated by burnout.replica.mentorship (seeded): a "
                       "stand-in with the published sample sizes for the confidential export "
                       "of Jordan et al. 2019 (AEM Educ Train 3(3):218-225). Two sites; "
                       "fourth-year students on a 4-week emergency medicine subinternship; "
                       "intervention = rotation periods with the resident-student mentorship "
                       "program, control = periods without.",
        "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
        "resources": [
            {
                "name": "students", "path": "students.csv", "format": "csv",
                "encoding": "utf-8", "title": "Student roster",
                "description": "One row per enrolled student (fourth-year, EM subinternship).",
                "schema": {
                    "fields": [
                        _field("student_id", "string", "Student id", required=True),
                        _field("first_name", "string", "First name", identifier=True),
                        _field("last_name", "string", "Last name", identifier=True),
                        email,
                        site,
                        _field("group", "string", "Study group (by rotation period)",
                               "Intervention periods had the mentorship program.",
                               required=True, enum=["intervention", "control"],
                               labels={"intervention": "Intervention", "control": "Control"}),
                        _field("rotation_block", "integer", "Rotation block (4 weeks)",
                               "Block 1 starts 2017-06-26.", required=True, minimum=1,
                               maximum=13),
                        _field("age", "integer", "Age in years", required=True, minimum=18,
                               maximum=70),
                        _field("gender", "string", "Gender (self-reported)", required=True,
                               enum=["female", "male", "nonbinary"], labels=_GENDER_LABELS),
                        _field("applying_em", "integer",
                               "Applying to emergency medicine residency", required=True,
                               minimum=0, maximum=1, labels={0: "No", 1: "Yes"}),
                        _field("status", "string", "Participation status",
                               "A withdrawn student's data are not analysed.", required=True,
                               enum=["enrolled", "withdrawn"],
                               labels={"enrolled": "Enrolled", "withdrawn": "Withdrawn"}),
                    ],
                    "missingValues": [""],
                    "primaryKey": ["student_id"],
                },
            },
            mbi("pre", "before the rotation (first days)"),
            mbi("post", "after the rotation (last days)"),
            {
                "name": "student_evaluation", "path": "student_evaluation.csv",
                "format": "csv", "encoding": "utf-8",
                "title": "Program evaluation by intervention students",
                "description": "End-of-rotation evaluation of the mentorship program.",
                "duplicates": {
                    "key": ["student_id"], "orderBy": "submitted_at",
                    "rule": "a student's submissions are ordered by submitted_at and the first "
                    "is kept; two with the same timestamp cannot be resolved and are an error.",
                },
                "schema": {
                    "fields": [
                        _field("response_id", "string", "Response id", required=True),
                        _field("submitted_at", "datetime", "Submission time", required=True,
                               **timestamp),
                        email,
                        _field("student_id", "string", "Student id", required=True),
                        *[likert(column, question)
                          for column, (question, _) in _STUDENT_ITEMS.items()],
                        _field("comments", "string", "Free-text comments on the program",
                               freeText=True),
                    ],
                    "missingValues": [""],
                    "primaryKey": ["response_id"],
                    "foreignKeys": [{"fields": ["student_id"],
                                     "reference": {"resource": "students",
                                                   "fields": ["student_id"]}}],
                },
            },
            {
                "name": "mentors", "path": "mentors.csv", "format": "csv",
                "encoding": "utf-8", "title": "Resident mentors",
                "description": "One row per resident mentor (saved by Excel: UTF-8 with "
                               "byte-order mark, CRLF line endings).",
                "schema": {
                    "fields": [
                        _field("mentor_id", "string", "Mentor id", required=True),
                        _field("first_name", "string", "First name", identifier=True),
                        _field("last_name", "string", "Last name", identifier=True),
                        email,
                        site,
                        _field("postgraduate_year", "integer", "Postgraduate year (PGY)",
                               required=True, minimum=1, maximum=4,
                               labels={year: f"PGY-{year}" for year in range(1, 5)}),
                    ],
                    "missingValues": [""],
                    "primaryKey": ["mentor_id"],
                },
            },
            {
                "name": "mentor_evaluation", "path": "mentor_evaluation.csv",
                "format": "csv", "encoding": "utf-8",
                "title": "Program evaluation by mentors",
                "description": "Evaluation survey sent to every mentor after the program.",
                "duplicates": {
                    "key": ["mentor_id"], "orderBy": "submitted_at",
                    "rule": "a mentor's submissions are ordered by submitted_at and the first "
                    "is kept; two with the same timestamp cannot be resolved and are an error.",
                },
                "schema": {
                    "fields": [
                        _field("response_id", "string", "Response id", required=True),
                        _field("submitted_at", "datetime", "Submission time", required=True,
                               **timestamp),
                        email,
                        _field("mentor_id", "string", "Mentor id", required=True),
                        *[likert(column, question)
                          for column, (question, _) in _MENTOR_ITEMS.items()],
                        _field("hours", "number", "Total hours spent mentoring", minimum=0,
                               maximum=200),
                        _field("meetings", "integer", "Number of meetings with students",
                               minimum=0, maximum=50),
                        _field("comments", "string", "Free-text comments on the program",
                               freeText=True),
                    ],
                    "missingValues": [""],
                    "primaryKey": ["response_id"],
                    "foreignKeys": [{"fields": ["mentor_id"],
                                     "reference": {"resource": "mentors",
                                                   "fields": ["mentor_id"]}}],
                },
            },
            {
                "name": "themes", "path": "themes.csv", "format": "csv", "encoding": "utf-8",
                "title": "Qualitative codebook",
                "description": "Themes of the thematic analysis of free-text comments.",
                "schema": {
                    "fields": [
                        _field("theme", "string", "Theme code", required=True),
                        _field("label", "string", "Theme label", required=True),
                        _field("definition", "string", "Definition", required=True),
                        _field("inclusion", "string", "Inclusion criteria"),
                        _field("exclusion", "string", "Exclusion criteria"),
                    ],
                    "missingValues": [""],
                    "primaryKey": ["theme"],
                },
            },
            {
                "name": "theme_codes", "path": "theme_codes.csv", "format": "csv",
                "encoding": "utf-8", "title": "Theme codes of two independent coders",
                "description": "One row per coded free-text response and coder; one 0/1 "
                               "column per theme of themes.csv.",
                "schema": {
                    "fields": [
                        _field("response_id", "string", "Response id (SR.. or MR..)",
                               required=True),
                        _field("respondent_type", "string", "Respondent type", required=True,
                               enum=["student", "mentor"]),
                        _field("coder", "string", "Coder", required=True,
                               enum=["coder_1", "coder_2"]),
                        *[_field(theme, "integer", f"Theme present: {texts[0]}",
                                 required=True, minimum=0, maximum=1)
                          for theme, texts in _THEMES.items()],
                    ],
                    "missingValues": [""],
                    "primaryKey": ["response_id", "respondent_type", "coder"],
                },
            },
        ],
    }
