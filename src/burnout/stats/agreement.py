"""Agreement of two coders on each theme: percent agreement and Cohen's kappa with its CI.

Two coders read every free-text answer and mark, for each theme of the codebook, whether the
answer expresses it (1) or not (0): the tidy table of their codes (``theme_codes.csv``) has one
row per response, coder and theme. :func:`cohen_kappa_by_theme` measures how well they agree on
each theme; :func:`checked_codes` and :func:`paired_codes` (the validated table, and one row per
response and theme with each coder's code) are shared with :mod:`burnout.stats.qualitative`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from burnout.core.errors import DataError

__all__ = ["CODE_COLUMNS", "DEFAULT_CODERS", "checked_codes", "paired_codes",
           "cohen_kappa_by_theme"]

# Columns of the coders' codes, theme_codes.csv (long: one row per response x coder x theme).
CODE_COLUMNS = ("response_id", "respondent_type", "coder", "theme", "present")
# The two coders whose agreement is measured.
DEFAULT_CODERS = ("coder_1", "coder_2")
_NO_VARIATION = "no variation: both coders gave every response the same code; kappa undefined"
_NOT_DOUBLE_CODED = "no response coded by both coders; kappa undefined"


def checked_codes(codes: pd.DataFrame, coders: Sequence[str],
                   themes: Sequence[str] | None, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Validate the long code table; return it and the theme order."""
    missing = [column for column in CODE_COLUMNS if column not in codes.columns]
    if missing:
        raise DataError(f"{source}: column(s) {missing} missing; rule: codes have columns "
                        f"{list(CODE_COLUMNS)}")
    if len(coders) != 2 or coders[0] == coders[1]:
        raise DataError(f"coders {list(coders)}: rule: exactly two different coders")
    table = codes[list(CODE_COLUMNS)].reset_index(drop=True)
    for position, row in enumerate(table.itertuples(index=False), start=2):
        for column in ("response_id", "respondent_type", "coder", "theme"):
            value = getattr(row, column)
            if value is None or (isinstance(value, float) and math.isnan(value)) \
                    or not str(value).strip():
                raise DataError(f"{source}, row {position}, column '{column}': empty")
        if row.coder not in coders:
            raise DataError(f"{source}, row {position}, column 'coder': value {row.coder!r} is "
                            f"not one of the coders {list(coders)}")
        if themes is not None and row.theme not in themes:
            raise DataError(f"{source}, row {position}, column 'theme': value {row.theme!r} is "
                            f"not in the codebook {list(themes)}")
        present = row.present
        if isinstance(present, str):
            present = present.strip()
        if str(present) not in {"0", "1", "0.0", "1.0"}:
            raise DataError(f"{source}, row {position}, column 'present': value {row.present!r}; "
                            f"rule: 0 (theme absent) or 1 (theme present)")
    table = table.assign(
        response_id=table["response_id"].astype(str),
        respondent_type=table["respondent_type"].astype(str),
        coder=table["coder"].astype(str), theme=table["theme"].astype(str),
        present=table["present"].astype(float).astype(int))
    repeated = table.duplicated(["response_id", "coder", "theme"]).to_numpy()
    for position in np.flatnonzero(repeated):
        row = table.iloc[position]
        raise DataError(f"{source}, row {position + 2}: response {row['response_id']!r}, coder "
                        f"{row['coder']!r}, theme {row['theme']!r} repeated; rule: one code per "
                        f"response, coder and theme")
    types = table.groupby("response_id")["respondent_type"].nunique()
    for response_id in types.index[types > 1]:
        raise DataError(f"{source}, column 'respondent_type': response {response_id!r} has "
                        f"several respondent types; rule: one type per response")
    order = list(themes) if themes is not None else sorted(table["theme"].unique())
    return table, order


def paired_codes(table: pd.DataFrame, coders: Sequence[str]) -> pd.DataFrame:
    """One row per response x theme with each coder's code (NaN when that coder is absent)."""
    wide = table.pivot_table(index=["response_id", "respondent_type", "theme"],
                             columns="coder", values="present", aggfunc="first")
    wide = wide.reindex(columns=list(coders)).reset_index()
    wide.columns.name = None
    return wide.sort_values(["theme", "response_id"], kind="mergesort").reset_index(drop=True)


