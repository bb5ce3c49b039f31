"""The one column vocabulary of every statistical result.

Every procedure of :mod:`burnout.stats` returns a tidy :class:`pandas.DataFrame`, one row per
outcome (or per outcome and group), whose columns come from this list, in this order, followed by
the procedure's own extra columns (for example ``W`` of the rank-sum test or ``exposed_risk`` of a
risk ratio). A reader, a table writer or a test can therefore find the estimate, its interval and
its p-value under the same names whatever the procedure:

=================  =================================================================================
column             meaning
=================  =================================================================================
``outcome``        what was analysed: a score (``ee``), a change score (``ee_change``) or a flag
``method``         the procedure, a short stable name (``rank_sum``, ``risk_ratio``, ``ols``, ...)
``measure``        what ``estimate`` is, in words (``location shift``, ``risk ratio``, ...)
``estimate``       the point estimate of that measure (differences: intervention minus control,
                   or after minus before in a single group)
``se``             its standard error, when the procedure has one
``ci_low``         lower bound of its confidence interval
``ci_high``        upper bound of its confidence interval
``confidence``     the confidence level of the interval (0.95)
``statistic``      the test statistic (W, V, t, z, chi-squared)
``df``             degrees of freedom of ``statistic``, when it has them
``p``              two-sided p-value
``n``              participants (or observations) the procedure used
``n_intervention`` participants of the intervention group used (two-group procedures)
``n_control``      participants of the control group used (two-group procedures)
=================  =================================================================================
"""

from __future__ import annotations

import functools
import re

import pandas as pd

__all__ = ["RESULT_COLUMNS", "result_frame", "tidy_result", "key_part"]

# The shared columns, in the order every result table shows them.
RESULT_COLUMNS = ("outcome", "method", "measure", "estimate", "se", "ci_low", "ci_high",
                  "confidence", "statistic", "df", "p", "n", "n_intervention", "n_control")


def result_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows of results as a DataFrame: the shared columns first (those present), then the rest.

    Parameters
    ----------
    rows : list of dict
        One mapping per result row; keys are column names.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`RESULT_COLUMNS` that occur in ``rows``, in that order, followed by the
        other columns in the order they first occur.

    Examples
    --------
    >>> result_frame([{"p": 0.2, "estimate": 1.5, "outcome": "ee", "W": 12.0}])
      outcome  estimate    p     W
    0      ee       1.5  0.2  12.0
    """
    seen: list[str] = []
    for row in rows:
        seen += [column for column in row if column not in seen]
    shared = [column for column in RESULT_COLUMNS if column in seen]
    extra = [column for column in seen if column not in RESULT_COLUMNS]
    return pd.DataFrame(rows, columns=shared + extra)


def tidy_result(procedure):
    """Decorator: a procedure that computes its result as one row (a dict) or rows (a list of
    dicts) returns it as a :func:`result_frame`; the rows stay available as ``procedure.row``.

    The simulation lab runs the pipeline's procedures tens of thousands of times and reads four
    numbers of each result; building a one-row DataFrame cost more than some of the fits.
    ``.row`` gives it the very same computation without that packaging.

    Examples
    --------
    >>> @tidy_result
    ... def difference(a, b):
    ...     return {"outcome": "x", "estimate": a - b}
    >>> difference(3, 1)
      outcome  estimate
    0       x         2
    >>> difference.row(3, 1)
    {'outcome': 'x', 'estimate': 2}
    """
    @functools.wraps(procedure)
    def as_frame(*args, **kwargs) -> pd.DataFrame:
        rows = procedure(*args, **kwargs)
        return result_frame(rows if isinstance(rows, list) else [rows])

    as_frame.row = procedure
    return as_frame


def key_part(value: object) -> str:
    """A name as one part of a dotted numbers key: lower case, other characters ``_``.

    Examples
    --------
    >>> key_part("Q1"), key_part("Hours spent"), key_part("self_reflection")
    ('q1', 'hours_spent', 'self_reflection')
    """
    return re.sub(r"[^a-z0-9_]+", "_", str(value).lower()).strip("_") or "blank"
