"""The array versions of the scoring stage against the pandas code they replaced.

``build_analysis_table``, ``score_instrument``, ``cronbach_alpha_table`` and
``scoring_numbers`` were rewritten on integer keys and NumPy arrays (at 1.35M participants
the string merges, copies and per-column passes took about 40 s). The code they replaced is
kept below as the reference; on random tables, good and bad, the new code gives the same
frames, dtypes, numbers and error messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import DataError
from burnout.core.results import key_part
from burnout.data.registry import OPERATORS, load_instrument
from burnout.measures.analysis_table import (
    _KEYS,
    _LONG_EXTRAS,
    _first_bad_row,
    _first_rows,
    _is_bookkeeping,
    _require_columns,
    _score_columns,
    build_analysis_table,
    scoring_numbers,
)
from burnout.measures.reliability import (
    _cronbach_alpha,
    _feldt_interval,
    _waves,
    cronbach_alpha_table,
)
from burnout.measures.scoring import (
    BURNOUT_COLUMN,
    _checked_items,
    _evaluate_rule,
    resolve_cutoffs,
    score_instrument,
)

# --- The replaced code (main 15efb79), the reference --------------------------------------


def _old_subscale_score(items, instrument, subscale):
    values = items[instrument.subscale_columns(subscale)]
    size = values.shape[1]
    answered = values.notna().sum(axis=1)
    total = values.sum(axis=1, min_count=1)
    if instrument.scoring == "sum":
        score = total * size / answered.where(answered > 0)
    else:
        score = total / answered.where(answered > 0)
    too_many_missing = (size - answered) > instrument.allowed_missing(subscale)
    return score.where(~too_many_missing).astype(float).rename(subscale)


def _old_score_instrument(responses, instrument, cutoffs=None, burnout_rule=None,
                          source="responses"):
    instrument = load_instrument(instrument) if isinstance(instrument, str) else instrument
    rules = resolve_cutoffs(instrument, cutoffs)
    items = _checked_items(responses, instrument, source)
    for number in instrument.reverse_scored:
        column = instrument.item_column(number)
        items[column] = instrument.response_minimum + instrument.response_maximum - items[column]
    scores = {name: _old_subscale_score(items, instrument, name) for name in instrument.subscales}
    flags = {}
    for flag, rule in rules.items():
        score = scores[rule.score]
        compared = pd.Series(OPERATORS[rule.operator](score, rule.threshold), index=items.index)
        flags[flag] = compared.astype("boolean").mask(score.isna())
    table = pd.DataFrame(scores, index=items.index)
    for flag, values in flags.items():
        table[flag] = values.astype("Int64")
    if burnout_rule is None:
        burnout_rule = instrument.default_burnout_rule
    if burnout_rule is not None:
        if burnout_rule not in instrument.burnout_rules:
            known = list(instrument.burnout_rules)
            raise DataError(f"burnout_rule: {burnout_rule!r} is not a rule of instrument "
                            f"{instrument.name!r}; known rules: {known or 'none'}")
        burnout = _evaluate_rule(instrument.burnout_rules[burnout_rule], flags)
        table[BURNOUT_COLUMN] = burnout.astype("Int64")
    return table


def _old_checked_participants(participants):
    source = "participants.csv"
    _require_columns(participants, ["student_id", "analysed"], source)
    student = participants["student_id"]
    if student.isna().any():
        row = _first_bad_row(student.isna())
        raise DataError(f"{source}, row {row}, column 'student_id': empty (rule: every "
                        f"participant has an identifier)")
    duplicated = student.duplicated(keep=False)
    if duplicated.any():
        row = _first_bad_row(duplicated)
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
    checked = participants.copy()
    checked["student_id"] = student.astype(str)
    checked["analysed"] = analysed.astype(int)
    return checked


def _old_checked_items_table(items, known_students, waves, source):
    _require_columns(items, ["student_id", "wave"], source)
    checked = items.reset_index(drop=True).copy()
    checked["student_id"] = checked["student_id"].astype(str)
    bad_wave = ~checked["wave"].isin(list(waves))
    if bad_wave.any():
        row = _first_bad_row(bad_wave)
        raise DataError(f"{source}, row {row}, column 'wave': value "
                        f"{checked['wave'].iloc[row - 2]!r} (rule: wave is one of {list(waves)})")
    unknown = ~checked["student_id"].isin(known_students)
    if unknown.any():
        row = _first_bad_row(unknown)
        raise DataError(f"{source}, row {row}, column 'student_id': value "
                        f"{checked['student_id'].iloc[row - 2]!r} is not in participants.csv "
                        f"(rule: every questionnaire belongs to an enrolled student)")
    repeated = checked.duplicated(["student_id", "wave"], keep=False)
    if repeated.any():
        row = _first_bad_row(repeated)
        raise DataError(f"{source}, row {row}: student {checked['student_id'].iloc[row - 2]!r} "
                        f"has more than one questionnaire in wave "
                        f"{checked['wave'].iloc[row - 2]!r} (rule: one row per student and "
                        f"wave)")
    return checked


def _long_keys(frame):
    return [column for column in _KEYS if column in frame.columns]


def _old_build_analysis_table(participants, mbi_items, instruments, cutoffs, burnout_rule,
                              waves, source="mbi_items.csv"):
    instruments = [load_instrument(name) for name in instruments]
    primary = instruments[0]
    participants = _old_checked_participants(participants)
    items = _old_checked_items_table(mbi_items, participants["student_id"], waves, source)
    parts = [_old_score_instrument(items, primary, cutoffs=cutoffs, burnout_rule=burnout_rule,
                                   source=source)]
    parts += [_old_score_instrument(items, other, source=source) for other in instruments[1:]]
    scored = pd.concat(parts, axis=1)
    scored.insert(0, "student_id", items["student_id"].to_numpy())
    scored.insert(1, "time", items["wave"].to_numpy())
    score_names = [name for definition in instruments for name in definition.subscales]
    flag_names = list(resolve_cutoffs(primary, cutoffs))
    flag_names += [name for definition in instruments[1:] for name in resolve_cutoffs(definition)]
    burnout = [BURNOUT_COLUMN] if BURNOUT_COLUMN in scored.columns else []
    analysed = participants.loc[participants["analysed"] == 1].reset_index(drop=True)
    keep = [column for column in analysed.columns if not _is_bookkeeping(column)]
    keys = [column for column in _KEYS if column in keep]
    extras = [column for column in _LONG_EXTRAS if column in keep]
    grid = analysed.loc[analysed.index.repeat(len(waves)), keys + extras].reset_index(drop=True)
    grid["time"] = waves * len(analysed)
    analysis_long = grid.merge(scored, on=["student_id", "time"], how="left", validate="1:1")
    analysis_long = analysis_long[_long_keys(analysis_long) + score_names + burnout + flag_names
                                  + extras]
    before, after = waves[0], waves[-1]
    analysis = analysed[keep].copy()
    by_time = {time: analysis_long.loc[analysis_long["time"] == time]
               .set_index("student_id").reindex(analysis["student_id"]).reset_index(drop=True)
               for time in waves}
    for name in score_names:
        for time in waves:
            analysis[f"{name}_{time}"] = by_time[time][name]
        analysis[f"{name}_change"] = by_time[after][name] - by_time[before][name]
    for name in flag_names + burnout:
        for time in waves:
            analysis[f"{name}_{time}"] = by_time[time][name]
    return analysis, analysis_long


def _old_cronbach_alpha_table(responses_by_wave, instrument, confidence=0.95,
                              wave_column="wave"):
    instrument = load_instrument(instrument)
    rows = []
    for wave, frame in _waves(responses_by_wave, wave_column).items():
        items = _checked_items(frame, instrument, f"responses (wave {wave!r})")
        for number in instrument.reverse_scored:
            column = instrument.item_column(number)
            items[column] = (instrument.response_minimum + instrument.response_maximum
                             - items[column])
        for subscale in instrument.subscales:
            values = items[instrument.subscale_columns(subscale)]
            complete = values.dropna(axis=0, how="any")
            n, k = complete.shape
            alpha = low = high = np.nan
            total_variance = complete.sum(axis=1).var() if n >= 2 else 0.0
            if n >= 2 and k >= 2 and total_variance > 0:
                alpha = _cronbach_alpha(complete)
                low, high = _feldt_interval(alpha, n, k, confidence)
            rows.append({"instrument": instrument.name, "subscale": subscale, "wave": wave,
                         "n": n, "excluded": len(values) - n, "items": k, "alpha": alpha,
                         "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["instrument", "subscale", "wave", "n", "excluded",
                                       "items", "alpha", "ci_low", "ci_high"])


def _old_scoring_numbers(analysis_long, reliability):
    students = analysis_long.drop_duplicates("student_id")
    numbers = {"score.analysed.total": int(len(students))}
    if "group" in students:
        for group, count in students["group"].value_counts(sort=False).items():
            numbers[f"score.analysed.{key_part(group)}"] = int(count)
    for score in _score_columns(analysis_long):
        for time, values in analysis_long.groupby("time", sort=False)[score]:
            numbers[f"score.{key_part(score)}.{key_part(time)}.missing"] = int(
                values.isna().sum())
    for row in reliability.itertuples(index=False):
        stem = f"reliability.{key_part(row.subscale)}.{key_part(row.wave)}"
        numbers[f"{stem}.n"] = int(row.n)
        for name in ("alpha", "ci_low", "ci_high"):
            value = getattr(row, name)
            numbers[f"{stem}.{name}"] = None if pd.isna(value) else float(value)
    return numbers


# --- Random tables, good and bad ----------------------------------------------------------

SURVEY = ["mbi_hss_mp", "self_compassion_scale_sf"]
WAVES = ["pre", "post"]


def _outcome(function, *arguments, **keywords):
    """The frames a call returns, or the message of the DataError it raises."""
    try:
        return function(*arguments, **keywords)
    except DataError as error:
        return f"DataError: {error}"


def _assert_same(new, old):
    if isinstance(old, str) or isinstance(new, str):
        assert new == old
        return
    for found, expected in zip(new, old, strict=True):
        pd.testing.assert_frame_equal(found, expected, check_exact=True)
        assert list(found.dtypes) == list(expected.dtypes)


@st.composite
def _study(draw):
    count = draw(st.integers(0, 7))
    ids = draw(st.lists(st.sampled_from([f"S{number}" for number in range(9)]),
                        min_size=count, max_size=count))
    participants = pd.DataFrame({
        "student_id": pd.Series(ids, dtype="str"),
        "site": draw(st.lists(st.sampled_from(["site_1", "site_2"]), min_size=count,
                              max_size=count)),
        "group": draw(st.lists(st.sampled_from(["control", "intervention"]), min_size=count,
                               max_size=count)),
        "age": draw(st.lists(st.integers(20, 40), min_size=count, max_size=count)),
        "has_pre": 1,
        "analysed": draw(st.lists(st.sampled_from([0, 1, 1, 1, 2] if draw(st.booleans())
                                                  else [0, 1]), min_size=count, max_size=count)),
    })
    if draw(st.booleans()):
        participants["per_protocol"] = draw(st.lists(st.sampled_from([0, 1]), min_size=count,
                                                      max_size=count))
    instruments = SURVEY[:draw(st.integers(1, 2))]
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids + ["S8"] if ids else ["S8"]),
                                    st.sampled_from(WAVES + (["mid"] if draw(st.booleans())
                                                             else []))),
                          max_size=12, unique=not draw(st.booleans())))
    items = pd.DataFrame({"student_id": pd.Series([pair[0] for pair in pairs], dtype="str"),
                          "wave": pd.Series([pair[1] for pair in pairs], dtype="str")})
    answer = st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, np.nan, np.nan])
    for name in instruments:
        for column in load_instrument(name).items:
            items[column] = draw(st.lists(answer, min_size=len(pairs), max_size=len(pairs)))
    if pairs and draw(st.integers(0, 4)) == 0:  # an answer that breaks the rule
        column = draw(st.sampled_from(list(items.columns[2:])))
        items[column] = items[column].astype(object)
        items.loc[draw(st.integers(0, len(pairs) - 1)), column] = draw(
            st.sampled_from([9, 2.5, "x", "3"]))
    return participants, items, instruments


@settings(max_examples=100, deadline=None)
@given(_study(), st.sampled_from([None, "ee_and_dp_or_pa"]),
       st.sampled_from([None, {"high_ee": 20}]))
def test_analysis_tables_are_those_of_the_replaced_merge(study, burnout_rule, cutoffs):
    participants, items, instruments = study
    new = _outcome(build_analysis_table, participants, items, instruments, cutoffs,
                   burnout_rule, WAVES)
    try:
        old = _outcome(_old_build_analysis_table, participants, items, instruments, cutoffs,
                       burnout_rule, WAVES)
    except ValueError as error:  # the old merge failed without analysed students
        assert "merge on float64 and object columns for key 'time'" in str(error)
        assert [len(table) for table in new] == [0, 0]
        return
    _assert_same(new, old)
    if not isinstance(new, str):
        reliability = cronbach_alpha_table(items, instruments[0])
        assert (list(scoring_numbers(new[1], reliability).items())
                == list(_old_scoring_numbers(old[1], reliability).items()))


@settings(max_examples=80, deadline=None)
@given(_study(), st.booleans())
def test_score_instrument_is_the_replaced_pandas_scoring(study, shuffled):
    _, items, instruments = study
    if shuffled:
        items = items.sample(frac=1, random_state=1)  # an index that is not 0, 1, ...
    for name in instruments:
        new = _outcome(score_instrument, items, name, source="items.csv")
        old = _outcome(_old_score_instrument, items, name, source="items.csv")
        _assert_same([new] if not isinstance(new, str) else new,
                     [old] if not isinstance(old, str) else old)


@settings(max_examples=80, deadline=None)
@given(_study(), st.booleans(), st.booleans())
def test_alpha_table_is_the_replaced_loop_over_wave_frames(study, as_mapping, drop_wave):
    _, items, instruments = study
    if drop_wave and len(items):
        items.loc[0, "wave"] = np.nan
    table = ({wave: frame for wave, frame in items.groupby("wave", sort=False)} if as_mapping
             else items)
    for name in instruments:
        new = _outcome(cronbach_alpha_table, table, name)
        old = _outcome(_old_cronbach_alpha_table, table, name)
        _assert_same([new] if not isinstance(new, str) else new,
                     [old] if not isinstance(old, str) else old)


@pytest.mark.parametrize("seed", [0, 1])
def test_alpha_table_bits_on_a_larger_table(seed):
    """Thousands of questionnaires: every alpha and bound equal to the last bit."""
    generator = np.random.default_rng(seed)
    instrument = load_instrument("mbi_hss_mp")
    answers = generator.integers(0, 7, size=(3000, len(instrument.items))).astype(float)
    answers[generator.random(answers.shape) < 0.02] = np.nan
    items = pd.DataFrame(answers, columns=list(instrument.items))
    items.insert(0, "wave", generator.choice(["pre", "post", "mid"], size=len(items)))
    pd.testing.assert_frame_equal(cronbach_alpha_table(items, instrument),
                                  _old_cronbach_alpha_table(items, "mbi_hss_mp"),
                                  check_exact=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["S1", "S2", "S3"]),
                          st.sampled_from(["pre", "post", None]),
                          st.sampled_from(["control", "intervention", None]),
                          st.sampled_from([1.0, np.nan])), max_size=12), st.booleans())
def test_scoring_numbers_are_the_replaced_group_by(rows, grouped):
    long = pd.DataFrame({"student_id": [row[0] for row in rows],
                         "time": pd.Series([row[1] for row in rows], dtype="str"),
                         "ee": [row[3] for row in rows]})
    if grouped:
        long.insert(1, "group", pd.Series([row[2] for row in rows], dtype="str"))
    reliability = pd.DataFrame(columns=["subscale", "wave", "n", "alpha", "ci_low", "ci_high"])
    assert (list(scoring_numbers(long, reliability).items())
            == list(_old_scoring_numbers(long, reliability).items()))


def test_identifiers_equal_only_as_text_are_refused_as_the_merge_did():
    participants = pd.DataFrame({"student_id": pd.Series([1, "1"], dtype=object),
                                 "analysed": [1, 1]})
    items = pd.DataFrame({"student_id": ["1"], "wave": ["pre"]})
    for number in range(1, 23):
        items[f"mbi_{number:02d}"] = 3
    for build in (build_analysis_table, _old_build_analysis_table):
        with pytest.raises(pd.errors.MergeError, match="not unique in left dataset"):
            build(participants, items, ["mbi_hss_mp"], None, None, WAVES)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["S1", "S2", "S3", "S10", None]), max_size=12), st.booleans())
def test_first_rows_are_those_duplicated_leaves(identifiers, grouped):
    """Runs of a student's rows (the long table's order) or any order, missing ids too."""
    values = sorted(identifiers, key=str) if grouped else identifiers
    column = pd.Series(values, dtype="str")
    np.testing.assert_array_equal(_first_rows(column), ~column.duplicated().to_numpy())
