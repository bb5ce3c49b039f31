"""Internal consistency of questionnaire subscales: Cronbach's alpha per subscale and wave.

Cronbach's alpha asks how consistently the items of one subscale measure the same thing.
With ``k`` items, item variances ``s_i^2`` and the variance ``s_T^2`` of their sum,

    alpha = k / (k - 1) * (1 - sum(s_i^2) / s_T^2).

It is 1 when the items move perfectly together and about 0 when they are unrelated. Items
are reverse-scored first (as in scoring), and only questionnaires that answered every item of
the subscale are used (listwise deletion). The 95% confidence interval is Feldt's, from the
F distribution with ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import special

from burnout.core.errors import DataError
from burnout.data.registry import Instrument
from burnout.measures.scoring import _as_instrument, _checked_item_columns, _checked_items

__all__ = ["cronbach_alpha_table"]

_COLUMNS = ["instrument", "subscale", "wave", "n", "excluded", "items", "alpha", "ci_low",
            "ci_high"]


def _waves(responses_by_wave: Mapping[str, pd.DataFrame] | pd.DataFrame,
           wave_column: str) -> dict[str, pd.DataFrame]:
    if isinstance(responses_by_wave, pd.DataFrame):
        if wave_column not in responses_by_wave.columns:
            raise DataError(f"responses: column '{wave_column}' is missing (rule: a single table "
                            f"needs a wave column; or pass a mapping wave -> table)")
        waves = responses_by_wave[wave_column]
        if waves.isna().any():
            position = int(np.flatnonzero(waves.isna().to_numpy())[0])
            raise DataError(f"responses, row {position + 2}, column '{wave_column}': the wave "
                            f"is empty (rule: every questionnaire belongs to a wave)")
        return {str(wave): frame for wave, frame in responses_by_wave.groupby(
            wave_column, sort=False)}
    if isinstance(responses_by_wave, Mapping):
        return {str(wave): frame for wave, frame in responses_by_wave.items()}
    raise DataError(f"responses_by_wave must be a mapping wave -> DataFrame or a DataFrame with "
                    f"a '{wave_column}' column, got {type(responses_by_wave).__name__}")


def _wave_item_columns(responses_by_wave: Mapping[str, pd.DataFrame] | pd.DataFrame,
                       instrument: Instrument, wave_column: str,
                       ) -> list[tuple[str, dict[str, np.ndarray], np.ndarray | None]]:
    """Per wave: the checked item columns and which of their rows belong to the wave
    (``None``: all of them).

    A single table's items are checked once, as whole columns (a group-by into frames and a
    check per wave copied the table twice); when an answer breaks the rule, the check per
    wave runs and raises the message naming the wave.
    """
    def checked(frame: pd.DataFrame, wave: str) -> dict[str, np.ndarray]:
        return _checked_item_columns(frame, instrument, f"responses (wave {wave!r})")

    if not isinstance(responses_by_wave, pd.DataFrame) or (
            wave_column not in responses_by_wave.columns):
        return [(wave, checked(frame, wave), None)
                for wave, frame in _waves(responses_by_wave, wave_column).items()]
    codes, uniques = pd.factorize(responses_by_wave[wave_column])  # the order of groupby
    if (codes < 0).any() or len({str(wave) for wave in uniques}) < len(uniques):
        # An empty wave (raises the message) or waves whose texts coincide: as before.
        return [(wave, checked(frame, wave), None)
                for wave, frame in _waves(responses_by_wave, wave_column).items()]
    try:
        columns = _checked_item_columns(responses_by_wave, instrument, "responses")
    except DataError:
        for wave, frame in _waves(responses_by_wave, wave_column).items():
            _checked_items(frame, instrument, f"responses (wave {wave!r})")
        raise
    return [(str(wave), columns, codes == position) for position, wave in enumerate(uniques)]


def _complete_cases(columns: Mapping[str, np.ndarray], names: list[str],
                    selected: np.ndarray | None) -> tuple[pd.DataFrame, int]:
    """The selected rows with every item in ``names`` answered, as the frame ``dropna`` gave
    (one float block of items x rows, which the covariance sees as before), and the number
    of selected rows."""
    complete = np.ones(len(columns[names[0]]), dtype=bool) if selected is None else selected
    for name in names:
        if columns[name].dtype.kind == "f":
            complete = complete & ~np.isnan(columns[name])
    rows = np.flatnonzero(complete)
    block = np.empty((len(names), len(rows)))
    for position, name in enumerate(names):
        block[position] = columns[name][rows]
    selected_count = len(complete) if selected is None else int(selected.sum())
    return pd.DataFrame(block.T, columns=names, copy=False), selected_count


def _feldt_interval(alpha: float, n: int, k: int, confidence: float) -> tuple[float, float]:
    """Feldt's interval (as pingouin computes it, without its rounding to 3 decimals).

    The F quantiles come from :func:`scipy.special.fdtri`, the function
    ``scipy.stats.f.isf(q, ...)`` evaluates at ``1 - q`` (the same numbers; importing
    scipy.stats took over a second of the scoring stage).
    """
    tail = (1 - confidence) / 2
    degrees_between, degrees_within = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * special.fdtri(degrees_between, degrees_within, 1.0 - tail)
    high = 1 - (1 - alpha) * special.fdtri(degrees_between, degrees_within, 1.0 - (1 - tail))
    return float(low), float(high)


def _cronbach_alpha(complete: pd.DataFrame) -> float:
    """Alpha of complete cases, computed exactly as :func:`pingouin.cronbach_alpha` does.

    Written here because importing pingouin (which loads matplotlib) took about 3 s of the
    scoring stage, for two lines of arithmetic; ``tests/measures/test_reliability.py`` checks
    that the two agree to the last bit.
    """
    k = complete.shape[1]
    covariance = complete.cov(numeric_only=True)
    return float((k / (k - 1)) * (1 - np.trace(covariance) / covariance.sum().sum()))


def cronbach_alpha_table(responses_by_wave: Mapping[str, pd.DataFrame] | pd.DataFrame,
                         instrument: str | Instrument, confidence: float = 0.95,
                         wave_column: str = "wave") -> pd.DataFrame:
    """Cronbach's alpha with its confidence interval for every subscale and wave.

    Parameters
    ----------
    responses_by_wave : mapping of str to DataFrame, or DataFrame
        Item answers per wave (``{"pre": frame, "post": frame}``), or one table with a
        ``wave_column`` (like ``mbi_items.csv``). Item columns as in the instrument's
        definition; other columns are ignored.
    instrument : str or Instrument
        Registry name (e.g. ``"mbi_hss_mp"``) or a loaded definition.
    confidence : float
        Confidence level of the interval, default 0.95.
    wave_column : str
        Name of the wave column when a single table is given.

    Returns
    -------
    pandas.DataFrame
        One row per subscale and wave (waves in order of appearance): ``instrument``,
        ``subscale``, ``wave``, ``n`` (questionnaires with every item of the subscale
        answered), ``excluded`` (questionnaires with a missing item), ``items`` (number of
        items), ``alpha``, ``ci_low``, ``ci_high``. Alpha is missing when fewer than two
        complete questionnaires or fewer than two items exist, or the total has no variance.

    Raises
    ------
    DataError
        When an item column is missing or an answer is outside the response range.

    Notes
    -----
    Alpha is computed on the complete cases as :func:`pingouin.cronbach_alpha` computes it
    (the same formula, without importing pingouin). Its interval is Feldt's, computed here
    with the same formula because pingouin rounds it to three decimals. Reverse-scored items
    are turned around before alpha is computed.

    References
    ----------
    Cronbach LJ. Coefficient alpha and the internal structure of tests. Psychometrika
    1951;16:297-334. Feldt LS, Woodruff DJ, Salih FA. Statistical inference for coefficient
    alpha. Applied Psychological Measurement 1987;11:93-103.

    Examples
    --------
    >>> answers = pd.DataFrame({f"impostor_{number:02d}": column for number, column in
    ...     enumerate([[1, 1, 0, 0, 1], [1, 1, 0, 0, 0], [1, 0, 0, 1, 1], [1, 1, 1, 0, 0],
    ...                [0, 1, 0, 0, 1], [1, 1, 0, 0, 1], [1, 0, 0, 0, 1], [1, 1, 0, 1, 1]],
    ...               start=1)})
    >>> table = cronbach_alpha_table({"baseline": answers}, "young_impostor_scale")
    >>> print(table[["subscale", "wave", "n", "items", "alpha"]].round(4).to_string(index=False))
    subscale     wave  n  items  alpha
    impostor baseline  5      8 0.7828
    """
    instrument = _as_instrument(instrument)
    if not 0 < confidence < 1:
        raise DataError(f"confidence: must be between 0 and 1, got {confidence!r}")
    rows = []
    for wave, columns, selected in _wave_item_columns(responses_by_wave, instrument,
                                                      wave_column):
        for subscale in instrument.subscales:
            complete, count = _complete_cases(columns, instrument.subscale_columns(subscale),
                                              selected)
            n, k = complete.shape
            alpha = low = high = np.nan
            total_variance = complete.sum(axis=1).var() if n >= 2 else 0.0
            if n >= 2 and k >= 2 and total_variance > 0:
                alpha = _cronbach_alpha(complete)
                low, high = _feldt_interval(alpha, n, k, confidence)
            rows.append({"instrument": instrument.name, "subscale": subscale, "wave": wave,
                         "n": n, "excluded": count - n, "items": k, "alpha": alpha,
                         "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=_COLUMNS)
