"""Complier average causal effect (CACE): randomization as the instrument for the program.

Intention to treat compares the arms as randomized and answers "what did *offering* the
program do?". Some of those offered it did not take it up (here: attended fewer sessions than
the protocol asks). The tempting *per-protocol* comparison (those who complied against every
control) is no longer protected by randomization: the people who keep attending differ from
those who stop (motivation, time, how burnt out they were), and the control arm holds both
kinds. The complier average causal effect asks instead "what did the program do for those who
would take it up if offered?", and keeps the protection of randomization by using the
randomized arm ``Z`` as an *instrument* for the program received ``D`` (Angrist, Imbens and
Rubin 1996). Under the assumptions that

* randomization affects the outcome only through the program received (exclusion),
* the offer never makes someone less likely to take the program (monotonicity; automatic with
  one-sided noncompliance: controls cannot receive the program),
* the offer changes who receives the program (a strong first stage: compliance well above 0),

the effect among compliers is the ITT effect divided by the difference in the proportion
receiving the program, ``ITT / (P(D=1 | Z=1) - P(D=1 | Z=0))``. With baseline score and strata
as covariates it is estimated by two-stage least squares: ``D`` is regressed on ``Z`` and the
covariates (first stage), and the follow-up score on the fitted ``D`` and the covariates; the
standard error uses the residuals of the structural equation (R ``AER::ivreg``, summary).

Only participants with a follow-up score enter, so the estimate further assumes that a missing
follow-up is missing at random given the arm, compliance and the covariates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from burnout.core.errors import DataError, numeric_column, require_columns
from burnout.core.results import result_frame, tidy_result
from burnout.stats.regression import GROUP_TERM, _design  # the regressions' design matrix

__all__ = ["received_program", "complier_effect", "complier_effect_table"]


def received_program(data: pd.DataFrame, sessions: str, min_sessions: float,
                     group: str = "group", exposed: str = "intervention") -> pd.Series:
    """Whether each participant received the program: of the ``exposed`` arm, attended at
    least ``min_sessions`` sessions (the per-protocol rule); of the other arm, never (one-sided
    noncompliance: controls cannot receive the program).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant, with the ``group`` and ``sessions`` columns.
    sessions : str
        Column of the sessions attended (missing: none recorded, counted as not received).
    min_sessions : float
        Sessions needed to count as having received the program.
    group, exposed : str
        The group column and the value of the arm offered the program.

    Returns
    -------
    pandas.Series
        0/1 integers, named ``received``, aligned with ``data``.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 3 + ["control"],
    ...                      "sessions": [10, 3, None, None]})
    >>> received_program(data, "sessions", 8).tolist()
    [1, 0, 0, 0]
    """
    require_columns(data, [group, sessions], "received_program")
    attended = numeric_column(data, sessions, "received_program")
    offered = (data[group] == exposed).to_numpy()
    return pd.Series(offered & (attended.fillna(0).to_numpy() >= min_sessions),
                     index=data.index, name="received").astype(int)


def _two_stage(response: np.ndarray, instruments: np.ndarray, term: int,
               received: np.ndarray) -> dict:
    """2SLS of ``response`` on the design with column ``term`` replaced by ``received``,
    instrumented by ``instruments``; classical (homoskedastic) covariance, ``ivreg``'s."""
    regressors = instruments.copy()
    regressors[:, term] = received
    first, *_ = np.linalg.lstsq(instruments, regressors, rcond=None)
    fitted = instruments @ first
    coefficients, *_ = np.linalg.lstsq(fitted, response, rcond=None)
    residuals = response - regressors @ coefficients
    n, k = regressors.shape
    variance = float(residuals @ residuals) / (n - k)
    covariance = variance * np.linalg.inv(fitted.T @ fitted)
    itt, *_ = np.linalg.lstsq(instruments, response, rcond=None)
    return {"estimate": float(coefficients[term]), "se": math.sqrt(covariance[term, term]),
            "df": n - k, "itt_estimate": float(itt[term]),
            "first_stage": float(first[term, term])}


