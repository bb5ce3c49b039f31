"""From citable numbers to manuscript text: LaTeX macros and a drafted Results paragraph.

``reports/<study>/numbers.json`` holds every citable number under a dotted key (see
:mod:`burnout.numbers`). This module turns it into

* ``numbers.tex``: one ``\\newcommand`` per key, so the manuscript writes
  ``\\AdjustedPaDifference`` instead of typing 2.2 by hand (:func:`numbers_to_latex_macros`);
* ``results.md``: a drafted Results paragraph rendered from a jinja2 template in
  ``burnout/templates/`` (:func:`render_results`). Templates use ``StrictUndefined`` and a
  look-up helper that raises on a missing key, so a missing number is an error, never a blank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import jinja2

from burnout.errors import DataError
from burnout.tables import escape_latex, format_number, format_p_value

__all__ = [
    "SIGNIFICANT_DIGITS",
    "TEMPLATES_DIR",
    "macro_name",
    "format_macro_value",
    "numbers_to_latex_macros",
    "render_results",
]

# Floats in the LaTeX macros keep this many significant digits (trailing zeros dropped).
SIGNIFICANT_DIGITS = 3
# Jinja2 templates of drafted text, shipped inside the package.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_DIGIT_WORDS = ("Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                 "nine", "ten")
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
        (:func:`burnout.tables.format_p_value`, ``<`` escaped); other floats rounded to
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
    % Citable numbers, generated by burnout.manuscript.numbers_to_latex_macros; do not edit.
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
    lines = ["% Citable numbers, generated by burnout.manuscript.numbers_to_latex_macros; "
             "do not edit."]
    for name, key in sorted(names.items(), key=lambda item: item[1]):
        value = format_macro_value(key, numbers[key], significant_digits)
        lines.append(f"\\newcommand{{\\{name}}}{{{value}}}% {key}")
    return "\n".join(lines) + "\n"


class _NumberLookup:
    """Dotted-key access to the numbers for templates, raising a clear error on a gap."""

    def __init__(self, numbers: Mapping[str, object], template_name: str):
        self._numbers = dict(numbers)
        self._template_name = template_name

    def value(self, key: str) -> object:
        """The raw value of ``key``; a missing or null value is an error."""
        if key not in self._numbers:
            raise DataError(f"template {self._template_name}: numbers.json has no key '{key}' "
                            f"(rule: every number the text cites must be recorded by a stage)")
        value = self._numbers[key]
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            raise DataError(f"template {self._template_name}: numbers.json key '{key}' is null "
                            f"or not finite (rule: a cited number must be a finite value)")
        return value

    def number(self, key: str, decimals: int = 1) -> str:
        """``key`` with a fixed number of decimals."""
        return format_number(self.value(key), decimals)

    def count(self, key: str) -> str:
        """``key`` as an integer count."""
        value = self.value(key)
        if not float(value).is_integer():
            raise DataError(f"template {self._template_name}: numbers.json key '{key}' = "
                            f"{value!r} is not a whole count")
        return str(int(value))

    def p(self, key: str, decimals: int = 2) -> str:
        """``key`` as a journal-style p-value, with ``=`` or ``<``: ``"= 0.40"``.

        ``decimals`` from 0.01 up: 2, or 3 as randomized trials report them.
        """
        text = format_p_value(self.value(key), decimals)
        return text.replace("<", "< ") if text.startswith("<") else f"= {text}"

    def percent(self, count_key: str, total_key: str, decimals: int = 0) -> str:
        """Percent of ``count_key`` out of ``total_key``, e.g. ``"81%"``."""
        total = float(self.value(total_key))
        if total <= 0:
            raise DataError(f"template {self._template_name}: numbers.json key '{total_key}' "
                            f"must be positive to compute a percent")
        return f"{format_number(100.0 * float(self.value(count_key)) / total, decimals)}%"


def _number_word(count: int) -> str:
    """Small counts as words, as journals write them at the start of a sentence."""
    count = int(count)
    return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else str(count)


def render_results(numbers: Mapping[str, object],
                   template_name: str = "results_mentorship.md.j2",
                   templates_dir: str | Path | None = None, **context: object) -> str:
    """Draft a Results paragraph from the citable numbers and a jinja2 template.

    Parameters
    ----------
    numbers : mapping
        Flat mapping of dotted keys to values (``numbers.json``).
    template_name : str
        File name of the template in ``templates_dir``.
    templates_dir : path-like, optional
        Folder of templates; default :data:`TEMPLATES_DIR` (``burnout/templates``).
    **context
        Further template variables (e.g. ``synthetic=True`` to add a note that the data are a
        synthetic replica).

    Returns
    -------
    str
        The rendered Markdown text, ending with a newline.

    Raises
    ------
    DataError
        When the template cites a key that is missing from ``numbers`` or null, or when the
        template itself uses an undefined variable (``StrictUndefined``).

    Notes
    -----
    Templates see the helpers ``value(key)``, ``number(key, decimals=1)``, ``count(key)``,
    ``p(key)`` (``"= 0.40"`` or ``"< 0.001"``), ``percent(count_key, total_key)`` and
    ``number_word(n)``, and the filters ``p_value`` and ``number``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "t.md.j2").write_text("{{ count('n.mentors') }} mentors ({{ p('x.p') }})")
    >>> render_results({"n.mentors": 59, "x.p": 0.04}, "t.md.j2", folder)
    '59 mentors (= 0.04)\\n'
    """
    folder = Path(templates_dir) if templates_dir is not None else TEMPLATES_DIR
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined,
        autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["p_value"] = format_p_value
    environment.filters["number"] = format_number
    lookup = _NumberLookup(numbers, template_name)
    helpers = {"value": lookup.value, "number": lookup.number, "count": lookup.count,
               "p": lookup.p, "percent": lookup.percent, "number_word": _number_word}
    try:
        template = environment.get_template(template_name)
    except jinja2.TemplateNotFound as error:
        raise DataError(f"template {template_name!r} not found in {folder}") from error
    try:
        text = template.render(**helpers, **context)
    except jinja2.UndefinedError as error:
        raise DataError(f"template {template_name}: {error} (rule: every variable the text "
                        f"uses must be defined)") from error
    text = re.sub(r"[ \t]+\n", "\n", text).strip("\n")
    return text + "\n"
