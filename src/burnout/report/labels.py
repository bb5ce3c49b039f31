"""The names a reader sees for scores and yes/no outcomes, read from the instrument registry.

A score's display name ("Emotional exhaustion", "Self-compassion (SCS-SF, 12-60)") and a flag's
label ("High emotional exhaustion") are written once, in the instrument's YAML file; tables,
figures and captions ask :func:`outcome_label`.
"""

from __future__ import annotations

from functools import lru_cache

from burnout.data.registry import REGISTRY_DIR, load_instrument
from burnout.measures.scoring import BURNOUT_COLUMN

__all__ = ["outcome_label", "outcome_labels"]


@lru_cache(maxsize=1)
def _registry_labels() -> dict[str, str]:
    labels = {BURNOUT_COLUMN: "Burnout"}
    for path in sorted(REGISTRY_DIR.glob("*.yaml")):
        instrument = load_instrument(path.stem)
        labels.update({name: score.display for name, score in instrument.subscales.items()})
        labels.update({name: cutoff.label for name, cutoff in instrument.cutoffs.items()})
    return labels


def outcome_label(name: str) -> str:
    """The display name of a score or flag (``ee``, ``ee_change``, ``high_ee_post`` ...).

    A ``_pre``, ``_post`` or ``_change`` suffix is dropped; a name the registry does not know is
    returned as it is.

    Examples
    --------
    >>> outcome_label("ee"), outcome_label("high_dp_post"), outcome_label("burnout")
    ('Emotional exhaustion', 'High depersonalization', 'Burnout')
    """
    labels = _registry_labels()
    if name in labels:
        return labels[name]
    for suffix in ("_change", "_post", "_pre"):
        if name.endswith(suffix) and name[: -len(suffix)] in labels:
            return labels[name[: -len(suffix)]]
    return name


def outcome_labels(names) -> dict[str, str]:
    """``{name: outcome_label(name)}`` for several names.

    Examples
    --------
    >>> outcome_labels(["pa"])
    {'pa': 'Personal accomplishment'}
    """
    return {name: outcome_label(name) for name in names}
