"""Tests of burnout.report.site (``make site``): the book's source is generated from what exists,
and the built site opens in headless Chromium with no console error and no broken internal link.

The browser tests drive Chromium through the DevTools protocol (``websocket-client``, already
pinned for Jupyter): console errors, uncaught exceptions and failed loads (a missing image, a
script that fails) are all reported by the protocol, which ``--dump-dom`` would not show.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit
from urllib.request import urlopen

import nbformat
import pytest
import yaml

from burnout.core.paths import ROOT
from burnout.data.study import list_studies
from burnout.report.site import build_site, caption_of_figures, write_site_source

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                "google-chrome"))), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install "
                             "chromium); the site's browser test needs it")


# --- the source of the book ----------------------------------------------------------------------

def test_captions_are_read_per_file_without_the_file_list():
    text = ("# Figure captions\n\n**Figure 1** (`flow.png`, `flow.pdf`). Participant flow.\n\n"
            "**Figure 2** (`pre_post.png`). Scores\nbefore and after.\n")
    assert caption_of_figures(text) == {"flow.png": "**Figure 1**. Participant flow.",
                                        "flow.pdf": "**Figure 1**. Participant flow.",
                                        "pre_post.png": "**Figure 2**. Scores before and after."}


def _executed_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    defaults = nbformat.v4.new_code_cell('study = "default"')
    defaults.metadata["tags"] = ["parameters"]
    injected = nbformat.v4.new_code_cell('# Parameters\nstudy = "tiny"\n')
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Tiny stage"), defaults, injected,
                      nbformat.v4.new_code_cell("1 + 1")]
    return notebook


@pytest.fixture
def built_tiny(tiny_project):
    """The tiny project with outputs as the pipeline leaves them (written by hand, not run)."""
    root, _ = tiny_project
    reports, figures, tables = (root / folder / "tiny" for folder in ("reports", "figures",
                                                                      "tables"))
    for folder in (reports, figures, tables):
        folder.mkdir(parents=True)
    nbformat.write(_executed_notebook(), reports / "01_clean.ipynb")
    (reports / "results.md").write_text("**Results.** Scores fell.\n", encoding="utf-8")
    (figures / "flow.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (figures / "flow.pdf").write_bytes(b"%PDF-1.4\n")
    (figures / "extra.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (figures / "captions.md").write_text("**Figure 1** (`flow.png`, `flow.pdf`). The flow.\n")
    (tables / "table1_baseline.md").write_text("Table: Baseline.\n\n| a |\n| --- |\n| 1 |\n")
    for suffix in ("csv", "tex", "docx"):
        (tables / f"table1_baseline.{suffix}").write_text("a\n1\n")
    return root


def test_any_study_with_executed_notebooks_gets_a_section(built_tiny, tmp_path):
    source = tmp_path / "source"
    write_site_source(source, built_tiny)
    toc = yaml.safe_load((source / "_toc.yml").read_text())
    assert [part["caption"] for part in toc["parts"]] == ["A tiny study"]
    (chapter,) = toc["parts"][0]["chapters"]
    assert chapter["file"] == "tiny/index"
    assert [page["file"] for page in chapter["sections"]] == [
        "tiny/results", "tiny/figures", "tiny/tables", "tiny/notebooks/index"]
    assert chapter["sections"][-1]["sections"] == [{"file": "tiny/notebooks/01_clean"}]
    config = yaml.safe_load((source / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"
    assert "synthetic replica" in (source / "tiny/index.md").read_text()


def test_the_notebook_page_shows_the_parameters_it_ran_with_once(built_tiny, tmp_path):
    write_site_source(tmp_path / "source", built_tiny)
    notebook = nbformat.read(tmp_path / "source/tiny/notebooks/01_clean.ipynb", as_version=4)
    sources = [cell.source for cell in notebook.cells]
    assert sources == ["# Tiny stage", '# Parameters\nstudy = "tiny"\n', "1 + 1"]


def test_figures_carry_their_captions_and_tables_their_downloads(built_tiny, tmp_path):
    source = tmp_path / "source"
    write_site_source(source, built_tiny)
    figures = (source / "tiny/figures.md").read_text()
    assert figures.index("flow.png") < figures.index("extra.png"), "captioned figures first"
    assert "**Figure 1**. The flow." in figures and "{download}`flow.pdf" in figures
    assert "(no caption in captions.md)" in figures, "an uncaptioned figure is still shown"
    assert (source / "tiny/figures/flow.png").is_file()
    tables = (source / "tiny/tables.md").read_text()
    assert "## Table 1: baseline" in tables and "*Baseline.*" in tables
    assert all(f"{label} <tables/table1_baseline.{suffix}>" in tables
               for suffix, label in (("csv", "CSV"), ("tex", "LaTeX"), ("docx", "Word")))


def test_files_git_ignores_are_not_shown(built_tiny, tmp_path):
    """The teaching lab's outputs are git-ignored: the site shows what a clone holds."""
    (built_tiny / ".gitignore").write_text("figures/*/extra.png\n")
    subprocess.run(["git", "init", "-q", str(built_tiny)], check=True)
    write_site_source(tmp_path / "source", built_tiny)
    figures = (tmp_path / "source/tiny/figures.md").read_text()
    assert "flow.png" in figures and "extra.png" not in figures