def cohen_kappa_by_theme(codes: pd.DataFrame, themes: Sequence[str] | None = None,
                         coders: Sequence[str] = DEFAULT_CODERS,
                         source: str = "theme_codes.csv",
                         confidence: float = 0.95) -> pd.DataFrame:
    """Agreement of two coders on each theme: percent agreement and Cohen's kappa.

    Parameters
    ----------
    codes : pandas.DataFrame
        Long code table with columns ``response_id``, ``respondent_type``, ``coder``,
        ``theme``, ``present`` (0/1).
    themes : sequence of str, optional
        Themes in reporting order (the codebook's); a theme nobody coded still gets a row.
        Default: the themes found in ``codes``, sorted. A coded theme missing from this list
        is an error.
    coders : pair of str
        The two coders compared, default ``("coder_1", "coder_2")``.
    source : str
        Name of the table, used in error messages.

    Returns
    -------
    pandas.DataFrame
        One row per theme: ``theme``; ``responses_both_coders`` (n in the kappa);
        ``responses_one_coder`` (coded by a single coder, left out of the kappa);
        ``both_present``, ``both_absent``, ``only_first_coder``, ``only_second_coder`` (the
        2 x 2 table); ``percent_agreement`` (0-100); ``expected_agreement`` (0-100, by
        chance); ``kappa`` with ``kappa_ci_low`` and ``kappa_ci_high`` (its large-sample
        interval at ``confidence``); ``note`` (empty, or why kappa is undefined).

    Raises
    ------
    DataError
        On a missing column, an unknown coder or theme, a code other than 0/1, a repeated
        response x coder x theme, or a response with two respondent types.

    Notes
    -----
    With :math:`p_o` the observed proportion of responses on which the coders agree and
    :math:`p_e = p_1 q_1 + (1 - p_1)(1 - q_1)` the agreement expected by chance from each
    coder's own rate of marking the theme present (:math:`p_1`, :math:`q_1`), Cohen's kappa
    is :math:`\\kappa = (p_o - p_e) / (1 - p_e)`: 1 is perfect agreement, 0 agreement no
    better than chance. When both coders give every response the same code,
    :math:`p_e = 1` and kappa is 0/0: it is reported as NaN with the note "no variation",
    while the percent agreement (100%) is still reported. Kappa and its standard error come
    from ``statsmodels.stats.inter_rater.cohens_kappa`` (the asymptotic variance of Fleiss,
    Cohen and Everitt 1969); the interval is kappa +- z SE, as R's ``psych::cohen.kappa``.

    References
    ----------
    Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas
    1960;20:37-46.

    Examples
    --------
    >>> codes = pd.DataFrame({
    ...     "response_id": ["R1", "R1", "R2", "R2", "R3", "R3", "R4", "R4"],
    ...     "respondent_type": "student",
    ...     "coder": ["coder_1", "coder_2"] * 4,
    ...     "theme": "self_reflection",
    ...     "present": [1, 1, 0, 0, 1, 0, 0, 0]})
    >>> row = cohen_kappa_by_theme(codes).iloc[0]
    >>> float(row["percent_agreement"]), float(row["kappa"])
    (75.0, 0.5)
    """
    if not 0 < confidence < 1:
        raise DataError(f"cohen_kappa_by_theme: confidence = {confidence!r}; rule: 0 < "
                        "confidence < 1")
    z_value = float(stats.norm.ppf(0.5 + confidence / 2))
    table, order = checked_codes(codes, coders, themes, source)
    paired = paired_codes(table, coders)
    first, second = coders
    rows = []
    for theme in order:
        pairs = paired[paired["theme"] == theme]
        both = pairs[pairs[first].notna() & pairs[second].notna()]
        one_coder = int((pairs[first].notna() ^ pairs[second].notna()).sum())
        a = int(((both[first] == 1) & (both[second] == 1)).sum())
        d = int(((both[first] == 0) & (both[second] == 0)).sum())
        b = int(((both[first] == 1) & (both[second] == 0)).sum())
        c = int(((both[first] == 0) & (both[second] == 1)).sum())
        n = a + b + c + d
        kappa = low = high = observed = expected = float("nan")
        note = ""
        if n == 0:
            note = _NOT_DOUBLE_CODED
        else:
            observed = (a + d) / n
            expected = ((a + b) * (a + c) + (c + d) * (b + d)) / n**2
            if math.isclose(expected, 1.0):
                note = _NO_VARIATION
            else:
                kappa, low, high = _kappa_interval(a, b, c, d, z_value)
        rows.append({"theme": theme, "responses_both_coders": n,
                     "responses_one_coder": one_coder, "both_present": a, "both_absent": d,
                     "only_first_coder": b, "only_second_coder": c,
                     "percent_agreement": 100 * observed, "expected_agreement": 100 * expected,
                     "kappa": kappa, "kappa_ci_low": low, "kappa_ci_high": high,
                     "note": note})
    return pd.DataFrame(rows)


def _kappa_interval(a: int, b: int, c: int, d: int, z_value: float) -> tuple[float, ...]:
    """Cohen's kappa of a 2 x 2 table with its large-sample interval (statsmodels)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    with warnings.catch_warnings():  # a coder who never varies: defined kappa, 0/0 in the SE
        warnings.simplefilter("ignore", RuntimeWarning)
        result = cohens_kappa(np.array([[a, b], [c, d]], dtype=float))
    kappa, error = float(result.kappa), float(result.std_kappa)
    return kappa, kappa - z_value * error, kappa + z_value * error
