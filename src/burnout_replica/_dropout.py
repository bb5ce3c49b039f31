"""Who completes the follow-up survey: the replica's dropout mechanism (MCAR, MAR, MNAR).

The mechanism is a parameter of the study (``replica: dropout:`` in ``params/<study>.yaml``,
checked by :func:`burnout.pipeline.parameters.replica_dropout`). Each student gets a log-odds of
dropping out,

    eta = baseline * z(baseline score) + site effect + delta * z(follow-up score),

with ``z`` the score standardised over the cohort, the site effects spread evenly from ``-site``
(first site) to ``+site`` (last site), and ``delta`` (MNAR only) acting on the follow-up score
the student would have reported, which the export never shows. MCAR sets every term to zero;
MAR uses the observed baseline score and site only. The number of completers per arm is
fixed (the replica's follow-up counts), so dropouts are drawn without replacement with
probabilities proportional to ``exp(eta)`` within each arm: a student with a higher ``eta`` is
more likely to be among the dropouts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["choose_completers", "dropout_log_odds"]


def _standardised(values: np.ndarray) -> np.ndarray:
    spread = float(np.std(values))
    return (values - np.mean(values)) / spread if spread > 0 else np.zeros(len(values))


def dropout_log_odds(settings: Mapping, baseline: np.ndarray, sites: Sequence[str],
                     follow_up: np.ndarray | None = None) -> np.ndarray:
    """Each student's log-odds of dropping out under ``settings`` (see the module docstring).

    Examples
    --------
    >>> settings = {"mechanism": "mar", "baseline": 1.0, "site": 0.0, "delta": 0.0}
    >>> dropout_log_odds(settings, np.array([10.0, 20.0]), ["a", "a"]).round(2).tolist()
    [-1.0, 1.0]
    """
    eta = np.zeros(len(baseline))
    if settings["mechanism"] == "mcar":
        return eta
    eta += settings["baseline"] * _standardised(np.asarray(baseline, float))
    levels = sorted(set(sites))
    if len(levels) > 1:
        effect = dict(zip(levels, np.linspace(-settings["site"], settings["site"], len(levels)),
                          strict=True))
        eta += np.array([effect[site] for site in sites])
    if settings["mechanism"] == "mnar":
        if follow_up is None:
            raise ValueError("an MNAR dropout needs the (unobserved) follow-up scores")
        eta += settings["delta"] * _standardised(np.asarray(follow_up, float))
    return eta


def choose_completers(rng: np.random.Generator, groups: np.ndarray, counts: Mapping[str, int],
                      eta: np.ndarray) -> np.ndarray:
    """Boolean mask of the students who complete the follow-up: ``counts[arm]`` per arm.

    Within each arm the dropouts are drawn without replacement with probabilities
    proportional to ``exp(eta)``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> mask = choose_completers(rng, np.array(["a", "a", "b"]), {"a": 1, "b": 1},
    ...                          np.zeros(3))
    >>> int(mask.sum())
    2
    """
    completers = np.zeros(len(groups), dtype=bool)
    for arm, count in counts.items():
        members = np.flatnonzero(groups == arm)
        weights = np.exp(eta[members] - eta[members].max())
        dropouts = rng.choice(members, len(members) - count, replace=False,
                              p=weights / weights.sum())
        completers[members] = True
        completers[dropouts] = False
    return completers
