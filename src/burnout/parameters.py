"""Reading a study's parameter file, ``params/<study>.yaml``.

The file holds ``study``, the ``stages`` to run, the replica generator's ``seed`` and one
section per stage whose keys are the papermill parameters of that stage's notebook. Every
notebook receives ``study`` plus its own section; a key the notebook does not declare is an
error.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from burnout.errors import DataError
from burnout.paths import PARAMS_DIR

__all__ = ["load_parameters", "stage_parameters", "list_studies"]

_TOP_LEVEL_KEYS = {"study", "title", "synthetic", "stages", "seed"}


def list_studies() -> list[str]:
    """Names of the studies that have a parameter file, sorted.

    Examples
    --------
    >>> "mentorship" in list_studies()
    True
    """
    return sorted(path.stem for path in PARAMS_DIR.glob("*.yaml"))


def load_parameters(study: str, params_dir: Path = PARAMS_DIR) -> dict:
    """Load and check ``params/<study>.yaml``.

    Raises
    ------
    DataError
        When the file is missing, is not a mapping, names another study, or has a top-level
        key that is neither a known setting nor a stage listed in ``stages``.
    """
    path = params_dir / f"{study}.yaml"
    if not path.is_file():
        known = ", ".join(list_studies()) or "none"
        raise DataError(f"{path}: no parameter file for study '{study}' (known: {known})")
    with path.open(encoding="utf-8") as handle:
        params = yaml.safe_load(handle)
    if not isinstance(params, dict):
        raise DataError(f"{path}: expected a mapping of settings, got {type(params).__name__}")
    if params.get("study") != study:
        raise DataError(f"{path}: key 'study' must be '{study}', got {params.get('study')!r}")
    stages = params.get("stages")
    if not isinstance(stages, list) or not stages:
        raise DataError(f"{path}: key 'stages' must be a non-empty list of stage names")
    unknown = sorted(set(params) - _TOP_LEVEL_KEYS - set(stages))
    if unknown:
        raise DataError(
            f"{path}: unknown top-level key(s) {unknown}; allowed: {sorted(_TOP_LEVEL_KEYS)} "
            f"and the stage names listed in 'stages'"
        )
    for stage in stages:
        section = params.get(stage) or {}
        if not isinstance(section, dict):
            raise DataError(f"{path}: section '{stage}' must be a mapping of parameters")
    return params


def stage_parameters(params: dict, stage: str) -> dict:
    """The papermill parameters of one stage: ``study`` plus the stage's own section."""
    values = {"study": params["study"]}
    values.update(params.get(stage) or {})
    return values
