"""The randomized controlled trial: intention to treat, mixed model, CONSORT 2010."""

from __future__ import annotations

from burnout.data.linking import RANDOMIZED_FLOW_STEPS
from burnout.designs.base import Design, Words

__all__ = ["RANDOMIZED"]

RANDOMIZED = Design(
    name="randomized",
    groups=("intervention", "control"),
    population="everyone",
    flow_steps=RANDOMIZED_FLOW_STEPS,
    analyses=frozenset({"change_score", "ancova", "multiple_imputation", "tipping_point",
                        "effect_sizes", "dose", "medians", "rank_sum", "risk_ratio",
                        "risk_ratio_adjusted", "mixed_model", "mixed_model_unstratified",
                        "mixed_model_per_protocol", "cace"}),
    primary="mixed_model",
    tables={"baseline": "table1_baseline", "adjusted": "table2_mixed_models",
            "sensitivity": "table2b_sensitivity",
            "risk": "table3_risk_ratios", "survey": "table4_survey", "themes": "table5_themes"},
    figures={"flow": "flow", "scores": "pre_post_scores", "change": "change_scores",
             "forest": "forest_mixed", "prevalence": "burnout_prevalence"},
    words=Words(
        design="randomized controlled trial",
        comparison="the intervention and control arms",
        group="arm",
        population="every randomized participant, with every survey they completed "
                   "(intention to treat)",
        association="resulted in",
        caveat="",
        flow="CONSORT 2010",
        forest_axis="Difference in change (intervention minus control)",
    ),
    parameters={"sensitivity": {"adjust_for": "strata", "decimals": 2, "p_decimals": 3},
                "figures": {"forest_decimals": 2, "p_decimals": 3,
                            "flow_analysed_step": "analysed",
                            "flow_beside_steps": ["per_protocol"]},
                "tables": {"p_decimals": 3},
                "adjusted": {"ratio_adjustment": "strata"},
                "manuscript": {"p_decimals": 3, "estimate_decimals": 2}},
    captions={
        "flow": "CONSORT 2010 flow from randomization to the analysis, by arm, counted from the "
                "exclusion log: every randomized participant is analysed (intention to treat), "
                "including those lost to follow-up; beside, the per-protocol set of the "
                "sensitivity analysis.",
        "scores": "Scores at baseline and after the program; thin lines are participants with "
                  "both surveys, bold lines arm medians ({sizes}).",
        "change": "Change in scores (after minus baseline) by arm: box plots (median, "
                  "quartiles) with individual participants ({sizes}).",
        "forest": "Difference in change from baseline, intervention minus control, with 95% "
                  "confidence intervals (linear mixed model{fixed}, intention to treat).",
        "prevalence": "Participants meeting the burnout definition at baseline and after the "
                      "program, by arm, with Wilson 95% confidence intervals.",
    },
    explanations={
        "sensitivity": (
            "**Randomized trial.** The primary analysis is the intention-to-treat mixed model "
            "with the randomization strata as fixed effects. The sensitivity analyses change "
            "one assumption at a time: the change score and the ANCOVA (with the strata) use "
            "complete cases; multiple imputation makes the missing-at-random assumption "
            "explicit; the tipping point asks how far from it the truth must be to change the "
            "conclusion; the published (unstratified) and per-protocol models come from the "
            "adjusted stage."),
        "clean": (
            "**Randomized trial.** Everyone randomized is analysed in the arm they were "
            "randomized to, whatever surveys they completed (*intention to treat*); a missing "
            "follow-up survey is logged but excludes no one. The flow diagram follows CONSORT "
            "2010: randomized, baseline completed, follow-up completed, per protocol, analysed."),
        "unadjusted": (
            "**Randomized trial.** These complete-case comparisons (participants with both "
            "surveys) are descriptive; the primary analysis is the intention-to-treat mixed "
            "model of the adjusted stage, and the yes/no outcomes are compared there again "
            "with risk ratios adjusted for baseline and strata."),
        "adjusted": (
            "**Randomized trial: the primary analysis.** A linear mixed model "
            "`score ~ group * time + strata + (1 | participant)` fitted by REML on every "
            "available observation of every randomized participant (intention to treat): a "
            "participant without a follow-up survey still contributes the baseline. The group "
            "x time interaction is the difference in change, intervention minus control, with "
            "a Wald 95% CI. The randomization strata (the study file's `roster.strata`) are "
            "fixed effects: a stratified randomization balanced the arms within each stratum, "
            "and an analysis that ignores the strata treats that balance as luck, so its "
            "standard error is too large (ICH E9, section 5.7; EMA guideline on adjustment "
            "for baseline covariates, 2015). The same model without the strata is a "
            "sensitivity analysis (often the published specification).\n\n"
            "Yes/no outcomes: risk ratios adjusted for the outcome's baseline value and the "
            "strata, by modified Poisson regression with a robust (sandwich) SE (Zou 2004).\n\n"
            "**Per protocol and compliers.** The per-protocol analysis (the same model on the "
            "participants of the intervention arm who attended the required sessions, against "
            "every control) is biased: those who keep attending differ from those who stop "
            "(motivation, time, how burnt out they were), and it compares them with a whole "
            "control arm that holds both kinds, so the comparison is one of selection, no longer "
            "protected by randomization; it is kept as a sensitivity row. The complier "
            "average causal effect (CACE) answers the per-protocol question without leaving "
            "randomization: the randomized arm is the instrument for the program received "
            "(two-stage least squares, baseline score and strata as covariates), which "
            "estimates the effect among those who would take up the program if offered. It "
            "assumes that the offer acts only through the program received and, as it uses "
            "the participants with a follow-up survey, that a missing follow-up is missing at "
            "random given arm, compliance and covariates."),
    },
)
