"""The study's publication tables, built from the tidy results the analysis stages wrote.

Each function takes the tidy CSV tables of one stage and returns a DataFrame of display strings,
formatted with the rules of :mod:`burnout.tables` (one decimal for scores, ``"<0.001"`` style
p-values, ``"a to b"`` intervals), ready for :func:`burnout.tables.export_table`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from burnout.errors import DataError, require_columns
from burnout.tables import (
    format_interval,
    format_median_quartiles,
    format_number,
    format_p_value,
)

__all__ = [
    "baseline_publication_table",
    "unadjusted_publication_table",
    "risk_ratio_publication_table",
    "adjusted_publication_table",
    "mixed_model_publication_table",
    "survey_publication_table",
    "themes_publication_table",
    "SUBSCALE_NAMES",
    "OUTCOME_NAMES",
    "BINARY_OUTCOME_NAMES",
]

# Names of the MBI subscales as a reader of the paper expects them.
SUBSCALE_NAMES = {
    "ee": "Emotional exhaustion",
    "dp": "Depersonalization",
    "pa": "Personal accomplishment",
}
# Names of every outcome of the registry's instruments (the MBI subscales and Study B's
# secondary outcomes).
OUTCOME_NAMES = {
    **SUBSCALE_NAMES,
    "impostor": "Impostor syndrome (YIS, 0-8)",
    "moral_injury": "Moral injury (MISS-HP, 10-100)",
    "self_compassion": "Self-compassion (SCS-SF, 12-60)",
    "flourishing": "Flourishing (SFI, mean 0-10)",
}
# Names of the yes/no outcomes of the scoring stage (flags of the instruments and burnout).
BINARY_OUTCOME_NAMES = {
    "burnout": "Burnout",
    "high_ee": "High emotional exhaustion",
    "high_dp": "High depersonalization",
    "low_pa": "Low personal accomplishment",
    "impostor_syndrome": "Impostor syndrome",
    "significant_moral_injury": "Significant moral injury",
}
_GROUPS = ("intervention", "control")


def _group_header(group: str, n: object) -> str:
    return f"{group.capitalize()} (n = {n})"


def baseline_publication_table(table1: pd.DataFrame,
                               labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Table 1 (baseline characteristics by group) from ``table1.csv`` of the describe stage.

    Parameters
    ----------
    table1 : DataFrame
        Columns ``variable, level, statistic, intervention, control, smd``; the row with
        ``variable == "n"`` holds the group sizes.
    labels : mapping, optional
        Display names of variables (default: the outcome names of :data:`OUTCOME_NAMES` for
        baseline scores, otherwise the column name).

    Returns
    -------
    DataFrame
        Columns ``Characteristic``, ``Intervention (n = ..)``, ``Control (n = ..)``, ``SMD``.

    Examples
    --------
    >>> table1 = pd.DataFrame({"variable": ["n", "age"], "level": [None, None],
    ...     "statistic": ["n", "mean (SD)"], "intervention": ["10", "26.0 (1.0)"],
    ...     "control": ["12", "25.5 (1.2)"], "smd": [None, 0.45]})
    >>> baseline_publication_table(table1).iloc[0].tolist()
    ['age, mean (SD)', '26.0 (1.0)', '25.5 (1.2)', '0.45']
    """
    names = {**{f"{key}_pre": f"{name} at baseline" for key, name in OUTCOME_NAMES.items()},
             **(labels or {})}
    sizes = table1.loc[table1["variable"] == "n"].iloc[0]
    rows = []
    for _, row in table1.loc[table1["variable"] != "n"].iterrows():
        label = names.get(row["variable"], str(row["variable"]).replace("_", " "))
        if pd.notna(row["level"]) and str(row["level"]) != "":
            label = f"{label}: {row['level']}"
        rows.append({
            "Characteristic": f"{label}, {row['statistic']}",
            _group_header("intervention", sizes["intervention"]): row["intervention"],
            _group_header("control", sizes["control"]): row["control"],
            "SMD": format_number(row["smd"], decimals=2) if pd.notna(row["smd"]) else "",
        })
    return pd.DataFrame(rows)


