"""The analysis tables: scores of every analysed student before and after, and their change.

The scoring stage turns the cleaned item answers (``mbi_items.csv``: one row per student and
wave) into the two tables every later stage reads:

* ``analysis`` (wide): one row per analysed student with the participant's characteristics,
  each score before (``ee_pre``), after (``ee_post``) and its change (``ee_change`` = post
  minus pre), each category flag before and after (``high_ee_pre`` ...) and
  ``burnout_pre`` / ``burnout_post``;
* ``analysis_long``: one row per analysed student and time (``pre``/``post``) with the scores
  and flags, the shape a mixed model or a plot wants.

A student who is analysed but whose questionnaire of one wave is missing, or has too many
unanswered items, keeps a row with missing scores: nothing is dropped silently, and
:func:`count_missing_scores` says how many scores are missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.core.results import key_part
from burnout.data.registry import Instrument
from burnout.measures.scoring import (
    BURNOUT_COLUMN,
    _as_instrument,
    _scored_columns,
    resolve_cutoffs,
)

__all__ = ["build_analysis_table", "count_missing_scores", "scoring_numbers",
           "with_characteristics", "BOOKKEEPING_COLUMNS"]

# Participant columns used for selecting participants, not carried into the analysis tables.
BOOKKEEPING_COLUMNS = ("analysed",)
# Columns that identify a participant and a time in the long table, when the study has them.
_KEYS = ("student_id", "site", "group", "time")
# Participant columns kept in the long table after the scores (a trial's per-protocol set).
_LONG_EXTRAS = ("per_protocol",)


def _is_bookkeeping(column: str) -> bool:
    return column in BOOKKEEPING_COLUMNS or column.startswith("has_")


def _score_columns(analysis_long: pd.DataFrame) -> list[str]:
    """The scores and flags of a long table: every column that is not a key or an extra."""
    return [column for column in analysis_long.columns
            if column not in _KEYS and column not in _LONG_EXTRAS]


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{source}: expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataError(f"{source}: column(s) {missing} are missing (rule: the processed-data "
                        f"contract requires {list(columns)})")


def _first_bad_row(mask: pd.Series | np.ndarray) -> int:
    """Spreadsheet line (header = 1) of the first True in ``mask``."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 2


def _checked_participants(participants: pd.DataFrame) -> pd.DataFrame:
    """The participants with text identifiers and 0/1 ``analysed``."""
    source = "participants.csv"
    _require_columns(participants, ["student_id", "analysed"], source)
    student = participants["student_id"]
    if student.isna().any():
        row = _first_bad_row(student.isna())
        raise DataError(f"{source}, row {row}, column 'student_id': empty (rule: every "
                        f"participant has an identifier)")
    if not pd.Index(student).is_unique:
        row = _first_bad_row(student.duplicated(keep=False))
        raise DataError(f"{source}, row {row}, column 'student_id': value "
                        f"{student.iloc[row - 2]!r} appears more than once (rule: one row per "
                        f"student)")
    analysed = pd.to_numeric(participants["analysed"], errors="coerce")
    bad = ~analysed.isin([0, 1])
    if bad.any():
        row = _first_bad_row(bad)
        value = participants["analysed"].iloc[row - 2]
        value = value.item() if isinstance(value, np.generic) else value
        raise DataError(f"{source}, row {row}, column 'analysed': value {value!r} (rule: "
                        f"analysed is 0 or 1)")
    checked = participants.copy(deep=False)  # copy on write: the caller's frame stays as it was
    checked["student_id"] = student.astype(str)
    checked["analysed"] = analysed.astype(int)
    return checked


