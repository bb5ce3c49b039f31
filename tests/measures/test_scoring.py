"""Tests of burnout.measures.scoring: hand-worked examples for every instrument, bad input,
properties.

Every expected score below is worked out by hand in the comment beside it (exact arithmetic on
small whole numbers; compared with a tolerance of 1e-12 where prorating divides).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import DataError
from burnout.data.registry import load_instrument
from burnout.measures.scoring import binary_outcome_definitions, resolve_cutoffs, score_instrument

EE = (1, 2, 3, 6, 8, 13, 14, 16, 20)
DP = (5, 10, 11, 15, 22)
PA = (4, 7, 9, 12, 17, 18, 19, 21)


def _answers(prefix: str, count: int, rows: list[dict[int, float]], default: float
             ) -> pd.DataFrame:
    """One row per dict (item number -> answer; other items get ``default``)."""
    return pd.DataFrame([{f"{prefix}{number:02d}": row.get(number, default)
                          for number in range(1, count + 1)} for row in rows])


def _mbi(rows: list[dict[int, float]], default: float = 0) -> pd.DataFrame:
    return _answers("mbi_", 22, rows, default)


def _values(values: dict[tuple[int, ...], float]) -> dict[int, float]:
    return {item: value for items, value in values.items() for item in items}


# --- MBI-HSS (MP) ------------------------------------------------------------------------

def test_mbi_all_items_answered():
    # item n answered n mod 7:
    # EE 1,2,3,6,8,13,14,16,20 -> 1+2+3+6+1+6+0+2+6 = 27 (exactly the high-EE cut-off)
    # DP 5,10,11,15,22 -> 5+3+4+1+1 = 14; PA 4,7,9,12,17,18,19,21 -> 4+0+2+5+3+4+5+0 = 23
    scored = score_instrument(_mbi([{n: n % 7 for n in range(1, 23)}]), "mbi_hss_mp")
    row = scored.iloc[0]
    assert (row["ee"], row["dp"], row["pa"]) == (27.0, 14.0, 23.0)
    assert (row["high_ee"], row["high_dp"], row["low_pa"], row["burnout"]) == (1, 1, 1, 1)


def test_mbi_one_missing_item_is_prorated():
    # DP items 5, 10, 11, 15 answered 4, item 22 missing: mean 4 x 5 items = 20.
    # EE items answered 3 except item 20 missing: mean 3 x 9 = 27.
    # PA items: 6,6,6,6,6,6,6 and item 21 = 5 -> sum 47 (nothing missing).
    answers = _mbi([{**_values({DP: 4, EE: 3, PA: 6}), 22: np.nan, 20: np.nan, 21: 5}])
    row = score_instrument(answers, "mbi_hss_mp").iloc[0]
    assert row["dp"] == 20.0 and row["ee"] == 27.0 and row["pa"] == 47.0
    # A prorated score need not be a whole number: DP answered 1, 2, 2, 2 -> 7 / 4 x 5 = 8.75
    answers = _mbi([{5: 1, 10: 2, 11: 2, 15: 2, 22: np.nan}])
    assert score_instrument(answers, "mbi_hss_mp")["dp"].iloc[0] == pytest.approx(8.75,
                                                                                  abs=1e-12)


def test_mbi_too_many_missing_items_leave_score_and_flag_missing():
    # Two DP items missing (at most one allowed): DP and high_dp missing. EE = 9 x 4 = 36:
    # high EE, so burnout (high EE or high DP) is 1 whatever DP would have been.
    answers = _mbi([{**_values({EE: 4, PA: 5}), 5: np.nan, 10: np.nan},
                    {**_values({EE: 1, PA: 5}), 5: np.nan, 10: np.nan}])
    scored = score_instrument(answers, "mbi_hss_mp")
    assert scored["dp"].isna().all()
    assert scored["high_dp"].isna().all()
    assert scored["ee"].tolist() == [36.0, 9.0]
    assert scored["burnout"].iloc[0] == 1
    # EE 9 (low) and DP unknown: burnout by "high EE or high DP" cannot be decided.
    assert pd.isna(scored["burnout"].iloc[1])


def test_mbi_cutoff_boundaries():
    # DP 9 vs 10 (high_dp >= 10); PA 33 vs 34 (low_pa <= 33); EE 26 vs 27 (high_ee >= 27)
    rows = [
        _values({DP: 2}) | {5: 1},             # DP = 2 x 4 + 1 = 9
        _values({DP: 2}),                      # DP = 10
        _values({PA: 4}) | {4: 5},             # PA = 4 x 7 + 5 = 33
        _values({PA: 4}) | {4: 5, 7: 5},       # PA = 34
        _values({EE: 3}) | {1: 2},             # EE = 26
        _values({EE: 3}),                      # EE = 27
    ]
    scored = score_instrument(_mbi(rows), "mbi_hss_mp")
    assert scored["dp"].tolist()[:2] == [9.0, 10.0]
    assert scored["high_dp"].tolist()[:2] == [0, 1]
    assert scored["pa"].tolist()[2:4] == [33.0, 34.0]
    assert scored["low_pa"].tolist()[2:4] == [1, 0]
    assert scored["ee"].tolist()[4:] == [26.0, 27.0]
    assert scored["high_ee"].tolist()[4:] == [0, 1]


@pytest.fixture
def flag_combinations() -> pd.DataFrame:
    """Rows: (high EE, high DP, low PA) = each of the eight combinations."""
    rows = []
    for high_ee in (0, 1):
        for high_dp in (0, 1):
            for low_pa in (0, 1):
                rows.append(_values({EE: 4 if high_ee else 1, DP: 3 if high_dp else 1,
                                     PA: 3 if low_pa else 6}))
    return _mbi(rows)


@pytest.mark.parametrize("rule, expected", [
    ("ee_or_dp", lambda ee, dp, pa: ee or dp),
    ("ee_and_dp_or_pa", lambda ee, dp, pa: ee and (dp or pa)),
    ("ee_or_dp_or_pa", lambda ee, dp, pa: ee or dp or pa),
])
def test_burnout_rules(flag_combinations, rule, expected):
    scored = score_instrument(flag_combinations, "mbi_hss_mp", burnout_rule=rule)
    for _, row in scored.iterrows():
        want = int(bool(expected(row["high_ee"], row["high_dp"], row["low_pa"])))
        assert row["burnout"] == want
    # the eight combinations are all present
    assert len(scored[["high_ee", "high_dp", "low_pa"]].drop_duplicates()) == 8


def test_default_burnout_rule_is_ee_or_dp(flag_combinations):
    default = score_instrument(flag_combinations, "mbi_hss_mp")
    explicit = score_instrument(flag_combinations, "mbi_hss_mp", burnout_rule="ee_or_dp")
    pd.testing.assert_frame_equal(default, explicit)


def test_unknown_burnout_rule_lists_the_known_ones():
    with pytest.raises(DataError, match="known rules: .*ee_or_dp.*ee_and_dp_or_pa"):
        score_instrument(_mbi([{}]), "mbi_hss_mp", burnout_rule="ee_only")
    with pytest.raises(DataError, match="known rules: none"):
        score_instrument(_answers("impostor_", 8, [{}], 0), "young_impostor_scale",
                         burnout_rule="ee_or_dp")


def test_cutoffs_are_parameters_overriding_the_defaults():
    answers = _mbi([_values({EE: 3})])  # EE = 27
    assert score_instrument(answers, "mbi_hss_mp")["high_ee"].iloc[0] == 1
    raised = score_instrument(answers, "mbi_hss_mp", cutoffs={"high_ee": 30})
    assert raised["high_ee"].iloc[0] == 0
    strict = score_instrument(answers, "mbi_hss_mp", cutoffs={"high_ee": {"operator": ">"}})
    assert strict["high_ee"].iloc[0] == 0
    with pytest.raises(DataError, match="known cut-offs: \\['high_ee', 'high_dp', 'low_pa'\\]"):
        resolve_cutoffs("mbi_hss_mp", {"very_high_ee": 40})
    with pytest.raises(DataError, match="must be a number"):
        resolve_cutoffs("mbi_hss_mp", {"high_ee": "27"})


@pytest.mark.parametrize("bad_value", [7, -1, 2.5, "often"])
def test_out_of_range_or_non_numeric_answers_are_rejected(bad_value):
    answers = _mbi([{}, {}, {}]).astype(object)
    answers.index = ["S001", "S002", "S003"]
    answers.loc["S002", "mbi_14"] = bad_value
    with pytest.raises(DataError) as error:
        score_instrument(answers, "mbi_hss_mp", source="mbi_items.csv")
    message = str(error.value)
    assert "mbi_items.csv" in message
    assert "row 3 (index 'S002')" in message
    assert "column 'mbi_14'" in message
    assert repr(bad_value) in message
    assert "whole numbers from 0 to 6" in message


def test_missing_item_column_is_reported():
    answers = _mbi([{}]).drop(columns=["mbi_07"])
    with pytest.raises(DataError, match=r"item column\(s\) \['mbi_07'\]"):
        score_instrument(answers, "mbi_hss_mp")


def test_extra_columns_and_column_order_do_not_matter():
    answers = _mbi([{n: n % 7 for n in range(1, 23)}, {n: (n * 3) % 7 for n in range(1, 23)}])
    shuffled = answers[list(reversed(answers.columns))].assign(student_id=["S1", "S2"],
                                                                comments="none", mbi_99=500)
    pd.testing.assert_frame_equal(score_instrument(answers, "mbi_hss_mp"),
                                  score_instrument(shuffled, "mbi_hss_mp"))


# --- Young Impostor Scale ---------------------------------------------------------------

def test_impostor_scale_hand_worked():
    rows = [
        {1: 1, 2: 1, 3: 1, 4: 1, 5: 1},              # 5 yes -> 5, impostor
        {1: 1, 2: 1, 3: 1, 4: 1},                    # 4 yes -> 4, not
        {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 8: np.nan},   # 5 of 7 answered -> 5/7 x 8 = 40/7
        {1: 1, 2: 1, 7: np.nan, 8: np.nan},          # two missing (one allowed) -> missing
        {n: 1 for n in range(1, 9)},                 # all yes -> 8 (maximum)
    ]
    scored = score_instrument(_answers("impostor_", 8, rows, 0), "young_impostor_scale")
    assert scored["impostor"].iloc[:2].tolist() == [5.0, 4.0]
    assert scored["impostor"].iloc[2] == pytest.approx(40 / 7, abs=1e-12)
    assert math.isnan(scored["impostor"].iloc[3])
    assert scored["impostor"].iloc[4] == 8.0
    assert scored["impostor_syndrome"].tolist()[:3] == [1, 0, 1]
    assert pd.isna(scored["impostor_syndrome"].iloc[3])
    assert "burnout" not in scored.columns
    with pytest.raises(DataError, match="whole numbers from 0 to 1"):
        score_instrument(_answers("impostor_", 8, [{3: 2}], 0), "young_impostor_scale")


# --- MISS-HP ------------------------------------------------------------------------------

def test_moral_injury_reverse_scoring_at_both_ends():
    rows = [
        # items 5, 6, 7 are reverse-scored (11 - answer): 10 -> 1, so total 10 x 1 = 10
        {5: 10, 6: 10, 7: 10},
        # every other item 10, items 5-7 answered 1 -> 10: total 100
        {n: 10 for n in (1, 2, 3, 4, 8, 9, 10)} | {5: 1, 6: 1, 7: 1},
    ]
    scored = score_instrument(_answers("moral_injury_", 10, rows, 1),
                              "moral_injury_symptom_scale_hp")
    assert scored["moral_injury"].tolist() == [10.0, 100.0]
    assert scored["significant_moral_injury"].tolist() == [0, 1]


def test_moral_injury_cutoff_prorating_and_range():
    rows = [
        # items 1-4, 8-10 answered 4 (28); items 5-7 answered 9 -> 2 each (6): total 34 -> not
        {n: 4 for n in (1, 2, 3, 4, 8, 9, 10)} | {5: 9, 6: 9, 7: 9},
        # item 1 answered 6 instead: 36 -> moral injury (>= 36)
        {n: 4 for n in (2, 3, 4, 8, 9, 10)} | {1: 6, 5: 9, 6: 9, 7: 9},
        # item 10 missing: 1-4, 8-9 answered 5 (30), 5-7 answered 6 -> 5 (15): 45 / 9 x 10 = 50
        {n: 5 for n in (1, 2, 3, 4, 8, 9)} | {5: 6, 6: 6, 7: 6, 10: np.nan},
        # three missing (two allowed): missing
        {1: np.nan, 2: np.nan, 3: np.nan},
    ]
    scored = score_instrument(_answers("moral_injury_", 10, rows, 1),
                              "moral_injury_symptom_scale_hp")
    assert scored["moral_injury"].iloc[:3].tolist() == [34.0, 36.0, 50.0]
    assert math.isnan(scored["moral_injury"].iloc[3])
    assert scored["significant_moral_injury"].iloc[:2].tolist() == [0, 1]
    with pytest.raises(DataError, match="column 'moral_injury_03': value 0"):
        score_instrument(_answers("moral_injury_", 10, [{3: 0}], 1),
                         "moral_injury_symptom_scale_hp")


# --- SCS-SF -------------------------------------------------------------------------------

SCS_NEGATIVE = (1, 4, 8, 9, 11, 12)
SCS_POSITIVE = (2, 3, 5, 6, 7, 10)


def test_self_compassion_reverse_scoring_at_both_ends_and_sum():
    rows = [
        _values({SCS_POSITIVE: 5, SCS_NEGATIVE: 1}),  # 6 x 5 + 6 x (6 - 1) = 60 (maximum)
        _values({SCS_POSITIVE: 1, SCS_NEGATIVE: 5}),  # 6 x 1 + 6 x (6 - 5) = 12 (minimum)
        {},                                           # all 3: 12 x 3 = 36
        _values({SCS_POSITIVE: 4, SCS_NEGATIVE: 2}),  # 6 x 4 + 6 x 4 = 48
    ]
    scored = score_instrument(_answers("self_compassion_", 12, rows, 3),
                              "self_compassion_scale_sf")
    assert scored["self_compassion"].tolist() == [60.0, 12.0, 36.0, 48.0]
    assert list(scored.columns) == ["self_compassion"]  # no published cut-off


def test_self_compassion_missing_items():
    rows = [
        # items 1 and 2 missing (two allowed): 10 answered, keyed values 4 (positive answered
        # 4, negative answered 2) -> 40 / 10 x 12 = 48
        _values({SCS_POSITIVE: 4, SCS_NEGATIVE: 2}) | {1: np.nan, 2: np.nan},
        # three missing: missing
        {1: np.nan, 2: np.nan, 3: np.nan},
    ]
    scored = score_instrument(_answers("self_compassion_", 12, rows, 3),
                              "self_compassion_scale_sf")
    assert scored["self_compassion"].iloc[0] == pytest.approx(48.0, abs=1e-12)
    assert math.isnan(scored["self_compassion"].iloc[1])
    with pytest.raises(DataError, match="column 'self_compassion_12': value 6"):
        score_instrument(_answers("self_compassion_", 12, [{12: 6}], 3),
                         "self_compassion_scale_sf")


# --- Secure Flourish Index ----------------------------------------------------------------

def test_secure_flourish_index_is_the_mean():
    rows = [
        {},                                               # all 10 -> 10
        {n: min(n - 1, 10) for n in range(1, 13)},        # 0, 1, ..., 10, 10: 65 / 12
        {1: np.nan, 2: 4},                                # 11 answered: (4 + 10 x 10) / 11
        {1: np.nan, 2: np.nan, 3: np.nan},                # three missing (two allowed): missing
    ]
    scored = score_instrument(_answers("flourishing_", 12, rows, 10), "secure_flourish_index")
    values = scored["flourishing"].tolist()
    assert values[0] == 10.0
    assert values[1] == pytest.approx(65 / 12, abs=1e-12)
    assert values[2] == pytest.approx(104 / 11, abs=1e-12)
    assert math.isnan(values[3])
    with pytest.raises(DataError, match="column 'flourishing_05': value 11"):
        score_instrument(_answers("flourishing_", 12, [{5: 11}], 10), "secure_flourish_index")


# --- Properties ---------------------------------------------------------------------------

INSTRUMENTS = ["mbi_hss_mp", "young_impostor_scale", "moral_injury_symptom_scale_hp",
               "self_compassion_scale_sf", "secure_flourish_index"]


@st.composite
def _responses(draw):
    instrument = load_instrument(draw(st.sampled_from(INSTRUMENTS)))
    rows = draw(st.integers(1, 6))
    answer = st.one_of(st.integers(instrument.response_minimum, instrument.response_maximum),
                       st.just(None))
    data = {column: draw(st.lists(answer, min_size=rows, max_size=rows))
            for column in instrument.items}
    frame = pd.DataFrame(data, dtype=float)
    order = draw(st.permutations(list(frame.columns)))
    extra = draw(st.dictionaries(st.text("abcxyz_", min_size=1, max_size=6),
                                 st.integers(-1000, 1000), max_size=3))
    extra = {f"extra_{name}": value for name, value in extra.items()}
    return instrument, frame, frame[order].assign(**extra)


@settings(max_examples=60, deadline=None)
@given(_responses())
def test_scoring_ignores_column_order_and_extra_columns_and_stays_in_range(case):
    instrument, frame, shuffled = case
    scored = score_instrument(frame, instrument)
    pd.testing.assert_frame_equal(scored, score_instrument(shuffled, instrument))
    for name in instrument.subscales:
        low, high = instrument.score_range(name)
        values = scored[name].dropna()
        assert ((values >= low - 1e-9) & (values <= high + 1e-9)).all()
        # a score is missing exactly when too many of its items are missing
        missing_items = frame[instrument.subscale_columns(name)].isna().sum(axis=1)
        too_many = missing_items > instrument.allowed_missing(name)
        assert (scored[name].isna() == too_many).all()
    for flag, rule in instrument.cutoffs.items():
        assert (scored[flag].isna() == scored[rule.score].isna()).all()


def test_binary_outcome_definitions_list_every_flag_of_every_instrument_and_burnout():
    table = binary_outcome_definitions(["mbi_hss_mp", "young_impostor_scale"],
                                       {"high_ee": 30}, "ee_or_dp_or_pa")
    assert table["outcome"].tolist() == ["high_ee", "high_dp", "low_pa", "impostor_syndrome",
                                         "burnout"]
    assert table.set_index("outcome")["rule"].to_dict() == {
        "high_ee": "ee >= 30", "high_dp": "dp >= 10", "low_pa": "pa <= 33",
        "impostor_syndrome": "impostor >= 5", "burnout": "ee_or_dp_or_pa"}
    definition = table.set_index("outcome")["definition"]
    assert definition["high_ee"] == "emotional exhaustion ≥ 30"
    assert definition["low_pa"] == "personal accomplishment ≤ 33"
    assert definition["burnout"].startswith("at least one of high emotional exhaustion")
    # the overrides apply to the primary instrument only; the default rule when None
    default = binary_outcome_definitions(["young_impostor_scale", "mbi_hss_mp"])
    assert "burnout" not in set(default["outcome"])
    assert binary_outcome_definitions(["mbi_hss_mp"])["rule"].iloc[-1] == "ee_or_dp"


def test_binary_outcome_definitions_reject_unknown_rules():
    with pytest.raises(DataError, match="'ee_only' is not a rule of instrument 'mbi_hss_mp'"):
        binary_outcome_definitions(["mbi_hss_mp"], burnout_rule="ee_only")
    with pytest.raises(DataError, match="need at least one instrument"):
        binary_outcome_definitions([])
