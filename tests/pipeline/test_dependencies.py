"""Tests of burnout.pipeline.dependencies: what a stage's results depend on, from the code."""

from __future__ import annotations

import glob

from burnout.core.paths import NOTEBOOKS_DIR, ROOT
from burnout.pipeline.dependencies import module_closure, notebook_imports, stage_sources
from burnout.pipeline.stages import STAGES


def test_every_stage_source_exists():
    for stage in STAGES.values():
        sources = stage_sources(NOTEBOOKS_DIR / f"{stage.notebook}.ipynb")
        assert sources == sorted(sources)
        for source in sources:
            if "*" in source:
                assert glob.glob(str(ROOT / source)), (stage.name, source)
            else:
                assert (ROOT / source).is_file(), (stage.name, source)


def test_closure_follows_imports_and_includes_packages():
    closure = module_closure({"burnout.report.labels"})
    assert {"burnout.report.labels", "burnout.data.registry", "burnout.measures.scoring",
            "burnout.core.errors", "burnout.report", "burnout"} <= closure
    assert "burnout.stats.mixed_model" not in closure
    assert module_closure({"numpy", "burnout.not_a_module"}) == set()


def test_a_stage_depends_on_what_it_imports_and_the_data_files_they_declare():
    imported = notebook_imports(NOTEBOOKS_DIR / "02_score.ipynb")
    assert "burnout.measures.scoring" in imported
    score = stage_sources(NOTEBOOKS_DIR / "02_score.ipynb")
    assert "src/burnout/measures/scoring.py" in score
    # the instrument registry's YAML files, declared by the registry module (DATA_FILES)
    assert [source for source in score if source.endswith("/instruments/*.yaml")]
    assert "src/burnout/report/plots/forest.py" not in score
    manuscript = stage_sources(NOTEBOOKS_DIR / "10_manuscript.ipynb")
    assert "src/burnout/report/templates/*.j2" in manuscript
