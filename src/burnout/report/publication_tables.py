"""The study's publication tables, built from the tidy results the analysis stages wrote.

Each function takes result tables in the shared vocabulary (:mod:`burnout.core.results`) and
returns a DataFrame of display strings, formatted with the rules of :mod:`burnout.report.tables`
(one decimal for scores, ``"<0.001"`` style p-values, ``"a to b"`` intervals), ready for
:func:`burnout.report.tables.export_table`. Outcome names come from the instrument registry
(:func:`burnout.report.labels.outcome_label`); a study with a single group gets one column of
everyone instead of two groups.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from burnout.core.errors import DataError, require_columns
from burnout.report.comparisons.arms import (
    ARM_SIZES,
    SENSITIVITY_LABELS,
    arm_sizes,
    mixed_model_publication_table,
    sensitivity_publication_table,
)
from burnout.report.labels import outcome_label
from burnout.report.tables import (
    format_interval,
    format_median_quartiles,
    format_number,
    format_p_value,
)

__all__ = [
    "TABLE_TEXT",
    "table_text",
    "INDENT",
    "baseline_publication_table",
    "unadjusted_publication_table",
    "risk_ratio_publication_table",
    "mcnemar_publication_table",
    "adjusted_publication_table",
    "mixed_model_publication_table",
    "sensitivity_publication_table",
    "SENSITIVITY_LABELS",
    "survey_publication_table",
    "themes_publication_table",
]

_WAVES = {"pre": "Before", "post": "After", "change": "Change"}

# Caption and notes of each publication table, by the analysis it shows. ``{design}``,
# ``{population}``, ``{covariates}``, ``{per_protocol}``, ``{strata}`` and ``{adjusted}`` are
# filled by :func:`table_text` (empty unless given).
TABLE_TEXT: dict[str, tuple[str, tuple[str, ...]]] = {
    "baseline": ("Baseline characteristics of the participants ({design}).", ()),
    "baseline_groups": ("Baseline characteristics of the participants by group ({design}).",
                        ("SMD: standardized mean difference (intervention minus control for "
                         "measurements).",)),
    "rank_sum": ("Scores before and after the program by group, median (Q1, Q3).",
                 ("Change is after minus before. Location shift: Hodges-Lehmann-type estimate of "
                  "the Wilcoxon rank-sum test (intervention minus control) with its 95% CI; p "
                  "from the rank-sum test with continuity correction.",)),
    "signed_rank": ("Scores before and after the program, median (Q1, Q3).",
                    ("Change is after minus before. Hodges-Lehmann estimate of the change with "
                     "its 95% CI; p from the Wilcoxon signed-rank test with continuity "
                     "correction.",)),
    "risk_ratio": ("Yes/no outcomes at follow-up by group, with risk ratios (intervention "
                   "versus control).",
                   ("n/N: participants with the outcome / participants with a follow-up score "
                    "(complete cases). Risk ratio: the intervention group's risk divided by the "
                    "other group's, 95% CI on the log scale (Katz); p: Wald test of the log "
                    "risk ratio, consistent with the interval.{adjusted}",)),
    "mcnemar": ("Yes/no outcomes before and after the program, with McNemar's test.",
                ("Participants with both surveys. Difference: after minus before, in percentage "
                 "points, with a Wald 95% CI for paired proportions; p: McNemar's test with "
                 "continuity correction.",)),
    "ols": ("Adjusted mean differences in change scores, intervention minus comparison.",
            ("Linear regression of the change score on group, the baseline score and the "
             "covariates ({covariates}). HC3: heteroskedasticity-robust standard errors "
             "(sensitivity analysis).",)),
    "mixed_model": ("Difference in change from baseline, intervention minus control "
                    "(group x time).",
                    ("Linear mixed model score ~ group * time{strata} + (1 | participant), "
                     "REML, in {population}; Wald 95% CI. n: participants analysed per arm; "
                     "with follow-up: those of them with a follow-up score.{per_protocol}",)),
    "sensitivity": ("The primary comparison and its sensitivity analyses.",
                    ("Estimates are differences, intervention minus control, with 95% CIs; n: "
                     "participants analysed per arm. Without strata: the primary model without "
                     "the randomization strata. Per protocol: the same model among intervention "
                     "participants who attended the required sessions and every control; not "
                     "protected by randomization. CACE: effect of receiving the program among "
                     "compliers, the randomized arm as instrument, adjusted for baseline score "
                     "and strata, participants with a follow-up score; t-based 95% CI.",)),
    "mixed_model_time": ("Change from before to after the program, every available observation.",
                         ("Linear mixed model score ~ time + (1 | participant), REML; Wald 95% "
                          "CI.",)),
    "survey": ("Evaluation surveys: respondents agreeing with each item.",
               ("Agree: the levels the response scale counts as agreeing. 95% CI: Wilson score "
                "interval.",)),
    "themes": ("Themes of the free-text answers and agreement between the two coders.",
               ("Counts: responses carrying the theme after reconciliation / responses with free "
                "text. Agreement and Cohen's kappa (large-sample 95% CI): the two coders' "
                "independent codes.",)),
}


def table_text(analysis: str, design, **values: str) -> tuple[str, list[str]]:
    """The caption and notes of the table of ``analysis`` (a key of :data:`TABLE_TEXT`).

    Examples
    --------
    >>> from burnout.designs import get_design
    >>> caption, notes = table_text("baseline", get_design("single_group"))
    >>> caption
    'Baseline characteristics of the participants (single-group pre/post study).'
    """
    caption, notes = TABLE_TEXT[analysis]
    fill = {"design": design.words.design, "population": design.words.population,
            "covariates": "none", "per_protocol": "", "strata": "", "adjusted": "", **values}
    return caption.format(**fill), [note.format(**fill) for note in notes]


def _group_header(group: str, n: object) -> str:
    name = "All participants" if group == "all" else group.capitalize()
    return f"{name} (n = {n})"


def _columns(groups: Sequence[str]) -> list[str]:
    return list(groups) if groups else ["overall"]


# An indented row of Table 1 (a level under its variable): no-break spaces, which every
# format keeps (LaTeX ``~``, Word as typed).
INDENT = "\u00a0" * 4
_BRACKETED = re.compile(r"\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]")


def _quartiles(text: object) -> str:
    """``26.0 [25.0,27.0]`` -> ``26.0 (25.0, 27.0)``: the compendium's one quartile style."""
    return _BRACKETED.sub(r"(\1, \2)", "" if pd.isna(text) else str(text))


