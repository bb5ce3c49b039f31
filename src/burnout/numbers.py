"""Citable numbers: every stage records its key results under flat, stable keys.

Each stage writes its own fragment, ``reports/<study>/numbers/<stage>.json``; the manuscript
stage merges the fragments into ``reports/<study>/numbers.json`` (and LaTeX macros). Keys are
dotted and lower case, differences are always intervention minus control, for example
``unadjusted.ee.ranksum.p`` or ``survey.students.respondents``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from burnout.errors import DataError
from burnout.io import write_json
from burnout.paths import study_paths

__all__ = ["write_stage_numbers", "collect_numbers", "KEY_PATTERN"]

# A key: dot-separated parts of lower-case letters, digits and underscores.
KEY_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


def write_stage_numbers(study: str, stage: str, values: Mapping[str, object]) -> dict:
    """Record one stage's citable numbers in ``reports/<study>/numbers/<stage>.json``.

    Parameters
    ----------
    study : str
        Study name, e.g. ``"mentorship"``.
    stage : str
        Stage name, e.g. ``"unadjusted"``.
    values : mapping
        Flat mapping of dotted keys to numbers (or short strings).

    Returns
    -------
    dict
        The values written, sorted by key.

    Examples
    --------
    >>> sorted(KEY_PATTERN.match(k) is not None for k in ["n.analysed.control", "Bad Key"])
    [False, True]
    """
    bad = [key for key in values if not KEY_PATTERN.match(key)]
    if bad:
        raise DataError(f"numbers of stage '{stage}': keys must be dotted lower case, got {bad}")
    ordered = dict(sorted(values.items()))
    write_json(ordered, study_paths(study).reports / "numbers" / f"{stage}.json")
    return ordered


def collect_numbers(study: str) -> dict:
    """Merge every stage's fragment of ``study`` into one flat dict (a key may appear once)."""
    merged: dict = {}
    for fragment in sorted((study_paths(study).reports / "numbers").glob("*.json")):
        for key, value in json.loads(fragment.read_text(encoding="utf-8")).items():
            if key in merged:
                raise DataError(f"{fragment}: key '{key}' is already recorded by another stage")
            merged[key] = value
    return dict(sorted(merged.items()))
