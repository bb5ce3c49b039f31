"""Risk ratios of a binary outcome, intervention versus control, as ``epitools`` computes them.

A *risk* is the proportion of a group with the outcome (e.g. burnout after the rotation). The
*risk ratio* divides the risk of the exposed group (the intervention) by the risk of the
unexposed group (the control): 1 means no difference, 0.5 that the outcome was half as
frequent with the intervention.

A ratio's sampling distribution is skewed, its logarithm's is close to normal, so the 95%
confidence interval is built on the log scale and transformed back (Katz et al. 1978;
statsmodels' ``Table2x2.riskratio_confint(method="normal")`` computes it):

.. math::

    \\log RR \\pm z_{0.975} \\sqrt{1/a - 1/n_1 + 1/c - 1/n_0}

with ``a`` events among ``n_1`` exposed and ``c`` events among ``n_0`` unexposed. This is
``epitools::riskratio.wald`` in R. The p-value is the Wald test of the same log ratio,
``2 Phi(-|log RR| / SE)``, so that p < 0.05 exactly when the interval excludes 1. The Katz SE
is the robust (HC0 sandwich) SE of a Poisson regression of the outcome on the group alone, so
interval and p are those of R's ``glm(y ~ group, family = poisson)`` with
``sandwich::vcovHC(fit, type = "HC0")``. Fisher's exact test (R's ``fisher.test``,
two-sided), which does not rely on large counts, is kept as the extra column ``p_fisher``.

**Adjusted risk ratio (modified Poisson regression, Zou 2004).** A log-binomial model of a
yes/no outcome often fails to converge; a Poisson regression with a log link estimates the
same risk ratio, and its robust (sandwich) covariance corrects the Poisson variance, which is
wrong for a 0/1 outcome. :func:`adjusted_risk_ratio` fits ``log P(y = 1) = b0 + b1 group +
b2 baseline + covariates`` by Newton's method (statsmodels' ``GLM(family=Poisson)`` fit where
Newton does not settle, and in the tests as the reference) with the HC0 sandwich covariance
(Zou's estimator; R ``sandwich::vcovHC`` must be asked for ``type = "HC0"``, its default is
HC3) and reports ``exp(b1)`` with its Wald interval and p from the same model.

:func:`risk_ratio` handles one 2 x 2 table; :func:`risk_ratio_table` one table per 0/1
outcome column of an analysis table; :func:`adjusted_risk_ratio` and
:func:`adjusted_risk_ratio_table` the adjusted ratios.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import linalg, special, stats

from burnout.core.errors import DataError, require_columns
from burnout.core.results import result_frame, tidy_result
from burnout.stats.regression import GROUP_TERM, _design

__all__ = ["risk_ratio", "risk_ratio_table", "adjusted_risk_ratio", "adjusted_risk_ratio_table"]


def _binary_values(data: pd.DataFrame, outcome: str, caller: str) -> pd.Series:
    """The 0/1 column ``outcome`` as numbers (empty cells NaN); a DataError names the first row
    (as in the file: header = row 1) holding anything else."""
    values = pd.to_numeric(data[outcome], errors="coerce")
    bad = data[outcome].notna() & ~values.isin([0, 1])
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{caller}: row {position + 2}, column '{outcome}': value "
                        f"{data[outcome].iloc[position]!r}; rule: outcome must be 0, 1 or empty")
    return values


def _checked_count(value: object, name: str) -> int:
    """Return ``value`` as a non-negative int, or raise DataError naming the argument."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"risk_ratio: {name} must be a count, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number != math.floor(number):
        raise DataError(f"risk_ratio: {name} must be a non-negative whole number, got {value!r}")
    return int(number)


