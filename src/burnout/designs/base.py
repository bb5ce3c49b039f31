"""What a study design is, as data: which analyses, figures, tables and words apply.

A notebook never tests a design's name. It asks the study's :class:`Design` what applies
(``design.applies("rank_sum")``), which words to use (``design.words.comparison``) and what to
explain (``design.explain("adjusted")``), so a new design is a new object, not new branches.
The three designs live in :mod:`burnout.designs.randomized`, :mod:`~.nonrandomized` and
:mod:`~.single_group`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ANALYSES", "RESULT_FILES", "Words", "Design"]

# Every analysis a design may declare, with what it is. The notebooks run the ones that apply.
ANALYSES = {
    "medians": "median (Q1, Q3) of every score before, after and its change",
    "rank_sum": "Wilcoxon rank-sum test of the change, intervention vs control, with the "
                "Hodges-Lehmann location shift",
    "risk_ratio": "risk ratio of every yes/no outcome at follow-up (Katz interval, Wald p)",
    "risk_ratio_adjusted": "risk ratio of every yes/no outcome at follow-up adjusted for its "
                           "baseline value and the strata or covariates (modified Poisson "
                           "regression, HC0 sandwich SE, Zou 2004)",
    "signed_rank": "Wilcoxon signed-rank test of the change with the Hodges-Lehmann interval",
    "paired_t": "paired t-test of the change",
    "mcnemar": "McNemar's test of every yes/no outcome before vs after",
    "ols_change": "linear regression of the change on group, baseline score and covariates",
    "ols_change_hc3": "the same with HC3 robust standard errors",
    "diagnostics": "residual diagnostics of the regressions",
    "mixed_model": "mixed model score ~ group * time + (1 | participant), REML",
    "mixed_model_unstratified": "the mixed model without the randomization strata (a "
                                "sensitivity analysis; run only when the study has strata)",
    "mixed_model_per_protocol": "the same mixed model in the per-protocol set",
    "cace": "complier average causal effect of every score: follow-up score on the program "
            "received, instrumented by the randomized arm, adjusted for baseline and strata "
            "(two-stage least squares)",
    "mixed_model_time": "mixed model score ~ time + (1 | participant), REML (every observation)",
    "effect_sizes": "standardized effect of every score's change (Hedges' g between groups, the "
                    "standardized mean change in one group), for the evidence synthesis",
    "dose": "exploratory: each change regressed on the dose received (roster.sessions) and the "
            "baseline score, among those who received the program",
    # Sensitivity analyses of the primary outcomes (stage sensitivity, burnout.sensitivity).
    "change_score": "sensitivity: difference in mean change, change ~ group (+ strata); one "
                    "group: mean change, paired t",
    "ancova": "sensitivity: follow-up ~ group + baseline (+ strata in a trial, + covariates in "
              "a non-randomized comparison)",
    "multiple_imputation": "sensitivity: multiple imputation of missing follow-up by chained "
                           "equations (m >= 20), ANCOVA pooled by Rubin's rules",
    "tipping_point": "sensitivity: delta-adjusted multiple imputation (missing not at random), "
                     "the smallest shift that changes the conclusion",
    "e_value": "sensitivity: E-value of the adjusted difference for unmeasured confounding",
}

# Where each analysis's result table is written: catalog entry and name
# (``data/processed/<study>/<entry>_<name>.csv``).
RESULT_FILES = {
    "medians": ("unadjusted", "medians"), "rank_sum": ("unadjusted", "rank_sum"),
    "risk_ratio": ("unadjusted", "risk_ratios"), "signed_rank": ("unadjusted", "signed_rank"),
    "risk_ratio_adjusted": ("adjusted", "risk_ratios"),
    "mixed_model_unstratified": ("adjusted", "mixed_model_unstratified"),
    "cace": ("adjusted", "cace"),
    "paired_t": ("unadjusted", "paired_t"), "mcnemar": ("unadjusted", "mcnemar"),
    "ols_change": ("adjusted", "ols"), "ols_change_hc3": ("adjusted", "ols_hc3"),
    "diagnostics": ("adjusted", "diagnostics"), "mixed_model": ("adjusted", "mixed_model"),
    "mixed_model_per_protocol": ("adjusted", "mixed_model_per_protocol"),
    "mixed_model_time": ("adjusted", "mixed_model_time"),
    "effect_sizes": ("unadjusted", "effect_sizes"), "dose": ("adjusted", "dose"),
    # The sensitivity analyses share one table, reports/<study>/sensitivity.csv (one row per
    # outcome and analysis, the ``analysis`` column naming it): entry "sensitivity", no name.
    **{name: ("sensitivity", None) for name in ("change_score", "ancova", "multiple_imputation",
                                                "tipping_point", "e_value")},
}


# "non" right before a forbidden word negates it: non-randomized, non randomized, non‐randomized.
_NEGATION = re.compile(r"\bnon[-\s\u2010\u2011\u2013]?$", re.IGNORECASE)


@dataclass(frozen=True)
class Words:
    """The words a design's outputs use, and those they must never use.

    Attributes
    ----------
    design : str
        The design in words, as a Methods section names it.
    comparison : str
        What is compared ("the intervention and control groups", "before and after").
    group : str
        The noun for a group ("group", "arm"); empty for a single group.
    population : str
        Who is analysed, in words.
    association : str
        The verb phrase linking the program to a difference ("was associated with").
    caveat : str
        The limitation every results text states (confounding, no control group); may be "".
    flow : str
        The reporting template of the participant flow (CONSORT 2010, TREND, ...).
    forest_axis : str
        The axis label of the forest plot of the primary estimates.
    forbidden : tuple of str
        Regular expressions (case-insensitive) no output of the design may match.
    """

    design: str
    comparison: str
    group: str
    population: str
    association: str
    caveat: str
    flow: str
    forest_axis: str = "Difference (intervention minus control)"
    forbidden: tuple[str, ...] = ()

    def violations(self, text: str) -> list[str]:
        """The forbidden phrases found in ``text`` (empty when it is clean).

        Examples
        --------
        >>> words = Words("d", "c", "group", "p", "a", "", "TREND",
        ...               forbidden=(r"\\brandomi[sz]ed",))
        >>> words.violations("a non-randomized study"), words.violations("randomized")
        ([], ['randomized'])
        >>> words.violations("non randomized, Non‐Randomised")
        []
        """
        found = []
        for pattern in self.forbidden:
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                if not _NEGATION.search(text[max(0, match.start() - 5):match.start()]):
                    found.append(match.group(0))
        return found


@dataclass(frozen=True)
class Design:
    """A study design: its groups, analysis population, analyses, flow, tables and words.

    Attributes
    ----------
    name : str
        The name a study file uses (``randomized``, ``nonrandomized``, ``single_group``).
    groups : tuple of str
        ``("intervention", "control")``, or ``()`` for a single group.
    population : str
        Who is analysed: ``"everyone"`` (every participant not withdrawn, with the waves they
        completed: intention to treat) or ``"complete_cases"`` (first and last wave completed).
    flow_steps : tuple
        The participant-flow steps and the exclusion-log stages leading to each (see
        :func:`burnout.data.linking.flow_from_exclusions`).
    analyses : frozenset of str
        The analyses of :data:`ANALYSES` that apply.
    primary : str
        The primary analysis (drawn in the forest plot, first in the Results).
    tables : mapping
        Publication table role -> file stem (``"unadjusted": "table2_unadjusted"``).
    figures : mapping
        Figure role -> file stem (``"forest": "forest_adjusted"``).
    parameters : mapping
        Default parameters per stage (``{"tables": {"p_decimals": 3}}``), below the study's
        ``params/<study>.yaml``.
    words : Words
        The design's vocabulary.
    explanations : mapping
        Stage -> Markdown explaining that stage's method for this design (shown in notebooks).
    captions : mapping
        Figure role -> caption template (``{sizes}`` is filled with the analysed numbers,
        ``{covariates}`` with the adjustment set, ``{fixed}`` with " adjusted for" the primary
        model's fixed effects, or nothing).
    """

    name: str
    groups: tuple[str, ...]
    population: str
    flow_steps: tuple
    analyses: frozenset[str]
    primary: str
    tables: Mapping[str, str]
    figures: Mapping[str, str]
    words: Words
    parameters: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    explanations: Mapping[str, str] = field(default_factory=dict)
    captions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self):
        unknown = sorted((set(self.analyses) | {self.primary}) - set(ANALYSES))
        if unknown:
            raise ValueError(f"design {self.name}: unknown analyses {unknown}")

    @property
    def compares_groups(self) -> bool:
        """Whether the design compares an intervention with a control group."""
        return bool(self.groups)

    def applies(self, analysis: str) -> bool:
        """Whether ``analysis`` (a key of :data:`ANALYSES`) applies to this design."""
        if analysis not in ANALYSES:
            raise KeyError(f"unknown analysis '{analysis}' (known: {', '.join(ANALYSES)})")
        return analysis in self.analyses

    def explain(self, stage: str) -> str:
        """Markdown explaining the method of ``stage`` for this design ("" when none)."""
        return self.explanations.get(stage, "")

    def result_file(self, analysis: str) -> tuple[str, str | None]:
        """(catalog entry, name) of the result table of ``analysis`` (name None: the entry is
        one file, as the sensitivity table).

        Examples
        --------
        >>> from burnout.designs import get_design
        >>> design = get_design("nonrandomized")
        >>> design.result_file(design.primary)
        ('adjusted', 'ols')
        """
        return RESULT_FILES[analysis]

    def table(self, role: str) -> str | None:
        """The file stem of the publication table playing ``role``, or None."""
        return self.tables.get(role)

    def figure(self, role: str) -> str | None:
        """The file stem of the figure playing ``role``, or None."""
        return self.figures.get(role)
