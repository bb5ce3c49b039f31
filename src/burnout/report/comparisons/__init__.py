"""Publication tables of group comparisons that show each arm's size.

* :mod:`~burnout.report.comparisons.arms`: the mixed models' table (primary analysis) and the
  table of its sensitivity analyses (without strata, per protocol, compliers), every row with
  the participants of each arm.
"""