def _checked_items_table(items: pd.DataFrame, known_students: pd.Series,
                         waves: Sequence[str], source: str = "mbi_items.csv") -> np.ndarray:
    """Each questionnaire's cell of the participant x wave grid (participant position times
    the number of waves plus wave position), after checking waves, students and repeats.

    The identifiers are hashed once: factorizing the (unique) participants' followed by the
    questionnaires' numbers each participant by its position and gives an unknown student a
    larger code (merging and matching the text keys took seconds at 1.35M participants, and
    a lookup in an index of the participants twice as long as this); a repeat is a cell
    counted twice.
    """
    _require_columns(items, ["student_id", "wave"], source)
    student, wave = items["student_id"].astype(str), items["wave"]
    wave_code = pd.Index(list(waves)).get_indexer(wave)
    if (wave_code < 0).any():
        row = _first_bad_row(wave_code < 0)
        raise DataError(f"{source}, row {row}, column 'wave': value "
                        f"{wave.iloc[row - 2]!r} (rule: wave is one of {list(waves)})")
    known = known_students.to_numpy(dtype=object)
    codes = pd.factorize(np.concatenate([known, student.to_numpy(dtype=object)]))[0]
    if not np.array_equal(codes[:len(known)], np.arange(len(known))):
        # Identifiers that differ but not as text (1 and "1"): refused as the merge did.
        raise pd.errors.MergeError("Merge keys are not unique in left dataset; not a "
                                   "one-to-one merge")
    person = np.where(codes[len(known):] < len(known), codes[len(known):], -1)
    if (person < 0).any():
        row = _first_bad_row(person < 0)
        raise DataError(f"{source}, row {row}, column 'student_id': value "
                        f"{student.iloc[row - 2]!r} is not in participants.csv "
                        f"(rule: every questionnaire belongs to an enrolled student)")
    cells = person * len(waves) + wave_code
    if np.bincount(cells, minlength=1).max() > 1:
        row = _first_bad_row(pd.Series(cells).duplicated(keep=False))
        raise DataError(f"{source}, row {row}: student {student.iloc[row - 2]!r} "
                        f"has more than one questionnaire in wave "
                        f"{wave.iloc[row - 2]!r} (rule: one row per student and "
                        f"wave)")
    return cells


