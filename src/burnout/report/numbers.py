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

from burnout.core.errors import DataError, require_columns
from burnout.core.io import write_json
from burnout.core.paths import study_paths
from burnout.core.results import key_part

__all__ = ["write_stage_numbers", "collect_numbers", "table_numbers", "analysis_numbers",
           "survey_numbers",
           "with_aliases", "ANALYSIS_KEYS", "KEY_PATTERN"]

# A key: dot-separated parts of lower-case letters, digits and underscores.
KEY_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")

_INTERVAL = {"ci_low": "ci_low", "ci_high": "ci_high", "p": "p"}
_MIXED = {"difference": "estimate", "se": "se", **_INTERVAL, "n_subjects": "n",
          "n_intervention": "n_intervention", "n_control": "n_control"}
# The citable keys of each analysis's result table (one column vocabulary, see
# burnout.core.results): key template, and key statistic -> result column. ``{outcome}`` is the
# result's outcome without its ``_change`` or ``_post`` suffix. These keys are cited from
# manuscripts: add new ones freely, never rename one (params ``aliases`` keeps an old name).
ANALYSIS_KEYS: dict[str, tuple[str, dict[str, str]]] = {
    "rank_sum": ("unadjusted.{outcome}.ranksum.{statistic}",
                 {"p": "p", "shift": "estimate", "shift_ci_low": "ci_low",
                  "shift_ci_high": "ci_high", "rank_biserial": "rank_biserial",
                  "n_intervention": "n_intervention", "n_control": "n_control"}),
    "risk_ratios": ("risk_ratio.{outcome}.{statistic}",
                    {"estimate": "estimate", **_INTERVAL, "n_intervention": "n_intervention",
                     "n_control": "n_control", "p_fisher": "p_fisher"}),
    "signed_rank": ("unadjusted.{outcome}.signed_rank.{statistic}",
                    {"estimate": "estimate", **_INTERVAL, "n": "n",
                     "rank_biserial": "rank_biserial"}),
    "paired_t": ("unadjusted.{outcome}.paired_t.{statistic}",
                 {"estimate": "estimate", "se": "se", **_INTERVAL, "n": "n",
                  "cohen_dz": "cohen_dz"}),
    "mcnemar": ("mcnemar.{outcome}.{statistic}",
                {"estimate": "estimate", **_INTERVAL, "b": "b", "c": "c", "n": "n",
                 "proportion_before": "proportion_before",
                 "proportion_after": "proportion_after"}),
    "ols": ("adjusted.{outcome}.{statistic}",
            {"difference": "estimate", **_INTERVAL, "n": "n"}),
    "ols_hc3": ("adjusted_hc3.{outcome}.{statistic}", {"difference": "estimate", **_INTERVAL}),
    "mixed_model": ("mixed.{outcome}.{statistic}", _MIXED),
    "mixed_model_unstratified": ("mixed_unstratified.{outcome}.{statistic}", _MIXED),
    "mixed_model_per_protocol": ("per_protocol.{outcome}.{statistic}", _MIXED),
    "risk_ratio_adjusted": ("risk_ratio_adjusted.{outcome}.{statistic}",
                            {"estimate": "estimate", **_INTERVAL, "n": "n",
                             "n_intervention": "n_intervention", "n_control": "n_control"}),
    "cace": ("cace.{outcome}.{statistic}",
             {"estimate": "estimate", **_INTERVAL, "n": "n", "compliance": "compliance"}),
    "mixed_model_time": ("mixed.{outcome}.{statistic}",
                         {"change": "estimate", "se": "se", **_INTERVAL, "n_subjects": "n"}),
    # ``hedges_g.<score>.*`` between groups, ``standardized_mean_change.<score>.*`` in one group
    "effect_sizes": ("{method}.{outcome}.{statistic}",
                     {"estimate": "estimate", "se": "se", "ci_low": "ci_low",
                      "ci_high": "ci_high", "n": "n"}),
    # ``holm.<score>.p``: the primary comparison's p of a secondary outcome, Holm-adjusted
    "holm": ("holm.{outcome}.{statistic}", {"p": "p", "family_size": "family_size"}),
}


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
    >>> result = pd.DataFrame({"outcome": ["ee", "dp"], "p": [0.31, 0.72], "n": [60, 58]})
    >>> table_numbers(result, "mixed.{outcome}.{statistic}", {"p": "p", "n": "n"})
    {'mixed.ee.p': 0.31, 'mixed.ee.n': 60, 'mixed.dp.p': 0.72, 'mixed.dp.n': 58}
    """
    columns = dict(statistics) if isinstance(statistics, Mapping) else {
        name: name for name in statistics}
    require_columns(table, list(columns.values()), "numbers from a table")
    numbers = {}
    for row in table.to_dict("records"):
        for statistic, column in columns.items():
            try:
                name = key.format(**{**row, "statistic": statistic})
            except KeyError as error:
                raise DataError(f"numbers from a table: key template {key!r} names "
                                f"{error.args[0]!r}, which is not a column of the table"
                                ) from None
            value = row[column]
            numbers[name] = value.item() if hasattr(value, "item") else value
    return numbers


def _short(outcome: str) -> str:
    for suffix in ("_change", "_post"):
        if outcome.endswith(suffix):
            return outcome[: -len(suffix)]
    return outcome


def analysis_numbers(analysis: str, table: pd.DataFrame) -> dict:
    """Citable numbers of one analysis's result table (see :data:`ANALYSIS_KEYS`).

    ``"medians"`` gives ``unadjusted.<score>.<wave>.<group>.median|q1|q3|n``; ``"cace"`` also
    ``cace.compliance``, the proportion of the intervention arm who received the program
    (column ``compliance_randomized``); an analysis without keys gives none.

    Examples
    --------
    >>> result = pd.DataFrame({"outcome": ["ee_change"], "estimate": [-1.5], "ci_low": [-3.0],
    ...     "ci_high": [0.5], "p": [0.12], "rank_biserial": [-0.2], "n_intervention": [20],
    ...     "n_control": [30]})
    >>> analysis_numbers("rank_sum", result)["unadjusted.ee.ranksum.shift"]
    -1.5
    """
    if analysis == "medians":
        return table_numbers(table, "unadjusted.{subscale}.{wave}.{group}.{statistic}",
                             ["median", "q1", "q3", "n"])
    if analysis not in ANALYSIS_KEYS:
        return {}
    key, statistics = ANALYSIS_KEYS[analysis]
    present = {name: column for name, column in statistics.items() if column in table.columns}
    numbers = table_numbers(table.assign(outcome=table["outcome"].map(_short)), key, present)
    if analysis == "cace" and "compliance_randomized" in table.columns and len(table):
        numbers["cace.compliance"] = float(table["compliance_randomized"].iloc[0])
    return numbers


def with_aliases(numbers: Mapping[str, object], aliases: Mapping[str, str]) -> dict:
    """``numbers`` plus each old key of ``aliases`` (old -> current) under its old name.

    Raises
    ------
    DataError
        When an alias points to a key that does not exist, or its old name is in use.

    Examples
    --------
    >>> with_aliases({"n.peers.respondents": 9}, {"n.peer_survey.respondents":
    ...                                           "n.peers.respondents"})
    {'n.peer_survey.respondents': 9, 'n.peers.respondents': 9}
    """
    merged = dict(numbers)
    for old, current in aliases.items():
        if current not in numbers:
            raise DataError(f"params key 'aliases.{old}': the current key '{current}' is not "
                            "recorded by any stage")
        if old in numbers:
            raise DataError(f"params key 'aliases.{old}': '{old}' is itself a recorded key")
        merged[old] = numbers[current]
    return dict(sorted(merged.items()))


def collect_numbers(study: str) -> dict:
    """Merge every stage's fragment of ``study`` into one flat dict (a key may appear once)."""
    merged: dict = {}
    for fragment in sorted((study_paths(study).reports / "numbers").glob("*.json")):
        for key, value in json.loads(fragment.read_text(encoding="utf-8")).items():
            if key in merged:
                raise DataError(f"{fragment}: key '{key}' is already recorded by another stage")
            merged[key] = value
    return dict(sorted(merged.items()))


