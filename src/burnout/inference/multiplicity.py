"""Multiplicity: Holm's adjustment of the p-values of a family of outcomes.

A trial that tests several secondary outcomes will find one "significant" by chance more often
than once in twenty. Holm's step-down procedure (Holm 1979) controls the family-wise error
rate: with the ``m`` p-values of the family sorted, ``p_(1) <= ... <= p_(m)``, the adjusted
p-value of the ``i``-th is ``max_{j <= i} min(1, (m - j + 1) p_(j))``. It is uniformly more
powerful than Bonferroni and needs no assumption about how the tests depend on each other.
This is R's ``p.adjust(p, method = "holm")``; a missing p-value stays missing and does not
count in ``m`` (R's default ``n = length(p[!is.na(p)])``).

Which outcomes form the family is the study's declaration, not the data's: the parameter file
declares primary and secondary outcomes (``outcomes: {primary: [...], secondary: [...]}``) and
the secondary ones of the primary comparison are adjusted together.

References
----------
Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat 1979;6:65-70.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.core.results import result_frame

__all__ = ["holm_adjust"]


def holm_adjust(p_values: Mapping[str, float] | pd.DataFrame,
                outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Holm-adjusted p-values of a family of outcomes (R ``p.adjust(method = "holm")``).

    Parameters
    ----------
    p_values : mapping or pandas.DataFrame
        Outcome -> raw p-value, or a tidy result with columns ``outcome`` and ``p`` (one row per
        outcome). A missing p-value (None or NaN) stays missing and is not counted.
    outcomes : sequence of str, optional
        The family, in reporting order (default: every outcome given). An outcome of the family
        without a p-value is an error.

    Returns
    -------
    pandas.DataFrame
        One row per outcome of the family: ``outcome``, ``method`` (``holm``), ``measure``,
        ``p`` (the adjusted p-value), then ``p_unadjusted`` and ``family_size`` (the number of
        p-values adjusted together).

    Raises
    ------
    DataError
        When a p-value is outside 0-1, an outcome is repeated, or an outcome of the family has
        no p-value.

    Examples
    --------
    >>> holm_adjust({"grit": 0.01, "sleep": 0.04, "mood": 0.03})[["outcome", "p"]]
      outcome     p
    0    grit  0.03
    1   sleep  0.06
    2    mood  0.06
    """
    if isinstance(p_values, pd.DataFrame):
        missing = [column for column in ("outcome", "p") if column not in p_values.columns]
        if missing:
            raise DataError(f"holm_adjust: the result table has no column(s) {missing}")
        if p_values["outcome"].duplicated().any():
            repeated = sorted(set(p_values.loc[p_values["outcome"].duplicated(), "outcome"]))
            raise DataError(f"holm_adjust: outcome(s) {repeated} appear more than once")
        given = dict(zip(p_values["outcome"], p_values["p"], strict=True))
    else:
        given = dict(p_values)
    family = list(given) if outcomes is None else list(outcomes)
    absent = [outcome for outcome in family if outcome not in given]
    if absent:
        raise DataError(f"holm_adjust: no p-value for outcome(s) {absent} of the family")
    raw = np.array([np.nan if given[name] is None else float(given[name]) for name in family])
    bad = [name for name, p in zip(family, raw, strict=True) if not (math.isnan(p) or 0 <= p <= 1)]
    if bad:
        raise DataError(f"holm_adjust: p-value(s) of {bad} are not within 0-1")
    adjusted = _holm(raw)
    size = int(np.sum(~np.isnan(raw)))
    return result_frame([{"outcome": name, "method": "holm", "measure": "Holm-adjusted p-value",
                          "p": float(p_adjusted), "p_unadjusted": float(p_raw),
                          "family_size": size}
                         for name, p_adjusted, p_raw in zip(family, adjusted, raw, strict=True)])


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of the finite entries of ``p`` (NaN stays NaN)."""
    adjusted = np.full(len(p), np.nan)
    present = np.flatnonzero(~np.isnan(p))
    m = len(present)
    if m == 0:
        return adjusted
    order = present[np.argsort(p[present], kind="stable")]
    scaled = (m - np.arange(m)) * p[order]
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return adjusted
