"""The browsable site: a Jupyter Book of every study's committed outputs, built without re-running.

``make site`` (``python -m burnout site``) writes ``site/index.html``: one section per study (its
results, figures with their captions, tables with CSV, LaTeX and Word downloads, the
reproduction report and one page per executed notebook), then the evidence synthesis, with a
navigation sidebar and full-text search. The pages are a *view* of the files the pipeline wrote
and the repository commits (``reports/``, ``figures/``, ``tables/``): nothing is re-executed
(``execute_notebooks: "off"``), so a fresh clone builds the site in under a minute without
running the pipeline, and ``site/`` is never committed.

Why Jupyter Book 1.x: it is pure Python from PyPI (Sphinx, MyST-NB, the book theme), so the
project's one set of pins in ``requirements.txt`` covers it and the build works offline; its
search is Sphinx's static index (no server); it renders executed ``.ipynb`` files as they are,
honouring ``execute_notebooks: "off"``. Quarto's pip package fetches its CLI binary at install
time and Jupyter Book 2 runs a Node.js server that fetches its theme, neither of which works on a
machine that reaches only package registries.

The book's source is generated into ``.build/site/`` from what exists, so any study with executed
notebooks gets its section and the table of contents names no study in advance.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from burnout.core.errors import DataError
from burnout.core.paths import ROOT
from burnout.data.study import list_studies, load_study
from burnout.designs import design_of

__all__ = ["SitePage", "build_site", "caption_of_figures", "write_site_source"]

SYNTHESIS = "synthesis"
SITE_TITLE = "Mentorship, coaching and trainee burnout: a research compendium"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
_TABLE_DOWNLOADS = (("csv", "CSV"), ("tex", "LaTeX"), ("docx", "Word"))


@dataclass
class SitePage:
    """One page of the book (a path without suffix, relative to the source) and its subpages."""

    file: str
    sections: list[SitePage] = field(default_factory=list)
    title: str | None = None  # the navigation's title, when shorter than the page's

    def toc(self) -> dict:
        """The page as an entry of Jupyter Book's ``_toc.yml``.

        Examples
        --------
        >>> SitePage("a/index", [SitePage("a/results")], "Overview").toc()
        {'file': 'a/index', 'title': 'Overview', 'sections': [{'file': 'a/results'}]}
        """
        entry: dict = {"file": self.file}
        if self.title:
            entry["title"] = self.title
        if self.sections:
            entry["sections"] = [section.toc() for section in self.sections]
        return entry


def _page(title: str, body: str) -> str:
    """A Markdown page titled ``title``; a body with its own first-level title keeps it."""
    text = body.strip()
    if text.startswith("# "):
        return text + "\n"
    if re.search(r"^# ", text, flags=re.MULTILINE):  # one H1 per page: the page title
        text = re.sub(r"^(#{1,5}) ", r"#\1 ", text, flags=re.MULTILINE)
    return f"# {title}\n\n{text}\n"


def caption_of_figures(captions_md: str) -> dict[str, str]:
    """Map each figure file named in a ``captions.md`` to its caption paragraph.

    A paragraph names its files in backticks (``flow.png``, ``flow.pdf``); every file it names
    gets the paragraph, without the list of file names.

    Examples
    --------
    >>> text = "# Figure captions\\n\\n**Figure 1** (`flow.png`, `flow.pdf`). Participant flow."
    >>> caption_of_figures(text)["flow.png"]
    '**Figure 1**. Participant flow.'
    """
    captions = {}
    for paragraph in re.split(r"\n\s*\n", captions_md):
        names = re.findall(r"`([^`\s]+\.(?:png|pdf|svg))`", paragraph)
        if not names or paragraph.lstrip().startswith("#"):
            continue
        text = re.sub(r"\s*\((?:`[^`]+`(?:,\s*)?)+\)", "", paragraph).strip()
        captions.update(dict.fromkeys(names, " ".join(text.split())))
    return captions


@dataclass(frozen=True)
class _Outputs:
    """The generated files the site shows: those on disk, less those git ignores (the teaching
    lab's simulation outputs), so the site shows what a clone of the repository holds."""

    root: Path
    ignored: frozenset[Path]

    @classmethod
    def of(cls, root: Path) -> _Outputs:
        try:
            listed = subprocess.run(
                ["git", "-C", str(root), "ls-files", "--others", "--ignored", "--exclude-standard",
                 "-z", "--", "reports", "figures", "tables"],
                capture_output=True, text=True, check=False)
        except OSError:  # no git: nothing is ignored
            return cls(root, frozenset())
        names = listed.stdout.split("\0") if listed.returncode == 0 else []
        return cls(root, frozenset(root / name for name in names if name))

    def files(self, folder: Path, pattern: str = "*") -> list[Path]:
        """The files of ``folder`` matching ``pattern``, sorted by name."""
        return sorted(path for path in folder.glob(pattern)
                      if path.is_file() and path not in self.ignored)


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _write(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _figures_page(outputs: _Outputs, figures: Path, out: Path, title: str) -> str:
    """Every PNG of ``figures`` with its caption and a download of its PDF."""
    captions_file = figures / "captions.md"
    captions = caption_of_figures(captions_file.read_text(encoding="utf-8")
                                  if captions_file.is_file() else "")
    pngs = sorted(outputs.files(figures, "*.png"), key=lambda png: (png.name not in captions,
                                                          list(captions).index(png.name)
                                                          if png.name in captions else 0,
                                                          png.name))
    blocks = []
    for png in pngs:
        _copy(png, out / "figures" / png.name)
        caption = captions.get(png.name, f"`{png.stem}` (no caption in captions.md).")
        pdf = png.with_suffix(".pdf")
        block = (f":::{{figure}} figures/{png.name}\n:name: {out.name}-{png.stem}\n"
                 f":alt: {png.stem.replace('_', ' ')}\n\n{caption}\n:::\n")
        if pdf in outputs.files(figures, "*.pdf"):
            _copy(pdf, out / "figures" / pdf.name)
            block += f"\nVector version: {{download}}`{pdf.name} <figures/{pdf.name}>`\n"
        blocks.append(block)
    body = "\n".join(blocks) or "No figure has been drawn yet."
    return _page(f"Figures: {title}", f"PNG at 300 dpi, with a PDF of each.\n\n{body}")


def _table_title(stem: str) -> str:
    """``table2b_risk_ratios`` -> ``Table 2b: risk ratios``; any other name keeps its words."""
    match = re.fullmatch(r"table(\d+[a-z]?)_(.+)", stem)
    if match:
        return f"Table {match.group(1)}: {match.group(2).replace('_', ' ')}"
    return stem.replace("_", " ").capitalize()


def _tables_page(outputs: _Outputs, tables: Path, out: Path, title: str) -> str:
    """Every table of ``tables`` (its Markdown, or its CSV) with downloads of each format."""
    blocks, present = [], outputs.files(tables)
    for stem in sorted({path.stem for path in present if path.suffix in (".md", ".csv")}):
        markdown = tables / f"{stem}.md"
        if markdown in present:
            content = markdown.read_text(encoding="utf-8").strip()
            content = re.sub(r"^Table: (.*)$", r"*\1*", content, flags=re.MULTILINE)
        else:
            _copy(tables / f"{stem}.csv", out / "tables" / f"{stem}.csv")
            content = (f":::{{csv-table}}\n:file: tables/{stem}.csv\n:header-rows: 1\n"
                       ":class: site-table\n:::")
        links = []
        for suffix, label in _TABLE_DOWNLOADS:
            source = tables / f"{stem}.{suffix}"
            if source in present:
                _copy(source, out / "tables" / source.name)
                links.append(f"{{download}}`{label} <tables/{source.name}>`")
        downloads = f"\n\nDownload: {' · '.join(links)}" if links else ""
        blocks.append(f"## {_table_title(stem)}\n\n{content}{downloads}\n")
    body = "\n".join(blocks) or "No table has been written yet."
    return _page(f"Tables: {title}", body)


def _notebook_page(executed: Path, target: Path) -> None:
    """Copy an executed notebook without the template's parameters cell.

    Papermill keeps the template's defaults (tag ``parameters``) and adds the values it ran
    with (tag ``injected-parameters``); the page shows only the latter, which is what ran. A
    notebook without a first-level title gets its file name as one.
    """
    notebook = nbformat.read(executed, as_version=4)
    tags = [set(cell.get("metadata", {}).get("tags", [])) for cell in notebook.cells]
    if any("injected-parameters" in cell_tags for cell_tags in tags):
        notebook.cells = [cell for cell, cell_tags in zip(notebook.cells, tags, strict=True)
                          if "parameters" not in cell_tags]
    if not any(cell.cell_type == "markdown" and cell.source.lstrip().startswith("# ")
               for cell in notebook.cells):
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {executed.stem}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)


def _notebooks(executed: list[Path], out: Path, title: str) -> SitePage:
    """The notebook pages of a section, under a page that lists them."""
    for notebook in executed:
        _notebook_page(notebook, out / "notebooks" / notebook.name)
    _write(out / "notebooks" / "index.md", _page(
        f"Executed notebooks: {title}",
        "The notebooks as `make all` executed them (papermill), with their outputs, never "
        "re-executed here. The parameters cell shows the values each one ran with.\n\n"
        "```{tableofcontents}\n```"))
    return SitePage(f"{out.name}/notebooks/index",
                    [SitePage(f"{out.name}/notebooks/{notebook.stem}") for notebook in executed],
                    "Executed notebooks")


def _section(outputs: _Outputs, key: str, title: str, introduction: str,
             source: Path) -> SitePage:
    """Write a section: its text reports, figures, tables, files and executed notebooks."""
    root = outputs.root
    reports, out = root / "reports" / key, source / key
    present, pages = outputs.files(reports), []
    for stem, heading in (("results", "Results"), ("figures", "Figures"), ("tables", "Tables"),
                          ("reproduction", "Reproduction report")):
        if stem == "figures":
            text = _figures_page(outputs, root / "figures" / key, out, key)
        elif stem == "tables":
            text = _tables_page(outputs, root / "tables" / key, out, key)
        elif reports / f"{stem}.md" in present:
            text = _page(f"{heading}: {key}", (reports / f"{stem}.md").read_text("utf-8"))
        else:
            continue
        _write(out / f"{stem}.md", text)
        pages.append(SitePage(f"{key}/{stem}", title=heading))
    pages.append(_notebooks(outputs.files(reports, NOTEBOOK_GLOB), out, key))
    files = [path for path in present if path.suffix in (".docx", ".json", ".tex")]
    downloads = "".join(f"- {{download}}`{path.name} <files/{path.name}>`\n"
                        for path in files if _copy(path, out / "files" / path.name))
    _write(out / "index.md", _page(title, (
        f"{introduction}\n\n```{{tableofcontents}}\n```\n\n"
        + (f"Files for citing and drafting:\n\n{downloads}" if downloads else ""))))
    return SitePage(f"{key}/index", pages, "Overview")


def _study_introduction(root: Path, name: str) -> tuple[str, str]:
    """The title of a study and the paragraph that opens its section."""
    study = load_study(name, root / "data" / "raw")
    text = f"Study `{name}`: {design_of(study).words.design}."
    if study.synthetic:
        text += ("\n\n**The data are a synthetic replica** calibrated to the published "
                 "results, not participant data.")
    return study.title, text


# A favicon of the site's own (the browser asks for one; a missing one is a failed load).
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" '
           'height="16" rx="3" fill="#2c5d8f"/><path d="M4 12V4h4.5a2 2 0 0 1 0 4H4h5a2 2 0 0 1 '
           '0 4z" fill="none" stroke="#fff" stroke-width="1.6"/></svg>\n')


