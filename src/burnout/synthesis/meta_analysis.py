"""Random-effects meta-analysis and meta-regression, as R metafor ``rma()`` computes them.

One function, :func:`meta_analysis`, pools one estimate per study (with its standard error) under
a random-effects model, optionally with moderators (a meta-regression). It returns a
:class:`MetaAnalysis`: the pooled estimate in the shared result vocabulary
(:mod:`burnout.core.results`) with the heterogeneity statistics (tau^2, I^2, H^2, Cochran's Q) and
the prediction interval, the coefficients of the meta-regression, the omnibus test of the
moderators, and each study's weight.

Definitions follow metafor (Viechtbauer 2010, J Stat Softw 36(3)), so that a reader can check
every number with ``rma(yi, sei = se, mods = ~ ..., method = ..., test = ...)``:

* weights ``1 / (v_i + tau^2)``; the coefficients by weighted least squares;
* ``test = "z"``: Wald z tests and intervals; ``hartung_knapp=True`` (``test = "knha"``): the
  covariance is multiplied by ``RSS(tau^2) / (k - p)`` and t (or F) distributions with
  ``k - p`` degrees of freedom are used, without truncation of that factor at 1;
* ``I^2 = 100 tau^2 / (tau^2 + s^2)`` and ``H^2 = (tau^2 + s^2) / s^2``, with the "typical"
  within-study variance ``s^2 = (k - p) / tr(P_0)`` (Higgins & Thompson 2002);
* Cochran's Q (``QE``) on ``k - p`` degrees of freedom, at ``tau^2 = 0``;
* prediction interval ``estimate +- crit * sqrt(se^2 + tau^2)``, ``crit`` normal (or t on
  ``k - p`` df under Hartung-Knapp);
* a categorical moderator is coded as indicators against its alphabetically first level, each
  named column + level (``formatone-on-one``), the intercept ``intrcpt``: R's names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from burnout.core.errors import DataError
from burnout.core.results import result_frame
from burnout.synthesis.heterogeneity import TAU2_METHODS, estimate_tau2, projection

__all__ = ["MetaAnalysis", "meta_analysis", "model_matrix", "as_json", "JSON_KEYS"]

# The JSON keys of the pooled model (python -m burnout meta-analysis --json).
JSON_KEYS = ("estimate", "se", "ci_low", "ci_high", "p", "tau2", "i2", "pi_low", "pi_high")


@dataclass
class MetaAnalysis:
    """The result of :func:`meta_analysis`.

    Attributes
    ----------
    pooled : pandas.DataFrame
        One row: ``outcome``, ``method`` (``random_effects``), ``measure``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``confidence``, ``statistic`` (z or t), ``df``, ``p``, ``n``
        (studies), then ``tau2``, ``tau``, ``i2``, ``h2``, ``q``, ``q_df``, ``q_p``, ``pi_low``,
        ``pi_high``, ``tau2_method``, ``test``. With moderators, the intercept's row, and
        ``tau2``/``i2`` are residual heterogeneity.
    coefficients : pandas.DataFrame
        One row per term of the model (``term``, ``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``statistic``, ``df``, ``p``); the intercept alone without moderators.
    moderator_test : dict
        ``statistic`` (QM: chi-squared, or F under Hartung-Knapp), ``df``, ``df_residual``,
        ``p``; empty without moderators.
    weights : pandas.DataFrame
        ``study`` and ``weight`` (percent of the total weight).
    """

    pooled: pd.DataFrame
    coefficients: pd.DataFrame
    moderator_test: dict = field(default_factory=dict)
    weights: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> dict:
        """The pooled model's numbers under the JSON keys (floats)."""
        row = self.pooled.iloc[0]
        return {key: float(row[key]) for key in JSON_KEYS}


def model_matrix(estimates: pd.DataFrame, moderators: Sequence[str] = ()) -> pd.DataFrame:
    """The model matrix of a meta-regression: ``intrcpt`` then each moderator's columns.

    A numeric moderator is one column; any other is coded as indicators against its
    alphabetically first level, named column + level as R names them.

    Examples
    --------
    >>> data = pd.DataFrame({"format": ["group", "one-on-one", "group"], "weeks": [4, 16, 8]})
    >>> model_matrix(data, ["format", "weeks"])
       intrcpt  formatone-on-one  weeks
    0      1.0               0.0    4.0
    1      1.0               1.0   16.0
    2      1.0               0.0    8.0
    """
    columns = {"intrcpt": np.ones(len(estimates))}
    for moderator in moderators:
        values = estimates[moderator]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            columns[moderator] = values.to_numpy(dtype=float)
            continue
        levels = sorted(values.astype(str).unique())
        for level in levels[1:]:
            columns[f"{moderator}{level}"] = (values.astype(str) == level).to_numpy(dtype=float)
    return pd.DataFrame(columns, index=estimates.index)


