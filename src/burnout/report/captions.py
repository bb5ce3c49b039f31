"""Figure captions: written from the design's templates, one Markdown file per study.

:func:`figure_captions` fills the design's caption templates (:class:`burnout.designs.base.
Design`) with the study's numbers; :func:`write_captions` writes them, numbered, to
``figures/<study>/captions.md`` after checking that every captioned figure exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from burnout.core.errors import DataError
from burnout.core.io import write_text
from burnout.report.labels import outcome_label
from burnout.report.plots.style import LARGE_N

__all__ = ["figure_captions", "group_sizes", "write_captions"]


def group_sizes(analysis: pd.DataFrame, groups: Sequence[str]) -> str:
    """"intervention n = 40, control n = 38", or "n = 52" for a single group.

    Examples
    --------
    >>> group_sizes(pd.DataFrame({"group": ["control", "intervention", "control"]}),
    ...             ("intervention", "control"))
    'intervention n = 1, control n = 2'
    >>> group_sizes(pd.DataFrame({"x": [1, 2]}), ())
    'n = 2'
    """
    if not groups:
        return f"n = {len(analysis)}"
    counts = analysis["group"].value_counts()
    return ", ".join(f"{group} n = {int(counts.get(group, 0))}" for group in groups)


# What a figure draws instead of one mark per participant in a panel of more than LARGE_N
# (burnout.report.plots.scores and .diagnostics); added to its caption when that happens.
_SUMMARIES = {
    "scores": (f" In a panel of more than {LARGE_N:,} participants each distinct pair of scores "
               "is one line, darker the more participants share it."),
    "change": (f" In a group of more than {LARGE_N:,} participants the change scores are shown "
               "as a violin (kernel density) instead of one point each."),
    "diagnostics": (f" With more than {LARGE_N:,} observations the residuals are a hexagonal "
                    "density (log-scaled counts) with the 500 most extreme influential "
                    "observations on top, and the quantile plot shows 1,000 evenly spaced "
                    "quantiles and 25 from each tail."),
}


def _largest_group(analysis: pd.DataFrame, groups: Sequence[str]) -> int:
    if not groups or "group" not in analysis:
        return len(analysis)
    return int(analysis["group"].value_counts().reindex(list(groups), fill_value=0).max())


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Applying to EM" -> "applying to EM"; "EM" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _fixed_effects(primary: pd.DataFrame | None, labels: Mapping[str, str]) -> str:
    """The text " adjusted for <terms>" from a result table's ``covariates`` column ("" when none).

    >>> _fixed_effects(pd.DataFrame({"covariates": ["site", "site, age"]}), {"site": "Site"})
    ' adjusted for age, site'
    """
    if primary is None or "covariates" not in primary:
        return ""
    terms = sorted({term.strip() for text in primary["covariates"].dropna().astype(str)
                    for term in text.split(",") if term.strip()})
    return (" adjusted for " + ", ".join(_in_sentence(labels.get(name, name)) for name in terms)
            if terms else "")


def figure_captions(design, analysis: pd.DataFrame, covariates: Sequence[str] = (),
                    scores: Sequence[str] = (), evaluations: bool = False,
                    qualitative: bool = False,
                    labels: Mapping[str, str] | None = None,
                    sensitivity: bool = False,
                    primary: pd.DataFrame | None = None) -> dict[str, str]:
    """Every figure of a study with its caption, in the order of the paper.

    Parameters
    ----------
    design : Design
        The study's design: its figure names and caption templates.
    analysis : pandas.DataFrame
        ``analysis.csv``, for the group sizes.
    covariates : sequence of str
        The regression's adjustment set (named in the forest-plot caption).
    scores : sequence of str
        Scores with a diagnostics figure (designs that run regression diagnostics).
    evaluations, qualitative : bool
        Whether the study has evaluation surveys (Likert figure) and coded free text (themes).
    labels : mapping, optional
        Covariate -> display name (the codebook's, :func:`burnout.report.labels.codebook_labels`);
        a covariate without one is named by its column.
    sensitivity : bool
        Whether the sensitivity stage drew its figure (``sensitivity``).
    primary : pandas.DataFrame, optional
        The primary analysis's result table: the fixed effects its ``covariates`` column
        records (a trial's strata) are named in the forest-plot caption (``{fixed}``).

    Returns
    -------
    dict
        Figure file stem -> caption.

    Examples
    --------
    >>> from burnout.designs import get_design
    >>> captions = figure_captions(get_design("single_group"), pd.DataFrame({"x": [1, 2, 3]}))
    >>> list(captions)
    ['flow', 'pre_post_scores', 'change_scores', 'forest_change', 'burnout_prevalence']
    >>> captions["pre_post_scores"].endswith("(n = 3).")
    True
    >>> captions = figure_captions(get_design("nonrandomized"), pd.DataFrame(
    ...     {"group": ["intervention", "control"]}), covariates=["em", "site"],
    ...     labels={"em": "Applying to EM"})
    >>> "baseline score and applying to EM, site;" in captions["forest_adjusted"]
    True
    """
    sizes = group_sizes(analysis, design.groups)
    named = [_in_sentence((labels or {}).get(name, name)) for name in covariates]
    adjusted_for = ", ".join(named) if named else "no other covariate"
    fixed = _fixed_effects(primary, labels or {})
    captions = {design.figure(role): template.format(sizes=sizes, covariates=adjusted_for,
                                                     fixed=fixed)
                for role, template in design.captions.items()}
    if _largest_group(analysis, design.groups) > LARGE_N:
        for role in ("scores", "change"):
            if role in design.captions:
                captions[design.figure(role)] += _SUMMARIES[role]
    summary = _SUMMARIES["diagnostics"] if len(analysis) > LARGE_N else ""
    if design.applies("diagnostics"):
        captions.update({f"diagnostics_{score}": f"Regression diagnostics for "
                         f"{outcome_label(score).lower()}: residuals against fitted values and "
                         f"normal quantile plot of the residuals.{summary}" for score in scores})
    if sensitivity:
        captions["sensitivity"] = (
            "Sensitivity analyses of each primary outcome: the estimate and 95% confidence "
            "interval of every analysis in the sensitivity table (sensitivity.csv) that is a "
            "difference on the score's scale; the dashed line marks no difference.")
    if evaluations:
        captions["likert"] = ("Evaluation surveys: answers to each item, centred on the neutral "
                              "category (diverging stacked bars).")
    if qualitative:
        captions["themes"] = ("Themes of the free-text answers: responses carrying each theme, "
                              "by respondent type.")
    return captions


def write_captions(captions: Mapping[str, str], figures_dir: str | Path,
                   title: str = "Figure captions") -> Path:
    """Write ``captions.md`` in ``figures_dir``: one numbered entry per figure, in the given order.

    Every figure named must exist as ``<name>.png`` and ``<name>.pdf`` in ``figures_dir``, so a
    caption can never describe a figure that was not made (or was renamed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for suffix in (".png", ".pdf"):
    ...     _ = (folder / f"flow{suffix}").write_bytes(b"")
    >>> print(write_captions({"flow": "Participant flow."}, folder).read_text())
    # Figure captions
    <BLANKLINE>
    **Figure 1** (`flow.png`, `flow.pdf`). Participant flow.
    <BLANKLINE>
    """
    folder = Path(figures_dir)
    missing = [f"{name}{suffix}" for name in captions for suffix in (".png", ".pdf")
               if not (folder / f"{name}{suffix}").is_file()]
    if missing:
        raise DataError(f"{folder}: captions name figures that do not exist: {missing}")
    lines = [f"# {title}", ""]
    for number, (name, caption) in enumerate(captions.items(), start=1):
        lines += [f"**Figure {number}** (`{name}.png`, `{name}.pdf`). {caption.strip()}", ""]
    return write_text("\n".join(lines), folder / "captions.md")
