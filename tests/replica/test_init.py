"""Tests of burnout_replica.generate_study_replica (``python -m burnout replica <study>``)."""

from __future__ import annotations

import pytest

from burnout.core.errors import DataError
from burnout.data.study import list_studies
from burnout_replica import GENERATORS, generate_study_replica


def test_unknown_study_names_the_studies_with_a_generator(tmp_path):
    with pytest.raises(DataError, match="no replica generator for study 'nurses'") as raised:
        generate_study_replica("nurses", raw_dir=tmp_path)
    assert "coaching, mentorship" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_every_generator_has_a_study():
    assert set(GENERATORS) <= set(list_studies())


def test_a_dropout_mechanism_the_generator_cannot_follow_is_refused(tmp_path, monkeypatch):
    import burnout_replica

    monkeypatch.setattr(burnout_replica, "load_parameters", lambda study: {
        "seed": 1, "replica": {"dropout": {"mechanism": "mar", "baseline": 0.5}}})
    with pytest.raises(DataError, match="replica.dropout.mechanism.*supported for: coaching"):
        generate_study_replica("mentorship", raw_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
