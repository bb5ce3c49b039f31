"""Between-study variance (tau^2) of a random-effects model: REML, DerSimonian-Laird, Paule-Mandel.

The model is ``y_i = x_i' beta + u_i + e_i`` with ``e_i ~ N(0, v_i)`` (``v_i`` the known sampling
variance of study ``i``) and ``u_i ~ N(0, tau^2)``. Every estimator works on the same two
quantities, written with ``W = diag(1 / (v_i + tau^2))`` and the projection
``P = W - W X (X' W X)^-1 X' W``:

* the generalized residual sum of squares ``RSS(tau^2) = y' P y`` (Cochran's Q at ``tau^2 = 0``);
* the trace ``tr(P)``.

Estimators (as R metafor ``rma(method=...)`` defines them; Viechtbauer 2005, J Educ Behav Stat
30:261-293; DerSimonian & Laird 1986; Paule & Mandel 1982):

* ``DL``: the method of moments, ``max(0, (Q - (k - p)) / tr(P_0))`` at ``tau^2 = 0``;
* ``PM``: the ``tau^2 >= 0`` at which ``RSS(tau^2) = k - p`` (``RSS`` falls as ``tau^2`` grows);
* ``REML``: the ``tau^2 >= 0`` that maximises the restricted likelihood, i.e. where its score
  ``(y' P P y - tr(P)) / 2`` is zero.

metafor reaches the REML and PM roots iteratively (Fisher scoring to a step below 1e-5, uniroot
to about 1e-4); here both are bracketed and solved with Brent's method to 1e-12, so the two agree
to metafor's own convergence tolerance. Written out (not taken from statsmodels) because no
Python library here offers these estimators with moderators; the tests check them against R.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["TAU2_METHODS", "projection", "estimate_tau2"]

# The estimators, by metafor's names.
TAU2_METHODS = ("REML", "DL", "PM")
# Relative/absolute tolerance of the roots (far below metafor's own).
_TOLERANCE = 1e-12


def projection(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> dict:
    """The weighted least-squares fit at ``tau2``: weights, coefficients, ``P``, ``RSS``.

    Returns
    -------
    dict
        ``w`` (weights ``1 / (v + tau2)``), ``beta``, ``cov`` (``(X' W X)^-1``), ``P``,
        ``rss`` (``y' P y``) and ``trace`` (``tr(P)``).

    Examples
    --------
    >>> fit = projection(np.array([1.0, 3.0]), np.array([1.0, 1.0]), np.ones((2, 1)), 0.0)
    >>> float(fit["beta"][0]), float(fit["rss"]), float(fit["trace"])
    (2.0, 2.0, 1.0)
    """
    w = 1.0 / (v + tau2)
    weighted_x = x * w[:, None]
    cov = np.linalg.inv(x.T @ weighted_x)
    beta = cov @ (weighted_x.T @ y)
    p_matrix = np.diag(w) - weighted_x @ cov @ weighted_x.T
    residual = y - x @ beta
    return {"w": w, "beta": beta, "cov": cov, "P": p_matrix,
            "rss": float(np.sum(w * residual ** 2)), "trace": float(np.trace(p_matrix))}


def _reml_score(y, v, x, tau2: float) -> float:
    p_matrix = projection(y, v, x, tau2)["P"]
    p_y = p_matrix @ y
    return float(p_y @ p_y - np.trace(p_matrix))


def _upper_bracket(function, start: float) -> float | None:
    """A ``tau2`` where ``function`` is negative, by doubling from ``start``; None if none found."""
    upper = max(start, 1e-4)
    for _ in range(200):
        if function(upper) < 0:
            return upper
        upper *= 2.0
    return None


def _root(function, scale: float) -> float:
    """The root in ``[0, inf)`` of a function positive at 0 and negative far out."""
    upper = _upper_bracket(function, scale)
    if upper is None:
        raise ArithmeticError("tau^2 could not be bracketed: the studies' estimates are too "
                              "spread for their variances to be informative")
    return optimize.brentq(function, 0.0, upper, xtol=_TOLERANCE, rtol=_TOLERANCE * 4,
                           maxiter=500)


def estimate_tau2(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str = "REML") -> float:
    """The between-study variance ``tau^2`` of a random-effects (meta-regression) model.

    Parameters
    ----------
    y, v : numpy.ndarray
        Estimates and their sampling variances, one per study.
    x : numpy.ndarray
        The model matrix (a column of ones, then the moderators), one row per study.
    method : {"REML", "DL", "PM"}
        The estimator (see the module's description).

    Returns
    -------
    float
        ``tau^2``, zero or positive.

    Examples
    --------
    >>> y, v = np.array([0.1, 0.5, 0.9]), np.array([0.04, 0.04, 0.04])
    >>> round(estimate_tau2(y, v, np.ones((3, 1)), "DL"), 4)
    0.12
    """
    if method not in TAU2_METHODS:
        raise ValueError(f"method {method!r}: one of {', '.join(TAU2_METHODS)}")
    k, p = x.shape
    at_zero = projection(y, v, x, 0.0)
    if method == "DL":
        return max(0.0, (at_zero["rss"] - (k - p)) / at_zero["trace"])
    scale = max(float(np.var(y)), float(np.mean(v)))
    if method == "PM":
        def excess(tau2: float) -> float:
            return projection(y, v, x, tau2)["rss"] - (k - p)
        return 0.0 if excess(0.0) <= 0 else _root(excess, scale)
    if _reml_score(y, v, x, 0.0) <= 0:
        return 0.0
    return _root(lambda tau2: _reml_score(y, v, x, tau2), scale)