def _taken(values: np.ndarray | pd.api.extensions.ExtensionArray,
           positions: np.ndarray) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``values`` at ``positions``, missing (NaN or NA) where a position is -1."""
    return pd.api.extensions.take(values, positions, allow_fill=True)


def _long_table(analysed: pd.DataFrame, analysed_rows: np.ndarray, cells: np.ndarray,
                scored: Mapping[str, object], waves: list[str], columns: list[str],
                ) -> pd.DataFrame:
    """Two (or more) rows per analysed student, one per wave, with the scores of the
    questionnaire of that student and wave (missing without one), in ``columns`` order."""
    count, wave_count = len(analysed), len(waves)
    grid = analysed_rows.repeat(wave_count) * wave_count + np.tile(np.arange(wave_count), count)
    questionnaire = np.full(max(cells.max(initial=-1), grid.max(initial=-1)) + 1, -1,
                            dtype=np.intp)
    questionnaire[cells] = np.arange(len(cells))
    found = questionnaire[grid]
    student = np.arange(count).repeat(wave_count)
    long = {column: analysed[column].array.take(student) for column in analysed.columns}
    # Without analysed students the time column is empty floats, as the former merge gave.
    long["time"] = pd.Series(waves).array.take(np.tile(np.arange(wave_count), count)) \
        if count else np.empty(0)
    long.update({name: _taken(values, found) for name, values in scored.items()})
    return pd.DataFrame({column: long[column] for column in columns}, copy=False)


def build_analysis_table(participants: pd.DataFrame, mbi_items: pd.DataFrame,
                         instrument: str | Instrument | Sequence[str | Instrument] = "mbi_hss_mp",
                         cutoffs: Mapping[str, object] | None = None,
                         burnout_rule: str | None = "ee_or_dp",
                         waves: Sequence[str] = ("pre", "post"),
                         source: str = "mbi_items.csv",
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score the analysed students before and after, in a wide and a long table.

    Parameters
    ----------
    participants : pandas.DataFrame
        ``participants.csv``: one row per enrolled student with ``student_id``, ``site``,
        ``group``, ``analysed`` (0/1) and characteristics (age, gender, ...).
    mbi_items : pandas.DataFrame
        ``mbi_items.csv``: one row per submitted questionnaire with ``student_id``, ``wave``
        and the item columns of ``instrument``.
    instrument : str, Instrument or sequence of them
        Registry name of the instrument, default ``"mbi_hss_mp"``, or several instruments
        answered in the same questionnaire (a trial's survey: ``["mbi_hss_mp",
        "self_compassion_scale_sf", ...]``); the first is the primary instrument.
    cutoffs : mapping, optional
        Overrides of the primary instrument's cut-offs, e.g. ``{"high_ee": 30}``.
    burnout_rule : str or None
        Composite burnout definition (``"ee_or_dp"``, ``"ee_and_dp_or_pa"``,
        ``"ee_or_dp_or_pa"``); ``None`` for the instrument's default (no ``burnout`` column
        for an instrument without burnout rules).
    waves : sequence of two str
        The waves, earliest first; change = second minus first.
    source : str
        Name of the item table, used in error messages (``"mbi_items.csv"``).

    Returns
    -------
    analysis : pandas.DataFrame
        One row per student with ``analysed == 1`` (in the order of ``participants``): the
        participant's columns except ``has_pre``, ``has_post``, ``analysed``; then per score
        ``<score>_pre``, ``<score>_post``, ``<score>_change``; then per flag ``<flag>_pre``,
        ``<flag>_post``; then ``burnout_pre``, ``burnout_post``.
    analysis_long : pandas.DataFrame
        Two rows per analysed student: ``student_id``, ``site``, ``group``, ``time``, the
        scores, ``burnout`` and the flags. Missing questionnaires give missing scores.

    Raises
    ------
    DataError
        When a required column is missing, a student appears twice, ``analysed`` is not 0/1,
        a questionnaire has an unknown wave or student or is duplicated, or an item answer
        breaks the instrument's rules (see :func:`burnout.measures.scoring.score_instrument`).

    Examples
    --------
    >>> participants = pd.DataFrame({"student_id": ["S1", "S2", "S3"], "site": "site_1",
    ...     "group": ["intervention", "control", "control"], "analysed": [1, 1, 0]})
    >>> items = pd.DataFrame({"student_id": ["S1", "S1", "S2", "S3"],
    ...                       "wave": ["pre", "post", "pre", "pre"]})
    >>> for number in range(1, 23):
    ...     items[f"mbi_{number:02d}"] = [4, 2, 3, 1]
    >>> analysis, long = build_analysis_table(participants, items)
    >>> # S1 after: EE 9 x 2 = 18 is not high but DP 5 x 2 = 10 is: burnout by "ee_or_dp".
    >>> print(analysis[["student_id", "ee_pre", "ee_post", "ee_change", "burnout_pre",
    ...                 "burnout_post"]].to_string(index=False))
    student_id  ee_pre  ee_post  ee_change  burnout_pre  burnout_post
            S1    36.0     18.0      -18.0            1             1
            S2    27.0      NaN        NaN            1          <NA>

    Several instruments of one questionnaire are scored side by side:

    >>> for number in range(1, 13):
    ...     items[f"self_compassion_{number:02d}"] = [5, 3, 3, 1]
    >>> _, long = build_analysis_table(participants, items,
    ...                                ["mbi_hss_mp", "self_compassion_scale_sf"])
    >>> list(long.columns[4:9])
    ['ee', 'dp', 'pa', 'self_compassion', 'burnout']
    """
    if isinstance(instrument, (str, Instrument)):
        instruments = [_as_instrument(instrument)]
    else:
        instruments = [_as_instrument(name) for name in instrument]
    if not instruments:
        raise DataError("instrument: need at least one instrument of the registry")
    primary = instruments[0]
    waves = list(waves)
    if len(waves) < 2 or len(set(waves)) != len(waves):
        raise DataError(f"waves: need at least two different waves in time order (the first "
                        f"before, the last after), got {waves!r}")
    if burnout_rule is not None and not primary.burnout_rules:
        raise DataError(f"burnout_rule: instrument {primary.name!r} defines no burnout "
                        f"rules; pass burnout_rule=None")
    participants = _checked_participants(participants)
    cells = _checked_items_table(mbi_items, participants["student_id"], waves, source)
    responses = mbi_items.reset_index(drop=True)  # error messages count rows from 0
    scored = _scored_columns(responses, primary, cutoffs, burnout_rule, source)
    for other in instruments[1:]:
        scored.update(_scored_columns(responses, other, None, None, source))

    score_names = [name for definition in instruments for name in definition.subscales]
    flag_names = list(resolve_cutoffs(primary, cutoffs))
    flag_names += [name for definition in instruments[1:] for name in resolve_cutoffs(definition)]
    burnout = [BURNOUT_COLUMN] if BURNOUT_COLUMN in scored else []

    analysed_rows = np.flatnonzero(participants["analysed"].to_numpy() == 1)
    analysed = participants.take(analysed_rows).reset_index(drop=True)
    keep = [column for column in analysed.columns if not _is_bookkeeping(column)]
    keys = [column for column in _KEYS if column in keep or column == "time"]
    extras = [column for column in _LONG_EXTRAS if column in keep]
    analysis_long = _long_table(analysed[[key for key in keys if key != "time"] + extras],
                                analysed_rows, cells, scored, waves,
                                keys + score_names + burnout + flag_names + extras)

    # Row i * (number of waves) + w of the long table is student i at wave w.
    count, wave_count = len(analysed), len(waves)
    at = {time: {name: analysis_long[name].array[position::wave_count].copy()
                 for name in score_names + flag_names + burnout}
          for position, time in enumerate(waves)}
    columns = {column: analysed[column] for column in keep}
    for name in score_names:
        for time in waves:
            columns[f"{name}_{time}"] = at[time][name]
        columns[f"{name}_change"] = at[waves[-1]][name] - at[waves[0]][name]
    for name in flag_names + burnout:
        for time in waves:
            columns[f"{name}_{time}"] = at[time][name]
    analysis = pd.DataFrame(columns, index=pd.RangeIndex(count), copy=False)
    return analysis, analysis_long