@tidy_result
def complier_effect(data: pd.DataFrame, outcome: str, received: str,
                    baseline: str | None = None, covariates: Sequence[str] = (),
                    group: str = "group", exposed: str = "intervention",
                    unexposed: str = "control", confidence: float = 0.95) -> pd.DataFrame:
    """Complier average causal effect by two-stage least squares (randomized arm as instrument).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (``analysis.csv``).
    outcome : str
        The follow-up score (``"ee_post"``); rows without it are left out (complete cases).
    received : str
        Column of the program received, 0 or 1 (:func:`received_program`).
    baseline : str, optional
        The baseline score, an exogenous covariate (``"ee_pre"``).
    covariates : sequence of str
        Further exogenous covariates, the randomization strata (text: indicators); one with
        a single value among the analysed rows is left out, with a note.
    group, exposed, unexposed : str
        The randomized arm (the instrument) and its two values.
    confidence : float
        Confidence level of the interval (t distribution, ``df`` residual degrees of freedom).

    Returns
    -------
    pandas.DataFrame
        One row: ``outcome``, ``method`` (``"cace"``), ``measure``, ``estimate`` (effect of
        receiving the program among compliers, in score points), ``se``, ``ci_low``,
        ``ci_high``, ``confidence``, ``statistic`` (t), ``df``, ``p``, ``n``,
        ``n_intervention``, ``n_control``; then ``compliance`` (proportion of the analysed
        intervention arm who received the program), ``compliance_control`` (of the control
        arm: 0 with one-sided noncompliance), ``compliance_randomized`` (of every row of the
        intervention arm in ``data``, with or without follow-up), ``itt_estimate`` (the
        adjusted intention-to-treat difference of the same rows, the reduced form), ``first_stage``
        (the adjusted difference in the proportion receiving the program), ``n_dropped``,
        ``covariates`` and ``note``.

    Raises
    ------
    DataError
        On a missing column, a ``received`` value other than 0/1, an unknown group, a
        constant covariate or a rank-deficient design.

    References
    ----------
    .. [1] Angrist JD, Imbens GW, Rubin DB (1996). Identification of causal effects using
       instrumental variables. Journal of the American Statistical Association 91:444-455.
    .. [2] Dunn G, Maracy M, Tomenson B (2005). Estimating treatment effects from randomized
       clinical trials with noncompliance and loss to follow-up. Statistical Methods in
       Medical Research 14:369-395.
    .. [3] Kleiber C, Zeileis A (2008). Applied Econometrics with R (``AER::ivreg``).

    Examples
    --------
    Half of the intervention arm attended; the ITT difference of -2 points is an effect of
    -4 among those who would attend:

    >>> data = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                      "took_part": [1, 1, 0, 0, 0, 0, 0, 0],
    ...                      "ee_post": [18, 20, 22, 24, 23, 24, 22, 23]})
    >>> row = complier_effect(data, "ee_post", "took_part").iloc[0]
    >>> [round(float(row[column]), 3) for column in ("estimate", "compliance", "itt_estimate")]
    [-4.0, 0.5, -2.0]
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"complier_effect: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    require_columns(data, [outcome, received, group, *([baseline] if baseline else []),
                           *covariates], "complier_effect")
    taken = numeric_column(data, received, "complier_effect")
    bad = taken.notna() & ~taken.isin([0, 1])
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"complier_effect: row {position + 2}, column '{received}': value "
                        f"{data[received].iloc[position]!r}; rule: received is 0 or 1")
    known = taken.notna().to_numpy()
    complete = known & data[[outcome, group, *([baseline] if baseline else []), *covariates]
                            ].notna().all(axis=1).to_numpy()
    constant = [column for column in covariates if data.loc[complete, column].nunique() < 2]
    covariates = [column for column in covariates if column not in constant]
    offered = (data[group] == exposed).to_numpy() & known
    try:
        response, names, design, index, n_dropped = _design(
            data.loc[known], outcome, group, baseline, covariates, exposed, unexposed)
    except DataError as error:
        raise DataError(str(error).replace("adjusted_difference", "complier_effect")) from None
    term = names.index(GROUP_TERM)
    arm, treated = design[:, term] == 1, taken.loc[index].to_numpy(dtype=float)
    row = {"outcome": outcome, "method": "cace", "measure": "complier average causal effect",
           "confidence": float(confidence), "n": len(response),
           "n_intervention": int(arm.sum()), "n_control": int((~arm).sum()),
           "compliance": float(treated[arm].mean()),
           "compliance_control": float(treated[~arm].mean()),
           "compliance_randomized": float(taken[offered].mean()) if offered.any() else math.nan,
           "n_dropped": n_dropped + int((~known).sum()), "covariates": ", ".join(covariates)}
    notes = [f"covariate '{column}' has a single value among the analysed rows: left out"
             for column in constant]
    if row["compliance"] == row["compliance_control"]:
        return {**row, **dict.fromkeys(("estimate", "se", "ci_low", "ci_high", "statistic",
                                        "df", "p", "itt_estimate", "first_stage"), math.nan),
                "note": "the program was received as often in both arms: randomization does "
                        "not move it, the effect among compliers is not estimable"}
    fit = _two_stage(response, design, term, treated)
    quantile = float(stats.t.ppf(0.5 * (1 + confidence), fit["df"]))
    statistic = fit["estimate"] / fit["se"]
    if abs(fit["first_stage"]) < 0.1:
        notes.append("weak instrument: the arms differ by less than 0.1 in the proportion "
                     "receiving the program")
    note = "; ".join(notes)
    return {**row, "estimate": fit["estimate"], "se": fit["se"],
            "ci_low": fit["estimate"] - quantile * fit["se"],
            "ci_high": fit["estimate"] + quantile * fit["se"], "statistic": statistic,
            "df": float(fit["df"]), "p": float(2 * stats.t.sf(abs(statistic), fit["df"])),
            "itt_estimate": fit["itt_estimate"], "first_stage": fit["first_stage"],
            "note": note}


def complier_effect_table(data: pd.DataFrame, outcomes: Sequence[str], received: str,
                          covariates: Sequence[str] = (), **options) -> pd.DataFrame:
    """:func:`complier_effect` of each score: follow-up ``<score>_post`` adjusted for the
    baseline ``<score>_pre`` and ``covariates``, one row per score (``outcome`` the score).

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                      "received": [1, 1, 1, 0, 0, 0, 0, 0],
    ...                      "ee_pre": [20, 25, 22, 30, 21, 26, 23, 29],
    ...                      "ee_post": [17, 21, 20, 29, 21, 25, 24, 28]})
    >>> complier_effect_table(data, ["ee"], "received")[["outcome", "n", "compliance"]]
      outcome  n  compliance
    0      ee  8        0.75
    """
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if not outcomes:
        raise DataError("complier_effect_table: no outcome given; rule: name at least one score")
    rows = []
    for score in outcomes:
        row = complier_effect.row(data, f"{score}_post", received, baseline=f"{score}_pre",
                                  covariates=covariates, **options)
        rows.append({**row, "outcome": score})
    return result_frame(rows)
