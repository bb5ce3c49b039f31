"""Publication tables: journal-style number formatting and export in four formats.

A table is built once, as a DataFrame of display strings, and written by :func:`export_table`
as CSV, Markdown (pipe table), LaTeX (booktabs, :mod:`burnout.report.latex`) and Word
(``.docx``, :mod:`burnout.report.word`), each byte-deterministic
so that a rebuild of the compendium reproduces the committed files exactly.

Formatting rules (one place for the whole compendium):

* p-values (:func:`format_p_value`): two decimals (``"0.04"``, ``"0.40"``); three decimals when
  p < 0.01 (``"0.004"``); ``"<0.001"`` below 0.001.
* scores and differences (:func:`format_number`): one decimal by default, ``"-0.0"`` shown as
  ``"0.0"``.
* intervals (:func:`format_interval`): ``"a to b"`` (a hyphen would be confused with a minus).
* medians (:func:`format_median_quartiles`): ``"median (Q1, Q3)"``.
* counts (:func:`format_count_percent`): ``"n (%)"``, the percent with one decimal.
* a missing value is ``"NA"``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from burnout.core.errors import DataError
from burnout.core.io import write_bytes, write_csv, write_text
from burnout.report.latex import latex_table
from burnout.report.word import docx_table_bytes, table_number

__all__ = [
    "MISSING_TEXT",
    "format_p_value",
    "format_number",
    "format_interval",
    "format_median_quartiles",
    "format_count_percent",
    "escape_latex",
    "markdown_table",
    "export_table",
]

# What a missing value looks like in every table.
MISSING_TEXT = "NA"

# LaTeX special characters and their text-mode replacements (backslash first), for the
# citable-number macros; the tables use burnout.report.latex.latex_text.
_LATEX_REPLACEMENTS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "≤": r"\ensuremath{\leq}",
    "≥": r"\ensuremath{\geq}",
    "±": r"\ensuremath{\pm}",
    "−": "-",
}
_LATEX_PATTERN = re.compile("|".join(re.escape(key) for key in _LATEX_REPLACEMENTS))


def _is_missing(value: object) -> bool:
    """True for None and NaN-like values."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def format_p_value(p: float | None, decimals: int = 2) -> str:
    """Format a p-value in journal style.

    Parameters
    ----------
    p : float or None
        The p-value, between 0 and 1.
    decimals : int
        Decimals from 0.01 up: 2 (most journals) or 3 (randomized trials, so that 0.047 is not
        printed as 0.05).

    Returns
    -------
    str
        ``"<0.001"`` when p < 0.001; three decimals when p < 0.01; ``decimals`` decimals
        otherwise; ``"NA"`` when missing.

    Raises
    ------
    DataError
        When ``p`` is outside [0, 1].

    Notes
    -----
    Rounding is to the nearest value (``format(p, ".2f")``), so 0.046 is shown as ``"0.05"``;
    tell significance from the unrounded value, never from the text.

    Examples
    --------
    >>> [format_p_value(p) for p in (0.0004, 0.0042, 0.04, 0.4, 0.912)]
    ['<0.001', '0.004', '0.04', '0.40', '0.91']
    >>> format_p_value(0.047, decimals=3)
    '0.047'
    """
    if _is_missing(p):
        return MISSING_TEXT
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise DataError(f"p-value {p!r}: rule broken: a p-value lies between 0 and 1")
    if p < 0.001:
        return "<0.001"
    if decimals not in (2, 3):
        raise DataError(f"p-value decimals {decimals!r}: rule broken: 2 or 3")
    if p < 0.01:
        return f"{p:.3f}"
    return f"{p:.{decimals}f}"


def format_number(value: float | None, decimals: int = 1) -> str:
    """Format a score, difference or estimate with a fixed number of decimals.

    Parameters
    ----------
    value : float or None
        The number.
    decimals : int
        Decimals shown (default 1, the compendium's rule for MBI scores).

    Returns
    -------
    str
        The number, ``"0.0"`` instead of ``"-0.0"``, ``"NA"`` when missing.

    Examples
    --------
    >>> format_number(-2), format_number(0.04, 2), format_number(-0.01), format_number(None)
    ('-2.0', '0.04', '0.0', 'NA')
    """
    if _is_missing(value):
        return MISSING_TEXT
    text = f"{float(value):.{int(decimals)}f}"
    if float(text) == 0.0:
        text = text.lstrip("-")
    return text


def format_interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """Format a confidence interval (or range) as ``"low to high"``.

    Examples
    --------
    >>> format_interval(-1.84, 1.46)
    '-1.8 to 1.5'
    """
    return f"{format_number(low, decimals)} to {format_number(high, decimals)}"


def format_median_quartiles(median: float | None, q1: float | None, q3: float | None,
                            decimals: int = 1) -> str:
    """Format a median with its first and third quartiles as ``"median (Q1, Q3)"``.

    Examples
    --------
    >>> format_median_quartiles(-2, -4, 4)
    '-2.0 (-4.0, 4.0)'
    """
    return (f"{format_number(median, decimals)} "
            f"({format_number(q1, decimals)}, {format_number(q3, decimals)})")


def format_count_percent(count: int | None, total: int | None, decimals: int = 1) -> str:
    """Format a count with its percent of ``total`` as ``"n (%)"``.

    Parameters
    ----------
    count, total : int
        The count and the denominator (respondents with an answer).
    decimals : int
        Decimals of the percent (default 1).

    Raises
    ------
    DataError
        When the count is negative or larger than the total.

    Examples
    --------
    >>> format_count_percent(39, 48), format_count_percent(0, 0)
    ('39 (81.2)', '0 (NA)')
    """
    if _is_missing(count) or _is_missing(total):
        return MISSING_TEXT
    count, total = int(count), int(total)
    if count < 0 or count > total:
        raise DataError(f"count {count} of total {total}: rule broken: 0 <= count <= total")
    percent = format_number(100.0 * count / total, decimals) if total else MISSING_TEXT
    return f"{count} ({percent})"


