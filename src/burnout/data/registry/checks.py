"""Checking an instrument definition read from YAML: every broken rule listed at once."""

from __future__ import annotations

import math
from collections.abc import Mapping

from burnout.core.errors import DataError
from burnout.data.registry.instrument import (
    CUTOFF_SOURCE_FIELDS,
    KNOWN_FIELDS,
    OPERATORS,
    REQUIRED_FIELDS,
    SCORING_RULES,
    Cutoff,
    Instrument,
    Subscale,
)

__all__ = ["validated_instrument"]


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


def _check_basics(definition: Mapping, problems: list[str]) -> tuple[str, str, int]:
    """name, item_prefix and item_count (0 when invalid), and the free-text fields."""
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
    return name, prefix, item_count


def _check_response(response: object, problems: list[str]):
    """(minimum, maximum, labels) of the response scale; None bounds when invalid."""
    if not isinstance(response, Mapping):
        problems.append("response: must be a mapping with 'minimum' and 'maximum'")
        return None, None, {}
    minimum, maximum = response.get("minimum"), response.get("maximum")
    if not _is_whole_number(minimum) or not _is_whole_number(maximum) or minimum >= maximum:
        problems.append(f"response: minimum and maximum must be whole numbers with minimum < "
                        f"maximum, got {minimum!r} and {maximum!r}")
        minimum = maximum = None
    labels: dict[int, str] = {}
    raw_labels = response.get("labels") or {}
    if not isinstance(raw_labels, Mapping):
        problems.append("response.labels: must map response values to labels")
    else:
        for value, label in raw_labels.items():
            if not _is_whole_number(value) or minimum is None or not minimum <= value <= maximum:
                problems.append(f"response.labels: {value!r} is not a response value within "
                                f"{minimum}-{maximum}")
            labels[value] = str(label)
    extra = sorted(set(response) - {"minimum", "maximum", "labels"})
    if extra:
        problems.append(f"response: unknown field(s) {extra}")
    return minimum, maximum, labels


def _check_prorating(prorating: object, problems: list[str]):
    """(maximum_missing_items, maximum_missing_fraction): exactly one of them is set."""
    if not isinstance(prorating, Mapping) or len(prorating) != 1 or not (
            set(prorating) <= {"maximum_missing_items", "maximum_missing_fraction"}):
        problems.append("prorating: must hold exactly one of 'maximum_missing_items' (a whole "
                        "number) or 'maximum_missing_fraction' (0 to 1), got "
                        f"{prorating!r}")
        return None, None
    if "maximum_missing_items" in prorating:
        items = prorating["maximum_missing_items"]
        if not _is_whole_number(items) or items < 0:
            problems.append(f"prorating.maximum_missing_items: must be a whole number >= 0, got "
                            f"{items!r}")
        return items, None
    fraction = prorating["maximum_missing_fraction"]
    if not _is_number(fraction) or not 0 <= fraction < 1:
        problems.append(f"prorating.maximum_missing_fraction: must be a number from 0 to "
                        f"below 1, got {fraction!r}")
    return None, fraction


def _check_items(numbers: object, where: str, item_count: int,
                 problems: list[str]) -> tuple[int, ...]:
    """Item numbers within 1..item_count, each listed once."""
    if not isinstance(numbers, list):
        problems.append(f"{where}: must be a list of item numbers, got {numbers!r}")
        return ()
    valid = set(range(1, item_count + 1))
    bad = [number for number in numbers if not _is_whole_number(number) or number not in valid]
    if bad:
        problems.append(f"{where}: item number(s) {bad} are not within 1-{item_count}")
    repeated = sorted({number for number in numbers if numbers.count(number) > 1}, key=str)
    if repeated:
        problems.append(f"{where}: item number(s) {repeated} listed more than once")
    return tuple(number for number in numbers if number in valid)


