"""Tests of burnout.report.captions: captions from the design's templates, only of figures that
exist, numbered in order."""

from __future__ import annotations

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.designs import DESIGNS, get_design
from burnout.report.captions import figure_captions, group_sizes, write_captions


def _figure(folder, name):
    for suffix in (".png", ".pdf"):
        (folder / f"{name}{suffix}").write_bytes(b"x")


def test_captions_are_numbered_in_order(tmp_path):
    _figure(tmp_path, "flow")
    _figure(tmp_path, "forest")
    text = write_captions({"forest": "Adjusted.", "flow": "Flow."}, tmp_path).read_text()
    assert text.index("**Figure 1** (`forest.png`") < text.index("**Figure 2** (`flow.png`")


def test_caption_of_a_missing_figure_is_an_error(tmp_path):
    _figure(tmp_path, "flow")
    (tmp_path / "forest.png").write_bytes(b"x")
    with pytest.raises(DataError, match=r"forest\.pdf"):
        write_captions({"flow": "Flow.", "forest": "Adjusted."}, tmp_path)
    assert not (tmp_path / "captions.md").exists()


ANALYSIS = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 2})


def test_group_sizes():
    assert group_sizes(ANALYSIS, ("intervention", "control")) == (
        "intervention n = 3, control n = 2")
    assert group_sizes(ANALYSIS, ()) == "n = 5"


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_every_design_captions_its_figures_in_its_own_words(name):
    design = get_design(name)
    captions = figure_captions(design, ANALYSIS, covariates=["site", "age"], scores=["ee"],
                               evaluations=True, qualitative=True)
    assert list(captions)[:5] == [design.figure(role) for role in
                                  ("flow", "scores", "change", "forest", "prevalence")]
    assert list(captions)[-2:] == ["likert", "themes"]
    assert ("diagnostics_ee" in captions) == design.applies("diagnostics")
    for figure, caption in captions.items():
        assert "{" not in caption, figure  # every template field filled
        assert design.words.violations(caption) == [], (figure, caption)
    sizes = group_sizes(ANALYSIS, design.groups)
    assert sizes in captions[design.figure("scores")]


def test_forest_caption_names_the_adjustment_set():
    design = get_design("nonrandomized")
    captions = figure_captions(design, ANALYSIS, covariates=["site", "age"])
    assert "baseline score and site, age" in captions["forest_adjusted"]
    assert "no other covariate" in figure_captions(design, ANALYSIS)["forest_adjusted"]
    assert "likert" not in captions and "themes" not in captions


def test_the_sensitivity_figure_is_captioned_only_when_drawn():
    design = get_design("randomized")
    frame = pd.DataFrame({"group": ["intervention", "control"]})
    assert "sensitivity" not in figure_captions(design, frame)
    caption = figure_captions(design, frame, sensitivity=True)["sensitivity"]
    assert caption.startswith("Sensitivity analyses of each primary outcome")
    assert list(figure_captions(design, frame, sensitivity=True))[-1] == "sensitivity"


def test_the_forest_caption_names_the_primary_models_fixed_effects():
    design = get_design("randomized")
    frame = pd.DataFrame({"group": ["intervention", "control"]})
    primary = pd.DataFrame({"covariates": ["site", "site"]})
    stratified = figure_captions(design, frame, labels={"site": "Institution"},
                                 primary=primary)[design.figure("forest")]
    assert "(linear mixed model adjusted for institution, intention to treat)" in stratified
    plain = figure_captions(design, frame, primary=primary.assign(covariates=""))
    assert "(linear mixed model, intention to treat)" in plain[design.figure("forest")]


def test_captions_of_large_studies_say_what_the_figures_summarize():
    from burnout.report.plots.style import LARGE_N

    design = get_design("randomized")
    small = figure_captions(design, pd.DataFrame({"group": ["intervention", "control"] * 10}),
                            scores=["ee"])
    large = figure_captions(design, pd.DataFrame(
        {"group": ["intervention"] * (LARGE_N + 1) + ["control"] * 3}), scores=["ee"])
    for name in ("pre_post_scores", "change_scores"):
        assert "more than 5,000" not in small[name]
        assert large[name].startswith(small[name].split(" (")[0])
        assert large[name].endswith(("share it.", "one point each."))
    nonrandomized = get_design("nonrandomized")
    assert nonrandomized.applies("diagnostics")
    for size, summarized in ((LARGE_N, False), (LARGE_N + 1, True)):
        captions = figure_captions(nonrandomized, pd.DataFrame(
            {"group": ["intervention"] * size}), scores=["ee"])
        assert ("hexagonal density" in captions["diagnostics_ee"]) is summarized
