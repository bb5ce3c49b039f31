"""Helpers shared by the replica generators: CSV bytes, spellings, names, item answers, files.

Everything here is part of the data-generating model of both replicas, so each function draws
from the generator's ``numpy.random.Generator`` in a fixed order: changing the order of draws
changes every byte that follows (the byte-identity tests of ``tests/replica/`` catch that).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from burnout.core.io import write_bytes, write_text
from burnout.data.checksums import write_checksums

__all__ = ["FIRST_NAMES", "LAST_NAMES", "EMAIL_DOMAIN", "STUDY_FILE", "csv_bytes", "spell",
           "timestamp", "draw_name", "email_address", "split_sum", "write_descriptions"]

STUDY_FILE = "study.yaml"  # burnout.data.study.STUDY_FILE: the study file beside the exports

# --- Synthetic names (none belongs to a real person) -------------------------------------------
# Study A draws from all of them; Study B from the first 24 first and 20 last names.
FIRST_NAMES = (
    "Adaeze", "Anneliese", "Bartosz", "Chidera", "Dagny", "Eamon", "Folasade", "Giedre",
    "Haruki", "Ingrid", "Jovana", "Kwabena", "Leocadia", "Mateus", "Nneka", "Oksana",
    "Priya", "Quillon", "Radek", "Saoirse", "Tomasz", "Ulrike", "Vasilis", "Wenonah",
    "Ximena", "Yusuf", "Zdenka", "Ifeoma", "Thiago", "Marisol",
)
LAST_NAMES = (
    "Abernathy", "Brandtner", "Castellanos", "Dziedzic", "Ekwueme", "Fairbrother",
    "Gallagher", "Halvorsen", "Iwasaki", "Jablonski", "Kowalczyk", "Lindqvist", "Morcos",
    "Nakashima", "Okafor", "Petrakis", "Quintero", "Rafferty", "Szymanski", "Takahashi",
    "Underwood", "Villanueva", "Wojcik", "Oyelaran", "Zielinski", "Achterberg",
)
EMAIL_DOMAIN = "med.example.edu"  # a reserved example domain: no address is deliverable


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence], excel: bool = False) -> bytes:
    """UTF-8 CSV bytes with ``\\n`` line endings, ``None`` written as an empty cell.

    ``excel`` writes the file as Excel saves it: a byte-order mark and CRLF line endings.

    Examples
    --------
    >>> csv_bytes(["a", "b"], [[1, None]])
    b'a,b\\n1,\\n'
    >>> csv_bytes(["a"], [["x y"]], excel=True)
    b'\\xef\\xbb\\xbfa\\r\\nx y\\r\\n'
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if excel else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    data = buffer.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data


def spell(rng: np.random.Generator, spellings: Sequence[str]) -> str:
    """One of ``spellings``, uniformly: repeat a spelling in the tuple to make it more common."""
    return str(spellings[int(rng.integers(len(spellings)))])


def timestamp(moment: datetime) -> str:
    """A submission time as the survey tools export it (``2017-06-26 09:15:00``)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def draw_name(rng: np.random.Generator, first_names: Sequence[str] = FIRST_NAMES,
              last_names: Sequence[str] = LAST_NAMES) -> tuple[str, str]:
    """A synthetic first and last name (the first name is drawn first)."""
    return str(rng.choice(first_names)), str(rng.choice(last_names))


def email_address(first: str, last: str, suffix: str) -> str:
    """``first.last<suffix>@med.example.edu`` in lower case; ``suffix`` makes it unique.

    Examples
    --------
    >>> email_address("Dagny", "Okafor", "017")
    'dagny.okafor017@med.example.edu'
    """
    return f"{first}.{last}{suffix}@{EMAIL_DOMAIN}".lower()


def split_sum(rng: np.random.Generator, total: int, offsets: np.ndarray, minimum: int,
              maximum: int, noise_sd: float) -> np.ndarray:
    """Item answers in [minimum, maximum] summing exactly to ``total``.

    Each item starts at the level ``total / k`` plus its fixed offset plus normal noise
    (SD ``noise_sd``), rounded and clipped; then single answers are moved by one, toward the
    sum, choosing the item with probability proportional to ``exp(gap)`` where ``gap`` is how
    far the answer lies from its expected value in the direction of the move.
    """
    count = len(offsets)
    level = total / count
    values = np.clip(np.round(level + offsets + rng.normal(0, noise_sd, count)), minimum,
                     maximum).astype(int)
    while values.sum() != total:
        step = 1 if values.sum() < total else -1
        room = np.flatnonzero(values < maximum) if step == 1 else np.flatnonzero(values > minimum)
        gap = (level + offsets - values)[room] * step
        weights = np.exp(gap - gap.max())
        values[rng.choice(room, p=weights / weights.sum())] += step
    return values


def write_descriptions(out_dir: Path, study_text: str, readme: str) -> list[Path]:
    """Write the study file and the README, then ``SHA256SUMS`` (which skips the study file).

    Returns the three paths, the checksum list last. Call it after every export is written.
    """
    return [write_text(study_text, out_dir / STUDY_FILE), write_text(readme, out_dir / "README.md"),
            write_checksums(out_dir)]


def write_export(out_dir: Path, name: str, header: Sequence[str], rows: Sequence[Sequence],
                 excel: bool = False) -> Path:
    """Write one CSV export (see :func:`csv_bytes`) and return its path."""
    return write_bytes(csv_bytes(header, rows, excel), out_dir / name)
