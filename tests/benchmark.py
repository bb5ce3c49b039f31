"""Measure the performance budgets of DESIGN.md section 8 and print them (`make bench`).

Budgets are measured, not asserted: timings on a shared machine vary, so a timed unit test
would fail for reasons that have nothing to do with the code. Run `make bench` after a change
that could slow the pipeline and compare with the budgets printed beside each measurement.

    python tests/benchmark.py            # full rebuild, no-op rebuild, test suite
    python tests/benchmark.py --env      # also time creating the environment from scratch
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from burnout.rebuild import project_files  # noqa: E402

GENERATED = ("data/processed/", "figures/", "tables/", "reports/")


def _timed(command: list[str], cwd: Path, environment: dict) -> tuple[float, int]:
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started, result.returncode


def _scratch_copy(destination: Path) -> Path:
    copy = destination / "project"
    for name in project_files(ROOT):
        if not name.startswith(GENERATED):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", action="store_true", help="also time environment creation")
    parser.add_argument("--study", default="mentorship")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="burnout-bench-") as scratch:
        copy = _scratch_copy(Path(scratch))
        environment = dict(os.environ, BURNOUT_ROOT=str(copy), PYTHONPATH=str(copy / "src"))
        make = ["make", "--no-print-directory", f"VENV={ROOT / '.venv'}"]
        seconds, status = _timed([*make, "all", f"STUDY={args.study}"], copy, environment)
        rows.append(
            (f"make all STUDY={args.study} (from clean, env in place)", seconds, 60, status)
        )
        # the same goal again: only the study just built is up to date in the scratch copy
        seconds, status = _timed([*make, "all", f"STUDY={args.study}"], copy, environment)
        rows.append((f"make all STUDY={args.study} again (no-op)", seconds, 2, status))
        seconds, status = _timed([*make, "test"], ROOT, dict(os.environ))
        rows.append(("make test", seconds, 300, status))
        if args.env:
            venv = Path(scratch) / "venv"
            seconds, status = _timed(
                [
                    "bash",
                    "-c",
                    f"python3.11 -m venv {venv} && {venv}/bin/pip install -q "
                    f"-r {ROOT / 'requirements.txt'} && {venv}/bin/pip install -q --no-deps "
                    f"--no-build-isolation -e {ROOT}",
                ],
                ROOT,
                dict(os.environ),
            )
            rows.append(("environment creation from requirements.txt", seconds, 180, status))
    print(f"{'measurement':<55} {'seconds':>8} {'budget':>7}  verdict")
    for label, seconds, budget, status in rows:
        verdict = (
            f"FAILED (exit {status})"
            if status
            else ("within" if seconds <= budget else "OVER BUDGET")
        )
        print(f"{label:<55} {seconds:8.1f} {budget:7d}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