def _katz_interval(exposed_events: float, exposed_total: float, unexposed_events: float,
                   unexposed_total: float, confidence: float
                   ) -> tuple[float, float, float, float]:
    """Estimate, Katz log-scale interval (statsmodels) and the Wald p of the log ratio; NaN
    bounds and p when undefined.

    With an event count of zero in a group the log-scale interval does not exist; statsmodels
    would then silently add 0.5 to every cell, so such tables are handled here instead.
    """
    if unexposed_events == 0:
        estimate = math.inf if exposed_events > 0 else math.nan
        return estimate, math.nan, math.nan, math.nan
    if exposed_events == 0:
        return 0.0, math.nan, math.nan, math.nan
    # Imported here, as statsmodels everywhere in burnout.stats: it costs a second to import.
    from statsmodels.stats.contingency_tables import Table2x2

    table = Table2x2(np.array([[exposed_events, exposed_total - exposed_events],
                               [unexposed_events, unexposed_total - unexposed_events]],
                              dtype=float), shift_zeros=False)
    low, high = table.riskratio_confint(alpha=1 - confidence, method="normal")
    log_se = math.sqrt(1 / exposed_events - 1 / exposed_total + 1 / unexposed_events
                       - 1 / unexposed_total)
    statistic = math.log(table.riskratio) / log_se if log_se > 0 else 0.0
    return (float(table.riskratio), float(low), float(high),
            float(2 * special.ndtr(-abs(statistic))))


