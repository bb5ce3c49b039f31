"""A third study, neither A nor B, runs through the clean and score stages (README walk-through).

``tests/data/third_study/`` holds what a new user writes: ``params/workshop.yaml`` and raw data
(``raw/``: a roster, two survey waves, their ``datapackage.json`` codebook and ``SHA256SUMS``).
The test builds a throw-away project root with the project's notebooks, points
``BURNOUT_ROOT`` at it (as the rebuild check does) and runs ``python -m burnout run``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from burnout.paths import ROOT

EXAMPLE = Path(__file__).parent / "data" / "third_study"


def test_a_third_study_runs_clean_and_score(tmp_path):
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    for notebook in ("01_clean", "02_score"):
        shutil.copy(ROOT / "notebooks" / f"{notebook}.ipynb", root / "notebooks")
    shutil.copytree(EXAMPLE / "params", root / "params")
    shutil.copy(ROOT / "params" / "redaction.txt", root / "params")
    shutil.copytree(EXAMPLE / "raw", root / "data" / "raw" / "workshop")
    environment = dict(os.environ, BURNOUT_ROOT=str(root), PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-m", "burnout", "run", "workshop"], cwd=root,
                            env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr

    processed = root / "data" / "processed" / "workshop"
    participants = pd.read_csv(processed / "participants.csv")
    assert len(participants) == 12 and participants["analysed"].eq(1).all()  # ITT
    assert participants["per_protocol"].sum() == 7
    flow = pd.read_csv(processed / "flow.csv").set_index(["step", "group"])["n"]
    assert flow[("completed_post", "intervention")] == 5
    assert flow[("analysed", "intervention")] == 6
    long = pd.read_csv(processed / "analysis_long.csv")
    assert list(long.columns[:8]) == ["student_id", "site", "group", "time", "ee", "dp", "pa",
                                      "self_compassion"]
    assert len(long) == 24 and long["self_compassion"].notna().sum() == 22
    assert set(long["site"]) == {"north", "south"}
    assert (root / "reports" / "workshop" / "02_score.ipynb").is_file()
    # no direct identifier reaches the processed data
    for path in processed.iterdir():
        assert "example.org" not in path.read_text(encoding="utf-8"), path.name
