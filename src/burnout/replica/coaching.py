"""Synthetic replica of the raw export of Study B (Mann et al. 2025, group coaching trial).

SYNTHETIC DATA. The participants of the trial are confidential; :func:`generate_replica` writes
a seeded, documented stand-in for the raw export of the trial's survey tool to
``data/raw/coaching/``: a roster of the randomized students and the baseline and post-program
survey exports, with the published sample sizes, and calibrated so that the real analysis code
(the intent-to-treat linear mixed model ``score ~ group * time + (1 | student_id)``, REML,
:func:`burnout.mixed_model.mixed_model`) reproduces the published estimates when it runs on
it. Only this generator knows the published numbers; the analysis never does.

Files written
-------------
``students.csv`` (roster of the randomized students: site, arm, age, gender, year of training,
coaching sessions attended), ``survey_pre.csv`` and ``survey_post.csv`` (baseline and
post-program surveys: MBI-HSS (MP) items ``mbi_01`` .. ``mbi_22`` by number only, Young
Impostor Scale ``impostor_01`` .. ``impostor_08``, Moral Injury Symptom Scale-HP
``moral_injury_01`` .. ``moral_injury_10``, Self-Compassion Scale-Short Form
``self_compassion_01`` .. ``self_compassion_12`` and Secure Flourish Index ``flourishing_01``
.. ``flourishing_12``, as answered, i.e. before reverse scoring), ``datapackage.json`` (the
machine-readable codebook), ``CODEBOOK.md`` (rendered from it), ``README.md`` and
``SHA256SUMS``.

How the replica was calibrated
------------------------------
Targets (Mann A, Fainstad T, Sullivan I, et al. PLoS One 2025;20(8):e0328546, abstract):
390 randomized students at seven institutions, 197 to coaching; age mean 25.3 (SD 2.38);
intent-to-treat mixed models with no significant group x time difference for burnout (EE, DP,
PA), impostor syndrome and moral injury; self-compassion +3.00 (SE 1.29, 95% CI 0.48 to 5.53,
p = 0.021); flourishing +0.45 (SE 0.23, 95% CI 0.01 to 0.90, p = 0.048). The abstract gives no
estimate for the non-significant outcomes; the replica's are invented small differences
(:data:`_TARGETS`), chosen well inside the non-significant range and small enough that the
binary outcomes at follow-up (burnout, high EE, high DP, low PA, impostor syndrome, significant
moral injury) do not differ significantly between the arms either (Fisher p > 0.05), so the
replica's risk ratios do not contradict the abstract's conclusion. The attrition at follow-up
(:data:`_POST_COMPLETERS`) is this replica's assumption, not a published figure.

1. **Roster.** Students are spread over seven sites and randomized within site (197
   intervention, 193 control). Age is drawn normal, rescaled to the published mean and SD and
   rounded to whole years. Intervention students get a number of coaching sessions attended
   (0 to 16); control students none.
2. **Scores.** For each outcome a student's score at a wave is a common level plus a
   person-level deviation (sharing a latent distress factor across outcomes, so the outcomes
   correlate realistically), plus a wave residual, plus at follow-up a common drift and, in the
   intervention arm, the targeted difference. Scores are rounded to integer sums and clipped
   to the instrument's range (flourishing: a sum of 12 items, reported as the mean).
3. **Calibration.** The residual scale is adjusted until the model's standard error of the
   interaction matches the target (self-compassion 1.295, flourishing 0.2275: the values that
   make the published estimate, interval and p-value agree under a Wald (z) interval), then
   the intervention arm's drift until the estimate is within 0.002 of the target, then single
   follow-up sums are moved by +-1 until the estimate is within a hundredth of a point. Each
   step refits the REML model on every available observation (baseline-only students included).
4. **Items.** Each sum is split into item answers within the response range around the
   student's level plus fixed item offsets and noise, summing exactly to the calibrated sum;
   reverse-scored items (self-compassion 1, 4, 8, 9, 11, 12; moral injury 5, 6, 7) are written
   as answered (reversed back). No item is left blank, so the scores are exact.
5. **Export realities** never touch a kept value: abandoned, unfinished earlier submissions
   (dropped by the codebook's duplicates rule), site and arm labels in inconsistent case and
   spacing, and names and e-mail addresses (direct identifiers, dropped by cleaning).

``tests/test_replica_coaching.py`` regenerates the replica, checks it byte for byte and
recomputes the targets from the cleaned files. Re-running with the same seed gives the same
bytes.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from burnout.checksums import write_checksums
from burnout.codebook import field_schema as _field
from burnout.codebook import load_codebook, render_codebook
from burnout.io import write_bytes, write_text

__all__ = ["generate_replica", "DEFAULT_SEED", "OUTCOMES"]

DEFAULT_SEED = 20250801  # the seed of params/coaching.yaml

# --- Instruments as answered (prefix, items, minimum, maximum, reverse-scored, scoring) ---------
_MBI_KEY = {"ee": (1, 2, 3, 6, 8, 13, 14, 16, 20), "dp": (5, 10, 11, 15, 22),
            "pa": (4, 7, 9, 12, 17, 18, 19, 21)}
_INSTRUMENTS = {
    "mbi": ("mbi_", 22, 0, 6, ()),
    "impostor": ("impostor_", 8, 0, 1, ()),
    "moral_injury": ("moral_injury_", 10, 1, 10, (5, 6, 7)),
    "self_compassion": ("self_compassion_", 12, 1, 5, (1, 4, 8, 9, 11, 12)),
    "flourishing": ("flourishing_", 12, 0, 10, ()),
}
# Outcome: (instrument, item numbers, divisor of the sum (12 = reported as the mean)).
OUTCOMES = {
    "ee": ("mbi", _MBI_KEY["ee"], 1),
    "dp": ("mbi", _MBI_KEY["dp"], 1),
    "pa": ("mbi", _MBI_KEY["pa"], 1),
    "impostor": ("impostor", tuple(range(1, 9)), 1),
    "moral_injury": ("moral_injury", tuple(range(1, 11)), 1),
    "self_compassion": ("self_compassion", tuple(range(1, 13)), 1),
    "flourishing": ("flourishing", tuple(range(1, 13)), 12),
}

# --- Published targets (known to the generator only) -------------------------------------------
_RANDOMIZED = {"intervention": 197, "control": 193}
_AGE_MEAN, _AGE_SD = 25.3, 2.38
# outcome: (group x time difference, its standard error or None = left as drawn). Published:
# self_compassion 3.00 (SE 1.29, p = 0.021), flourishing 0.45 (SE 0.23, CI 0.01-0.90,
# p = 0.048); the SEs below are the ones that make estimate, interval and p agree under a
# Wald interval. The other five are invented non-significant differences.
_TARGETS = {
    "ee": (-0.4, None), "dp": (-0.15, None), "pa": (0.5, None), "impostor": (-0.05, None),
    "moral_injury": (-1.2, None), "self_compassion": (3.00, 1.295),
    "flourishing": (0.45, 0.2275),
}
_DIFFERENCE_TOLERANCE = {"flourishing": 0.002}
_DEFAULT_TOLERANCE = 0.01

# --- Design of the cohort (assumptions of the replica) -----------------------------------------
_SITES = tuple(f"site_{number}" for number in range(1, 8))
_SITE_WEIGHTS = np.array([0.22, 0.18, 0.16, 0.13, 0.12, 0.10, 0.09])
_POST_COMPLETERS = {"intervention": 121, "control": 136}  # completed the follow-up survey
_SESSIONS_OFFERED = 16
_BASELINE_START = datetime(2023, 1, 9)
_FOLLOW_UP_START = datetime(2023, 5, 15)
# outcome: (baseline mean, person SD, residual SD, control drift, loading on latent distress)
_LEVELS = {
    "ee": (27.0, 8.5, 5.5, 0.8, 0.8),
    "dp": (9.5, 4.5, 3.2, 0.4, 0.6),
    "pa": (35.0, 5.5, 4.0, 0.3, -0.5),
    "impostor": (4.6, 1.7, 1.1, -0.1, 0.5),
    "moral_injury": (38.0, 9.0, 6.5, 0.5, 0.6),
    "self_compassion": (34.0, 5.5, 6.5, 0.4, -0.6),
    "flourishing": (6.6, 1.0, 1.2, -0.05, -0.6),
}

# --- Labels as the survey tool exports them ----------------------------------------------------
_GROUP_SPELLINGS = {"intervention": ("Coaching",) * 10 + ("coaching", "COACHING "),
                    "control": ("Control",) * 10 + ("control", " Control")}
_GENDER = {"female": ("Woman", 0.62), "male": ("Man", 0.35), "nonbinary": ("Non-binary", 0.03)}
_FIRST_NAMES = (
    "Adaeze", "Anneliese", "Bartosz", "Chidera", "Dagny", "Eamon", "Folasade", "Giedre",
    "Haruki", "Ingrid", "Jovana", "Kwabena", "Leocadia", "Mateus", "Nneka", "Oksana",
    "Priya", "Quillon", "Radek", "Saoirse", "Tomasz", "Ulrike", "Vasilis", "Wenonah",
)
_LAST_NAMES = (
    "Abernathy", "Brandtner", "Castellanos", "Dziedzic", "Ekwueme", "Fairbrother",
    "Gallagher", "Halvorsen", "Iwasaki", "Jablonski", "Kowalczyk", "Lindqvist", "Morcos",
    "Nakashima", "Okafor", "Petrakis", "Quintero", "Rafferty", "Szymanski", "Takahashi",
)
_EMAIL_DOMAIN = "med.example.edu"


# ================================================================================================
# Drawing and calibrating
# ================================================================================================


def _draw_students(rng: np.random.Generator) -> pd.DataFrame:
    """Roster: id, site, arm (randomized within site), age, gender, year, sessions, follow-up."""
    total = sum(_RANDOMIZED.values())
    sites = rng.choice(len(_SITES), total, p=_SITE_WEIGHTS)
    order = np.lexsort((rng.random(total), sites))  # within site, random order
    groups = np.empty(total, dtype=object)
    # alternate within site from a random start: randomization stratified by site
    arms = np.array(["intervention", "control"])
    groups[order] = arms[(np.arange(total) + rng.integers(2)) % 2]
    surplus = int((groups == "intervention").sum()) - _RANDOMIZED["intervention"]
    if surplus:
        source, target = ("intervention", "control") if surplus > 0 else (
            "control", "intervention")
        flip = rng.choice(np.flatnonzero(groups == source), abs(surplus), replace=False)
        groups[flip] = target
    age = rng.normal(0, 1, total)
    spread = np.sqrt(_AGE_SD ** 2 - 1 / 12)  # rounding to whole years adds variance 1/12
    age = np.round((age - age.mean()) / age.std(ddof=1) * spread + _AGE_MEAN).astype(int)
    shortfall = int(round(_AGE_MEAN * total)) - int(age.sum())  # rounding moved the mean
    age[rng.choice(total, abs(shortfall), replace=False)] += int(np.sign(shortfall))
    genders = list(_GENDER)
    gender = rng.choice(genders, total, p=[_GENDER[name][1] for name in genders])
    completers = np.zeros(total, dtype=bool)
    for arm, count in _POST_COMPLETERS.items():
        members = np.flatnonzero(groups == arm)
        completers[rng.choice(members, count, replace=False)] = True
    sessions = np.where(groups == "intervention",
                        np.clip(np.round(rng.beta(2.2, 1.6, total) * _SESSIONS_OFFERED
                                         + np.where(completers, 1.5, -2.0)), 0,
                                _SESSIONS_OFFERED), -1).astype(int)
    return pd.DataFrame({
        "student_id": [f"C{number:03d}" for number in range(1, total + 1)],
        "site": [_SITES[index] for index in sites],
        "group": groups.astype(str),
        "age": age,
        "gender": gender,
        "training_year": rng.choice([1, 2, 3, 4], total, p=[0.3, 0.3, 0.2, 0.2]),
        "sessions": sessions,
        "completed_post": completers,
    })


def _interaction(pre: np.ndarray, post: np.ndarray, intervention: np.ndarray,
                 completers: np.ndarray) -> tuple[float, float]:
    """REML group x time estimate and SE on every available observation (fast path)."""
    n = len(pre)
    subjects = np.concatenate([np.arange(n), np.flatnonzero(completers)])
    outcome = np.concatenate([pre, post[completers]])
    is_post = np.concatenate([np.zeros(n), np.ones(int(completers.sum()))])
    arm = intervention[subjects].astype(float)
    exog = np.column_stack([np.ones(len(outcome)), arm, is_post, arm * is_post])
    model = sm.MixedLM(outcome, exog, groups=subjects)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("lbfgs", "powell"):
            try:
                fit = model.fit(reml=True, method=[method])
                break
            except (np.linalg.LinAlgError, ValueError):
                continue
    return float(fit.fe_params[3]), float(fit.bse_fe[3])


def _calibrate(rng, students: pd.DataFrame, latent: np.ndarray, outcome: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """Integer pre and post sums of one outcome hitting its targeted difference (and SE)."""
    instrument, items, divisor = OUTCOMES[outcome]
    _, _, minimum, maximum, _ = _INSTRUMENTS[instrument]
    low, high = minimum * len(items), maximum * len(items)
    mean, person_sd, residual_sd, drift, loading = (value * (divisor if index < 4 else 1)
                                                    for index, value in
                                                    enumerate(_LEVELS[outcome]))
    target, target_se = _TARGETS[outcome]
    target, target_se = target * divisor, (target_se * divisor if target_se else None)
    n = len(students)
    intervention = (students["group"] == "intervention").to_numpy()
    completers = students["completed_post"].to_numpy()
    person = person_sd * (loading * latent + np.sqrt(1 - loading ** 2) * rng.normal(0, 1, n))
    noise = rng.normal(0, 1, (2, n))
    scale, shift = 1.0, target

    def sums(scale: float, shift: float) -> tuple[np.ndarray, np.ndarray]:
        pre = mean + person + residual_sd * scale * noise[0]
        post = mean + person + drift + shift * intervention + residual_sd * scale * noise[1]
        return (np.clip(np.round(pre), low, high), np.clip(np.round(post), low, high))

    for _ in range(6 if target_se else 0):
        pre, post = sums(scale, shift)
        _, se = _interaction(pre, post, intervention, completers)
        if abs(se - target_se) < 0.001 * divisor:
            break
        scale *= target_se / se
    for _ in range(6):
        pre, post = sums(scale, shift)
        estimate, _ = _interaction(pre, post, intervention, completers)
        if abs(estimate - target) < 0.2:
            break
        shift += target - estimate
    tolerance = _DIFFERENCE_TOLERANCE.get(outcome, _DEFAULT_TOLERANCE) * divisor
    movable = np.flatnonzero(intervention & completers)
    for _ in range(12):
        estimate, _ = _interaction(pre / divisor, post / divisor, intervention, completers)
        gap = target / divisor - estimate
        if abs(gap) < tolerance / divisor:
            break
        step = 1 if gap > 0 else -1
        per_move = 1.0 / divisor / len(movable)
        moves = max(1, int(round(abs(gap) / per_move)))
        room = movable[(post[movable] + step >= low) & (post[movable] + step <= high)]
        post[rng.choice(room, min(moves, len(room)), replace=False)] += step
    else:  # pragma: no cover - a calibration failure is a bug of the generator
        raise RuntimeError(f"replica calibration of {outcome} did not converge")
    return pre.astype(int), post.astype(int)


def _split_sum(rng, total: int, count: int, minimum: int, maximum: int,
               offsets: np.ndarray) -> np.ndarray:
    """``count`` item scores in [minimum, maximum] summing exactly to ``total``."""
    level = total / count
    values = np.clip(np.round(level + offsets + rng.normal(0, 0.35 * (maximum - minimum) / 6 + 0.3,
                                                           count)), minimum, maximum)
    values = values.astype(int)
    while values.sum() != total:
        step = 1 if values.sum() < total else -1
        room = np.flatnonzero(values < maximum) if step == 1 else np.flatnonzero(values > minimum)
        gap = (level + offsets - values)[room] * step
        weights = np.exp(gap - gap.max())
        values[rng.choice(room, p=weights / weights.sum())] += step
    return values


def _answers(rng, sums: dict[str, int], offsets: dict[str, np.ndarray]) -> dict[str, int]:
    """Every item answer of one survey (as answered: reverse-scored items reversed back)."""
    answers: dict[str, int] = {}
    for outcome, (instrument, items, _) in OUTCOMES.items():
        prefix, _, minimum, maximum, reverse = _INSTRUMENTS[instrument]
        values = _split_sum(rng, int(sums[outcome]), len(items), minimum, maximum,
                            offsets[outcome])
        for item, value in zip(items, values, strict=True):
            answer = minimum + maximum - int(value) if item in reverse else int(value)
            answers[f"{prefix}{item:02d}"] = answer
    return answers


def _item_columns() -> list[str]:
    return [f"{prefix}{item:02d}" for prefix, count, *_ in _INSTRUMENTS.values()
            for item in range(1, count + 1)]


# ================================================================================================
# Writing
# ================================================================================================


def _csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")


def _spell(rng, spellings) -> str:
    return str(spellings[int(rng.integers(len(spellings)))])


def _site_label(rng, site: str) -> str:
    number = site.split("_")[1]
    return _spell(rng, (f"Site {number}",) * 12 + (f"site {number}", f" SITE {number} "))


def generate_replica(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the synthetic raw export of Study B to ``out_dir``; return the files written.

    Parameters
    ----------
    out_dir : str or Path
        Target folder, normally ``data/raw/coaching`` (created if needed).
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same bytes.

    Returns
    -------
    list of Path
        The files written, the checksum list last.

    Notes
    -----
    The module docstring documents what the replica contains and how it was calibrated
    (targets: Mann et al. 2025, PLoS One 20(8):e0328546, abstract).

    Examples
    --------
    >>> import tempfile
    >>> files = generate_replica(tempfile.mkdtemp())  # doctest: +SKIP
    >>> [path.name for path in files][-1]  # doctest: +SKIP
    'SHA256SUMS'
    """
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    students = _draw_students(rng)
    n = len(students)
    latent = rng.normal(0, 1, n)
    pre_sums, post_sums = {}, {}
    for outcome in OUTCOMES:
        pre_sums[outcome], post_sums[outcome] = _calibrate(rng, students, latent, outcome)
    offsets = {outcome: rng.normal(0, 0.08 * (_INSTRUMENTS[spec[0]][3]
                                              - _INSTRUMENTS[spec[0]][2]), len(spec[1]))
               for outcome, spec in OUTCOMES.items()}
    students["first_name"] = rng.choice(_FIRST_NAMES, n)
    students["last_name"] = rng.choice(_LAST_NAMES, n)
    students["email"] = [f"{first}.{last}{sid[1:]}@{_EMAIL_DOMAIN}".lower() for first, last, sid
                         in zip(students["first_name"], students["last_name"],
                                students["student_id"], strict=True)]

    files: list[Path] = []
    files.append(write_bytes(_csv_bytes(
        ["student_id", "first_name", "last_name", "email", "site", "group", "age", "gender",
         "training_year", "sessions_attended"],
        [[row.student_id, row.first_name, row.last_name, row.email,
          _site_label(rng, row.site), _spell(rng, _GROUP_SPELLINGS[row.group]), row.age,
          _GENDER[row.gender][0], row.training_year,
          None if row.sessions < 0 else row.sessions]
         for row in students.itertuples()]), out_dir / "students.csv"))

    items = _item_columns()
    header = ["response_id", "submitted_at", "finished", "email", "student_id", *items]
    for wave, sums, start, takes in (
            ("pre", pre_sums, _BASELINE_START, np.ones(n, dtype=bool)),
            ("post", post_sums, _FOLLOW_UP_START, students["completed_post"].to_numpy())):
        records = []
        for row in np.flatnonzero(takes):
            answers = _answers(rng, {outcome: sums[outcome][row] for outcome in OUTCOMES},
                               offsets)
            moment = start + timedelta(days=int(rng.integers(0, 14)),
                                       seconds=int(rng.integers(7 * 3600, 23 * 3600)))
            records.append((moment, True, row, [answers[item] for item in items]))
        # abandoned earlier attempts (unfinished), dropped by the duplicates rule
        for pick in rng.choice(len(records), 4 if wave == "pre" else 3, replace=False):
            moment, _, row, values = records[int(pick)]
            cut = int(rng.integers(5, 30))
            records.append((moment - timedelta(seconds=int(rng.integers(900, 7200))), False,
                            row, values[:cut] + [None] * (len(values) - cut)))
        records.sort(key=lambda record: record[0])
        rows = [[f"{wave.upper()}_{number:04d}", moment.strftime("%Y-%m-%d %H:%M:%S"),
                 "True" if finished else "False", students["email"].iloc[row],
                 students["student_id"].iloc[row], *values]
                for number, (moment, finished, row, values) in enumerate(records, start=1)]
        files.append(write_bytes(_csv_bytes(header, rows), out_dir / f"survey_{wave}.csv"))

    files.append(write_text(json.dumps(_datapackage(), indent=2, ensure_ascii=False) + "\n",
                            out_dir / "datapackage.json"))
    files.append(write_text(render_codebook(load_codebook(out_dir / "datapackage.json")),
                            out_dir / "CODEBOOK.md"))
    files.append(write_text(_README, out_dir / "README.md"))
    files.append(write_checksums(out_dir))
    return files


