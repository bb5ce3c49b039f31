"""Tests of burnout.report.word: three-line Word tables with a "Table N." caption, widths from
the content, and results.docx (the drafted Results, the tables and the figure captions)."""

from __future__ import annotations

import io

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn

from burnout.report.latex import text_width
from burnout.report.word import (
    docx_table_bytes,
    results_docx_bytes,
    table_number,
    write_results_docx,
)

TEXT_WIDTH_PT = 451.0  # a portrait A4 page with 1-inch margins


def invented_table() -> pd.DataFrame:
    return pd.DataFrame({
        "Outcome": ["Emotional exhaustion", "Personal accomplishment"],
        "Definition": ["Emotional exhaustion score of 27 or more (MBI-HSS (MP))",
                       "Personal accomplishment score of 33 or less (MBI-HSS (MP))"],
        "Intervention, n/N (%)": ["12/30 (40.0%)", "5/30 (16.7%)"],
        "Control, n/N (%)": ["20/40 (50.0%)", "9/40 (22.5%)"],
        "Risk ratio (95% CI)": ["0.80 (0.47 to 1.36)", "0.74 (0.28 to 1.98)"],
        "Difference": ["-0.2 (-2.9 to 2.5)", "1.1 (-0.4 to 2.6)"],
    })


def _document(data: bytes):
    return docx.Document(io.BytesIO(data))


@pytest.mark.parametrize(("stem", "number"), [
    ("table1_baseline", "1"), ("table2b_risk_ratios", "2b"), ("table12", "12"),
    ("figure1_flow", ""), ("tables_x", ""), ("table_x", ""),
])
def test_table_number_comes_from_the_stem(stem, number):
    assert table_number(stem) == number


def test_word_table_has_three_rules_and_no_grid():
    table = _document(docx_table_bytes(invented_table(), "Caption.", ["Note one."], "2b"))
    word_table = table.tables[0]
    assert word_table.style.name != "Table Grid"
    borders = word_table._tbl.tblPr.find(qn("w:tblBorders"))
    kinds = {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}
    assert kinds == {"top": "single", "bottom": "single", "left": "nil", "right": "nil",
                     "insideH": "nil", "insideV": "nil"}
    for row_number, row in enumerate(word_table.rows):
        for cell in row.cells:
            cell_borders = cell._tc.tcPr.find(qn("w:tcBorders"))
            if row_number == 0:  # the rule under the header
                assert cell_borders[0].tag == qn("w:bottom")
                assert cell_borders[0].get(qn("w:val")) == "single"
            else:
                assert cell_borders is None
    assert word_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_word_table_caption_above_and_notes_below():
    document = _document(docx_table_bytes(invented_table(), "Yes/no outcomes by group.",
                                          ["RR: risk ratio.", "Invented numbers."], "2b"))
    body = [child.tag.split("}")[1] for child in document.element.body]
    assert body[:2] == ["p", "tbl"]
    caption = document.paragraphs[0]
    assert caption.text == "Table 2b. Yes/no outcomes by group."
    assert caption.runs[0].text == "Table 2b." and caption.runs[0].bold
    assert caption.paragraph_format.keep_with_next
    notes = [paragraph.text for paragraph in document.paragraphs[1:]]
    assert notes == ["Note. RR: risk ratio.", "Invented numbers."]
    assert document.paragraphs[1].runs[0].italic


def test_word_table_widths_come_from_the_content_and_break_no_word():
    frame = invented_table().assign(p=["0.48", "0.04"])
    word_table = _document(docx_table_bytes(frame, "Caption.")).tables[0]
    widths = [cell.width.pt for cell in word_table.rows[0].cells]
    assert sum(widths) <= TEXT_WIDTH_PT + 0.5
    for width, column in zip(widths, frame.columns, strict=True):
        words = [word for cell in [column, *frame[column]] for word in cell.split()]
        assert width >= max(text_width(word, 8.0) for word in words)
    assert widths[-1] == min(widths) < 0.5 * max(widths)  # p is not given an equal share
    # a table that fits keeps each column's natural width
    narrow = _document(docx_table_bytes(frame[["Outcome", "p"]], "Caption.")).tables[0]
    assert [cell.width.pt for cell in narrow.rows[0].cells] == pytest.approx(
        [text_width("Personal accomplishment", 10.0) + 11.6, text_width("0.48", 10.0) + 11.6],
        abs=0.1)


def test_word_cells_print_minus_signs_and_the_file_is_byte_identical():
    first = docx_table_bytes(invented_table(), "Caption.", ["n/N: invented."], "3")
    assert first == docx_table_bytes(invented_table(), "Caption.", ["n/N: invented."], "3")
    cells = [cell.text for cell in _document(first).tables[0].rows[1].cells]
    assert cells[-1] == "\u22120.2 (\u22122.9 to 2.5)"


def test_results_docx_has_the_text_the_tables_in_order_and_the_captions(tmp_path):
    for stem, caption in (("table2_models", "Models."), ("table1_baseline", "Baseline."),
                          ("table10_extra", "Extra.")):
        path = tmp_path / "tables" / f"{stem}.docx"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(docx_table_bytes(invented_table(), caption, ["Invented."],
                                          table_number(stem)))
    (tmp_path / "captions.md").write_text(
        "# Figure captions\n\n**Figure 1** (`flow.png`). Participant flow.\n", encoding="utf-8")
    results = ("**Results.** *(Invented numbers.)*\n\nTwelve peers answered; the change was "
               "-1.5 (95% CI -2.9 to -0.1).\n")
    path = write_results_docx(results, tmp_path / "tables", tmp_path / "captions.md",
                              tmp_path / "results.docx")
    document = docx.Document(str(path))
    texts = [paragraph.text for paragraph in document.paragraphs if paragraph.text]
    assert texts[:3] == ["Results", "Results. (Invented numbers.)",
                         "Twelve peers answered; the change was -1.5 (95% CI -2.9 to -0.1)."]
    captions = [text for text in texts if text.startswith("Table ")]
    assert captions == ["Table 1. Baseline.", "Table 2. Models.", "Table 10. Extra."]
    assert len(document.tables) == 3
    assert texts[-2:] == ["Figure captions", "Figure 1 (flow.png). Participant flow."]
    assert not any("**" in text or "`" in text for text in texts)
    bold = [run.text for run in document.paragraphs[1].runs if run.bold]
    assert bold == ["Results."]
    again = write_results_docx(results, tmp_path / "tables", tmp_path / "captions.md",
                               tmp_path / "again.docx")
    assert again.read_bytes() == path.read_bytes()


def test_results_docx_without_tables_or_captions_holds_the_text_only():
    document = _document(results_docx_bytes("One paragraph.\n"))
    assert [paragraph.text for paragraph in document.paragraphs] == ["Results",
                                                                     "One paragraph."]
    assert document.tables == []
