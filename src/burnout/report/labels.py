"""The names a reader sees for scores and yes/no outcomes, read from the instrument registry.

A score's display name ("Emotional exhaustion", "Self-compassion (SCS-SF, 12-60)") and a flag's
label ("High emotional exhaustion") are written once, in the instrument's YAML file; tables,
figures and captions ask :func:`outcome_label`. The roster's variables (covariates, site) are
named by the study's codebook (:func:`codebook_labels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from burnout.data.registry import REGISTRY_DIR, load_instrument
from burnout.measures.scoring import BURNOUT_COLUMN

__all__ = ["outcome_label", "outcome_labels", "outcome_family", "codebook_labels"]


@lru_cache(maxsize=1)
def _registry_labels() -> dict[str, str]:
    labels = {BURNOUT_COLUMN: "Burnout"}
    for path in sorted(REGISTRY_DIR.glob("*.yaml")):
        instrument = load_instrument(path.stem)
        labels.update({name: score.display for name, score in instrument.subscales.items()})
        labels.update({name: cutoff.label for name, cutoff in instrument.cutoffs.items()})
    return labels


def _short_title(title: str) -> str:
    """``"Name - Version (ABBR)"`` -> ``"Name (ABBR)"``: the instrument without its version."""
    depth, start = 0, None
    for position in range(len(title) - 1, -1, -1):  # the last top-level parenthesis
        depth += {")": 1, "(": -1}.get(title[position], 0)
        if depth == 0 and title[position] == "(":
            start = position
            break
    if start is None or " - " not in title[:start]:
        return title
    return f"{title[:start].split(' - ')[0].strip()} {title[start:]}"


@lru_cache(maxsize=1)
def _registry_families() -> dict[str, str]:
    families = {}
    for path in sorted(REGISTRY_DIR.glob("*.yaml")):
        instrument = load_instrument(path.stem)
        title = _short_title(instrument.title)
        families.update({name: title for name in (*instrument.subscales, *instrument.cutoffs)})
    return families


def _base_name(name: str, known) -> str:
    """``name`` without a ``_pre``, ``_post`` or ``_change`` suffix when ``known`` has it."""
    for suffix in ("_change", "_post", "_pre"):
        if name not in known and name.endswith(suffix) and name[: -len(suffix)] in known:
            return name[: -len(suffix)]
    return name


def outcome_family(name: str) -> str:
    """The instrument measuring a score or flag: the outcome family whose scale it shares.

    Scores of one instrument are on comparable scales and may share a forest-plot panel; those
    of different instruments may not. The name is the registry's title without its version
    (``"Name (ABBR)"``). A name the registry does not know is its own family (its
    display name).

    Examples
    --------
    >>> outcome_family("ee") == outcome_family("dp_change")
    True
    >>> outcome_family("self_compassion"), outcome_family("ee")
    ('Self-Compassion Scale (SCS-SF)', 'Maslach Burnout Inventory (MBI-HSS (MP))')
    >>> outcome_family("my_score")
    'my_score'
    """
    families = _registry_families()
    return families.get(_base_name(name, families), outcome_label(name))


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


def codebook_labels(package: Mapping) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Display names and level labels of the roster's variables, from the study's codebook.

    Parameters
    ----------
    package : mapping
        The codebook (``data/processed/<study>/datapackage.json``,
        :func:`burnout.data.codebook.build_codebook`).

    Returns
    -------
    labels : dict
        Analysis name (a field's ``analysisName``, else its column) -> display name: the
        field's ``label`` (the study file's ``roster.labels``), else the name with spaces,
        capitalized (``applying_em`` -> ``Applying em``).
    levels : dict
        Analysis name -> {value -> label}: the field's ``valueLabels``; a level without one is
        shown as it is, spaces for ``_``, capitalized.

    Examples
    --------
    >>> package = {"resources": [{"schema": {"fields": [
    ...     {"name": "EM", "analysisName": "em", "label": "Applying to EM",
    ...      "valueLabels": {"0": "No", "1": "Yes"}},
    ...     {"name": "site", "title": "site"}]}}]}
    >>> codebook_labels(package)
    ({'em': 'Applying to EM', 'site': 'Site'}, {'em': {'0': 'No', '1': 'Yes'}})
    """
    labels, levels = {}, {}
    for resource in package.get("resources", []):
        for entry in resource.get("schema", {}).get("fields", []):
            name = str(entry.get("analysisName", entry["name"]))
            if name in labels:
                continue
            labels[name] = str(entry.get("label") or name.replace("_", " ").capitalize())
            if entry.get("valueLabels"):
                levels[name] = {str(key): str(value)
                                for key, value in entry["valueLabels"].items()}
    return labels, levels