def count_missing_scores(analysis_long: pd.DataFrame, scores: Sequence[str] | None = None,
                         ) -> pd.DataFrame:
    """Count, per score, time and group, the analysed students with and without a score.

    Parameters
    ----------
    analysis_long : pandas.DataFrame
        The long table of :func:`build_analysis_table`.
    scores : sequence of str, optional
        Score columns to count; default every column after ``time`` that is not a key.

    Returns
    -------
    pandas.DataFrame
        One row per score, time and group (times and groups in order of appearance):
        ``score``, ``time``, ``group``, ``students``, ``scored``, ``missing``.

    Examples
    --------
    >>> long = pd.DataFrame({"student_id": ["S1", "S1"], "site": "site_1",
    ...     "group": "control", "time": ["pre", "post"], "ee": [20.0, None]})
    >>> print(count_missing_scores(long).to_string(index=False))
    score time   group  students  scored  missing
       ee  pre control         1       1        0
       ee post control         1       0        1
    """
    _require_columns(analysis_long, ["student_id", "time"], "analysis_long")
    if scores is None:
        scores = _score_columns(analysis_long)
    _require_columns(analysis_long, list(scores), "analysis_long")
    groups = (analysis_long["group"] if "group" in analysis_long
              else pd.Series("all", index=analysis_long.index))
    # Counted per cell of time x group with one pass per score (a mask per score, time and
    # group cost a pass of the whole table each); times and groups in order of appearance,
    # every combination listed, and a missing time or group never counted (it equals nothing).
    times, group_values = analysis_long["time"].unique(), groups.unique()
    time_codes = _codes(analysis_long["time"], times)
    group_codes = _codes(groups, group_values)
    counted = (time_codes >= 0) & (group_codes >= 0)
    cells = (time_codes * len(group_values) + group_codes)[counted]
    size = len(times) * len(group_values)
    students = np.bincount(cells, minlength=size)
    rows = []
    for score in scores:
        present = analysis_long[score].notna().to_numpy()[counted]
        scored = np.bincount(cells[present], minlength=size)
        for cell, (time, group) in enumerate((time, group) for time in times
                                             for group in group_values):
            rows.append({"score": score, "time": time, "group": group,
                         "students": int(students[cell]), "scored": int(scored[cell]),
                         "missing": int(students[cell] - scored[cell])})
    return pd.DataFrame(rows, columns=["score", "time", "group", "students", "scored",
                                       "missing"])


def _codes(values: pd.Series, uniques) -> np.ndarray:
    """Position of each value in ``uniques``; -1 for a missing value (equal to nothing)."""
    uniques = np.asarray(uniques, dtype=object)
    present = np.flatnonzero(~pd.isna(uniques))
    found = pd.Index(uniques[present], dtype=object).get_indexer(values)
    return np.where(found >= 0, present[np.maximum(found, 0)] if len(present) else -1, -1)


def _first_rows(identifiers: pd.Series) -> np.ndarray:
    """Whether each row is the first of its identifier, as ``~identifiers.duplicated()``.

    A long table holds each student's rows together: when the rows where a run of equal
    neighbours starts carry identifiers that are all different, they are the first rows.
    Comparing neighbours and checking one identifier per student took a quarter of the time
    of hashing every row (2.7M rows); any other order goes to ``duplicated``.
    """
    values = identifiers.to_numpy(dtype=object)
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    if pd.Index(values[starts]).is_unique:
        return starts
    return ~identifiers.duplicated().to_numpy()