def escape_latex(text: str) -> str:
    r"""Escape LaTeX special characters of ``text`` for text mode.

    Examples
    --------
    >>> print(escape_latex("50% of A_1 & <0.001"))
    50\% of A\_1 \& \textless{}0.001
    """
    return _LATEX_PATTERN.sub(lambda match: _LATEX_REPLACEMENTS[match.group(0)], str(text))


def _cell_text(value: object) -> str:
    """Display text of one cell: strings as they are, floats with the CSV float format."""
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) or (hasattr(value, "dtype") and "float" in str(value.dtype)):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.10g}"
    return str(value)


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as a DataFrame of strings (a meaningful index becomes the first column)."""
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"table: expected a pandas DataFrame, got {type(frame).__name__}")
    if frame.columns.nlevels != 1:
        raise DataError("table: rule broken: column headers must be one level (flatten them)")
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    if frame.columns.duplicated().any():
        duplicated = list(frame.columns[frame.columns.duplicated()])
        raise DataError(f"table: rule broken: column names must be unique, got {duplicated}")
    text = pd.DataFrame({str(column): [_cell_text(value) for value in frame[column]]
                         for column in frame.columns}, dtype=object)
    return text


def _markdown_cell(text: str) -> str:
    """Escape pipes and flatten line breaks for a pipe-table cell."""
    return " ".join(str(text).split()).replace("|", r"\|")


def markdown_table(frame: pd.DataFrame) -> str:
    """Render a DataFrame as a Markdown pipe table (no trailing newline).

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"a": ["x|y"], "b": [1]})))
    | a | b |
    | --- | --- |
    | x\\|y | 1 |
    """
    text = _as_text_frame(frame)
    lines = ["| " + " | ".join(_markdown_cell(column) for column in text.columns) + " |",
             "| " + " | ".join("---" for _ in text.columns) + " |"]
    for row in text.itertuples(index=False):
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in row) + " |")
    return "\n".join(lines)


def _notes_list(notes: str | Sequence[str] | None) -> list[str]:
    """Table notes as a list of paragraphs."""
    if notes is None:
        return []
    if isinstance(notes, str):
        return [notes] if notes.strip() else []
    return [str(note) for note in notes if str(note).strip()]


def _markdown_document(text: pd.DataFrame, caption: str, notes: list[str]) -> str:
    """The Markdown file: caption (pandoc ``Table:`` syntax), pipe table, notes."""
    parts = []
    if caption:
        parts.append(f"Table: {_markdown_cell(caption)}")
    parts.append(markdown_table(text))
    parts.extend(notes)
    return "\n\n".join(parts) + "\n"


def export_table(frame: pd.DataFrame, stem: str | os.PathLike[str], caption: str = "",
                 notes: str | Sequence[str] | None = None,
                 label: str | None = None, number: str | None = None) -> list[Path]:
    """Write a publication table as CSV, Markdown, LaTeX and Word files.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, ideally already formatted as display strings (see the ``format_*``
        helpers). A named or non-default index is written as the first column. Remaining
        floats are written with up to ten significant digits; missing cells are empty.
    stem : path-like
        Output path without suffix, e.g. ``tables/mentorship/table2_unadjusted``.
    caption : str
        Table title (Markdown ``Table:`` line, LaTeX ``\\caption``, Word caption paragraph
        after "Table N."). Not written into the CSV, which holds the cells only.
    notes : str or sequence of str, optional
        Footnotes (abbreviations, tests used), written below the table.
    label : str, optional
        LaTeX label; default ``tab:<stem name>``.
    number : str, optional
        The number of the Word caption ("Table 2b."); default from the stem
        (:func:`burnout.report.word.table_number`: ``table2b_risk_ratios`` -> ``2b``).

    Returns
    -------
    list of Path
        ``<stem>.csv``, ``<stem>.md``, ``<stem>.tex``, ``<stem>.docx``.

    Raises
    ------
    DataError
        When ``frame`` is not a DataFrame, has multi-level or duplicated column names.

    Notes
    -----
    Every file is written atomically through :mod:`burnout.core.io`. CSV and Markdown keep
    the cells as given (ASCII hyphens, for software); LaTeX and Word print a minus sign for a
    negative number and an en dash in a range. The LaTeX table fits a portrait page of the
    article class with default margins (:func:`burnout.report.latex.latex_table`) and needs
    the packages of ``tables/preamble.tex``. The Word table is a three-line table
    (:func:`burnout.report.word.docx_table_bytes`) whose file is byte-deterministic.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> table = pd.DataFrame({"Subscale": ["EE"], "p": [format_p_value(0.4)]})
    >>> [path.name for path in export_table(table, folder / "t", caption="Demo")]
    ['t.csv', 't.md', 't.tex', 't.docx']
    >>> print((folder / "t.md").read_text())
    Table: Demo
    <BLANKLINE>
    | Subscale | p |
    | --- | --- |
    | EE | 0.40 |
    <BLANKLINE>
    """
    stem = Path(stem)
    text = _as_text_frame(frame)
    note_list = _notes_list(notes)
    label = label or f"tab:{stem.name}"
    number = table_number(stem.name) if number is None else number
    paths = [stem.with_name(stem.name + suffix) for suffix in (".csv", ".md", ".tex", ".docx")]
    write_csv(text, paths[0])
    write_text(_markdown_document(text, caption, note_list), paths[1])
    write_text(latex_table(text, caption, note_list, label), paths[2])
    write_bytes(docx_table_bytes(text, caption, note_list, number), paths[3])
    return paths
