"""The E-value: how strong would an unmeasured confounder have to be?

In a non-randomized comparison the groups may differ in something not measured that also
affects the outcome. The E-value (VanderWeele & Ding 2017) is the minimum strength of
association, on the risk-ratio scale, that an unmeasured confounder would need to have with
*both* the group and the outcome, beyond the measured covariates, to fully explain away the
observed association. A large E-value means only a strong confounder could; an E-value near 1
means a weak one could.

For a risk ratio :math:`RR \\geq 1`, :math:`E = RR + \\sqrt{RR (RR - 1)}` (for :math:`RR < 1`,
use :math:`1/RR`). A mean difference is first standardized, :math:`d = \\text{difference} / SD`
with the outcome's pooled within-group standard deviation, and converted by VanderWeele's
(2017) approximation :math:`RR \\approx \\exp(0.91\\, d)`; its confidence limits likewise. The
E-value of the interval is that of the limit closer to the null, and 1 when the interval
includes the null: then no confounding at all is needed to make the association compatible
with no difference.
"""

from __future__ import annotations

import math

import pandas as pd

from burnout.core.errors import DataError
from burnout.core.results import tidy_result

__all__ = ["e_value"]

_FACTOR = 0.91  # VanderWeele (2017): RR ~ exp(0.91 d) for a standardized mean difference d


def _from_ratio(ratio: float) -> float:
    """E-value of a risk ratio: RR + sqrt(RR (RR - 1)) on the side of RR >= 1."""
    ratio = 1 / ratio if ratio < 1 else ratio
    return ratio + math.sqrt(ratio * (ratio - 1))


@tidy_result
def e_value(estimate: float, ci_low: float, ci_high: float, sd: float,
            outcome: str = "") -> pd.DataFrame:
    """The E-value of a mean difference and of its confidence interval.

    Parameters
    ----------
    estimate, ci_low, ci_high : float
        The (adjusted) mean difference and its confidence limits, in score points.
    sd : float
        The standard deviation that standardizes them: the outcome's pooled within-group SD.
    outcome : str
        Written in the ``outcome`` column.

    Returns
    -------
    pandas.DataFrame
        One row: ``outcome``, ``method`` ``"e_value"``, ``measure``, ``estimate`` (the E-value
        of the point estimate), then ``e_value_ci`` (of the limit closer to the null; 1 when the
        interval includes 0), ``d`` (standardized difference), ``rr``, ``rr_low``, ``rr_high``
        (approximate risk ratios) and ``sd``.

    References
    ----------
    .. [1] VanderWeele TJ, Ding P (2017). Sensitivity analysis in observational research:
       introducing the E-value. Annals of Internal Medicine 167:268-274.
    .. [2] VanderWeele TJ (2017). On a square-root transformation of the odds ratio for a
       common outcome. Epidemiology 28:e58-e60 (the exp(0.91 d) approximation).

    Examples
    --------
    >>> row = e_value(-2.0, -3.5, -0.5, sd=5.0).iloc[0]
    >>> round(float(row["estimate"]), 3), round(float(row["e_value_ci"]), 3)
    (2.234, 1.418)
    >>> float(e_value(-1.0, -3.0, 1.0, sd=5.0)["e_value_ci"].iloc[0])
    1.0
    """
    values = (estimate, ci_low, ci_high, sd)
    if not all(isinstance(value, (int, float)) and math.isfinite(value) for value in values):
        raise DataError(f"e_value: estimate, limits and SD must be finite numbers, got {values}")
    if sd <= 0 or not ci_low <= estimate <= ci_high:
        raise DataError(f"e_value: rule broken: sd > 0 and ci_low <= estimate <= ci_high "
                        f"(got sd {sd}, {ci_low} <= {estimate} <= {ci_high})")
    rr, rr_low, rr_high = (math.exp(_FACTOR * value / sd) for value in values[:3])
    if rr_low <= 1 <= rr_high:
        bound = 1.0
    else:
        bound = _from_ratio(rr_low if rr > 1 else rr_high)
    return {"outcome": outcome, "method": "e_value",
            "measure": "E-value (risk-ratio scale, RR ~ exp(0.91 d))",
            "estimate": _from_ratio(rr), "e_value_ci": bound, "d": estimate / sd, "rr": rr,
            "rr_low": rr_low, "rr_high": rr_high, "sd": float(sd)}