def _checked(estimates: pd.DataFrame, moderators: Sequence[str], method: str) -> None:
    if method not in TAU2_METHODS:
        raise DataError(f"method {method!r}: not one of {', '.join(TAU2_METHODS)}")
    missing = [column for column in ("estimate", "se", *moderators)
               if column not in estimates.columns]
    if missing:
        raise DataError(f"estimates: column(s) {missing} missing")
    if len(estimates) < 2:
        raise DataError(f"estimates: {len(estimates)} study; a meta-analysis needs at least two")
    values = estimates[["estimate", "se"]].apply(pd.to_numeric, errors="coerce")
    for column in ("estimate", "se"):
        bad = ~np.isfinite(values[column].to_numpy(dtype=float))
        if column == "se":
            bad |= values[column].to_numpy(dtype=float) <= 0
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            rule = "a number > 0" if column == "se" else "a finite number"
            raise DataError(f"estimates, row {row + 1}, column '{column}': value "
                            f"{estimates[column].iloc[row]!r}: rule broken: {rule}")
    for moderator in moderators:
        if estimates[moderator].isna().any():
            row = int(np.flatnonzero(estimates[moderator].isna().to_numpy())[0])
            raise DataError(f"estimates, row {row + 1}, column '{moderator}': empty; a "
                            "moderator needs a value for every study")


def _coefficients(fit: dict, names: list[str], scale: float, df: float | None,
                  confidence: float) -> pd.DataFrame:
    se = np.sqrt(np.diag(fit["cov"]) * scale)
    statistic = fit["beta"] / se
    if df is None:
        p_values = 2 * stats.norm.sf(np.abs(statistic))
        crit = stats.norm.ppf(0.5 + confidence / 2)
    else:
        p_values = 2 * stats.t.sf(np.abs(statistic), df)
        crit = stats.t.ppf(0.5 + confidence / 2, df)
    return pd.DataFrame({"term": names, "estimate": fit["beta"], "se": se,
                         "ci_low": fit["beta"] - crit * se, "ci_high": fit["beta"] + crit * se,
                         "statistic": statistic, "df": np.nan if df is None else df,
                         "p": p_values})


def _moderator_test(fit: dict, scale: float, hartung_knapp: bool, df_residual: int) -> dict:
    """Omnibus test of every coefficient but the intercept (metafor's QM)."""
    m = len(fit["beta"]) - 1
    if m == 0:
        return {}
    beta = fit["beta"][1:]
    cov = fit["cov"][1:, 1:] * scale
    chi2 = float(beta @ np.linalg.solve(cov, beta))
    if hartung_knapp:
        return {"statistic": chi2 / m, "df": m, "df_residual": df_residual,
                "p": float(stats.f.sf(chi2 / m, m, df_residual)), "test": "F"}
    return {"statistic": chi2, "df": m, "df_residual": df_residual,
            "p": float(stats.chi2.sf(chi2, m)), "test": "chi2"}


