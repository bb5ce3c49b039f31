"""The rebuild check: regenerate every generated file from a clean state and compare.

The human-written files of the working tree (everything git tracks or would track, outside the
generated folders) are copied to a scratch folder, ``make all`` runs there from nothing, and every
generated file is compared byte for byte with the working tree's copy. Any difference, any file
the rebuild makes that the tree lacks, and any generated file of the tree the rebuild no longer
makes are named, and the check fails.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from burnout.core.paths import GENERATED_DIRS, ROOT

__all__ = ["rebuild_check", "compare_trees", "project_files", "perturbed_environment"]

_GENERATED_PREFIXES = tuple(str(path.relative_to(ROOT)) + "/" for path in GENERATED_DIRS)


def project_files(root: Path = ROOT) -> list[str]:
    """Files git tracks or would track (not ignored), relative to ``root``, sorted."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return sorted({name for name in listed.split("\0") if name and (root / name).is_file()})


def _generated(files: list[str]) -> set[str]:
    return {
        name
        for name in files
        if name.startswith(_GENERATED_PREFIXES) and not name.endswith(".gitkeep")
    }


def compare_trees(rebuilt_root: Path, reference_root: Path, reference_files: set[str]) -> dict:
    """Compare the generated files of a rebuild with those of a reference tree.

    Returns
    -------
    dict
        ``differ`` (same path, other bytes), ``not_rebuilt`` (in the reference, not made by the
        rebuild) and ``not_in_tree`` (made by the rebuild, absent from the reference), each a
        sorted list of paths relative to the roots.
    """
    rebuilt = _generated(
        [str(path.relative_to(rebuilt_root)) for path in rebuilt_root.rglob("*") if path.is_file()]
    )
    common = sorted(rebuilt & reference_files)
    differ = [
        name
        for name in common
        if not filecmp.cmp(rebuilt_root / name, reference_root / name, shallow=False)
    ]
    return {
        "differ": differ,
        "not_rebuilt": sorted(reference_files - rebuilt),
        "not_in_tree": sorted(rebuilt - reference_files),
    }


def perturbed_environment() -> dict[str, str]:
    """Settings under which a rebuild must still give the same bytes (``--perturb``).

    One BLAS/OpenMP thread, another time zone and locale, another hash seed, and numpy's
    optional CPU features (the dispatch targets this machine has, e.g. AVX2/FMA, AVX512)
    switched off, so numpy runs its baseline code paths.

    Examples
    --------
    >>> settings = perturbed_environment()
    >>> settings["OPENBLAS_NUM_THREADS"], settings["PYTHONHASHSEED"]
    ('1', '20261130')
    """
    from numpy._core import _multiarray_umath as numpy_core

    available = [feature for feature in numpy_core.__cpu_dispatch__
                 if numpy_core.__cpu_features__.get(feature)]
    settings = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "TZ": "Pacific/Chatham", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                "PYTHONHASHSEED": "20261130"}
    if available:
        settings["NPY_DISABLE_CPU_FEATURES"] = " ".join(available)
    return settings


def rebuild_check(studies: list[str] | None = None, root: Path = ROOT,
                  compare: bool = True, perturb: bool = False) -> int:
    """Rebuild ``studies`` (default: all) in a scratch copy of ``root``; return 0 when identical.

    Every stage of the rebuild runs with the dependency audit (a stage that opens an undeclared
    file fails the build). With ``compare`` (default) every generated file is then compared
    byte for byte with the working tree's; one line names each offending file and the exit
    status is 1 when any differs. ``compare=False`` is ``make check-deps``: the audit alone.
    ``perturb`` rebuilds under :func:`perturbed_environment` (``make rebuild-check PERTURB=1``).
    """
    files = project_files(root)
    reference = _generated(files)
    with tempfile.TemporaryDirectory(prefix="burnout-rebuild-") as scratch:
        copy = Path(scratch) / "project"
        for name in files:
            if name.startswith(_GENERATED_PREFIXES):
                continue
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, copy / name)
        environment = dict(os.environ, BURNOUT_ROOT=str(copy), PYTHONPATH=str(copy / "src"),
                           **(perturbed_environment() if perturb else {}))
        if perturb:
            print(f"rebuild check: perturbed settings {perturbed_environment()}",
                  file=sys.stderr)
        # Two jobs: independent stages (and studies) rebuild side by side on the two cores.
        command = ["make", "--no-print-directory", "--jobs=2", "all", f"VENV={root / '.venv'}"]
        if studies:
            command.append(f"STUDIES={' '.join(studies)}")
            reference = {
                name for name in reference if any(f"/{study}/" in f"/{name}" for study in studies)
            }
        print(f"rebuild check: rebuilding from a clean copy in {copy}", file=sys.stderr)
        result = subprocess.run(command, cwd=copy, env=environment)
        if result.returncode != 0:
            print("rebuild check: FAILED, `make all` failed in the clean copy", file=sys.stderr)
            return 1
        if not compare:
            print("check-deps: OK, every stage opened only the files it declares",
                  file=sys.stderr)
            return 0
        found = compare_trees(copy, root, reference)
    problems = [(kind, name) for kind, names in found.items() for name in names]
    explanations = {
        "differ": "differs from the rebuilt file (edited by hand, or outputs not regenerated)",
        "not_rebuilt": "is in the tree but the pipeline no longer makes it (stale output)",
        "not_in_tree": "is made by the pipeline but missing from the tree (run make all, commit)",
    }
    for kind, name in problems:
        print(f"rebuild check: {name} {explanations[kind]}", file=sys.stderr)
    if problems:
        print(
            f"rebuild check: FAILED, {len(problems)} generated file(s) do not match",
            file=sys.stderr,
        )
        return 1
    print(
        f"rebuild check: OK, {len(reference)} generated files rebuilt byte-identical",
        file=sys.stderr,
    )
    return 0
