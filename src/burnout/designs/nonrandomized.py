"""The non-randomized comparison: rank-sum tests, risk ratios, adjusted regression, TREND."""

from __future__ import annotations

from burnout.data.linking import COMPARISON_FLOW_STEPS
from burnout.designs.base import Design, Words

__all__ = ["NONRANDOMIZED"]

# Words a non-randomized study's outputs never use: the groups were not allocated at random,
# so no output may call them randomized or describe an intention-to-treat analysis.
_FORBIDDEN = (r"\brandomi[sz](ed|ation)\b", r"\bintention[- ]to[- ]treat\b",
              r"\bintent[- ]to[- ]treat\b", r"\bITT\b")

NONRANDOMIZED = Design(
    name="nonrandomized",
    groups=("intervention", "control"),
    population="complete_cases",
    flow_steps=COMPARISON_FLOW_STEPS,
    analyses=frozenset({"change_score", "ancova", "multiple_imputation", "e_value",
                        "effect_sizes", "dose", "medians", "rank_sum", "risk_ratio",
                        "risk_ratio_adjusted", "ols_change", "ols_change_hc3", "diagnostics",
                        "mixed_model"}),
    primary="ols_change",
    tables={"baseline": "table1_baseline", "unadjusted": "table2_unadjusted",
            "risk": "table2b_risk_ratios", "adjusted": "table3_adjusted",
            "survey": "table4_survey", "themes": "table5_themes"},
    figures={"flow": "flow", "scores": "pre_post_scores", "change": "change_scores",
             "forest": "forest_adjusted", "prevalence": "burnout_prevalence"},
    words=Words(
        design="non-randomized comparison of an intervention and a comparison group",
        comparison="the intervention and comparison groups",
        group="group",
        population="participants who completed the first and the last survey",
        association="was associated with",
        caveat=("The groups were not formed by random allocation (a non-randomized "
                "comparison), so a difference may reflect how the groups differed (confounding) "
                "as well as the program; the adjusted analyses account only for the measured "
                "covariates."),
        flow="TREND",
        forest_axis="Adjusted difference in change (intervention minus comparison)",
        forbidden=_FORBIDDEN,
    ),
    parameters={"sensitivity": {"adjust_for": "covariates", "decimals": 1, "p_decimals": 2},
                "figures": {"forest_decimals": 1, "p_decimals": 2},
                "tables": {"p_decimals": 2},
                "adjusted": {"ratio_adjustment": "covariates"},
                "manuscript": {"p_decimals": 2, "estimate_decimals": 1}},
    captions={
        "flow": "Participant flow (TREND) from enrolment to analysis, by group, counted from "
                "the exclusion log.",
        "scores": "Scores before and after the program; thin lines are participants, bold "
                  "lines group medians ({sizes}).",
        "change": "Change in scores (after minus before) by group: box plots (median, "
                  "quartiles) with individual participants ({sizes}).",
        "forest": "Adjusted mean differences in change scores, intervention minus comparison "
                  "group, with 95% confidence intervals (linear regression on group, baseline "
                  "score and {covariates}; non-randomized groups).",
        "prevalence": "Participants meeting the burnout definition before and after the "
                      "program, by group, with Wilson 95% confidence intervals.",
    },
    explanations={
        "sensitivity": (
            "**Non-randomized comparison.** The primary analysis is the regression of the "
            "change on group, baseline and covariates, which is the ANCOVA here. The change "
            "score drops the adjustment, the mixed model uses every observation, and the "
            "E-value says how strong an unmeasured confounder would have to be to explain the "
            "difference away: the adjustment covers only the measured covariates."),
        "clean": (
            "**Non-randomized comparison.** The groups were formed without random allocation "
            "(for example by period or site). A participant is analysed when they completed the "
            "first and the last survey (complete cases). The flow diagram follows the TREND "
            "statement: enrolled, first survey completed, last survey completed, analysed."),
        "unadjusted": (
            "**Non-randomized comparison.** The groups may differ in ways that also affect "
            "burnout, so these unadjusted comparisons describe the groups; they are not "
            "estimates of what the program did."),
        "adjusted": (
            "**Non-randomized comparison: adjustment for measured confounders.** The change "
            "score is regressed on the group, the baseline score and the covariates; the group "
            "coefficient is the adjusted mean difference in change, intervention minus "
            "comparison. Yes/no outcomes at follow-up: risk ratios adjusted for the outcome's "
            "baseline value and the same covariates (modified Poisson regression, robust SE). "
            "Both account only for the covariates measured: confounding by anything else "
            "remains possible."),
    },
)
