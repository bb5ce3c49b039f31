"""Write the seeded inputs of the meta-analysis reference values (read by meta_analysis.R).

    python tests/reference/make_meta_analysis_data.py
    Rscript tests/reference/meta_analysis.R

Six invented sets of study estimates (k = 3 to 25): homogeneous ones (tau^2 estimated at 0),
moderately and very heterogeneous ones, each with a categorical moderator ``format`` (two or three
levels) and a numeric one ``weeks``; and summary statistics for Hedges' g, the standardized mean
change and the dose regression. Invented numbers, for testing only.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def _estimates(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for dataset, (k, tau, levels) in enumerate(((3, 0.0, 2), (5, 0.1, 2), (8, 0.3, 3),
                                                (12, 0.0, 2), (25, 0.5, 3), (6, 1.0, 2)),
                                               start=1):
        se = rng.uniform(0.08, 0.45, size=k)
        weeks = rng.integers(2, 26, size=k).astype(float)
        fmt = np.array(["one-on-one", "group", "peer"][:levels])[np.arange(k) % levels]
        effect = -0.3 + 0.2 * (fmt == "group") - 0.01 * weeks + rng.normal(0, tau, size=k)
        frames.append(pd.DataFrame({"dataset": dataset, "study": [f"s{i + 1}" for i in range(k)],
                                    "yi": np.round(effect + rng.normal(0, se), 4),
                                    "sei": np.round(se, 4), "format": fmt, "weeks": weeks}))
    return pd.concat(frames, ignore_index=True)


def _summaries(rng: np.random.Generator) -> pd.DataFrame:
    n1, n2 = rng.integers(4, 200, size=10), rng.integers(4, 200, size=10)
    return pd.DataFrame({"m1": np.round(rng.normal(-2, 3, 10), 3),
                         "sd1": np.round(rng.uniform(2, 10, 10), 3), "n1": n1,
                         "m2": np.round(rng.normal(0, 3, 10), 3),
                         "sd2": np.round(rng.uniform(2, 10, 10), 3), "n2": n2,
                         "r": np.round(rng.uniform(-0.2, 0.9, 10), 3)})


def _dose(rng: np.random.Generator) -> pd.DataFrame:
    sessions = rng.integers(0, 9, size=60).astype(float)
    pre = np.round(rng.normal(25, 8, 60))
    change = np.round(-0.4 * sessions - 0.2 * (pre - 25) + rng.normal(0, 5, 60))
    return pd.DataFrame({"sessions": sessions, "ee_pre": pre, "ee_change": change})


if __name__ == "__main__":
    rng = np.random.default_rng(20261130)
    _estimates(rng).to_csv(HERE / "meta_analysis_data.csv", index=False)
    _summaries(rng).to_csv(HERE / "meta_analysis_summaries.csv", index=False)
    _dose(rng).to_csv(HERE / "meta_analysis_dose.csv", index=False)
