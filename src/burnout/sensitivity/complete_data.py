"""The two classical analyses of a pre/post comparison: change score and ANCOVA.

With a baseline and a follow-up score per participant, the difference between two groups can
be estimated in two ways (Vickers & Altman 2001):

* **change-score analysis**: the difference in mean change (follow-up minus baseline) between
  the groups, by ordinary least squares ``change ~ group`` (plus the randomization strata when
  the study has them); in a single group, the mean change with its paired t interval;
* **ANCOVA** (analysis of covariance): ``follow-up ~ group + baseline`` (plus the strata of a
  randomized trial, or the measured covariates of a non-randomized comparison). Its group
  coefficient is *identical* to that of ``change ~ group + baseline`` (subtracting the baseline
  from both sides only changes the baseline's own coefficient by one), which is the adjusted
  regression of the adjusted stage; it is usually more precise than the change score, which
  assumes a baseline coefficient of exactly one.

Both use the participants with both scores (complete cases); both agree with R's ``lm`` and
``confint`` (:func:`burnout.stats.regression.adjusted_difference` fits them).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from burnout.core.errors import require_columns
from burnout.core.results import tidy_result
from burnout.stats.paired import paired_t_test
from burnout.stats.regression import adjusted_difference

__all__ = ["change_score_analysis", "ancova"]


@tidy_result
def change_score_analysis(data: pd.DataFrame, score: str, group: str | None = "group",
                          covariates: Sequence[str] = (),
                          confidence: float = 0.95) -> pd.DataFrame:
    """Difference in mean change between the groups (or the mean change of a single group).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant with ``<score>_pre``, ``<score>_post`` and ``<score>_change``
        (``analysis.csv``).
    score : str
        The score (``"ee"``).
    group : str or None
        The group column (``intervention`` / ``control``); None for a single group: the mean
        change with the paired t interval (R ``t.test(paired = TRUE)``).
    covariates : sequence of str
        Further terms of ``change ~ group + covariates``: the randomization strata.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``outcome`` (the score), ``method`` ``"change_score"``, ``measure``,
        ``estimate`` (intervention minus control; after minus before for one group), ``se``,
        ``ci_low``, ``ci_high``, ``confidence``, ``statistic`` (t), ``df``, ``p``, ``n`` and,
        for two groups, ``n_intervention``, ``n_control``, ``n_dropped``, ``covariates``.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 4,
    ...                      "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21],
    ...                      "ee_post": [17, 22, 21, 19, 24, 26, 14, 21]})
    >>> data["ee_change"] = data["ee_post"] - data["ee_pre"]
    >>> row = change_score_analysis(data, "ee").iloc[0]
    >>> round(float(row["estimate"]), 3), int(row["n"])
    (-3.5, 8)
    >>> float(change_score_analysis(data, "ee", group=None)["estimate"].iloc[0])
    -1.75
    """
    if group is None:
        require_columns(data, [f"{score}_pre", f"{score}_post"], "change_score_analysis")
        row = paired_t_test.row(data[f"{score}_pre"], data[f"{score}_post"], confidence,
                                outcome=score)
        return {**row, "method": "change_score", "measure": "mean change (paired t)"}
    row = adjusted_difference.row(data, f"{score}_change", group=group, baseline=None,
                                  covariates=covariates, confidence=confidence)
    return {**row, "outcome": score, "method": "change_score",
            "measure": "difference in mean change"}


@tidy_result
def ancova(data: pd.DataFrame, score: str, group: str = "group",
           covariates: Sequence[str] = (), confidence: float = 0.95) -> pd.DataFrame:
    """ANCOVA: the follow-up score regressed on the group and the baseline score (R ``lm``).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant with ``<score>_pre`` and ``<score>_post``.
    score : str
        The score (``"ee"``).
    group : str
        The group column.
    covariates : sequence of str
        Further terms: the strata of a randomized trial, the measured covariates of a
        non-randomized comparison (categorical ones as treatment-coded indicators, as R).
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row as :func:`burnout.stats.regression.adjusted_difference`, with ``outcome`` the
        score, ``method`` ``"ancova"`` and ``measure`` ``"adjusted difference at follow-up"``.

    Notes
    -----
    The group coefficient of ``post ~ group + pre + covariates`` equals that of
    ``change ~ group + pre + covariates`` (same fitted model, reparametrized), with the same
    standard error: the ANCOVA *is* the adjusted regression of the adjusted stage.

    Examples
    --------
    >>> data = pd.DataFrame({"group": ["intervention", "control"] * 4,
    ...                      "ee_pre": [20, 22, 25, 18, 30, 27, 15, 21],
    ...                      "ee_post": [17, 22, 21, 19, 24, 26, 14, 21]})
    >>> round(float(ancova(data, "ee")["estimate"].iloc[0]), 3)
    -3.353
    """
    row = adjusted_difference.row(data, f"{score}_post", group=group, baseline=f"{score}_pre",
                                  covariates=covariates, confidence=confidence)
    return {**row, "outcome": score, "method": "ancova",
            "measure": "adjusted difference at follow-up"}
