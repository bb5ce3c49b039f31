"""Adjusted mean difference in change: ordinary least squares with baseline and covariates.

In a non-randomized study the groups can differ before the intervention: in baseline burnout,
site, gender or career plans. A plain comparison of the change scores mixes the effect of the
program with those differences. Linear regression of the change on a group indicator
(intervention = 1, control = 0), the baseline score and the covariates estimates the
difference in mean change between two students *with the same baseline score and the same
covariates*: the coefficient of the group indicator, the *adjusted mean difference*.

Adjusting for the baseline score also removes regression to the mean (students who start
high tend to come down) from the comparison. Categorical covariates enter as treatment-coded
indicators (the first level in sorted order is the reference, as R's ``factor``). The
standard error is the classical one (``"nonrobust"``, R's ``lm`` + ``confint``) or, as a
sensitivity analysis, the HC3 heteroskedasticity-consistent one.

:func:`adjusted_difference` returns the tidy result; :func:`regression_diagnostics` the
residuals, fitted values, leverage and Cook's distance of the same model, flagging
influential observations (Cook's distance above 4/n).
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError, numeric_column
from burnout.core.results import result_frame, tidy_result
from burnout.stats.fitting.ols import LeastSquares, least_squares
from burnout.stats.fitting.ols import full_column_rank as _full_column_rank

__all__ = ["adjusted_difference", "adjusted_differences", "adjusted_difference_table",
           "regression_diagnostics", "regression_diagnostics_table", "adjustment_sets"]

# statsmodels is imported where it is used: importing it costs about a second, which a
# notebook that imports this module without fitting this model need not pay.
_COVARIANCES = {None: "nonrobust", "nonrobust": "nonrobust", "HC3": "HC3"}
# Name of the group indicator column in the design matrix.
GROUP_TERM = "intervention"


def _baseline_column(outcome: str, baseline: str | None) -> str | None:
    """Resolve ``baseline="auto"``: ``<s>_pre`` for an outcome named ``<s>_change``."""
    if baseline != "auto":
        return baseline
    if outcome.endswith("_change"):
        return outcome[: -len("_change")] + "_pre"
    raise DataError(f"adjusted_difference: cannot infer the baseline column of outcome "
                    f"'{outcome}' (not named '<score>_change'); pass baseline='<column>' or "
                    "baseline=None")


def _is_categorical(values: pd.Series) -> bool:
    """True for text, categorical or boolean columns (entered as treatment-coded factors)."""
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def _covariate_columns(series: pd.Series, keep: np.ndarray, covariate: str,
                       outcome: str, texts: dict) -> dict[str, np.ndarray]:
    """The design column(s) of one covariate over the analysed rows ``keep``."""
    categorical = _is_categorical(series)
    if categorical:  # levels are the values as text, found by hashing (no text array)
        labels, codes = _cached(texts, ("text", covariate),
                                lambda: _text_codes(series.to_numpy(dtype=object)))
        codes = codes[keep]  # no missing value among them (see _design)
        present = labels[np.flatnonzero(np.bincount(codes, minlength=len(labels)))]
        varies = len(present) > 1
    else:
        values = _cached(texts, ("number", covariate), lambda: pd.to_numeric(series).to_numpy(
            dtype=float, na_value=np.nan))[keep]
        varies = len(np.unique(values)) > 1
    if not varies:
        levels = sorted(set(series[keep].astype(str)))
        raise DataError(f"adjusted_difference: covariate '{covariate}' has a single value "
                        f"{levels} among the {int(keep.sum())} analysed rows of outcome "
                        f"'{outcome}'; rule: a covariate must vary (drop it from the "
                        "covariates parameter)")
    if not categorical:
        return {covariate: values}
    return {f"{covariate}[T.{level}]": (labels == level)[codes].astype(float)
            for level in sorted(present.tolist())[1:]}


def _cached(texts: dict | None, key: tuple, compute):
    """``compute()``, kept in ``texts`` under ``key`` when a table's models share the data:
    its columns' codes and missing values are then found once, not once per outcome."""
    if texts is None:
        return compute()
    if key not in texts:
        texts[key] = compute()
    return texts[key]


