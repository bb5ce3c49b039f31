"""An instrument's definition as the registry holds it: items, subscales, cut-offs, rules."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["OPERATORS", "CUTOFF_SOURCE_FIELDS", "Subscale", "Cutoff", "Instrument"]

OPERATORS: dict[str, object] = {
    ">=": lambda score, threshold: score >= threshold,
    ">": lambda score, threshold: score > threshold,
    "<=": lambda score, threshold: score <= threshold,
    "<": lambda score, threshold: score < threshold,
    "==": lambda score, threshold: score == threshold,
}

SCORING_RULES = ("sum", "mean")
REQUIRED_FIELDS = ("name", "title", "citation", "copyright", "item_prefix", "item_count",
                    "response", "scoring", "prorating", "subscales")
KNOWN_FIELDS = set(REQUIRED_FIELDS) | {"verification", "reverse_scored", "cutoffs",
                                         "cutoffs_source", "burnout_rules"}
# The optional ``cutoffs_source`` section: where the cut-offs come from (the edition of the
# manual that gives them) and a caution about using them, both shown in the drafted Results.
CUTOFF_SOURCE_FIELDS = ("reference", "note")


@dataclass(frozen=True)
class Subscale:
    """One score of an instrument: its name, a readable label and its item numbers.

    ``display`` is the name a reader sees in tables and figures ("Emotional exhaustion").
    """

    name: str
    label: str
    items: tuple[int, ...]
    display: str = ""


@dataclass(frozen=True)
class Cutoff:
    """A category flag: ``flag = score <operator> threshold`` (e.g. high_ee: ee >= 27)."""

    name: str
    score: str
    operator: str
    threshold: float
    label: str = ""

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
    # Where the default cut-offs come from, as a phrase ("the MBI Manual, 3rd edition (...)"),
    # and a caution about them ("" when the registry states none).
    cutoffs_reference: str = ""
    cutoffs_note: str = ""

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
