"""The single-group pre/post study: paired tests, McNemar, no between-group claims."""

from __future__ import annotations

from burnout.data.linking import COMPARISON_FLOW_STEPS
from burnout.designs.base import Design, Words

__all__ = ["SINGLE_GROUP"]

_FORBIDDEN = (r"\brandomi[sz](ed|ation)\b", r"\bintention[- ]to[- ]treat\b",
              r"\bintent[- ]to[- ]treat\b", r"\bITT\b", r"\bcontrol groups?\b",
              r"\bcompared with (the )?control\b", r"\bbetween[- ]groups?\b")

SINGLE_GROUP = Design(
    name="single_group",
    groups=(),
    population="complete_cases",
    flow_steps=COMPARISON_FLOW_STEPS,
    analyses=frozenset({"change_score", "multiple_imputation", "tipping_point",
                        "effect_sizes", "dose", "medians", "signed_rank", "paired_t", "mcnemar",
                        "mixed_model_time"}),
    primary="signed_rank",
    tables={"baseline": "table1_baseline", "unadjusted": "table2_paired",
            "risk": "table3_mcnemar", "adjusted": "table4_mixed_model",
            "survey": "table5_survey", "themes": "table6_themes"},
    figures={"flow": "flow", "scores": "pre_post_scores", "change": "change_scores",
             "forest": "forest_change", "prevalence": "burnout_prevalence"},
    words=Words(
        design="single-group pre/post study",
        comparison="before and after the program, within one group",
        group="",
        population="participants who completed the first and the last survey",
        association="was followed by",
        caveat=("With a single group and no comparison group, a change from before to after "
                "cannot be separated from what would have happened anyway (time, regression to "
                "the mean, other events)."),
        flow="enrolment to follow-up",
        forest_axis="Change (after minus before)",
        forbidden=_FORBIDDEN,
    ),
    parameters={"sensitivity": {"decimals": 1, "p_decimals": 2},
                "figures": {"forest_decimals": 1, "p_decimals": 2},
                "tables": {"p_decimals": 2},
                "manuscript": {"p_decimals": 2, "estimate_decimals": 1}},
    captions={
        "flow": "Participant flow from enrolment to follow-up, counted from the exclusion log.",
        "scores": "Scores before and after the program; thin lines are participants, the bold "
                  "line the median ({sizes}).",
        "change": "Change in scores (after minus before): box plot (median, quartiles) with "
                  "individual participants ({sizes}).",
        "forest": "Change from before to after the program (Hodges-Lehmann estimate) with 95% "
                  "confidence intervals (Wilcoxon signed-rank test; no comparison group).",
        "prevalence": "Participants meeting the burnout definition before and after the "
                      "program, with Wilson 95% confidence intervals.",
    },
    explanations={
        "sensitivity": (
            "**Single group.** The change from before to after is estimated by the mean change "
            "(paired t) and the mixed model; where follow-up is missing, multiple imputation "
            "and its tipping point ask whether those who did not return the survey could "
            "change the conclusion. No analysis separates the program from time."),
        "clean": (
            "**Single group.** Everyone received the program; there is no comparison group. A "
            "participant is analysed when they completed the first and the last survey. The "
            "flow diagram runs from enrolment to follow-up."),
        "unadjusted": (
            "**Single group: paired comparisons.** Each participant is compared with themself: "
            "the Wilcoxon signed-rank test of the change with the Hodges-Lehmann estimate and "
            "its 95% CI (primary), the paired t-test (secondary) and McNemar's test for the "
            "yes/no outcomes before and after."),
        "adjusted": (
            "**Single group: a model-based estimate.** A mixed model `score ~ time + "
            "(1 | participant)` (REML) estimates the mean change from before to after with a "
            "random intercept per participant, with a Wald 95% CI. On the participants with both "
            "surveys its estimate equals the paired t-test's mean change; its interval rests on "
            "the model instead of the t distribution, a check of one method against the other."),
    },
)