def _check_subscales(raw: object, item_count: int, problems: list[str]) -> dict[str, Subscale]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append("subscales: must map at least one score name to {label, items}")
        return {}
    subscales: dict[str, Subscale] = {}
    for score_name, body in raw.items():
        where = f"subscales.{score_name}"
        if not isinstance(score_name, str) or not score_name.isidentifier():
            problems.append(f"{where}: a score name must be an identifier")
            continue
        if not isinstance(body, Mapping) or "items" not in body:
            problems.append(f"{where}: must be a mapping with 'items' (and optional 'label')")
            continue
        items = _check_items(body["items"], f"{where}.items", item_count, problems)
        if not items:
            problems.append(f"{where}.items: needs at least one item")
        unknown = sorted(set(body) - {"items", "label", "display"})
        if unknown:
            problems.append(f"{where}: unknown key(s) {unknown} (known: items, label, display)")
        label = str(body.get("label", score_name))
        subscales[score_name] = Subscale(score_name, label, items,
                                         str(body.get("display") or label[:1].upper() + label[1:]))
    return subscales


def _check_cutoffs(raw: object, subscales: Mapping, problems: list[str]) -> dict[str, Cutoff]:
    if not isinstance(raw, Mapping):
        problems.append("cutoffs: must map flag names to {score, operator, threshold}")
        return {}
    cutoffs: dict[str, Cutoff] = {}
    for flag_name, body in raw.items():
        where = f"cutoffs.{flag_name}"
        if not isinstance(flag_name, str) or not flag_name.isidentifier():
            problems.append(f"{where}: a flag name must be an identifier")
            continue
        if flag_name in subscales:
            problems.append(f"{where}: a flag may not have the name of a score")
        if not isinstance(body, Mapping) or not (
                {"score", "operator", "threshold"} <= set(body)
                <= {"score", "operator", "threshold", "label"}):
            problems.append(f"{where}: must have 'score', 'operator', 'threshold' and an optional "
                            f"'label', got {body!r}")
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
        label = str(body.get("label") or flag_name.replace("_", " ").capitalize())
        cutoffs[flag_name] = Cutoff(flag_name, body["score"], body["operator"],
                                    float(body["threshold"]), label)
    return cutoffs


def _check_rules(raw: object, cutoffs: Mapping, problems: list[str]):
    """(rules, descriptions, default rule) of the optional composite burnout definitions."""
    if raw is None:
        return {}, {}, None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("rules"), Mapping) \
            or not raw["rules"]:
        problems.append("burnout_rules: must be a mapping with 'rules' (name -> rule) and "
                        "optional 'default'")
        return {}, {}, None
    rules: dict[str, dict] = {}
    descriptions: dict[str, str] = {}
    for rule_name, rule in raw["rules"].items():
        _check_rule_tree(rule, cutoffs, f"burnout_rules.rules.{rule_name}", problems)
        if isinstance(rule, Mapping):
            descriptions[rule_name] = str(rule.get("description", rule_name))
            rules[rule_name] = {key: value for key, value in rule.items()
                                if key != "description"}
        else:
            descriptions[rule_name] = str(rule)
            rules[rule_name] = {"any_of": [rule]}
    default = raw.get("default")
    if default is not None and default not in raw["rules"]:
        problems.append(f"burnout_rules.default: {default!r} is not one of the rules "
                        f"{list(raw['rules'])}")
    return rules, descriptions, default


