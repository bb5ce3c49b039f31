"""Make the fixed test data of the trial mixed-model tests (run once; the CSV is committed).

    cd tests/reference && ../../.venv/bin/python make_mixed_trial_data.py
    Rscript mixed_trial.R    # then writes mixed_trial_reference.json from this CSV

A snapshot of ``data/processed/coaching/analysis_long.csv`` (the synthetic Study B replica): the
seven outcomes and the per-protocol flag of every randomized student at both times, missing
follow-up scores included. The snapshot is frozen so that regenerating the replica never moves
the reference values under the test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1] / "data" / "processed" / "coaching" / "analysis_long.csv"
OUTCOMES = ["ee", "dp", "pa", "impostor", "moral_injury", "self_compassion", "flourishing"]


def main() -> None:
    long = pd.read_csv(SOURCE)
    snapshot = long[["student_id", "site", "group", "time", *OUTCOMES, "per_protocol"]]
    snapshot.to_csv(HERE / "mixed_trial_data_long.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
