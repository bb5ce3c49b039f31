"""Tests of burnout_replica._common, the helpers shared by the replica generators."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from burnout_replica import _common


def test_docstring_examples():
    assert doctest.testmod(_common).failed == 0


@pytest.mark.parametrize("total, minimum, maximum", [(0, 0, 6), (17, 0, 6), (54, 0, 6),
                                                     (30, 1, 5), (12, 1, 10)])
def test_split_sum_is_exact_and_in_range(total, minimum, maximum):
    rng = np.random.default_rng(1)
    offsets = rng.normal(0, 0.4, 9)
    values = _common.split_sum(rng, total, offsets, minimum, maximum, 0.8)
    assert values.sum() == total
    assert values.min() >= minimum and values.max() <= maximum


def test_names_are_drawn_first_then_last():
    first, last = _common.draw_name(np.random.default_rng(3))
    assert first in _common.FIRST_NAMES and last in _common.LAST_NAMES
