"""Tests of burnout.data.registry.scales: the response scales of evaluation surveys, as data."""

from __future__ import annotations

import pytest

from burnout.core.errors import DataError
from burnout.data.registry.scales import list_scales, load_scale


def test_every_shipped_scale_loads_and_agrees_inside_its_range():
    assert {"agreement_4", "agreement_5", "satisfaction_5"} <= set(list_scales())
    for name in list_scales():
        scale = load_scale(name)
        assert scale.name == name and scale.title
        assert scale.levels == tuple(range(scale.minimum, scale.maximum + 1))
        assert set(scale.agree) <= set(scale.levels) and scale.agree
        assert set(scale.labels) <= set(scale.levels)


def test_five_point_agreement():
    scale = load_scale("agreement_5")
    assert scale.levels == (1, 2, 3, 4, 5) and scale.agree == (4, 5)
    assert scale.labels[1] == "strongly disagree" and scale.labels[5] == "strongly agree"


def test_unknown_scale_lists_the_known_ones():
    with pytest.raises(DataError, match="known scales: .*agreement_5"):
        load_scale("agreement_7")
