"""Render the executed notebooks of a study as static HTML pages with an index page.

``make report`` (``python -m burnout report <study>``) writes ``reports/<study>/html/``: one page
per executed notebook (code, prose, tables and figures, readable in any browser without
Jupyter) and ``index.html`` linking them in pipeline order with the study's key files. The
pages are a view of the committed executed notebooks, so they are not committed themselves.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat

from burnout.core.errors import DataError
from burnout.core.io import write_text
from burnout.core.paths import study_paths
from burnout.data.study import load_study

__all__ = ["render_html_report"]


def _title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    """The first Markdown heading of a notebook, without the leading #."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def render_html_report(study: str) -> Path:
    """Write one HTML page per executed notebook of ``study`` and an index; return the index.

    Raises
    ------
    DataError
        When the study has no executed notebook yet (run ``make all`` first).

    Examples
    --------
    ``render_html_report("mentorship")`` writes ``reports/mentorship/html/index.html`` and returns
    its path; a study that does not exist is a clear error:

    >>> render_html_report("no_such_study")
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: ...
    """
    from nbconvert import HTMLExporter

    described = load_study(study)
    paths = study_paths(study)
    out_dir = paths.reports / "html"
    exporter = HTMLExporter(template_name="lab")
    executed_notebooks = sorted(paths.reports.glob("[0-9][0-9]_*.ipynb"))
    if not executed_notebooks:
        raise DataError(f"{paths.reports}: no executed notebook; run `make all STUDY={study}`")
    entries = []
    for executed in executed_notebooks:
        notebook = nbformat.read(executed, as_version=4)
        body, _ = exporter.from_notebook_node(notebook)
        write_text(body, out_dir / f"{executed.stem}.html")
        entries.append((executed.stem, _title(notebook, executed.stem)))
    items = "\n".join(
        f'    <li><a href="{name}.html">{html.escape(title)}</a> '
        f"<small>(notebook <code>notebooks/{name}.ipynb</code>)</small></li>"
        for name, title in entries)
    synthetic = ("<p><strong>The data are a synthetic replica</strong> calibrated to the "
                 "published results, not participant data.</p>" if described.synthetic else "")
    index = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(described.title)}</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.5 }}
</style></head>
<body>
  <h1>{html.escape(described.title)}</h1>
  {synthetic}
  <p>The executed notebooks of the pipeline, in order:</p>
  <ol>
{items}
  </ol>
  <p>Key files: <code>reports/{study}/numbers.json</code>, <code>reports/{study}/results.md</code>,
  <code>reports/{study}/reproduction.md</code>, <code>tables/{study}/</code>,
  <code>figures/{study}/</code>.</p>
</body>
</html>
"""
    return write_text(index, out_dir / "index.html")