def _variable_label(variable: str, labels: Mapping[str, str]) -> str:
    if variable in labels:
        return labels[variable]
    if variable.endswith("_pre"):
        return f"{outcome_label(variable)} at baseline"
    return variable.replace("_", " ").capitalize()


def _level_label(variable: str, level: object, levels: Mapping[str, Mapping[str, str]]) -> str:
    text = str(level)
    named = (levels.get(variable) or {}).get(text)
    return named or text.replace("_", " ").capitalize()


def baseline_publication_table(table1: pd.DataFrame, groups: Sequence[str] = ("intervention",
                                                                             "control"),
                               labels: Mapping[str, str] | None = None,
                               levels: Mapping[str, Mapping[str, str]] | None = None
                               ) -> pd.DataFrame:
    """Table 1 (baseline characteristics) from ``table1.csv`` of the describe stage.

    Parameters
    ----------
    table1 : DataFrame
        Columns ``variable, level, statistic, overall``, one per group, and ``smd``; the row
        with ``variable == "n"`` holds the sizes.
    groups : sequence of str
        The groups (``()`` for a single group: the ``overall`` column, no SMD).
    labels : mapping, optional
        Display names of variables (:func:`burnout.report.labels.codebook_labels`); default:
        a baseline score is "<name> at baseline", any other variable its name with spaces,
        capitalized.
    levels : mapping, optional
        Display names of the levels of categorical variables
        (:func:`burnout.report.labels.codebook_labels`).

    Returns
    -------
    DataFrame
        ``Characteristic``, one column per group (or everyone) and, for two groups, ``SMD``. A
        measurement is one row per statistic ("Age, mean (SD)"); a categorical variable is a
        row "Gender, n (%)" holding its SMD, then one indented row per level. Quartiles are
        written "median (Q1, Q3)".

    Examples
    --------
    >>> table1 = pd.DataFrame({"variable": ["n", "age", "em", "em"],
    ...     "level": [None, None, "0", "1"], "statistic": ["n", "mean (SD)", "n (%)", "n (%)"],
    ...     "overall": ["22", "25.8 (1.1)", "8 (36.4)", "14 (63.6)"],
    ...     "intervention": ["10", "26.0 (1.0)", "3 (30.0)", "7 (70.0)"],
    ...     "control": ["12", "25.6 (1.2)", "5 (41.7)", "7 (58.3)"],
    ...     "smd": [None, 0.36, 0.24, None]})
    >>> table = baseline_publication_table(table1, levels={"em": {"1": "Yes", "0": "No"}})
    >>> table.values.tolist()[:3]
    [['Age, mean (SD)', '26.0 (1.0)', '25.6 (1.2)', '0.36'], \
['Em, n (%)', '', '', '0.24'], ['\xa0\xa0\xa0\xa0No', '3 (30.0)', '5 (41.7)', '']]
    """
    sizes = table1.loc[table1["variable"] == "n"].iloc[0]
    headers = {column: _group_header("all" if column == "overall" else column, sizes[column])
               for column in _columns(groups)}
    rows = []
    for _, row in table1.loc[table1["variable"] != "n"].iterrows():
        variable = str(row["variable"])
        label = _variable_label(variable, labels or {})
        smd = (format_number(row["smd"], decimals=2) if groups and pd.notna(row["smd"])
               else "")
        statistic = _quartiles(row["statistic"])
        if pd.notna(row["level"]) and str(row["level"]) != "":
            if not rows or rows[-1].get("_variable") != variable:
                rows.append({"Characteristic": f"{label}, {statistic}",
                             **dict.fromkeys(headers.values(), ""), "SMD": smd})
            cells = {"Characteristic": INDENT + _level_label(variable, row["level"],
                                                             levels or {}), "SMD": ""}
        else:
            cells = {"Characteristic": f"{label}, {statistic}", "SMD": smd}
        cells.update({header: _quartiles(row[column]) for column, header in headers.items()})
        rows.append({**cells, "_variable": variable})
    table = pd.DataFrame(rows, columns=["Characteristic", *headers.values(), "SMD"])
    return table if groups else table.drop(columns="SMD")


