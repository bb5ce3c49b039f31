"""From exported cells to analysable values: labels, codes, categories and numbers.

Survey tools export an answer either as its value (``3``) or as its label (``"A few times a
month"``), spelled as the survey designer typed it. :func:`decode_responses` turns a column of
either into numbers through a lookup built by :func:`response_lookup` from the instrument's (or
scale's) labels in the registry plus the study's own ``responses`` map, comparing labels after
:func:`normalise_label` (case and whitespace do not matter). Every column is decoded once per
distinct value, not per cell, so a million rows cost a dictionary lookup each.

Categories (sites, genders, strata) are written as :func:`slug` codes (``" SITE 1 "`` ->
``site_1``), and :func:`covariate_values` decides whether a covariate is a number, a yes/no flag
(0/1) or a category.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import Problem

__all__ = ["normalise_label", "slug", "response_lookup", "decode_responses", "covariate_values",
           "parse_number", "map_distinct", "text_ranks"]

_SLUG = re.compile(r"[\W_]+")  # runs of what is not a letter or digit (of any script)
_JOINER = re.compile(r"(?<=[^\W_])[-'’](?=[^\W_])")  # hyphen or apostrophe inside a word
_MAX_SORTED_WIDTH = 64  # longest text sorted as NumPy fixed-width strings (4 bytes a character)
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


def map_distinct(values: pd.Series, function) -> pd.Series:
    """``values.map(function)``, with one call of ``function`` per distinct value.

    Survey columns repeat a few values over many rows (sites, answers, yes/no), and one Python
    call per cell was most of the cleaning time of a large export. For a column of text (the
    only kind taken this way; anything else is mapped cell by cell, as distinct values such as
    ``1`` and ``1.0`` or ``True`` would be merged) the result equals :meth:`pandas.Series.map`:
    same values, dtype, index and name. ``function`` is called in order of first appearance,
    so one that numbers what it has not seen before (pseudonyms) numbers alike.

    Examples
    --------
    >>> map_distinct(pd.Series(["a", "b", "a"], name="x"), str.upper).tolist()
    ['A', 'B', 'A']
    """
    if len(values) == 0 or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return values.map(function)
    codes, uniques = pd.factorize(values)
    mapped = pd.Series(uniques, dtype=values.dtype).map(function).take(codes)
    mapped.index, mapped.name = values.index, values.name
    return mapped


def text_ranks(values: pd.Series) -> np.ndarray:
    """The rank of each text among the distinct texts of ``values``, in sorted order.

    The codes of ``pandas.factorize(values, sort=True)`` (missing values -1): sorting by them
    sorts by the text, as Python compares strings. Computed with NumPy's fixed-width strings,
    which sort a million ids in C where pandas compares Python strings (tens of seconds);
    a column with anything else than short texts without NUL characters goes to pandas.

    Examples
    --------
    >>> text_ranks(pd.Series(["S10", "S2", "S10", "S1"])).tolist()
    [1, 2, 1, 0]
    """
    if (len(values) and not values.isna().any()
            and pd.api.types.infer_dtype(values, skipna=False) == "string"):
        texts = values.tolist()
        # NumPy pads with NUL characters, so only NUL-free texts compare as in Python.
        if max(map(len, texts)) <= _MAX_SORTED_WIDTH and "\x00" not in "".join(texts):
            _, codes = np.unique(np.array(texts, dtype=str), return_inverse=True)
            return codes.reshape(-1).astype(np.intp)
    return pd.factorize(values, sort=True)[0]


def normalise_label(value: object) -> str:
    """Collapse whitespace and case so that spellings of one label compare equal.

    Examples
    --------
    >>> normalise_label("  A few   times a YEAR ") == normalise_label("a few times a year")
    True
    """
    return " ".join(str(value).split()).casefold()


def slug(value: object) -> str:
    """A category as a code: lower case, words joined by one underscore.

    Accents are dropped ("Hôpital" -> ``hopital``), letters of other scripts kept; a hyphen or
    apostrophe inside a word is dropped ("Non-binary" is one word); every other run of
    characters that are not letters or digits becomes one underscore.

    Examples
    --------
    >>> slug(" SITE 1 "), slug("Non-binary"), slug("St. Mary's"), slug("PGY-2")
    ('site_1', 'nonbinary', 'st_marys', 'pgy2')
    >>> slug("Hôpital Nord"), slug("Zürich-Ost"), slug("北院")
    ('hopital_nord', 'zurichost', '北院')
    """
    text = unicodedata.normalize("NFKD", str(value).casefold())
    text = "".join(character for character in text if not unicodedata.combining(character))
    return _SLUG.sub("_", _JOINER.sub("", text)).strip("_")


def parse_number(text: object) -> float | None:
    """A cell as a finite number, or ``None`` when it is not one.

    Examples
    --------
    >>> parse_number(" 4 "), parse_number("2.5"), parse_number("four"), parse_number("nan")
    (4.0, 2.5, None, None)
    """
    try:
        number = float(str(text).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def response_lookup(labels: Mapping[int, str], extra: Mapping[str, float | None] | None = None
                    ) -> dict[str, float | None]:
    """Normalised label -> value, from a registry's labels and a study's ``responses`` map.

    The study's map wins over the registry, so it can also re-map a numeric code (a survey
    that coded "never" as 1 maps ``{"1": 0}``); a value of ``None`` means "missing" (e.g.
    "Prefer not to answer").

    Examples
    --------
    >>> lookup = response_lookup({0: "never", 6: "every day"}, {"Daily": 6, "N/A": None})
    >>> lookup["every day"], lookup["daily"], lookup["n/a"]
    (6, 6, None)
    """
    lookup: dict[str, float | None] = {normalise_label(label): value
                                       for value, label in labels.items()}
    for label, value in (extra or {}).items():
        lookup[normalise_label(label)] = value
    return lookup


def _decode_one(text: str, lookup: Mapping[str, float | None], minimum: float,
                maximum: float) -> tuple[float | None, str | None]:
    """(value, None) or (None, rule broken) for one distinct cell text."""
    key = normalise_label(text)
    if key in lookup:
        return lookup[key], None
    number = parse_number(text)
    if number is None:
        return None, "unknown label"
    if not float(number).is_integer():
        return None, "not a whole number"
    if not minimum <= number <= maximum:
        return None, f"outside the response range {minimum:g}-{maximum:g}"
    return number, None


def decode_responses(cells: pd.Series, lookup: Mapping[str, float | None], minimum: float,
                     maximum: float, *, file: str, column: str, lines: Sequence[int],
                     fix: str) -> tuple[pd.Series, list[Problem]]:
    """Decode one exported column of answers into numbers; list every cell that cannot be.

    Parameters
    ----------
    cells : pandas.Series
        The column as exported: ``str`` cells, ``None`` or ``""`` when empty.
    lookup : mapping
        Normalised label -> value (:func:`response_lookup`).
    minimum, maximum : float
        The response range; a number outside it is a problem.
    file, column : str
        Where the column comes from, for the messages.
    lines : sequence of int
        The file line of each cell.
    fix : str
        The study-file key where a missing label can be mapped (e.g.
        ``instruments.mbi_hss_mp.responses``), quoted in the message.

    Returns
    -------
    values : pandas.Series
        Float values (NaN where empty or mapped to missing), same index as ``cells``.
    problems : list of Problem
        One per cell that is not a known label or an allowed number.

    Examples
    --------
    >>> lookup = response_lookup({0: "never", 1: "sometimes"})
    >>> values, problems = decode_responses(pd.Series(["Never", "1", None, "often"]), lookup,
    ...     0, 1, file="t0.csv", column="Q1", lines=[2, 3, 4, 5], fix="instruments.x.responses")
    >>> values.tolist()
    [0.0, 1.0, nan, nan]
    >>> print(problems[0])  # doctest: +NORMALIZE_WHITESPACE
    t0.csv, row 5, column 'Q1': unknown label; known: 'never' = 0, 'sometimes' = 1; map it in
    study.yaml under instruments.x.responses, e.g. responses: {"often": <value>} (value 'often')
    """
    # Each distinct cell decoded once, then taken by its factorize code: an export repeats a
    # handful of labels over a million rows (a dict lookup per cell took seconds per column).
    codes, distinct = pd.factorize(cells.to_numpy(dtype=object))  # missing cells: -1
    numbers = np.full(len(distinct) + 1, np.nan)  # the last one: missing cells
    broken: dict[str, str] = {}
    for code, value in enumerate(distinct.tolist()):
        if str(value).strip() == "":
            continue
        number, rule = _decode_one(str(value), lookup, minimum, maximum)
        if rule is None:
            numbers[code] = np.nan if number is None else float(number)
        else:
            broken[str(value)] = rule
    values = pd.Series(numbers[codes], index=cells.index, name=cells.name)
    problems = []
    if broken:
        known = ", ".join(f"'{label}' = {value:g}" if value is not None else f"'{label}' = missing"
                          for label, value in sorted(lookup.items(),
                                                     key=lambda item: (item[1] is None,
                                                                       item[1] or 0)))
        wrong = np.array([str(value) in broken for value in distinct.tolist()] + [False])
        for position in np.flatnonzero(wrong[codes]):
            cell = str(distinct[codes[position]])
            rule = broken[cell]
            if rule == "unknown label":
                rule = (f"unknown label; known: {known}; map it in study.yaml under {fix}, "
                        f'e.g. responses: {{"{cell.strip()}": <value>}}')
            problems.append(Problem(file, int(lines[position]), column, cell, rule))
    return values, problems


def covariate_values(cells: pd.Series) -> pd.Series:
    """A covariate column as numbers, 0/1 flags or category codes.

    A column whose non-empty cells are all numbers becomes numbers (whole numbers as integers);
    one whose cells are all yes/no (or true/false) becomes 0/1; anything else becomes
    :func:`slug` codes. Empty cells stay missing.

    Examples
    --------
    >>> covariate_values(pd.Series(["24", " 31", None])).tolist()
    [24, 31, <NA>]
    >>> covariate_values(pd.Series(["1.5", "2"])).tolist()
    [1.5, 2.0]
    >>> covariate_values(pd.Series(["Yes", "no", ""])).tolist()
    [1, 0, <NA>]
    >>> covariate_values(pd.Series(["Female", "Non-binary"])).tolist()
    ['female', 'nonbinary']
    """
    text = map_distinct(cells.astype(object).where(cells.notna(), ""),
                        lambda value: str(value).strip())
    present = text[text != ""]
    numbers = map_distinct(present, parse_number)
    if len(present) and numbers.notna().all():
        values = map_distinct(text, lambda value: parse_number(value) if value else np.nan
                              ).astype(float)
        known = values.dropna().to_numpy()  # finite: parse_number gives no inf
        whole = bool((np.floor(known) == known).all())  # float.is_integer, for every value
        return values.round().astype("Int64") if whole else values
    lowered = {value.casefold() for value in present.unique()}
    if lowered and lowered <= _YES | _NO:
        flags = map_distinct(text, lambda value: 1 if value.casefold() in _YES else
                             (0 if value.casefold() in _NO else pd.NA))
        return flags.astype("Int64")
    return map_distinct(text, lambda value: slug(value) if value else None).astype(object)
