"""Linear mixed model of repeated scores: group by time interaction with a random intercept.

Each student is measured twice (before and after the rotation), and the two scores of one
student are correlated. The model ``score ~ group * time + covariates + (1 | subject)`` gives
each student an intercept :math:`u_i \\sim N(0, \\sigma_u^2)`; the interaction coefficient is
the *difference in change* (intervention minus control). A student with only the pre-test
still contributes (to the baseline level), which is why an intent-to-treat analysis of a
trial uses this model; covariates (say the randomization strata) are further fixed effects.
The REML criterion, profiled over the fixed effects and the residual variance, depends on the
one ratio :math:`g = \\sigma_u^2 / \\sigma^2` and is minimised directly (:func:`mixed_model`,
Notes). A nested site intercept (``site_intercept=True``) adds a second ratio and is fitted by
``statsmodels.MixedLM``. Intervals are Wald intervals (normal quantile).
"""

from __future__ import annotations

import inspect
import math
import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

# special.ndtr / ndtri are what stats.norm's cdf / ppf compute, without its overhead.
from scipy import special

from burnout.core.errors import DataError, require_columns
from burnout.core.results import result_frame, tidy_result
from burnout.stats._reml import PIVOT_RTOL, optimum, profile, sufficient_statistics
from burnout.stats.fitting.codes import present_codes, sorted_text_codes

__all__ = ["mixed_model", "mixed_model_table"]

INTERACTION_TERM = "intervention:post"
MEASURE = "difference in change (group x time)"
_RESERVED = ("(Intercept)", "intervention", "post", INTERACTION_TERM, "_subject", "_post",
             "_intervention")  # names of the model's terms and helper columns


def _fail(message: str) -> None:
    raise DataError(f"mixed_model: {message}")


def _checked_levels(codes: np.ndarray, labels: np.ndarray, rows: np.ndarray, column: str,
                    allowed: Sequence[str]) -> None:
    present = labels[present_codes(codes[rows & (codes >= 0)], len(labels))]
    unknown = sorted(set(present) - set(allowed))
    if unknown:
        _fail(f"column '{column}' holds {unknown}; rule: values must be one of "
              f"{list(allowed)}")


def _prepared(long_data: pd.DataFrame, outcome: str, columns: dict, covariates: list[str],
              labels: tuple, texts: dict) -> dict:
    """Check columns and values; return the analysed rows, sorted by subject and time.

    The result holds ``rows`` (positions in ``long_data``), the subject ``codes`` (0, 1, ...
    in sorted order of the subject's text), ``post`` and ``intervention`` (0/1; None for one
    group), the ``response`` and ``n_dropped``, the rows dropped for a missing value.
    ``columns`` maps roles to column names; ``texts`` caches the :func:`sorted_text_codes` of a
    column across the outcomes of one table (it is filled here).
    """
    exposed, unexposed, time_levels = labels
    group, time, subject = columns["group"], columns["time"], columns["subject"]
    used = [outcome, *([group] if group else []), time, subject] + (
        [columns["site"]] if columns["site"] else [])
    require_columns(long_data, used + covariates, "mixed_model")
    clash = [column for column in covariates
             if column in used + list(_RESERVED) or covariates.count(column) > 1]
    if clash:
        _fail(f"covariate(s) {clash} already in the model {used + list(_RESERVED[:4])}; rule: "
              "each column enters the model once, under a name of its own")
    for column in (group, time, subject):
        if column and column not in texts:
            texts[column] = sorted_text_codes(long_data[column])
    text = {column: texts[column] for column in (group, time, subject) if column}
    # Intermediate waves (time codes wave_2, wave_3, ... of the study file) are not in the model.
    wave = np.array([re.fullmatch(r"wave_\d+", label) is not None
                     for label in text[time][1]] + [False])
    kept = ~wave[text[time][0]]
    checks = [(time, time_levels)] + ([(group, (exposed, unexposed))] if group else [])
    for column, allowed in checks:
        _checked_levels(*text[column], kept, column, allowed)
    response = _numbers(long_data[outcome], outcome, kept)
    complete = kept & ~np.isnan(response)
    for column in used[1:] + covariates:  # a text code is -1 exactly where notna is False
        complete &= (text[column][0] >= 0 if column in text
                     else long_data[column].notna().to_numpy())
    for column, levels in checks:
        codes, names = text[column]
        present = set(names[present_codes(codes[complete], len(names))])
        absent = [level for level in levels if level not in present]
        if absent:
            _fail(f"outcome '{outcome}': no complete row with {column} {absent}; both levels "
                  "are needed")
    rows = np.flatnonzero(complete)
    # Canonical row order (subject, time): no sum below depends on the order of the input.
    subjects = text[subject][0][rows]  # 0, 1, ... for the subjects present: np.unique's
    codes = np.cumsum(np.bincount(subjects, minlength=len(text[subject][1])) > 0)[subjects] - 1
    post = (text[time][1] == time_levels[1])[text[time][0][rows]]
    order = np.argsort(2 * codes + post, kind="stable")  # np.lexsort((post, codes))
    rows, codes, post = rows[order], codes[order], post[order]
    twice = np.flatnonzero((codes[1:] == codes[:-1]) & (post[1:] == post[:-1]))
    if len(twice):
        duplicate = long_data.iloc[rows[twice[0]]]
        _fail(f"subject {duplicate[subject]!r} has two rows at {time} {duplicate[time]!r}; "
              "rule: one row per subject and time")
    intervention = ((text[group][1] == exposed)[text[group][0][rows]].astype(float)
                    if group else None)
    return {"rows": rows, "codes": codes, "post": post.astype(float),
            "intervention": intervention, "response": response[rows],
            "n_dropped": int(kept.sum() - len(rows))}


