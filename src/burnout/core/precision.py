"""How many digits each kind of result supports: the one precision rule of every written number.

A number written to a committed file (CSV, JSON, LaTeX, a notebook's display) carries only the
digits its computation supports, so that a rebuild on another machine — another BLAS, CPU or
thread count — writes the same bytes:

================================  ==========================================================
kind                              digits written
================================  ==========================================================
closed-form statistics, counts    10 significant digits (:data:`CLOSED_FORM_DIGITS`): sums,
                                  means, least squares, exact tests; their floating-point
                                  noise is near 1e-15, far below the last digit
iterative fits                    8 significant digits (:data:`ITERATIVE_DIGITS`): the mixed
                                  model's REML fit agrees with lme4 to 3e-8 and is stable to
                                  about 1e-12, so 8 digits are both supported and reproducible
multiple imputation (pooled)      8 significant digits, as iterative fits
root-found interval bounds        4 decimals (:data:`ROOT_DECIMALS`): the location shifts and
                                  Hodges-Lehmann intervals are found, as R's ``uniroot`` finds
                                  them, to an absolute tolerance of about 1e-4
================================  ==========================================================

:func:`supported` applies the rule to a result table (by its ``method`` column, see
:mod:`burnout.core.results`); :data:`CLOSED_FORM_DIGITS` is also the float format of every CSV
and JSON file (:mod:`burnout.core.io`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["CLOSED_FORM_DIGITS", "ITERATIVE_DIGITS", "ROOT_DECIMALS", "ROUNDING",
           "round_significant", "supported"]

CLOSED_FORM_DIGITS = 10
ITERATIVE_DIGITS = 8
ROOT_DECIMALS = 4
_MIXED = {column: ("significant", ITERATIVE_DIGITS)
          for column in ("estimate", "se", "ci_low", "ci_high", "statistic", "p",
                         "subject_variance", "site_variance", "residual_variance")}
_ROOT = {column: ("decimals", ROOT_DECIMALS) for column in ("estimate", "ci_low", "ci_high")}
# A random-effects meta-analysis whose tau^2 is a root (REML, PM; solved to 1e-12).
_POOLED = {column: ("significant", ITERATIVE_DIGITS)
           for column in ("estimate", "se", "ci_low", "ci_high", "statistic", "p", "tau2", "tau",
                          "i2", "h2", "pi_low", "pi_high", "weight")}
# Multiple imputation pooled by Rubin's rules: the imputations pass through QR factorizations
# whose last bits may differ between BLAS builds; the pooled values move as smoothly.
_IMPUTED = {column: ("significant", ITERATIVE_DIGITS)
            for column in ("estimate", "se", "ci_low", "ci_high", "statistic", "df", "p")}
# method -> column -> (rule, digits); columns not listed keep CLOSED_FORM_DIGITS.
ROUNDING: dict[str, dict[str, tuple[str, int]]] = {
    "multiple_imputation": _IMPUTED,
    "random_effects": _POOLED,
    "mixed_model": _MIXED,
    "mixed_model_time": _MIXED,
    "rank_sum": _ROOT,
    "signed_rank": _ROOT,
}


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (NaN and infinities unchanged).

    Examples
    --------
    >>> round_significant(0.0123456789, 3), round_significant(98765.4321, 2)
    (0.0123, 99000.0)
    """
    if not math.isfinite(value) or value == 0:
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def supported(results: pd.DataFrame) -> pd.DataFrame:
    """A copy of a result table rounded to the digits each value supports (module docstring).

    Examples
    --------
    >>> table = pd.DataFrame({"method": ["mixed_model", "rank_sum"],
    ...                       "estimate": [1.23456789123, -0.99994871], "n": [40, 40]})
    >>> supported(table)["estimate"].tolist()
    [1.2345679, -0.9999]
    """
    rounded = results.copy()
    if "method" not in rounded.columns:
        return rounded
    for method, columns in ROUNDING.items():
        rows = (rounded["method"] == method).to_numpy()
        if not rows.any():
            continue
        for column, (rule, digits) in columns.items():
            if column not in rounded.columns:
                continue
            values = pd.to_numeric(rounded.loc[rows, column], errors="coerce").astype(float)
            if rule == "decimals":
                values = np.round(values, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
            else:
                values = values.map(lambda value, d=digits: round_significant(value, d))
            rounded.loc[rows, column] = values.to_numpy()
    return rounded
