"""Study A replica, part 4: the program evaluations and their thematic coding.

Step 5 of the data-generating model documented in :mod:`burnout_replica.mentorship`:
``student_evaluation.csv`` (48 intervention students), ``mentor_evaluation.csv`` (37 mentors),
``themes.csv`` and ``theme_codes.csv``. Likert answers have the published counts of
agree/strongly agree and are assigned through a latent satisfaction, so the items correlate;
about four in five respondents write a comment (:mod:`._mentorship_texts`), which two coders
code with independent errors.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from burnout_replica._common import timestamp, write_export
from burnout_replica._mentorship_students import BLOCK_DAYS, FIRST_BLOCK_START
from burnout_replica._mentorship_texts import THEMES, compose_comment, insert_identifier

__all__ = ["write_evaluations"]

# --- Published targets: respondents and counts of answers 5, 4, 3, 2, 1, blank per item -------
# Published: 39/48 students agreed the program positively impacted their rotation, 28/48 that it
# decreased their stress, 34/37 mentors enjoyed participating; the other counts are invented.
_STUDENT_RESPONDENTS = 48
_MENTOR_RESPONDENTS = 37
_STUDENT_ITEMS = {
    "positive_rotation": (21, 18, 6, 2, 1, 0),
    "decreased_stress": (11, 17, 14, 5, 1, 0),
    "career_guidance": (15, 19, 9, 3, 1, 1),
    "personal_development": (14, 20, 10, 3, 0, 1),
    "professional_development": (16, 19, 9, 2, 1, 1),
    "recommend": (24, 16, 6, 1, 0, 1),
}
_MENTOR_ITEMS = {
    "enjoyed": (22, 12, 2, 1, 0, 0),
    "participate_again": (20, 12, 4, 1, 0, 0),
    "improved_teaching": (12, 15, 8, 2, 0, 0),
    "connected_with_students": (14, 15, 6, 2, 0, 0),
    "time_manageable": (9, 14, 8, 5, 1, 0),
}
_LIKERT_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree",
                  4: "Agree", 5: "Strongly agree"}
_CODER_ERRORS = (("coder_1", 0.08), ("coder_2", 0.12))  # chance of flipping each code
_THEME_NAMES = list(THEMES)


def write_evaluations(rng: np.random.Generator, out_dir: Path, students: list[dict],
                      mentors: list[dict]) -> list[Path]:
    """Write both evaluations, the qualitative codebook and the coders' codes."""
    codes: list[list] = []
    files = [_write_student_evaluation(rng, out_dir, students, mentors, codes),
             _write_mentor_evaluation(rng, out_dir, students, mentors, codes)]
    files.append(write_export(out_dir, "themes.csv",
                              ["theme", "label", "definition", "inclusion", "exclusion"],
                              [[theme, *texts] for theme, texts in THEMES.items()]))
    codes.sort(key=lambda code: (code[2], code[1] != "student", code[0]))
    files.append(write_export(out_dir, "theme_codes.csv",
                              ["response_id", "respondent_type", "coder", *_THEME_NAMES], codes))
    return files


def _likert_answers(rng: np.random.Generator, counts, latent: np.ndarray) -> list[int | None]:
    """Answers with exact counts (5, 4, 3, 2, 1, blank), ranked by a noisy latent."""
    pool = [5] * counts[0] + [4] * counts[1] + [3] * counts[2] + [2] * counts[3] + [1] * counts[4]
    order = np.argsort(-(latent + rng.normal(0, 0.7, len(latent))), kind="stable")
    answers: list[int | None] = [None] * len(latent)
    blanks = set(rng.choice(len(latent), counts[5], replace=False).tolist()) if counts[5] else set()
    # blanks take no answer; the answers go to the others in latent order
    kept = [row for row in order if row not in blanks]
    for row, value in zip(kept, pool, strict=True):
        answers[row] = value
    return answers


def _label_or_code(rng: np.random.Generator, value: int | None) -> str:
    """An answer as exported: mostly the label, sometimes the number, blank for None."""
    if value is None:
        return ""
    return str(value) if rng.random() < 0.04 else _LIKERT_LABELS[value]


def _comment(rng: np.random.Generator, respondent: str, response_id: str, author: dict,
             others: list[dict], identifiers: list[str], chance: float,
             codes: list[list]) -> str:
    """Free text of one response (four in five write one), coded by both coders.

    While ``identifiers`` is not empty, a comment carries the next one with probability
    ``chance``: the author's e-mail address or an invented phone number, or the name of a
    person drawn from ``others``.
    """
    if not rng.random() < 0.8:
        return ""
    themes = sorted(rng.choice(_THEME_NAMES, int(rng.choice([1, 2, 2, 3])),
                               replace=False).tolist(), key=_THEME_NAMES.index)
    comment = compose_comment(rng, respondent, themes)
    if identifiers and rng.random() < chance:
        kind = identifiers.pop()
        person = others[int(rng.integers(len(others)))] if kind == "name" else author
        comment = insert_identifier(rng, comment, kind, person)
    for coder, error in _CODER_ERRORS:
        present = [int((theme in themes) != (rng.random() < error)) for theme in _THEME_NAMES]
        codes.append([response_id, respondent, coder, *present])
    return comment


