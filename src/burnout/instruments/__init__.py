"""The instrument registry: questionnaires defined as data, one YAML file each.

A questionnaire (an *instrument*) is described entirely by a YAML file in this folder:
its items (columns named ``<item_prefix><two-digit number>``, e.g. ``mbi_01`` ... ``mbi_22``),
the response range, the subscales (which item numbers add up to which score), the items that
are reverse-scored, the scoring rule (``sum`` or ``mean``), how many items may be missing
before a score is left missing (the prorating rule), the default cut-offs that turn scores
into categories, and its source and copyright. The scorer (:mod:`burnout.scoring`) reads
nothing else, so a user adds an instrument by adding a file, without touching code.

:func:`load_instrument` reads and validates one definition (a bad one raises
:class:`~burnout.errors.DataError` listing every problem); :func:`list_instruments` lists the
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
    burnout_rules:                   # optional: composite flags built from the cut-offs
      default: ee_or_dp
      rules: {ee_or_dp: {description: ..., any_of: [high_ee, high_dp]}, ...}
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from burnout.errors import DataError

__all__ = [
    "REGISTRY_DIR",
    "OPERATORS",
    "Subscale",
    "Cutoff",
    "Instrument",
    "load_instrument",
    "list_instruments",
]

# The folder holding one YAML definition per instrument (this package's folder).
REGISTRY_DIR = Path(__file__).resolve().parent

# Comparison operators a cut-off may use: flag = score <operator> threshold.
OPERATORS: dict[str, object] = {
    ">=": lambda score, threshold: score >= threshold,
    ">": lambda score, threshold: score > threshold,
    "<=": lambda score, threshold: score <= threshold,
    "<": lambda score, threshold: score < threshold,
    "==": lambda score, threshold: score == threshold,
}

_SCORING_RULES = ("sum", "mean")
_REQUIRED_FIELDS = ("name", "title", "citation", "copyright", "item_prefix", "item_count",
                    "response", "scoring", "prorating", "subscales")
_KNOWN_FIELDS = set(_REQUIRED_FIELDS) | {"verification", "reverse_scored", "cutoffs",
                                         "burnout_rules"}


@dataclass(frozen=True)
class Subscale:
    """One score of an instrument: its name, a readable label and its item numbers."""

    name: str
    label: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class Cutoff:
    """A category flag: ``flag = score <operator> threshold`` (e.g. high_ee: ee >= 27)."""

    name: str
    score: str
    operator: str
    threshold: float

    def describe(self) -> str:
        """The rule in words, e.g. ``'high_ee: ee >= 27'``."""
        return f"{self.name}: {self.score} {self.operator} {self.threshold:g}"


@dataclass(frozen=True)
class Instrument:
    """A validated instrument definition (see the module docstring for the YAML fields)."""

    name: str
    title: str
    citation: str
    copyright: str
    verification: str
    item_prefix: str
    item_count: int
    response_minimum: int
    response_maximum: int
    response_labels: dict[int, str]
    scoring: str
    maximum_missing_items: int | None
    maximum_missing_fraction: float | None
    reverse_scored: tuple[int, ...]
    subscales: dict[str, Subscale]
    cutoffs: dict[str, Cutoff]
    burnout_rules: dict[str, dict] = field(default_factory=dict)
    burnout_rule_descriptions: dict[str, str] = field(default_factory=dict)
    default_burnout_rule: str | None = None
    source_file: str = ""

    def item_column(self, number: int) -> str:
        """Column name of item ``number``: the prefix and a two-digit number (``mbi_07``)."""
        return f"{self.item_prefix}{number:02d}"

    @property
    def items(self) -> tuple[str, ...]:
        """Every item column, in item order."""
        return tuple(self.item_column(number) for number in range(1, self.item_count + 1))

    def subscale_columns(self, subscale: str) -> list[str]:
        """The item columns of one subscale."""
        return [self.item_column(number) for number in self.subscales[subscale].items]

    def allowed_missing(self, subscale: str) -> int:
        """How many items of ``subscale`` may be missing for its score to be prorated."""
        size = len(self.subscales[subscale].items)
        if self.maximum_missing_items is not None:
            return min(self.maximum_missing_items, size - 1)
        return min(math.floor(self.maximum_missing_fraction * size + 1e-9), size - 1)

    def score_range(self, subscale: str) -> tuple[float, float]:
        """The lowest and highest possible score of ``subscale``."""
        if self.scoring == "mean":
            return float(self.response_minimum), float(self.response_maximum)
        size = len(self.subscales[subscale].items)
        return float(size * self.response_minimum), float(size * self.response_maximum)


def _is_whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _check_rule_tree(node: object, flags: Mapping[str, Cutoff], where: str,
                     problems: list[str]) -> None:
    """Check a composite rule: a flag name, or {any_of: [...]} / {all_of: [...]}."""
    if isinstance(node, str):
        if node not in flags:
            problems.append(f"{where}: '{node}' is not one of the cut-offs {sorted(flags)}")
        return
    if isinstance(node, Mapping):
        keys = set(node) - {"description"}
        if len(keys) != 1 or next(iter(keys)) not in ("any_of", "all_of"):
            problems.append(f"{where}: a rule is a cut-off name or a mapping with exactly one "
                            f"of 'any_of' / 'all_of', got {dict(node)!r}")
            return
        key = next(iter(keys))
        members = node[key]
        if not isinstance(members, list) or not members:
            problems.append(f"{where}.{key}: must be a non-empty list")
            return
        for position, member in enumerate(members):
            _check_rule_tree(member, flags, f"{where}.{key}[{position}]", problems)
        return
    problems.append(f"{where}: a rule is a cut-off name or a mapping, got {node!r}")


def _validated(definition: object, source: str) -> Instrument:
    """Turn a parsed YAML definition into an :class:`Instrument`, or raise listing problems."""
    if not isinstance(definition, Mapping):
        raise DataError(f"{source}: an instrument definition must be a YAML mapping, got "
                        f"{type(definition).__name__}")
    problems: list[str] = []
    missing = [name for name in _REQUIRED_FIELDS if name not in definition]
    if missing:
        problems.append(f"required field(s) missing: {missing}")
    unknown = sorted(set(definition) - _KNOWN_FIELDS)
    if unknown:
        problems.append(f"unknown field(s) {unknown}; known fields: {sorted(_KNOWN_FIELDS)}")
    if problems:
        raise DataError(_problem_report(source, problems))

    name = definition["name"]
    if not isinstance(name, str) or not name.isidentifier() or name != name.lower():
        problems.append(f"name: must be a lower-case identifier, got {name!r}")
    for text_field in ("title", "citation", "copyright"):
        if not isinstance(definition[text_field], str) or not definition[text_field].strip():
            problems.append(f"{text_field}: must be non-empty text")
    prefix = definition["item_prefix"]
    if not isinstance(prefix, str) or not prefix:
        problems.append(f"item_prefix: must be non-empty text, got {prefix!r}")
    item_count = definition["item_count"]
    if not _is_whole_number(item_count) or not 1 <= item_count <= 99:
        problems.append(f"item_count: must be a whole number from 1 to 99, got {item_count!r}")
        item_count = 0

    response = definition["response"]
    minimum = maximum = None
    labels: dict[int, str] = {}
    if not isinstance(response, Mapping):
        problems.append("response: must be a mapping with 'minimum' and 'maximum'")
    else:
        minimum, maximum = response.get("minimum"), response.get("maximum")
        if not _is_whole_number(minimum) or not _is_whole_number(maximum) or minimum >= maximum:
            problems.append(f"response: minimum and maximum must be whole numbers with minimum < "
                            f"maximum, got {minimum!r} and {maximum!r}")
            minimum = maximum = None
        raw_labels = response.get("labels") or {}
        if not isinstance(raw_labels, Mapping):
            problems.append("response.labels: must map response values to labels")
        else:
            for value, label in raw_labels.items():
                if (not _is_whole_number(value) or minimum is None
                        or not minimum <= value <= maximum):
                    problems.append(f"response.labels: {value!r} is not a response value within "
                                    f"{minimum}-{maximum}")
                labels[value] = str(label)
        extra = sorted(set(response) - {"minimum", "maximum", "labels"})
        if extra:
            problems.append(f"response: unknown field(s) {extra}")

    scoring = definition["scoring"]
    if scoring not in _SCORING_RULES:
        problems.append(f"scoring: must be one of {list(_SCORING_RULES)}, got {scoring!r}")

    prorating = definition["prorating"]
    maximum_missing_items = maximum_missing_fraction = None
    if not isinstance(prorating, Mapping) or len(prorating) != 1 or not (
            set(prorating) <= {"maximum_missing_items", "maximum_missing_fraction"}):
        problems.append("prorating: must hold exactly one of 'maximum_missing_items' (a whole "
                        "number) or 'maximum_missing_fraction' (0 to 1), got "
                        f"{prorating!r}")
    elif "maximum_missing_items" in prorating:
        maximum_missing_items = prorating["maximum_missing_items"]
        if not _is_whole_number(maximum_missing_items) or maximum_missing_items < 0:
            problems.append(f"prorating.maximum_missing_items: must be a whole number >= 0, got "
                            f"{maximum_missing_items!r}")
    else:
        maximum_missing_fraction = prorating["maximum_missing_fraction"]
        if not _is_number(maximum_missing_fraction) or not 0 <= maximum_missing_fraction < 1:
            problems.append(f"prorating.maximum_missing_fraction: must be a number from 0 to "
                            f"below 1, got {maximum_missing_fraction!r}")

    valid_numbers = set(range(1, item_count + 1))

    def check_items(numbers: object, where: str) -> tuple[int, ...]:
        if not isinstance(numbers, list):
            problems.append(f"{where}: must be a list of item numbers, got {numbers!r}")
            return ()
        bad = [number for number in numbers
               if not _is_whole_number(number) or number not in valid_numbers]
        if bad:
            problems.append(f"{where}: item number(s) {bad} are not within 1-{item_count}")
        repeated = sorted({number for number in numbers if numbers.count(number) > 1},
                          key=str)
        if repeated:
            problems.append(f"{where}: item number(s) {repeated} listed more than once")
        return tuple(number for number in numbers if number in valid_numbers)

    reverse_scored = check_items(definition.get("reverse_scored") or [], "reverse_scored")

    subscales: dict[str, Subscale] = {}
    raw_subscales = definition["subscales"]
    if not isinstance(raw_subscales, Mapping) or not raw_subscales:
        problems.append("subscales: must map at least one score name to {label, items}")
        raw_subscales = {}
    for score_name, body in raw_subscales.items():
        where = f"subscales.{score_name}"
        if not isinstance(score_name, str) or not score_name.isidentifier():
            problems.append(f"{where}: a score name must be an identifier")
            continue
        if not isinstance(body, Mapping) or "items" not in body:
            problems.append(f"{where}: must be a mapping with 'items' (and optional 'label')")
            continue
        items = check_items(body["items"], f"{where}.items")
        if not items:
            problems.append(f"{where}.items: needs at least one item")
        subscales[score_name] = Subscale(score_name, str(body.get("label", score_name)), items)

    cutoffs: dict[str, Cutoff] = {}
    raw_cutoffs = definition.get("cutoffs") or {}
    if not isinstance(raw_cutoffs, Mapping):
        problems.append("cutoffs: must map flag names to {score, operator, threshold}")
        raw_cutoffs = {}
    for flag_name, body in raw_cutoffs.items():
        where = f"cutoffs.{flag_name}"
        if not isinstance(flag_name, str) or not flag_name.isidentifier():
            problems.append(f"{where}: a flag name must be an identifier")
            continue
        if flag_name in subscales:
            problems.append(f"{where}: a flag may not have the name of a score")
        if not isinstance(body, Mapping) or set(body) != {"score", "operator", "threshold"}:
            problems.append(f"{where}: must have exactly 'score', 'operator' and 'threshold', got "
                            f"{body!r}")
            continue
        if body["score"] not in subscales:
            problems.append(f"{where}.score: {body['score']!r} is not one of the scores "
                            f"{list(subscales)}")
        if body["operator"] not in OPERATORS:
            problems.append(f"{where}.operator: {body['operator']!r} is not one of "
                            f"{list(OPERATORS)}")
        if not _is_number(body["threshold"]):
            problems.append(f"{where}.threshold: must be a number, got {body['threshold']!r}")
            continue
        cutoffs[flag_name] = Cutoff(flag_name, body["score"], body["operator"],
                                    float(body["threshold"]))

    burnout_rules: dict[str, dict] = {}
    descriptions: dict[str, str] = {}
    default_rule = None
    raw_rules = definition.get("burnout_rules")
    if raw_rules is not None:
        if (not isinstance(raw_rules, Mapping) or not isinstance(raw_rules.get("rules"), Mapping)
                or not raw_rules["rules"]):
            problems.append("burnout_rules: must be a mapping with 'rules' (name -> rule) and "
                            "optional 'default'")
        else:
            for rule_name, rule in raw_rules["rules"].items():
                _check_rule_tree(rule, cutoffs, f"burnout_rules.rules.{rule_name}", problems)
                if isinstance(rule, Mapping):
                    descriptions[rule_name] = str(rule.get("description", rule_name))
                    burnout_rules[rule_name] = {key: value for key, value in rule.items()
                                                if key != "description"}
                else:
                    descriptions[rule_name] = str(rule)
                    burnout_rules[rule_name] = {"any_of": [rule]}
            default_rule = raw_rules.get("default")
            if default_rule is not None and default_rule not in raw_rules["rules"]:
                problems.append(f"burnout_rules.default: {default_rule!r} is not one of the "
                                f"rules {list(raw_rules['rules'])}")

    if problems:
        raise DataError(_problem_report(source, problems))
    return Instrument(
        name=name, title=definition["title"].strip(), citation=definition["citation"].strip(),
        copyright=definition["copyright"].strip(),
        verification=str(definition.get("verification", "")).strip(),
        item_prefix=prefix, item_count=item_count, response_minimum=minimum,
        response_maximum=maximum, response_labels=labels, scoring=scoring,
        maximum_missing_items=maximum_missing_items,
        maximum_missing_fraction=maximum_missing_fraction, reverse_scored=reverse_scored,
        subscales=subscales, cutoffs=cutoffs, burnout_rules=burnout_rules,
        burnout_rule_descriptions=descriptions, default_burnout_rule=default_rule,
        source_file=source,
    )


def _problem_report(source: str, problems: list[str]) -> str:
    lines = [f"{source}: invalid instrument definition ({len(problems)} problem(s)):"]
    return "\n".join(lines + [f"  - {problem}" for problem in problems])


def _registry_files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(REGISTRY_DIR.glob("*.yaml"))}


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
        path, registry = candidate, False
    else:
        files = _registry_files()
        if str(name) not in files:
            raise DataError(f"instrument {str(name)!r} is not in the registry "
                            f"({REGISTRY_DIR}); known instruments: {sorted(files)}")
        path, registry = files[str(name)], True
    try:
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError(f"{path.name}: not valid YAML: {error}") from error
    instrument = _validated(definition, path.name)
    if registry and instrument.name != path.stem:
        raise DataError(f"{path.name}: name {instrument.name!r} must equal the file name "
                        f"{path.stem!r}")
    return instrument


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