def unadjusted_publication_table(medians: pd.DataFrame, test: pd.DataFrame,
                                 groups: Sequence[str] = ("intervention", "control"),
                                 p_decimals: int = 2) -> pd.DataFrame:
    """Scores before, after and their change (median (Q1, Q3)), with the test of the change.

    Parameters
    ----------
    medians : pandas.DataFrame
        ``unadjusted_medians.csv`` (subscale, wave, group, n, median, q1, q3).
    test : pandas.DataFrame
        The test of the change, one row per score (``<score>_change`` or ``<score>``): the
        rank-sum test of two groups or the signed-rank test of one (``estimate``, ``ci_low``,
        ``ci_high``, ``p``, ``measure``).
    groups : sequence of str
        The groups (``()`` for a single group).
    p_decimals : int
        Decimals of p-values from 0.01 up.

    Examples
    --------
    >>> medians = pd.DataFrame({"subscale": "ee", "wave": ["pre", "post", "change"],
    ...     "group": "all", "n": 30, "median": [24.0, 21.0, -2.0], "q1": [18.0, 15.0, -5.0],
    ...     "q3": [30.0, 27.0, 1.0]})
    >>> test = pd.DataFrame({"outcome": ["ee_change"], "measure": ["location shift"],
    ...     "estimate": [-2.5], "ci_low": [-4.0], "ci_high": [-0.5], "p": [0.02]})
    >>> unadjusted_publication_table(medians, test, groups=()).iloc[2].tolist()
    ['', 'Change', '-2.0 (-5.0, 1.0)', '-2.5 (-4.0 to -0.5)', '0.02']
    """
    require_columns(test, ["outcome", "measure", "estimate", "ci_low", "ci_high", "p"],
                    "unadjusted_publication_table (the test of the change)")
    tests = test.set_index("outcome")
    estimate_header = f"{str(test['measure'].iloc[0]).capitalize()} (95% CI)"
    sizes = medians.groupby("group")["n"].max()
    rows = []
    for score in dict.fromkeys(medians["subscale"]):
        result = tests.loc[f"{score}_change" if f"{score}_change" in tests.index else score]
        for wave, name in _WAVES.items():
            cells = medians[(medians["subscale"] == score) & (medians["wave"] == wave)]
            row = {"Score": outcome_label(score) if wave == "pre" else "", "Wave": name}
            for group in (list(groups) or ["all"]):
                cell = cells[cells["group"] == group].iloc[0]
                row[_group_header(group, sizes[group])] = format_median_quartiles(
                    cell["median"], cell["q1"], cell["q3"])
            change = wave == "change"
            row[estimate_header] = (f"{format_number(result['estimate'])} "
                                    f"({format_interval(result['ci_low'], result['ci_high'])})"
                                    if change else "")
            row["p"] = format_p_value(result["p"], p_decimals) if change else ""
            rows.append(row)
    return pd.DataFrame(rows)


