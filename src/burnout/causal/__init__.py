"""Causal estimands beyond intention to treat, for randomized designs.

* :mod:`~burnout.causal.cace`: the complier average causal effect, with randomization as the
  instrument for receiving the program (two-stage least squares, as R ``AER::ivreg``).
"""
