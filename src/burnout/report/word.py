"""Word documents: journal three-line tables and the drafted Results (``results.docx``).

A table (:func:`docx_table_bytes`) follows the APA and medical-journal convention: a "Table N."
caption paragraph above, three horizontal rules only (above the header, below the header,
below the last row; no vertical rules, no "Table Grid" style), notes under the table starting
with *Note.*, and column widths taken from the content so that no word is broken.
:func:`results_docx_bytes` gathers the drafted Results paragraphs, every table of the study
and the figure captions into one document for the manuscript.

Both are byte-deterministic: fixed core properties (dates 2000-01-01, no author) and a zip
archive rewritten with sorted entries dated 1980-01-01 (:func:`deterministic_zip`).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from burnout.core.io import write_bytes
from burnout.report.latex import flatten_cell, share_widths, text_width, typeset_numbers

__all__ = ["table_number", "docx_table_bytes", "results_docx_bytes", "write_results_docx",
           "deterministic_zip"]

# Fixed date written into the core properties and zip entries (no build dates).
_FIXED_DATETIME = datetime(2000, 1, 1, tzinfo=UTC)
_ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
# The text width of a portrait A4 page with 1-inch margins (narrower than US letter), in pt,
# the padding of a cell (left + right, Word's default 0.08 in each), and the font sizes tried.
_TEXT_WIDTH, _CELL_PADDING, _FONT_SIZES = 451.0, 11.6, (10.0, 9.0, 8.0)
_RULE = {"val": "single", "sz": "8", "space": "0", "color": "000000"}  # 1 pt rule
_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`)")


def table_number(stem: str) -> str:
    """The table's number from its file stem: ``table2b_risk_ratios`` -> ``"2b"``.

    The stems the designs give (``table<N>[letter]_<name>``) carry the number the paper uses; a
    stem without one gives ``""`` (the caption then has no number).

    Examples
    --------
    >>> table_number("table2b_risk_ratios"), table_number("table1_baseline"), table_number("x")
    ('2b', '1', '')
    """
    match = re.match(r"table(\d+[a-z]?)(?:_|$)", stem)
    return match.group(1) if match else ""


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with sorted entries and fixed dates and permissions."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist()):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(name))
    return output.getvalue()


def _new_document(title: str):
    import docx  # python-docx; imported here so the module loads quickly

    document = docx.Document()
    properties = document.core_properties
    properties.author = properties.last_modified_by = ""
    properties.title = title
    properties.revision = 1
    properties.created = properties.modified = properties.last_printed = _FIXED_DATETIME
    return document


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic_zip(buffer.getvalue())


def _borders(element, tag: str, sides: dict[str, dict[str, str] | None]) -> None:
    """Set the borders ``sides`` (None: no border) of a table or cell properties element."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement(tag)
    for side, rule in sides.items():
        edge = OxmlElement(f"w:{side}")
        for key, value in (rule or {"val": "nil"}).items():
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    element.append(borders)


def _column_widths(text: pd.DataFrame) -> tuple[list[float], float]:
    """Widths (pt) from the content (:func:`burnout.report.latex.share_widths`: natural when
    they fit, else the widest columns wrapped, never below their longest word); the font size
    (pt) is the largest at which every longest word fits."""
    for size in _FONT_SIZES:
        minimum, natural = [], []
        for column in text.columns:
            cells = [str(column), *(str(cell) for cell in text[column])]
            minimum.append(max(text_width(word, size) for cell in cells for word in cell.split()
                               or [""]) + _CELL_PADDING)
            natural.append(max(text_width(cell, size) for cell in cells[1:] or [""])
                           + _CELL_PADDING)
            natural[-1] = max(natural[-1], minimum[-1])
        if sum(minimum) <= _TEXT_WIDTH or size == _FONT_SIZES[-1]:
            return share_widths(minimum, natural, _TEXT_WIDTH), size
    raise AssertionError("unreachable")