def _definitions(definitions: pd.DataFrame | None) -> dict[str, str]:
    return ({} if definitions is None else
            dict(zip(definitions["outcome"], definitions["definition"], strict=True)))


def _count(events: int, total: int) -> str:
    percent = f"{format_number(100.0 * events / total)}%" if total else "NA"
    return f"{events}/{total} ({percent})"


def risk_ratio_publication_table(risks: pd.DataFrame, definitions: pd.DataFrame | None = None,
                                 p_decimals: int = 2, adjusted: pd.DataFrame | None = None
                                 ) -> pd.DataFrame:
    """Yes/no outcomes at follow-up by group, with the risk ratio (Wald p) and, when given, the
    adjusted risk ratio.

    Parameters
    ----------
    risks : pandas.DataFrame
        ``unadjusted_risk_ratios.csv``: rows of :func:`burnout.stats.risk.risk_ratio_table`.
    definitions : pandas.DataFrame, optional
        ``binary_outcomes.csv`` (``outcome``, ``definition``): adds a ``Definition`` column.
    p_decimals : int
        Decimals of p-values from 0.01 up: 2, or 3 as randomized trials report them.
    adjusted : pandas.DataFrame, optional
        ``adjusted_risk_ratios.csv`` (rows of :func:`burnout.stats.risk.adjusted_risk_ratio`):
        adds ``Adjusted risk ratio (95% CI)`` and ``Adjusted p`` (``NA`` when not estimable).

    Examples
    --------
    >>> risks = pd.DataFrame({"outcome": ["burnout_post"], "exposed_events": [12],
    ...     "n_intervention": [30], "unexposed_events": [20], "n_control": [40],
    ...     "estimate": [0.8], "ci_low": [0.47], "ci_high": [1.36], "p": [0.48], "note": [""]})
    >>> risk_ratio_publication_table(risks).iloc[0].tolist()
    ['Burnout', '12/30 (40.0%)', '20/40 (50.0%)', '0.80 (0.47 to 1.36)', '0.48']
    """
    require_columns(risks, ["outcome", "exposed_events", "n_intervention", "unexposed_events",
                            "n_control", "estimate", "ci_low", "ci_high", "p"],
                    "risk_ratio_publication_table (rows of burnout.stats.risk.risk_ratio_table)")
    described = _definitions(definitions)
    if adjusted is not None:
        require_columns(adjusted, ["outcome", "estimate", "ci_low", "ci_high", "p"],
                        "risk_ratio_publication_table, adjusted")
        missing = sorted(set(risks["outcome"]) - set(adjusted["outcome"]))
        if missing:
            raise DataError(f"risk_ratio_publication_table: adjusted has no row for {missing} "
                            "(rule: the same outcomes as risks)")
    rows = []
    for _, risk in risks.iterrows():
        outcome = str(risk["outcome"]).removesuffix("_post")
        row = {"Outcome": outcome_label(outcome)}
        if definitions is not None:
            row["Definition"] = described.get(outcome, "")
        row["Intervention, n/N (%)"] = _count(int(risk["exposed_events"]),
                                              int(risk["n_intervention"]))
        row["Control, n/N (%)"] = _count(int(risk["unexposed_events"]), int(risk["n_control"]))
        row["Risk ratio (95% CI)"] = (
            f"{format_number(risk['estimate'], 2)} "
            f"({format_interval(risk['ci_low'], risk['ci_high'], 2)})")
        row["p"] = format_p_value(risk["p"], decimals=p_decimals)
        if adjusted is not None:
            other = adjusted.set_index("outcome").loc[risk["outcome"]]
            row["Adjusted risk ratio (95% CI)"] = (
                f"{format_number(other['estimate'], 2)} "
                f"({format_interval(other['ci_low'], other['ci_high'], 2)})")
            row["Adjusted p"] = format_p_value(other["p"], decimals=p_decimals)
        rows.append(row)
    return pd.DataFrame(rows)


