"""Study A replica, part 2: the MBI exports ``mbi_pre.csv`` and ``mbi_post.csv``.

Steps 4 and 6 of the data-generating model documented in :mod:`burnout_replica.mentorship`:
every subscale sum is split into item answers 0-6; a few answers are left blank where
prorating recovers the calibrated sum exactly; then the export realities are added without
touching a kept value (abandoned attempts before the kept submission, finished resubmissions
after it, answers exported as labels, e-mail addresses in upper case, an unfinished survey).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np

from burnout_replica._common import split_sum, timestamp, write_export
from burnout_replica._mentorship_students import BLOCK_DAYS, FIRST_BLOCK_START, SUBSCALE_ITEMS

__all__ = ["write_mbi_waves"]

_ITEMS = 22
_ITEM_NOISE_SD = 0.8
_MBI_LABELS = {0: "Never", 1: "A few times a year or less", 2: "Once a month or less",
               3: "A few times a month", 4: "Once a week", 5: "A few times a week",
               6: "Every day"}
# Fates whose students took each wave (an "unfinished_pre" student abandoned the pre-survey).
_TAKES_WAVE = {
    "pre": {"analysed", "withdrawn", "no_post", "unfinished_pre"},
    "post": {"analysed", "withdrawn", "no_pre_with_post"},
}
_BLANKS_WANTED = {"ee": 4, "dp": 2, "pa": 2}  # blank answers in analysed records
_DUPLICATES = {"pre": (3, 2), "post": (2, 1)}  # wave: (extra submissions, of which abandoned)
_HEADER = ["response_id", "submitted_at", "finished", "email", "student_id",
           *[f"Q{item}" for item in range(1, _ITEMS + 1)]]


def write_mbi_waves(rng: np.random.Generator, out_dir: Path, students: list[dict],
                    sums: dict[str, np.ndarray]) -> list[Path]:
    """Write ``mbi_pre.csv`` and ``mbi_post.csv`` from the subscale sums of each wave.

    ``sums`` maps ``pre`` and ``post`` to the n x 3 sums (EE, DP, PA) of every student.
    """
    item_offsets = rng.normal(0, 0.4, _ITEMS)
    analysed_rows = [row for row, student in enumerate(students)
                     if student["fate"] == "analysed"]
    blanks = _choose_blanks(rng, analysed_rows, sums)
    files = []
    for wave, wave_sums in sums.items():
        records = _wave_records(rng, wave, students, wave_sums, item_offsets, blanks)
        kept = [record for record in records if students[record["row"]]["fate"] == "analysed"]
        records = sorted(records + _duplicates(rng, wave, kept),
                         key=lambda record: record["time"])
        rows = [_export_row(rng, students[record["row"]], record) for record in records]
        files.append(write_export(out_dir, f"mbi_{wave}.csv", _HEADER, rows))
    return files


def _choose_blanks(rng: np.random.Generator, analysed_rows: list[int],
                   sums: dict[str, np.ndarray]) -> dict[tuple[int, str], tuple[str, int]]:
    """(row, wave) -> (subscale, item position) of the answers left blank in analysed records.

    Only where the subscale sum is a multiple of its number of items, so that the blank item
    (set to the level sum / k) equals the mean of the answered ones and prorating is exact.
    """
    blanks: dict[tuple[int, str], tuple[str, int]] = {}
    for subscale, count in _BLANKS_WANTED.items():
        column = list(SUBSCALE_ITEMS).index(subscale)
        size = len(SUBSCALE_ITEMS[subscale])
        options = [(row, wave) for row in analysed_rows for wave in ("pre", "post")
                   if sums[wave][row, column] % size == 0 and (row, wave) not in blanks]
        for pick in rng.choice(len(options), count, replace=False):
            row, wave = options[int(pick)]
            blanks[(row, wave)] = (subscale, int(rng.integers(size)))
    return blanks


def _items_for(rng: np.random.Generator, sums: np.ndarray, offsets: np.ndarray,
               blank: tuple[str, int] | None) -> list[int | None]:
    """22 answers (None = blank) for one submission; ``blank`` = (subscale, position) to hide."""
    answers: list[int | None] = [None] * _ITEMS
    for column, (subscale, items) in enumerate(SUBSCALE_ITEMS.items()):
        item_offsets = offsets[[item - 1 for item in items]]
        total = int(sums[column])
        if blank is not None and blank[0] == subscale:
            position = blank[1]
            level = total // len(items)
            rest = np.delete(item_offsets, position)
            values = list(split_sum(rng, total - level, rest, 0, 6, _ITEM_NOISE_SD))
            values.insert(position, level)
        else:
            values = list(split_sum(rng, total, item_offsets, 0, 6, _ITEM_NOISE_SD))
        for item, value in zip(items, values, strict=True):
            answers[item - 1] = int(value)
        if blank is not None and blank[0] == subscale:
            answers[items[blank[1]] - 1] = None
    return answers


def _wave_records(rng: np.random.Generator, wave: str, students: list[dict], sums: np.ndarray,
                  item_offsets: np.ndarray, blanks: dict) -> list[dict]:
    """One submission per student taking ``wave``: row, time, finished flag and answers."""
    offset_days = 0 if wave == "pre" else BLOCK_DAYS - 4  # the last four days of the block
    records = []
    for row, student in enumerate(students):
        fate = student["fate"]
        if fate not in _TAKES_WAVE[wave]:
            continue
        answers = _items_for(rng, sums[row], item_offsets, blanks.get((row, wave)))
        if fate in {"no_post", "no_pre_with_post"} and rng.random() < 0.4:
            answers[int(rng.integers(_ITEMS))] = None  # arbitrary blank, record excluded anyway
        start = FIRST_BLOCK_START + timedelta(
            days=BLOCK_DAYS * (student["rotation_block"] - 1) + offset_days
            + int(rng.integers(0, 4)),
            seconds=int(rng.integers(7 * 3600, 23 * 3600)))
        finished = fate != "unfinished_pre"
        if not finished:
            answers = answers[:9] + [None] * (_ITEMS - 9)
        records.append({"row": row, "time": start, "finished": finished, "answers": answers})
    return records


def _duplicates(rng: np.random.Generator, wave: str, kept: list[dict]) -> list[dict]:
    """Extra submissions of analysed students: abandoned attempts before the kept one and
    finished resubmissions after it (the first finished submission is the one kept)."""
    count, abandoned = _DUPLICATES[wave]
    extra = []
    for number, pick in enumerate(rng.choice(len(kept), count, replace=False)):
        original = kept[int(pick)]
        if number < abandoned:
            answers = original["answers"][: int(rng.integers(3, 12))]
            answers = answers + [None] * (_ITEMS - len(answers))
            extra.append({"row": original["row"], "finished": False, "answers": answers,
                          "time": original["time"] - timedelta(
                              seconds=int(rng.integers(600, 5400)))})
            continue
        answers = list(original["answers"])
        for item in rng.choice(_ITEMS, 3, replace=False):
            if answers[int(item)] is not None:
                answers[int(item)] = int(np.clip(answers[int(item)] + rng.choice([-1, 1]), 0, 6))
        extra.append({"row": original["row"], "finished": True, "answers": answers,
                      "time": original["time"] + timedelta(
                          seconds=int(rng.integers(5 * 3600, 40 * 3600)))})
    return extra


def _export_row(rng: np.random.Generator, student: dict, record: dict) -> list:
    """A submission as the survey tool exports it; the extreme answers sometimes as labels."""
    cells = []
    for value in record["answers"]:
        if value is None:
            cells.append("")
        elif value in (0, 6) and rng.random() < 0.03:
            cells.append(_MBI_LABELS[value])
        else:
            cells.append(str(value))
    email = student["email"].upper() if rng.random() < 0.05 else student["email"]
    return [_response_code(rng), timestamp(record["time"]),
            "True" if record["finished"] else "False", email, student["student_id"], *cells]


def _response_code(rng: np.random.Generator) -> str:
    """A survey-tool response id (``R_`` and 15 characters)."""
    alphabet = list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
    return "R_" + "".join(rng.choice(alphabet, 15))