def _text_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, codes): ``labels[codes]`` equals ``values.astype(str)``; missing values get
    the code -1 (callers mask them). Converting a large object array to a numpy text array
    costs more than the rest of the design matrix, and only the distinct values need text."""
    codes, uniques = pd.factorize(values)
    if values.dtype == object and not all(type(value) is str for value in uniques):
        # a hash table takes 1, 1.0 and True for one value; their texts differ
        present = ~pd.isna(values)
        codes = np.full(len(values), -1, dtype=np.intp)
        codes[present], uniques = pd.factorize(values[present].astype(str))
    return np.array([str(value) for value in uniques], dtype=object), codes


def _design(data: pd.DataFrame, outcome: str, group: str, baseline: str | None,
            covariates: Sequence[str], exposed: str, unexposed: str, texts: dict | None = None
            ) -> tuple[np.ndarray, list[str], np.ndarray, pd.Index, int]:
    """The model's response, design column names and matrix (column-major), the index labels
    of the analysed rows and the number of rows dropped. ``texts`` (see :func:`_cached`) may
    hold the codes of the group and covariate columns of ``data`` (it is filled here)."""
    # Plain numpy, each column read once: the simulation lab fits this model tens of thousands
    # of times, and pandas' per-column access and insertion dominated a fit.
    if isinstance(covariates, str):
        covariates = [covariates]
    baseline = _baseline_column(outcome, baseline)
    columns = [outcome, group] + ([baseline] if baseline else []) + list(covariates)
    missing = [column for column in columns if column not in data.columns]
    if missing:
        raise DataError(f"adjusted_difference: column(s) {missing} missing (columns present: "
                        f"{list(data.columns)})")
    if len(set(columns)) != len(columns):
        raise DataError(f"adjusted_difference: a column is used twice in the model {columns}")
    series = {column: data[column] for column in columns}
    group_labels, group_codes = _cached(texts, ("text", group), lambda: _text_codes(
        series[group].to_numpy(dtype=object)))
    present = group_codes >= 0
    unknown = sorted(set(group_labels.tolist()) - {exposed, unexposed})
    if unknown:
        raise DataError(f"adjusted_difference: column '{group}' holds {unknown}; rule: only "
                        f"'{exposed}' and '{unexposed}' are compared")
    numeric = {column: numeric_column(data, column, "adjusted_difference").to_numpy(dtype=float)
               for column in [outcome] + ([baseline] if baseline else [])}
    keep = present.copy()
    for values in numeric.values():
        keep &= ~np.isnan(values)
    for covariate in covariates:
        keep &= _cached(texts, ("present", covariate),
                        lambda column=covariate: ~pd.isna(series[column].to_numpy()))
    n_dropped = int(len(data) - keep.sum())
    if not keep.any():
        raise DataError(f"adjusted_difference: no row of outcome '{outcome}' is complete in "
                        f"columns {columns}")
    kept_codes = group_codes[keep]
    design = {"const": np.ones(int(keep.sum())),
              GROUP_TERM: (group_labels == exposed)[kept_codes].astype(float)}
    for label in (exposed, unexposed):
        if not (group_labels == label)[kept_codes].any():
            raise DataError(f"adjusted_difference: outcome '{outcome}': no complete row in "
                            f"group '{label}' of column '{group}'")
    if baseline:
        design[baseline] = numeric[baseline][keep]
    for covariate in covariates:
        design |= _covariate_columns(series[covariate], keep, covariate, outcome, texts)
    # Filled in place, column-major: stacking row-major and transposing copied it twice.
    matrix = np.empty((len(design["const"]), len(design)), order="F")
    for index, values in enumerate(design.values()):
        matrix[:, index] = values
    if not _full_column_rank(matrix):
        raise DataError(f"adjusted_difference: outcome '{outcome}': the design matrix is "
                        f"rank deficient (columns {list(design)}); a covariate is "
                        "collinear with the others")
    if len(matrix) <= matrix.shape[1]:
        raise DataError(f"adjusted_difference: outcome '{outcome}': {len(matrix)} complete "
                        f"rows for {matrix.shape[1]} coefficients; rule: more rows than "
                        "coefficients are needed")
    return numeric[outcome][keep], list(design), matrix, data.index[keep], n_dropped


def _fit(response: np.ndarray, design: np.ndarray, robust: str | None):
    """Fit OLS with classical or HC3 standard errors (t-based intervals in both)."""
    return _fits(response, design, (robust,))[0]


def _fits(response: np.ndarray, design: np.ndarray, robust: Sequence[str | None]) -> list:
    """One OLS fit, with each covariance of ``robust``: [(results, covariance name), ...]."""
    unknown = [value for value in robust if value not in _COVARIANCES]
    if unknown:
        raise DataError(f"adjusted_difference: robust must be None or 'HC3', got {unknown[0]!r}")
    fit = least_squares(response, design)
    if fit is not None:  # the thin-QR engine; statsmodels below is its reference
        return [(fit.with_covariance(_COVARIANCES[value]), _COVARIANCES[value])
                for value in robust]
    # Plain arrays: statsmodels' pandas wrapping of every result cost more than the fit itself
    # on a study-sized table. Column-major, as pandas would hand the design over.
    from statsmodels.regression.linear_model import OLS  # see the note at _COVARIANCES

    model = OLS(response, design)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # What fit(cov_type=...) does: the classical fit, then its robust covariance.
        classical = model.fit(use_t=True)
        return [(classical if _COVARIANCES[value] == "nonrobust" else
                 classical.get_robustcov_results(cov_type=_COVARIANCES[value], use_t=True),
                 _COVARIANCES[value]) for value in robust]


def _difference_row(fitted, names: list[str], design: np.ndarray, outcome: str,
                    covariates: Sequence[str], confidence: float, n_dropped: int) -> dict:
    """The result row of the group term of one fit (see :func:`adjusted_difference`)."""
    results, covariance = fitted
    term = names.index(GROUP_TERM)
    interval = results.conf_int(alpha=1 - confidence)[term]
    exposed_rows = int(design[:, term].sum())
    return {
        "outcome": outcome, "method": "ols" if covariance == "nonrobust" else "ols_hc3",
        "measure": "adjusted mean difference", "estimate": float(results.params[term]),
        "se": float(results.bse[term]), "ci_low": float(interval[0]),
        "ci_high": float(interval[1]), "confidence": float(confidence),
        "statistic": float(results.tvalues[term]), "df": float(results.df_resid),
        "p": float(results.pvalues[term]), "n": int(results.nobs),
        "n_intervention": exposed_rows, "n_control": int(results.nobs) - exposed_rows,
        "n_dropped": n_dropped, "covariance": covariance,
        "covariates": ", ".join(covariates)}


def _checked_confidence(confidence: float) -> None:
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"adjusted_difference: confidence must be strictly between 0 and 1, "
                        f"got {confidence!r}")


@tidy_result
def adjusted_difference(data: pd.DataFrame, outcome: str, group: str = "group",
                        baseline: str | None = "auto", covariates: Sequence[str] = (),
                        robust: str | None = None, confidence: float = 0.95,
                        exposed: str = "intervention",
                        unexposed: str = "control") -> pd.DataFrame:
    """Adjusted mean difference (intervention minus control) of ``outcome`` by OLS.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        The response column, usually a change score such as ``"ee_change"``.
    group : str
        Column with the two groups.
    baseline : str or None
        Baseline score column; ``"auto"`` (default) uses ``<score>_pre`` for an outcome named
        ``<score>_change``; ``None`` fits no baseline term.
    covariates : sequence of str
        Further adjustment columns. Text, categorical and boolean columns enter as
        treatment-coded indicators (reference: first level in sorted order, as R); numeric
        columns enter linearly.
    robust : {None, "HC3"}
        Classical standard errors (None) or HC3 heteroskedasticity-consistent ones.
    confidence : float
        Confidence level of the interval.
    exposed, unexposed : str
        The values of ``group`` coded 1 and 0.

    Returns
    -------
    pandas.DataFrame
        One row in the shared vocabulary (:mod:`burnout.core.results`): ``outcome``,
        ``method`` (``"ols"`` or ``"ols_hc3"``), ``measure``, ``estimate`` (coefficient of the
        group indicator), ``se``, ``ci_low``, ``ci_high``, ``confidence``, ``statistic`` (t),
        ``df`` (residual degrees of freedom), ``p``, ``n`` (rows analysed), ``n_intervention``,
        ``n_control``; then ``n_dropped`` (rows left out because a model column was missing),
        ``covariance`` (``"nonrobust"`` or ``"HC3"``) and ``covariates`` (comma-separated).

    Raises
    ------
    DataError
        On a missing column, a non-numeric outcome or baseline, a group value other than the
        two compared, a covariate with a single value among the analysed rows (it would be
        collinear with the intercept: remove it from the covariates), a rank-deficient design
        or too few rows.

    Notes
    -----
    Rows with a missing value in any model column are dropped (complete-case analysis) and
    counted in ``n_dropped``, never silently. Intervals and p-values use Student's t with the
    residual degrees of freedom, for the HC3 errors too (as ``lmtest::coeftest`` with
    ``sandwich::vcovHC(type = "HC3")`` in R).

    References
    ----------
    .. [1] Vickers AJ, Altman DG (2001). Analysing controlled trials with baseline and follow
       up measurements. BMJ 323:1123-1124.
    .. [2] MacKinnon JG, White H (1985). Some heteroskedasticity-consistent covariance matrix
       estimators with improved finite sample properties. Journal of Econometrics 29:305-325.

    Examples
    --------
    >>> data = pd.DataFrame({
    ...     "group": ["intervention", "control"] * 4,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21],
    ...     "ee_change": [-3, 0, -4, 1, -6, -1, -1, 0]})
    >>> result = adjusted_difference(data, "ee_change")
    >>> round(float(result["estimate"].iloc[0]), 3), int(result["n"].iloc[0])
    (-3.353, 8)
    """
    return _difference_rows(data, outcome, [robust], None, group, baseline, covariates,
                            confidence, exposed, unexposed)[0]


@tidy_result
def adjusted_differences(data: pd.DataFrame, outcome: str, robust: Sequence[str | None] = (
        None, "HC3"), group: str = "group", baseline: str | None = "auto",
        covariates: Sequence[str] = (), confidence: float = 0.95, exposed: str = "intervention",
        unexposed: str = "control") -> pd.DataFrame:
    """:func:`adjusted_difference` under several standard errors, from one fit of the model.

    The classical and HC3 rows of the adjusted stage (or of a simulated dataset) share their
    design matrix and coefficients; this builds and fits them once.

    Parameters
    ----------
    robust : sequence of {None, "HC3"}
        The standard errors, one result row each, in this order.
    data, outcome, group, baseline, covariates, confidence, exposed, unexposed
        As in :func:`adjusted_difference`.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`adjusted_difference` for each of ``robust``, equal to them.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention"] * 3 + ["control"] * 3,
    ...                      "dp_pre": [9, 14, 6, 11, 8, 12], "dp_change": [-2, -4, 0, 1, 0, -1]})
    >>> result = adjusted_differences(data, "dp_change")
    >>> result["method"].tolist(), bool(result["estimate"].nunique() == 1)
    (['ols', 'ols_hc3'], True)
    """
    return _difference_rows(data, outcome, list(robust), None, group, baseline, covariates,
                            confidence, exposed, unexposed)


def _difference_rows(data: pd.DataFrame, outcome: str, robust: list, texts: dict | None,
                     group: str = "group", baseline: str | None = "auto",
                     covariates: Sequence[str] = (), confidence: float = 0.95,
                     exposed: str = "intervention", unexposed: str = "control") -> list[dict]:
    """The rows of :func:`adjusted_differences`; ``texts`` as in :func:`_design`."""
    _checked_confidence(confidence)
    response, names, design, _, n_dropped = _design(data, outcome, group, baseline,
                                                    covariates, exposed, unexposed, texts)
    return [_difference_row(fitted, names, design, outcome, covariates, confidence, n_dropped)
            for fitted in _fits(response, design, robust)]


def regression_diagnostics(data: pd.DataFrame, outcome: str, group: str = "group",
                           baseline: str | None = "auto", covariates: Sequence[str] = (),
                           exposed: str = "intervention",
                           unexposed: str = "control") -> pd.DataFrame:
    """Residuals, fitted values, leverage and Cook's distance of the adjusted model.

    Parameters
    ----------
    data, outcome, group, baseline, covariates, exposed, unexposed
        As in :func:`adjusted_difference` (the same rows are analysed).

    Returns
    -------
    pandas.DataFrame
        One row per analysed observation: ``row`` (index label in ``data``), ``outcome``,
        ``observed``, ``fitted``, ``residual``, ``standardized_residual`` (internally
        studentized, R's ``rstandard``), ``leverage`` (hat value), ``cooks_distance`` and
        ``influential`` (Cook's distance above ``4 / n``).

    Notes
    -----
    Cook's distance measures how much all fitted values move when one observation is left
    out. The 4/n threshold is a screening rule, not a test: flagged observations deserve a
    look (data entry error? a different population?), not automatic removal.

    Examples
    --------
    >>> data = pd.DataFrame({
    ...     "group": ["intervention", "control"] * 4,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21],
    ...     "ee_change": [-3, 0, -4, 1, -6, -1, -1, 0]})
    >>> table = regression_diagnostics(data, "ee_change")
    >>> list(table.columns[:4]), len(table)
    (['row', 'outcome', 'observed', 'fitted'], 8)
    """
    return _diagnostics(data, outcome, None, group, baseline, covariates, exposed, unexposed)


def _diagnostics(data: pd.DataFrame, outcome: str, texts: dict | None, group: str = "group",
                 baseline: str | None = "auto", covariates: Sequence[str] = (),
                 exposed: str = "intervention", unexposed: str = "control") -> pd.DataFrame:
    """The table of :func:`regression_diagnostics`; ``texts`` as in :func:`_design`."""
    response, _, design, rows, _ = _design(data, outcome, group, baseline, covariates, exposed,
                                           unexposed, texts)
    results, _ = _fit(response, design, None)
    if isinstance(results, LeastSquares):
        cooks, standardized, leverage = (results.cooks_distance,
                                         results.resid_studentized_internal, results.leverage)
    else:
        from statsmodels.stats.outliers_influence import OLSInfluence

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            influence = OLSInfluence(results)
            cooks = np.asarray(influence.cooks_distance[0], dtype=float)
            standardized = np.asarray(influence.resid_studentized_internal, dtype=float)
            leverage = np.asarray(influence.hat_matrix_diag, dtype=float)
    n = len(response)
    return pd.DataFrame({
        "row": rows,
        "outcome": outcome,
        "observed": response,
        "fitted": np.asarray(results.fittedvalues, dtype=float),
        "residual": np.asarray(results.resid, dtype=float),
        "standardized_residual": standardized,
        "leverage": leverage,
        "cooks_distance": cooks,
        "influential": cooks > 4 / n,
    }).reset_index(drop=True)


def adjusted_difference_table(data: pd.DataFrame, outcomes: Sequence[str],
                              **options) -> pd.DataFrame:
    """:func:`adjusted_difference` of the change score ``<outcome>_change`` of each outcome.

    Each model adjusts for the outcome's baseline ``<outcome>_pre`` and ``options``'
    covariates; one row per outcome.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 4,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21],
    ...     "ee_change": [-3, 0, -4, 1, -6, -1, -1, 0]})
    >>> adjusted_difference_table(data, ["ee"])[["outcome", "method", "n"]].values.tolist()
    [['ee_change', 'ols', 8]]
    """
    texts: dict = {}  # the codes of the group and covariate columns, found once
    frames = []
    for outcome in outcomes:
        arguments = _arguments(adjusted_difference, data, f"{outcome}_change", options)
        robust = arguments.pop("robust")
        frames.append(result_frame(_difference_rows(robust=[robust], texts=texts,
                                                    **arguments)))
    return pd.concat(frames, ignore_index=True)


def _arguments(function, data: pd.DataFrame, outcome: str, options: dict) -> dict:
    """The arguments of a call ``function(data, outcome, **options)``, defaults filled in."""
    bound = inspect.signature(function).bind(data, outcome, **options)
    bound.apply_defaults()
    return dict(bound.arguments)


def regression_diagnostics_table(data: pd.DataFrame, outcomes: Sequence[str],
                                 **options) -> pd.DataFrame:
    """:func:`regression_diagnostics` of each outcome's change-score model, stacked.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 4,
    ...     "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21],
    ...     "ee_change": [-3, 0, -4, 1, -6, -1, -1, 0]})
    >>> len(regression_diagnostics_table(data, ["ee"]))
    8
    """
    texts: dict = {}  # as in adjusted_difference_table
    return pd.concat([_diagnostics(texts=texts, **_arguments(
        regression_diagnostics, data, f"{outcome}_change", options)) for outcome in outcomes],
        ignore_index=True)


def adjustment_sets(study, covariates: Sequence[str] | None = None,
                    mixed_covariates: Sequence[str] | None = None
                    ) -> tuple[list[str], list[str]]:
    """The regression's covariates and the mixed model's fixed effects, with their defaults.

    ``None`` asks for the default: the site and every covariate of the study file for the
    regressions; the randomization strata (``roster.strata``, as the participants table names
    them) for the mixed models. A list given is used as it is.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> roster = SimpleNamespace(site="hospital", covariates={"age": "age"},
    ...                          strata=("hospital",))
    >>> adjustment_sets(SimpleNamespace(roster=roster))
    (['site', 'age'], ['site'])
    """
    roster = study.roster
    default = (["site"] if roster.site else []) + list(roster.covariates)
    names = {column: name for name, column in roster.covariates.items()}
    if roster.site:
        names[roster.site] = "site"
    strata = [names.get(column, column) for column in roster.strata]
    return (default if covariates is None else list(covariates),
            strata if mixed_covariates is None else list(mixed_covariates))
