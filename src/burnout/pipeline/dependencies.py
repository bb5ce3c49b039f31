"""Which source files a stage's results depend on, found from the code, never listed by hand.

A stage notebook imports functions of :mod:`burnout`; those modules import others. The files of
that import closure (and the data files a module reads, declared in the module itself by
``DATA_FILES``, e.g. the instrument registry's YAML files) are what the stage's outputs depend on:
a change to any of them re-runs the stage, a change elsewhere does not.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from functools import cache
from pathlib import Path

from burnout.core.paths import ROOT

__all__ = ["notebook_imports", "module_closure", "stage_sources", "library_imports"]

_PACKAGE_DIR = ROOT / "src" / "burnout"


def _module_file(name: str) -> Path | None:
    """The source file of module ``burnout.x.y`` (its ``__init__.py`` for a package)."""
    parts = name.split(".")
    if parts[0] != "burnout":
        return None
    base = _PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _import_statements(source: str) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of ``source``, anywhere (top level or in functions), in order."""
    return [node for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.Import, ast.ImportFrom))]


def _imports(statements: list, package: str = "") -> set[str]:
    """Modules of :mod:`burnout` imported by the import ``statements``."""
    found: set[str] = set()
    for node in statements:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("burnout"))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative import inside the package
                module = importlib.util.resolve_name("." * node.level + module, package)
            if module.startswith("burnout"):
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name for name in found if _module_file(name) is not None}


def notebook_imports(notebook: Path) -> set[str]:
    """Modules of :mod:`burnout` a notebook's code cells import.

    Examples
    --------
    >>> sorted(notebook_imports(ROOT / "notebooks" / "03_describe.ipynb"))[:1]
    ['burnout.core.catalog']
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return _imports(_import_statements(source))


@cache
def _module_statements(name: str) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of module ``name``, parsed once per process (the batch asks for
    the libraries of every pending stage, whose modules overlap; parsing is most of its time)."""
    return _import_statements(_module_file(name).read_text(encoding="utf-8"))


@cache
def _direct(name: str) -> frozenset[str]:
    path = _module_file(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    parents = {".".join(name.split(".")[:index]) for index in range(1, len(name.split(".")))}
    return frozenset(_imports(_module_statements(name), package) | parents)


def module_closure(names: set[str]) -> set[str]:
    """Every :mod:`burnout` module ``names`` import, directly or not (``names`` included)."""
    seen: set[str] = set()
    stack = [name for name in names if _module_file(name) is not None]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(_direct(name) - seen)
    return seen


def _data_files(path: Path) -> list[str]:
    """The ``DATA_FILES`` globs a module declares (relative to its folder)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and any(isinstance(target, ast.Name)
                                                  and target.id == "DATA_FILES"
                                                  for target in node.targets)):
            return list(ast.literal_eval(node.value))
    return []


def stage_sources(notebook: Path) -> list[str]:
    """Root-relative source files (and data-file globs) a stage notebook's results depend on.

    Examples
    --------
    >>> sources = stage_sources(ROOT / "notebooks" / "02_score.ipynb")
    >>> "src/burnout/measures/scoring.py" in sources
    True
    >>> "src/burnout/data/registry/instruments/*.yaml" in sources
    True
    """
    files: set[str] = set()
    for name in module_closure(notebook_imports(notebook)):
        path = _module_file(name)
        files.add(path.relative_to(ROOT).as_posix())
        for pattern in _data_files(path):
            files.add((path.parent / pattern).relative_to(ROOT).as_posix())
    return sorted(files)


def _library_names(statements: list) -> list[str]:
    """Modules outside :mod:`burnout` and the standard library that the import ``statements``
    import (``from a import b`` names ``a.b``: b may be a module), in order."""
    names = []
    for node in statements:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in names if name.split(".")[0] != "burnout"
            and name.split(".")[0] not in sys.stdlib_module_names]


def library_imports(notebook: Path) -> list[str]:
    """The libraries a stage imports: its notebook's imports of modules outside :mod:`burnout`
    and the standard library, then those of the :mod:`burnout` modules it uses (at their top or
    in a function), in order, each once. ``from a import b`` gives ``a.b``, which may name a
    module or an attribute.

    The runner has a stage's kernel import them while it starts (:mod:`burnout.pipeline.kernel`).

    Examples
    --------
    >>> names = library_imports(ROOT / "notebooks" / "05_adjusted.ipynb")
    >>> names[:2], "statsmodels.regression.linear_model.OLS" in names
    (['matplotlib.pyplot', 'pandas'], True)
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    names = []
    for cell in cells:
        if cell["cell_type"] == "code":
            names += _library_names(_import_statements("".join(cell["source"])))
    for name in sorted(module_closure(notebook_imports(notebook))):
        names += _module_libraries(name)
    return list(dict.fromkeys(names))


@cache
def _module_libraries(name: str) -> tuple[str, ...]:
    """:func:`_library_names` of module ``name``."""
    return tuple(_library_names(_module_statements(name)))
