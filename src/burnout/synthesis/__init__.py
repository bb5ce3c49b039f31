"""Evidence synthesis: effect sizes, random-effects meta-analysis, the evidence file, dose.

* :mod:`~burnout.synthesis.effect_sizes`: standardized effects of a study's change scores
  (Hedges' g between groups, the standardized mean change within one group);
* :mod:`~burnout.synthesis.heterogeneity` and :mod:`~burnout.synthesis.meta_analysis`: pooling
  under a random-effects model with moderators, as R metafor ``rma()``;
* :mod:`~burnout.synthesis.evidence`: reading an estimates file, every problem named;
* :mod:`~burnout.synthesis.dose`: the exploratory dose-response question within a study.
"""
