"""Make the fixed data of the trial-analysis tests (run once; the CSV is committed).

    cd tests/reference && ../../.venv/bin/python make_trial_analyses_data.py
    Rscript trial_analyses.R    # then writes trial_analyses_reference.json from this CSV

Invented two-arm randomized trials, one row per participant (column ``dataset``), for the
modified Poisson risk ratios (burnout.stats.risk) and the complier average causal effect
(burnout.causal.cace): arm ``group``, stratum ``site``, a yes/no outcome before and after
(``flag_pre``, ``flag_post``), a score before and after (``score_pre``, ``score_post``) and
the sessions attended by the intervention arm (``sessions``, empty for controls); a missing
follow-up leaves ``flag_post`` and ``score_post`` empty.

``typical``
    240 participants in four sites of unequal size, 30% without follow-up, about 75% of the
    intervention arm attending at least 8 of 16 sessions.
``small``
    60 participants in three sites, 20% without follow-up, lower compliance.
``common``
    160 participants with a frequent outcome (risks near 0.8, fitted risks can exceed 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20261130


def _trial(rng, name: str, n: int, sites: list[str], weights: list[float], attrition: float,
           attend: float, base_risk: float) -> pd.DataFrame:
    arm = rng.permutation(np.resize([1, 0], n))
    site = rng.choice(sites, n, p=weights)
    site_effect = {label: value for label, value in zip(sites, rng.normal(0, 1.5, len(sites)),
                                                        strict=True)}
    person = rng.normal(0, 5, n)
    score_pre = np.round(24 + person + np.vectorize(site_effect.get)(site) + rng.normal(0, 3, n))
    engaged = rng.random(n) < attend
    sessions = np.where(engaged, rng.integers(8, 17, n), rng.integers(0, 8, n)).astype(float)
    received = arm * (sessions >= 8)
    score_post = np.round(score_pre * 0.7 + 7 + 0.5 * person - 3 * received + rng.normal(0, 4, n))
    logit_pre = np.log(base_risk / (1 - base_risk)) + 0.15 * (score_pre - 24)
    flag_pre = (rng.random(n) < 1 / (1 + np.exp(-logit_pre))).astype(int)
    risk_post = np.clip(base_risk * np.exp(0.4 * flag_pre - 0.25 * received
                                           + 0.1 * (site == sites[0])), 0, 0.97)
    flag_post = (rng.random(n) < risk_post).astype(float)
    lost = rng.random(n) < attrition
    score_post[lost], flag_post[lost] = np.nan, np.nan
    return pd.DataFrame({
        "dataset": name, "id": [f"{name[0].upper()}{i:03d}" for i in range(1, n + 1)],
        "group": np.where(arm == 1, "intervention", "control"), "site": site,
        "sessions": np.where(arm == 1, sessions, np.nan), "flag_pre": flag_pre,
        "flag_post": flag_post, "score_pre": score_pre, "score_post": score_post})


def main() -> None:
    rng = np.random.default_rng(SEED)
    data = pd.concat([
        _trial(rng, "typical", 240, ["north", "south", "east", "west"], [0.4, 0.3, 0.2, 0.1],
               0.3, 0.75, 0.45),
        _trial(rng, "small", 60, ["a", "b", "c"], [0.5, 0.3, 0.2], 0.2, 0.55, 0.35),
        _trial(rng, "common", 160, ["x", "y"], [0.6, 0.4], 0.25, 0.7, 0.75),
    ], ignore_index=True)
    data.to_csv(HERE / "trial_analyses_data.csv", index=False, float_format="%.10g")


if __name__ == "__main__":
    main()
