"""Rubin's rules: one estimate, standard error and interval from ``m`` imputed analyses.

Each of the ``m`` completed datasets gives an estimate :math:`q_j` and its variance
:math:`u_j`. Rubin (1987) pools them into

.. math::

    \\bar q = \\frac{1}{m}\\sum_j q_j, \\quad \\bar u = \\frac{1}{m}\\sum_j u_j, \\quad
    b = \\frac{1}{m-1}\\sum_j (q_j - \\bar q)^2, \\quad T = \\bar u + (1 + 1/m)\\, b,

the *total* variance: the within-imputation variance plus the between-imputation variance
(what we do not know about the missing values). The interval and p-value use Student's t with
the Barnard-Rubin (1999) small-sample degrees of freedom: with
:math:`\\lambda = (1 + 1/m) b / T` (floored at 1e-4, as ``mice``), the complete-data degrees of
freedom :math:`\\nu_{com}`, :math:`\\nu_{old} = (m - 1)/\\lambda^2` and
:math:`\\nu_{obs} = (\\nu_{com} + 1)/(\\nu_{com} + 3)\\, \\nu_{com} (1 - \\lambda)`,

.. math::

    \\nu = \\nu_{old}\\, \\nu_{obs} / (\\nu_{old} + \\nu_{obs}),

exactly what R's ``mice::pool`` computes (``mice:::barnard.rubin``).
:func:`pooled_analysis` runs the ANCOVA (or, in a single group, the mean change) on each
completed dataset, optionally shifting the imputed follow-up values by ``delta`` (see
:mod:`burnout.sensitivity.tipping`), and pools it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from burnout.core.errors import DataError
from burnout.core.results import tidy_result
from burnout.sensitivity.imputation import ImputedSets
from burnout.stats.paired import paired_t_test
from burnout.stats.regression import adjusted_difference

__all__ = ["rubin_pool", "pooled_analysis"]


@tidy_result
def rubin_pool(estimates: Sequence[float], variances: Sequence[float], dfcom: float,
               confidence: float = 0.95, outcome: str = "") -> pd.DataFrame:
    """Pool ``m`` estimates and their variances by Rubin's rules (R ``mice::pool``).

    Parameters
    ----------
    estimates, variances : sequence of float
        The estimate and its squared standard error from each completed dataset.
    dfcom : float
        Degrees of freedom of the complete-data analysis (the residual df of ``lm``);
        ``math.inf`` for large-sample inference (then :math:`\\nu = \\nu_{old}`).
    confidence : float
        Confidence level of the interval.
    outcome : str
        Written in the ``outcome`` column.

    Returns
    -------
    pandas.DataFrame
        One row: ``outcome``, ``method`` ``"rubin"``, ``estimate`` (:math:`\\bar q`), ``se``
        (:math:`\\sqrt T`), ``ci_low``, ``ci_high``, ``confidence``, ``statistic`` (t), ``df``
        (Barnard-Rubin), ``p``; then ``m``, ``ubar``, ``b``, ``t`` (total variance), ``riv``
        (relative increase in variance), ``lambda`` and ``fmi`` (fraction of missing
        information), as ``mice::pool``'s ``pooled`` table.

    Examples
    --------
    >>> row = rubin_pool([-1.2, -0.8, -1.0], [0.25, 0.27, 0.26], dfcom=50).iloc[0]
    >>> round(float(row["estimate"]), 3), round(float(row["se"]), 4), round(float(row["df"]), 2)
    (-1.0, 0.5598, 25.29)
    """
    q = np.asarray(estimates, dtype=float)
    u = np.asarray(variances, dtype=float)
    m = len(q)
    if m < 2 or len(u) != m or not (np.isfinite(q).all() and np.isfinite(u).all()):
        raise DataError(f"rubin_pool: need at least 2 finite estimates with one variance each "
                        f"(got {m} estimates and {len(u)} variances)")
    if not 0 < confidence < 1:
        raise DataError(f"rubin_pool: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    qbar, ubar, b = float(q.mean()), float(u.mean()), float(q.var(ddof=1))
    total = ubar + (1 + 1 / m) * b
    lam = max((1 + 1 / m) * b / total, 1e-4)
    df_old = (m - 1) / lam ** 2
    if math.isinf(dfcom):
        df = df_old
    else:
        df_obs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lam)
        df = df_old * df_obs / (df_old + df_obs)
    se = math.sqrt(total)
    half = float(stats.t.ppf(0.5 * (1 + confidence), df)) * se
    statistic = qbar / se
    riv = (1 + 1 / m) * b / ubar
    return {"outcome": outcome, "method": "rubin", "estimate": qbar, "se": se,
            "ci_low": qbar - half, "ci_high": qbar + half, "confidence": float(confidence),
            "statistic": statistic, "df": df, "p": float(2 * stats.t.sf(abs(statistic), df)),
            "m": m, "ubar": ubar, "b": b, "t": total, "riv": riv, "lambda": lam,
            "fmi": (riv + 2 / (df + 3)) / (1 + riv)}


def _shifted(frame: pd.DataFrame, imputed: ImputedSets, column: str, delta: float,
             shift: str | None, group: str | None) -> pd.DataFrame:
    """``frame`` with the imputed values of ``column`` moved by ``delta`` in arm ``shift``
    (every arm for ``shift=None``)."""
    if not delta:
        return frame
    rows = imputed.missing[column].to_numpy()
    if shift is not None and group is not None:
        rows = rows & (frame[group].astype(str).to_numpy() == shift)
    moved = frame.copy()
    moved.loc[rows, column] = moved.loc[rows, column] + delta
    return moved


@tidy_result
def pooled_analysis(imputed: ImputedSets, score: str, group: str | None = "group",
                    covariates: Sequence[str] = (), confidence: float = 0.95,
                    delta: float = 0.0, shift: str | None = "intervention") -> pd.DataFrame:
    """The ANCOVA of ``score`` on every imputed dataset, pooled by Rubin's rules.

    Parameters
    ----------
    imputed : ImputedSets
        The completed datasets (:func:`burnout.sensitivity.imputation.impute_chained`), whose
        targets include ``<score>_post``.
    score : str
        The score (``"ee"``).
    group : str or None
        The group column; None for a single group: the mean change (after minus before) of
        each completed dataset is pooled, with complete-data df ``n - 1``.
    covariates : sequence of str
        Further ANCOVA terms (strata or covariates).
    confidence : float
        Confidence level of the pooled interval.
    delta : float
        Added to every *imputed* follow-up value of arm ``shift`` before the analysis (score
        points; 0 is the missing-at-random analysis).
    shift : str or None
        The arm whose imputed values move (``"intervention"``, ``"control"``); None moves every
        imputed value (the only choice for a single group).

    Returns
    -------
    pandas.DataFrame
        The row of :func:`rubin_pool` with ``outcome`` the score, ``method``
        ``"multiple_imputation"``, ``measure``, ``n`` (participants analysed), ``n_imputed``
        (of them with an imputed follow-up), ``delta`` and ``shift``.

    Examples
    --------
    >>> from burnout.sensitivity.imputation import impute_chained
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 6,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21, 24, 19, 26, 23],
    ...     "ee_post": [17, 22, 21, None, 24, 26, 14, 21, None, 18, 22, 24]})
    >>> imputed = impute_chained(data, ["ee_post"], ["ee_pre", "group"], m=5, seed=3)
    >>> row = pooled_analysis(imputed, "ee").iloc[0]
    >>> int(row["m"]), int(row["n"]), int(row["n_imputed"])
    (5, 12, 2)
    >>> moved = pooled_analysis(imputed, "ee", delta=-2).iloc[0]
    >>> bool(moved["estimate"] < row["estimate"])
    True
    """
    column = f"{score}_post"
    if column not in imputed.targets:
        raise DataError(f"pooled_analysis: '{column}' was not imputed (targets: "
                        f"{list(imputed.targets)})")
    estimates, variances, dfcom = [], [], math.inf
    for frame in imputed.sets:
        frame = _shifted(frame, imputed, column, delta, shift, group)
        if group is None:
            fit = paired_t_test.row(frame[f"{score}_pre"], frame[column], confidence)
        else:
            fit = adjusted_difference.row(frame, column, group=group, baseline=f"{score}_pre",
                                          covariates=covariates, confidence=confidence)
        estimates.append(fit["estimate"])
        variances.append(fit["se"] ** 2)
        dfcom = float(fit["df"])
    row = rubin_pool.row(estimates, variances, dfcom, confidence, outcome=score)
    measure = ("mean change (paired), pooled" if group is None
               else "adjusted difference at follow-up (ANCOVA), pooled")
    return {**row, "method": "multiple_imputation", "measure": measure,
            "n": len(imputed.missing), "n_imputed": int(imputed.missing[column].sum()),
            "delta": float(delta), "shift": "all" if shift is None or group is None else shift}