@tidy_result
def risk_ratio(exposed_events: int, exposed_total: int, unexposed_events: int,
               unexposed_total: int, confidence: float = 0.95,
               zero_correction: float = 0.0) -> pd.DataFrame:
    """Risk ratio of the exposed (intervention) versus the unexposed (control) group.

    Parameters
    ----------
    exposed_events, exposed_total : int
        Participants with the outcome, and all participants, in the intervention group.
    unexposed_events, unexposed_total : int
        The same in the control group.
    confidence : float
        Confidence level of the interval.
    zero_correction : float
        Added to all four cells of the table, for the estimate and the interval only, when
        one cell is zero (0.5 is the Haldane-Anscombe correction). Default 0: no correction,
        as ``epitools::riskratio.wald``. Fisher's p-value always uses the observed counts.

    Returns
    -------
    pandas.DataFrame
        One row in the shared vocabulary (:mod:`burnout.core.results`): ``method``
        (``"risk_ratio"``), ``measure``, ``estimate``, ``ci_low``, ``ci_high``, ``confidence``,
        ``p`` (Wald test of the log ratio, consistent with the interval; NaN when the
        interval is undefined), ``n``, ``n_intervention``, ``n_control``; then
        ``exposed_events``, ``exposed_risk``, ``unexposed_events``, ``unexposed_risk``,
        ``p_fisher`` (Fisher's exact test, two-sided, of the observed table) and ``note``
        (empty unless a zero cell changed what is reported).

    Raises
    ------
    DataError
        When a count is negative or not whole, events exceed the total, a group is empty,
        or ``confidence`` is not strictly between 0 and 1.

    Notes
    -----
    Zero cells. With no event in the intervention group the estimate is 0, with no event in
    the control group it is infinite (NaN when neither group has an event), and the Katz
    interval is undefined because :math:`1/a` or :math:`1/c` is infinite. ``epitools`` then
    returns the arithmetic artefacts ``(0, NaN)`` or ``(NaN, Inf)``; here both bounds are NaN
    and ``note`` says why. With ``zero_correction`` > 0 the estimate and interval are computed
    on the corrected table instead (what ``riskratio.wald`` gives on that table) and ``note``
    says so. A group in which everyone has the outcome (``events == total``) needs no
    correction.

    References
    ----------
    .. [1] Katz D, Baptista J, Azen SP, Pike MC (1978). Obtaining confidence intervals for the
       risk ratio in cohort studies. Biometrics 34:469-474.
    .. [2] Aragon TJ. epitools: Epidemiology Tools (``riskratio.wald``), R package.

    Examples
    --------
    >>> result = risk_ratio(10, 50, 20, 80)
    >>> round(float(result["estimate"].iloc[0]), 3)
    0.8
    >>> [round(float(result[column].iloc[0]), 3) for column in ("ci_low", "ci_high", "p")]
    [0.409, 1.566, 0.515]
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"risk_ratio: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    if not (isinstance(zero_correction, (int, float)) and zero_correction >= 0):
        raise DataError(f"risk_ratio: zero_correction must be >= 0, got {zero_correction!r}")
    a = _checked_count(exposed_events, "exposed_events")
    n1 = _checked_count(exposed_total, "exposed_total")
    c = _checked_count(unexposed_events, "unexposed_events")
    n0 = _checked_count(unexposed_total, "unexposed_total")
    for events, total, label in ((a, n1, "exposed"), (c, n0, "unexposed")):
        if total == 0:
            raise DataError(f"risk_ratio: {label}_total is 0; rule: each group needs at least "
                            "one participant")
        if events > total:
            raise DataError(f"risk_ratio: {label}_events ({events}) exceed {label}_total "
                            f"({total})")
    cells = (a, n1 - a, c, n0 - c)
    note = ""
    if 0 in cells and zero_correction > 0:
        k = float(zero_correction)
        estimate, low, high, wald_p = _katz_interval(a + k, n1 + 2 * k, c + k, n0 + 2 * k,
                                                     confidence)
        note = (f"a cell of the 2 x 2 table is 0: estimate and interval computed after adding "
                f"{k:g} to every cell")
    else:
        estimate, low, high, wald_p = _katz_interval(a, n1, c, n0, confidence)
        if a == 0 or c == 0:
            note = ("no event in the " + ("intervention" if a == 0 else "control")
                    + " group" + (" nor in the control group" if a == 0 and c == 0 else "")
                    + ": the Katz log-scale interval is undefined (set zero_correction=0.5 "
                      "for the Haldane-Anscombe correction)")
    fisher_p = float(stats.fisher_exact([[a, n1 - a], [c, n0 - c]],
                                        alternative="two-sided").pvalue)
    return {
        "method": "risk_ratio", "measure": "risk ratio", "estimate": estimate, "ci_low": low,
        "ci_high": high, "confidence": float(confidence), "p": wald_p, "n": n1 + n0,
        "n_intervention": n1, "n_control": n0, "exposed_events": a, "exposed_risk": a / n1,
        "unexposed_events": c, "unexposed_risk": c / n0, "p_fisher": fisher_p, "note": note}


def risk_ratio_table(data: pd.DataFrame, outcomes: Sequence[str], group: str = "group",
                     exposed: str = "intervention", unexposed: str = "control",
                     confidence: float = 0.95, zero_correction: float = 0.0) -> pd.DataFrame:
    """Risk ratio (exposed versus unexposed) for each 0/1 outcome column of ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant, with the ``group`` column and the outcome columns.
    outcomes : sequence of str
        Outcome columns holding 0, 1 or missing (a missing value is left out of that
        outcome's table).
    group : str
        Column naming each participant's group.
    exposed, unexposed : str
        The values of ``group`` compared (numerator and denominator of the ratio).
    confidence, zero_correction : float
        Passed to :func:`risk_ratio`.

    Returns
    -------
    pandas.DataFrame
        One row per outcome: ``outcome`` then the columns of :func:`risk_ratio`.

    Raises
    ------
    DataError
        On a missing column, a value other than 0/1 in an outcome, or an empty group.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                      "burnout_post": [1, 0, 0, 0, 1, 1, 0, 0]})
    >>> table = risk_ratio_table(data, ["burnout_post"])
    >>> table[["outcome", "exposed_risk", "unexposed_risk", "estimate"]]
            outcome  exposed_risk  unexposed_risk  estimate
    0  burnout_post          0.25             0.5       0.5
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    require_columns(data, [group, *outcomes], "risk_ratio_table")
    rows = []
    for outcome in outcomes:
        values = _binary_values(data, outcome, "risk_ratio_table")
        counts = {}
        for label in (exposed, unexposed):
            in_group = values[(data[group] == label).to_numpy()].dropna()
            if in_group.empty:
                raise DataError(f"risk_ratio_table: outcome '{outcome}' has no non-missing "
                                f"value in group '{label}' of column '{group}'")
            counts[label] = (int(in_group.sum()), int(in_group.size))
        result = risk_ratio(*counts[exposed], *counts[unexposed], confidence=confidence,
                            zero_correction=zero_correction)
        rows.append({"outcome": outcome, **result.iloc[0].to_dict()})
    return result_frame(rows)


