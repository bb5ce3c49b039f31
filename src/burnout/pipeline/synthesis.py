"""The evidence synthesis: one compendium-level stage after every study's own stages.

``python -m burnout synthesis`` (run by ``make all`` when it builds every study) executes
``notebooks/11_synthesis.ipynb`` into ``reports/synthesis/11_synthesis.ipynb``. It reads, for
every study, its study file, the standardized effects of its unadjusted stage and the dose
results of its adjusted stage, plus ``published/evidence.csv`` and a user's
``data/evidence/*.csv``; it writes ``figures/synthesis/`` and ``tables/synthesis/``. Like a
study's stage it is audited: a file it opens without declaring it fails the run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from burnout.core.catalog import study_files, template, undeclared_files
from burnout.data.study import list_studies
from burnout.pipeline.runner import run_notebook

__all__ = ["SYNTHESIS", "SYNTHESIS_NOTEBOOK", "synthesis_reads", "synthesis_writes",
           "run_synthesis"]

# The folder name of the synthesis' outputs under figures/, tables/ and reports/ (not a study:
# a study folder of this name is refused by `python -m burnout synthesis`).
SYNTHESIS = "synthesis"
SYNTHESIS_NOTEBOOK = "11_synthesis"


def synthesis_reads(studies: list[str]) -> list[str]:
    """The root-relative glob patterns the synthesis may read.

    Examples
    --------
    >>> synthesis_reads(["pilot"])[:3]
    ['published/evidence.csv', 'data/evidence/*.csv', 'data/raw/pilot/study.yaml']
    """
    found = [template("evidence", SYNTHESIS), template("user_evidence", SYNTHESIS)]
    for study in studies:
        found += [template("study_file", study), template("unadjusted", study, "effect_sizes"),
                  template("adjusted", study, "dose")]
    return found


def synthesis_writes() -> list[str]:
    """The root-relative glob patterns the synthesis writes."""
    return [template("figure", SYNTHESIS), template("table", SYNTHESIS),
            template("notebook", SYNTHESIS, SYNTHESIS_NOTEBOOK)]


def _undeclared(studies: list[str]) -> Callable[[set[str], set[str]], list[str]]:
    return undeclared_files("the synthesis", "src/burnout/pipeline/synthesis.py",
                            synthesis_reads(studies), synthesis_writes())


def run_synthesis(log: Callable[[str], None] | None = None, kernel=None) -> Path:
    """Execute the synthesis notebook over every study; return the executed notebook's path.

    ``kernel``: its :class:`~burnout.pipeline.kernel.StageKernel`, already started (optional).

    Raises
    ------
    DataError
        When a study is named like the synthesis' own folder, or an estimates file is invalid.
    StageError
        When a cell fails (the notebook is kept under ``reports/synthesis/failed/``).
    """
    from burnout.core.errors import DataError

    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    studies = list_studies()
    if SYNTHESIS in studies:
        raise DataError(f"data/raw/{SYNTHESIS}/: '{SYNTHESIS}' is the name of the evidence "
                        "synthesis' folder; rename the study")
    target = study_files(SYNTHESIS).notebook(SYNTHESIS_NOTEBOOK)
    log(f"[{SYNTHESIS}] evidence synthesis of {', '.join(studies)}: running "
        f"notebooks/{SYNTHESIS_NOTEBOOK}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    return run_notebook(SYNTHESIS, SYNTHESIS, SYNTHESIS_NOTEBOOK, {"studies": studies},
                        _undeclared(studies), target, log, kernel)
