"""Response scales of evaluation surveys (Likert agreement, satisfaction), defined as data.

An evaluation survey's items are answered on a scale: ``agreement_5`` runs from 1 (strongly
disagree) to 5 (strongly agree). Each scale is one YAML file in
``src/burnout/data/registry/response_scales/`` with ``name``, ``title``, ``minimum``,
``maximum``, ``labels`` (value: label) and ``agree`` (the levels counted as agreeing). A study
names its scale in ``evaluations.<name>.scale``; a new scale is a new file, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from burnout.core.errors import DataError

__all__ = ["SCALES_DIR", "Scale", "load_scale", "list_scales"]

SCALES_DIR = Path(__file__).resolve().parent / "response_scales"  # one YAML file per scale
# Data files this module reads (the pipeline re-runs a stage when one changes).
DATA_FILES = ("response_scales/*.yaml",)
_KEYS = ("name", "title", "minimum", "maximum", "labels", "agree")


@dataclass(frozen=True)
class Scale:
    """A response scale: its range, the label of each level and the levels that agree."""

    name: str
    title: str
    minimum: int
    maximum: int
    labels: dict[int, str]
    agree: tuple[int, ...]

    @property
    def levels(self) -> tuple[int, ...]:
        """Every level from the minimum to the maximum."""
        return tuple(range(self.minimum, self.maximum + 1))


def list_scales() -> list[str]:
    """Names of the scales of the registry.

    Examples
    --------
    >>> "agreement_5" in list_scales()
    True
    """
    return sorted(path.stem for path in SCALES_DIR.glob("*.yaml"))


def load_scale(name: str) -> Scale:
    """Read and check one scale of the registry.

    Raises
    ------
    DataError
        When the scale is unknown (the known ones are listed) or its file breaks a rule.

    Examples
    --------
    >>> scale = load_scale("agreement_5")
    >>> scale.levels, scale.agree, scale.labels[4]
    ((1, 2, 3, 4, 5), (4, 5), 'agree')
    """
    path = SCALES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise DataError(f"scale '{name}' is not in the registry ({SCALES_DIR}); known scales: "
                        f"{', '.join(list_scales())}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = []
    if not isinstance(raw, dict) or sorted(raw) != sorted(_KEYS):
        raise DataError(f"{path.name}: a scale has exactly the keys {', '.join(_KEYS)}")
    if raw["name"] != name:
        problems.append(f"name must be '{name}' (the file name)")
    minimum, maximum = raw["minimum"], raw["maximum"]
    if not (isinstance(minimum, int) and isinstance(maximum, int) and minimum < maximum):
        problems.append("minimum and maximum must be whole numbers, minimum < maximum")
    levels = set(range(minimum, maximum + 1)) if not problems else set()
    labels = {int(value): str(label) for value, label in (raw["labels"] or {}).items()}
    problems += [f"label of {value} is outside {minimum}-{maximum}"
                 for value in labels if value not in levels]
    agree = tuple(int(value) for value in raw["agree"] or ())
    problems += [f"agree level {value} is outside {minimum}-{maximum}"
                 for value in agree if value not in levels]
    if problems:
        raise DataError(f"{path.name}: " + "; ".join(problems))
    return Scale(name, str(raw["title"]), minimum, maximum, labels, agree)