def validated_instrument(definition: object, source: str) -> Instrument:
    """Turn a parsed YAML definition into an :class:`Instrument`, or raise listing problems.

    Raises
    ------
    DataError
        Listing every broken rule of the definition.

    Examples
    --------
    >>> definition = {"name": "mini", "title": "A mini scale", "citation": "Invented.",
    ...     "copyright": "None.", "item_prefix": "mini_", "item_count": 2,
    ...     "response": {"minimum": 0, "maximum": 3}, "scoring": "sum",
    ...     "prorating": {"maximum_missing_items": 0},
    ...     "subscales": {"mini": {"items": [1, 2]}}}
    >>> validated_instrument(definition, "mini.yaml").items
    ('mini_01', 'mini_02')
    >>> validated_instrument({**definition, "item_count": 0}, "mini.yaml")
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: mini.yaml: invalid instrument definition (3 problem(s)):
      - item_count: must be a whole number from 1 to 99, got 0
      - subscales.mini.items: item number(s) [1, 2] are not within 1-0
      - subscales.mini.items: needs at least one item
    """
    if not isinstance(definition, Mapping):
        raise DataError(f"{source}: an instrument definition must be a YAML mapping, got "
                        f"{type(definition).__name__}")
    problems: list[str] = []
    missing = [name for name in REQUIRED_FIELDS if name not in definition]
    if missing:
        problems.append(f"required field(s) missing: {missing}")
    unknown = sorted(set(definition) - KNOWN_FIELDS)
    if unknown:
        problems.append(f"unknown field(s) {unknown}; known fields: {sorted(KNOWN_FIELDS)}")
    if problems:
        raise DataError(_problem_report(source, problems))
    name, prefix, item_count = _check_basics(definition, problems)
    minimum, maximum, labels = _check_response(definition["response"], problems)
    if definition["scoring"] not in SCORING_RULES:
        problems.append(f"scoring: must be one of {list(SCORING_RULES)}, got "
                        f"{definition['scoring']!r}")
    most_items, most_fraction = _check_prorating(definition["prorating"], problems)
    reverse_scored = _check_items(definition.get("reverse_scored") or [], "reverse_scored",
                                  item_count, problems)
    subscales = _check_subscales(definition["subscales"], item_count, problems)
    cutoffs = _check_cutoffs(definition.get("cutoffs") or {}, subscales, problems)
    rules, descriptions, default = _check_rules(definition.get("burnout_rules"), cutoffs,
                                                problems)
    cited = _check_cutoffs_source(definition.get("cutoffs_source"), problems)
    if problems:
        raise DataError(_problem_report(source, problems))
    return Instrument(
        name=name, title=definition["title"].strip(), citation=definition["citation"].strip(),
        copyright=definition["copyright"].strip(),
        verification=str(definition.get("verification", "")).strip(),
        item_prefix=prefix, item_count=item_count, response_minimum=minimum,
        response_maximum=maximum, response_labels=labels, scoring=definition["scoring"],
        maximum_missing_items=most_items, maximum_missing_fraction=most_fraction,
        reverse_scored=reverse_scored, subscales=subscales, cutoffs=cutoffs,
        burnout_rules=rules, burnout_rule_descriptions=descriptions,
        default_burnout_rule=default, source_file=source,
        cutoffs_reference=cited.get("reference", ""), cutoffs_note=cited.get("note", ""),
    )


def _check_cutoffs_source(raw: object, problems: list[str]) -> dict[str, str]:
    """The optional ``cutoffs_source``: ``reference`` (required text) and ``note``."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("reference"), str) \
            or not raw["reference"].strip():
        problems.append("cutoffs_source: must be a mapping with a non-empty 'reference' (where "
                        "the cut-offs come from) and an optional 'note'")
        return {}
    unknown = sorted(set(raw) - set(CUTOFF_SOURCE_FIELDS))
    if unknown:
        problems.append(f"cutoffs_source: unknown field(s) {unknown}; known fields: "
                        f"{list(CUTOFF_SOURCE_FIELDS)}")
    return {key: " ".join(str(raw[key]).split()) for key in CUTOFF_SOURCE_FIELDS if raw.get(key)}


def _problem_report(source: str, problems: list[str]) -> str:
    lines = [f"{source}: invalid instrument definition ({len(problems)} problem(s)):"]
    return "\n".join(lines + [f"  - {problem}" for problem in problems])