def _nan_adjusted_row(row: dict, note: str) -> dict:
    """The adjusted row when the model cannot estimate the ratio: NaN numbers, the reason."""
    return {**row, "estimate": math.nan, "se": math.nan, "ci_low": math.nan,
            "ci_high": math.nan, "statistic": math.nan, "p": math.nan, "note": note}


def _newton_poisson(response: np.ndarray, design: np.ndarray):
    """Poisson log-link maximum likelihood by Newton's method; None if it does not settle.

    The log link is canonical, so Newton's method is statsmodels' IRLS, but each step costs
    one p x p Cholesky solve of X' diag(mu) X instead of IRLS's least-squares solve on the
    whole n x p design (2.5 s against 16 s a fit on 1.35M rows, on a loaded machine). It
    stops when a step moves no coefficient by more than 1e-13 of its size, i.e. at machine
    precision, where IRLS's deviance criterion also stops (statsmodels' fit, the reference,
    is used when this returns None: no convergence in 100 steps, a coefficient drifting below
    -15 (quasi-separation, where the notes of that fit apply), or anything not finite).
    """
    beta = np.zeros(design.shape[1])
    beta[0] = math.log(response.mean())  # the intercept column comes first (see _design)
    weighted = np.empty_like(design)  # X diag(w) of each step, in one buffer (same products)
    with np.errstate(all="ignore"):
        for _ in range(100):
            fitted = np.exp(design @ beta)
            hessian = np.multiply(design, fitted[:, None], out=weighted).T @ design
            try:
                step = linalg.cho_solve(linalg.cho_factor(hessian), design.T @ (response - fitted))
            except (linalg.LinAlgError, ValueError):
                return None
            beta = beta + step
            if not np.all(np.isfinite(beta)) or np.any(beta[1:] < -15):
                return None
            if np.all(np.abs(step) <= 1e-13 * np.maximum(1.0, np.abs(beta))):
                fitted = np.exp(design @ beta)
                bread = linalg.cho_solve(linalg.cho_factor(np.multiply(
                    design, fitted[:, None], out=weighted).T @ design), np.eye(len(beta)))
                meat = np.multiply(design, ((response - fitted) ** 2)[:, None],
                                   out=weighted).T @ design
                return beta, np.sqrt(np.diag(bread @ meat @ bread)), fitted
    return None


def _poisson_hc0(response: np.ndarray, design: np.ndarray, names: list[str]):
    """Modified Poisson fit (log link, HC0 sandwich covariance): coefficients, their standard
    errors, and a note on the fit."""
    settled = _newton_poisson(response, design)
    if settled is not None:
        params, errors, fitted = settled
        notes = []
    else:
        from statsmodels.genmod.families import Poisson
        from statsmodels.genmod.generalized_linear_model import GLM

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            results = GLM(response, design, family=Poisson()).fit(
                cov_type="HC0", maxiter=200, tol=1e-12)
        params, errors, fitted = results.params, results.bse, results.fittedvalues
        notes = sorted({str(warning.message).splitlines()[0] for warning in caught})
        if not results.converged:
            notes.append("the Poisson fit did not converge in 200 iterations")
    runaway = [name for name, value in zip(names, params, strict=True)
               if name != GROUP_TERM and value < -15]
    if runaway:
        notes.append(f"no event at some level of {runaway} (their coefficients diverge: "
                     "quasi-separation); the group ratio is the limit")
    above = int((fitted > 1).sum())
    if above:
        notes.append(f"{above} fitted risk(s) above 1 (a known property of the log link)")
    return params, errors, "; ".join(notes)


