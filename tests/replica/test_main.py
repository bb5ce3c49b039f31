"""Tests of ``python -m burnout_replica <study>`` (burnout_replica.__main__)."""

from __future__ import annotations

import pytest

from burnout_replica.__main__ import main


def test_unknown_study_is_an_error_naming_the_studies(capsys):
    assert main(["nurses"]) == 1
    assert "studies with one: coaching, mentorship" in capsys.readouterr().err


def test_a_study_is_required(capsys):
    with pytest.raises(SystemExit):
        main([])
    assert "study" in capsys.readouterr().err
