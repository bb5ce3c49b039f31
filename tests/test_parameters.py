"""Parameter files: clear errors naming the file and the key."""

from __future__ import annotations

import pytest

from burnout.errors import DataError
from burnout.parameters import list_studies, load_parameters, stage_parameters


def _write(tmp_path, text):
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_committed_parameter_files_load():
    for study in list_studies():
        params = load_parameters(study)
        assert params["study"] == study


def test_stage_parameters_add_study(tmp_path):
    params = load_parameters(
        "demo", _write(tmp_path, "study: demo\nstages: [clean]\nclean: {a: 1}\n")
    )
    assert stage_parameters(params, "clean") == {"study": "demo", "a": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("study: other\nstages: [clean]\n", "key 'study' must be 'demo'"),
        ("study: demo\n", "key 'stages' must be a non-empty list"),
        ("study: demo\nstages: [clean]\nscore: {}\n", "unknown top-level key(s) ['score']"),
        ("study: demo\nstages: [clean]\nclean: [1]\n", "section 'clean' must be a mapping"),
        ("- a\n", "expected a mapping"),
    ],
)
def test_bad_parameter_files_are_named(tmp_path, text, message):
    with pytest.raises(DataError) as error:
        load_parameters("demo", _write(tmp_path, text))
    assert "demo.yaml" in str(error.value) and message in str(error.value)


def test_missing_study_lists_known_ones(tmp_path):
    with pytest.raises(DataError, match="no parameter file for study 'nothing'"):
        load_parameters("nothing", tmp_path)