def scoring_numbers(analysis_long: pd.DataFrame, reliability: pd.DataFrame) -> dict[str, object]:
    """The citable numbers of the scoring stage, under flat dotted keys.

    Parameters
    ----------
    analysis_long : pandas.DataFrame
        The long table of :func:`build_analysis_table`.
    reliability : pandas.DataFrame
        The table of :func:`burnout.measures.reliability.cronbach_alpha_table`.

    Returns
    -------
    dict
        ``score.analysed.total`` and ``score.analysed.<group>`` (students),
        ``score.<score>.<time>.missing`` (analysed students without that score), and
        ``reliability.<subscale>.<wave>.alpha`` / ``.ci_low`` / ``.ci_high`` / ``.n``.

    Examples
    --------
    >>> long = pd.DataFrame({"student_id": ["S1", "S1"], "site": "site_1",
    ...     "group": "control", "time": ["pre", "post"], "ee": [20.0, None]})
    >>> alphas = pd.DataFrame({"subscale": ["ee"], "wave": ["pre"], "n": [40],
    ...     "alpha": [0.9], "ci_low": [0.85], "ci_high": [0.94]})
    >>> numbers = scoring_numbers(long, alphas)
    >>> numbers["score.analysed.control"], numbers["score.ee.post.missing"]
    (1, 1)
    >>> numbers["reliability.ee.pre.alpha"]
    0.9
    """
    _require_columns(analysis_long, ["student_id", "time"], "analysis_long")
    _require_columns(reliability, ["subscale", "wave", "n", "alpha", "ci_low", "ci_high"],
                     "reliability")
    first = _first_rows(analysis_long["student_id"])
    numbers: dict[str, object] = {"score.analysed.total": int(first.sum())}
    if "group" in analysis_long:
        for group, count in analysis_long["group"][first].value_counts(sort=False).items():
            numbers[f"score.analysed.{key_part(group)}"] = int(count)
    # The groups of groupby("time", sort=False), found once for every score: times in order
    # of appearance, a missing time in none.
    times, time_values = pd.factorize(analysis_long["time"])
    timed = times >= 0
    for score in _score_columns(analysis_long):
        missing = np.bincount(times[timed], analysis_long[score].isna().to_numpy()[timed],
                              minlength=len(time_values))
        for time, count in zip(time_values, missing, strict=True):
            numbers[f"score.{key_part(score)}.{key_part(time)}.missing"] = int(count)
    for row in reliability.itertuples(index=False):
        stem = f"reliability.{key_part(row.subscale)}.{key_part(row.wave)}"
        numbers[f"{stem}.n"] = int(row.n)
        for name in ("alpha", "ci_low", "ci_high"):
            value = getattr(row, name)
            numbers[f"{stem}.{name}"] = None if pd.isna(value) else float(value)
    return numbers


def with_characteristics(analysis_long: pd.DataFrame, analysis: pd.DataFrame,
                         columns: Sequence[str]) -> pd.DataFrame:
    """The long table with participant characteristics of the wide one added (by ``student_id``).

    The long table carries the keys and scores; a model of it that adjusts for a characteristic
    (a randomization stratum, a covariate) takes that column from ``analysis.csv`` here.
    Columns the long table already has are left as they are.

    Raises
    ------
    DataError
        When a column is in neither table.

    Examples
    --------
    >>> long = pd.DataFrame({"student_id": ["A", "A", "B"], "time": ["pre", "post", "pre"],
    ...                      "ee": [20.0, 18.0, 25.0]})
    >>> wide = pd.DataFrame({"student_id": ["A", "B"], "specialty": ["icu", "ward"]})
    >>> with_characteristics(long, wide, ["specialty"])["specialty"].tolist()
    ['icu', 'icu', 'ward']
    """
    wanted = [column for column in columns if column not in analysis_long.columns]
    _require_columns(analysis, ["student_id", *wanted], "analysis.csv")
    if not wanted:
        return analysis_long
    extra = analysis[["student_id", *wanted]].astype({"student_id": str})
    merged = analysis_long.astype({"student_id": str}).merge(extra, on="student_id",
                                                             how="left", validate="m:1")
    return merged.set_axis(analysis_long.index)
