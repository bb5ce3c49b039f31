"""The shape of the package: imports run one way, modules and packages stay small.

Layers, bottom to top: ``core`` < ``data`` < ``measures``, ``designs``, ``stats``, ``causal``,
``synthesis``, ``sensitivity``, ``inference`` < ``report`` < ``pipeline`` (< the command line,
``burnout.__main__``). A module may import its own layer and the layers below, never above;
the analysis never imports the synthetic-replica generators.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from burnout.core.paths import ROOT

PACKAGE = ROOT / "src" / "burnout"
LAYERS = {"core": 0, "data": 1, "measures": 2, "designs": 2, "stats": 2, "causal": 2,
          "synthesis": 2, "sensitivity": 2, "inference": 2, "report": 3, "simulate": 3,
          "pipeline": 4}
MODULES = sorted(PACKAGE.rglob("*.py"))
SOURCES = MODULES + sorted((ROOT / "src" / "burnout_replica").rglob("*.py"))


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "burnout" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1], 5 if parts[1] == "__main__" else None)


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
    return found


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: _module_name(path))
def test_imports_run_one_way(path):
    own = _layer(_module_name(path))
    if own is None:
        return
    upward = [name for name in _imports(path)
              if _layer(name) is not None and _layer(name) > own]
    assert upward == [], f"{_module_name(path)} (layer {own}) imports from a higher layer"


def test_the_analysis_never_imports_the_replica_generators():
    offenders = [_module_name(path) for path in MODULES
                 if any(name.split(".")[0] == "burnout_replica" for name in _imports(path))]
    assert offenders == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: _module_name(path))
def test_no_module_over_500_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500


def test_no_package_over_12_modules():
    packages = {path.parent for path in SOURCES}
    sizes = {package.relative_to(ROOT).as_posix():
             len([path for path in package.glob("*.py") if path.name != "__init__.py"])
             for package in packages}
    assert {name: size for name, size in sizes.items() if size > 12} == {}


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: _module_name(path))
def test_no_function_longer_than_a_screen_and_a_half(path):
    """At most 75 lines of code per function (its docstring not counted)."""
    long = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            has_docstring = (isinstance(body[0], ast.Expr)
                             and isinstance(getattr(body[0], "value", None), ast.Constant)
                             and isinstance(body[0].value.value, str))
            start = body[0].end_lineno + 1 if has_docstring and len(body) > 1 else node.lineno
            if node.end_lineno - start + 1 > 75:
                long.append(f"{node.name} ({node.end_lineno - start + 1} lines)")
    assert long == []


def test_notebooks_never_test_a_design_by_name():
    text = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "notebooks").glob("*"))
    for name in ("randomized", "nonrandomized", "single_group", "quasi_experimental"):
        assert f'design == \\"{name}\\"' not in text and f"design == '{name}'" not in text
        assert f'design != \\"{name}\\"' not in text
