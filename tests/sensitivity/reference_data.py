"""The invented data, the imputed sets and R's values of tests/reference/sensitivity.R."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from burnout.sensitivity.imputation import ImputedSets

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
REFERENCE = json.loads((REFERENCE_DIR / "sensitivity_reference.json").read_text())
DATA = pd.read_csv(REFERENCE_DIR / "sensitivity_data.csv")
STACKED = pd.read_csv(REFERENCE_DIR / "sensitivity_imputed.csv")
# As make_sensitivity_data.py imputed them.
SEED, M, ITERATIONS = 7, 5, 10
PREDICTORS = ["ee_pre", "pa_pre", "group", "site"]


def exported_sets() -> ImputedSets:
    """The completed datasets R pooled, as an :class:`ImputedSets`."""
    sets = tuple(frame.drop(columns=[".imp", "imputed_ee", "imputed_pa"]).reset_index(drop=True)
                 for _, frame in STACKED.groupby(".imp", sort=True))
    first = STACKED[STACKED[".imp"] == 1].reset_index(drop=True)
    missing = pd.DataFrame({"ee_post": first["imputed_ee"] == 1,
                            "pa_post": first["imputed_pa"] == 1})
    return ImputedSets(sets, missing, ("ee_post", "pa_post"), tuple(PREDICTORS), SEED,
                       ITERATIONS, 0)
