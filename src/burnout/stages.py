"""The pipeline's stages: which notebook each runs, what it reads and which code it depends on.

This table is the one place that says how stages depend on each other. ``python -m burnout
makefile <study>`` turns it, with the stage list in ``params/<study>.yaml``, into Make rules, so
a change to one stage's notebook, parameters or code re-runs that stage and what follows it,
and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Stage", "STAGES", "COMMON_MODULES", "stage_order"]


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline.

    Attributes
    ----------
    name : str
        Stage name used in ``params/<study>.yaml`` (``stages:`` list and the stage's section).
    notebook : str
        Notebook file name (without ``.ipynb``) under ``notebooks/``.
    after : tuple of str
        Stages whose outputs this stage reads when the study runs them (they run first, and a
        change to them re-runs this stage).
    modules : tuple of str
        Modules of ``src/burnout`` (paths without ``.py``; ``*`` for data files) the stage's
        results depend on.
    files : tuple of str
        Other inputs, relative to the project root; ``{study}`` stands for the study name.
    optional : tuple of str
        The stages of ``after`` a study may leave out (e.g. a trial with no evaluation survey).
    """

    name: str
    notebook: str
    after: tuple[str, ...]
    modules: tuple[str, ...]
    files: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


# Modules every stage depends on: changing them re-runs everything.
COMMON_MODULES = ("__init__", "paths", "io", "errors", "numbers", "runner", "plots/style")

STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage(
            "clean", "01_clean", (), ("checksums", "codebook", "validation", "cleaning", "privacy")
        ),
        Stage(
            "score",
            "02_score",
            ("clean",),
            (
                "instruments/__init__",
                "instruments/*.yaml",
                "scoring",
                "reliability",
                "analysis_table",
            ),
        ),
        Stage("describe", "03_describe", ("score",), ("baseline",)),
        Stage("unadjusted", "04_unadjusted", ("score",), ("summaries", "rank_sum", "risk")),
        Stage(
            "adjusted",
            "05_adjusted",
            ("score",),
            ("regression", "mixed_model", "plots/diagnostics"),
        ),
        Stage("survey", "06_survey", ("clean",), ("survey", "plots/likert")),
        Stage("qualitative", "07_qualitative", ("clean",), ("qualitative", "plots/themes")),
        Stage("figures", "08_figures", ("clean", "score", "adjusted"),
              ("plots/flow", "plots/scores", "plots/forest", "plots/prevalence", "captions")),
        Stage("tables", "09_tables",
              ("describe", "unadjusted", "adjusted", "survey", "qualitative"),
              ("tables", "publication_tables"),
              optional=("unadjusted", "survey", "qualitative")),
        Stage("manuscript", "10_manuscript",
              ("clean", "score", "describe", "unadjusted", "adjusted", "survey", "qualitative"),
              ("manuscript", "reproduction", "templates/*.j2"), ("published/{study}.yaml",),
              optional=("describe", "unadjusted", "survey", "qualitative")),
    )
}


def stage_order(names: list[str]) -> list[Stage]:
    """Return the stages ``names`` in a valid execution order (their declared order).

    Raises ``KeyError`` for an unknown stage and ``ValueError`` when a stage needs one that
    is not in the list.

    Examples
    --------
    >>> [stage.name for stage in stage_order(["clean", "score"])]
    ['clean', 'score']
    """
    unknown = [name for name in names if name not in STAGES]
    if unknown:
        raise KeyError(f"unknown stage(s) {unknown}; known stages: {list(STAGES)}")
    chosen = [STAGES[name] for name in STAGES if name in names]
    for stage in chosen:
        missing = [need for need in stage.after if need not in names + list(stage.optional)]
        if missing:
            raise ValueError(f"stage '{stage.name}' needs stage(s) {missing} in the stage list")
    return chosen
