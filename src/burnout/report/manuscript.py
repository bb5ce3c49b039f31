"""From citable numbers to LaTeX macros: ``numbers.tex``.

``reports/<study>/numbers.json`` holds every citable number under a dotted key (see
:mod:`burnout.report.numbers`). :func:`numbers_to_latex_macros` turns it into one
``\\newcommand`` per key, so a manuscript writes ``\\AdjustedPaDifference`` instead of typing
the number by hand. The drafted Results paragraph is :mod:`burnout.report.results`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from burnout.core.errors import DataError
from burnout.report.tables import escape_latex, format_p_value

__all__ = [
    "SIGNIFICANT_DIGITS",
    "macro_name",
    "format_macro_value",
    "numbers_to_latex_macros",
]

# Floats in the LaTeX macros keep this many significant digits (trailing zeros dropped).
SIGNIFICANT_DIGITS = 3
_DIGIT_WORDS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
_KEY_PART = re.compile(r"[A-Za-z]+|[0-9]")


def macro_name(key: str, prefix: str = "") -> str:
    r"""Turn a dotted key into a LaTeX macro name (letters only, CamelCase).

    Parameters
    ----------
    key : str
        Dotted key of ``numbers.json``, e.g. ``"unadjusted.ee.ranksum.p"``.
    prefix : str
        Letters put in front of every name (e.g. ``"StudyA"``), to keep two studies' macros
        apart or to avoid a clash with an existing LaTeX command.

    Returns
    -------
    str
        The macro name without the backslash: dots and underscores removed, each word
        capitalised, every digit spelled out (``q1`` becomes ``QOne``).

    Raises
    ------
    DataError
        When the key or prefix yields no letters or the prefix is not letters only.

    Examples
    --------
    >>> macro_name("unadjusted.ee.ranksum.p")
    'UnadjustedEeRanksumP'
    >>> macro_name("unadjusted.ee.change.intervention.q1")
    'UnadjustedEeChangeInterventionQOne'
    """
    if prefix and not prefix.isalpha():
        raise DataError(f"macro prefix {prefix!r}: rule broken: letters only")
    parts = _KEY_PART.findall(str(key))
    if not parts:
        raise DataError(f"numbers key {key!r}: rule broken: a key needs letters or digits")
    words = [_DIGIT_WORDS[int(part)] if part.isdigit() else part[0].upper() + part[1:].lower()
             for part in parts]
    return prefix + "".join(words)


def _significant(value: float, digits: int) -> str:
    """``value`` rounded to ``digits`` significant digits, fixed notation, no trailing zeros."""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if float(text) == 0 else text


def format_macro_value(key: str, value: object, significant_digits: int = SIGNIFICANT_DIGITS
                       ) -> str:
    r"""Format one number for a LaTeX macro body.

    Parameters
    ----------
    key : str
        The dotted key; keys ending in ``.p`` are p-values.
    value : int, float, str, bool or None
        The value from ``numbers.json``.
    significant_digits : int
        Significant digits kept for floats (default :data:`SIGNIFICANT_DIGITS`).

    Returns
    -------
    str
        Integers (and integral floats) as integers; p-values in journal style
        (:func:`burnout.report.tables.format_p_value`, ``<`` escaped); other floats rounded to
        ``significant_digits`` significant digits in fixed notation with trailing zeros
        dropped; strings LaTeX-escaped; ``None`` (a NaN in the JSON file) as ``NA``.

    Examples
    --------
    >>> format_macro_value("adjusted.pa.difference", 2.2341)
    '2.23'
    >>> format_macro_value("adjusted.pa.p", 0.0004), format_macro_value("n.mentors", 59.0)
    ('\\textless{}0.001', '59')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return escape_latex(value)
    if not isinstance(value, (int, float)):
        raise DataError(f"numbers key {key!r}: value {value!r} is not a number or a string")
    if key.endswith(".p"):
        return escape_latex(format_p_value(value))
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    if math.isinf(value):
        return "NA"
    return _significant(float(value), significant_digits)


def numbers_to_latex_macros(numbers: Mapping[str, object], prefix: str = "",
                            significant_digits: int = SIGNIFICANT_DIGITS) -> str:
    r"""Write every citable number as a LaTeX ``\newcommand``.

    Parameters
    ----------
    numbers : mapping
        Flat mapping of dotted keys to values (``numbers.json``).
    prefix : str
        Letters put in front of every macro name (see :func:`macro_name`).
    significant_digits : int
        Significant digits of floats (see :func:`format_macro_value`).

    Returns
    -------
    str
        Text of ``numbers.tex``: a header comment, then one line per key in key order,
        ``\newcommand{\Name}{value}% key``.

    Raises
    ------
    DataError
        When two keys give the same macro name (e.g. ``a.b_c`` and ``a_b.c``); the message
        lists the clashing keys.

    Notes
    -----
    ``\newcommand`` (not ``\renewcommand``) makes LaTeX stop if a name already exists, e.g.
    a key ``large`` would clash with ``\Large``; use ``prefix`` then.

    Examples
    --------
    >>> print(numbers_to_latex_macros({"n.mentors": 59, "unadjusted.ee.ranksum.p": 0.4}))
    % Citable numbers, generated by burnout.report.manuscript.numbers_to_latex_macros; do not edit.
    \newcommand{\NMentors}{59}% n.mentors
    \newcommand{\UnadjustedEeRanksumP}{0.40}% unadjusted.ee.ranksum.p
    <BLANKLINE>
    """
    names: dict[str, str] = {}
    clashes: dict[str, list[str]] = {}
    for key in sorted(numbers):
        name = macro_name(key, prefix)
        if name in names:
            clashes.setdefault(name, [names[name]]).append(key)
        else:
            names[name] = key
    if clashes:
        listed = "; ".join(f"\\{name}: {', '.join(keys)}" for name, keys in clashes.items())
        raise DataError(f"numbers: rule broken: every key needs its own LaTeX macro name, but "
                        f"these keys collide: {listed}")
    lines = ["% Citable numbers, generated by burnout.report.manuscript.numbers_to_latex_macros; "
             "do not edit."]
    for name, key in sorted(names.items(), key=lambda item: item[1]):
        value = format_macro_value(key, numbers[key], significant_digits)
        lines.append(f"\\newcommand{{\\{name}}}{{{value}}}% {key}")
    return "\n".join(lines) + "\n"
