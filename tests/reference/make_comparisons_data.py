"""Make the fixed test data of the comparison tests (run once; the CSVs are committed).

    cd tests/reference && ../../.venv/bin/python make_comparisons_data.py
    Rscript comparisons.R    # then writes comparisons_reference.json from these CSVs

Seeded (numpy default_rng(20240501)): re-running writes the same bytes. Values are rounded
to a few decimals so R and Python read exactly the same doubles from the text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20240501


def rank_sum_datasets(rng: np.random.Generator) -> pd.DataFrame:
    """Two-sample datasets for wilcox.test: continuous, integer, heavy ties, degenerate."""
    datasets = {
        "continuous": (np.round(rng.normal(0.5, 1.0, 30), 3), np.round(rng.normal(0, 1.2, 25), 3)),
        "mbi_change": (rng.integers(-10, 9, 51).astype(float),
                       rng.integers(-8, 9, 84).astype(float)),
        "heavy_ties": (rng.choice([-1.0, 0.0, 1.0], 20, p=[0.2, 0.5, 0.3]),
                       rng.choice([-1.0, 0.0, 1.0], 30, p=[0.4, 0.4, 0.2])),
        "binary": (rng.choice([0.0, 1.0], 25, p=[0.3, 0.7]),
                   rng.choice([0.0, 1.0], 22, p=[0.6, 0.4])),
        "one_group_constant": (rng.integers(-3, 6, 15).astype(float), np.zeros(12)),
        "small": (np.array([1.5, 3.25, 4.0, 7.75]), np.array([0.5, 1.0, 2.0, 2.5, 3.0])),
        "separated": (np.array([1.0]), np.arange(2.0, 61.0)),
        "shifted_ties": (rng.integers(0, 5, 40).astype(float) + 2,
                         rng.integers(0, 5, 35).astype(float)),
    }
    rows = []
    for name, (x, y) in datasets.items():
        rows += [{"dataset": name, "sample": "x", "value": value} for value in x]
        rows += [{"dataset": name, "sample": "y", "value": value} for value in y]
    return pd.DataFrame(rows)


def risk_datasets() -> pd.DataFrame:
    """2 x 2 tables: typical, small, a zero cell in each group, every participant an event."""
    rows = [
        ("typical", 10, 51, 30, 84),
        ("small", 3, 12, 5, 14),
        ("protective", 8, 51, 41, 84),
        ("exposed_zero", 0, 51, 12, 84),
        ("unexposed_zero", 7, 51, 0, 84),
        ("all_events", 51, 51, 80, 84),
    ]
    return pd.DataFrame(rows, columns=["dataset", "exposed_events", "exposed_total",
                                       "unexposed_events", "unexposed_total"])


def analysis_dataset(rng: np.random.Generator) -> pd.DataFrame:
    """An analysis.csv-like table: 51 intervention, 84 control, some post scores missing."""
    n_intervention, n_control = 51, 84
    n = n_intervention + n_control
    group = np.array(["intervention"] * n_intervention + ["control"] * n_control)
    site = np.where(rng.random(n) < 0.45, "site_1", "site_2")
    gender = rng.choice(["female", "male", "nonbinary"], n, p=[0.48, 0.47, 0.05])
    applying_em = rng.integers(0, 2, n)
    age = rng.integers(24, 33, n)
    student = rng.normal(0, 4, n)
    frame = pd.DataFrame({"student_id": [f"S{i + 1:03d}" for i in range(n)], "site": site,
                          "group": group, "age": age, "gender": gender,
                          "applying_em": applying_em})
    effects = {"ee": (24, -1.0, 9, 54), "dp": (9, -0.5, 5, 30), "pa": (36, 2.0, 6, 48)}
    is_intervention = (group == "intervention").astype(float)
    for score, (mean, effect, spread, top) in effects.items():
        pre = np.clip(np.round(mean + 0.6 * spread * rng.standard_normal(n) + student), 0, top)
        post = np.clip(np.round(pre + effect * is_intervention + 0.5 * (site == "site_2")
                                + 0.4 * spread * rng.standard_normal(n)), 0, top)
        frame[f"{score}_pre"] = pre
        frame[f"{score}_post"] = post
    missing_post = rng.choice(n, 9, replace=False)
    for score in effects:
        frame.loc[missing_post, f"{score}_post"] = np.nan
        frame[f"{score}_change"] = frame[f"{score}_post"] - frame[f"{score}_pre"]
    return frame


def long_dataset(analysis: pd.DataFrame) -> pd.DataFrame:
    """analysis_long.csv-like: one row per student and wave (missing waves left out)."""
    parts = []
    for time in ("pre", "post"):
        part = analysis[["student_id", "site", "group"]].copy()
        part["time"] = time
        for score in ("ee", "dp", "pa"):
            part[score] = analysis[f"{score}_{time}"]
        parts.append(part)
    long = pd.concat(parts, ignore_index=True).sort_values(["student_id", "time"],
                                                           ascending=[True, False])
    return long.dropna(subset=["ee", "dp", "pa"]).reset_index(drop=True)


def main() -> None:
    rng = np.random.default_rng(SEED)
    rank_sum_datasets(rng).to_csv(HERE / "comparisons_data_rank_sum.csv", index=False,
                                  float_format="%.6g", lineterminator="\n")
    risk_datasets().to_csv(HERE / "comparisons_data_risk.csv", index=False, lineterminator="\n")
    analysis = analysis_dataset(rng)
    analysis.to_csv(HERE / "comparisons_data_analysis.csv", index=False, float_format="%.6g",
                    lineterminator="\n")
    long_dataset(analysis).to_csv(HERE / "comparisons_data_long.csv", index=False,
                                  float_format="%.6g", lineterminator="\n")


if __name__ == "__main__":
    main()
