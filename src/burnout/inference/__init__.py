"""Inference across several results at once (the stats/ package holds one procedure per test).

* :mod:`~burnout.inference.multiplicity`: Holm's step-down adjustment of the p-values of a
  family of outcomes (the secondary outcomes of the primary comparison), as R ``p.adjust``.
"""
