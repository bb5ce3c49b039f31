"""Descriptive statistics of evaluation surveys: Likert tables, agree shares, response rates.

The evaluation surveys of a mentorship program ask participants how much they agree with a
few statements ("The program had a positive impact on my rotation") on a five-point Likert
scale, 1 = strongly disagree ... 5 = strongly agree, and ask mentors how many hours they spent
and how many meetings they held. The analysis is descriptive:

* :func:`likert_summary` counts every response level of every item (a tidy table, one row
  per item and level, with the percentage of the item's respondents);
* :func:`agree_share` counts the respondents who agree (levels 4 or 5 by default) and gives
  the proportion with its Wilson 95% confidence interval
  (:func:`burnout.stats.proportions.proportion_interval`);
* :func:`response_rate` divides the respondents by the people eligible to answer, with the
  same interval; :func:`count_respondents` and :func:`count_eligible` give both counts;
* :func:`numeric_summary` describes a numeric answer (n, mean, SD, median, quartiles, range);

The denominator of a percentage is always the number of respondents who answered that item
(a missing answer is not counted as disagreement).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.stats.proportions import proportion_interval

__all__ = [
    "LIKERT_LEVELS",
    "DEFAULT_AGREE_LEVELS",
    "likert_summary",
    "agree_share",
    "response_rate",
    "count_respondents",
    "count_eligible",
    "numeric_summary",
    "evaluation_summary",
    "eligible_count",
]

# The five response levels of the evaluation surveys and their labels.
LIKERT_LEVELS: dict[int, str] = {
    1: "strongly disagree",
    2: "disagree",
    3: "neutral",
    4: "agree",
    5: "strongly agree",
}
# Levels counted as agreement unless a notebook parameter says otherwise.
DEFAULT_AGREE_LEVELS: tuple[int, ...] = (4, 5)


def _item_wordings(items: Mapping[str, str] | Sequence[str]) -> dict[str, str]:
    """Return ``{column: wording}``; a plain list of columns uses the column as wording."""
    if isinstance(items, str):
        raise DataError(f"items must be a list of columns or a column -> wording mapping, "
                        f"got the string {items!r}")
    if isinstance(items, Mapping):
        wordings = {str(column): str(wording) for column, wording in items.items()}
    else:
        wordings = {str(column): str(column) for column in items}
    if not wordings:
        raise DataError("items: at least one survey item is needed")
    return wordings


def _checked_item(responses: pd.DataFrame, column: str, levels: Iterable[int],
                  source: str) -> pd.Series:
    """Return the non-missing answers of one item as integers, after checking them.

    Raises DataError naming the row (spreadsheet line, header = 1), the column and the value
    when an answer is not one of ``levels``.
    """
    if column not in responses.columns:
        raise DataError(f"{source}: column '{column}' is missing (columns present: "
                        f"{list(responses.columns)})")
    allowed = {int(level) for level in levels}
    answers = pd.to_numeric(responses[column], errors="coerce")
    unreadable = responses[column].notna() & answers.isna()
    for position in np.flatnonzero(unreadable.to_numpy()):
        raise DataError(f"{source}, row {position + 2}, column '{column}': value "
                        f"{responses[column].iloc[position]!r} is not a number; rule: answers "
                        f"must be one of the levels {sorted(allowed)} or empty")
    answers = answers.dropna()
    for label, value in answers.items():
        if float(value) != math.floor(float(value)) or int(value) not in allowed:
            position = responses.index.get_loc(label)
            raise DataError(f"{source}, row {position + 2}, column '{column}': value {value!r} "
                            f"is not one of the levels {sorted(allowed)}")
    return answers.astype(int)


def likert_summary(responses: pd.DataFrame, items: Mapping[str, str] | Sequence[str],
                   levels: Mapping[int, str] | None = None,
                   source: str = "survey") -> pd.DataFrame:
    """Count every response level of every Likert item.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per respondent, one column per item, answers coded as the keys of ``levels``;
        missing answers are empty (NaN).
    items : mapping or sequence of str
        The item columns, in display order; a mapping gives each column its wording.
    levels : mapping of int to str, optional
        Response levels and their labels, lowest first; default :data:`LIKERT_LEVELS`.
    source : str
        Name of the table, used in error messages (e.g. ``"student_survey.csv"``).

    Returns
    -------
    pandas.DataFrame
        One row per item and level: ``item``, ``wording``, ``level``, ``label``, ``count``,
        ``percent`` (of the item's respondents, 0-100) and ``respondents`` (non-missing
        answers to the item). An item nobody answered has counts 0 and percent NaN.

    Raises
    ------
    DataError
        When an item column is missing or an answer is not one of the levels.

    Notes
    -----
    Percentages use the item's own respondents as denominator, so items with missing answers
    still sum to 100%.

    Examples
    --------
    >>> answers = pd.DataFrame({"enjoyed": [5, 4, 4, None, 2]})
    >>> table = likert_summary(answers, {"enjoyed": "I enjoyed it"})
    >>> print(table[["level", "count", "percent", "respondents"]].to_string(index=False))
     level  count  percent  respondents
         1      0      0.0            4
         2      1     25.0            4
         3      0      0.0            4
         4      2     50.0            4
         5      1     25.0            4
    """
    levels = dict(LIKERT_LEVELS if levels is None else levels)
    rows = []
    for column, wording in _item_wordings(items).items():
        answers = _checked_item(responses, column, levels, source)
        respondents = int(answers.size)
        for level, label in levels.items():
            count = int((answers == int(level)).sum())
            percent = 100.0 * count / respondents if respondents else float("nan")
            rows.append({"item": column, "wording": wording, "level": int(level),
                         "label": label, "count": count, "percent": percent,
                         "respondents": respondents})
    return pd.DataFrame(rows, columns=["item", "wording", "level", "label", "count", "percent",
                                       "respondents"])


def agree_share(responses: pd.DataFrame, items: Mapping[str, str] | Sequence[str],
                agree_levels: Iterable[int] = DEFAULT_AGREE_LEVELS,
                levels: Mapping[int, str] | None = None, confidence: float = 0.95,
                source: str = "survey") -> pd.DataFrame:
    """Number and proportion of respondents who agree with each item, with Wilson CIs.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per respondent, one column per item (see :func:`likert_summary`).
    items : mapping or sequence of str
        Item columns in display order; a mapping gives each column its wording.
    agree_levels : iterable of int
        Levels counted as agreement, default 4 (agree) and 5 (strongly agree).
    levels : mapping of int to str, optional
        All valid levels; default :data:`LIKERT_LEVELS`.
    confidence : float
        Confidence level of the interval, default 0.95.
    source : str
        Name of the table, used in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``wording``, ``agree`` (count), ``respondents``
        (non-missing answers), ``proportion``, ``ci_low``, ``ci_high``. An item nobody
        answered has a NaN proportion and interval.

    Raises
    ------
    DataError
        When an agree level is not a valid level, a column is missing or an answer is invalid.

    Examples
    --------
    >>> answers = pd.DataFrame({"enjoyed": [5, 4, 4, 2], "again": [5, 5, 5, 5]})
    >>> table = agree_share(answers, ["enjoyed", "again"])
    >>> print(table[["item", "agree", "respondents", "ci_high"]].round(4).to_string(index=False))
       item  agree  respondents  ci_high
    enjoyed      3            4   0.9544
      again      4            4   1.0000
    """
    levels = dict(LIKERT_LEVELS if levels is None else levels)
    agree_levels = sorted({int(level) for level in agree_levels})
    unknown = [level for level in agree_levels if level not in levels]
    if unknown or not agree_levels:
        raise DataError(f"agree_levels {agree_levels}: rule: a non-empty subset of the levels "
                        f"{sorted(levels)}")
    rows = []
    for column, wording in _item_wordings(items).items():
        answers = _checked_item(responses, column, levels, source)
        agree = int(answers.isin(agree_levels).sum())
        interval = proportion_interval(agree, int(answers.size), confidence).iloc[0]
        rows.append({"item": column, "wording": wording, "agree": agree,
                     "respondents": int(answers.size),
                     "proportion": interval["proportion"], "ci_low": interval["ci_low"],
                     "ci_high": interval["ci_high"]})
    return pd.DataFrame(rows, columns=["item", "wording", "agree", "respondents", "proportion",
                                       "ci_low", "ci_high"])


def count_respondents(survey: pd.DataFrame, id_column: str = "response_id",
                      source: str = "survey") -> int:
    """Number of survey responses: rows with a unique, non-empty response identifier.

    Raises
    ------
    DataError
        When the identifier column is missing, empty in a row or repeated.

    Examples
    --------
    >>> count_respondents(pd.DataFrame({"response_id": ["SR01", "SR02"]}))
    2
    """
    if id_column not in survey.columns:
        raise DataError(f"{source}: column '{id_column}' is missing")
    identifiers = survey[id_column]
    for position in np.flatnonzero(identifiers.isna().to_numpy()):
        raise DataError(f"{source}, row {position + 2}, column '{id_column}': empty; rule: "
                        f"every response has an identifier")
    repeated = identifiers.duplicated(keep="first").to_numpy()
    for position in np.flatnonzero(repeated):
        raise DataError(f"{source}, row {position + 2}, column '{id_column}': value "
                        f"{identifiers.iloc[position]!r} repeated; rule: one row per response")
    return int(len(survey))


def count_eligible(roster: pd.DataFrame, criteria: Mapping[str, object] | None = None,
                   source: str = "roster") -> int:
    """Number of people eligible to answer a survey: roster rows matching every criterion.

    Parameters
    ----------
    roster : pandas.DataFrame
        One row per person (e.g. ``participants.csv`` or ``mentors.csv``).
    criteria : mapping, optional
        ``{column: required value}``, e.g. ``{"group": "intervention", "analysed": 1}``;
        empty or None counts every row.
    source : str
        Name of the table, used in error messages.

    Examples
    --------
    >>> roster = pd.DataFrame({"group": ["intervention", "control", "intervention"],
    ...                        "analysed": [1, 1, 0]})
    >>> count_eligible(roster, {"group": "intervention", "analysed": 1})
    1
    """
    keep = pd.Series(True, index=roster.index)
    for column, value in (criteria or {}).items():
        if column not in roster.columns:
            raise DataError(f"{source}: column '{column}' (an eligibility criterion) is missing")
        keep &= roster[column] == value
    return int(keep.sum())


def response_rate(respondents: int, eligible: int, confidence: float = 0.95) -> pd.DataFrame:
    """Response rate ``respondents / eligible`` with its Wilson confidence interval.

    Parameters
    ----------
    respondents : int
        Number of people who returned the survey.
    eligible : int
        Number of people invited (eligible to answer).
    confidence : float
        Confidence level, default 0.95.

    Returns
    -------
    pandas.DataFrame
        One row: ``respondents``, ``eligible``, ``rate``, ``ci_low``, ``ci_high``.

    Raises
    ------
    DataError
        When ``eligible`` is 0 (a survey nobody could answer has no response rate), or when
        there are more respondents than eligible people (a respondent outside the roster).

    Examples
    --------
    >>> row = response_rate(48, 51).iloc[0]
    >>> [round(float(row[key]), 3) for key in ("rate", "ci_low", "ci_high")]
    [0.941, 0.841, 0.98]
    """
    if eligible == 0:
        raise DataError("response rate: 0 eligible people; rule: at least one person must be "
                        "eligible to answer the survey")
    if respondents > eligible:
        raise DataError(f"response rate: {respondents} respondents but only {eligible} eligible; "
                        f"rule: respondents <= eligible (check the eligibility criteria)")
    interval = proportion_interval(respondents, eligible, confidence)
    return interval.rename(columns={"count": "respondents", "total": "eligible",
                                    "proportion": "rate"})


def numeric_summary(values: pd.Series | Sequence[float], name: str | None = None,
                    source: str = "survey") -> pd.DataFrame:
    """Describe a numeric answer: n, missing, mean, SD, median, quartiles, minimum, maximum.

    Parameters
    ----------
    values : pandas.Series or sequence of float
        The answers; missing values (NaN) are counted and left out.
    name : str, optional
        Variable name for the ``variable`` column (default: the Series name).
    source : str
        Name of the table, used in error messages.

    Returns
    -------
    pandas.DataFrame
        One row: ``variable``, ``n``, ``missing``, ``mean``, ``sd``, ``median``, ``q1``,
        ``q3``, ``minimum``, ``maximum``. With no non-missing value every statistic is NaN;
        with one value the SD is NaN.

    Raises
    ------
    DataError
        When a value is not a number.

    Notes
    -----
    The SD uses ``n - 1`` in the denominator; the quartiles are R's default type 7 (linear
    interpolation between order statistics), as in ``quantile()`` of R and pandas.

    Examples
    --------
    >>> summary = numeric_summary(pd.Series([2.0, 4.0, 6.0, None], name="hours"))
    >>> columns = ["variable", "n", "missing", "mean", "median", "q1", "q3"]
    >>> print(summary[columns].to_string(index=False))
    variable  n  missing  mean  median  q1  q3
       hours  3        1   4.0     4.0 3.0 5.0
    """
    series = pd.Series(values)
    name = name if name is not None else (str(series.name) if series.name is not None
                                          else "value")
    numeric = pd.to_numeric(series, errors="coerce")
    unreadable = series.notna() & numeric.isna()
    for position in np.flatnonzero(unreadable.to_numpy()):
        raise DataError(f"{source}, row {position + 2}, column '{name}': value "
                        f"{series.iloc[position]!r} is not a number")
    present = numeric.dropna().astype(float)
    n = int(present.size)
    nan = float("nan")
    return pd.DataFrame([{
        "variable": name,
        "n": n,
        "missing": int(numeric.isna().sum()),
        "mean": float(present.mean()) if n else nan,
        "sd": float(present.std(ddof=1)) if n > 1 else nan,
        "median": float(present.median()) if n else nan,
        "q1": float(present.quantile(0.25)) if n else nan,
        "q3": float(present.quantile(0.75)) if n else nan,
        "minimum": float(present.min()) if n else nan,
        "maximum": float(present.max()) if n else nan,
    }])


def eligible_count(evaluation, participants: pd.DataFrame,
                   roster: pd.DataFrame | None = None) -> int:
    """How many people were asked to answer an evaluation survey.

    The respondents' own roster (every row) when the survey has one; else the participants
    matching the study file's ``eligible`` criteria (``group``, ``analysed: true``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> people = pd.DataFrame({"group": ["intervention", "control", "intervention"],
    ...                        "analysed": [1, 1, 0]})
    >>> asked = SimpleNamespace(respondents=None, eligible={"group": "intervention",
    ...                                                     "analysed": True})
    >>> eligible_count(asked, people)
    1
    """
    if evaluation.respondents is not None:
        if roster is None:
            raise DataError("eligible_count: the survey has its own respondents' roster; "
                            "pass it")
        return len(roster)
    criteria = {column: int(value) if isinstance(value, bool) else value
                for column, value in evaluation.eligible.items()}
    return count_eligible(participants, criteria, source="participants.csv")


def evaluation_summary(responses: pd.DataFrame, items: Mapping[str, str], scale,
                       eligible: int, numeric: Sequence[str] = (), confidence: float = 0.95,
                       source: str = "survey") -> dict[str, pd.DataFrame]:
    """Every descriptive table of one evaluation survey.

    Parameters
    ----------
    responses : pandas.DataFrame
        The cleaned responses (one row per response, ``response_id``, item columns as values).
    items : mapping
        Item column -> wording.
    scale : Scale
        The response scale (:func:`burnout.data.registry.scales.load_scale`): its labels and
        the levels counted as agreeing.
    eligible : int
        People asked to answer (:func:`eligible_count`).
    numeric : sequence of str
        Numeric answers to describe.
    confidence : float
        Confidence level of the Wilson intervals.
    source : str
        Name of the table, for messages.

    Returns
    -------
    dict of pandas.DataFrame
        ``rate`` (:func:`response_rate`), ``likert`` (:func:`likert_summary`), ``agree``
        (:func:`agree_share`) and ``numeric`` (:func:`numeric_summary` of each numeric answer;
        empty when none).

    Examples
    --------
    >>> from burnout.data.registry.scales import load_scale
    >>> answers = pd.DataFrame({"response_id": ["a", "b", "c"], "useful": [5, 4, 2]})
    >>> summary = evaluation_summary(answers, {"useful": "It was useful"},
    ...                              load_scale("agreement_5"), eligible=4)
    >>> int(summary["agree"]["agree"].iloc[0]), float(summary["rate"]["rate"].iloc[0])
    (2, 0.75)
    """
    levels = dict(scale.labels) if len(scale.labels) == len(scale.levels) else {
        level: scale.labels.get(level, str(level)) for level in scale.levels}
    numeric_tables = [numeric_summary(responses[column], name=column, source=source)
                      for column in numeric]
    return {
        "rate": response_rate(count_respondents(responses, source=source), eligible,
                              confidence),
        "likert": likert_summary(responses, items, levels=levels, source=source),
        "agree": agree_share(responses, items, scale.agree, levels=levels,
                             confidence=confidence, source=source),
        "numeric": (pd.concat(numeric_tables, ignore_index=True) if numeric_tables
                    else pd.DataFrame(columns=["variable"])),
    }
