"""Tests of burnout.data.registry: the shipped definitions and the validation of new ones.

The expected item keys, ranges and cut-offs are typed here from the published descriptions
(MBI-HSS (MP) key as in DESIGN.md; Raes et al. 2011; Mantri et al. 2020; VanderWeele 2017;
Young 2011), independently of the YAML files under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import burnout.data.registry as registry
from burnout.core.errors import DataError
from burnout.data.registry import list_instruments, load_instrument
from burnout.measures.scoring import score_instrument

SHIPPED = {
    "mbi_hss_mp": "mbi_",
    "young_impostor_scale": "impostor_",
    "moral_injury_symptom_scale_hp": "moral_injury_",
    "self_compassion_scale_sf": "self_compassion_",
    "secure_flourish_index": "flourishing_",
}


def test_registry_lists_every_shipped_instrument():
    table = list_instruments()
    assert sorted(table["name"]) == sorted(SHIPPED)
    assert list(table.columns) == ["name", "title", "items", "response_range", "scoring",
                                   "scores", "reverse_scored", "cutoffs", "file"]


@pytest.mark.parametrize("name, prefix", SHIPPED.items())
def test_every_definition_loads_cites_a_source_and_names_its_columns(name, prefix):
    instrument = load_instrument(name)
    assert instrument.name == name
    assert instrument.item_prefix == prefix
    assert instrument.items[0] == f"{prefix}01"
    assert instrument.citation and instrument.copyright and instrument.verification


def test_mbi_key_ranges_and_cutoffs():
    mbi = load_instrument("mbi_hss_mp")
    assert mbi.item_count == 22
    assert (mbi.response_minimum, mbi.response_maximum) == (0, 6)
    assert mbi.subscales["ee"].items == (1, 2, 3, 6, 8, 13, 14, 16, 20)
    assert mbi.subscales["dp"].items == (5, 10, 11, 15, 22)
    assert mbi.subscales["pa"].items == (4, 7, 9, 12, 17, 18, 19, 21)
    every_item = sorted(sum((list(s.items) for s in mbi.subscales.values()), []))
    assert every_item == list(range(1, 23))  # each item in exactly one subscale
    assert [mbi.score_range(name) for name in ("ee", "dp", "pa")] == [(0, 54), (0, 30), (0, 48)]
    assert [rule.describe() for rule in mbi.cutoffs.values()] == [
        "high_ee: ee >= 27", "high_dp: dp >= 10", "low_pa: pa <= 33"]
    assert mbi.reverse_scored == ()
    # the edition that gives the cut-offs is data, shown in the Results beside the definition
    assert "3rd edition" in mbi.cutoffs_reference and "1996" in mbi.cutoffs_reference
    assert "4th edition (2016)" in mbi.cutoffs_note
    assert mbi.default_burnout_rule == "ee_or_dp"
    assert set(mbi.burnout_rules) == {"ee_or_dp", "ee_and_dp_or_pa", "ee_or_dp_or_pa"}
    # Copyright: the definition holds no item wording, only numbers.
    text = Path(registry.REGISTRY_DIR / "mbi_hss_mp.yaml").read_text(encoding="utf-8")
    assert "wording" in text and "Mind Garden" in text


def test_secondary_instruments_match_their_published_descriptions():
    impostor = load_instrument("young_impostor_scale")
    assert (impostor.item_count, impostor.score_range("impostor")) == (8, (0, 8))
    assert impostor.cutoffs["impostor_syndrome"].describe() == "impostor_syndrome: impostor >= 5"

    moral = load_instrument("moral_injury_symptom_scale_hp")
    assert (moral.item_count, moral.score_range("moral_injury")) == (10, (10, 100))
    assert moral.cutoffs["significant_moral_injury"].threshold == 36
    assert moral.reverse_scored == (5, 6, 7)

    compassion = load_instrument("self_compassion_scale_sf")
    assert compassion.score_range("self_compassion") == (12, 60)
    assert compassion.reverse_scored == (1, 4, 8, 9, 11, 12)
    assert compassion.scoring == "sum"

    flourishing = load_instrument("secure_flourish_index")
    assert flourishing.item_count == 12 and flourishing.scoring == "mean"
    assert flourishing.score_range("flourishing") == (0, 10)


def test_allowed_missing_items_follows_the_prorating_rule():
    mbi = load_instrument("mbi_hss_mp")
    assert [mbi.allowed_missing(name) for name in ("ee", "dp", "pa")] == [1, 1, 1]
    compassion = load_instrument("self_compassion_scale_sf")  # 20% of 12 items -> 2
    assert compassion.allowed_missing("self_compassion") == 2
    moral = load_instrument("moral_injury_symptom_scale_hp")  # 20% of 10 items -> 2
    assert moral.allowed_missing("moral_injury") == 2


def test_unknown_instrument_lists_the_known_ones():
    with pytest.raises(DataError, match="known instruments: .*mbi_hss_mp"):
        load_instrument("maslach_typo")


def _good_definition() -> dict:
    return {
        "name": "tiny_scale", "title": "Tiny scale", "citation": "Nobody 2024",
        "copyright": "public domain", "item_prefix": "tiny_", "item_count": 4,
        "response": {"minimum": 1, "maximum": 4}, "scoring": "sum",
        "prorating": {"maximum_missing_items": 1}, "reverse_scored": [4],
        "subscales": {"tiny": {"label": "tiny total", "items": [1, 2, 3, 4]}},
        "cutoffs": {"high_tiny": {"score": "tiny", "operator": ">=", "threshold": 12}},
    }


def _write(tmp_path: Path, definition: dict, name: str = "tiny_scale") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(definition, sort_keys=False), encoding="utf-8")
    return path


def test_a_user_adds_an_instrument_with_a_yaml_file_only(tmp_path, monkeypatch):
    for path in registry.REGISTRY_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    _write(tmp_path, _good_definition())
    monkeypatch.setattr(registry, "REGISTRY_DIR", tmp_path)
    assert "tiny_scale" in set(list_instruments()["name"])
    answers = pd.DataFrame({"tiny_01": [4, 1], "tiny_02": [4, 1], "tiny_03": [4, 1],
                            "tiny_04": [1, 4]})
    scored = score_instrument(answers, "tiny_scale")
    # item 4 reverse-scored: 1 + 4 - answer
    assert scored["tiny"].tolist() == [16.0, 4.0]
    assert scored["high_tiny"].tolist() == [1, 0]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("citation"), r"required field\(s\) missing: \['citation'\]"),
    (lambda d: d.update(colour="blue"), r"unknown field\(s\) \['colour'\]"),
    (lambda d: d["subscales"]["tiny"].update(items=[1, 2, 5]), r"item number\(s\) \[5\]"),
    (lambda d: d["subscales"]["tiny"].update(items=[1, 1, 2]), "listed more than once"),
    (lambda d: d.update(reverse_scored=[0]), r"reverse_scored: item number\(s\) \[0\]"),
    (lambda d: d.update(response={"minimum": 4, "maximum": 1}), "minimum < maximum"),
    (lambda d: d.update(scoring="median"), "scoring: must be one of"),
    (lambda d: d.update(prorating={"maximum_missing_fraction": 1.5}), "from 0 to below 1"),
    (lambda d: d.update(prorating={}), "exactly one of"),
    (lambda d: d["cutoffs"]["high_tiny"].update(score="huge"), "'huge' is not one of the scores"),
    (lambda d: d["cutoffs"]["high_tiny"].update(operator="=>"), "'=>' is not one of"),
    (lambda d: d["cutoffs"]["high_tiny"].update(threshold="high"), "threshold: must be a number"),
    (lambda d: d.update(burnout_rules={"rules": {"any": {"any_of": ["high_ee"]}}}),
     "'high_ee' is not one of the cut-offs"),
    (lambda d: d.update(burnout_rules={"default": "nope", "rules": {"t": "high_tiny"}}),
     "'nope' is not one of the rules"),
    (lambda d: d.update(item_count=0), "item_count: must be a whole number"),
    (lambda d: d.update(cutoffs_source={"note": "old"}), "non-empty 'reference'"),
    (lambda d: d.update(cutoffs_source={"reference": "a manual", "edition": 3}),
     r"cutoffs_source: unknown field\(s\) \['edition'\]"),
])
def test_bad_definitions_raise_a_clear_data_error(tmp_path, change, message):
    definition = _good_definition()
    change(definition)
    path = _write(tmp_path, definition)
    with pytest.raises(DataError, match=message) as error:
        load_instrument(path)
    assert "tiny_scale.yaml" in str(error.value)


def test_every_problem_of_a_definition_is_listed_at_once(tmp_path):
    definition = _good_definition()
    definition["scoring"] = "median"
    definition["cutoffs"]["high_tiny"]["operator"] = "=>"
    with pytest.raises(DataError, match=r"2 problem\(s\)"):
        load_instrument(_write(tmp_path, definition))


def test_registry_file_name_must_match_the_instrument_name(tmp_path, monkeypatch):
    _write(tmp_path, _good_definition(), name="other_name")
    monkeypatch.setattr(registry, "REGISTRY_DIR", tmp_path)
    with pytest.raises(DataError, match="must equal the file name"):
        load_instrument("other_name")


def test_invalid_yaml_is_reported_with_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError, match="broken.yaml: not valid YAML"):
        load_instrument(path)
