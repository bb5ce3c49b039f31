"""Make the fixed test data of the sensitivity tests (run once; the CSVs are committed).

    cd tests/reference && PYTHONPATH=../../src ../../.venv/bin/python make_sensitivity_data.py
    Rscript sensitivity.R    # then writes sensitivity_reference.json from these CSVs

* ``sensitivity_data.csv``: an INVENTED two-arm dataset of 48 participants at three sites with
  two scores (``ee``, ``pa``) before and after; about a quarter of the follow-up scores are
  missing (more often in the intervention arm and at higher baseline exhaustion: missing at
  random given the baseline).
* ``sensitivity_imputed.csv``: the ``m = 5`` completed datasets of
  :func:`burnout.sensitivity.imputation.impute_chained` (seed 7, 10 cycles; predictors the two
  baseline scores, the group and the site), stacked with ``.imp`` (1 to 5) and ``imputed_ee`` /
  ``imputed_pa`` (1 where the value was imputed). R pools its own ``lm`` fits of these very sets
  with ``mice::pool``; the Python test checks that the imputation reproduces them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from burnout.sensitivity.imputation import impute_chained

HERE = Path(__file__).resolve().parent
SEED, M, ITERATIONS = 7, 5, 10
PREDICTORS = ["ee_pre", "pa_pre", "group", "site"]


def invented_data() -> pd.DataFrame:
    rng = np.random.default_rng(20261130)
    n = 48
    group = np.repeat(["intervention", "control"], n // 2)
    site = np.tile(["north", "south", "west"], n // 3)
    ee_pre = np.round(rng.normal(24, 8, n).clip(0, 54))
    pa_pre = np.round(rng.normal(36, 6, n).clip(0, 48))
    treated = (group == "intervention").astype(float)
    ee_post = np.round((4 + 0.75 * ee_pre - 2.0 * treated + rng.normal(0, 5, n)).clip(0, 54))
    pa_post = np.round((9 + 0.75 * pa_pre + 1.5 * treated + rng.normal(0, 4, n)).clip(0, 48))
    chance = 1 / (1 + np.exp(-(-1.6 + 0.6 * treated + 0.06 * (ee_pre - 24))))
    lost = rng.random(n) < chance
    data = pd.DataFrame({"student_id": [f"P{i:02d}" for i in range(1, n + 1)], "group": group,
                         "site": site, "ee_pre": ee_pre, "ee_post": np.where(lost, np.nan, ee_post),
                         "pa_pre": pa_pre, "pa_post": np.where(lost, np.nan, pa_post)})
    for score in ("ee", "pa"):
        data[f"{score}_change"] = data[f"{score}_post"] - data[f"{score}_pre"]
    return data


def main() -> None:
    data = invented_data()
    data.to_csv(HERE / "sensitivity_data.csv", index=False, lineterminator="\n")
    imputed = impute_chained(data, ["ee_post", "pa_post"], PREDICTORS, m=M, seed=SEED,
                             iterations=ITERATIONS)
    stacked = pd.concat([frame.assign(**{".imp": number,
                                         "imputed_ee": imputed.missing["ee_post"].astype(int),
                                         "imputed_pa": imputed.missing["pa_post"].astype(int)})
                         for number, frame in enumerate(imputed.sets, start=1)])
    stacked.to_csv(HERE / "sensitivity_imputed.csv", index=False, lineterminator="\n",
                   float_format="%.17g")


if __name__ == "__main__":
    main()