def mcnemar_publication_table(tests: pd.DataFrame, definitions: pd.DataFrame | None = None,
                              p_decimals: int = 2) -> pd.DataFrame:
    """Yes/no outcomes before and after in one group, with McNemar's test.

    Examples
    --------
    >>> tests = pd.DataFrame({"outcome": ["burnout"], "n": [40], "proportion_before": [0.5],
    ...     "proportion_after": [0.35], "estimate": [-0.15], "ci_low": [-0.3],
    ...     "ci_high": [0.0], "p": [0.07]})
    >>> mcnemar_publication_table(tests).iloc[0].tolist()
    ['Burnout', '20/40 (50.0%)', '14/40 (35.0%)', '-15.0 (-30.0 to 0.0)', '0.07']
    """
    require_columns(tests, ["outcome", "n", "proportion_before", "proportion_after",
                            "estimate", "ci_low", "ci_high", "p"],
                    "mcnemar_publication_table (rows of burnout.stats.paired.mcnemar_test)")
    described = _definitions(definitions)
    rows = []
    for _, test in tests.iterrows():
        outcome = str(test["outcome"])
        total = int(test["n"])
        row = {"Outcome": outcome_label(outcome)}
        if definitions is not None:
            row["Definition"] = described.get(outcome, "")
        row["Before, n/N (%)"] = _count(round(test["proportion_before"] * total), total)
        row["After, n/N (%)"] = _count(round(test["proportion_after"] * total), total)
        row["Difference, percentage points (95% CI)"] = (
            f"{format_number(100 * test['estimate'])} "
            f"({format_interval(100 * test['ci_low'], 100 * test['ci_high'])})")
        row["p"] = format_p_value(test["p"], decimals=p_decimals)
        rows.append(row)
    return pd.DataFrame(rows)


