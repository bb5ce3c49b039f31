"""Linear mixed model of repeated scores: group by time interaction with a random intercept.

Each student is measured twice (before and after the rotation). The two scores of one student
are correlated: a student who starts with high exhaustion tends to end high too. The mixed
model

.. math::

    \\text{score}_{it} = \\beta_0 + \\beta_1 \\text{intervention}_i + \\beta_2 \\text{post}_t
        + \\beta_3 \\text{intervention}_i \\times \\text{post}_t + u_i + \\varepsilon_{it}

gives each student their own intercept :math:`u_i \\sim N(0, \\sigma_u^2)` (R:
``score ~ group * time + (1 | subject)``), fitted by restricted maximum likelihood (REML).
:math:`\\beta_2` is the change of the control group, :math:`\\beta_2 + \\beta_3` the change
of the intervention group, so the interaction :math:`\\beta_3` is the *difference in change*
(intervention minus control). Unlike the change-score analysis, a student with only the
pre-test still contributes (to the baseline level), which is why an intent-to-treat analysis
of a trial uses this model.

Optionally a random intercept per site is added (``site_intercept=True``; R:
``(1 | site) + (1 | subject)``), fitted in statsmodels with the site as the grouping factor
and the student as a variance component nested in it.

Intervals are Wald intervals on the normal scale (estimate +- 1.96 SE), as the published
analysis reports; the fixed effects agree with ``lme4::lmer`` (REML) to 1e-4.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from burnout.errors import DataError, numeric_column

__all__ = ["mixed_model"]

INTERACTION_TERM = "intervention:post"
# Optimizers of the REML criterion; the converged fit with the highest REML log-likelihood
# wins. Near a variance on the boundary zero (a singular fit in lme4) L-BFGS can report
# convergence at a worse point; the gradient-free Powell and Nelder-Mead do not.
_OPTIMIZERS = ("lbfgs", "powell", "nm")


def _best_fit(model: sm.MixedLM):
    """Fit ``model`` by REML with each optimizer; return the best converged fit.

    When none converges, the fit with the highest log-likelihood is returned (its
    ``converged`` attribute is False). Called inside a ``warnings.catch_warnings`` block.
    """
    fits = []
    for optimizer in _OPTIMIZERS:
        try:
            fits.append(model.fit(reml=True, method=[optimizer]))
        except (np.linalg.LinAlgError, ValueError):
            continue
    if not fits:
        raise DataError("mixed_model: no optimizer could fit the model (singular design?)")
    converged = [fit for fit in fits if fit.converged] or fits
    return max(converged, key=lambda fit: fit.llf)


def _prepared(long_data: pd.DataFrame, outcome: str, group: str, time: str, subject: str,
              site: str | None, exposed: str, unexposed: str,
              time_levels: tuple[str, str]) -> tuple[pd.DataFrame, int]:
    """Check columns and values; return complete rows with 0/1 indicators and the drop count."""
    columns = [outcome, group, time, subject] + ([site] if site else [])
    missing = [column for column in columns if column not in long_data.columns]
    if missing:
        raise DataError(f"mixed_model: column(s) {missing} missing (columns present: "
                        f"{list(long_data.columns)})")
    frame = long_data[columns].copy()
    for column, allowed in ((group, (exposed, unexposed)), (time, time_levels)):
        values = frame[column].dropna().astype(str)
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            raise DataError(f"mixed_model: column '{column}' holds {unknown}; rule: values "
                            f"must be one of {list(allowed)}")
    frame[outcome] = numeric_column(frame, outcome, "mixed_model")
    complete = frame.dropna()
    n_dropped = int(len(frame) - len(complete))
    if complete.duplicated([subject, time]).any():
        duplicate = complete[complete.duplicated([subject, time])].iloc[0]
        raise DataError(f"mixed_model: subject {duplicate[subject]!r} has two rows at "
                        f"{time} {duplicate[time]!r}; rule: one row per subject and time")
    for column, levels in ((group, (exposed, unexposed)), (time, time_levels)):
        present = set(complete[column].astype(str))
        absent = [level for level in levels if level not in present]
        if absent:
            raise DataError(f"mixed_model: outcome '{outcome}': no complete row with "
                            f"{column} {absent}; both levels are needed")
    complete = complete.assign(
        intervention=(complete[group].astype(str) == exposed).astype(float),
        post=(complete[time].astype(str) == time_levels[1]).astype(float),
    )
    complete[INTERACTION_TERM] = complete["intervention"] * complete["post"]
    return complete.reset_index(drop=True), n_dropped


def mixed_model(long_data: pd.DataFrame, outcome: str, group: str = "group",
                time: str = "time", subject: str = "student_id", site_intercept: bool = False,
                site: str = "site", confidence: float = 0.95, exposed: str = "intervention",
                unexposed: str = "control",
                time_levels: tuple[str, str] = ("pre", "post")) -> pd.DataFrame:
    """Difference in change (group x time interaction) from a REML random-intercept model.

    Parameters
    ----------
    long_data : pandas.DataFrame
        One row per subject and time point (e.g. ``analysis_long.csv``).
    outcome : str
        The score column (``"ee"``, ``"dp"``, ``"pa"``).
    group, time, subject : str
        Columns of the group, the time point and the subject identifier.
    site_intercept : bool
        Add a random intercept per site (column ``site``), the subject nested in it.
    site : str
        Site column, used only when ``site_intercept`` is true.
    confidence : float
        Confidence level of the Wald interval.
    exposed, unexposed : str
        Values of ``group`` coded 1 and 0.
    time_levels : tuple of str
        The baseline and follow-up values of ``time`` (coded 0 and 1).

    Returns
    -------
    pandas.DataFrame
        One row: ``outcome``, ``difference`` (the interaction coefficient: change of the
        intervention group minus change of the control group), ``se``, ``ci_low``,
        ``ci_high`` (Wald, normal quantile), ``p`` (Wald z test), ``n_subjects``,
        ``n_observations``, ``n_dropped`` (rows with a missing score or column, left out),
        ``subject_variance``, ``site_variance`` (NaN without the site intercept),
        ``residual_variance``, ``random_effects`` and ``converged``.

    Raises
    ------
    DataError
        On a missing column, unknown group or time values, a non-numeric score, a subject
        with two rows at one time, or a level with no complete row.

    Notes
    -----
    Fitted with ``statsmodels.MixedLM`` by REML, with L-BFGS, Powell and Nelder-Mead in
    turn, keeping the converged fit of highest REML log-likelihood. Warnings of the
    optimizer (for example a variance estimated on the boundary zero, common with two sites,
    where ``lmer`` reports a singular fit) are not printed; ``converged`` reports whether an
    optimizer converged.

    References
    ----------
    .. [1] Bates D, Maechler M, Bolker B, Walker S (2015). Fitting linear mixed-effects models
       using lme4. Journal of Statistical Software 67(1):1-48.
    .. [2] Twisk J et al. (2018). Different ways to estimate treatment effects in randomised
       controlled trials. Contemporary Clinical Trials Communications 10:80-85.

    Examples
    --------
    >>> long = pd.DataFrame({
    ...     "student_id": [f"S{i}" for i in range(8) for _ in range(2)],
    ...     "group": ["intervention"] * 8 + ["control"] * 8,
    ...     "time": ["pre", "post"] * 8,
    ...     "ee": [20, 16, 25, 22, 30, 25, 18, 15, 21, 22, 27, 27, 19, 20, 24, 23]})
    >>> result = mixed_model(long, "ee")
    >>> round(float(result["difference"].iloc[0]), 3)
    -4.0
    >>> int(result["n_subjects"].iloc[0]), int(result["n_observations"].iloc[0])
    (8, 16)
    """
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise DataError(f"mixed_model: confidence must be strictly between 0 and 1, got "
                        f"{confidence!r}")
    frame, n_dropped = _prepared(long_data, outcome, group, time, subject,
                                 site if site_intercept else None, exposed, unexposed,
                                 tuple(time_levels))
    exog = sm.add_constant(frame[["intervention", "post", INTERACTION_TERM]], prepend=True)
    if site_intercept:
        model = sm.MixedLM.from_formula(
            f"Q('{outcome}') ~ intervention * post", data=frame.rename(columns={subject: "_s"}),
            groups=frame[site].astype(str), re_formula="1",
            vc_formula={"subject": "0 + C(_s)"})
    else:
        model = sm.MixedLM(frame[outcome].astype(float), exog, groups=frame[subject].astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = _best_fit(model)
        estimate = float(results.fe_params[INTERACTION_TERM])
        standard_error = float(results.bse_fe[INTERACTION_TERM])
    z_value = float(stats.norm.ppf(0.5 * (1 + confidence)))
    if site_intercept:
        subject_variance = float(np.asarray(results.vcomp)[0])
        site_variance = float(results.cov_re.iloc[0, 0])
    else:
        subject_variance = float(results.cov_re.iloc[0, 0])
        site_variance = math.nan
    return pd.DataFrame({
        "outcome": [outcome],
        "difference": [estimate],
        "se": [standard_error],
        "ci_low": [estimate - z_value * standard_error],
        "ci_high": [estimate + z_value * standard_error],
        "p": [float(2 * stats.norm.sf(abs(estimate / standard_error)))],
        "n_subjects": [int(frame[subject].nunique())],
        "n_observations": [len(frame)],
        "n_dropped": [n_dropped],
        "subject_variance": [subject_variance],
        "site_variance": [site_variance],
        "residual_variance": [float(results.scale)],
        "random_effects": ["site + subject" if site_intercept else "subject"],
        "converged": [bool(results.converged)],
    })
