"""Study designs as data: randomized, nonrandomized and single_group.

:func:`design_of` returns the :class:`~burnout.designs.base.Design` a study file names; notebooks
ask it what applies instead of testing a design's name.
"""

from __future__ import annotations

from burnout.core.errors import DataError
from burnout.designs.base import ANALYSES, Design, Words
from burnout.designs.nonrandomized import NONRANDOMIZED
from burnout.designs.randomized import RANDOMIZED
from burnout.designs.single_group import SINGLE_GROUP

__all__ = ["DESIGNS", "ANALYSES", "Design", "Words", "get_design", "design_of"]

# Every design, by the name a study file uses.
DESIGNS: dict[str, Design] = {design.name: design
                              for design in (RANDOMIZED, NONRANDOMIZED, SINGLE_GROUP)}


def get_design(name: str) -> Design:
    """The design called ``name``.

    Examples
    --------
    >>> get_design("single_group").compares_groups
    False
    """
    if name not in DESIGNS:
        raise DataError(f"unknown design '{name}' (known: {', '.join(DESIGNS)})")
    return DESIGNS[name]


def design_of(study) -> Design:
    """The design of a loaded study (:class:`burnout.data.study.Study`).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> design_of(SimpleNamespace(design="randomized")).words.flow
    'CONSORT 2010'
    """
    return get_design(study.design)