def unadjusted_publication_table(medians: pd.DataFrame, rank_sums: pd.DataFrame) -> pd.DataFrame:
    """Scores before, after and change per group with the rank-sum test of the change.

    ``medians`` is ``unadjusted_medians.csv`` (subscale, wave, group, n, median, q1, q3) and
    ``rank_sums`` is ``unadjusted_rank_sum.csv`` (outcome ``<s>_change``, p_val, shift, CI).
    """
    rows = []
    sizes = medians.groupby("group")["n"].max()
    for subscale, name in SUBSCALE_NAMES.items():
        if subscale not in set(medians["subscale"]):
            continue
        test = rank_sums.set_index("outcome").loc[f"{subscale}_change"]
        for wave in ("pre", "post", "change"):
            cells = medians[(medians["subscale"] == subscale) & (medians["wave"] == wave)]
            row = {"Subscale": name if wave == "pre" else "",
                   "Wave": {"pre": "Before", "post": "After", "change": "Change"}[wave]}
            for group in _GROUPS:
                cell = cells[cells["group"] == group].iloc[0]
                row[_group_header(group, sizes[group])] = format_median_quartiles(
                    cell["median"], cell["q1"], cell["q3"])
            change = wave == "change"
            row["Location shift (95% CI)"] = (
                f"{format_number(test['shift'])} "
                f"({format_interval(test['shift_ci_low'], test['shift_ci_high'])})"
                if change else "")
            row["p"] = format_p_value(test["p_val"]) if change else ""
            rows.append(row)
    return pd.DataFrame(rows)


def risk_ratio_publication_table(risks: pd.DataFrame,
                                 definitions: pd.DataFrame | None = None,
                                 labels: Mapping[str, str] | None = None,
                                 p_decimals: int = 2) -> pd.DataFrame:
    """Yes/no outcomes at follow-up by group, with the risk ratio and Fisher's exact p.

    Parameters
    ----------
    risks : pandas.DataFrame
        ``unadjusted_risk_ratios.csv``: rows of :func:`burnout.risk.risk_ratio_table`
        (``outcome`` such as ``burnout_post``, ``exposed_events``, ``exposed_total``,
        ``unexposed_events``, ``unexposed_total``, ``estimate``, ``ci_low``, ``ci_high``,
        ``p``, ``note``); exposed is the intervention group.
    definitions : pandas.DataFrame, optional
        ``binary_outcomes.csv`` of the scoring stage (``outcome``, ``definition``): adds a
        ``Definition`` column.
    labels : mapping, optional
        Display names of the outcomes (without the ``_post`` suffix); default
        :data:`BINARY_OUTCOME_NAMES`, else the name.
    p_decimals : int
        Decimals of p-values from 0.01 up: 2, or 3 as randomized trials report them.

    Returns
    -------
    pandas.DataFrame
        Display strings: ``Outcome``, (``Definition``), ``Intervention, n/N (%)``,
        ``Control, n/N (%)``, ``Risk ratio (95% CI)`` (two decimals; ``NA`` when undefined)
        and ``p``.

    Raises
    ------
    DataError
        When a required column of ``risks`` is missing.

    Examples
    --------
    >>> risks = pd.DataFrame({"outcome": ["burnout_post"], "exposed_events": [20],
    ...     "exposed_total": [50], "unexposed_events": [40], "unexposed_total": [80],
    ...     "estimate": [0.8], "ci_low": [0.53], "ci_high": [1.2], "p": [0.36], "note": [""]})
    >>> risk_ratio_publication_table(risks).iloc[0].tolist()
    ['Burnout', '20/50 (40.0%)', '40/80 (50.0%)', '0.80 (0.53 to 1.20)', '0.36']
    """
    require_columns(risks, ["outcome", "exposed_events", "exposed_total", "unexposed_events",
                            "unexposed_total", "estimate", "ci_low", "ci_high", "p"],
                    "risk_ratio_publication_table (rows of burnout.risk.risk_ratio_table)")
    names = {**BINARY_OUTCOME_NAMES, **(labels or {})}
    described = ({} if definitions is None else
                 dict(zip(definitions["outcome"], definitions["definition"], strict=True)))
    rows = []
    for _, risk in risks.iterrows():
        outcome = str(risk["outcome"]).removesuffix("_post")
        row = {"Outcome": names.get(outcome, outcome.replace("_", " "))}
        if definitions is not None:
            row["Definition"] = described.get(outcome, "")
        for group, prefix in (("Intervention", "exposed"), ("Control", "unexposed")):
            events, total = int(risk[f"{prefix}_events"]), int(risk[f"{prefix}_total"])
            percent = f"{format_number(100.0 * events / total)}%" if total else "NA"
            row[f"{group}, n/N (%)"] = f"{events}/{total} ({percent})"
        row["Risk ratio (95% CI)"] = (
            f"{format_number(risk['estimate'], 2)} "
            f"({format_interval(risk['ci_low'], risk['ci_high'], 2)})")
        row["p"] = format_p_value(risk["p"], decimals=p_decimals)
        rows.append(row)
    return pd.DataFrame(rows)


