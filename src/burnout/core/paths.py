"""Every path of the compendium, defined once, relative to the project root.

Human-written inputs (``notebooks/``, ``params/``, ``data/raw/``) are kept apart from
generated outputs (``data/processed/``, ``figures/``, ``tables/``, ``reports/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The project root: two levels above this file (src/burnout/paths.py). The environment
# variable BURNOUT_ROOT overrides it, which the rebuild check uses to build in a copy.
ROOT = Path(os.environ.get("BURNOUT_ROOT", Path(__file__).resolve().parents[3])).resolve()

NOTEBOOKS_DIR = ROOT / "notebooks"  # notebook templates, outputs stripped (human-written)
PARAMS_DIR = ROOT / "params"  # one YAML parameter file per study (human-written)
RAW_DIR = ROOT / "data" / "raw"  # raw exports, read-only, one folder per study
PROCESSED_DIR = ROOT / "data" / "processed"  # derived tables (generated)
FIGURES_DIR = ROOT / "figures"  # PNG + PDF figures (generated)
TABLES_DIR = ROOT / "tables"  # publication tables (generated)
REPORTS_DIR = ROOT / "reports"  # executed notebooks, numbers, reports (generated)
TESTS_DIR = ROOT / "tests"  # tests and their reference values (human-written)
BUILD_DIR = ROOT / ".build"  # make's and the runner's own bookkeeping (generated, never committed)

# Folders whose content the pipeline regenerates; `make clean` empties exactly these.
GENERATED_DIRS = (PROCESSED_DIR, FIGURES_DIR, TABLES_DIR, REPORTS_DIR)


@dataclass(frozen=True)
class StudyPaths:
    """The folders of one study.

    Examples
    --------
    >>> paths = study_paths("mentorship")
    >>> paths.raw.name
    'mentorship'
    """

    study: str
    raw: Path  # data/raw/<study>/
    processed: Path  # data/processed/<study>/
    figures: Path  # figures/<study>/
    tables: Path  # tables/<study>/
    reports: Path  # reports/<study>/
    params: Path  # params/<study>.yaml


def study_paths(study: str) -> StudyPaths:
    """Return the folders of ``study`` (see :class:`StudyPaths`)."""
    return StudyPaths(
        study=study,
        raw=RAW_DIR / study,
        processed=PROCESSED_DIR / study,
        figures=FIGURES_DIR / study,
        tables=TABLES_DIR / study,
        reports=REPORTS_DIR / study,
        params=PARAMS_DIR / f"{study}.yaml",
    )
