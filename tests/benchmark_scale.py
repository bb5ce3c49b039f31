"""The scale run of `make bench`: a study's clean -> adjusted stages on k-fold copies of its data.

Each copy tiles the study's roster and wave exports ``k`` times; every copy but the first gets
its participant ids, response ids and identifier columns suffixed ``x<j>``, so the k-fold study
has k times the participants, each with the same answers as one original participant. The
stages' notebook code then runs in one Python process (as the one-process floor of
``benchmark.py``: no kernel, no papermill), from ``clean`` through ``adjusted``; the child
reports the seconds of each stage and its peak resident memory. Time that grows k-fold with k
is linear growth.

    python tests/benchmark.py --only scale                 # x10, x100, x1,000
    python tests/benchmark.py --only scale --scale 10000   # also x10,000 (Study A: 1.5M rows)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

LAST_STAGE = "adjusted"
BUDGET_SECONDS, BUDGET_MB = 60.0, 4096.0  # at x10,000 of Study A (about 1.35M respondents)
# How dear new memory is on this machine: a fresh process writes 1 GiB it has never held, frees
# it, and writes 1 GiB again (the pages the kernel just got back). On a virtual machine whose
# host takes back memory left unused, the first is many times the second; the scale run must
# touch its whole peak at least once, so this is part of every scale time.
FRESH_MEMORY_PROBE = """
import time
import numpy as np
started = time.perf_counter(); block = np.ones(1 << 27); fresh = time.perf_counter() - started
del block
started = time.perf_counter(); block = np.ones(1 << 27); again = time.perf_counter() - started
print(fresh, again)
"""


def _tile(path: Path, factor: int, columns: list[str]) -> int:
    """Write ``factor`` copies of the CSV at ``path``, ``columns`` suffixed in copies 1...;
    return the number of data rows written."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    parts = [frame]
    for copy in range(1, factor):
        part = frame.copy()
        for column in (column for column in columns if column in part):
            part[column] = part[column].where(part[column] == "", part[column] + f"x{copy}")
        parts.append(part)
    pd.concat(parts, ignore_index=True).to_csv(path, index=False)
    return len(frame) * factor


def scale_study(project: Path, study: str, factor: int, python: str, environment: dict) -> int:
    """Tile ``study``'s roster and waves in the copy ``project``; accept the new checksums.
    Returns the number of participants on the roster."""
    sys.path.insert(0, str(project / "src"))
    from burnout.data.study import load_study

    described = load_study(study, project / "data" / "raw")
    folder = project / "data" / "raw" / study
    roster = described.roster
    participants = _tile(folder / roster.file, factor, [roster.id, *roster.identifiers])
    for wave in described.waves:
        ids = [wave.id, *(wave.identifiers or ()),
               *([wave.response_id] if wave.response_id else [])]
        _tile(folder / wave.file, factor, ids)
    subprocess.run([python, "-m", "burnout", "accept", study], cwd=project, env=environment,
                   check=True, capture_output=True)
    return participants


def run_stages(study: str, last: str | None = LAST_STAGE) -> dict:
    """Run ``study``'s stages up to ``last`` (None: all) in this process, one IPython shell, no
    kernel and no papermill; the seconds of each stage and the peak resident memory (MB).
    The C allocator is set as in a stage's kernel (``load_ipython_extension``)."""
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from burnout.core.memory import keep_freed_memory
    from burnout.core.paths import NOTEBOOKS_DIR
    from burnout.data.study import load_study
    from burnout.designs import design_of
    from burnout.pipeline.parameters import load_parameters, stage_parameters
    from burnout.pipeline.stages import study_stages

    keep_freed_memory()
    described, params = load_study(study), load_parameters(study)
    design, shell, seconds = design_of(described), InteractiveShell.instance(), {}
    for stage in study_stages(described, params.get("stages")):
        notebook = nbformat.read(NOTEBOOKS_DIR / f"{stage.notebook}.ipynb", as_version=4)
        parameters = stage_parameters(study, stage.name, design, params)
        started = time.perf_counter()
        shell.reset(new_session=False)
        with capture_output():
            for cell in (cell for cell in notebook.cells if cell.cell_type == "code"):
                shell.run_cell(cell.source).raise_error()
                if "parameters" in cell.metadata.get("tags", []):
                    shell.user_ns.update(parameters)
        seconds[stage.name] = round(time.perf_counter() - started, 3)
        if stage.name == last:
            break
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
            "user_s": round(usage.ru_utime, 1), "system_s": round(usage.ru_stime, 1)}


def fresh_memory_row(python: str, row) -> dict:
    """The machine's cost of new memory: seconds to write 1 GiB never held, and again."""
    fresh, again = map(float, subprocess.run([python, "-c", FRESH_MEMORY_PROBE], check=True,
                                             capture_output=True, text=True).stdout.split())
    return row("machine: writing 1 GiB of memory the process never held", "1 GiB",
               f"{fresh:.2f} s", "the same again, just freed", f"{again:.2f} s",
               versus=f"{fresh / again:.0f}x: new memory is dear here (the scale run touches "
                      "its whole peak at least once; its system time is below)")


def scale_rows(study: str, factors: list[int], scratch: Path, copy_project, row) -> list[dict]:
    """One row per factor: clean -> adjusted seconds and peak memory, and the time per 1,000
    participants (constant when the growth is linear)."""
    python = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "python")
    rows = [fresh_memory_row(python, row)]
    for factor in factors:
        project = copy_project(scratch / f"x{factor}")
        environment = dict(os.environ, BURNOUT_ROOT=str(project),
                           PYTHONPATH=str(project / "src"), MPLBACKEND="Agg")
        participants = scale_study(project, study, factor, python, environment)
        output = subprocess.run([python, "tests/benchmark.py", "--scale-stages", study],
                                cwd=project, env=environment, check=True, capture_output=True,
                                text=True).stdout
        measured = json.loads(output.strip().splitlines()[-1])
        total, peak = sum(measured["seconds"].values()), measured["peak_mb"]
        stages = ", ".join(f"{name} {value:.1f}" for name, value in measured["seconds"].items())
        budget = factor >= 10_000
        rows.append(row(f"scale: {study} x{factor:,}, clean -> {LAST_STAGE}",
                        f"{participants:,} participants", f"{total:.1f} s", "peak memory",
                        f"{peak:.0f} MB",
                        budget=(f"< {BUDGET_SECONDS:.0f} s, < {BUDGET_MB / 1024:.0f} GB"
                                if budget else ""),
                        met=(total < BUDGET_SECONDS and peak < BUDGET_MB) if budget else None,
                        versus=(f"{total / participants * 1000:.2f} s per 1k participants "
                                f"({stages}; CPU: user {measured['user_s']:.1f} s, system "
                                f"{measured['system_s']:.1f} s)")))
    return rows