def meta_analysis(estimates: pd.DataFrame, method: str = "REML", hartung_knapp: bool = False,
                  moderators: Sequence[str] = (), confidence: float = 0.95,
                  outcome: str = "pooled", measure: str = "SMD") -> MetaAnalysis:
    """Pool one estimate per study under a random-effects model (optionally with moderators).

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per study: ``estimate`` and ``se`` (its standard error, > 0), ``study`` (a
        label, optional) and the ``moderators`` columns.
    method : {"REML", "DL", "PM"}
        The estimator of the between-study variance tau^2
        (:mod:`burnout.synthesis.heterogeneity`).
    hartung_knapp : bool
        Hartung-Knapp(-Sidik-Jonkman) adjustment: t and F tests on ``k - p`` degrees of freedom
        with the scaled covariance (metafor ``test = "knha"``). Recommended when studies are few.
    moderators : sequence of str
        Columns of ``estimates`` entered as moderators (a meta-regression).
    confidence : float
        Level of the confidence and prediction intervals.
    outcome, measure : str
        Labels of the result (what was pooled, and on which scale: ``SMD``, ``MD``).

    Returns
    -------
    MetaAnalysis
        See the class. With moderators, ``pooled`` is the intercept (the expected effect where
        every moderator is at its reference) and the heterogeneity is residual.

    Raises
    ------
    DataError
        A missing column, fewer than two studies, an ``se`` that is not > 0, an empty moderator,
        or more coefficients than studies allow.

    Examples
    --------
    >>> studies = pd.DataFrame({"study": ["a", "b", "c", "d"],
    ...                         "estimate": [-0.30, -0.10, -0.55, 0.05],
    ...                         "se": [0.15, 0.20, 0.25, 0.18]})
    >>> result = meta_analysis(studies, method="DL")
    >>> result.pooled[["estimate", "se", "tau2", "i2"]].round(4)
       estimate      se    tau2       i2
    0    -0.202  0.1172  0.0189  34.5436
    >>> result.weights["weight"].round(1).tolist()
    [33.1, 23.3, 16.9, 26.7]
    """
    estimates = estimates.reset_index(drop=True)
    _checked(estimates, list(moderators), method)
    y = estimates["estimate"].to_numpy(dtype=float)
    v = estimates["se"].to_numpy(dtype=float) ** 2
    matrix = model_matrix(estimates, moderators)
    x = matrix.to_numpy(dtype=float)
    k, p = x.shape
    if k - p < 1 or np.linalg.matrix_rank(x) < p:
        raise DataError(f"the model has {p} coefficients ({', '.join(matrix.columns)}) for {k} "
                        f"studies: it needs at least {p + 1} studies and moderators that vary")
    try:
        tau2 = estimate_tau2(y, v, x, method)
    except ArithmeticError as error:
        raise DataError(f"tau^2 ({method}): {error}") from None
    fit = projection(y, v, x, tau2)
    df = k - p if hartung_knapp else None
    scale = fit["rss"] / (k - p) if hartung_knapp else 1.0
    coefficients = _coefficients(fit, list(matrix.columns), scale, df, confidence)
    at_zero = projection(y, v, x, 0.0)
    typical = (k - p) / at_zero["trace"]
    intercept = coefficients.iloc[0]
    crit = (stats.t.ppf(0.5 + confidence / 2, df) if hartung_knapp
            else stats.norm.ppf(0.5 + confidence / 2))
    half_width = crit * np.sqrt(intercept["se"] ** 2 + tau2)
    pooled = result_frame([{
        "outcome": outcome, "method": "random_effects", "measure": measure,
        "estimate": intercept["estimate"], "se": intercept["se"],
        "ci_low": intercept["ci_low"], "ci_high": intercept["ci_high"], "confidence": confidence,
        "statistic": intercept["statistic"], "df": intercept["df"], "p": intercept["p"], "n": k,
        "tau2": tau2, "tau": np.sqrt(tau2), "i2": 100 * tau2 / (typical + tau2),
        "h2": (typical + tau2) / typical, "q": at_zero["rss"], "q_df": k - p,
        "q_p": float(stats.chi2.sf(at_zero["rss"], k - p)),
        "pi_low": intercept["estimate"] - half_width,
        "pi_high": intercept["estimate"] + half_width,
        "tau2_method": method, "test": "knha" if hartung_knapp else "z"}])
    labels = estimates["study"] if "study" in estimates.columns else pd.Series(range(1, k + 1))
    weights = pd.DataFrame({"study": labels.astype(str),
                            "weight": 100 * fit["w"] / fit["w"].sum()})
    return MetaAnalysis(pooled=pooled, coefficients=coefficients,
                        moderator_test=_moderator_test(fit, scale, hartung_knapp, k - p),
                        weights=weights)


def as_json(pooled: MetaAnalysis, regression: MetaAnalysis | None = None) -> str:
    """The command line's ``--json`` object: the pooled model and the moderators' terms.

    Examples
    --------
    >>> studies = pd.DataFrame({"estimate": [0.2, 0.4, 0.1], "se": [0.1, 0.2, 0.15]})
    >>> sorted(json.loads(as_json(meta_analysis(studies))))[:4]
    ['ci_high', 'ci_low', 'estimate', 'i2']
    """
    found = pooled.summary()
    found["moderators"] = [] if regression is None else [
        {"term": row.term, "estimate": float(row.estimate), "se": float(row.se),
         "p": float(row.p)} for row in regression.coefficients.itertuples()]
    return json.dumps(found, indent=2, allow_nan=True)
