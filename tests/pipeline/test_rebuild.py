"""Tests of burnout.pipeline.rebuild: the rebuild check names every generated file that differs,
is stale or is missing."""

from __future__ import annotations

from burnout.core.paths import ROOT
from burnout.pipeline.rebuild import compare_trees, project_files


def _tree(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_compare_trees_names_each_kind_of_difference(tmp_path):
    rebuilt = _tree(
        tmp_path / "rebuilt",
        {
            "reports/s/numbers.json": "{}\n",
            "figures/s/a.png": "png",
            "tables/s/new.csv": "x\n",
            "src/burnout/x.py": "ignored: not generated",
        },
    )
    tree = _tree(
        tmp_path / "tree",
        {
            "reports/s/numbers.json": "{}\n",
            "figures/s/a.png": "edited by hand",
            "data/processed/s/old.csv": "stale\n",
        },
    )
    reference = {"reports/s/numbers.json", "figures/s/a.png", "data/processed/s/old.csv"}
    found = compare_trees(rebuilt, tree, reference)
    assert found == {
        "differ": ["figures/s/a.png"],
        "not_rebuilt": ["data/processed/s/old.csv"],
        "not_in_tree": ["tables/s/new.csv"],
    }


def test_identical_trees_have_no_difference(tmp_path):
    files = {"reports/s/a.ipynb": "{}", "tables/s/t.md": "| a |"}
    found = compare_trees(_tree(tmp_path / "a", files), _tree(tmp_path / "b", files), set(files))
    assert found == {"differ": [], "not_rebuilt": [], "not_in_tree": []}


def test_project_files_are_the_tracked_and_trackable_files():
    files = project_files(ROOT)
    assert files == sorted(files)
    assert "src/burnout/pipeline/rebuild.py" in files
    assert "data/raw/mentorship/study.yaml" in files
    assert not [name for name in files if name.startswith((".venv/", ".build/", ".git/"))]