def adjusted_publication_table(ordinary: pd.DataFrame, robust: pd.DataFrame) -> pd.DataFrame:
    """Adjusted mean differences of the change scores: model standard errors and HC3.

    ``ordinary`` and ``robust`` are ``adjusted_ols.csv`` and ``adjusted_ols_hc3.csv``.
    """
    robust = robust.set_index("outcome")
    rows = []
    for _, fit in ordinary.iterrows():
        subscale = str(fit["outcome"]).removesuffix("_change")
        sandwich = robust.loc[fit["outcome"]]
        rows.append({
            "Subscale": SUBSCALE_NAMES.get(subscale, subscale),
            "n": str(int(fit["n"])),
            "Adjusted difference (95% CI)":
                f"{format_number(fit['difference'])} "
                f"({format_interval(fit['ci_low'], fit['ci_high'])})",
            "p": format_p_value(fit["p"]),
            "HC3 95% CI": format_interval(sandwich["ci_low"], sandwich["ci_high"]),
            "HC3 p": format_p_value(sandwich["p"]),
        })
    return pd.DataFrame(rows)


def mixed_model_publication_table(intent_to_treat: pd.DataFrame,
                                  per_protocol: pd.DataFrame | None = None,
                                  labels: Mapping[str, str] | None = None,
                                  decimals: int = 2) -> pd.DataFrame:
    """Differences in change (group x time) from the mixed models, one row per outcome.

    Parameters
    ----------
    intent_to_treat : pandas.DataFrame
        ``adjusted_mixed_model.csv``: rows of :func:`burnout.mixed_model.mixed_model`
        (``outcome``, ``difference``, ``se``, ``ci_low``, ``ci_high``, ``p``, ``n_subjects``).
    per_protocol : pandas.DataFrame, optional
        The same models on the per-protocol set (``adjusted_mixed_model_per_protocol.csv``),
        shown as two more columns.
    labels : mapping, optional
        Display names of the outcomes; default :data:`OUTCOME_NAMES`, else the column name.
    decimals : int
        Decimals of estimates, standard errors and intervals.

    Returns
    -------
    pandas.DataFrame
        Display strings: ``Outcome``, ``n``, ``Difference (SE)``, ``95% CI``, ``p`` and, with
        ``per_protocol``, ``Per protocol: difference (95% CI)`` and ``Per protocol: p``.
        p-values have three decimals (``"<0.001"`` below), as trials report them, so that a
        p of 0.048 is not printed as 0.05.

    Raises
    ------
    DataError
        When a required column is missing, or an outcome of ``intent_to_treat`` has no
        per-protocol row.

    Examples
    --------
    >>> itt = pd.DataFrame({"outcome": ["flourishing"], "difference": [0.45], "se": [0.23],
    ...                     "ci_low": [0.0], "ci_high": [0.9], "p": [0.048],
    ...                     "n_subjects": [390]})
    >>> print(mixed_model_publication_table(itt, labels={}).to_string(index=False))
        Outcome   n Difference (SE)       95% CI     p
    flourishing 390     0.45 (0.23) 0.00 to 0.90 0.048
    """
    needed = ["outcome", "difference", "se", "ci_low", "ci_high", "p", "n_subjects"]
    for name, table in (("intent_to_treat", intent_to_treat), ("per_protocol", per_protocol)):
        if table is not None:
            require_columns(table, needed, f"mixed_model_publication_table, {name} (rows of "
                                           f"burnout.mixed_model.mixed_model)")
    labels = dict(OUTCOME_NAMES if labels is None else labels)
    protocol = per_protocol.set_index("outcome") if per_protocol is not None else None
    rows = []
    for _, fit in intent_to_treat.iterrows():
        outcome = str(fit["outcome"])
        row = {
            "Outcome": labels.get(outcome, outcome),
            "n": str(int(fit["n_subjects"])),
            "Difference (SE)": f"{format_number(fit['difference'], decimals)} "
                               f"({format_number(fit['se'], decimals)})",
            "95% CI": format_interval(fit["ci_low"], fit["ci_high"], decimals),
            "p": format_p_value(fit["p"], decimals=3),
        }
        if protocol is not None:
            if outcome not in protocol.index:
                raise DataError(f"mixed_model_publication_table: per_protocol has no row for "
                                f"outcome {outcome!r} (rule: the same outcomes as "
                                f"intent_to_treat)")
            other = protocol.loc[outcome]
            row["Per protocol: difference (95% CI)"] = (
                f"{format_number(other['difference'], decimals)} "
                f"({format_interval(other['ci_low'], other['ci_high'], decimals)})")
            row["Per protocol: p"] = format_p_value(other["p"], decimals=3)
        rows.append(row)
    return pd.DataFrame(rows)