_README = """# SYNTHETIC REPLICA — not participant data

This folder is a synthetic stand-in for the confidential raw export of Mann A, Fainstad T,
et al. 2025, a randomized trial of web-based group coaching for medical students (PLoS One
20(8):e0328546), written by `burnout.replica.coaching.generate_replica` (seed in
`params/coaching.yaml`). It has the published sample sizes and is calibrated so that the
analysis reproduces the published estimates; no row describes a real person. Every name and
e-mail address in it is invented.

- `datapackage.json`: the machine-readable codebook (Frictionless Data Package); the single
  source of truth about every file and column.
- `CODEBOOK.md`: the same codebook for people, rendered from it.
- `SHA256SUMS`: checksums verified before every run.

Do not edit these files by hand: regenerate them (`make replica STUDY=coaching`), or replace
them with your own export and accept it with
`python -m burnout checksums data/raw/coaching --accept`.
"""


# ================================================================================================
# The machine-readable codebook
# ================================================================================================


_INSTRUMENT_TITLES = {
    "mbi": "MBI-HSS (MP) item {item} (frequency, 0 never to 6 every day)",
    "impostor": "Young Impostor Scale item {item} (0 no, 1 yes)",
    "moral_injury": "Moral Injury Symptom Scale-HP item {item} (1 to 10, as answered)",
    "self_compassion": "Self-Compassion Scale-Short Form item {item} (1 almost never to 5 "
                       "almost always, as answered)",
    "flourishing": "Secure Flourish Index item {item} (0 to 10)",
}


