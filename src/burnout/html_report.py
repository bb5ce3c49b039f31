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

from burnout.errors import DataError
from burnout.io import write_text
from burnout.parameters import load_parameters
from burnout.paths import ROOT, study_paths
from burnout.stages import stage_order

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
        When a stage's executed notebook is missing (run ``make all`` first).

    Examples
    --------
    >>> render_html_report("mentorship")  # doctest: +SKIP
    PosixPath('.../reports/mentorship/html/index.html')
    """
    from nbconvert import HTMLExporter

    params = load_parameters(study)
    paths = study_paths(study)
    out_dir = paths.reports / "html"
    exporter = HTMLExporter(template_name="lab")
    entries = []
    for stage in stage_order(params["stages"]):
        executed = paths.reports / f"{stage.notebook}.ipynb"
        if not executed.is_file():
            raise DataError(f"{executed.relative_to(ROOT)}: not built; run `make all`")
        notebook = nbformat.read(executed, as_version=4)
        body, _ = exporter.from_notebook_node(notebook)
        write_text(body, out_dir / f"{stage.notebook}.html")
        entries.append((stage.notebook, stage.name, _title(notebook, stage.notebook)))
    items = "\n".join(
        f'    <li><a href="{name}.html">{html.escape(title)}</a> '
        f"<small>(stage <code>{stage}</code>, notebook <code>notebooks/{name}.ipynb</code>)"
        f"</small></li>"
        for name, stage, title in entries)
    synthetic = ("<p><strong>The data are a synthetic replica</strong> calibrated to the "
                 "published results, not participant data.</p>" if params.get("synthetic") else "")
    index = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(params.get("title", study))}</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.5 }}
</style></head>
<body>
  <h1>{html.escape(params.get("title", study))}</h1>
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