@tidy_result
def adjusted_risk_ratio(data: pd.DataFrame, outcome: str, baseline: str | None = None,
                        covariates: Sequence[str] = (), group: str = "group",
                        exposed: str = "intervention", unexposed: str = "control",
                        confidence: float = 0.95, texts: dict | None = None) -> pd.DataFrame:
    """Risk ratio adjusted for baseline and covariates, by modified Poisson regression.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        The yes/no outcome at follow-up (0, 1 or missing), e.g. ``"burnout_post"``.
    baseline : str, optional
        The same yes/no outcome (or any numeric column) measured at baseline, e.g.
        ``"burnout_pre"``.
    covariates : sequence of str
        Further adjustment: the randomization strata of a trial, the confounders of a
        non-randomized comparison. Text columns enter as treatment-coded indicators. A
        baseline or covariate with a single value among the analysed rows carries no
        information and is left out, with a note.
    group, exposed, unexposed : str
        The group column and the values compared (numerator, denominator).
    confidence : float
        Confidence level of the Wald interval.
    texts : dict, optional
        Codes of ``data``'s columns shared by the models of one table (filled here).

    Returns
    -------
    pandas.DataFrame
        One row: ``outcome``, ``method`` (``"risk_ratio_adjusted"``), ``measure``,
        ``estimate`` (``exp`` of the group coefficient), ``se`` (of its logarithm),
        ``ci_low``, ``ci_high``, ``confidence``, ``statistic`` (Wald z), ``p``, ``n``,
        ``n_intervention``, ``n_control``; then ``exposed_events``, ``unexposed_events``,
        ``n_dropped`` (rows with a missing model value), ``baseline``, ``covariates``,
        ``covariance`` (``"HC0"``) and ``note``. Without an event in one group, or in
        neither, the numbers are NaN and ``note`` says why.

    Raises
    ------
    DataError
        On a missing column, a value other than 0/1 in ``outcome``, an unknown group, a
        constant covariate or a rank-deficient design.

    Notes
    -----
    The coefficients solve the Poisson score equations ``X'(y - exp(X b)) = 0``; their
    covariance is the sandwich ``A^-1 B A^-1`` with ``A = X' diag(mu) X`` and
    ``B = X' diag((y - mu)^2) X`` (HC0, no small-sample factor), as Zou (2004) proposed.
    Without covariates it reproduces the Katz interval of :func:`risk_ratio`.

    References
    ----------
    .. [1] Zou G (2004). A modified Poisson regression approach to prospective studies with
       binary data. American Journal of Epidemiology 159:702-706.
    .. [2] Zeileis A (2006). Object-oriented computation of sandwich estimators. Journal of
       Statistical Software 16(9).

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 6 + ["control"] * 6,
    ...                      "flag_pre": [1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1],
    ...                      "flag_post": [1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1]})
    >>> row = adjusted_risk_ratio(data, "flag_post", baseline="flag_pre").iloc[0]
    >>> round(float(row["estimate"]), 3), int(row["n"]), row["covariance"]
    (0.478, 12, 'HC0')
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"adjusted_risk_ratio: confidence must be strictly between 0 and 1, "
                        f"got {confidence!r}")
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    require_columns(data, [group, outcome, *([baseline] if baseline else []), *covariates],
                    "adjusted_risk_ratio")
    values = _binary_values(data, outcome, "adjusted_risk_ratio")
    complete = data[[outcome, group, *([baseline] if baseline else []), *covariates]
                    ].notna().all(axis=1)
    constant = [column for column in [*([baseline] if baseline else []), *covariates]
                if data.loc[complete, column].nunique() < 2]
    notes = [f"'{column}' has a single value among the analysed rows: left out"
             for column in constant]
    baseline = None if baseline in constant else baseline
    covariates = [column for column in covariates if column not in constant]
    try:
        response, names, design, _, n_dropped = _design(
            data.assign(**{outcome: values}), outcome, group, baseline, covariates, exposed,
            unexposed, texts)
    except DataError as error:
        raise DataError(str(error).replace("adjusted_difference", "adjusted_risk_ratio")
                        ) from None
    arm = design[:, names.index(GROUP_TERM)] == 1
    events = {"exposed_events": int(response[arm].sum()),
              "unexposed_events": int(response[~arm].sum())}
    row = {"outcome": outcome, "method": "risk_ratio_adjusted",
           "measure": "adjusted risk ratio", "confidence": float(confidence),
           "n": len(response), "n_intervention": int(arm.sum()),
           "n_control": int((~arm).sum()), **events, "n_dropped": n_dropped,
           "baseline": baseline or "", "covariates": ", ".join(covariates),
           "covariance": "HC0"}
    empty = [label for label, count in (("intervention", events["exposed_events"]),
                                        ("control", events["unexposed_events"])) if count == 0]
    if empty:
        return _nan_adjusted_row(row, f"no event in the {' nor the '.join(empty)} group: the "
                                      "log risk ratio is not estimable")
    params, errors, fit_note = _poisson_hc0(response, design, names)
    term = names.index(GROUP_TERM)
    coefficient, log_se = float(params[term]), float(errors[term])
    z_value = float(special.ndtri(0.5 * (1 + confidence)))
    statistic = coefficient / log_se
    return {**row, "estimate": math.exp(coefficient), "se": log_se,
            "ci_low": math.exp(coefficient - z_value * log_se),
            "ci_high": math.exp(coefficient + z_value * log_se), "statistic": statistic,
            "p": float(2 * special.ndtr(-abs(statistic))),
            "note": "; ".join(notes + ([fit_note] if fit_note else []))}


def adjusted_risk_ratio_table(data: pd.DataFrame, outcomes: Sequence[str],
                              baselines: dict[str, str | None] | None = None,
                              covariates: Sequence[str] = (), **options) -> pd.DataFrame:
    """:func:`adjusted_risk_ratio` of each yes/no outcome at follow-up, one row per outcome.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (``analysis.csv``).
    outcomes : sequence of str
        Follow-up flags (``<flag>_post``).
    baselines : mapping, optional
        Outcome -> its baseline column (None: no baseline). By default the baseline of
        ``<flag>_post`` is ``<flag>_pre``, the same yes/no outcome before the program.
    covariates : sequence of str
        Passed to :func:`adjusted_risk_ratio`, as are ``options`` (``group``, ``confidence``
        ...).

    Raises
    ------
    DataError
        When an outcome is not named ``<flag>_post`` and ``baselines`` does not give its
        baseline, or as :func:`adjusted_risk_ratio`.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                      "site": ["a", "b"] * 4, "burnout_pre": [1, 0, 1, 1, 1, 0, 1, 0],
    ...                      "burnout_post": [1, 0, 0, 0, 1, 1, 0, 0]})
    >>> table = adjusted_risk_ratio_table(data, ["burnout_post"], covariates=["site"])
    >>> table[["outcome", "baseline", "covariates", "n"]].values.tolist()
    [['burnout_post', 'burnout_pre', 'site', 8]]
    """
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    baselines, rows, texts = dict(baselines or {}), [], {}  # texts: codes found once
    for outcome in outcomes:
        if outcome not in baselines and not outcome.endswith("_post"):
            raise DataError(f"adjusted_risk_ratio_table: cannot infer the baseline of outcome "
                            f"'{outcome}' (not named '<flag>_post'); pass baselines="
                            f"{{'{outcome}': '<column>' or None}}")
        baseline = baselines.get(outcome, outcome.removesuffix("_post") + "_pre")
        rows.append(adjusted_risk_ratio.row(data, outcome, baseline=baseline,
                                            covariates=covariates, texts=texts, **options))
    return result_frame(rows)