def _config() -> dict:
    """Jupyter Book's ``_config.yml``: never execute; the book theme's navigation and search."""
    return {
        "title": SITE_TITLE,
        "author": "the compendium's contributors",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        # Math is left as written: MathJax would be fetched from a CDN, and the site must work
        # offline (and open without a console error).
        "parse": {"myst_enable_extensions": ["colon_fence"]},
        "html": {"favicon": "favicon.svg"},
        "sphinx": {"config": {
            "html_show_copyright": False, "html_last_updated_fmt": None,
            "html_show_sourcelink": False,
            "numfig": False,  # the captions number the figures as the manuscript does
            # The theme's options in full (they replace Jupyter Book's): no repository buttons;
            # a default colour mode, without which a first visit logs "invalid theme mode".
            "html_theme_options": {"search_bar_text": "Search the compendium...",
                                   "home_page_in_toc": True, "use_download_button": True,
                                   "use_fullscreen_button": True},
            "html_context": {"default_mode": "auto"},
            # Jupyter Book's extensions without thebe (live code, which needs a Binder server,
            # and whose script declares a constant twice on every page, a console error) and
            # intersphinx (a remote service).
            "extensions": ["sphinx_togglebutton", "sphinx_copybutton", "myst_nb", "jupyter_book",
                           "sphinx_comments", "sphinx_external_toc", "sphinx_design",
                           "sphinx_book_theme"]}},
    }


