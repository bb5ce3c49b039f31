"""Seeded generators of synthetic replicas of the studies' raw exports.

The participant data of the studies are confidential; each generator writes a *synthetic
replica* of the raw export to ``data/raw/<study>/`` (the practice of R's synthpop). The
generators live beside the analysis, never inside it: the analysis reads ``data/raw/`` and
cannot tell a replica from a real export.
"""

from burnout.replica.mentorship import generate_replica

__all__ = ["generate_replica"]
