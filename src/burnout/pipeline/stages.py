"""The pipeline's stages, each declaring once the files it reads and writes.

A stage is a notebook. It declares, with entries of the data catalog
(:mod:`burnout.core.catalog`), what it reads and what it writes; everything else is derived
from these declarations:

* which stages a study runs (a stage whose inputs the study cannot have, such as the survey stage
  of a study without evaluation surveys, does not run; ``params/<study>.yaml`` may switch others
  off);
* the order and the dependencies between stages (a stage depends on the stages that write what it
  reads), hence the Makefile (:mod:`burnout.pipeline.makefile`);
* the dependency audit (:mod:`burnout.pipeline.audit`): a stage that opens a file it did not
  declare fails, naming the file.

A declaration is ``"key"`` or ``"key:name"`` where ``name`` may be a glob (``"figure:flow.*"``,
``"unadjusted:*"``). A family (a name with ``*``) or a read marked optional with a leading
``?`` may be absent: the stage runs without it, and depends on the stage that writes it only when
the study runs that stage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from burnout.core.catalog import CATALOG, template
from burnout.core.errors import DataError

__all__ = ["Stage", "STAGES", "stage_order", "study_stages", "upstream", "ancestors", "patterns"]


@dataclass(frozen=True)
class Stage:
    """One stage: its notebook, what it reads and writes, and when a study runs it.

    Attributes
    ----------
    name : str
        The stage's name (``params/<study>.yaml`` uses it for the stage's parameters).
    notebook : str
        The notebook's file name under ``notebooks/``, without ``.ipynb``.
    reads, writes : tuple of str
        Catalog declarations (``"analysis"``, ``"figure:flow.*"``, ``"unadjusted:*"``).
    runs_for : callable, optional
        ``runs_for(study)`` is False when the study cannot have this stage's inputs.
    """

    name: str
    notebook: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    runs_for: Callable[[object], bool] | None = None


# Every stage reads the study file and its own parameters.
_COMMON = ("study_file", "params")

STAGES: dict[str, Stage] = {stage.name: stage for stage in (
    Stage("clean", "01_clean",
          reads=(*_COMMON, "raw:*", "checksums", "redaction"),
          writes=("participants", "items", "waves", "exclusions", "flow", "codebook",
                  "codebook_text", "evaluation:*", "evaluation_roster:*", "themes",
                  "theme_codes", "numbers_fragment:clean")),
    Stage("score", "02_score",
          reads=(*_COMMON, "participants", "items"),
          writes=("analysis", "analysis_long", "binary_outcomes", "reliability",
                  "numbers_fragment:score")),
    Stage("describe", "03_describe",
          reads=(*_COMMON, "analysis"),
          writes=("table1", "numbers_fragment:describe")),
    Stage("unadjusted", "04_unadjusted",
          reads=(*_COMMON, "analysis", "binary_outcomes"),
          writes=("unadjusted:*", "numbers_fragment:unadjusted")),
    Stage("adjusted", "05_adjusted",
          reads=(*_COMMON, "analysis", "analysis_long", "binary_outcomes"),
          writes=("adjusted:*", "figure:diagnostics_*", "numbers_fragment:adjusted")),
    Stage("sensitivity", "05b_sensitivity",
          reads=(*_COMMON, "analysis", "analysis_long", "?adjusted:mixed_model_unstratified",
                 "?adjusted:mixed_model_per_protocol"),
          writes=("sensitivity", "figure:sensitivity.*", "numbers_fragment:sensitivity")),
    Stage("survey", "06_survey",
          reads=(*_COMMON, "participants", "evaluation:*", "evaluation_roster:*"),
          writes=("survey:*", "figure:likert.*", "numbers_fragment:survey"),
          runs_for=lambda study: bool(study.evaluations)),
    Stage("qualitative", "07_qualitative",
          reads=(*_COMMON, "themes", "theme_codes", "evaluation:*"),
          writes=("qualitative:*", "figure:themes.*", "numbers_fragment:qualitative"),
          runs_for=lambda study: study.qualitative is not None),
    Stage("figures", "08_figures",
          reads=(*_COMMON, "flow", "waves", "codebook", "analysis", "analysis_long", "unadjusted:*",
                 "adjusted:*", "figure:*"),
          writes=("figure:flow.*", "figure:pre_post_scores.*", "figure:change_scores.*",
                  "figure:forest_*", "figure:burnout_prevalence.*", "captions")),
    Stage("tables", "09_tables",
          reads=(*_COMMON, "waves", "codebook", "?table1", "binary_outcomes", "unadjusted:*",
                 "adjusted:*", "survey:*", "qualitative:*", "themes"),
          writes=("table:*", "latex_preamble")),
    Stage("manuscript", "10_manuscript",
          reads=(*_COMMON, "numbers_fragment:*", "published", "results_template", "table:*",
                 "?captions", "binary_outcomes"),
          writes=("numbers", "numbers_tex", "results", "results_docx", "reproduction")),
)}


def patterns(declarations: Iterable[str], study: str) -> list[str]:
    """The root-relative glob patterns of catalog declarations.

    Examples
    --------
    >>> patterns(["analysis", "figure:flow.*"], "pilot")
    ['data/processed/pilot/analysis.csv', 'figures/pilot/flow.*']
    """
    found = []
    for declaration in declarations:
        key, _, name = declaration.lstrip("?").partition(":")
        if key not in CATALOG:
            raise KeyError(f"declaration '{declaration}': no catalog entry '{key}'")
        found.append(template(key, study, name or "*"))
    return found


def _overlap(written: str, read: str) -> bool:
    """Whether a declared write may produce a declared read (same entry, names may meet)."""
    write_key, _, write_name = written.partition(":")
    read_key, _, read_name = read.lstrip("?").partition(":")
    if write_key != read_key:
        return False
    return "*" in write_name or "*" in read_name or write_name == read_name


def study_stages(study, switched_on: Iterable[str] | None = None) -> list[Stage]:
    """The stages a study runs, in execution order.

    Parameters
    ----------
    study : Study
        The study file (:class:`burnout.data.study.Study`); a stage whose ``runs_for`` is false
        for it (no evaluation surveys, no qualitative coding) is left out.
    switched_on : iterable of str, optional
        The ``stages`` list of ``params/<study>.yaml``: only these (and never one the study
        cannot run). An unknown name is an error.
    """
    chosen = [stage for stage in STAGES.values()
              if stage.runs_for is None or stage.runs_for(study)]
    if switched_on is not None:
        wanted = list(switched_on)
        unknown = [name for name in wanted if name not in STAGES]
        if unknown:
            raise DataError(f"params key 'stages': unknown stage(s) {unknown}; the stages are "
                            f"{', '.join(STAGES)}")
        chosen = [stage for stage in chosen if stage.name in wanted]
    return stage_order([stage.name for stage in chosen])


def upstream(stage: Stage, active: Iterable[Stage]) -> list[Stage]:
    """The active stages before ``stage`` that write something it reads."""
    found = []
    for other in active:
        if other.name == stage.name:
            break
        if any(_overlap(written, read) for written in other.writes for read in stage.reads):
            found.append(other)
    return found


@functools.cache
def ancestors(name: str) -> frozenset[str]:
    """The stages whose outputs stage ``name`` reads, directly or through other stages.

    Examples
    --------
    >>> sorted(ancestors("describe"))
    ['clean', 'score']
    """
    direct = upstream(STAGES[name], STAGES.values())
    return frozenset(stage.name for stage in direct).union(
        *(ancestors(stage.name) for stage in direct))


def stage_order(names: list[str]) -> list[Stage]:
    """The stages ``names`` in execution order; each must run after those it reads from.

    Raises
    ------
    DataError
        For an unknown stage, or a stage whose inputs no chosen stage writes while a known stage
        would (e.g. ``score`` without ``clean``).

    Examples
    --------
    >>> [stage.name for stage in stage_order(["score", "clean"])]
    ['clean', 'score']
    """
    unknown = [name for name in names if name not in STAGES]
    if unknown:
        raise DataError(f"unknown stage(s) {unknown}; the stages are {', '.join(STAGES)}")
    chosen = [STAGES[name] for name in STAGES if name in names]
    for stage in chosen:
        needed = [other.name for other in STAGES.values()
                  if other is not stage and list(STAGES).index(other.name)
                  < list(STAGES).index(stage.name)
                  and other.name not in names and _required(stage, other)]
        if needed:
            raise DataError(f"stage '{stage.name}' reads what stage(s) {needed} write; add "
                            "them to the stage list")
    return chosen


def _required(stage: Stage, other: Stage) -> bool:
    """Whether ``stage`` cannot run without ``other``: a single (non-family) input of it."""
    return any(_overlap(written, read) and "*" not in read and not read.startswith("?")
               for written in other.writes for read in stage.reads)