def test_a_study_not_built_yet_is_left_out_and_said(built_tiny, tmp_path, capsys):
    other = built_tiny / "data/raw/other"
    shutil.copytree(built_tiny / "data/raw/tiny", other)
    study_file = other / "study.yaml"
    study_file.write_text(study_file.read_text().replace("study: tiny", "study: other"))
    write_site_source(tmp_path / "source", built_tiny)
    assert "site: other has no executed notebook yet" in capsys.readouterr().err
    assert "other" not in (tmp_path / "source/_toc.yml").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
@pytest.mark.parametrize(("goal", "pipeline"), [("site", False), ("nbval", True)])
def test_make_site_never_builds_the_pipeline_rules(tmp_path, goal, pipeline):
    """`make site` on a fresh clone must not generate (or run) the stages' rules; `nbval`, a
    goal that needs them, shows that the check would see it: its dry run makes them."""
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "postBuild"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "data/raw/fresh").mkdir(parents=True)
    (tmp_path / "data/raw/fresh/study.yaml").write_text("study: fresh\n")
    (tmp_path / "venv/bin").mkdir(parents=True)  # a venv whose python does not exist
    (tmp_path / "venv/.installed").write_text("up to date\n")
    outside_make = {key: value for key, value in os.environ.items()
                    if not key.startswith(("MAKE", "MFLAGS"))}  # as when run from `make test`
    dry = subprocess.run(["make", "--dry-run", "--no-print-directory", goal, "VENV=venv"],
                         cwd=tmp_path, env=outside_make, capture_output=True, text=True,
                         timeout=60)
    assert (".build/fresh.mk" in dry.stdout + dry.stderr) is pipeline, dry.stdout + dry.stderr
    if not pipeline:
        assert dry.returncode == 0 and dry.stdout.strip() == "venv/bin/python -m burnout site"


def test_site_before_the_pipeline_ran_says_what_to_do(tiny_project):
    _, run = tiny_project
    result = run("site")
    assert result.returncode == 1
    *_, last = result.stderr.splitlines()
    assert last.startswith("error: ") and last.endswith(
        "reports: no executed notebook; run `make all` first"), result.stderr


