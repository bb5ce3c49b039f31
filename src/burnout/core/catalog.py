"""The data catalog: the name and place of every file the pipeline reads or writes, once.

Each entry is a path template relative to the project root, with ``{study}`` for the study's
name and, for families of files, ``{name}`` for the member (a figure, a table, an evaluation).
Stages (:mod:`burnout.pipeline.stages`) declare what they read and write with these entries,
notebooks ask :func:`study_files` for the paths, and the dependency audit compares the files a
stage really opened with the declared templates. No file name is typed anywhere else.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from burnout.core.paths import ROOT

__all__ = ["CATALOG", "Entry", "StudyFiles", "study_files", "template", "matches",
           "undeclared_files"]


@dataclass(frozen=True)
class Entry:
    """One catalog entry: a path template and what the file holds."""

    key: str
    template: str
    description: str


_ENTRIES = (
    # --- human-written inputs -------------------------------------------------------------
    Entry("raw", "data/raw/{study}/{name}", "an export of the study, as exported (read-only)"),
    Entry("study_file", "data/raw/{study}/study.yaml", "the study file: design, roster, waves, "
          "instruments"),
    Entry("checksums", "data/raw/{study}/SHA256SUMS", "SHA-256 of every raw file"),
    Entry("params", "params/{study}.yaml", "optional overrides of the analysis parameters"),
    Entry("redaction", "params/redaction.txt", "names scrubbed from free text, one per line"),
    Entry("published", "published/{study}.yaml", "optional: the published numbers to reproduce"),
    Entry("results_template", "params/{study}_results.md.j2",
          "optional: the study's own template of the drafted Results"),
    Entry("evidence", "published/evidence.csv",
          "published estimates of other studies, verified, with citation and DOI"),
    Entry("user_evidence", "data/evidence/{name}.csv",
          "a user's own estimates files for the evidence synthesis"),
    # --- cleaning -------------------------------------------------------------------------
    Entry("participants", "data/processed/{study}/participants.csv",
          "one row per enrolled participant: id, group, site, covariates, flags"),
    Entry("items", "data/processed/{study}/items.csv",
          "one row per participant and wave: every instrument's item answers"),
    Entry("waves", "data/processed/{study}/waves.csv", "the waves: time code, name, file"),
    Entry("exclusions", "data/processed/{study}/exclusions.csv",
          "every excluded or altered record with its reason"),
    Entry("flow", "data/processed/{study}/flow.csv", "participant flow counts per group"),
    Entry("codebook", "data/processed/{study}/datapackage.json",
          "machine-readable codebook of the raw files (Frictionless Data Package)"),
    Entry("codebook_text", "data/processed/{study}/CODEBOOK.md", "the codebook, for humans"),
    Entry("evaluation", "data/processed/{study}/evaluation_{name}.csv",
          "cleaned responses of an evaluation survey"),
    Entry("evaluation_roster", "data/processed/{study}/evaluation_{name}_roster.csv",
          "the respondents' roster of an evaluation survey (when not the participants)"),
    Entry("themes", "data/processed/{study}/themes.csv", "the qualitative codebook"),
    Entry("theme_codes", "data/processed/{study}/theme_codes.csv",
          "the coders' codes: one row per response, coder and theme"),
    # --- scoring --------------------------------------------------------------------------
    Entry("analysis", "data/processed/{study}/analysis.csv",
          "one row per analysed participant: scores before, after and change, flags"),
    Entry("analysis_long", "data/processed/{study}/analysis_long.csv",
          "one row per analysed participant and time"),
    Entry("binary_outcomes", "data/processed/{study}/binary_outcomes.csv",
          "the definition of every yes/no outcome"),
    Entry("reliability", "data/processed/{study}/reliability.csv", "Cronbach's alpha"),
    # --- analyses -------------------------------------------------------------------------
    Entry("table1", "data/processed/{study}/table1.csv", "baseline characteristics"),
    Entry("unadjusted", "data/processed/{study}/unadjusted_{name}.csv",
          "unadjusted comparisons (medians, tests, risk ratios)"),
    Entry("adjusted", "data/processed/{study}/adjusted_{name}.csv",
          "adjusted comparisons (regressions, mixed models, diagnostics)"),
    Entry("survey", "data/processed/{study}/survey_{name}.csv", "evaluation-survey summaries"),
    Entry("qualitative", "data/processed/{study}/themes_{name}.csv",
          "theme agreement, reconciliation, frequencies and quotes"),
    Entry("sensitivity", "reports/{study}/sensitivity.csv",
          "the sensitivity analyses of the primary outcomes, one row per outcome and analysis"),
    # --- publication outputs --------------------------------------------------------------
    Entry("figure", "figures/{study}/{name}", "a figure (PNG 300 dpi and vector PDF)"),
    Entry("captions", "figures/{study}/captions.md", "the figure captions"),
    Entry("table", "tables/{study}/{name}", "a publication table (CSV, Markdown, LaTeX, Word)"),
    Entry("latex_preamble", "tables/preamble.tex",
          "the LaTeX packages every study's tables need (the same for all studies)"),
    Entry("notebook", "reports/{study}/{name}.ipynb", "an executed stage notebook"),
    Entry("failed_notebook", "reports/{study}/failed/{name}.ipynb",
          "the executed notebook of a stage that failed (not committed)"),
    Entry("numbers_fragment", "reports/{study}/numbers/{name}.json",
          "the citable numbers of one stage"),
    Entry("numbers", "reports/{study}/numbers.json", "every citable number"),
    Entry("numbers_tex", "reports/{study}/numbers.tex", "the citable numbers as LaTeX macros"),
    Entry("results", "reports/{study}/results.md", "the drafted Results paragraph"),
    Entry("results_docx", "reports/{study}/results.docx",
          "the drafted Results, the tables and the figure captions, for Word"),
    Entry("reproduction", "reports/{study}/reproduction.md",
          "published against re-executed values"),
)
CATALOG: dict[str, Entry] = {entry.key: entry for entry in _ENTRIES}


def template(key: str, study: str, name: str = "*") -> str:
    """The path template of ``key`` for ``study``, relative to the root (``*`` for any name).

    Examples
    --------
    >>> template("figure", "pilot", "flow.png")
    'figures/pilot/flow.png'
    >>> template("unadjusted", "pilot")
    'data/processed/pilot/unadjusted_*.csv'
    """
    return CATALOG[key].template.format(study=study, name=name)


def matches(relative_path: str, patterns) -> bool:
    """Whether a root-relative path matches one of the glob ``patterns``.

    Examples
    --------
    >>> matches("figures/pilot/flow.pdf", ["figures/pilot/*"])
    True
    """
    return any(fnmatch.fnmatchcase(relative_path, pattern) for pattern in patterns)


def undeclared_files(who: str, where: str, reads: list[str],
                     writes: list[str]) -> Callable[[set[str], set[str]], list[str]]:
    """``check(read, written)``: a sentence per file opened outside the declared patterns.

    ``who`` names the run (``the synthesis``), ``where`` the module that declares its files.

    Examples
    --------
    >>> check = undeclared_files("the lab", "lab.py", ["data/*.csv"], ["out/*"])
    >>> check({"data/a.csv", "params/x.yaml"}, {"out/b.png", "tmp.txt"})
    ['the lab read params/x.yaml, which it does not declare (declare it in lab.py)', \
'the lab wrote tmp.txt, which it does not declare (declare it in lab.py)']
    """
    def check(read: set[str], written: set[str]) -> list[str]:
        return ([f"{who} read {name}, which it does not declare (declare it in {where})"
                 for name in sorted(read) if not matches(name, reads + writes)]
                + [f"{who} wrote {name}, which it does not declare (declare it in {where})"
                   for name in sorted(written) if not matches(name, writes)])
    return check


@dataclass(frozen=True)
class StudyFiles:
    """The files of one study, by catalog key: ``files.analysis``, ``files.figure("flow")``.

    Examples
    --------
    >>> files = study_files("pilot")
    >>> files.analysis.relative_to(files.root).as_posix()
    'data/processed/pilot/analysis.csv'
    >>> files.unadjusted("rank_sum").name
    'unadjusted_rank_sum.csv'
    """

    study: str
    root: Path = ROOT

    def path(self, key: str, name: str | None = None) -> Path:
        """The path of entry ``key`` (and member ``name`` for a family of files)."""
        entry = CATALOG[key]
        if "{name}" in entry.template and name is None:
            raise KeyError(f"catalog entry '{key}' needs a name ({entry.template})")
        return self.root / entry.template.format(study=self.study, name=name)

    def __getattr__(self, key: str) -> Path:
        if key in CATALOG and "{name}" not in CATALOG[key].template:
            return self.path(key)
        if key in CATALOG:
            return lambda name: self.path(key, name)  # type: ignore[return-value]
        raise AttributeError(f"no catalog entry '{key}' (known: {', '.join(CATALOG)})")

    @property
    def processed(self) -> Path:
        """The study's folder of processed data."""
        return self.root / "data" / "processed" / self.study

    @property
    def raw(self) -> Path:
        """The study's folder of raw exports (read-only)."""
        return self.root / "data" / "raw" / self.study


def study_files(study: str, root: Path | None = None) -> StudyFiles:
    """The files of ``study`` (see :class:`StudyFiles`)."""
    return StudyFiles(study, ROOT if root is None else Path(root))
