"""Scoring questionnaires: subscale scores, categories (cut-offs) and composite burnout.

Scoring follows the instrument's definition in the registry (:mod:`burnout.data.registry`):

1. every answer is checked against the response range (a whole number from the minimum to
   the maximum, or empty);
2. reverse-scored items are turned around, ``minimum + maximum - answer``, so that a high
   value means the same thing on every item;
3. each subscale is scored from its items. With ``scoring: sum`` the score is the sum of the
   items; when some are missing, but no more than the prorating rule allows, the score is
   *prorated*: the mean of the answered items times the number of items (the sum the person
   would have had if the missing answers equalled their own average). With ``scoring: mean``
   the score is the mean of the answered items. With too many missing items the score is
   missing;
4. each cut-off turns a score into a 0/1 flag (e.g. ``high_ee = ee >= 27``), missing when the
   score is missing;
5. for an instrument with burnout rules (the MBI) the chosen rule combines flags into
   ``burnout``, e.g. ``ee_or_dp`` = high EE or high DP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.data.registry import OPERATORS, Cutoff, Instrument, load_instrument

__all__ = ["score_instrument", "resolve_cutoffs", "binary_outcome_definitions", "BURNOUT_COLUMN"]

# Name of the composite burnout flag in the scored table.
BURNOUT_COLUMN = "burnout"

# Operators of a cut-off as printed for readers.
_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

# At most this many bad answers are listed in one error message.
_MAXIMUM_LISTED_PROBLEMS = 20


def _as_instrument(instrument: str | Instrument) -> Instrument:
    return instrument if isinstance(instrument, Instrument) else load_instrument(instrument)


def resolve_cutoffs(instrument: str | Instrument,
                    cutoffs: Mapping[str, object] | None = None) -> dict[str, Cutoff]:
    """Combine an instrument's default cut-offs with overrides given as a parameter.

    Parameters
    ----------
    instrument : str or Instrument
        Registry name or loaded definition.
    cutoffs : mapping, optional
        Flag name -> new threshold (a number), or -> mapping with any of ``score``,
        ``operator``, ``threshold``. ``None`` keeps every default.

    Returns
    -------
    dict of str to Cutoff
        Every flag of the instrument, in the order of its definition.

    Raises
    ------
    DataError
        When a flag is not defined by the instrument (the message lists the known ones), or an
        override has an unknown score or operator or a non-numeric threshold.

    Examples
    --------
    >>> rules = resolve_cutoffs("mbi_hss_mp", {"high_ee": 30, "low_pa": {"operator": "<"}})
    >>> [rule.describe() for rule in rules.values()]
    ['high_ee: ee >= 30', 'high_dp: dp >= 10', 'low_pa: pa < 33']
    """
    instrument = _as_instrument(instrument)
    resolved = dict(instrument.cutoffs)
    for flag, override in (cutoffs or {}).items():
        if flag not in resolved:
            raise DataError(f"cutoffs: {flag!r} is not a cut-off of instrument "
                            f"{instrument.name!r}; known cut-offs: {list(resolved)}")
        rule = resolved[flag]
        if isinstance(override, Mapping):
            unknown = sorted(set(override) - {"score", "operator", "threshold"})
            if unknown:
                raise DataError(f"cutoffs.{flag}: unknown field(s) {unknown}; allowed: score, "
                                f"operator, threshold")
            score = override.get("score", rule.score)
            operator = override.get("operator", rule.operator)
            threshold = override.get("threshold", rule.threshold)
        else:
            score, operator, threshold = rule.score, rule.operator, override
        if score not in instrument.subscales:
            raise DataError(f"cutoffs.{flag}.score: {score!r} is not one of the scores "
                            f"{list(instrument.subscales)}")
        if operator not in OPERATORS:
            raise DataError(f"cutoffs.{flag}.operator: {operator!r} is not one of "
                            f"{list(OPERATORS)}")
        if (isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number))
                or not np.isfinite(threshold)):
            raise DataError(f"cutoffs.{flag}.threshold: must be a number, got {threshold!r}")
        resolved[flag] = Cutoff(flag, score, operator, float(threshold))
    return resolved


def binary_outcome_definitions(instruments: Sequence[str | Instrument],
                               cutoffs: Mapping[str, object] | None = None,
                               burnout_rule: str | None = None) -> pd.DataFrame:
    """Every yes/no outcome the scoring writes, with its rule, as a reader needs it.

    Parameters
    ----------
    instruments : sequence of str or Instrument
        The instruments scored, the primary one first (as in
        :func:`burnout.measures.analysis_table.build_analysis_table`).
    cutoffs : mapping, optional
        Overrides of the primary instrument's cut-offs (see :func:`resolve_cutoffs`).
    burnout_rule : str, optional
        The composite burnout definition; ``None`` for the primary instrument's default
        (no ``burnout`` row when the instrument defines no burnout rules).

    Returns
    -------
    pandas.DataFrame
        One row per flag, then ``burnout``: ``outcome``, ``instrument``, ``rule`` (e.g.
        ``"ee >= 27"`` or ``"ee_or_dp"``) and ``definition`` in words.

    Raises
    ------
    DataError
        As :func:`resolve_cutoffs`, or when ``burnout_rule`` is not a rule of the primary
        instrument.

    Examples
    --------
    >>> table = binary_outcome_definitions(["mbi_hss_mp"], {"high_ee": 30})
    >>> print(table[["outcome", "rule"]].to_string(index=False))
    outcome     rule
    high_ee ee >= 30
    high_dp dp >= 10
     low_pa pa <= 33
    burnout ee_or_dp
    """
    definitions = [_as_instrument(instrument) for instrument in instruments]
    if not definitions:
        raise DataError("instruments: need at least one instrument of the registry")
    rows = []
    for position, instrument in enumerate(definitions):
        for rule in resolve_cutoffs(instrument, cutoffs if position == 0 else None).values():
            label = instrument.subscales[rule.score].label
            rows.append({"outcome": rule.name, "instrument": instrument.name,
                         "rule": f"{rule.score} {rule.operator} {rule.threshold:g}",
                         "definition": f"{label} {_SYMBOLS[rule.operator]} {rule.threshold:g}"})
    primary = definitions[0]
    rule_name = burnout_rule or primary.default_burnout_rule
    if rule_name is not None:
        if rule_name not in primary.burnout_rule_descriptions:
            raise DataError(f"burnout_rule: {rule_name!r} is not a rule of instrument "
                            f"{primary.name!r}; known rules: "
                            f"{list(primary.burnout_rule_descriptions)}")
        rows.append({"outcome": BURNOUT_COLUMN, "instrument": primary.name, "rule": rule_name,
                     "definition": primary.burnout_rule_descriptions[rule_name]})
    return pd.DataFrame(rows, columns=["outcome", "instrument", "rule", "definition"])


def _checked_items(responses: pd.DataFrame, instrument: Instrument, source: str) -> pd.DataFrame:
    """Return the item columns as floats (NaN = missing) after checking every answer."""
    if not isinstance(responses, pd.DataFrame):
        raise DataError(f"{source}: responses must be a pandas DataFrame, got "
                        f"{type(responses).__name__}")
    missing = [column for column in instrument.items if column not in responses.columns]
    if missing:
        raise DataError(f"{source}: item column(s) {missing} of instrument {instrument.name!r} "
                        f"are missing (rule: every item {instrument.items[0]} ... "
                        f"{instrument.items[-1]} must be a column, empty where unanswered)")
    minimum, maximum = instrument.response_minimum, instrument.response_maximum
    rule = (f"answers to {instrument.name} must be whole numbers from {minimum} to {maximum}, "
            f"or empty")
    problems = []
    values = {}
    for column in instrument.items:
        raw = responses[column]
        numeric = pd.to_numeric(raw.astype(object) if raw.dtype == bool else raw, errors="coerce")
        numeric = numeric.astype(float)
        is_missing = raw.isna().to_numpy()
        number = numeric.to_numpy()
        unreadable = ~is_missing & np.isnan(number)
        with np.errstate(invalid="ignore"):
            out_of_rule = ~np.isnan(number) & ((number != np.floor(number)) | (number < minimum)
                                               | (number > maximum))
        for position in np.flatnonzero(unreadable | out_of_rule):
            label, value = responses.index[position], raw.iloc[position]
            label, value = (item.item() if isinstance(item, np.generic) else item
                            for item in (label, value))
            problems.append(f"row {position + 2} (index {label!r}), column '{column}': value "
                            f"{value!r}")
        values[column] = numeric
    if problems:
        listed = problems[:_MAXIMUM_LISTED_PROBLEMS]
        more = len(problems) - len(listed)
        lines = [f"{source}: {len(problems)} answer(s) break the rule: {rule}"]
        lines += [f"  - {problem}" for problem in listed]
        if more:
            lines.append(f"  ... and {more} more")
        raise DataError("\n".join(lines))
    return pd.DataFrame(values, index=responses.index)


def _column_breaks_rule(values: np.ndarray, minimum: float, maximum: float) -> bool:
    """Whether a numeric column holds an answer that is not a whole number in range."""
    if not len(values):
        return False
    if values.dtype.kind in "iu":
        return bool(values.min() < minimum or values.max() > maximum)
    low, high = np.fmin.reduce(values), np.fmax.reduce(values)  # NaN only when all are
    if np.isnan(low):
        return False
    with np.errstate(invalid="ignore"):
        return bool(low < minimum or high > maximum
                    or np.any((values != np.floor(values)) & ~np.isnan(values)))


def _checked_item_columns(responses: pd.DataFrame, instrument: Instrument,
                          source: str) -> dict[str, np.ndarray]:
    """Each item column as a NumPy array (whole numbers, or floats with NaN = missing),
    checked by the rule of :func:`_checked_items`; reverse-scored items turned around.

    Numeric columns are checked in place, one at a time (through pandas, and as one float
    array of every item, the 22 columns of 2.8M questionnaires took seconds: copies and their
    fresh memory); other columns, and answers that break the rule, go through
    :func:`_checked_items`, which converts them or raises its message.
    """
    numeric = isinstance(responses, pd.DataFrame) and all(
        column in responses.columns and isinstance(responses[column].dtype, np.dtype)
        and responses[column].dtype.kind in "iuf" for column in instrument.items)
    minimum, maximum = instrument.response_minimum, instrument.response_maximum
    if numeric:
        columns = {column: responses[column].to_numpy() for column in instrument.items}
        if any(_column_breaks_rule(values, minimum, maximum) for values in columns.values()):
            _checked_items(responses, instrument, source)  # raises the message
    else:
        checked = _checked_items(responses, instrument, source)
        columns = {column: checked[column].to_numpy() for column in instrument.items}
    for number in instrument.reverse_scored:
        column = instrument.item_column(number)
        columns[column] = minimum + maximum - columns[column].astype(float)
    return columns


def _subscale_score(columns: Mapping[str, np.ndarray], instrument: Instrument,
                    subscale: str) -> np.ndarray:
    """Score one subscale with prorating; missing when too many items are missing.

    The arithmetic of the pandas version it replaced (tested against it): the sum of the
    answered items (exact: whole numbers), times the size, divided by the number answered.
    """
    names = instrument.subscale_columns(subscale)
    size, count = len(names), len(columns[names[0]])
    total, missing = np.zeros(count), np.zeros(count, dtype=np.int64)
    for name in names:  # one column at a time: no array of the whole subscale
        total += columns[name]
        if columns[name].dtype.kind == "f":
            missing += np.isnan(columns[name])
    partial = np.flatnonzero(missing)  # the few rows with an unanswered item: sum again
    total[partial] = np.nansum([columns[name][partial] for name in names], axis=0)
    answered = size - missing
    divisor = np.where(answered > 0, answered, np.nan)
    total[answered == 0] = np.nan
    score = total * size / divisor if instrument.scoring == "sum" else total / divisor
    score[(size - answered) > instrument.allowed_missing(subscale)] = np.nan
    return score


def _scored_columns(responses: pd.DataFrame, instrument: Instrument,
                    cutoffs: Mapping[str, object] | None, burnout_rule: str | None,
                    source: str) -> dict[str, np.ndarray | pd.api.extensions.ExtensionArray]:
    """The columns of :func:`score_instrument` as arrays: scores, flags, then burnout."""
    rules = resolve_cutoffs(instrument, cutoffs)
    items = _checked_item_columns(responses, instrument, source)
    columns: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {
        name: _subscale_score(items, instrument, name) for name in instrument.subscales}
    flags = {}
    for flag, rule in rules.items():
        score = columns[rule.score]
        with np.errstate(invalid="ignore"):
            compared = np.asarray(OPERATORS[rule.operator](score, rule.threshold), dtype=bool)
        flags[flag] = pd.arrays.BooleanArray(compared, np.isnan(score))
    columns.update({flag: values.astype("Int64") for flag, values in flags.items()})
    if burnout_rule is None:
        burnout_rule = instrument.default_burnout_rule
    if burnout_rule is not None:
        if burnout_rule not in instrument.burnout_rules:
            known = list(instrument.burnout_rules)
            raise DataError(f"burnout_rule: {burnout_rule!r} is not a rule of instrument "
                            f"{instrument.name!r}; known rules: {known or 'none'}")
        burnout = _evaluate_rule(instrument.burnout_rules[burnout_rule], flags)
        columns[BURNOUT_COLUMN] = burnout.astype("Int64")
    return columns


def _evaluate_rule(node: object, flags: Mapping[str, pd.arrays.BooleanArray],
                   ) -> pd.arrays.BooleanArray:
    """Evaluate a composite rule with three-valued (Kleene) logic on nullable booleans."""
    if isinstance(node, str):
        return flags[node]
    (key, members), = ((key, value) for key, value in node.items() if key != "description")
    results = [_evaluate_rule(member, flags) for member in members]
    combined = results[0]
    for result in results[1:]:
        combined = (combined | result) if key == "any_of" else (combined & result)
    return combined


def score_instrument(responses: pd.DataFrame, instrument: str | Instrument,
                     cutoffs: Mapping[str, object] | None = None,
                     burnout_rule: str | None = None,
                     source: str = "responses") -> pd.DataFrame:
    """Score every respondent on every subscale of an instrument, with category flags.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per questionnaire (respondent and wave); one column per item, named as the
        instrument says (``mbi_01`` ... ``mbi_22``), empty (NaN) where unanswered. Other
        columns are ignored and column order does not matter.
    instrument : str or Instrument
        Registry name (e.g. ``"mbi_hss_mp"``) or a loaded definition.
    cutoffs : mapping, optional
        Overrides of the default cut-offs, e.g. ``{"high_ee": 30}`` (see
        :func:`resolve_cutoffs`).
    burnout_rule : str, optional
        For instruments that define burnout rules (the MBI): ``"ee_or_dp"`` (high EE or high
        DP), ``"ee_and_dp_or_pa"`` (high EE and (high DP or low PA)) or ``"ee_or_dp_or_pa"``.
        ``None`` uses the instrument's default rule (``ee_or_dp`` for the MBI) and no
        ``burnout`` column for instruments without rules.
    source : str
        Name of the table, used in error messages (e.g. ``"mbi_items.csv"``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``responses``; one float column per subscale score (missing when too
        many items are missing), then one nullable-integer 0/1 column per cut-off flag
        (missing when its score is missing), then ``burnout`` (0/1) when a rule applies.

    Raises
    ------
    DataError
        When an item column is missing, an answer is not a whole number within the response
        range (the message names row, column, value and rule), a cut-off override is invalid,
        or the burnout rule is unknown (the message lists the known rules).

    Notes
    -----
    A prorated sum is the mean of the answered items times the number of items. The burnout
    flag combines the flags with three-valued logic: with ``ee_or_dp``, a respondent with high
    EE has burnout even if the DP score is missing, one with EE and DP both below the cut-offs
    has none, and one with low EE and a missing DP score is missing.

    References
    ----------
    Maslach C, Jackson SE, Leiter MP. Maslach Burnout Inventory Manual, 4th ed. Mind Garden,
    2016.

    Examples
    --------
    >>> answers = pd.DataFrame([[3] * 22, [6] * 21 + [None]], index=["S001", "S002"],
    ...                        columns=[f"mbi_{number:02d}" for number in range(1, 23)])
    >>> scored = score_instrument(answers, "mbi_hss_mp")
    >>> print(scored.to_string())
            ee    dp    pa  high_ee  high_dp  low_pa  burnout
    S001  27.0  15.0  24.0        1        1       1        1
    S002  54.0  30.0  48.0        1        1       0        1
    """
    instrument = _as_instrument(instrument)
    columns = _scored_columns(responses, instrument, cutoffs, burnout_rule, source)
    return pd.DataFrame(columns, index=responses.index)