# --- the built site, in a browser ----------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built from the repository's committed outputs (nothing is executed).

    Built once per session: pytest-xdist workers that both run tests of this module share the
    build (a file lock serialises them), as the site is only read.
    """
    base = tmp_path_factory.getbasetemp()
    work = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "site"
    work.mkdir(exist_ok=True)
    with open(work / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (work / "built").is_file():
            started = time.perf_counter()
            index = build_site(work / "site", work=work / "work")
            print(f"site built in {time.perf_counter() - started:.1f} s")
            (work / "built").write_text(str(index.parent), encoding="utf-8")
    return Path((work / "built").read_text(encoding="utf-8"))


def _built_sections() -> list[str]:
    return [name for name in [*list_studies(), "synthesis"]
            if any((ROOT / "reports" / name).glob("[0-9][0-9]_*.ipynb"))]


@pytest.mark.slow
def test_every_executed_notebook_and_report_has_a_page(site):
    assert (site / "index.html").is_file() and (site / "search.html").is_file()
    expected = []
    for name in _built_sections():
        reports = ROOT / "reports" / name
        expected += [f"{name}/notebooks/{notebook.stem}.html"
                     for notebook in reports.glob("[0-9][0-9]_*.ipynb")]
        expected += [f"{name}/{report.stem}.html" for report in reports.glob("*.md")
                     if report.stem in ("results", "reproduction")]
        expected += [f"{name}/index.html", f"{name}/figures.html", f"{name}/tables.html"]
    missing = [page for page in expected if not (site / page).is_file()]
    assert len(expected) > 20 and missing == []


class Chromium:
    """Headless Chromium driven over the DevTools protocol: open pages, read console errors."""

    def __init__(self, executable: str):
        import websocket

        self.profile = Path(tempfile.mkdtemp(prefix="chromium-"))
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            page = next(target for target in json.load(answer) if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30,
                                                  suppress_origin=True)
        self.calls, self.events = 0, []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def call(self, method: str, **params) -> dict:
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.calls:
                assert "error" not in message, f"{method}: {message['error']}"
                return message["result"]
            self.events.append(message)

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression,
                         returnByValue=True)["result"].get("value")

    def open(self, url: str) -> list[str]:
        """Load ``url``; return its console errors, exceptions and failed loads."""
        self.events = []
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while not any(event.get("method") == "Page.loadEventFired" for event in self.events):
            assert time.monotonic() < deadline, f"{url} did not finish loading"
            self.evaluate("1")  # collects the events that arrived meanwhile
            time.sleep(0.05)
        time.sleep(0.2)
        self.evaluate("1")
        return [_error(event) for event in self.events if _error(event)]

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def _error(event: dict) -> str | None:
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
        return "console: " + " ".join(str(arg.get("value", arg.get("description")))
                                      for arg in params["args"])
    if method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        return f"exception: {details.get('exception', {}).get('description', details['text'])}"
    if method == "Log.entryAdded" and params["entry"]["level"] == "error":
        return f"log: {params['entry']['text']} {params['entry'].get('url', '')}"
    return None


@pytest.fixture(scope="module")
def browser(site):
    """Chromium, and the site served on the loopback interface."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    chromium = Chromium(CHROMIUM)
    yield chromium, f"http://127.0.0.1:{server.server_port}/"
    chromium.close()
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


LINKS = ("[...document.querySelectorAll('a[href], link[href], img[src], script[src]')]"
         ".map(element => element.href || element.src)")
IDS = "[...document.querySelectorAll('[id], a[name]')].map(element => element.id || element.name)"


def _crawl(chromium: Chromium, base: str, site: Path):
    """Open every page reachable from the index; return errors, broken links, links checked."""
    pages, queue, errors, anchors, broken, checked = {}, ["index.html"], {}, [], [], 0
    while queue:
        page = queue.pop()
        if page in pages:
            continue
        errors[page] = chromium.open(base + page)
        pages[page] = set(chromium.evaluate(IDS))
        for link in chromium.evaluate(LINKS):
            target, fragment = urldefrag(link)
            if not target.startswith(base):
                continue  # another site (a DOI), or a data: URI
            checked += 1
            path = unquote(urlsplit(target).path)[1:] or "index.html"
            path = path + "index.html" if path.endswith("/") else path
            if not (site / path).is_file():
                broken.append(f"{page} -> {link}")
            elif path.endswith(".html"):
                queue.append(path)
                if fragment:
                    anchors.append((page, path, unquote(fragment), link))
    broken += [f"{page} -> {link}" for page, path, fragment, link in anchors
               if fragment not in pages[path]]
    return (pages, {page: found for page, found in errors.items() if found}, sorted(set(broken)),
            checked)


@pytest.mark.slow
@needs_chromium
def test_every_page_opens_without_console_error_and_every_internal_link_resolves(site, browser):
    chromium, base = browser
    pages, errors, broken, checked = _crawl(chromium, base, site)
    print(f"{len(pages)} pages opened, {checked} internal links checked")
    assert errors == {}, "console errors, exceptions or failed loads"
    assert broken == [], "internal links to a missing page, file or anchor"
    notebooks = [page for page in pages if "/notebooks/" in page and "index" not in page]
    assert len(notebooks) == sum(len(list((ROOT / "reports" / name).glob("[0-9][0-9]_*.ipynb")))
                                 for name in _built_sections()), "every notebook is linked"


@pytest.mark.slow
@needs_chromium
def test_search_finds_the_pages_that_name_a_method(browser):
    chromium, base = browser
    assert chromium.open(base + "search.html?q=Wilcoxon") == []
    deadline, found = time.monotonic() + 30, []
    while not found and time.monotonic() < deadline:
        time.sleep(0.2)
        found = chromium.evaluate(
            "[...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    assert any("/notebooks/04_unadjusted.html" in link for link in found), found
