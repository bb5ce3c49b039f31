"""The analysis parameters of a study: the design's defaults, overridden by ``params/<study>.yaml``.

A study needs no parameter file: every notebook has defaults in its ``parameters`` cell, and the
design (:mod:`burnout.designs`) sets those a design changes (a trial prints p with three
decimals). ``params/<study>.yaml`` is optional and overrides either, stage by stage::

    stages: [clean, score, describe, unadjusted, adjusted, figures, tables, manuscript]  # optional
    seed: 20190601            # the seed of a synthetic replica's generator (make replica)
    aliases: {old.key: new.key}   # numbers.json keys kept under an old name for manuscripts
    outcomes:                 # optional: the outcomes' roles, declared before the analysis
      primary: [ee, dp, pa]
      secondary: [self_compassion, flourishing]   # Holm-adjusted, called exploratory
    replica:                  # optional: the synthetic replica's generator (not the analysis)
      dropout: {mechanism: mar, baseline: 0.5, site: 0.4}   # see replica_dropout
    adjusted:                 # a stage's section: papermill parameters of its notebook
      covariates: [site, gender]

Every key is checked: an unknown top-level key or stage section is an error naming the key (with
the closest known one), and the runner refuses a parameter the stage's notebook does not declare.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from burnout.core.errors import DataError
from burnout.core.paths import PARAMS_DIR
from burnout.pipeline.stages import STAGES

__all__ = ["load_parameters", "stage_parameters", "stages_run_by", "outcome_roles",
           "OutcomeRoles", "SETTINGS", "DROPOUT_MECHANISMS", "replica_dropout"]

# Top-level keys that are not stage sections.
SETTINGS = ("stages", "seed", "aliases", "outcomes", "replica")
# How a synthetic replica's follow-up goes missing (``replica: dropout: mechanism:``).
DROPOUT_MECHANISMS = ("mcar", "mar", "mnar")
# The keys of ``replica: dropout:`` and their defaults (log-odds of dropping out).
_DROPOUT_DEFAULTS = {"mechanism": "mcar", "baseline": 0.0, "site": 0.0, "delta": 0.0}
# The roles an outcome can be declared in under ``outcomes:``.
OUTCOME_ROLES = ("primary", "secondary")


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def load_parameters(study: str, params_dir: Path = PARAMS_DIR) -> dict:
    """Read and check ``params/<study>.yaml``; ``{}`` when the study has none.

    Raises
    ------
    DataError
        Naming the key: not a mapping, an unknown key, ``stages`` not a list of stage names, a
        section that is not a mapping, ``aliases`` not a mapping of keys.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> load_parameters("pilot", folder)
    {}
    >>> _ = (folder / "pilot.yaml").write_text("adjustd: {covariates: []}")
    >>> load_parameters("pilot", folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: .../pilot.yaml: key 'adjustd' ... did you mean 'adjusted'?
    """
    path = Path(params_dir) / f"{study}.yaml"
    if not path.is_file():
        return {}
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise DataError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(params, dict):
        raise DataError(f"{path}: expected a mapping of settings and stage sections")
    known = (*SETTINGS, *STAGES)
    for key in params:
        if key not in known:
            raise DataError(f"{path}: key '{key}' is neither a setting ({', '.join(SETTINGS)}) "
                            f"nor a stage ({', '.join(STAGES)}){_suggest(key, known)}")
    stages = params.get("stages")
    if stages is not None:
        if not isinstance(stages, list) or not stages:
            raise DataError(f"{path}: key 'stages' must be a non-empty list of stage names")
        for name in stages:
            if name not in STAGES:
                raise DataError(f"{path}: key 'stages' lists '{name}', which is not a stage "
                                f"({', '.join(STAGES)}){_suggest(name, STAGES)}")
    aliases = params.get("aliases") or {}
    if not isinstance(aliases, dict) or not all(isinstance(key, str) and isinstance(value, str)
                                                for key, value in aliases.items()):
        raise DataError(f"{path}: key 'aliases' must map old numbers keys to current ones")
    for stage in STAGES:
        if stage in params and not isinstance(params[stage] or {}, dict):
            raise DataError(f"{path}: key '{stage}' must be a mapping of that stage's "
                            "parameters")
    replica_dropout(params, str(path))
    return params


def replica_dropout(params: dict, path: str = "params") -> dict:
    """The dropout mechanism of a study's synthetic replica (``replica: dropout:``), checked.

    Keys: ``mechanism`` (``mcar``: follow-up missing completely at random; ``mar``: missing
    at random given the observed baseline score and site; ``mnar``: missing not at random,
    depending also on the unobserved follow-up score), ``baseline`` (log-odds ratio of dropping
    out per SD of the baseline score; ``mar``/``mnar``), ``site`` (the sites' log-odds of
    dropping out spread evenly from ``-site`` to ``+site``; ``mar``/``mnar``) and ``delta``
    (``mnar`` only: log-odds ratio per SD of the unobserved follow-up score, the stated
    departure from MAR). Missing keys take ``mcar`` and 0.

    Raises
    ------
    DataError
        Naming the key: not a mapping, an unknown key or mechanism, a value that is not a
        number, ``delta`` without ``mnar``, ``baseline``/``site`` with ``mcar``.

    Examples
    --------
    >>> replica_dropout({"replica": {"dropout": {"mechanism": "mar", "baseline": 0.5}}})
    {'mechanism': 'mar', 'baseline': 0.5, 'site': 0.0, 'delta': 0.0}
    >>> replica_dropout({})["mechanism"]
    'mcar'
    """
    replica = params.get("replica") or {}
    if not isinstance(replica, dict) or set(replica) - {"dropout"}:
        raise DataError(f"{path}: key 'replica' must be a mapping with the key 'dropout'"
                        + (_suggest(next(iter(set(replica) - {"dropout"})), ["dropout"])
                           if isinstance(replica, dict) else ""))
    dropout = replica.get("dropout") or {}
    if not isinstance(dropout, dict):
        raise DataError(f"{path}: key 'replica.dropout' must be a mapping of "
                        f"{', '.join(_DROPOUT_DEFAULTS)}")
    for key in dropout:
        if key not in _DROPOUT_DEFAULTS:
            raise DataError(f"{path}: key 'replica.dropout.{key}' is not one of "
                            f"{', '.join(_DROPOUT_DEFAULTS)}{_suggest(key, _DROPOUT_DEFAULTS)}")
    settings = dict(_DROPOUT_DEFAULTS, **dropout)
    if settings["mechanism"] not in DROPOUT_MECHANISMS:
        raise DataError(f"{path}: key 'replica.dropout.mechanism' is {settings['mechanism']!r};"
                        f" rule: one of {', '.join(DROPOUT_MECHANISMS)}")
    for key in ("baseline", "site", "delta"):
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataError(f"{path}: key 'replica.dropout.{key}' is {value!r}; rule: a number "
                            f"(a log-odds ratio)")
        settings[key] = float(value)
    if settings["delta"] and settings["mechanism"] != "mnar":
        raise DataError(f"{path}: key 'replica.dropout.delta' is set but the mechanism is "
                        f"'{settings['mechanism']}'; rule: delta belongs to mnar")
    if settings["mechanism"] == "mcar" and (settings["baseline"] or settings["site"]):
        raise DataError(f"{path}: keys 'replica.dropout.baseline'/'site' are set but the "
                        f"mechanism is 'mcar'; rule: mcar depends on nothing")
    return settings


def stage_parameters(study: str, stage: str, design, params: dict) -> dict:
    """The papermill parameters of one stage: ``study``, the design's defaults, the overrides.

    Examples
    --------
    >>> from burnout.designs import get_design
    >>> stage_parameters("pilot", "tables", get_design("randomized"), {"tables": {"x": 1}})
    {'study': 'pilot', 'p_decimals': 3, 'x': 1}
    """
    values = {"study": study}
    values.update(design.parameters.get(stage, {}))
    values.update(params.get(stage) or {})
    return values


def stages_run_by(study: str) -> list[str]:
    """The names of the stages ``study`` runs: its design and data, and its parameter file.

    Examples
    --------
    >>> stages_run_by("mentorship")[:2]
    ['clean', 'score']
    """
    from burnout.data.study import load_study
    from burnout.pipeline.stages import study_stages

    return [stage.name for stage in study_stages(load_study(study),
                                                 load_parameters(study).get("stages"))]


@dataclass(frozen=True)
class OutcomeRoles:
    """Which scores are primary and which secondary outcomes.

    Attributes
    ----------
    primary, secondary : tuple of str
        Score names (``ee``, ``self_compassion``), in the study's score order.
    declared : bool
        False when the parameter file declares no roles: every score is then primary and no
        p-value is adjusted for multiplicity, which the results text must say.
    """

    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    declared: bool

    def role(self, score: str) -> str:
        """``"primary"`` or ``"secondary"`` (KeyError for a score with no role)."""
        if score in self.primary:
            return "primary"
        if score in self.secondary:
            return "secondary"
        raise KeyError(f"score '{score}' is neither a primary nor a secondary outcome")


def outcome_roles(params: dict, scores: Sequence[str], path: str = "params") -> OutcomeRoles:
    """The primary and secondary outcomes that ``params`` (a loaded parameter file) declares.

    A score listed in neither role is secondary once roles are declared, so nothing escapes
    the multiplicity adjustment by being forgotten.

    Parameters
    ----------
    params : dict
        The study's parameters (:func:`load_parameters`).
    scores : sequence of str
        Every score the study's instruments yield, in order.
    path : str
        The parameter file's name, for messages.

    Raises
    ------
    DataError
        Naming the key: a role that is not ``primary``/``secondary``, a score the study does not
        have, a score in both roles, or no primary outcome.

    Examples
    --------
    >>> roles = outcome_roles({"outcomes": {"primary": ["ee"]}}, ["ee", "dp", "grit"])
    >>> roles.primary, roles.secondary, roles.declared
    (('ee',), ('dp', 'grit'), True)
    >>> outcome_roles({}, ["ee", "dp"]).primary
    ('ee', 'dp')
    """
    declared = params.get("outcomes")
    if declared is None:
        return OutcomeRoles(tuple(scores), (), False)
    if not isinstance(declared, dict):
        raise DataError(f"{path}: key 'outcomes' must map primary/secondary to lists of scores")
    listed = {}
    for role, names in declared.items():
        if role not in OUTCOME_ROLES:
            raise DataError(f"{path}: key 'outcomes.{role}' is not a role "
                            f"({', '.join(OUTCOME_ROLES)}){_suggest(role, OUTCOME_ROLES)}")
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise DataError(f"{path}: key 'outcomes.{role}' must be a list of score names")
        for name in names:
            if name not in scores:
                raise DataError(f"{path}: key 'outcomes.{role}' lists '{name}', which is not a "
                                f"score of this study ({', '.join(scores)})"
                                f"{_suggest(name, scores)}")
            if name in listed:
                raise DataError(f"{path}: key 'outcomes' lists '{name}' as both "
                                f"{listed[name]} and {role}")
            listed[name] = role
    primary = tuple(score for score in scores if listed.get(score) == "primary")
    if not primary:
        raise DataError(f"{path}: key 'outcomes.primary' must name at least one score")
    return OutcomeRoles(primary, tuple(score for score in scores if score not in primary), True)
