"""The teaching lab: simulate a study before it is run.

A study's *data-generating model* (:mod:`burnout.simulate.model`) is derived from its own
processed data: group sizes, sites and covariates, each outcome's baseline and follow-up
distribution and their correlation, and the dropout before follow-up. Each replicate draws a
dataset from it, with the intervention shifting follow-up scores by ``E`` scale points, and runs
the analyses the study's design declares through the functions the pipeline uses
(:mod:`burnout.simulate.methods`). The replicates run on joblib or dask.distributed
(:mod:`burnout.simulate.engine`) and are summarised as rejection rates (power, type-I error),
mean estimates, bias and interval coverage (:mod:`burnout.simulate.lab`).
"""

from __future__ import annotations

__all__ = ["study_model", "simulate", "write_simulation"]


def __getattr__(name: str):
    # Lazy: ``import burnout.simulate`` stays cheap for the command line's --help.
    if name == "study_model":
        from burnout.simulate.model import study_model

        return study_model
    if name in ("simulate", "write_simulation"):
        from burnout.simulate import lab

        return getattr(lab, name)
    raise AttributeError(name)