def _datapackage() -> dict:
    """The Frictionless Data Package describing every raw file and column."""
    email = _field("email", "string", "E-mail address", required=True, identifier=True)
    item_fields = [
        _field(f"{prefix}{item:02d}", "integer",
               _INSTRUMENT_TITLES[name].format(item=item), minimum=minimum, maximum=maximum)
        for name, (prefix, count, minimum, maximum, _) in _INSTRUMENTS.items()
        for item in range(1, count + 1)
    ]

    def survey(wave: str, when: str) -> dict:
        return {
            "name": f"survey_{wave}", "path": f"survey_{wave}.csv", "format": "csv",
            "encoding": "utf-8", "title": f"Survey {when}",
            "description": f"Survey-tool export of the questionnaires taken {when}: MBI-HSS "
            "(MP) items by number only (the wording is copyrighted) and the four secondary "
            "instruments, as answered (before reverse scoring). One row per submission.",
            "wave": wave,
            "duplicates": {
                "key": ["student_id"], "orderBy": "submitted_at", "preferTrue": "finished",
                "rule": "a student's submissions are ordered by submitted_at and the first "
                "finished one is kept; the others are logged as duplicates. A student with only "
                "unfinished submissions has no completed survey.",
            },
            "schema": {
                "fields": [
                    _field("response_id", "string", "Survey-tool response id", required=True),
                    _field("submitted_at", "datetime", "Submission time (local)", required=True,
                           format="%Y-%m-%d %H:%M:%S"),
                    _field("finished", "boolean", "Survey finished (all pages submitted)",
                           required=True, trueValues=["True", "true", "TRUE", "1"],
                           falseValues=["False", "false", "FALSE", "0"]),
                    email,
                    _field("student_id", "string", "Student id (as on the roster)",
                           required=True),
                    *item_fields,
                ],
                "missingValues": [""],
                "primaryKey": ["response_id"],
                "foreignKeys": [{"fields": ["student_id"],
                                 "reference": {"resource": "students",
                                               "fields": ["student_id"]}}],
            },
        }

    return {
        "profile": "tabular-data-package",
        "name": "coaching-raw",
        "title": "Study B raw export: randomized trial of group coaching for medical students "
                 "(SYNTHETIC REPLICA)",
        "description": "SYNTHETIC DATA generated by burnout.replica.coaching (seeded): a "
                       "stand-in with the published sample sizes for the confidential export "
                       "of Mann et al. 2025 (PLoS One 20(8):e0328546). Seven institutions; "
                       "students randomized to a four-month web-based group coaching program "
                       "or to control; surveys at baseline and after the program.",
        "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
        "design": "randomized",
        "resources": [
            {
                "name": "students", "path": "students.csv", "format": "csv",
                "encoding": "utf-8", "title": "Roster of randomized students",
                "description": "One row per randomized student.",
                "schema": {
                    "fields": [
                        _field("student_id", "string", "Student id", required=True),
                        _field("first_name", "string", "First name", identifier=True),
                        _field("last_name", "string", "Last name", identifier=True),
                        email,
                        _field("site", "string", "Site (institution)",
                               "Seven institutions; spelled inconsistently (case, spaces).",
                               required=True, enum=list(_SITES),
                               labels={site: f"Site {site.split('_')[1]}" for site in _SITES}),
                        _field("group", "string", "Randomized arm",
                               "Intervention = the web-based group coaching program.",
                               required=True, enum=["intervention", "control"],
                               labels={"intervention": "Coaching", "control": "Control"}),
                        _field("age", "integer", "Age in years", required=True, minimum=18,
                               maximum=70),
                        _field("gender", "string", "Gender (self-reported)", required=True,
                               enum=list(_GENDER),
                               labels={code: label for code, (label, _) in _GENDER.items()}),
                        _field("training_year", "integer", "Year of medical school",
                               required=True, minimum=1, maximum=4),
                        _field("sessions_attended", "integer",
                               "Coaching sessions attended (intervention arm)",
                               f"Live group coaching sessions attended, of "
                               f"{_SESSIONS_OFFERED} offered; blank in the control arm.",
                               minimum=0, maximum=_SESSIONS_OFFERED),
                    ],
                    "missingValues": [""],
                    "primaryKey": ["student_id"],
                },
            },
            survey("pre", "at baseline (before randomization)"),
            survey("post", "after the four-month program"),
        ],
    }