def adjusted_publication_table(ordinary: pd.DataFrame, robust: pd.DataFrame,
                               p_decimals: int = 2) -> pd.DataFrame:
    """Adjusted mean differences of the change scores: model standard errors and HC3.

    Examples
    --------
    >>> fit = pd.DataFrame({"outcome": ["ee_change"], "n": [60], "estimate": [-1.2],
    ...     "ci_low": [-3.0], "ci_high": [0.6], "p": [0.19]})
    >>> adjusted_publication_table(fit, fit.assign(ci_low=-3.2)).iloc[0].tolist()
    ['Emotional exhaustion', '60', '-1.2 (-3.0 to 0.6)', '0.19', '-3.2 to 0.6', '0.19']

    With the group sizes (``n_intervention``, ``n_control``) the ``n`` column shows each group:

    >>> fit = fit.assign(n_intervention=25, n_control=35)
    >>> table = adjusted_publication_table(fit, fit)
    >>> table.columns[1], table.iloc[0, 1]
    ('n (intervention / control)', '25 / 35')
    """
    robust = robust.set_index("outcome")
    sizes = ARM_SIZES if {"n_intervention", "n_control"} <= set(ordinary.columns) else "n"
    rows = []
    for _, fit in ordinary.iterrows():
        sandwich = robust.loc[fit["outcome"]]
        rows.append({
            "Score": outcome_label(str(fit["outcome"])),
            sizes: arm_sizes(fit),
            "Adjusted difference (95% CI)":
                f"{format_number(fit['estimate'])} "
                f"({format_interval(fit['ci_low'], fit['ci_high'])})",
            "p": format_p_value(fit["p"], p_decimals),
            "HC3 95% CI": format_interval(sandwich["ci_low"], sandwich["ci_high"]),
            "HC3 p": format_p_value(sandwich["p"], p_decimals),
        })
    return pd.DataFrame(rows)


def survey_publication_table(agree_by_respondent: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Agreement with each evaluation item, n/N (%) with the Wilson 95% CI.

    ``agree_by_respondent`` maps a respondent label (e.g. ``"Students"``) to its
    ``survey_agree_<name>.csv`` table (item, wording, agree, respondents, proportion, ci_low,
    ci_high).

    Examples
    --------
    >>> agree = pd.DataFrame({"wording": ["It helped"], "agree": [9], "respondents": [12],
    ...                       "proportion": [0.75], "ci_low": [0.47], "ci_high": [0.91]})
    >>> survey_publication_table({"Peers": agree}).iloc[0].tolist()
    ['Peers', 'It helped', '9/12 (75.0)', '47.0 to 91.0']
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
    percent); ``agreement`` is ``themes_agreement.csv`` (theme, percent_agreement, kappa and its
    interval); ``labels`` maps themes to display labels (the codebook's ``label``).

    Examples
    --------
    >>> frequencies = pd.DataFrame({"theme": ["t"], "respondent_type": ["peer"], "count": [4],
    ...                             "respondents": [10], "percent": [40.0]})
    >>> agreement = pd.DataFrame({"theme": ["t"], "percent_agreement": [90.0], "kappa": [0.7],
    ...                           "kappa_ci_low": [0.4], "kappa_ci_high": [1.0]})
    >>> themes_publication_table(frequencies, agreement, {"t": "Growth"}).iloc[0].tolist()
    ['Growth', '4/10 (40.0)', '90.0', '0.70 (0.40 to 1.00)']
    """
    agreement = agreement.set_index("theme")
    kinds = list(dict.fromkeys(frequencies["respondent_type"]))
    rows = []
    for theme, label in labels.items():
        row = {"Theme": label}
        for kind in kinds:
            cell = frequencies[(frequencies["theme"] == theme)
                               & (frequencies["respondent_type"] == kind)]
            row[f"{kind.replace('_', ' ').capitalize()}s"] = (
                f"{int(cell['count'].iloc[0])}/{int(cell['respondents'].iloc[0])} "
                f"({format_number(cell['percent'].iloc[0])})") if len(cell) else "NA"
        row["Agreement (%)"] = format_number(agreement.loc[theme, "percent_agreement"])
        kappa = agreement.loc[theme, "kappa"]
        interval = format_interval(agreement.loc[theme, "kappa_ci_low"],
                                   agreement.loc[theme, "kappa_ci_high"], 2)
        row["Cohen's kappa (95% CI)"] = (f"{format_number(kappa, 2)} ({interval})"
                                         if pd.notna(kappa) else "NA")
        rows.append(row)
    return pd.DataFrame(rows)