def _write_student_evaluation(rng: np.random.Generator, out_dir: Path, students: list[dict],
                              mentors: list[dict], codes: list[list]) -> Path:
    """Intervention students who did not withdraw; one of them submitted twice (no comment the
    second time, which the analysis drops as a duplicate)."""
    eligible = [s for s in students if s["group"] == "intervention" and s["fate"] != "withdrawn"]
    chosen = [eligible[int(index)] for index in sorted(
        rng.choice(len(eligible), _STUDENT_RESPONDENTS, replace=False))]
    latent = rng.normal(size=len(chosen))
    answers = {column: _likert_answers(rng, counts, latent)
               for column, counts in _STUDENT_ITEMS.items()}
    submissions = []
    for index, student in enumerate(chosen):
        moment = FIRST_BLOCK_START + timedelta(
            days=BLOCK_DAYS * student["rotation_block"] + int(rng.integers(0, 6)),
            seconds=int(rng.integers(8 * 3600, 23 * 3600)))
        submissions.append((moment, index))
    duplicate = int(rng.integers(len(chosen)))
    first_time = next(moment for moment, index in submissions if index == duplicate)
    submissions.append((first_time + timedelta(seconds=int(rng.integers(180, 1800))), -1))
    submissions.sort()
    identifiers = ["email", "phone", "name", "name", "name"]
    rows = []
    for number, (moment, index) in enumerate(submissions, start=1):
        response_id = f"SR{number:02d}"
        student = chosen[duplicate if index == -1 else index]
        comment = "" if index == -1 else _comment(rng, "student", response_id, student, mentors,
                                                  identifiers, 0.2, codes)
        values = [_label_or_code(rng, answers[column][duplicate if index == -1 else index])
                  for column in _STUDENT_ITEMS]
        rows.append([response_id, timestamp(moment), student["email"], student["student_id"],
                     *values, comment])
    return write_export(out_dir, "student_evaluation.csv",
                        ["response_id", "submitted_at", "email", "student_id", *_STUDENT_ITEMS,
                         "comments"], rows)


def _write_mentor_evaluation(rng: np.random.Generator, out_dir: Path, students: list[dict],
                             mentors: list[dict], codes: list[list]) -> Path:
    """Responding mentors, in order of submission; the codes follow the final response ids."""
    responding = [mentors[int(index)] for index in sorted(
        rng.choice(len(mentors), _MENTOR_RESPONDENTS, replace=False))]
    latent = rng.normal(size=len(responding))
    answers = {column: _likert_answers(rng, counts, latent)
               for column, counts in _MENTOR_ITEMS.items()}
    order = rng.permutation(len(responding))
    identifiers = ["phone", "email", "name", "name"]
    rows = []
    for number, index in enumerate(order, start=1):
        mentor = responding[int(index)]
        response_id = f"MR{number:02d}"
        moment = datetime(2018, 3, 5) + timedelta(days=int(rng.integers(0, 21)),
                                                  seconds=int(rng.integers(6 * 3600, 23 * 3600)))
        hours = float(np.clip(np.round(rng.lognormal(np.log(6), 0.45) * 2) / 2, 1, 20))
        meetings = int(np.clip(np.round(hours / 1.5 + rng.normal(0, 0.8)), 1, 8))
        comment = _comment(rng, "mentor", response_id, mentor, students, identifiers, 0.25, codes)
        values = [_label_or_code(rng, answers[column][int(index)]) for column in _MENTOR_ITEMS]
        rows.append([response_id, timestamp(moment), mentor["email"], mentor["mentor_id"],
                     *values, f"{hours:g}", meetings, comment])
    rows.sort(key=lambda row: row[1])
    _renumber(rows, codes)
    return write_export(out_dir, "mentor_evaluation.csv",
                        ["response_id", "submitted_at", "email", "mentor_id", *_MENTOR_ITEMS,
                         "hours", "meetings", "comments"], rows)


def _renumber(rows: list[list], codes: list[list]) -> None:
    """Number the mentors' responses MR01.. in the rows' order, and their codes alike."""
    for number, row in enumerate(rows, start=1):
        old = row[0]
        row[0] = f"MR{number:02d}"
        for code in codes:
            if code[0] == old and code[1] == "mentor":
                code[0] = f"mr{number:02d}"  # temporary lower case: avoid clashes while renaming
    for code in codes:
        code[0] = code[0].upper()
