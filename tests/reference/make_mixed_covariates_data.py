"""Make the fixed data of the mixed-model tests with covariates (run once; the CSV is committed).

    cd tests/reference && ../../.venv/bin/python make_mixed_covariates_data.py
    Rscript mixed_covariates.R    # then writes mixed_covariates_reference.json from this CSV

Three invented two-arm pre/post data sets in one long table (column ``dataset``), each with a
numeric covariate (``age``, one value per student) and a categorical stratum (``site``):

``balanced``
    120 students, every one measured at both times.
``unbalanced``
    160 students in four sites of unequal size; 35% have no follow-up score (the row is kept
    with an empty score, as in an intent-to-treat table) and three have no baseline score.
``boundary``
    80 students whose scores have no student effect and a negative correlation between the two
    times: the REML estimate of the student variance is on the boundary zero (lme4: a singular
    fit).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20240611


def _students(rng, name: str, n: int, sites: list[str], weights: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        "dataset": name,
        "student_id": [f"{name[0].upper()}{i:03d}" for i in range(1, n + 1)],
        "group": rng.permutation(np.resize(["intervention", "control"], n)),
        "site": rng.choice(sites, n, p=weights),
        "age": np.round(rng.normal(25, 2.5, n), 1),
    })


def _long(students: pd.DataFrame, pre: np.ndarray, post: np.ndarray) -> pd.DataFrame:
    rows = []
    for time, scores in (("pre", pre), ("post", post)):
        rows.append(students.assign(time=time, score=np.round(scores, 1)))
    columns = ["dataset", "student_id", "group", "time", "site", "age", "score"]
    return pd.concat(rows).sort_values(["student_id", "time"], ascending=[True, False])[columns]


def _scores(rng, students: pd.DataFrame, subject_sd: float, residual_sd: float,
            effect: float) -> tuple[np.ndarray, np.ndarray]:
    n = len(students)
    site_shift = students["site"].map({"north": 0.0, "south": 1.5, "west": -1.0,
                                       "east": 0.5}).to_numpy()
    level = 22 + 0.3 * (students["age"].to_numpy() - 25) + site_shift
    person = rng.normal(0, subject_sd, n)
    treated = (students["group"] == "intervention").to_numpy()
    pre = level + person + rng.normal(0, residual_sd, n)
    post = level + person + 0.8 + effect * treated + rng.normal(0, residual_sd, n)
    return pre, post


def main() -> None:
    rng = np.random.default_rng(SEED)
    balanced = _students(rng, "balanced", 120, ["north", "south", "west"], [0.4, 0.3, 0.3])
    balanced_long = _long(balanced, *_scores(rng, balanced, 4.0, 2.5, -1.5))

    unbalanced = _students(rng, "unbalanced", 160, ["east", "north", "south", "west"],
                           [0.1, 0.4, 0.3, 0.2])
    pre, post = _scores(rng, unbalanced, 3.0, 3.0, -1.0)
    post[rng.random(len(post)) < 0.35] = np.nan
    pre[rng.choice(np.flatnonzero(~np.isnan(post)), 3, replace=False)] = np.nan
    unbalanced_long = _long(unbalanced, pre, post)

    boundary = _students(rng, "boundary", 80, ["north", "south", "west"], [0.5, 0.25, 0.25])
    pre, post = _scores(rng, boundary, 0.0, 3.0, -1.0)
    common = rng.normal(0, 2.0, len(boundary))
    boundary_long = _long(boundary, pre + common, post - common)

    table = pd.concat([balanced_long, unbalanced_long, boundary_long], ignore_index=True)
    table.to_csv(HERE / "mixed_covariates_data_long.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
