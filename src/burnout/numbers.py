"""Citable numbers: every stage records its key results under flat, stable keys.

Each stage writes its own fragment, ``reports/<study>/numbers/<stage>.json``; the manuscript
stage merges the fragments into ``reports/<study>/numbers.json`` (and LaTeX macros). Keys are
dotted and lower case, differences are always intervention minus control, for example
``unadjusted.ee.ranksum.p`` or ``survey.students.respondents``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from burnout.errors import DataError, require_columns
from burnout.io import write_json
from burnout.paths import study_paths

__all__ = ["write_stage_numbers", "collect_numbers", "table_numbers", "KEY_PATTERN"]

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


def table_numbers(table: pd.DataFrame, key: str,
                  statistics: Sequence[str] | Mapping[str, str]) -> dict:
    """Citable numbers from a tidy result table: one key per row and statistic.

    Parameters
    ----------
    table : pandas.DataFrame
        A tidy result, one row per outcome (or per outcome, group and wave).
    key : str
        Template of the key, filled with the row's columns and ``statistic``, e.g.
        ``"risk_ratio.{name}.{statistic}"``.
    statistics : sequence or mapping
        Columns recorded for every row; a mapping gives the name used in the key for each
        column (``{"p": "p_val"}`` records the column ``p_val`` as ``...p``).

    Returns
    -------
    dict
        Key -> value (plain Python numbers; a missing value stays NaN and is written as null).

    Raises
    ------
    DataError
        When a statistic or a field of the template is not a column of ``table``.

    Examples
    --------
    >>> result = pd.DataFrame({"outcome": ["ee", "dp"], "p_val": [0.4, 0.9], "n": [135, 135]})
    >>> table_numbers(result, "mixed.{outcome}.{statistic}", {"p": "p_val", "n": "n"})
    {'mixed.ee.p': 0.4, 'mixed.ee.n': 135, 'mixed.dp.p': 0.9, 'mixed.dp.n': 135}
    """
    columns = dict(statistics) if isinstance(statistics, Mapping) else {
        name: name for name in statistics}
    require_columns(table, list(columns.values()), "numbers from a table")
    numbers = {}
    for row in table.to_dict("records"):
        for statistic, column in columns.items():
            try:
                name = key.format(statistic=statistic, **row)
            except KeyError as error:
                raise DataError(f"numbers from a table: key template {key!r} names "
                                f"{error.args[0]!r}, which is not a column of the table"
                                ) from None
            value = row[column]
            numbers[name] = value.item() if hasattr(value, "item") else value
    return numbers


def collect_numbers(study: str) -> dict:
    """Merge every stage's fragment of ``study`` into one flat dict (a key may appear once)."""
    merged: dict = {}
    for fragment in sorted((study_paths(study).reports / "numbers").glob("*.json")):
        for key, value in json.loads(fragment.read_text(encoding="utf-8")).items():
            if key in merged:
                raise DataError(f"{fragment}: key '{key}' is already recorded by another stage")
            merged[key] = value
    return dict(sorted(merged.items()))