def _arm_sizes(prepared: dict) -> dict:
    """Subjects of each arm, and those of them with a follow-up score (empty for one group)."""
    if prepared["intervention"] is None:
        return {}
    codes, post = prepared["codes"], prepared["post"] == 1
    arm = prepared["intervention"] == 1
    sizes = {}
    count = int(codes.max()) + 1 if len(codes) else 0  # codes are 0, 1, ... (see _prepared)
    for name, rows in (("intervention", arm), ("control", ~arm)):
        sizes[f"n_{name}"] = int(np.count_nonzero(np.bincount(codes[rows], minlength=count)))
        sizes[f"n_followup_{name}"] = int(np.count_nonzero(
            np.bincount(codes[rows & post], minlength=count)))
    return sizes


def _numbers(values: pd.Series, outcome: str, kept: np.ndarray) -> np.ndarray:
    """The scores as floats; a kept value that is not a number raises :class:`DataError`
    naming its spreadsheet row (header is row 1)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float, na_value=np.nan)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(kept & values.notna().to_numpy() & np.isnan(numbers))
    if len(bad):
        _fail(f"row {bad[0] + 2}, column '{outcome}': value {values.iloc[bad[0]]!r} is not a "
              "number")
    return numbers


def _design(long_data: pd.DataFrame, prepared: dict, outcome: str,
            covariates: list[str]) -> tuple[list[str], np.ndarray]:
    """Fixed-effect design (names, matrix): intercept, group, time, their product, then the
    covariates; a single group (no ``intervention``) has the intercept and time only."""
    rows, post, intervention = prepared["rows"], prepared["post"], prepared["intervention"]
    names, columns = ["(Intercept)"], [np.ones(len(rows))]
    if intervention is not None:
        names, columns = names + ["intervention"], columns + [intervention]
    names, columns = names + ["post"], columns + [post]
    if intervention is not None:
        names, columns = names + [INTERACTION_TERM], columns + [intervention * post]
    for covariate in covariates:
        series = long_data[covariate]
        categorical = (not pd.api.types.is_numeric_dtype(series)
                       or pd.api.types.is_bool_dtype(series))
        values = (series.to_numpy()[rows].astype(str) if categorical
                  else series.to_numpy(dtype=float, na_value=np.nan)[rows])
        levels = sorted(set(values.tolist())) if categorical else sorted({values.min(),
                                                                          values.max()})
        if len(levels) < 2:
            _fail(f"covariate '{covariate}' has a single value {levels} among the "
                  f"{len(rows)} analysed rows of outcome '{outcome}'; rule: a covariate "
                  "must vary (drop it from the covariates parameter)")
        for level in levels[1:] if categorical else ():
            names.append(f"{covariate}[T.{level}]")
            columns.append((values == level).astype(float))
        if not categorical:
            names.append(covariate)
            columns.append(values)
    design = np.empty((len(rows), len(columns)), order="F")  # column-major, as the sums read it
    for index, values in enumerate(columns):
        design[:, index] = values
    return names, design


def _checked_sufficient(prepared: dict, names: list[str], design: np.ndarray,
                        outcome: str) -> dict:
    """:func:`sufficient_statistics` of the analysed rows, once the model is known estimable."""
    codes = prepared["codes"]
    if not np.any(codes[1:] == codes[:-1]):  # sorted by subject: a repeat is adjacent
        _fail(f"outcome '{outcome}': no subject has scores at both times; rule: the subject "
              "variance needs repeated measurements")
    data = sufficient_statistics(design, prepared["response"], codes)
    try:
        profile(data, 0.0, PIVOT_RTOL)
    except np.linalg.LinAlgError as error:
        column = (names + [outcome])[error.args[0]]
        _fail(f"outcome '{outcome}': the design matrix is rank deficient (columns "
              f"{names}); column '{column}' is collinear with the preceding "
              "ones (or the outcome is fitted exactly)")
    return data


def _profiled_fit(data: dict, term: int) -> dict:
    """Fit the one-ratio model by profiled REML; estimates in the units of the data."""
    best, converged, convergence = optimum(data)
    n, p, scales = data["n"], data["p"], data["scales"]
    unit = scales[p] / scales[term]
    residual_variance = best["residual"] / (n - p) * scales[p] ** 2
    return {"estimate": best["fixed"][term] * unit, "residual_variance": residual_variance,
            "se": math.sqrt(best["residual"] / (n - p) * best["covariance"][term][term]) * unit,
            "subject_variance": best["ratio"] * residual_variance, "site_variance": math.nan,
            "converged": converged, "convergence": convergence, "fit": "profiled REML",
            "random_effects": "subject"}


def _statsmodels_fit(long_data: pd.DataFrame, prepared: dict, design: np.ndarray,
                     columns: dict, term: int, ratio: float) -> dict:
    """Site and nested subject intercepts: one Powell REML fit of ``statsmodels.MixedLM`` from
    the subject variance ratio ``ratio`` of the one-ratio fit and a site ratio a tenth of it."""
    # Imported here: statsmodels costs a second to import, and few studies have sites.
    from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams, VCSpec

    subject, site = columns["subject"], columns["site"]
    frame = long_data.iloc[prepared["rows"]]
    sites = frame[site].astype(str).to_numpy()
    split = frame.groupby(subject)[site].nunique()
    if (split > 1).any():
        _fail(f"subject {split.idxmax()!r} appears at two values of column '{site}'; rule: "
              "subjects are nested in sites")
    codes, labels = prepared["codes"], sorted(set(sites))  # MixedLM sorts groups
    members = [np.unique(codes[sites == label]) for label in labels]
    indicators = VCSpec(["subject"], [[[str(code) for code in codes_] for codes_ in members]],
                        [[(codes[sites == label][:, None] == codes_[None, :]).astype(float)
                          for label, codes_ in zip(labels, members, strict=True)]])
    model = MixedLM(prepared["response"], design, groups=sites,
                       exog_re=np.ones((len(frame), 1)), exog_vc=indicators)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = max(ratio, 0.01)  # subject ratio of the one-ratio fit, site ratio a tenth
        results = model.fit(start_params=MixedLMParams.from_components(
            np.zeros(design.shape[1]), np.array([[start / 10]]), vcomp=np.array([start])),
            reml=True, method=["powell"])
        estimate, standard_error = float(results.fe_params[term]), float(results.bse_fe[term])
    notes = "".join(sorted({f"; {str(warning.message).splitlines()[0]}" for warning in caught}))
    convergence = (f"{'' if results.converged else 'not '}converged (Powell from the one-ratio "
                   f"fit{notes})")
    return {"estimate": estimate, "se": standard_error, "residual_variance": float(results.scale),
            "subject_variance": float(np.asarray(results.vcomp)[0]),
            "site_variance": float(np.asarray(results.cov_re)[0, 0]),
            "converged": bool(results.converged),
            "convergence": convergence, "fit": "statsmodels MixedLM (REML)",
            "random_effects": "site + subject"}


@tidy_result
def mixed_model(long_data: pd.DataFrame, outcome: str, group: str | None = "group",
                time: str = "time", subject: str = "student_id", site_intercept: bool = False,
                site: str = "site", confidence: float = 0.95, exposed: str = "intervention",
                unexposed: str = "control", time_levels: tuple[str, str] = ("pre", "post"),
                covariates: Sequence[str] = ()) -> pd.DataFrame:
    """Difference in change (group x time interaction) from a REML random-intercept model.

    Parameters
    ----------
    long_data : pandas.DataFrame
        One row per subject and time point (e.g. ``analysis_long.csv``).
    outcome : str
        The score column (``"ee"``, ``"dp"``, ``"pa"``).
    group : str or None
        Column of the group; ``None`` for a single group: the model is
        ``score ~ time + (1 | subject)`` and the estimate is the mean change (the ``time``
        coefficient, after minus before), ``method`` ``"mixed_model_time"``.
    time, subject : str
        Columns of the time point and the subject identifier. Rows of an intermediate wave
        (time ``wave_<k>``, see :class:`burnout.data.study.Wave`) are left out.
    site_intercept, site : bool, str
        Add a random intercept per site (column ``site``), the subject nested in it.
    confidence : float
        Confidence level of the Wald interval.
    exposed, unexposed : str
        Values of ``group`` coded 1 and 0.
    time_levels : tuple of str
        The baseline and follow-up values of ``time`` (coded 0 and 1).
    covariates : sequence of str
        Further fixed effects, for example the randomization strata. Numeric columns enter as
        they are; text, categorical and boolean columns as treatment-coded indicators against
        their first level in sorted order (R's ``factor``).

    Returns
    -------
    pandas.DataFrame
        One row in the vocabulary of :mod:`burnout.core.results`: ``outcome``, ``method``,
        ``measure``, ``estimate`` (the interaction: change of the intervention group minus
        change of the control group), ``se``, ``ci_low``, ``ci_high``, ``confidence``,
        ``statistic`` (Wald z), ``p``, ``n`` (subjects), ``n_intervention`` and
        ``n_control`` (subjects of each arm; absent for one group); then
        ``n_followup_intervention`` and ``n_followup_control`` (those of them with a
        follow-up score; absent for one group), ``n_observations``,
        ``n_dropped`` (rows with a missing value in a model column), ``subject_variance``,
        ``site_variance`` (NaN without site intercept), ``residual_variance``,
        ``random_effects``, ``covariates`` (comma-separated, ``""`` for none), ``fit``
        (``"profiled REML"`` or ``"statsmodels MixedLM (REML)"``), ``converged`` and
        ``convergence`` (what happened, in a sentence).

    Raises
    ------
    DataError
        On a missing column, unknown group or time values, a non-numeric score, a subject
        with two rows at one time, a level with no complete row, a covariate used twice or
        constant, a rank-deficient design, no subject with both times, a subject at two sites.

    Notes
    -----
    Let V = I + g Z Z' be the covariance of the scores over the residual variance s2 (Z the
    subject indicators). Subject i with n_i rows has (I + g J)^-1 = I - g / (1 + n_i g) J and
    log det(I + g J) = log(1 + n_i g). Splitting each row of [X y] into its subject mean and
    the deviation from it gives M(g) = [X y]' V^-1 [X y] = W + sum_k B_k / (1 + k g): W sums
    the within-subject cross products, B_k is k times the sum of the outer products of the
    means of the subjects with k rows. That is O(n) once, O(p^3) per value of g, and free of
    cancellation (both parts are positive semidefinite). With A = X' V^-1 X,
    b = A^-1 X' V^-1 y and r = y' V^-1 y - b' A b (all read off the Cholesky factor of M),
    the REML criterion profiled over b and s2 = r / (n - p) is, as lme4's ``devfun``,

        d(g) = sum_i log(1 + n_i g) + log det A + (n - p) (1 + log(2 pi r / (n - p))),

    d'(g) = sum_i n_i / (1 + n_i g) + tr(A^-1 A') + (n - p) r' / r, with A' and r' from
    M' = -sum_k k B_k / (1 + k g)^2. The sign of d' is read at g = 0 and at powers of four
    up to 1e9; each change from - to + is refined by Brent's root finder to machine
    precision; g = 0 is a candidate when d'(0) >= 0 (a boundary or *singular* fit, as lme4
    calls it); the candidate of least d(g) wins. The fixed-effect covariance is s2 A^-1,
    ``vcov`` of an ``lmer`` REML fit.

    Reproducibility: rows are sorted by subject and time; the O(n) sums are ``np.bincount``
    and numpy's pairwise sums of contiguous arrays (fixed order, no BLAS); columns are
    scaled by powers of two (exact); small matrices, grid and root finder are plain Python
    with correctly rounded ``math.fsum``. So the estimates come from IEEE-754 +, -, *, / and
    square roots in a fixed order, whatever the row order, BLAS, its threads
    (``OPENBLAS_NUM_THREADS``) or CPU. And as a root of d' is found, not a flat minimum of d,
    a relative change e of the data moves them by about e, not sqrt(e).

    With ``site_intercept=True`` the two variance ratios are fitted once by
    ``statsmodels.MixedLM`` (REML, Powell, started from the one-ratio fit; the SE comes from
    its full information matrix), a fallback that ``fit`` names.

    References
    ----------
    .. [1] Bates D, Maechler M, Bolker B, Walker S (2015). Fitting linear mixed-effects models
       using lme4. Journal of Statistical Software 67(1):1-48.
    .. [2] Harville DA (1977). Maximum likelihood approaches to variance component estimation
       and to related problems. Journal of the American Statistical Association 72:320-338.
    .. [3] Brent RP (1973). Algorithms for Minimization without Derivatives, ch. 4.
    .. [4] Twisk J et al. (2018). Different ways to estimate treatment effects in randomised
       controlled trials. Contemporary Clinical Trials Communications 10:80-85.

    Examples
    --------
    >>> long = pd.DataFrame({
    ...     "student_id": [f"S{i}" for i in range(8) for _ in range(2)],
    ...     "group": ["intervention"] * 8 + ["control"] * 8,
    ...     "time": ["pre", "post"] * 8,
    ...     "site": ["north", "north", "south", "south"] * 4,
    ...     "ee": [20, 16, 25, 22, 30, 25, 18, 15, 21, 22, 27, 27, 19, 20, 24, 23]})
    >>> result = mixed_model(long, "ee")
    >>> round(float(result["estimate"].iloc[0]), 3)
    -4.0
    >>> int(result["n"].iloc[0]), int(result["n_observations"].iloc[0])
    (8, 16)
    >>> int(result["n_intervention"].iloc[0]), int(result["n_followup_control"].iloc[0])
    (4, 4)
    >>> result = mixed_model(long, "ee", covariates=["site"])
    >>> result["covariates"].iloc[0], result["fit"].iloc[0], bool(result["converged"].iloc[0])
    ('site', 'profiled REML', True)

    A single group: the mean change, using every observation.

    >>> round(float(mixed_model(long, "ee", group=None)["estimate"].iloc[0]), 3)
    -1.75
    """
    return _model_row(long_data, outcome, {}, group=group, time=time, subject=subject,
                      site_intercept=site_intercept, site=site, confidence=confidence,
                      exposed=exposed, unexposed=unexposed, time_levels=time_levels,
                      covariates=covariates)


def _model_row(long_data: pd.DataFrame, outcome: str, texts: dict, *, group, time, subject,
               site_intercept, site, confidence, exposed, unexposed, time_levels,
               covariates) -> dict:
    """The row of :func:`mixed_model`; ``texts`` is the cache of :func:`_prepared`."""
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        _fail(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    covariates = [covariates] if isinstance(covariates, str) else list(covariates)
    columns = {"group": group, "time": time, "subject": subject,
               "site": site if site_intercept else None}
    prepared = _prepared(long_data, outcome, columns, covariates,
                         (exposed, unexposed, tuple(time_levels)), texts)
    names, design = _design(long_data, prepared, outcome, covariates)
    data = _checked_sufficient(prepared, names, design, outcome)
    term = names.index(INTERACTION_TERM if group else "post")
    fit = _profiled_fit(data, term)
    if site_intercept:
        fit = _statsmodels_fit(long_data, prepared, design, columns, term,
                               fit["subject_variance"] / fit["residual_variance"])
    estimate, standard_error = fit.pop("estimate"), fit.pop("se")
    z_value = float(special.ndtri(0.5 * (1 + confidence)))
    statistic = estimate / standard_error
    extra = ("subject_variance", "site_variance", "residual_variance", "random_effects")
    return {
        "outcome": outcome, "method": "mixed_model" if group else "mixed_model_time",
        "measure": MEASURE if group else "change (after minus before)", "estimate": estimate,
        "se": standard_error, "ci_low": estimate - z_value * standard_error,
        "ci_high": estimate + z_value * standard_error, "confidence": float(confidence),
        "statistic": statistic, "p": float(2 * special.ndtr(-abs(statistic))),
        "n": int(prepared["codes"][-1]) + 1, **_arm_sizes(prepared),
        "n_observations": len(prepared["rows"]), "n_dropped": prepared["n_dropped"],
        **{name: fit[name] for name in extra},
        "covariates": ", ".join(covariates),
        **{name: fit[name] for name in ("fit", "converged", "convergence")}}


def mixed_model_table(long_data: pd.DataFrame, outcomes: Sequence[str],
                      **options) -> pd.DataFrame:
    """:func:`mixed_model` of each outcome, one row per outcome in the order given.

    Parameters
    ----------
    long_data : pandas.DataFrame
        One row per subject and time point.
    outcomes : sequence of str
        The score columns.
    **options
        Keyword arguments of :func:`mixed_model` (``covariates``, ``site_intercept``, ...).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`mixed_model`, concatenated.

    Raises
    ------
    DataError
        When ``outcomes`` is empty, or as :func:`mixed_model`.

    Examples
    --------
    >>> long = pd.DataFrame({"student_id": [1, 1, 2, 2, 3, 3, 4, 4, 5], "time": ["pre", "post"]
    ...                      * 4 + ["pre"], "group": ["intervention"] * 4 + ["control"] * 5,
    ...                      "ee": [20, 17, 26, 22, 22, 22, 25, 26, 30],
    ...                      "pa": [30, 33, 28, 33, 31, 30, 29, 31, 27]})
    >>> mixed_model_table(long, ["ee", "pa"])[["outcome", "n", "n_observations"]].values.tolist()
    [['ee', 5, 9], ['pa', 5, 9]]
    """
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if not outcomes:
        raise DataError("mixed_model_table: no outcome given; rule: name at least one score "
                        "column")
    texts: dict = {}  # the text codes of the group, time and subject columns, computed once
    rows = []
    for outcome in outcomes:
        bound = inspect.signature(mixed_model).bind(long_data, outcome, **options)
        bound.apply_defaults()
        rows.append(result_frame([_model_row(texts=texts, **bound.arguments)]))
    return pd.concat(rows, ignore_index=True)
