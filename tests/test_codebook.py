"""Tests of burnout.codebook: reading datapackage.json, parsing cells, rendering CODEBOOK.md."""

from __future__ import annotations

import csv
import io

import pytest

from burnout.codebook import (
    FieldSpec,
    load_codebook,
    normalise_label,
    parse_value,
    read_raw_table,
    render_codebook,
)
from burnout.errors import DataError
from burnout.paths import study_paths

RAW = study_paths("mentorship").raw


def test_every_raw_column_of_every_file_is_described():
    codebook = load_codebook(RAW)
    csv_files = sorted(path.name for path in RAW.glob("*.csv"))
    assert sorted(resource.path for resource in codebook.resources.values()) == csv_files
    for resource in codebook.resources.values():
        text = (RAW / resource.path).read_bytes().decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text)))
        assert header == resource.field_names
        for spec in resource.fields:
            assert spec.title, f"{resource.path}: column {spec.name} has no title"


def test_rendered_codebook_is_committed_and_complete():
    codebook = load_codebook(RAW)
    text = render_codebook(codebook)
    assert (RAW / "CODEBOOK.md").read_text(encoding="utf-8") == text
    for resource in codebook.resources.values():
        assert f"`{resource.path}`" in text
        for spec in resource.fields:
            assert f"| `{spec.name}` |" in text
    assert "columnMapping" in text and "--accept" in text


def test_parse_value_rules():
    site = FieldSpec("site", "string", enum=("site_1", "site_2"),
                     value_labels={"site_1": "Site 1", "site_2": "Site 2"})
    assert parse_value(site, " SITE   1 ") == "site_1"
    assert parse_value(site, "site_2") == "site_2"
    with pytest.raises(ValueError, match="not one of the allowed values"):
        parse_value(site, "Site 3")
    flag = FieldSpec("finished", "boolean", true_values=("True",), false_values=("False",))
    assert parse_value(flag, "True") is True and parse_value(flag, "False") is False
    hours = FieldSpec("hours", "number", minimum=0)
    assert parse_value(hours, "6.5") == 6.5
    with pytest.raises(ValueError, match="below the minimum"):
        parse_value(hours, "-1")
    with pytest.raises(ValueError, match="required value is missing"):
        parse_value(FieldSpec("id", "string", required=True), "  ")
    when = FieldSpec("t", "datetime", format="%Y-%m-%d %H:%M:%S")
    with pytest.raises(ValueError, match="format"):
        parse_value(when, "03/07/2017 09:14")
    assert normalise_label(" Strongly  Agree") == "strongly agree"


def test_column_mapping_lets_an_author_bring_their_own_names(tmp_path):
    import json
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    package = json.loads((raw / "datapackage.json").read_text(encoding="utf-8"))
    mentors = next(entry for entry in package["resources"] if entry["name"] == "mentors")
    mentors["columnMapping"] = {"Mentor ID": "mentor_id", "PGY": "postgraduate_year"}
    (raw / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    data = (raw / "mentors.csv").read_bytes().replace(b"mentor_id", b"Mentor ID", 1)
    (raw / "mentors.csv").write_bytes(data.replace(b"postgraduate_year", b"PGY", 1))
    frame = read_raw_table(raw, load_codebook(raw).resource("mentors"))
    assert list(frame.columns) == load_codebook(RAW).resource("mentors").field_names


def test_missing_codebook(tmp_path):
    with pytest.raises(DataError, match="codebook not found"):
        load_codebook(tmp_path)


def test_field_schema_puts_constraints_and_labels_where_table_schema_wants_them():
    from burnout.codebook import field_schema

    field = field_schema("q1", "integer", "Item 1", required=True, minimum=0, maximum=6,
                         labels={0: "Never", 6: "Every day"}, identifier=False)
    assert field == {"name": "q1", "type": "integer", "title": "Item 1",
                     "constraints": {"required": True, "minimum": 0, "maximum": 6},
                     "valueLabels": {"0": "Never", "6": "Every day"}, "identifier": False}
