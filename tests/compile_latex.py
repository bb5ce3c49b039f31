"""Compile every generated LaTeX file with pdflatex (`make validate-latex`).

The tables (``tables/<study>/*.tex``) and the citable-number macros
(``reports/<study>/numbers.tex``) are meant to be pasted into a manuscript; this check compiles
them the way an author would: each table alone on a portrait page of the article class with its
default margins (A4 and US letter), with the packages of ``tables/preamble.tex``, and the
macros one document per study (the macros of two studies share names, as one paper cites one
study). It fails on a LaTeX error and on any overfull or underfull box or float too large for
the page in the log: a table that does not fit the page is a failure, not a warning. It needs
pdflatex (Debian: texlive-latex-base, texlive-latex-recommended, texlive-latex-extra), so it
is an opt-in check like `make validate-r`, not part of `make test`;
``tests/report/test_latex.py`` runs it on invented tables when pdflatex exists.

    python tests/compile_latex.py            # every study with generated outputs
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ("a4paper", "letterpaper")
# Log lines that fail the check: a box that does not fit, or a float taller than the page.
_BAD = re.compile(r"^(Overfull|Underfull) \\[hv]box.*|.*Float too large.*")
_TOO_WIDE = re.compile(r"Overfull \\hbox \((?P<points>[\d.]+)pt too wide\)")


def table_document(table: Path, preamble: Path, paper: str = "a4paper") -> str:
    """A portrait document of the article class, default margins, holding one table."""
    return "\n".join([rf"\documentclass[{paper}]{{article}}", rf"\input{{{preamble}}}",
                      r"\begin{document}", rf"\input{{{table}}}", r"\end{document}", ""])


def _numbers_document(numbers: Path) -> str:
    """A document inputting a study's macros and using each once."""
    macros = [line.split("}")[0].removeprefix(r"\newcommand{")
              for line in numbers.read_text(encoding="utf-8").splitlines()
              if line.startswith(r"\newcommand")]
    return "\n".join([r"\documentclass{article}", r"\begin{document}", rf"\input{{{numbers}}}",
                      *(f"{macro}{{}}" for macro in macros), r"\end{document}", ""])


def compile_source(source: str, scratch: Path, name: str = "check") -> list[str]:
    """Compile ``source`` with pdflatex; return its errors and bad-box warnings (empty: fine)."""
    path = scratch / f"{name}.tex"
    path.write_text(source, encoding="utf-8")
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                             path.name], cwd=scratch, capture_output=True, text=True)
    log = (scratch / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    problems = [line.strip() for line in log.splitlines()
                if line.startswith("!") or _BAD.match(line)]
    if result.returncode and not problems:
        problems = [f"pdflatex exited with {result.returncode}"]
    return problems


def overfull_points(problems: list[str]) -> float:
    """The largest overfull width (pt) among the problems, 0 when none."""
    return max([float(match["points"]) for problem in problems
                if (match := _TOO_WIDE.search(problem))] + [0.0])


def check_tables(tables: list[Path], preamble: Path, scratch: Path) -> dict[str, list[str]]:
    """Compile each table on every portrait paper size; the problems of each (by name)."""
    found = {}
    for table in tables:
        for paper in PAPERS:
            problems = compile_source(table_document(table, preamble, paper), scratch)
            found[f"{table.parent.name}/{table.name} ({paper})"] = problems
    return found


def main() -> int:
    if shutil.which("pdflatex") is None:
        print("pdflatex not found: apt-get install texlive-latex-base texlive-latex-recommended "
              "texlive-latex-extra", file=sys.stderr)
        return 1
    preamble = ROOT / "tables" / "preamble.tex"
    if not preamble.is_file():
        print(f"{preamble.relative_to(ROOT)} missing: run `make all`", file=sys.stderr)
        return 1
    failed = 0
    with tempfile.TemporaryDirectory(prefix="burnout-latex-") as scratch:
        tables = sorted((ROOT / "tables").glob("*/*.tex"))
        for name, problems in check_tables(tables, preamble, Path(scratch)).items():
            failed += bool(problems)
            print(f"{name}: " + ("fits a portrait page" if not problems else
                                 f"FAILS (overfull {overfull_points(problems):g} pt): "
                                 + "; ".join(problems[:3])))
        for numbers in sorted((ROOT / "reports").glob("*/numbers.tex")):
            errors = [problem for problem in compile_source(_numbers_document(numbers),
                                                            Path(scratch))
                      if problem.startswith("!") or "exited" in problem]
            failed += bool(errors)
            print(f"{numbers.parent.name}/numbers.tex: "
                  + ("compiles" if not errors else f"FAILS: {errors[:3]}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
