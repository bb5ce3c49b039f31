"""Tests of burnout.report.latex: escaping, minus signs, column widths that fit a portrait page,
and (when pdflatex exists) the compile check of tests/compile_latex.py on invented tables."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from burnout.report.latex import (
    LATEX_PREAMBLE,
    PAGE,
    latex_column_spec,
    latex_table,
    latex_text,
    text_width,
    typeset_numbers,
    write_latex_preamble,
)
from burnout.report.tables import export_table

MINUS, EN_DASH = "\u2212", "\u2013"
ROOT = Path(__file__).resolve().parents[2]


def _compile_latex():
    """tests/compile_latex.py, the script behind `make validate-latex`, as a module."""
    spec = importlib.util.spec_from_file_location("compile_latex", ROOT / "tests" /
                                                  "compile_latex.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wide_table() -> pd.DataFrame:
    """Eight columns of invented mixed-model results with long names: too wide for one line."""
    outcomes = ["Emotional exhaustion", "Depersonalization", "Personal accomplishment",
                "Impostor syndrome (YIS, 0-8)", "Moral injury (MISS-HP, 10-100)"]
    return pd.DataFrame({
        "Outcome": outcomes,
        "n": ["120"] * 5,
        "Difference (SE)": ["-0.41 (0.97)", "-0.16 (0.55)", "0.52 (0.66)", "-0.04 (0.18)",
                            "-1.22 (1.21)"],
        "95% CI": ["-2.31 to 1.49", "-1.24 to 0.92", "-0.77 to 1.81", "-0.39 to 0.31",
                   "-3.59 to 1.15"],
        "p": ["0.672", "0.771", "0.431", "0.823", "0.314"],
        "Per protocol: n": ["88"] * 5,
        "Per protocol: difference (95% CI)": ["-0.88 (-2.95 to 1.19)", "-0.37 (-1.55 to 0.81)",
                                              "0.41 (-0.96 to 1.78)", "-0.11 (-0.50 to 0.28)",
                                              "-0.99 (-3.57 to 1.59)"],
        "Per protocol: p": ["0.405", "0.538", "0.557", "0.581", "0.452"],
    })


@pytest.mark.parametrize(("text", "expected"), [
    ("-2.0 (-4.0 to -0.5)", f"{MINUS}2.0 ({MINUS}4.0 to {MINUS}0.5)"),
    ("-.5", f"{MINUS}.5"),
    ("YIS, 0-8; MISS-HP, 10-100", f"YIS, 0{EN_DASH}8; MISS-HP, 10{EN_DASH}100"),
    ("Hodges-Lehmann, per-protocol, x-1", "Hodges-Lehmann, per-protocol, x-1"),
    ("0.5 - 0.2", "0.5 - 0.2"),
])
def test_typeset_numbers_prints_minus_signs_and_range_dashes(text, expected):
    assert typeset_numbers(text) == expected


def test_latex_text_escapes_every_special_character_and_has_no_hyphen_minus():
    escaped = latex_text(r"a&b%c$d#e_f{g}h~i^j\k<l>m|n -1.5 ≥ 27 ± × …")
    assert escaped == (r"a\&b\%c\$d\#e\_f\{g\}h\ensuremath{\sim}i\textasciicircum{}j"
                       r"\textbackslash{}k\ensuremath{<}l\ensuremath{>}m\ensuremath{|}n "
                       r"\ensuremath{-}1.5 \ensuremath{\geq} 27 \ensuremath{\pm} "
                       r"\ensuremath{\times} \ldots{}")
    # No character pdflatex's default (OT1) encoding would print as another glyph.
    assert not re.search(r"(?<!\\ensuremath\{)[|<>]", escaped)


def test_latex_text_flattens_lines_and_keeps_an_indent():
    assert latex_text("a\n  b") == "a b"
    assert latex_text("\u00a0\u00a0Female") == "~~Female"


def test_text_width_grows_with_text_and_shrinking_sizes_use_wider_designs():
    assert text_width("accomplishment") > text_width("exhaustion") > text_width("0.40") > 0
    assert text_width("0.40", size=8.0) / 8.0 > text_width("0.40", size=10.0) / 10.0


def _fractions(spec: str) -> list[float]:
    return [float(value) for value in re.findall(r"p\{([\d.]+)\\linewidth\}", spec)]


def test_a_narrow_table_keeps_its_natural_widths_in_small_type():
    frame = pd.DataFrame({"Score": ["EE", "DP"], "p": ["0.40", "0.04"]})
    spec, size, sideways = latex_column_spec(frame)
    assert (size, sideways) == (r"\small", False)
    assert sum(_fractions(spec)) < 0.3  # nothing stretched to the line width
    assert spec.count(r">{\raggedright\arraybackslash}p{") == 2


def test_a_wide_table_wraps_to_fit_a_portrait_line():
    spec, size, sideways = latex_column_spec(wide_table())
    fractions = _fractions(spec)
    assert not sideways and len(fractions) == 8
    padding = 2 * PAGE["tabcolsep"] * 8 / PAGE["linewidth"]
    assert sum(fractions) + padding <= 1.0
    # each column is at least as wide as its longest word, so no word is broken
    points = 9.0 if size == r"\small" else 8.0
    for fraction, column in zip(fractions, wide_table().columns, strict=True):
        words = [word for cell in [column, *wide_table()[column]] for word in cell.split()]
        assert fraction * PAGE["linewidth"] >= max(text_width(word, points) for word in words)


def test_only_a_table_whose_words_exceed_the_page_is_set_sideways():
    frame = pd.DataFrame({f"Column{index}": ["Pneumonoultramicroscopicsilicovolcanoconiosis"]
                          for index in range(4)})
    spec, _, sideways = latex_column_spec(frame)
    assert sideways
    source = latex_table(frame, caption="Too wide")
    assert r"\begin{sidewaystable}[htbp]" in source and r"\end{sidewaystable}" in source
    assert "sidewaystable" not in latex_table(wide_table())


def test_latex_table_has_caption_rules_and_notes_in_a_threeparttable():
    source = latex_table(wide_table(), caption="Differences | invented", label="tab:x",
                         notes=["SE: standard error.", "Invented numbers."])
    lines = source.splitlines()
    assert lines[1] == r"\begin{table}[htbp]" and lines[-1] == r"\end{table}"
    assert r"\caption{Differences \ensuremath{|} invented}" in lines
    assert r"\label{tab:x}" in lines
    assert [line for line in lines if line in (r"\toprule", r"\midrule", r"\bottomrule")] == [
        r"\toprule", r"\midrule", r"\bottomrule"]
    notes = lines.index(r"\begin{tablenotes}[flushleft]")
    assert lines.index(r"\end{tabular}") < notes < lines.index(r"\end{threeparttable}")
    assert lines[notes + 2] == r"\item[] \textit{Note.} SE: standard error."
    assert lines[notes + 3] == r"\item[] Invented numbers."
    assert not re.search(r"(?<![\w)\]{-])-\d", source)  # a minus for every negative number


def test_the_preamble_lists_every_package_the_tables_use(tmp_path):
    used = latex_table(wide_table(), notes=["x"]) + latex_table(
        pd.DataFrame({"A": ["Pneumonoultramicroscopicsilicovolcanoconiosis" * 2]}))
    needs = {r"\toprule": "booktabs", r"\raggedright\arraybackslash": "array",
             "threeparttable": "threeparttable", "sidewaystable": "rotating"}
    assert all(marker in used for marker in needs)
    path = write_latex_preamble(tmp_path / "preamble.tex")
    assert path.read_text(encoding="utf-8") == LATEX_PREAMBLE
    for package in needs.values():
        assert rf"\usepackage{{{package}}}" in LATEX_PREAMBLE


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (Debian: texlive-latex-base, "
                           "texlive-latex-recommended, texlive-latex-extra)")
def test_invented_tables_compile_on_a_portrait_page_without_bad_boxes(tmp_path):
    compile_latex = _compile_latex()
    preamble = write_latex_preamble(tmp_path / "tables" / "preamble.tex")
    long_rows = pd.DataFrame({
        "Characteristic": ["Applying to emergency medicine | yes & no, n (%)",
                           "\u00a0\u00a0\u00a0\u00a0Female_identifying, n (%)"] * 12,
        "Intervention (n = 51)": ["17 (33.3)", "-0.2 (-2.9 to 2.5)"] * 12,
        "Control (n = 84)": ["44 (52.4)", "<0.001"] * 12, "SMD": ["0.39", "-0.18"] * 12})
    tables = [
        export_table(wide_table(), tmp_path / "tables" / "demo" / "table2_models",
                     caption="Invented mixed models.", notes=["Score ~ group * time + "
                                                              "(1 | participant)."])[2],
        export_table(long_rows, tmp_path / "tables" / "demo" / "table1_baseline",
                     caption="Invented baseline.", notes=["SMD: standardized mean "
                                                          "difference; 50% of $1 #2."])[2],
    ]
    problems = compile_latex.check_tables(tables, preamble, tmp_path)
    assert len(problems) == 2 * len(compile_latex.PAPERS)
    assert problems == {name: [] for name in problems}


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_the_compile_check_fails_a_table_wider_than_the_page(tmp_path):
    compile_latex = _compile_latex()
    preamble = write_latex_preamble(tmp_path / "preamble.tex")
    table = tmp_path / "wide.tex"
    table.write_text("\\begin{tabular}{llllllll}\\toprule\n"
                     + " & ".join(["Per protocol: difference (95\\% CI)"] * 8)
                     + " \\\\\n\\bottomrule\\end{tabular}\n", encoding="utf-8")
    problems = compile_latex.check_tables([table], preamble, tmp_path)
    assert all(found and compile_latex.overfull_points(found) > 100
               for found in problems.values())