def survey_numbers(prefix: str, rate: pd.DataFrame | None = None,
                   shares: pd.DataFrame | None = None,
                   numeric: pd.DataFrame | None = None) -> dict[str, object]:
    """Citable numbers of one survey under dotted keys starting with ``prefix``.

    Parameters
    ----------
    prefix : str
        Key prefix, e.g. ``"survey.students"``.
    rate : pandas.DataFrame, optional
        Output of :func:`burnout.stats.survey.response_rate`: gives ``<prefix>.respondents``,
        ``.eligible``, ``.response_rate``, ``.response_rate_ci_low`` and ``.response_rate_ci_high``.
    shares : pandas.DataFrame, optional
        Output of :func:`burnout.stats.survey.agree_share`: per item, ``<prefix>.<item>``
        (agree count), ``.<item>_respondents``, ``.<item>_share``, ``.<item>_ci_low``,
        ``.<item>_ci_high``.
    numeric : pandas.DataFrame, optional
        Rows of :func:`burnout.stats.survey.numeric_summary`:
        ``<prefix>.<variable>_<statistic>`` for n, mean, sd, median, q1, q3, minimum and maximum.

    Examples
    --------
    >>> from burnout.stats.survey import response_rate
    >>> numbers = survey_numbers("survey.peers", rate=response_rate(18, 24))
    >>> numbers["survey.peers.respondents"], numbers["survey.peers.eligible"]
    (18, 24)
    """
    numbers: dict[str, object] = {}
    if rate is not None:
        row = rate.iloc[0]
        numbers[f"{prefix}.respondents"] = int(row["respondents"])
        numbers[f"{prefix}.eligible"] = int(row["eligible"])
        numbers[f"{prefix}.response_rate"] = float(row["rate"])
        numbers[f"{prefix}.response_rate_ci_low"] = float(row["ci_low"])
        numbers[f"{prefix}.response_rate_ci_high"] = float(row["ci_high"])
    if shares is not None:
        for row in shares.itertuples(index=False):
            item = key_part(row.item)
            numbers[f"{prefix}.{item}"] = int(row.agree)
            numbers[f"{prefix}.{item}_respondents"] = int(row.respondents)
            numbers[f"{prefix}.{item}_share"] = float(row.proportion)
            numbers[f"{prefix}.{item}_ci_low"] = float(row.ci_low)
            numbers[f"{prefix}.{item}_ci_high"] = float(row.ci_high)
    if numeric is not None:
        for row in numeric.to_dict("records"):
            for statistic in ("n", "mean", "sd", "median", "q1", "q3", "minimum", "maximum"):
                value = row[statistic]
                numbers[f"{prefix}.{key_part(row['variable'])}_{statistic}"] = (
                    int(value) if statistic == "n" else float(value))
    return numbers
