"""Tests of burnout.designs: each design, as data, declares analyses, tables, figures and words."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from burnout.core.errors import DataError
from burnout.designs import ANALYSES, DESIGNS, Design, Words, design_of, get_design
from burnout.designs.base import RESULT_FILES

ROLES = ("flow", "scores", "change", "forest", "prevalence")


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_every_design_is_complete(name):
    design = get_design(name)
    assert design.name == name and design_of(SimpleNamespace(design=name)) is design
    assert design.primary in design.analyses <= set(ANALYSES)
    assert all(design.result_file(analysis) == RESULT_FILES[analysis]
               for analysis in design.analyses)
    assert all(design.figure(role) for role in ROLES) and set(design.captions) == set(ROLES)
    assert design.table("baseline") == "table1_baseline"
    assert design.population in ("everyone", "complete_cases")
    assert design.compares_groups == (design.groups == ("intervention", "control"))
    for stage in ("clean", "unadjusted", "adjusted"):
        assert design.explain(stage)
        assert design.words.violations(design.explain(stage)) == [], stage
    assert design.words.violations(design.words.caveat) == []


def test_what_applies_is_asked_not_tested_by_name():
    assert get_design("randomized").applies("mixed_model_per_protocol")
    assert not get_design("nonrandomized").applies("mixed_model_per_protocol")
    assert get_design("single_group").applies("mcnemar")
    assert not get_design("single_group").applies("rank_sum")
    with pytest.raises(KeyError, match="unknown analysis 'anova'"):
        get_design("randomized").applies("anova")
    with pytest.raises(DataError, match="unknown design 'crossover'"):
        get_design("crossover")
    assert get_design("randomized").table("unadjusted") is None


def test_forbidden_words_spare_their_negation():
    words = get_design("nonrandomized").words
    assert words.violations("a non-randomized comparison") == []
    assert words.violations("The randomized groups; intention-to-treat (ITT)") == [
        "randomized", "intention-to-treat", "ITT"]
    single = get_design("single_group").words
    assert single.violations("compared with the control group") == [
        "control group", "compared with the control"]


def test_a_design_with_an_unknown_analysis_is_refused():
    words = Words("d", "c", "", "p", "a", "", "flow")
    with pytest.raises(ValueError, match=r"unknown analyses \['anova'\]"):
        Design(name="x", groups=(), population="everyone", flow_steps=(),
               analyses=frozenset({"anova"}), primary="signed_rank", tables={}, figures={},
               words=words)