def survey_publication_table(agree_by_respondent: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Agreement with each evaluation item, n/N (%) with the Wilson 95% CI.

    ``agree_by_respondent`` maps a respondent label (e.g. ``"Students"``) to its
    ``survey_agree_*.csv`` table (item, wording, agree, respondents, proportion, ci_low, ci_high).
    """
    rows = []
    for respondent, table in agree_by_respondent.items():
        for _, item in table.iterrows():
            rows.append({
                "Respondents": respondent,
                "Item": item["wording"],
                "Agree, n/N (%)": f"{int(item['agree'])}/{int(item['respondents'])} "
                                  f"({format_number(100 * item['proportion'])})",
                "95% CI (%)": format_interval(100 * item["ci_low"], 100 * item["ci_high"]),
            })
    return pd.DataFrame(rows)


def themes_publication_table(frequencies: pd.DataFrame, agreement: pd.DataFrame,
                             labels: Mapping[str, str]) -> pd.DataFrame:
    """Themes: responses carrying each theme by respondent type, and the coders' agreement.

    ``frequencies`` is ``themes_frequencies.csv`` (theme, respondent_type, count, respondents,
    percent); ``agreement`` is ``themes_agreement.csv`` (theme, percent_agreement, kappa);
    ``labels`` maps theme names to display labels (the codebook's ``label``).
    """
    agreement = agreement.set_index("theme")
    rows = []
    for theme, label in labels.items():
        row = {"Theme": label}
        for respondent_type, header in (("student", "Students"), ("mentor", "Mentors")):
            cell = frequencies[(frequencies["theme"] == theme)
                               & (frequencies["respondent_type"] == respondent_type)]
            row[header] = (f"{int(cell['count'].iloc[0])}/{int(cell['respondents'].iloc[0])} "
                           f"({format_number(cell['percent'].iloc[0])})") if len(cell) else "NA"
        row["Agreement (%)"] = format_number(agreement.loc[theme, "percent_agreement"])
        kappa = agreement.loc[theme, "kappa"]
        row["Cohen's kappa"] = format_number(kappa, decimals=2) if pd.notna(kappa) else "NA"
        rows.append(row)
    return pd.DataFrame(rows)
