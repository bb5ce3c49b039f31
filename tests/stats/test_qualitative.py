"""Tests of burnout.stats.qualitative and burnout.stats.agreement: Cohen's kappa against R and
statsmodels, reconciliation rules, frequencies, exemplar quotes and the codebook reader.

Reference values: tests/reference/survey_qualitative.R wrote the coders' codes
(survey_qualitative_kappa_codes.csv) and, per case, the percent agreement and kappa computed by
hand in R and by psych::cohen.kappa (survey_qualitative_kappa.csv; NA where kappa is undefined).
Tolerance 1e-9 absolute against R, 1e-12 against statsmodels.stats.inter_rater.cohens_kappa.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import cohens_kappa

from burnout.core.errors import DataError
from burnout.report.numbers import KEY_PATTERN
from burnout.stats.agreement import cohen_kappa_by_theme
from burnout.stats.qualitative import (
    coding_disagreements,
    collect_free_text,
    exemplar_quotes,
    load_codebook,
    reconcile_codes,
    theme_frequencies,
    theme_numbers,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
R_TOLERANCE = 1e-9
THEMES = ["relationship_building", "different_perspective", "knowledge_sharing",
          "personal_fulfillment", "self_reflection"]


def _long_codes(pairs: dict[str, tuple[list[int], list[int]]],
                respondent_type: str = "student") -> pd.DataFrame:
    """Long code table: theme -> (coder_1 codes, coder_2 codes) over responses R01, R02, ..."""
    rows = []
    for theme, (first, second) in pairs.items():
        for coder, codes in (("coder_1", first), ("coder_2", second)):
            for unit, present in enumerate(codes, start=1):
                rows.append({"response_id": f"R{unit:02d}", "respondent_type": respondent_type,
                             "coder": coder, "theme": theme, "present": present})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def reference_cases():
    codes = pd.read_csv(REFERENCE / "survey_qualitative_kappa_codes.csv")
    expected = pd.read_csv(REFERENCE / "survey_qualitative_kappa.csv").set_index("case")
    pairs = {case: (group["coder_1"].tolist(), group["coder_2"].tolist())
             for case, group in codes.groupby("case", sort=False)}
    return pairs, expected


def test_kappa_agrees_with_r_hand_computation_and_psych(reference_cases):
    pairs, expected = reference_cases
    for case, pair in pairs.items():
        result = cohen_kappa_by_theme(_long_codes({case: pair})).iloc[0]
        assert result["responses_both_coders"] == expected.loc[case, "n"]
        assert result["percent_agreement"] == pytest.approx(
            expected.loc[case, "percent_agreement"], abs=R_TOLERANCE)
        if math.isnan(expected.loc[case, "kappa_hand"]):
            assert math.isnan(result["kappa"]), case
            assert math.isnan(expected.loc[case, "kappa_psych"])
        else:
            assert result["kappa"] == pytest.approx(expected.loc[case, "kappa_hand"],
                                                    abs=R_TOLERANCE), case
            assert result["kappa"] == pytest.approx(expected.loc[case, "kappa_psych"],
                                                    abs=R_TOLERANCE), case


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
def test_kappa_agrees_with_statsmodels(reference_cases):
    pairs, expected = reference_cases
    for case, (first, second) in pairs.items():
        if math.isnan(expected.loc[case, "kappa_hand"]):
            continue
        table = pd.crosstab(pd.Categorical(first, [0, 1]), pd.Categorical(second, [0, 1]),
                            dropna=False).to_numpy()
        result = cohen_kappa_by_theme(_long_codes({case: (first, second)})).iloc[0]
        assert result["kappa"] == pytest.approx(cohens_kappa(table).kappa, abs=1e-12), case
        assert [result["both_absent"], result["only_second_coder"], result["only_first_coder"],
                result["both_present"]] == table.ravel().tolist()
        expected_kappa = cohens_kappa(table)  # its interval: kappa +- z(0.975) SE
        assert result["kappa_ci_low"] == pytest.approx(expected_kappa.kappa_low, abs=1e-12,
                                                       nan_ok=True), case
        assert result["kappa_ci_high"] == pytest.approx(expected_kappa.kappa_upp, abs=1e-12,
                                                        nan_ok=True), case


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=40))
def test_kappa_properties_on_random_codes(pairs):
    first = [pair[0] for pair in pairs]
    second = [pair[1] for pair in pairs]
    forward = cohen_kappa_by_theme(_long_codes({"t": (first, second)})).iloc[0]
    backward = cohen_kappa_by_theme(_long_codes({"t": (second, first)})).iloc[0]
    assert forward["percent_agreement"] == pytest.approx(
        100 * np.mean(np.array(first) == np.array(second)))
    if math.isnan(forward["kappa"]):
        assert len(set(first)) == len(set(second)) == 1 and first[0] == second[0]
        assert "no variation" in forward["note"]
        assert math.isnan(forward["kappa_ci_low"]) and math.isnan(forward["kappa_ci_high"])
    else:
        assert -1 - 1e-12 <= forward["kappa"] <= 1 + 1e-12
        assert forward["kappa"] == pytest.approx(backward["kappa"], abs=1e-12)
        table = np.array([[forward["both_absent"], forward["only_second_coder"]],
                          [forward["only_first_coder"], forward["both_present"]]])
        with np.errstate(all="ignore"):
            expected = cohens_kappa(table).kappa
        assert forward["kappa"] == pytest.approx(expected, abs=1e-12)


def test_theme_without_variation_or_codes_gives_nan_with_note_and_order_follows_codebook():
    codes = _long_codes({"self_reflection": ([0, 0, 0, 0], [0, 0, 0, 0]),
                         "knowledge_sharing": ([1, 0, 1, 0], [1, 0, 0, 0])})
    table = cohen_kappa_by_theme(codes, themes=THEMES).set_index("theme")
    assert table.index.tolist() == THEMES
    assert math.isnan(table.loc["self_reflection", "kappa"])
    assert table.loc["self_reflection", "percent_agreement"] == 100.0
    assert "no variation" in table.loc["self_reflection", "note"]
    assert table.loc["relationship_building", "responses_both_coders"] == 0
    assert math.isnan(table.loc["relationship_building", "kappa"])
    assert "no response coded by both" in table.loc["relationship_building", "note"]
    assert table.loc["knowledge_sharing", "kappa"] == pytest.approx(0.5)
    assert table.loc["knowledge_sharing", "note"] == ""
    sharing = table.loc["knowledge_sharing"]
    assert sharing["kappa_ci_low"] < sharing["kappa"] < sharing["kappa_ci_high"]
    assert math.isnan(table.loc["self_reflection", "kappa_ci_low"])


def test_kappa_interval_widens_with_confidence(reference_cases):
    pairs, _ = reference_cases
    codes = _long_codes({"moderate": pairs["moderate"]})
    narrow = cohen_kappa_by_theme(codes, confidence=0.8).iloc[0]
    wide = cohen_kappa_by_theme(codes, confidence=0.99).iloc[0]
    assert narrow["kappa"] == wide["kappa"]
    assert wide["kappa_ci_low"] < narrow["kappa_ci_low"] < narrow["kappa"]
    assert narrow["kappa"] < narrow["kappa_ci_high"] < wide["kappa_ci_high"]
    with pytest.raises(DataError, match="confidence"):
        cohen_kappa_by_theme(codes, confidence=95)


def test_kappa_of_a_coder_who_never_varies_prints_no_warning():
    # kappa is defined (0) when one coder marks every response alike; a warning printed on
    # the way would reach the notebook's stderr, and the runner fails a stage on stderr.
    codes = _long_codes({"self_reflection": ([1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0, 0])})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = cohen_kappa_by_theme(codes).iloc[0]
        except RuntimeWarning as warning:
            pytest.fail(f"cohen_kappa_by_theme let a warning through: {warning}")
    assert result["kappa"] == pytest.approx(0.0, abs=1e-12)


def test_response_coded_by_one_coder_is_left_out_of_kappa_and_counted():
    codes = _long_codes({"self_reflection": ([1, 0, 1, 0], [1, 0, 0, 0])})
    single = pd.DataFrame([{"response_id": "R05", "respondent_type": "student",
                            "coder": "coder_1", "theme": "self_reflection", "present": 1}])
    result = cohen_kappa_by_theme(pd.concat([codes, single], ignore_index=True)).iloc[0]
    assert result["responses_both_coders"] == 4
    assert result["responses_one_coder"] == 1
    assert result["kappa"] == pytest.approx(0.5)


@pytest.mark.parametrize(("column", "value", "message"), [
    ("present", 2, r"row 3, column 'present'"),
    ("coder", "coder_3", r"row 3, column 'coder'.*not one of the coders"),
    ("theme", "humour", r"row 3, column 'theme'.*not in the codebook"),
    ("response_id", None, r"row 3, column 'response_id': empty")])
def test_invalid_codes_raise_with_row_and_column(column, value, message):
    codes = _long_codes({"self_reflection": ([1, 0], [1, 0])})
    codes[column] = codes[column].astype(object)
    codes.loc[1, column] = value
    with pytest.raises(DataError, match=message):
        cohen_kappa_by_theme(codes, themes=THEMES, source="theme_codes.csv")


def test_repeated_codes_and_mixed_respondent_types_raise():
    codes = _long_codes({"self_reflection": ([1, 0], [1, 0])})
    with pytest.raises(DataError, match="repeated"):
        cohen_kappa_by_theme(pd.concat([codes, codes.iloc[[0]]], ignore_index=True))
    mixed = codes.copy()
    mixed.loc[0, "respondent_type"] = "mentor"
    with pytest.raises(DataError, match="several respondent types"):
        reconcile_codes(mixed)
    with pytest.raises(DataError, match="column"):
        cohen_kappa_by_theme(codes.drop(columns="coder"))


def test_reconcile_rule_both_and_either():
    codes = _long_codes({"self_reflection": ([1, 1, 0, 0], [1, 0, 1, 0])})
    both = reconcile_codes(codes, rule="both").set_index("response_id")
    assert both["present"].to_dict() == {"R01": 1, "R02": 0, "R03": 0, "R04": 0}
    assert both["decision"].to_dict() == {"R01": "agreement", "R02": "disagreement",
                                          "R03": "disagreement", "R04": "agreement"}
    assert not both["flagged"].any()
    either = reconcile_codes(codes, rule="either").set_index("response_id")
    assert either["present"].to_dict() == {"R01": 1, "R02": 1, "R03": 1, "R04": 0}
    with pytest.raises(DataError, match="reconciliation rule"):
        reconcile_codes(codes, rule="majority")


def test_single_coder_response_takes_that_coders_codes_and_is_flagged():
    codes = _long_codes({"self_reflection": ([1, 0], [1, 0]),
                         "knowledge_sharing": ([0, 1], [0, 1])})
    only_second = pd.DataFrame([
        {"response_id": "R03", "respondent_type": "mentor", "coder": "coder_2",
         "theme": "self_reflection", "present": 1},
        {"response_id": "R03", "respondent_type": "mentor", "coder": "coder_2",
         "theme": "knowledge_sharing", "present": 0}])
    reconciled = reconcile_codes(pd.concat([codes, only_second], ignore_index=True))
    single = reconciled[reconciled["response_id"] == "R03"].set_index("theme")
    assert single["present"].to_dict() == {"knowledge_sharing": 0, "self_reflection": 1}
    assert single["flagged"].all() and (single["coders"] == 1).all()
    assert (single["decision"] == "single coder").all()
    assert single["coder_1"].isna().all()
    listed = coding_disagreements(reconciled)
    assert set(listed["reason"]) == {"coded by one coder only"}
    assert len(listed) == 2


def test_adjudications_override_disagreements_only():
    codes = _long_codes({"self_reflection": ([1, 1, 0], [1, 0, 0])})
    decided = pd.DataFrame({"response_id": ["R02"], "theme": ["self_reflection"],
                            "present": [1]})
    reconciled = reconcile_codes(codes, adjudications=decided).set_index("response_id")
    assert reconciled.loc["R02", "present"] == 1
    assert reconciled.loc["R02", "decision"] == "adjudicated"
    assert coding_disagreements(reconciled.reset_index())["reason"].tolist() == ["adjudicated"]
    agreed = decided.assign(response_id="R01")
    with pytest.raises(DataError, match="not a disagreement"):
        reconcile_codes(codes, adjudications=agreed)
    with pytest.raises(DataError, match="0 or 1"):
        reconcile_codes(codes, adjudications=decided.assign(present=3))


def test_disagreement_list_matches_off_diagonal_cells():
    rng = np.random.default_rng(3)
    first = rng.integers(0, 2, 30).tolist()
    second = [value if rng.random() > 0.3 else 1 - value for value in first]
    codes = _long_codes({"different_perspective": (first, second)})
    listed = coding_disagreements(reconcile_codes(codes))
    agreement = cohen_kappa_by_theme(codes).iloc[0]
    assert len(listed) == agreement["only_first_coder"] + agreement["only_second_coder"]
    assert (listed["coder_1"] != listed["coder_2"]).all()


def test_theme_frequencies_by_respondent_type_with_default_and_given_denominators():
    students = _long_codes({"self_reflection": ([1, 1, 0, 0], [1, 1, 0, 1])}, "student")
    mentors = _long_codes({"self_reflection": ([1, 0], [1, 0])}, "mentor")
    mentors["response_id"] = mentors["response_id"].str.replace("R", "M")
    reconciled = reconcile_codes(pd.concat([students, mentors], ignore_index=True))
    table = theme_frequencies(reconciled, themes=["self_reflection"])
    assert table[["respondent_type", "count", "respondents"]].values.tolist() == [
        ["student", 2, 4], ["mentor", 1, 2]]
    assert table["percent"].tolist() == [50.0, 50.0]
    given = theme_frequencies(reconciled, respondents={"student": 44, "mentor": 35})
    assert given["respondents"].tolist() == [44, 35]
    assert given["percent"].iloc[0] == pytest.approx(100 * 2 / 44)
    with pytest.raises(DataError, match="no denominator"):
        theme_frequencies(reconciled, respondents={"student": 44})
    with pytest.raises(DataError, match="count <= respondents"):
        theme_frequencies(reconciled, respondents={"student": 1, "mentor": 35})


def test_exemplar_quotes_follow_the_documented_ranking():
    # R01-R05 express self_reflection; R02 only per coder_1 under rule "either".
    codes = _long_codes({"self_reflection": ([1, 1, 1, 1, 1], [1, 0, 1, 1, 1]),
                         "knowledge_sharing": ([0, 0, 1, 0, 0], [0, 0, 1, 0, 0])})
    reconciled = reconcile_codes(codes, rule="either")
    texts = {"R01": "a" * 10, "R02": "b" * 20, "R03": "c" * 20, "R04": "d" * 30,
             "R05": "e" * 30}
    responses = pd.DataFrame({"response_id": list(texts), "text": list(texts.values())})
    quotes = exemplar_quotes(reconciled, responses, per_theme=5, themes=["self_reflection"])
    # Both coders first (R02 last); fewer other themes (R03 after R01/R04/R05); then distance
    # to the median length 20 (R01 and R04/R05 are 10 away) and response_id.
    assert quotes["response_id"].tolist() == ["R01", "R04", "R05", "R03", "R02"]
    assert quotes["rank"].tolist() == [1, 2, 3, 4, 5]
    assert quotes["quote"].iloc[0] == "a" * 10
    top = exemplar_quotes(reconciled, responses, per_theme=2)
    assert top.groupby("theme").size().to_dict() == {"knowledge_sharing": 1,
                                                     "self_reflection": 2}
    shuffled = exemplar_quotes(reconciled.sample(frac=1, random_state=1),
                               responses.sample(frac=1, random_state=2), per_theme=2)
    pd.testing.assert_frame_equal(top, shuffled)


def test_exemplar_quotes_rank_a_single_coder_response_after_double_coded_ones():
    codes = _long_codes({"self_reflection": ([1, 1], [1, 1])})
    single = pd.DataFrame([{"response_id": "R00", "respondent_type": "student",
                            "coder": "coder_1", "theme": "self_reflection", "present": 1}])
    reconciled = reconcile_codes(pd.concat([single, codes], ignore_index=True))
    responses = pd.DataFrame({"response_id": ["R00", "R01", "R02"],
                              "text": ["Same length", "Same length", "Same length"]})
    quotes = exemplar_quotes(reconciled, responses)
    assert quotes["response_id"].tolist() == ["R01", "R02", "R00"]
    assert quotes["coded_by_both"].tolist() == [True, True, False]


def test_exemplar_quotes_accept_scrubbed_text_with_dates_and_numbers():
    codes = _long_codes({"self_reflection": ([1], [1])})
    text = "On 2017-11-13 we met 4 times; mail [email] or call [phone]."
    responses = pd.DataFrame({"response_id": ["R01"], "text": [text]})
    assert exemplar_quotes(reconcile_codes(codes), responses)["quote"].tolist() == [text]


@pytest.mark.parametrize("text", ["write to jane.doe@example.org", "call 555-123-4567",
                                  "ring (310) 555 0142 please", "or +1 310.555.0142"])
def test_exemplar_quotes_refuse_unscrubbed_text(text):
    codes = _long_codes({"self_reflection": ([1], [1])})
    responses = pd.DataFrame({"response_id": ["R01"], "text": [text]})
    with pytest.raises(DataError, match="scrubbed"):
        exemplar_quotes(reconcile_codes(codes), responses)


def test_exemplar_quotes_bad_input():
    reconciled = reconcile_codes(_long_codes({"self_reflection": ([1], [1])}))
    with pytest.raises(DataError, match="per_theme"):
        exemplar_quotes(reconciled, pd.DataFrame({"response_id": ["R01"], "text": ["x"]}), 0)
    with pytest.raises(DataError, match="no free text"):
        exemplar_quotes(reconciled, pd.DataFrame({"response_id": ["R02"], "text": ["x"]}))


def test_collect_free_text_drops_empty_answers_and_keeps_types():
    students = pd.DataFrame({"response_id": ["SR01", "SR02", "SR03"],
                             "comments": ["  Great mentor ", None, "   "]})
    mentors = pd.DataFrame({"response_id": ["MR01"], "comments": ["Fulfilling"]})
    combined = collect_free_text({"student": students, "mentor": mentors})
    assert combined.values.tolist() == [["SR01", "student", "Great mentor"],
                                        ["MR01", "mentor", "Fulfilling"]]
    with pytest.raises(DataError, match="appears in two surveys"):
        collect_free_text({"student": mentors, "mentor": mentors})


def test_load_codebook(tmp_path):
    path = tmp_path / "themes.csv"
    header = "theme,label,definition,inclusion,exclusion\n"
    path.write_text(header + "self_reflection,Self-reflection,d,i,e\n"
                    "knowledge_sharing,Knowledge sharing,d,i,e\n")
    assert load_codebook(path)["theme"].tolist() == ["self_reflection", "knowledge_sharing"]
    path.write_text(header + "self_reflection,Self-reflection,d,i,e\n"
                    "self_reflection,Again,d,i,e\n")
    with pytest.raises(DataError, match=r"row 3, column 'theme'.*repeated"):
        load_codebook(path)
    path.write_text(header + "self_reflection,,d,i,e\n")
    with pytest.raises(DataError, match=r"row 2, column 'label': empty"):
        load_codebook(path)
    path.write_text("theme,label\nself_reflection,Self-reflection\n")
    with pytest.raises(DataError, match="missing"):
        load_codebook(path)
    with pytest.raises(DataError, match="missing"):
        load_codebook(tmp_path / "absent.csv")


def test_theme_numbers_keys():
    codes = _long_codes({"self_reflection": ([1, 0, 1], [1, 0, 0]),
                         "knowledge_sharing": ([0, 0, 0], [0, 0, 0])})
    reconciled = reconcile_codes(codes)
    numbers = theme_numbers(cohen_kappa_by_theme(codes), theme_frequencies(reconciled))
    assert all(KEY_PATTERN.match(key) for key in numbers)
    assert numbers["themes.self_reflection.students"] == 1
    assert numbers["themes.self_reflection.kappa"] == pytest.approx(0.4)
    assert numbers["themes.self_reflection.percent_agreement"] == pytest.approx(200 / 3)
    assert math.isnan(numbers["themes.knowledge_sharing.kappa"])
    # the interval reaches the numbers: the text prints kappa with its CI
    assert numbers["themes.self_reflection.kappa_ci_low"] < 0.4 \
        < numbers["themes.self_reflection.kappa_ci_high"]
    assert math.isnan(numbers["themes.knowledge_sharing.kappa_ci_low"])
