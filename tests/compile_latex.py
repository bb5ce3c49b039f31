"""Compile every generated LaTeX file with pdflatex (`make validate-latex`).

The tables (``tables/<study>/*.tex``, booktabs) and the citable-number macros
(``reports/<study>/numbers.tex``) are meant to be pasted into a manuscript; this check compiles
them the way an author would, one document per study (the macros of two studies share names,
as one paper cites one study). It needs pdflatex (Debian: texlive-latex-base,
texlive-latex-recommended), so it is an opt-in check like `make validate-r`, not part of
`make test`.

    python tests/compile_latex.py            # every study with generated outputs
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREAMBLE = (r"\documentclass{article}\usepackage[utf8]{inputenc}\usepackage{booktabs}"
            r"\usepackage[margin=1cm,landscape]{geometry}")


def _document(study: str) -> str:
    """A document inputting the study's macros (using each once) and every table."""
    numbers = ROOT / "reports" / study / "numbers.tex"
    lines = [PREAMBLE, r"\begin{document}", rf"\input{{{numbers}}}"]
    macros = [line.split("}")[0].removeprefix(r"\newcommand{")
              for line in numbers.read_text(encoding="utf-8").splitlines()
              if line.startswith(r"\newcommand")]
    lines += [f"{macro}{{}}" for macro in macros]
    for table in sorted((ROOT / "tables" / study).glob("*.tex")):
        lines += [rf"\input{{{table}}}", r"\clearpage"]
    return "\n".join([*lines, r"\end{document}", ""])


def main() -> int:
    if shutil.which("pdflatex") is None:
        print("pdflatex not found: apt-get install texlive-latex-base texlive-latex-recommended",
              file=sys.stderr)
        return 1
    studies = sorted(path.parent.name for path in (ROOT / "reports").glob("*/numbers.tex"))
    failed = []
    with tempfile.TemporaryDirectory(prefix="burnout-latex-") as scratch:
        for study in studies:
            source = Path(scratch) / f"{study}.tex"
            source.write_text(_document(study), encoding="utf-8")
            result = subprocess.run(
                ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
                cwd=scratch, capture_output=True, text=True)
            errors = [line for line in result.stdout.splitlines() if line.startswith("!")]
            tables = len(list((ROOT / "tables" / study).glob("*.tex")))
            if result.returncode:
                failed.append(study)
                print(f"{study}: pdflatex failed: {errors[:3]}", file=sys.stderr)
            else:
                print(f"{study}: numbers.tex and {tables} tables compile")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