def write_site_source(source: Path, root: Path = ROOT) -> list[SitePage]:
    """Write the book's source (pages, copies, ``_config.yml``, ``_toc.yml``) into ``source``.

    Every study with executed notebooks under ``reports/<study>/`` gets a section, in the
    order of :func:`burnout.data.study.list_studies`; the evidence synthesis follows when it
    has run. Returns the sections, each with its pages.

    Raises
    ------
    DataError
        When no study has an executed notebook (run ``make all`` first).

    Examples
    --------
    >>> import tempfile
    >>> source = Path(tempfile.mkdtemp())
    >>> sections = write_site_source(source)
    >>> [section.file for section in sections][-1], (source / "_toc.yml").is_file()
    ('synthesis/index', True)
    """
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    sections, parts, outputs = [], [], _Outputs.of(root)
    for name in list_studies(root / "data" / "raw"):
        if not outputs.files(root / "reports" / name, NOTEBOOK_GLOB):
            print(f"site: {name} has no executed notebook yet (make all STUDY={name}); "
                  "left out", file=sys.stderr)
            continue
        title, introduction = _study_introduction(root, name)
        sections.append(_section(outputs, name, title, introduction, source))
        parts.append(title)
    if not sections:
        raise DataError(f"{root / 'reports'}: no executed notebook; run `make all` first")
    if outputs.files(root / "reports" / SYNTHESIS, NOTEBOOK_GLOB):
        sections.append(_section(outputs, SYNTHESIS, "Evidence synthesis", (
            "Every study's standardized effects among the published evidence: random-effects "
            "meta-analysis of each MBI subscale, the programs' design and the dose analyses."),
            source))
        parts.append("Evidence synthesis")
    _write(source / "index.md", _page(SITE_TITLE, (
        "The results of every study of the compendium: drafted Results, figures with their "
        "captions, publication tables, the reproduction of the published values and every "
        "executed notebook of the pipeline. The pages show the committed outputs as `make all` "
        "wrote them; nothing is re-executed to build this site. Use the search box to find a "
        "number, a table or a method.\n\n```{tableofcontents}\n```")))
    toc = {"format": "jb-book", "root": "index",
           "parts": [{"caption": caption, "chapters": [section.toc()]}
                     for caption, section in zip(parts, sections, strict=True)]}
    _write(source / "_toc.yml", yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    _write(source / "_config.yml", yaml.safe_dump(_config(), sort_keys=False))
    _write(source / "favicon.svg", FAVICON)
    return sections


def build_site(output: Path | None = None, root: Path = ROOT,
               work: Path | None = None) -> Path:
    """Build the site into ``output`` (default ``site/``) and return its ``index.html``.

    The source is written to ``work`` (default ``.build/site/``) by :func:`write_site_source`
    and built by Jupyter Book with warnings as errors, so a broken cross-reference fails the
    build; the executed notebooks are shown, never executed.

    Raises
    ------
    DataError
        When nothing has been built yet, or when Jupyter Book fails (its log follows).

    Examples
    --------
    ``build_site()`` writes ``site/index.html`` in about a minute; without executed notebooks
    it says what to run:

    >>> import tempfile
    >>> build_site(root=Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: ...: no executed notebook; run `make all` first
    """
    output = output or root / "site"
    work = work or root / ".build" / "site"
    source, build = work / "source", work / "build"
    write_site_source(source, root)
    if build.exists():
        shutil.rmtree(build)
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source),
               "--path-output", str(build), "--builder", "html", "--warningiserror",
               "--keep-going", "--quiet"]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise DataError(f"jupyter-book build failed:\n{finished.stdout}{finished.stderr}")
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(build / "_build" / "html", output)
    return output / "index.html"
