"""Words for a meta-analysis: the command line's summary and the synthesis notebook's sentences.

Numbers come from the :class:`~burnout.synthesis.meta_analysis.MetaAnalysis`; the words follow
the estimate and its intervals, never a p-value alone: an interval that spans zero is reported as
"compatible with no difference and with <the ends>", not as "no effect"; heterogeneity is reported
with tau^2, I^2 and the prediction interval, which says where the result of a new, similar study
may lie. No sentence speaks of an effect: the pooled studies include non-randomized ones.
"""

from __future__ import annotations

import pandas as pd

from burnout.report.tables import format_interval, format_number, format_p_value

__all__ = ["meta_analysis_report", "pooled_sentence"]


def pooled_sentence(pooled: pd.Series, label: str, decimals: int = 2) -> str:
    """One sentence on a pooled estimate, its interval, p and heterogeneity.

    Examples
    --------
    >>> row = pd.Series({"estimate": -0.21, "ci_low": -0.52, "ci_high": 0.10, "p": 0.18,
    ...                  "n": 3, "tau2": 0.02, "i2": 31.0, "pi_low": -1.4, "pi_high": 0.98,
    ...                  "measure": "SMD", "test": "z"})
    >>> print(pooled_sentence(row, "emotional exhaustion"))
    Across 3 studies, the pooled SMD for emotional exhaustion was -0.21 (95% CI -0.52 to 0.10; p = 0.18): compatible both with no difference and with differences from -0.52 to 0.10. Heterogeneity: tau^2 = 0.02, I^2 = 31%; a new, similar study's difference is expected between -1.40 and 0.98 (95% prediction interval). With 3 studies tau^2 is poorly estimated; the Hartung-Knapp adjustment gives more honest intervals.
    """  # noqa: E501
    interval = format_interval(pooled["ci_low"], pooled["ci_high"], decimals)
    text = (f"Across {int(pooled['n'])} studies, the pooled {pooled['measure']} for {label} was "
            f"{format_number(pooled['estimate'], decimals)} (95% CI {interval}; "
            f"{_p_text(pooled['p'])})")
    if pooled["ci_low"] <= 0 <= pooled["ci_high"]:
        text += (f": compatible both with no difference and with differences from "
                 f"{format_number(pooled['ci_low'], decimals)} to "
                 f"{format_number(pooled['ci_high'], decimals)}.")
    else:
        side = "below" if pooled["ci_high"] < 0 else "above"
        text += f": the interval lies {side} zero."
    text += (f" Heterogeneity: tau^2 = {format_number(pooled['tau2'], decimals)}, "
             f"I^2 = {pooled['i2']:.0f}%; a new, similar study's difference is expected "
             f"between {format_number(pooled['pi_low'], decimals)} and "
             f"{format_number(pooled['pi_high'], decimals)} (95% prediction interval).")
    if int(pooled["n"]) < 5:
        text += f" With {int(pooled['n'])} studies tau^2 is poorly estimated" + (
            "; read the pooled value as a description of these studies, not a verdict."
            if pooled.get("test") == "knha"
            else "; the Hartung-Knapp adjustment gives more honest intervals.")
    return text


def _p_text(p: float) -> str:
    shown = format_p_value(p, 2)
    return f"p {shown}" if shown.startswith(("<", ">")) else f"p = {shown}"


def meta_analysis_report(estimates: pd.DataFrame, pooled, regression=None) -> str:
    """The command line's printed summary (numbers to 4 decimals, like R metafor's print).

    Parameters
    ----------
    estimates : pandas.DataFrame
        The studies (``study``, ``estimate``, ``se``).
    pooled, regression : MetaAnalysis
        The model without moderators and, optionally, the meta-regression.
    """
    row = pooled.pooled.iloc[0]
    test = "Hartung-Knapp (t)" if row["test"] == "knha" else "Wald (z)"
    lines = [f"Random-effects model (k = {int(row['n'])}; tau^2 estimator: {row['tau2_method']}; "
             f"test: {test}; measure: {row['measure']})", "",
             f"  tau^2 = {row['tau2']:.4f}   tau = {row['tau']:.4f}   I^2 = {row['i2']:.2f}%   "
             f"H^2 = {row['h2']:.2f}",
             f"  Q(df = {int(row['q_df'])}) = {row['q']:.4f}, p = {row['q_p']:.4f}", "",
             "  estimate      se   ci_low  ci_high        p   pi_low  pi_high",
             f"  {row['estimate']:8.4f} {row['se']:7.4f} {row['ci_low']:8.4f} "
             f"{row['ci_high']:8.4f} {row['p']:8.4f} {row['pi_low']:8.4f} "
             f"{row['pi_high']:8.4f}", "", "Studies (weight %):"]
    weights = pooled.weights.set_index("study")["weight"]
    for study, estimate, se in zip(estimates.get("study", weights.index), estimates["estimate"],
                                   estimates["se"], strict=True):
        lines.append(f"  {str(study):<40} {estimate:8.4f} (se {se:.4f})  "
                     f"{weights.get(str(study), float('nan')):5.1f}%")
    if regression is not None:
        test_row = regression.moderator_test
        lines += ["", f"Meta-regression (residual tau^2 = "
                      f"{regression.pooled.iloc[0]['tau2']:.4f}; test of moderators: "
                      f"{test_row['test']} = {test_row['statistic']:.4f}, "
                      f"p = {test_row['p']:.4f})",
                  "  term                          estimate      se        p"]
        for term in regression.coefficients.itertuples():
            lines.append(f"  {term.term:<28} {term.estimate:9.4f} {term.se:7.4f} {term.p:8.4f}")
    return "\n".join(lines)
