"""Tests of burnout.report.reproduction and of the files of published numbers (published/*.yaml).

The rule under test: a published value is reproduced when the re-executed value, rounded to the
published decimals (half away from zero, on its decimal value), equals it. The expected
roundings below are worked out by hand, not by the function under test.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import yaml

from burnout.core.errors import DataError
from burnout.core.paths import study_paths
from burnout.report.numbers import KEY_PATTERN
from burnout.report.reproduction import (
    ROUNDING_RULE,
    compare_with_published,
    load_published,
    printing_margin,
    prints_as,
    published_path,
    render_reproduction_report,
    round_half_away,
)

PUBLISHED = {
    "source": {"citation": "Author A. A study. Journal. 2019.", "doi": "10.0/x",
               "location": "abstract"},
    "values": [
        {"key": "n.analysed.control", "description": "control n", "kind": "count",
         "published": 84},
        {"key": "adjusted.pa.difference", "description": "PA difference", "published": "2.2"},
        {"key": "adjusted.pa.p", "description": "PA p", "published": "0.04"},
        {"key": ["themes.t.students", "themes.t.mentors"], "description": "theme t",
         "kind": "claim", "published": "theme present", "at_least": 1},
        {"key": "adjusted.ee.ci_low", "description": "EE low", "published": "-0.5",
         "impossible": "SE <= 0.202 needs a residual SD <= 1.14"},
    ],
}


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (0.125, 2, "0.13"),     # a half rounds away from zero ...
    (-0.125, 2, "-0.13"),   # ... on both sides
    (-0.15, 1, "-0.2"),
    (0.15, 1, "0.2"),
    (2.5, 0, "3"),          # not banker's rounding (Python's round(2.5) == 2)
    (-2.5, 0, "-3"),
    (1.005, 2, "1.01"),     # the float 1.005 is stored below 1.005 but prints as 1.005
    (0.8970, 2, "0.90"),    # trailing zero kept
    (0.04999999, 2, "0.05"),
    (0.0449999, 2, "0.04"),
    (-0.04, 1, "0.0"),      # no negative zero
    (59, 0, "59"),
])
def test_rounding_is_half_away_from_zero_on_the_decimal_value(value, decimals, expected):
    assert str(round_half_away(value, decimals)) == expected


def test_prints_as_and_its_margin():
    assert prints_as(0.895, "0.90") and not prints_as(0.8949999, "0.90")
    assert prints_as(0.9049999, "0.90") and not prints_as(0.905, "0.90")
    assert prints_as(-0.15, "-0.2") and not prints_as(-0.1499, "-0.2")
    assert prints_as(0.0050004, "0.01") and not prints_as(0.0049999, "0.01")
    assert printing_margin(0.45, "0.45") == pytest.approx(1.0)
    assert printing_margin(0.455, "0.45") == pytest.approx(0.0, abs=1e-9)
    assert printing_margin(0.46, "0.45") == pytest.approx(-1.0)
    assert "half away from zero" in ROUNDING_RULE


def test_the_published_file_of_study_a_is_valid_and_complete():
    published = load_published(published_path("mentorship"))
    assert published["source"]["doi"] == "10.1002/aet2.10354"
    keys = [" + ".join(entry["keys"]) for entry in published["values"]]
    assert len(set(keys)) == len(keys) == 37  # no key listed twice
    for entry in published["values"]:
        assert all(KEY_PATTERN.match(key) for key in entry["keys"]), entry["keys"]
        assert entry.get("description")
        assert "tolerance" not in entry
    kinds = [entry["kind"] for entry in published["values"]]
    assert kinds.count("claim") == 5 and kinds.count("count") == 8
    printed = {entry["keys"][0]: entry for entry in published["values"]
               if entry["kind"] == "printed"}
    # every adjusted estimate, limit and p of the abstract, as printed
    for subscale, values in {"ee": ("-0.2", "-0.5", "0.2", "0.4"),
                             "dp": ("-0.2", "-1.8", "1.5", "0.9"),
                             "pa": ("2.2", "0.1", "4.3", "0.04")}.items():
        for statistic, text in zip(("difference", "ci_low", "ci_high", "p"), values,
                                   strict=True):
            assert printed[f"adjusted.{subscale}.{statistic}"]["published"] == text
    impossible = sorted(key for key, entry in printed.items() if entry.get("impossible"))
    assert impossible == ["adjusted.ee.ci_high", "adjusted.ee.ci_low", "adjusted.ee.p"]
    for key in impossible:  # the arithmetic, with its numbers
        assert "sqrt(1/51 + 1/84)" in printed[key]["impossible"] or "0.178" in printed[key][
            "impossible"]
        assert "2.83" in printed[key]["impossible"]


def test_the_published_file_of_study_b_is_valid_and_complete():
    published = load_published(published_path("coaching"))
    assert published["source"]["doi"] == "10.1371/journal.pone.0328546"
    printed = {entry["keys"][0]: entry for entry in published["values"]}
    for outcome, values in {"self_compassion": ("3.00", "1.29", "0.48", "5.53", "0.021"),
                            "flourishing": ("0.45", "0.23", "0.01", "0.90", "0.048")}.items():
        for statistic, text in zip(("difference", "se", "ci_low", "ci_high", "p"), values,
                                   strict=True):
            assert printed[f"mixed_unstratified.{outcome}.{statistic}"]["published"] == text
    for outcome in ("ee", "dp", "pa", "impostor", "moral_injury"):
        entry = printed[f"mixed_unstratified.{outcome}.p"]
        assert (entry["kind"], entry["at_least"]) == ("claim", 0.05)
    assert printed["describe.age.sd"]["published"] == "2.38"
    assert [key for key, entry in printed.items() if entry.get("impossible")] == [
        "mixed_unstratified.self_compassion.p"]


@pytest.mark.parametrize("study", ["mentorship", "coaching"])
def test_the_printed_source_of_a_shipped_study_holds_no_editorial_note(study):
    published = load_published(published_path(study))
    report = render_reproduction_report(compare_with_published({}, published),
                                        published["source"])
    source_line = next(line for line in report.splitlines() if line.startswith("Source: "))
    assert "[" not in source_line and "not in the source documents" not in source_line
    assert source_line.endswith(".")


def test_values_that_print_as_published_are_reproduced():
    numbers = {"n.analysed.control": 84, "adjusted.pa.difference": 2.2499,
               "adjusted.pa.p": 0.035, "themes.t.students": 0, "themes.t.mentors": 3,
               "adjusted.ee.ci_low": -2.9}
    table = compare_with_published(numbers, PUBLISHED)
    assert list(table.columns) == ["key", "description", "kind", "published", "reexecuted",
                                   "printed", "reproduced", "verdict", "criterion", "note",
                                   "impossible"]
    assert table["reproduced"].tolist() == [True, True, True, True, False]
    assert table["printed"].tolist() == ["84", "2.2", "0.04", "3", "-2.9"]
    assert table["verdict"].tolist() == ["equal", "prints as published", "prints as published",
                                         "holds", "does not print as published"]
    assert table.loc[3, "key"] == "themes.t.students + themes.t.mentors"
    assert table.loc[1, "criterion"] == "rounded to 1 decimal"


def test_values_that_do_not_print_are_reported_as_such():
    numbers = {"n.analysed.control": 83, "adjusted.pa.difference": 2.25,  # prints 2.3
               "adjusted.pa.p": 0.045, "themes.t.students": 0, "themes.t.mentors": 0,
               "adjusted.ee.ci_low": -0.45}  # prints -0.5 although flagged impossible
    table = compare_with_published(numbers, PUBLISHED)
    assert table["reproduced"].tolist() == [False, False, False, False, True]
    assert table["printed"].tolist()[:3] == ["83", "2.3", "0.05"]
    assert table.loc[1, "verdict"] == "does not print as published"
    assert table.loc[0, "verdict"] == "not equal" and table.loc[3, "verdict"] == "does not hold"


def test_a_missing_or_non_numeric_key_is_not_computed_not_raised():
    numbers = {"adjusted.pa.difference": "n/a", "adjusted.pa.p": None, "themes.t.students": 2}
    table = compare_with_published(numbers, PUBLISHED)
    assert not table["reproduced"].any()
    assert table["reexecuted"].isna().all()
    assert set(table["verdict"]) == {"not computed"}
    assert "key 'n.analysed.control' missing" in table.loc[0, "note"]
    assert "'n/a', not a number" in table.loc[1, "note"]
    assert "key 'themes.t.mentors' missing" in table.loc[3, "note"]


def test_report_states_the_rule_the_summary_and_the_arithmetic_of_impossible_values():
    numbers = {"n.analysed.control": 84, "adjusted.pa.difference": 2.2, "adjusted.pa.p": 0.2,
               "themes.t.students": 1, "themes.t.mentors": 0, "adjusted.ee.ci_low": -2.9}
    table = compare_with_published(numbers, PUBLISHED)
    report = render_reproduction_report(table, PUBLISHED["source"],
                                        data_note="Data: synthetic replica.")
    assert ROUNDING_RULE in report
    assert "**1 of 3 published printed values print as published**; 1 cannot" in report
    assert "1 of 1 counts are equal." in report
    assert "1 of 1 claims without a number hold." in report
    assert "https://doi.org/10.0/x" in report and "Data: synthetic replica." in report
    assert ("- `adjusted.pa.p` (PA p): published 0.04, re-executed 0.2, which prints as "
            "0.20: does not print as published.") in report
    assert ("re-executed -2.9, which prints as -2.9: does not print as published. Why no "
            "plausible dataset prints it: SE <= 0.202 needs a residual SD <= 1.14") in report
    assert "within tolerance" not in report.lower() and "Difference" not in report
    table_lines = [line for line in report.split("\n") if line.startswith("| `")]
    assert len(table_lines) == 5
    with pytest.raises(DataError, match="missing"):
        render_reproduction_report(table.drop(columns="reproduced"), PUBLISHED["source"])


@pytest.mark.parametrize(("change", "message"), [
    ({"tolerance": 0.5}, "tolerance"),
    ({"kind": "roughly"}, "kind"),
    ({"published": 0.04}, "published"),        # a number without its decimals
    ({"published": "4e-2"}, "published"),
    ({"published": "abc"}, "published"),
    ({"key": ""}, "key"),
    ({"kind": "count", "published": "84"}, "count"),
    ({"kind": "claim", "published": "present"}, "claim"),
    ({"kind": "count", "published": 84, "impossible": "why"}, "impossible"),
])
def test_bad_entries_of_a_published_file_raise(tmp_path, change, message):
    entry = dict(PUBLISHED["values"][2], **change)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"source": PUBLISHED["source"], "values": [entry]}),
                    encoding="utf-8")
    with pytest.raises(DataError, match=rf"values\[0\].*{message}"):
        load_published(path)


def test_a_number_with_its_decimals_is_accepted(tmp_path):
    entry = {"key": "adjusted.pa.p", "published": 0.9, "decimals": 2}
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump({"source": {}, "values": [entry]}), encoding="utf-8")
    assert load_published(path)["values"][0]["published"] == "0.90"
    assert Decimal("0.90") == round_half_away(0.897, 2)


def test_missing_or_malformed_published_file_raises(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_published(tmp_path / "absent.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    with pytest.raises(DataError, match="values"):
        load_published(tmp_path / "list.yaml")


def _check_reproduction(table) -> None:
    """Every value reproduced, except printed values proven impossible (which must then not
    print: a proof of the impossible that the data refute is stale)."""
    flagged = table["impossible"].str.len() > 0
    unexplained = table[~table["reproduced"] & ~flagged]
    assert unexplained.empty, unexplained[["key", "published", "printed"]].to_string()
    stale = table[table["reproduced"] & flagged]
    assert stale.empty, f"prints as published but flagged impossible: {list(stale['key'])}"


NUMBERS_JSON = study_paths("mentorship").reports / "numbers.json"
COACHING_NUMBERS_JSON = study_paths("coaching").reports / "numbers.json"


@pytest.mark.skipif(not NUMBERS_JSON.exists(),
                    reason="reports/mentorship/numbers.json not built yet (run the pipeline)")
def test_study_a_prints_every_published_value_it_can():
    numbers = json.loads(NUMBERS_JSON.read_text(encoding="utf-8"))
    table = compare_with_published(numbers, published_path("mentorship"))
    _check_reproduction(table)
    assert int((~table["reproduced"]).sum()) == 3  # the EE interval and p


@pytest.mark.skipif(not COACHING_NUMBERS_JSON.exists(),
                    reason="reports/coaching/numbers.json not built yet (run the pipeline)")
def test_study_b_prints_every_published_value_it_can():
    """The published specification (no strata) is ``mixed_unstratified.*``; where that
    analysis is not computed, the same model is the one ``mixed.*`` holds when the study's
    parameters give it no covariates."""
    numbers = json.loads(COACHING_NUMBERS_JSON.read_text(encoding="utf-8"))
    if not any(key.startswith("mixed_unstratified.") for key in numbers):
        numbers.update({key.replace("mixed.", "mixed_unstratified.", 1): value
                        for key, value in numbers.items() if key.startswith("mixed.")})
    table = compare_with_published(numbers, published_path("coaching"))
    _check_reproduction(table)
    assert int((~table["reproduced"]).sum()) == 1  # self-compassion's P
    assert not table["reexecuted"].isna().any()


def test_report_names_values_not_computed():
    report = render_reproduction_report(compare_with_published({}, PUBLISHED),
                                        PUBLISHED["source"])
    assert "5 published values are not computed" in report
    assert ("- `adjusted.pa.p` (PA p): published 0.04, not computed: key 'adjusted.pa.p' "
            "missing from numbers.") in report


def test_numpy_numbers_round_like_python_ones():
    import numpy as np

    assert str(round_half_away(np.float64(0.125), 2)) == "0.13"
    assert str(round_half_away(np.int64(59), 0)) == "59"
    assert prints_as(np.float64(0.0050001404), "0.01")
