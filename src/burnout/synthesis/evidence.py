"""The estimates file of a meta-analysis: one row per study, every problem named.

An estimates file is a CSV with one row per study (and, when it holds several outcomes, an
``outcome`` column). Each row gives its effect in one of three ways:

1. ``estimate`` and ``se`` (the standard error, > 0);
2. ``estimate``, ``ci_low`` and ``ci_high`` (a 95% Wald interval, or the level in a
   ``confidence`` column): ``se = (ci_high - ci_low) / (2 z)``;
3. the summary statistics ``mean_intervention``, ``sd_intervention``, ``n_intervention``,
   ``mean_control``, ``sd_control``, ``n_control`` (e.g. of change scores): the effect is computed
   on the scale asked for, ``SMD`` (Hedges' g, :func:`burnout.synthesis.effect_sizes.hedges_g`)
   or ``MD`` (the mean difference, ``se = sqrt(sd1^2/n1 + sd2^2/n2)``).

Any other column is kept: moderators (``format``, ``matching``, ...), ``citation``, ``doi``.
A problem is reported with the file, the line, the column and the rule, as a
:class:`~burnout.core.errors.DataError`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from burnout.core.errors import DataError
from burnout.synthesis.effect_sizes import hedges_g

__all__ = ["SUMMARY_COLUMNS", "MEASURES", "read_estimates", "checked_estimates"]

# The summary statistics from which an effect is computed (way 3).
SUMMARY_COLUMNS = ("mean_intervention", "sd_intervention", "n_intervention", "mean_control",
                   "sd_control", "n_control")
# The scales an effect computed from summary statistics can be put on.
MEASURES = ("SMD", "MD")


def _where(source: str, index: int, column: str) -> str:
    """``file, line N, column 'x'`` (line 1 is the header)."""
    return f"{source}, line {index + 2}, column '{column}'"


def _number(frame: pd.DataFrame, column: str, index: int, source: str) -> float:
    value = frame.at[index, column]
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if not np.isfinite(number):
        raise DataError(f"{_where(source, index, column)}: value {value!r}: rule broken: a "
                        "number")
    return float(number)


def _present(frame: pd.DataFrame, column: str, index: int) -> bool:
    return column in frame.columns and not pd.isna(frame.at[index, column]) and \
        str(frame.at[index, column]).strip() != ""


def _from_summary(frame, index, source, measure) -> tuple[float, float]:
    values = {column: _number(frame, column, index, source) for column in SUMMARY_COLUMNS}
    for column in ("sd_intervention", "sd_control", "n_intervention", "n_control"):
        if values[column] <= 0:
            raise DataError(f"{_where(source, index, column)}: value {values[column]:g}: rule "
                            "broken: > 0")
    if measure == "SMD":
        effect = hedges_g(values["mean_intervention"], values["sd_intervention"],
                          int(values["n_intervention"]), values["mean_control"],
                          values["sd_control"], int(values["n_control"]))
        return effect["estimate"], effect["se"]
    se = np.sqrt(values["sd_intervention"] ** 2 / values["n_intervention"]
                 + values["sd_control"] ** 2 / values["n_control"])
    return values["mean_intervention"] - values["mean_control"], float(se)


def _from_interval(frame, index, source, estimate) -> float:
    low, high = (_number(frame, column, index, source) for column in ("ci_low", "ci_high"))
    if not low <= estimate <= high or low == high:
        raise DataError(f"{source}, line {index + 2}: ci_low {low:g}, estimate {estimate:g}, "
                        f"ci_high {high:g}: rule broken: ci_low <= estimate <= ci_high, "
                        "ci_low < ci_high")
    confidence = (_number(frame, "confidence", index, source)
                  if _present(frame, "confidence", index) else 0.95)
    if not 0 < confidence < 1:
        raise DataError(f"{_where(source, index, 'confidence')}: value {confidence:g}: rule "
                        "broken: a level between 0 and 1 (0.95)")
    return (high - low) / (2 * stats.norm.ppf(0.5 + confidence / 2))


def _row_effect(frame, index, source, measure) -> tuple[float, float]:
    """The estimate and its standard error of one row, from whichever way the row gives it."""
    if not _present(frame, "estimate", index):
        if all(_present(frame, column, index) for column in SUMMARY_COLUMNS):
            return _from_summary(frame, index, source, measure)
        raise DataError(f"{_where(source, index, 'estimate')}: empty: rule broken: give "
                        "estimate with se (or ci_low and ci_high), or the summary statistics "
                        f"{', '.join(SUMMARY_COLUMNS)}")
    estimate = _number(frame, "estimate", index, source)
    if _present(frame, "se", index):
        se = _number(frame, "se", index, source)
        if se <= 0:
            raise DataError(f"{_where(source, index, 'se')}: value {se:g}: rule broken: se > 0")
        return estimate, se
    if _present(frame, "ci_low", index) and _present(frame, "ci_high", index):
        return estimate, _from_interval(frame, index, source, estimate)
    raise DataError(f"{_where(source, index, 'se')}: empty: rule broken: a row with an estimate "
                    "needs se, or ci_low and ci_high")


def checked_estimates(frame: pd.DataFrame, source: str = "estimates",
                      moderators: Sequence[str] = (), measure: str = "SMD",
                      minimum: int = 2) -> pd.DataFrame:
    """An estimates table checked and completed: ``study``, ``estimate``, ``se`` on every row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows, as read (see the module's description for the columns).
    source : str
        The file's name, for messages.
    moderators : sequence of str
        Columns that must exist and be filled on every row.
    measure : {"SMD", "MD"}
        The scale of effects computed from summary statistics.
    minimum : int
        The fewest rows accepted (2 for a meta-analysis of this file alone; 1 for a file that
        adds studies to others).

    Examples
    --------
    >>> rows = pd.DataFrame({"study": ["a", "b"], "estimate": [-0.4, 0.1], "se": [0.2, None],
    ...                      "ci_low": [None, -0.292], "ci_high": [None, 0.492]})
    >>> checked_estimates(rows)[["study", "estimate", "se"]].round(3)
      study  estimate   se
    0     a      -0.4  0.2
    1     b       0.1  0.2
    """
    if measure not in MEASURES:
        raise DataError(f"measure {measure!r}: not one of {', '.join(MEASURES)}")
    frame = frame.reset_index(drop=True)
    wanted = ["study", *moderators]
    missing = [column for column in wanted if column not in frame.columns]
    if missing:
        raise DataError(f"{source}: column(s) {missing} missing (columns: "
                        f"{', '.join(map(str, frame.columns))})")
    if len(frame) < minimum:
        raise DataError(f"{source}: {len(frame)} row(s); a meta-analysis needs at least two "
                        "studies" if minimum >= 2 else f"{source}: no rows")
    effects = [_row_effect(frame, index, source, measure) for index in frame.index]
    for column in ("study", *moderators):
        empty = [index for index in frame.index if not _present(frame, column, index)]
        if empty:
            raise DataError(f"{_where(source, empty[0], column)}: empty: rule broken: a value "
                            "on every row")
    out = frame.copy()
    out["estimate"] = [effect[0] for effect in effects]
    out["se"] = [effect[1] for effect in effects]
    return out


def read_estimates(path: str | os.PathLike[str], moderators: Sequence[str] = (),
                   measure: str = "SMD", minimum: int = 2) -> pd.DataFrame:
    """Read and check an estimates file (see :func:`checked_estimates`).

    Raises
    ------
    DataError
        The file is missing or not a CSV, a column is missing, a value breaks a rule (the
        message names file, line, column and rule), or fewer than two studies.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: not a readable CSV file ({error})") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    return checked_estimates(frame, str(path), moderators, measure, minimum)
