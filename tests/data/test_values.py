"""Tests of burnout.data.values: labels, the study's responses map, numbers, covariates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.data import values as values_module
from burnout.data.registry import load_instrument
from burnout.data.values import (
    covariate_values,
    decode_responses,
    map_distinct,
    normalise_label,
    parse_number,
    response_lookup,
    slug,
    text_ranks,
)

MBI_LABELS = load_instrument("mbi_hss_mp").response_labels
FIX = "instruments.mbi_hss_mp.responses"


def decode(cells, extra=None, minimum=0, maximum=6, labels=MBI_LABELS):
    """Decode ``cells`` (lines 2, 3, ...) of column Q1 of t0.csv."""
    series = pd.Series(cells, dtype=object)
    return decode_responses(series, response_lookup(labels, extra), minimum, maximum,
                            file="t0.csv", column="Q1", lines=range(2, 2 + len(series)), fix=FIX)


def as_list(values: pd.Series) -> list:
    return [None if math.isnan(value) else value for value in values]


def test_labels_are_matched_whatever_their_case_and_spacing():
    values, problems = decode(["Never", "  EVERY   day ", "a few times a Year or less",
                               "once a week\t"])
    assert as_list(values) == [0.0, 6.0, 1.0, 4.0] and problems == []
    assert normalise_label("  A  Few\nTimes ") == "a few times"


def test_numbers_in_range_and_empty_cells():
    values, problems = decode(["0", " 6 ", "3.0", None, "", "   "])
    assert as_list(values) == [0.0, 6.0, 3.0, None, None, None] and problems == []
    assert values.dtype == float


def test_numbers_out_of_range_and_not_whole():
    values, problems = decode(["7", "-1", "2.5", "4"])
    assert as_list(values) == [None, None, None, 4.0]
    assert [(problem.row, problem.value, problem.rule) for problem in problems] == [
        (2, "7", "outside the response range 0-6"), (3, "-1", "outside the response range 0-6"),
        (4, "2.5", "not a whole number")]
    assert str(problems[0]) == "t0.csv, row 2, column 'Q1': outside the response range 0-6 " \
                               "(value '7')"


def test_the_study_responses_map_adds_labels_and_missing_codes():
    extra = {"Everyday": 6, "Prefer not to answer": None, "N/A": None}
    values, problems = decode(["everyday", "Prefer NOT to answer", "n/a", "Never"], extra)
    assert as_list(values) == [6.0, None, None, 0.0] and problems == []


def test_the_study_responses_map_remaps_numbers():
    """A survey coding the MBI 1-7 maps every code back to 0-6; the map wins over the range."""
    extra = {str(code): code - 1 for code in range(1, 8)}
    values, problems = decode(["1", "7", "4", "Never"], extra)
    assert as_list(values) == [0.0, 6.0, 3.0, 0.0] and problems == []
    assert response_lookup({0: "never"}, {"1": 0, "Never": 2}) == {"never": 2, "1": 0}


def test_the_message_of_an_unknown_label_names_file_row_column_label_key_and_fix():
    values, problems = decode(["Never", "Sometimes", "sometimes"], {"N/A": None},
                              labels={0: "never", 1: "often"}, maximum=1)
    assert as_list(values) == [0.0, None, None]
    assert len(problems) == 2  # every cell is reported, each with its own row
    first = problems[0]
    assert (first.file, first.row, first.column, first.value) == ("t0.csv", 3, "Q1", "Sometimes")
    assert first.rule == ("unknown label; known: 'never' = 0, 'often' = 1, 'n/a' = missing; map "
                          "it in study.yaml under instruments.mbi_hss_mp.responses, e.g. "
                          'responses: {"Sometimes": <value>}')
    assert str(problems[1]).startswith("t0.csv, row 4, column 'Q1': unknown label;")
    assert str(problems[1]).endswith("""{"sometimes": <value>} (value 'sometimes')""")


def test_an_unknown_label_is_quoted_without_its_spaces_in_the_fix():
    _, (problem,) = decode(["  Daily "])
    assert problem.value == "  Daily " and problem.rule.endswith('{"Daily": <value>}')


def test_each_distinct_value_is_decoded_once(monkeypatch):
    calls = []
    original = values_module._decode_one

    def counted(text, *args):
        calls.append(text)
        return original(text, *args)

    monkeypatch.setattr(values_module, "_decode_one", counted)
    cells = ["Never", "3", None, "Every day", "9"] * 40_000
    values, problems = decode(cells)
    assert sorted(calls) == ["3", "9", "Every day", "Never"]
    assert len(values) == 200_000 and values.iloc[:5].tolist()[:2] == [0.0, 3.0]
    assert int(values.isna().sum()) == 80_000
    assert len(problems) == 40_000 and problems[0].row == 6 and problems[-1].row == 200_001
    assert values.index.equals(pd.RangeIndex(200_000))


def test_the_result_keeps_the_index_of_the_cells():
    cells = pd.Series(["1", "Never"], index=[10, 20], dtype=object)
    values, _ = decode_responses(cells, response_lookup(MBI_LABELS), 0, 6, file="a.csv",
                                 column="Q1", lines=[5, 9], fix=FIX)
    assert values.to_dict() == {10: 1.0, 20: 0.0}


def test_parse_number():
    assert [parse_number(text) for text in (" 4 ", "-2.5", "1e2", "four", "", "inf", None)] == [
        4.0, -2.5, 100.0, None, None, None, None]


def test_slug():
    assert [slug(text) for text in (" SITE 1 ", "Non-binary", "St. Mary's", "PGY-2",
                                    "Internal   Medicine", "a__b", "--x--", 3)] == [
        "site_1", "nonbinary", "st_marys", "pgy2", "internal_medicine", "a_b", "x", "3"]


def test_slug_keeps_letters_beyond_ascii():
    """Accented letters lose their accent; other scripts are kept (never an empty code)."""
    assert [slug(text) for text in ("Hôpital Nord", "ÉCOLE", "Zürich-Ost", "Straße",
                                    "Больница 2", "北院")] == [
        "hopital_nord", "ecole", "zurichost", "strasse", "больница_2", "北院"]


def test_covariate_values_whole_numbers_become_integers():
    result = covariate_values(pd.Series(["24", " 31", None, ""], dtype=object))
    assert str(result.dtype) == "Int64" and result.tolist() == [24, 31, pd.NA, pd.NA]


def test_covariate_values_numbers_with_fractions_stay_floats():
    result = covariate_values(pd.Series(["1.5", "2", None], dtype=object))
    assert result.dtype == float and as_list(result) == [1.5, 2.0, None]


def test_covariate_values_yes_no_become_flags():
    result = covariate_values(pd.Series(["Yes", "no", "TRUE", "false", "y", "N", None],
                                        dtype=object))
    assert str(result.dtype) == "Int64" and result.tolist() == [1, 0, 1, 0, 1, 0, pd.NA]


def test_covariate_values_anything_else_becomes_category_codes():
    result = covariate_values(pd.Series(["Female", " Non-binary", "MALE", None, "24"],
                                        dtype=object))
    assert result.dtype == object and result.iloc[[0, 1, 2, 4]].tolist() == [
        "female", "nonbinary", "male", "24"]
    assert pd.isna(result.iloc[3])
    assert covariate_values(pd.Series(["yes", "maybe"], dtype=object)).tolist() == ["yes",
                                                                                   "maybe"]


def test_covariate_values_of_an_empty_column_are_missing():
    result = covariate_values(pd.Series([None, " "], dtype=object))
    assert result.isna().all() and len(result) == 2


@pytest.mark.parametrize("cells", [["1", "0"], [1, 0]])
def test_covariate_values_of_0_1_are_numbers(cells):
    assert covariate_values(pd.Series(cells, dtype=object)).tolist() == [1, 0]


def test_decoding_a_numeric_column_of_floats():
    """Cells that are numbers already (not text) decode as well."""
    values, problems = decode([np.float64(2), 5])
    assert as_list(values) == [2.0, 5.0] and problems == []


# --- map_distinct: Series.map, one call per distinct value -------------------------------------

_CELLS = st.lists(st.sampled_from(["", " 3", "3", "Yes", "no", "Site 1", "site 1", "4.50", "x"]),
                  max_size=40)


@settings(max_examples=150, deadline=None)
@given(_CELLS, st.sampled_from(["object", "str"]))
def test_map_distinct_equals_series_map(cells, dtype):
    series = pd.Series(cells, dtype=dtype, index=range(100, 100 + len(cells)), name="col")
    for function in (slug, parse_number, normalise_label, str.strip,
                     lambda value: parse_number(value) if value else np.nan,
                     lambda value: len(value) > 1):
        pd.testing.assert_series_equal(map_distinct(series, function), series.map(function))


def test_map_distinct_calls_once_per_value_in_order_of_first_appearance():
    seen = []

    def numbered(value):
        seen.append(value)
        return f"{value}{len(seen)}"

    result = map_distinct(pd.Series(["b", "a", "b", "c", "a"]), numbered)
    assert seen == ["b", "a", "c"] and result.tolist() == ["b1", "a2", "b1", "c3", "a2"]


def test_map_distinct_maps_non_text_cell_by_cell():
    # 1 and 1.0 (or True) are one value to a hash table but not to str(): never merged.
    series = pd.Series([1, 1.0, True, None], dtype=object)
    assert map_distinct(series, str).tolist() == ["1", "1.0", "True", "None"]


def _old_covariate_values(cells: pd.Series) -> pd.Series:
    """covariate_values before it was vectorized (the reference)."""
    yes, no = {"yes", "y", "true"}, {"no", "n", "false"}
    text = map_distinct(cells.astype(object).where(cells.notna(), ""),
                        lambda value: str(value).strip())
    present = text[text != ""]
    numbers = map_distinct(present, parse_number)
    if len(present) and numbers.notna().all():
        values = map_distinct(text, lambda value: parse_number(value) if value else np.nan
                              ).astype(float)
        whole = values.dropna().map(float.is_integer).all()
        return values.round().astype("Int64") if whole else values
    lowered = set(present.str.casefold())
    if lowered and lowered <= yes | no:
        flags = map_distinct(text.str.casefold(), lambda value: 1 if value in yes else
                             (0 if value in no else pd.NA))
        return flags.astype("Int64")
    return map_distinct(text, lambda value: slug(value) if value else None).astype(object)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(
    ["24", " 31", "1.5", "2", "-0", "1e3", "inf", "nan", "Yes", "NO", " y ", "TRUE", "false",
     "Female", "Non-binary", "", "  ", "ﬁ", "İ"]), st.integers(-3, 3)), max_size=10))
def test_covariate_values_agrees_with_the_cell_by_cell_version(cells):
    series = pd.Series(cells, dtype=object)
    pd.testing.assert_series_equal(covariate_values(series), _old_covariate_values(series))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=6),
                          st.sampled_from(["a\x00", "a", "x" * 70, "\U0001f600", "é"])),
                max_size=12),
       st.sampled_from([object, "str"]))
def test_text_ranks_are_the_sorted_factorize_codes(texts, dtype):
    values = pd.Series(texts, dtype=dtype)
    expected = pd.factorize(values, sort=True)[0]
    assert text_ranks(values).tolist() == expected.tolist()
    # sorting by the ranks sorts as sort_values does
    order = np.argsort(text_ranks(values), kind="stable")
    assert values.iloc[order].tolist() == values.sort_values(kind="stable").tolist()


def test_text_ranks_of_other_values_go_to_pandas():
    assert text_ranks(pd.Series(["b", None, "a"], dtype=object)).tolist() == [1, -1, 0]
    assert text_ranks(pd.Series(["b", None], dtype="str")).tolist() == [0, -1]
    assert text_ranks(pd.Series([3, 1, 3])).tolist() == [1, 0, 1]
    assert text_ranks(pd.Series([], dtype=object)).tolist() == []


# --- decode_responses: one decoding per distinct cell, taken by factorize code -----------------

def _old_decode_responses(cells, lookup, minimum, maximum, *, file, column, lines, fix):
    """The former version (a dict lookup per cell), the reference of the factorized one."""
    text = cells.astype(object).where(cells.notna(), "")
    decoded, broken = {}, {}
    for value in pd.unique(text.to_numpy()):
        if str(value).strip() == "":
            decoded[value] = np.nan
            continue
        number, rule = values_module._decode_one(str(value), lookup, minimum, maximum)
        decoded[value] = np.nan if rule is not None or number is None else float(number)
        if rule is not None:
            broken[value] = rule
    values = text.map(decoded).astype(float)
    problems = []
    for position in np.flatnonzero(text.isin(list(broken)).to_numpy()):
        cell = str(text.iloc[position])
        problems.append((int(lines[position]), cell, broken[cell]))
    return values, problems


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(math.nan), st.sampled_from(
    ["Never", " never ", "1", "6", "7", "1.5", "-1", "", "  ", "often", "Every day", "N/A"])),
    max_size=40), st.sampled_from([None, "Q1"]))
def test_decode_responses_agrees_with_the_cell_by_cell_version(cells, name):
    series = pd.Series(cells, dtype=object, index=range(7, 7 + len(cells)), name=name)
    lines = list(range(2, 2 + len(cells)))
    lookup = response_lookup(MBI_LABELS, {"N/A": None})
    new, problems = decode_responses(series, lookup, 0, 6, file="a.csv", column="Q1",
                                     lines=lines, fix=FIX)
    old, old_problems = _old_decode_responses(series, lookup, 0, 6, file="a.csv", column="Q1",
                                              lines=lines, fix=FIX)
    pd.testing.assert_series_equal(new, old, check_exact=True)
    assert [(problem.row, problem.value) for problem in problems] == \
        [(row, value) for row, value, _ in old_problems]
    assert all(problem.rule.startswith(rule.split(";")[0])
               for problem, (_, _, rule) in zip(problems, old_problems, strict=True))
