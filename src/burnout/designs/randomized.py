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
                        "effect_sizes", "dose", "medians", "rank_sum", "risk_ratio", "mixed_model",
                        "mixed_model_per_protocol"}),
    primary="mixed_model",
    tables={"baseline": "table1_baseline", "adjusted": "table2_mixed_models",
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
                  "confidence intervals (linear mixed model, intention to treat).",
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
            "model of the adjusted stage."),
        "adjusted": (
            "**Randomized trial: the primary analysis.** A linear mixed model "
            "`score ~ group * time + (1 | participant)` fitted by REML on every available "
            "observation of every randomized participant (intention to treat): a participant "
            "without a follow-up survey still contributes the baseline. The group x time "
            "interaction is the difference in change, intervention minus control, with a Wald "
            "95% CI. A per-protocol analysis (the same model on participants who completed "
            "follow-up and the required sessions) is a sensitivity analysis: it is no longer "
            "protected by randomization."),
    },
)
