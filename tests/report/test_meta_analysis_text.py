"""The words of a meta-analysis follow its estimate and intervals, never a p-value alone."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from burnout.report.meta_analysis_text import meta_analysis_report, pooled_sentence
from burnout.synthesis.meta_analysis import meta_analysis


def _row(low, high, k=6, test="knha"):
    return pd.Series({"estimate": (low + high) / 2, "ci_low": low, "ci_high": high, "p": 0.3,
                      "n": k, "tau2": 0.04, "i2": 40.0, "pi_low": low - 0.5,
                      "pi_high": high + 0.5, "measure": "SMD", "test": test})


@pytest.mark.parametrize("low, high, expected", [
    (-0.6, 0.2, "compatible both with no difference and with differences from -0.60 to 0.20"),
    (-0.9, -0.1, "the interval lies below zero"),
    (0.1, 0.7, "the interval lies above zero"),
])
def test_the_sentence_follows_the_interval(low, high, expected):
    text = pooled_sentence(_row(low, high), "exhaustion")
    assert expected in text
    assert not re.search(r"\bno (effect|change|impact)\b|\beffect\b|\bcaused?\b", text)


def test_few_studies_are_flagged_whatever_the_test():
    assert "description of these studies" in pooled_sentence(_row(-0.6, 0.2, 3), "x")
    assert "Hartung-Knapp adjustment gives" in pooled_sentence(_row(-0.6, 0.2, 3, "z"), "x")
    assert "poorly estimated" not in pooled_sentence(_row(-0.6, 0.2, 8), "x")


def test_the_printed_report_lists_studies_weights_and_moderators():
    studies = pd.DataFrame({"study": ["a", "b", "c", "d"], "estimate": [0.1, 0.4, -0.2, 0.3],
                            "se": [0.1, 0.2, 0.15, 0.2], "format": ["x", "y", "x", "y"]})
    pooled = meta_analysis(studies)
    text = meta_analysis_report(studies, pooled, meta_analysis(studies, moderators=["format"]))
    weights = pooled.weights.set_index("study")["weight"]
    assert f"{weights['a']:5.1f}%" in text and "formaty" in text
    assert "k = 4; tau^2 estimator: REML" in text
