"""Sensitivity analyses of the primary outcomes: does the conclusion survive other choices?

The primary analysis of a study rests on choices another analyst could have made differently:
how the baseline enters (change score or covariate), which model (regression or mixed model),
how missing follow-up is handled (the mixed model's missing-at-random assumption), and, for a
non-randomized comparison, that no unmeasured confounder explains the difference. Each module
asks one of these questions; :mod:`~burnout.sensitivity.table` gathers the answers, one row per
primary outcome and analysis, in the shared result vocabulary (:mod:`burnout.core.results`).

* :mod:`~burnout.sensitivity.complete_data`: change-score analysis and ANCOVA (R ``lm``);
* :mod:`~burnout.sensitivity.imputation`: multiple imputation by chained equations;
* :mod:`~burnout.sensitivity.pooling`: Rubin's rules with the Barnard-Rubin degrees of freedom
  (R ``mice::pool``), and the analysis of the imputed sets, optionally delta-adjusted;
* :mod:`~burnout.sensitivity.tipping`: the delta-adjusted tipping point (missing not at random);
* :mod:`~burnout.sensitivity.evalue`: the E-value for unmeasured confounding;
* :mod:`~burnout.sensitivity.table`: the sensitivity table and its citable numbers.
"""
