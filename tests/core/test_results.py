"""Tests of burnout.core.results: one column vocabulary for every statistical result."""

from __future__ import annotations

from burnout.core.results import RESULT_COLUMNS, result_frame, tidy_result


def test_shared_columns_come_first_in_vocabulary_order_then_extras():
    frame = result_frame([{"p": 0.2, "W": 12.0, "estimate": 1.5, "outcome": "ee"},
                          {"outcome": "dp", "n_control": 3, "note": ""}])
    assert frame.columns.tolist() == ["outcome", "estimate", "p", "n_control", "W", "note"]
    assert frame["outcome"].tolist() == ["ee", "dp"]


def test_vocabulary():
    assert RESULT_COLUMNS == ("outcome", "method", "measure", "estimate", "se", "ci_low",
                              "ci_high", "confidence", "statistic", "df", "p", "n",
                              "n_intervention", "n_control")


def test_tidy_result_returns_the_frame_of_the_row_and_keeps_the_row():
    calls = []

    @tidy_result
    def difference(a, b, confidence=0.95):
        """Invented procedure."""
        calls.append((a, b))
        return {"p": 0.5, "estimate": a - b, "outcome": "x", "confidence": confidence}

    frame = difference(3.0, 1.0)
    assert frame.columns.tolist() == ["outcome", "estimate", "confidence", "p"]
    assert frame.to_dict("records") == [{"outcome": "x", "estimate": 2.0, "confidence": 0.95,
                                         "p": 0.5}]
    assert difference.row(3.0, 1.0, confidence=0.9)["confidence"] == 0.9
    assert difference.__doc__ == "Invented procedure." and difference.__name__ == "difference"
    assert len(calls) == 2
