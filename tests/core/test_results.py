"""Tests of burnout.core.results: one column vocabulary for every statistical result."""

from __future__ import annotations

from burnout.core.results import RESULT_COLUMNS, result_frame


def test_shared_columns_come_first_in_vocabulary_order_then_extras():
    frame = result_frame([{"p": 0.2, "W": 12.0, "estimate": 1.5, "outcome": "ee"},
                          {"outcome": "dp", "n_control": 3, "note": ""}])
    assert frame.columns.tolist() == ["outcome", "estimate", "p", "n_control", "W", "note"]
    assert frame["outcome"].tolist() == ["ee", "dp"]


def test_vocabulary():
    assert RESULT_COLUMNS == ("outcome", "method", "measure", "estimate", "se", "ci_low",
                              "ci_high", "confidence", "statistic", "df", "p", "n",
                              "n_intervention", "n_control")