def _add_table(document, text: pd.DataFrame, caption: str, notes: Sequence[str],
               number: str) -> None:
    """Caption paragraph, three-line table with widths from the content, notes."""
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    if number:
        paragraph.add_run(f"Table {number}.").bold = True
        paragraph.add_run(" ")
    paragraph.add_run(caption)
    widths, size = _column_widths(text)
    table = document.add_table(rows=len(text) + 1, cols=len(text.columns))
    table.autofit = False
    properties = table._tbl.tblPr
    _borders(properties, "w:tblBorders", {"top": _RULE, "left": None, "bottom": _RULE,
                                          "right": None, "insideH": None, "insideV": None})
    rows = [list(text.columns), *text.itertuples(index=False)]
    for row_number, values in enumerate(rows):
        row = table.rows[row_number]
        for position, value in enumerate(values):
            cell = row.cells[position]
            cell.width = Pt(widths[position])
            cell.text = ""
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            run = cell.paragraphs[0].add_run(flatten_cell(value))
            run.font.size = Pt(size)
            if row_number == 0:
                _borders(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": _RULE})
    for position, column in enumerate(table.columns):
        column.width = Pt(widths[position])
    from docx.oxml import OxmlElement

    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat header
    for index, note in enumerate(notes):
        paragraph = document.add_paragraph()
        if index == 0:
            paragraph.add_run("Note.").italic = True
            paragraph.add_run(" ")
        paragraph.add_run(typeset_numbers(note)).font.size = Pt(size)


def docx_table_bytes(text: pd.DataFrame, caption: str = "", notes: Sequence[str] = (),
                     number: str = "") -> bytes:
    """A Word document holding one publication table, as deterministic bytes.

    Parameters
    ----------
    text : pandas.DataFrame
        The table as display strings; the column names are the header row.
    caption : str
        The title, written after "Table N." in one caption paragraph above the table.
    notes : sequence of str
        Paragraphs under the table; the first is introduced by *Note.*
    number : str
        The table's number (:func:`table_number`); none when empty.

    Returns
    -------
    bytes
        The ``.docx`` file: three horizontal rules (top, under the header, bottom), no
        vertical rules, column widths from the content (the longest word of a column always
        fits), minus signs for negative numbers.

    Examples
    --------
    >>> import docx
    >>> frame = pd.DataFrame({"Score": ["EE"], "p": ["0.40"]})
    >>> data = docx_table_bytes(frame, caption="Demo.", notes=["p: rank-sum test."], number="2")
    >>> document = docx.Document(io.BytesIO(data))
    >>> document.paragraphs[0].text, document.tables[0].style.name
    ('Table 2. Demo.', 'Normal Table')
    """
    document = _new_document(caption)
    _add_table(document, text, caption, list(notes), number)
    return _saved(document)


def _add_markdown_paragraph(document, line: str) -> None:
    """A paragraph of Markdown: ``#`` headings, ``**bold**``, ``*italic*`` and ``code``."""
    heading = re.match(r"(#+)\s+(.*)", line)
    if heading:
        document.add_heading(heading.group(2), level=min(len(heading.group(1)), 3))
        return
    paragraph = document.add_paragraph()
    for part in _INLINE.split(line):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        elif part.startswith("`") and part.endswith("`") and len(part) > 2:
            paragraph.add_run(part[1:-1])
        elif part:
            paragraph.add_run(part)


def _table_sort_key(path: Path) -> tuple[int, str]:
    number = table_number(path.stem)
    return (int(re.sub(r"\D", "", number)) if number else 10**6, path.stem)


def results_docx_bytes(results: str, tables: Sequence[Path] = (), captions: str = "",
                       title: str = "Results") -> bytes:
    """The drafted Results, the study's tables and the figure captions as one Word document.

    Parameters
    ----------
    results : str
        ``results.md``: one paragraph per line (Markdown ``**bold**`` and ``*italic*``).
    tables : sequence of Path
        The tables' ``.docx`` files (:func:`docx_table_bytes`), copied in the order of their
        numbers, each after a page break.
    captions : str
        ``captions.md`` of the figures (Markdown paragraphs; ``#`` lines become headings).
    title : str
        The document's first heading and title property.

    Returns
    -------
    bytes
        The deterministic ``.docx`` file.

    Examples
    --------
    >>> import docx
    >>> data = results_docx_bytes("**Results.** Twelve peers answered.\\n",
    ...                           captions="# Figure captions\\n\\n**Figure 1** Flow.\\n")
    >>> [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    ['Results', 'Results. Twelve peers answered.', '', 'Figure captions', 'Figure 1 Flow.']
    """
    import docx

    document = _new_document(title)
    document.add_heading(title, level=1)
    for line in results.splitlines():
        if line.strip():
            _add_markdown_paragraph(document, line.strip())
    body = document.element.body
    for path in sorted((Path(path) for path in tables), key=_table_sort_key):
        document.add_page_break()
        source = docx.Document(str(path)).element.body
        for element in source:
            if not element.tag.endswith("}sectPr"):
                body.insert(len(body) - 1, copy.deepcopy(element))
    if captions.strip():
        document.add_page_break()
        for line in captions.splitlines():
            if line.strip():
                _add_markdown_paragraph(document, line.strip())
    return _saved(document)


def write_results_docx(results: str, tables_folder: Path, captions: Path, path: Path) -> Path:
    """Write ``results.docx``: the drafted Results, every ``.docx`` table of ``tables_folder``
    and the figure captions of ``captions`` (when the file exists).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> written = write_results_docx("Twelve peers answered.\\n", folder, folder / "none.md",
    ...                              folder / "results.docx")
    >>> written.name, written.stat().st_size > 0
    ('results.docx', True)
    """
    text = captions.read_text(encoding="utf-8") if captions.is_file() else ""
    data = results_docx_bytes(results, sorted(Path(tables_folder).glob("*.docx")), text)
    write_bytes(data, path)
    return Path(path)
