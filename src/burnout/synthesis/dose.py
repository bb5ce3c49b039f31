"""The dose question, within one study: does change grow with how much of the program one had?

Seed 003 names frequency of meetings as a design choice of mentoring programs. Within a study the
question can only be asked of participants who received the program, by regressing each change
score on the dose they received (sessions attended, mentor contact), adjusting for the baseline
score. This is **exploratory** and **confounded**: participants choose how many sessions they
attend, and whatever makes them attend (motivation, spare time, how burnt out they were) also
moves their scores, so the slope describes an association, not what an extra session does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError
from burnout.core.results import result_frame

__all__ = ["DOSE_CAVEAT", "dose_response"]

# The caveat every dose result is printed with.
DOSE_CAVEAT = ("Exploratory: the dose was not assigned but chosen by the participants, so the "
               "slope mixes what the sessions did with why some attended more (motivation, "
               "time, baseline distress); it is an association, not an effect of the dose.")


def dose_response(analysis: pd.DataFrame, scores: Sequence[str], dose: str,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Each change score regressed on the dose received and the baseline score (OLS).

    Parameters
    ----------
    analysis : pandas.DataFrame
        One row per participant: ``<score>_pre``, ``<score>_change`` and the ``dose`` column.
        Rows without a dose (e.g. the control group) or without both waves are left out.
    scores : sequence of str
        The scores (``ee``, ``dp``, ...).
    dose : str
        The column holding the dose (sessions attended).
    confidence : float
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per score: ``outcome``, ``method`` (``dose_ols``), ``measure``, ``estimate`` (the
        change per unit of dose), ``se``, ``ci_low``, ``ci_high``, ``confidence``,
        ``statistic`` (t), ``df``, ``p``, ``n``, then ``dose``, ``dose_min``, ``dose_max``. A
        score with fewer than 4 participants or a single dose gets a row without estimate and
        a ``note`` saying why.

    Examples
    --------
    >>> data = pd.DataFrame({"ee_pre": [30, 28, 35, 25, 31, 29],
    ...                      "ee_change": [-1, -3, -2, -6, -4, -8],
    ...                      "sessions": [1, 2, 2, 4, 3, 6]})
    >>> dose_response(data, ["ee"], "sessions")[["estimate", "n"]].round(3)
       estimate  n
    0    -1.348  6
    """
    # Imported here: statsmodels costs a second to import, and this runs in one stage only.
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    if dose not in analysis.columns:
        raise DataError(f"analysis table: no dose column '{dose}'")
    rows = []
    for score in scores:
        columns = [f"{score}_pre", f"{score}_change", dose]
        missing = [column for column in columns if column not in analysis.columns]
        if missing:
            raise DataError(f"analysis table: column(s) {missing} missing for score '{score}'")
        used = analysis[columns].apply(pd.to_numeric, errors="coerce").dropna()
        if len(used) < 4 or used[dose].nunique() < 2:
            rows.append({"outcome": f"{score}_change", "method": "dose_ols",
                         "measure": f"change per unit of {dose} (adjusted for baseline)",
                         "n": len(used), "dose": dose,
                         "note": f"not estimated: {len(used)} participants with "
                                 f"{used[dose].nunique()} distinct doses; a slope needs at "
                                 "least 4 participants and 2 doses"})
            continue
        design = add_constant(used[[dose, f"{score}_pre"]].astype(float), has_constant="add")
        fit = OLS(used[f"{score}_change"].astype(float), design).fit()
        low, high = fit.conf_int(alpha=1 - confidence).loc[dose]
        rows.append({"outcome": f"{score}_change", "method": "dose_ols",
                     "measure": f"change per unit of {dose} (adjusted for baseline)",
                     "estimate": float(fit.params[dose]), "se": float(fit.bse[dose]),
                     "ci_low": float(low), "ci_high": float(high), "confidence": confidence,
                     "statistic": float(fit.tvalues[dose]), "df": float(fit.df_resid),
                     "p": float(fit.pvalues[dose]), "n": int(fit.nobs), "dose": dose,
                     "dose_min": float(np.min(used[dose])), "dose_max": float(np.max(used[dose]))})
    return result_frame(rows)
