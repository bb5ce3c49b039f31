"""Tests of burnout.report.tables: journal formatting and the four export formats."""

from __future__ import annotations

import zipfile

import docx
import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.report.latex import typeset_numbers
from burnout.report.tables import (
    escape_latex,
    export_table,
    format_count_percent,
    format_interval,
    format_median_quartiles,
    format_number,
    format_p_value,
    markdown_table,
)


@pytest.mark.parametrize(("p", "expected"), [
    (0.0, "<0.001"), (0.00099, "<0.001"), (0.001, "0.001"), (0.0042, "0.004"),
    (0.0099, "0.010"), (0.01, "0.01"), (0.04, "0.04"), (0.0449, "0.04"), (0.4, "0.40"),
    (0.912, "0.91"), (1.0, "1.00"), (None, "NA"), (float("nan"), "NA"),
])
def test_format_p_value_follows_the_journal_rule(p, expected):
    assert format_p_value(p) == expected


@pytest.mark.parametrize(("p", "expected"), [
    (0.0004, "<0.001"), (0.0042, "0.004"), (0.047, "0.047"), (0.0449, "0.045"),
    (0.4, "0.400"), (1.0, "1.000"),
])
def test_format_p_value_with_three_decimals_for_trials(p, expected):
    assert format_p_value(p, decimals=3) == expected


def test_format_p_value_rejects_other_decimals():
    with pytest.raises(DataError, match="2 or 3"):
        format_p_value(0.5, decimals=4)


@pytest.mark.parametrize("p", [-0.01, 1.2])
def test_format_p_value_rejects_values_outside_zero_one(p):
    with pytest.raises(DataError, match="between 0 and 1"):
        format_p_value(p)


def test_number_helpers():
    assert format_number(-2) == "-2.0"
    assert format_number(-0.04) == "0.0"  # no negative zero
    assert format_number(2.25, 2) == "2.25"
    assert format_interval(-1.64, 1.16) == "-1.6 to 1.2"
    assert format_interval(0.1, None) == "0.1 to NA"
    assert format_median_quartiles(1, -1, 4) == "1.0 (-1.0, 4.0)"
    assert format_count_percent(39, 48) == "39 (81.2)"
    assert format_count_percent(34, 37, decimals=0) == "34 (92)"
    with pytest.raises(DataError, match="count <= total"):
        format_count_percent(5, 4)


def test_escape_latex_escapes_every_special_character():
    escaped = escape_latex(r"a&b%c$d#e_f{g}h~i^j\k<l>m")
    assert escaped == (r"a\&b\%c\$d\#e\_f\{g\}h\textasciitilde{}i\textasciicircum{}j"
                       r"\textbackslash{}k\textless{}l\textgreater{}m")
    assert escape_latex("≥ 27") == r"\ensuremath{\geq} 27"


@pytest.fixture
def table():
    return pd.DataFrame({
        "Subscale": ["EE", "DP & more", "PA_1"],
        "Intervention": ["-2.0 (-4.0, 4.0)", "-1.0 (-3.0, 2.0)", "1.0 (-1.0, 4.0)"],
        "p": [format_p_value(0.4), format_p_value(0.0004), "50% | x"],
    })


def test_export_table_writes_four_formats(tmp_path, table):
    paths = export_table(table, tmp_path / "table2", caption="Change scores, median (Q1, Q3)",
                         notes=["Q1, Q3: quartiles.", "p: Wilcoxon rank-sum test."])
    assert [path.name for path in paths] == ["table2.csv", "table2.md", "table2.tex",
                                             "table2.docx"]
    # CSV: the cells as given, read back identical.
    back = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, table.astype(str))
    # Markdown: caption, header, separator, one line per row, notes; pipes escaped.
    lines = paths[1].read_text(encoding="utf-8").split("\n")
    assert lines[0] == "Table: Change scores, median (Q1, Q3)"
    assert lines[2] == "| Subscale | Intervention | p |"
    assert lines[3] == "| --- | --- | --- |"
    assert lines[4:7] == ["| EE | -2.0 (-4.0, 4.0) | 0.40 |",
                          "| DP & more | -1.0 (-3.0, 2.0) | <0.001 |",
                          r"| PA_1 | 1.0 (-1.0, 4.0) | 50% \| x |"]
    assert "Q1, Q3: quartiles." in lines and "p: Wilcoxon rank-sum test." in lines
    # LaTeX: booktabs in a table float, escaped cells, minus signs, one row per line.
    tex = paths[2].read_text(encoding="utf-8")
    for fragment in (r"\begin{table}[htbp]", r"\caption{Change scores, median (Q1, Q3)}",
                     r"\label{tab:table2}", r"\toprule", r"\midrule", r"\bottomrule",
                     r"DP \& more & \ensuremath{-}1.0 (\ensuremath{-}3.0, 2.0) & "
                     r"\ensuremath{<}0.001 \\",
                     r"PA\_1 & 1.0 (\ensuremath{-}1.0, 4.0) & 50\% \ensuremath{|} x \\",
                     r"\item[] \textit{Note.} Q1, Q3: quartiles.", r"\end{table}"):
        assert fragment in tex
    assert tex.count(r" \\") == 4  # header + three rows
    # Word: the number from the stem in the caption paragraph.
    assert docx.Document(str(paths[3])).paragraphs[0].text.startswith("Table 2. Change scores")


def test_docx_is_byte_identical_and_reopens_with_the_cell_texts(tmp_path, table):
    first = export_table(table, tmp_path / "a" / "t", caption="Caption", notes="Note.")[3]
    second = export_table(table, tmp_path / "b" / "t", caption="Caption", notes="Note.")[3]
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    document = docx.Document(str(first))
    assert document.core_properties.created.year == 2000
    word_table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in word_table.rows]
    assert cells[0] == list(table.columns)
    assert cells[1:] == [[typeset_numbers(cell) for cell in row]
                         for row in table.astype(str).values.tolist()]
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "Caption" and "Note. Note." in paragraphs


def test_export_table_keeps_a_named_index_and_formats_floats(tmp_path):
    frame = pd.DataFrame({"value": [1.0, 0.25, None]},
                         index=pd.Index(["a", "b", "c"], name="row"))
    assert markdown_table(frame).split("\n")[2:] == ["| a | 1 |", "| b | 0.25 |", "| c |  |"]


def test_export_table_rejects_bad_input(tmp_path):
    with pytest.raises(DataError, match="DataFrame"):
        export_table([[1, 2]], tmp_path / "t")
    columns = pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
    with pytest.raises(DataError, match="one level"):
        export_table(pd.DataFrame([[1, 2]], columns=columns), tmp_path / "t")
    assert not list(tmp_path.iterdir())
