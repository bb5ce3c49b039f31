"""The instrument registry: questionnaires defined as data, one YAML file each.

A questionnaire (an *instrument*) is described entirely by a YAML file in this folder:
its items (columns named ``<item_prefix><two-digit number>``, e.g. ``mbi_01`` ... ``mbi_22``),
the response range, the subscales (which item numbers add up to which score), the items that
are reverse-scored, the scoring rule (``sum`` or ``mean``), how many items may be missing
before a score is left missing (the prorating rule), the default cut-offs that turn scores
into categories, and its source and copyright. The scorer (:mod:`burnout.measures.scoring`) reads
nothing else, so a user adds an instrument by adding a file, without touching code.

:func:`load_instrument` reads and validates one definition (a bad one raises
:class:`~burnout.core.errors.DataError` listing every problem); :func:`list_instruments` lists the
registry.

The YAML fields::

    name: mbi_hss_mp                 # must equal the file name without .yaml
    title, citation, copyright, verification: free text
    item_prefix: mbi_                # item columns are mbi_01, mbi_02, ...
    item_count: 22
    response: {minimum: 0, maximum: 6, labels: {0: never, ...}}   # labels optional
    scoring: sum                     # or mean
    prorating: {maximum_missing_items: 1}   # or {maximum_missing_fraction: 0.2}
    reverse_scored: [ ]              # item numbers scored as minimum + maximum - answer
    subscales: {ee: {label: ..., items: [1, 2, ...]}, ...}
    cutoffs: {high_ee: {score: ee, operator: ">=", threshold: 27}, ...}
    cutoffs_source:                  # optional: where the cut-offs come from (shown in Results)
      reference: the MBI Manual, 3rd edition (1996)   # a phrase, with the edition
      note: its 4th edition advises against cut-offs   # optional caution
    burnout_rules:                   # optional: composite flags built from the cut-offs
      default: ee_or_dp
      rules: {ee_or_dp: {description: ..., any_of: [high_ee, high_dp]}, ...}
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pandas as pd
import yaml

from burnout.core.errors import DataError
from burnout.data.registry.checks import validated_instrument
from burnout.data.registry.instrument import OPERATORS, Cutoff, Instrument, Subscale

__all__ = [
    "REGISTRY_DIR",
    "OPERATORS",
    "Subscale",
    "Cutoff",
    "Instrument",
    "load_instrument",
    "score_names",
    "list_instruments",
]

# The folder holding one YAML definition per instrument.
REGISTRY_DIR = Path(__file__).resolve().parent / "instruments"
# Data files this module reads (the pipeline re-runs a stage when one changes).
DATA_FILES = ("instruments/*.yaml",)

def _registry_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(REGISTRY_DIR.glob("*.yaml"))}


@functools.lru_cache(maxsize=64)
def _registry_instrument(name: str) -> Instrument:
    """A registry instrument, read and validated once per process (definitions are immutable)."""
    path = _registry_files()[name]
    instrument = validated_instrument(_read_yaml(path), path.name)
    if instrument.name != path.stem:
        raise DataError(f"{path.name}: name {instrument.name!r} must equal the file name "
                        f"{path.stem!r}")
    return instrument


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError(f"{path.name}: not valid YAML: {error}") from error


def load_instrument(name: str | os.PathLike[str]) -> Instrument:
    """Read and validate one instrument definition.

    Parameters
    ----------
    name : str or path-like
        The name of an instrument of the registry (a file ``<name>.yaml`` in this package's
        folder, e.g. ``"mbi_hss_mp"``), or the path of a YAML file elsewhere.

    Returns
    -------
    Instrument
        The validated definition.

    Raises
    ------
    DataError
        When the name is not in the registry (the message lists the known names), the file is
        not valid YAML, or the definition breaks a rule (every broken rule is listed, e.g. an
        item number outside 1..item_count, a cut-off on an unknown score, an unknown operator).

    Notes
    -----
    A registry file's ``name`` must equal its file name, so that the name a notebook passes
    is the name the outputs carry.

    Examples
    --------
    >>> mbi = load_instrument("mbi_hss_mp")
    >>> mbi.items[:3], mbi.subscale_columns("dp")
    (('mbi_01', 'mbi_02', 'mbi_03'), ['mbi_05', 'mbi_10', 'mbi_11', 'mbi_15', 'mbi_22'])
    >>> mbi.score_range("ee"), mbi.cutoffs["high_ee"].describe()
    ((0.0, 54.0), 'high_ee: ee >= 27')
    """
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return validated_instrument(_read_yaml(candidate), candidate.name)
    files = _registry_files()
    if str(name) not in files:
        raise DataError(f"instrument {str(name)!r} is not in the registry "
                        f"({REGISTRY_DIR}); known instruments: {sorted(files)}")
    return _registry_instrument(str(name))


def score_names(names) -> list[str]:
    """The scores (subscales) of the instruments ``names``, in order.

    Examples
    --------
    >>> score_names(["mbi_hss_mp", "self_compassion_scale_sf"])
    ['ee', 'dp', 'pa', 'self_compassion']
    """
    return [score for name in names for score in load_instrument(name).subscales]


def list_instruments() -> pd.DataFrame:
    """List the instruments of the registry.

    Returns
    -------
    pandas.DataFrame
        One row per instrument: ``name``, ``title``, ``items`` (count), ``response_range``,
        ``scoring``, ``scores`` (comma-separated score names), ``reverse_scored``, ``cutoffs``
        (the rules in words) and ``file``. Sorted by name.

    Raises
    ------
    DataError
        When a definition in the registry is invalid.

    Examples
    --------
    >>> table = list_instruments()
    >>> table.loc[table["name"] == "mbi_hss_mp", ["items", "scores"]].to_numpy().tolist()
    [[22, 'ee, dp, pa']]
    """
    rows = []
    for stem in _registry_files():
        instrument = load_instrument(stem)
        rows.append({
            "name": instrument.name,
            "title": instrument.title,
            "items": instrument.item_count,
            "response_range": f"{instrument.response_minimum}-{instrument.response_maximum}",
            "scoring": instrument.scoring,
            "scores": ", ".join(instrument.subscales),
            "reverse_scored": ", ".join(str(number) for number in instrument.reverse_scored),
            "cutoffs": "; ".join(cutoff.describe() for cutoff in instrument.cutoffs.values()),
            "file": instrument.source_file,
        })
    return pd.DataFrame(rows, columns=["name", "title", "items", "response_range", "scoring",
                                       "scores", "reverse_scored", "cutoffs", "file"])
