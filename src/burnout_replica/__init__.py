"""Seeded generators of synthetic replicas of the studies' raw exports.

The participant data of the studies are confidential; each generator writes a *synthetic
replica* of the raw export to ``data/raw/<study>/`` (the practice of R's synthpop): the exports,
the study file ``study.yaml`` that describes them, a README and ``SHA256SUMS``. The generators
live beside the analysis, never inside it: the analysis reads ``data/raw/`` and cannot tell a
replica from a real export, and it never imports this package. The generators are calibrated to
the published numbers; that knowledge lives here only.

``python -m burnout replica <study>`` (``make replica STUDY=<study>``) calls
:func:`generate_study_replica`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from burnout.core.errors import DataError
from burnout.core.paths import RAW_DIR
from burnout.pipeline.parameters import load_parameters, replica_dropout

__all__ = ["GENERATORS", "generate_study_replica"]

# Study: the module whose generate_replica(out_dir, seed) writes its replica.
GENERATORS = {
    "coaching": "burnout_replica.coaching",
    "mentorship": "burnout_replica.mentorship",
}
# Generators whose dropout mechanism is a parameter (``replica: dropout:``); the others fix who
# misses a survey by each student's drawn fate, which depends on nothing (MCAR).
DROPOUT_PARAMETER = ("coaching",)


def generate_study_replica(study: str, raw_dir: Path = RAW_DIR) -> str:
    """Regenerate the synthetic raw folder ``<raw_dir>/<study>`` and return a one-line message.

    The seed is ``seed`` of ``params/<study>.yaml``; the same seed gives the same bytes.

    Raises
    ------
    DataError
        When ``study`` has no generator (the message names those that have one), its
        parameter file has no integer ``seed``, or asks for a dropout mechanism other than
        ``mcar`` from a generator without that parameter.
    """
    if study not in GENERATORS:
        raise DataError(f"no replica generator for study '{study}' (studies with one: "
                        f"{', '.join(sorted(GENERATORS))})")
    params = load_parameters(study)
    seed = params.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise DataError(f"params/{study}.yaml: key 'seed' must be an integer (the seed of the "
                        f"replica's generator), got {seed!r}")
    if study not in DROPOUT_PARAMETER and replica_dropout(params)["mechanism"] != "mcar":
        raise DataError(f"params/{study}.yaml: key 'replica.dropout.mechanism': the replica of "
                        f"'{study}' draws who misses a survey completely at random (mcar); "
                        f"a parameter is supported for: {', '.join(DROPOUT_PARAMETER)}")
    out_dir = Path(raw_dir) / study
    files = importlib.import_module(GENERATORS[study]).generate_replica(out_dir, seed=seed)
    return (f"{out_dir}: wrote the synthetic replica of '{study}' (seed {seed}, "
            f"{len(files)} files)")
