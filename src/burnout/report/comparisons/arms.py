"""Group comparisons with the participants of each arm in every row.

A reader of a trial's results table needs to see how many participants of each arm every
estimate rests on (CONSORT 2010, item 16): with differential dropout an analysis of "n = 390"
may rest on 121 intervention and 136 control follow-up surveys. The functions here format
result tables in the shared vocabulary (:mod:`burnout.core.results`, with ``n_intervention``
and ``n_control``) with the rules of :mod:`burnout.report.tables`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from burnout.core.errors import DataError, require_columns
from burnout.report.labels import outcome_label
from burnout.report.tables import format_interval, format_number, format_p_value

__all__ = ["ARM_SIZES", "FOLLOW_UP_SIZES", "SENSITIVITY_LABELS", "arm_sizes",
           "mixed_model_publication_table", "sensitivity_publication_table"]

# Column headers of the per-arm sizes.
ARM_SIZES = "n (intervention / control)"
FOLLOW_UP_SIZES = "With follow-up (intervention / control)"
_NEEDED = ["outcome", "estimate", "ci_low", "ci_high", "p", "n"]
# The rows of a trial's table of sensitivity analyses: analysis (designs.base.ANALYSES) -> label,
# in the order shown; the table shows those the design declares and the study ran.
SENSITIVITY_LABELS = {
    "mixed_model": "Intention to treat, mixed model (primary)",
    "mixed_model_unstratified": "Intention to treat, mixed model without strata",
    "mixed_model_per_protocol": "Per protocol, mixed model (biased: compliers vs all controls)",
    "cace": "Compliers (CACE, two-stage least squares)"}


def arm_sizes(row: Mapping, prefix: str = "n_") -> str:
    """``"197 / 193"`` from a result row's ``n_intervention`` and ``n_control`` (or, with
    ``prefix="n_followup_"``, its follow-up counts); the total ``n`` when a row has none.

    Examples
    --------
    >>> arm_sizes({"n": 390, "n_intervention": 197, "n_control": 193})
    '197 / 193'
    >>> arm_sizes({"n": 40})
    '40'
    """
    exposed, unexposed = row.get(f"{prefix}intervention"), row.get(f"{prefix}control")
    if exposed is None or unexposed is None or pd.isna(exposed) or pd.isna(unexposed):
        return str(int(row["n"]))
    return f"{int(exposed)} / {int(unexposed)}"


def _has_arms(table: pd.DataFrame) -> bool:
    return {"n_intervention", "n_control"} <= set(table.columns)


def mixed_model_publication_table(primary: pd.DataFrame, per_protocol: pd.DataFrame | None = None,
                                  decimals: int = 2, p_decimals: int = 3,
                                  estimate_name: str = "Difference") -> pd.DataFrame:
    """Estimates of the mixed models (group x time, or time alone), one row per outcome.

    Parameters
    ----------
    primary : pandas.DataFrame
        Rows of :func:`burnout.stats.mixed_model.mixed_model` (``outcome``, ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``p``, ``n`` and, for two groups, ``n_intervention``,
        ``n_control``, ``n_followup_intervention``, ``n_followup_control``).
    per_protocol : pandas.DataFrame, optional
        The same models on the per-protocol set, shown as three more columns.
    decimals : int
        Decimals of estimates, standard errors and intervals.
    p_decimals : int
        Decimals of p-values from 0.01 up (trials report 3: 0.048 is not 0.05).
    estimate_name : str
        The estimate's column name ("Difference", or "Change" for a single group).

    Returns
    -------
    pandas.DataFrame
        ``Outcome``, the sizes (``n (intervention / control)`` and ``With follow-up
        (intervention / control)`` when the rows have them, else ``n``), the estimate with its
        SE, ``95% CI`` and ``p``; then the per-protocol columns.

    Raises
    ------
    DataError
        When a required column is missing, or an outcome has no per-protocol row.

    Examples
    --------
    >>> fit = pd.DataFrame({"outcome": ["flourishing"], "estimate": [0.31], "se": [0.15],
    ...                     "ci_low": [0.02], "ci_high": [0.6], "p": [0.037], "n": [120]})
    >>> print(mixed_model_publication_table(fit).to_string(index=False))
                         Outcome   n Difference (SE)       95% CI     p
    Flourishing (SFI, mean 0-10) 120     0.31 (0.15) 0.02 to 0.60 0.037
    >>> fit = fit.assign(n_intervention=58, n_control=62, n_followup_intervention=40,
    ...                  n_followup_control=49)
    >>> mixed_model_publication_table(fit).iloc[0, 1:3].tolist()
    ['58 / 62', '40 / 49']
    """
    for name, table in (("primary", primary), ("per_protocol", per_protocol)):
        if table is not None:
            require_columns(table, [*_NEEDED, "se"], f"mixed_model_publication_table, {name} "
                                                     "(rows of burnout.stats.mixed_model."
                                                     "mixed_model)")
    protocol = per_protocol.set_index("outcome") if per_protocol is not None else None
    follow_up = {"n_followup_intervention", "n_followup_control"} <= set(primary.columns)
    rows = []
    for _, fit in primary.iterrows():
        outcome = str(fit["outcome"])
        row = {"Outcome": outcome_label(outcome)}
        row[ARM_SIZES if _has_arms(primary) else "n"] = arm_sizes(fit)
        if follow_up:
            row[FOLLOW_UP_SIZES] = arm_sizes(fit, "n_followup_")
        row.update({f"{estimate_name} (SE)": f"{format_number(fit['estimate'], decimals)} "
                                             f"({format_number(fit['se'], decimals)})",
                    "95% CI": format_interval(fit["ci_low"], fit["ci_high"], decimals),
                    "p": format_p_value(fit["p"], decimals=p_decimals)})
        if protocol is not None:
            if outcome not in protocol.index:
                raise DataError(f"mixed_model_publication_table: per_protocol has no row for "
                                f"outcome {outcome!r} (rule: the same outcomes as primary)")
            other = protocol.loc[outcome]
            sizes = ARM_SIZES if _has_arms(per_protocol) else "n"
            row[f"Per protocol: {sizes}"] = arm_sizes(other)
            row[f"Per protocol: {estimate_name.lower()} (95% CI)"] = (
                f"{format_number(other['estimate'], decimals)} "
                f"({format_interval(other['ci_low'], other['ci_high'], decimals)})")
            row["Per protocol: p"] = format_p_value(other["p"], decimals=p_decimals)
        rows.append(row)
    return pd.DataFrame(rows)


def sensitivity_publication_table(analyses: Mapping[str, pd.DataFrame], decimals: int = 2,
                                  p_decimals: int = 3) -> pd.DataFrame:
    """The primary comparison and its sensitivity analyses, one row per outcome and analysis.

    Parameters
    ----------
    analyses : mapping
        Label of the analysis (``"Primary: mixed model with strata"``, ``"Per protocol"``,
        ...) -> its result table (``outcome``, ``estimate``, ``ci_low``, ``ci_high``, ``p``,
        ``n`` and, where known, ``n_intervention`` and ``n_control``), in the order shown.
        Outcomes follow the first table; a table without a row for an outcome is skipped.
    decimals, p_decimals : int
        Decimals of estimates and intervals, and of p-values from 0.01 up.

    Returns
    -------
    pandas.DataFrame
        ``Outcome`` (on the first row of each outcome), ``Analysis``, ``n (intervention /
        control)``, ``Estimate (95% CI)``, ``p``.

    Raises
    ------
    DataError
        When ``analyses`` is empty or a table lacks a required column.

    Examples
    --------
    >>> fit = pd.DataFrame({"outcome": ["ee"], "estimate": [-0.4], "ci_low": [-2.3],
    ...     "ci_high": [1.5], "p": [0.67], "n": [390], "n_intervention": [197],
    ...     "n_control": [193]})
    >>> table = sensitivity_publication_table({"Primary": fit, "Compliers": fit.assign(
    ...     estimate=-0.8, n=257, n_intervention=121, n_control=136)})
    >>> table.values.tolist()
    [['Emotional exhaustion', 'Primary', '197 / 193', '-0.40 (-2.30 to 1.50)', '0.670'], \
['', 'Compliers', '121 / 136', '-0.80 (-2.30 to 1.50)', '0.670']]
    """
    if not analyses:
        raise DataError("sensitivity_publication_table: no analysis given")
    for label, table in analyses.items():
        require_columns(table, _NEEDED, f"sensitivity_publication_table, {label!r}")
    indexed = {label: table.set_index(table["outcome"].astype(str))
               for label, table in analyses.items()}
    rows = []
    for outcome in next(iter(analyses.values()))["outcome"].astype(str):
        first = True
        for label, table in indexed.items():
            if outcome not in table.index:
                continue
            fit = table.loc[outcome]
            interval = format_interval(fit["ci_low"], fit["ci_high"], decimals)
            rows.append({"Outcome": outcome_label(outcome) if first else "", "Analysis": label,
                         ARM_SIZES: arm_sizes(fit),
                         "Estimate (95% CI)": f"{format_number(fit['estimate'], decimals)} "
                                              f"({interval})",
                         "p": format_p_value(fit["p"], decimals=p_decimals)})
            first = False
    return pd.DataFrame(rows)
