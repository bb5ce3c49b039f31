"""The profiled REML criterion of a random-intercept linear mixed model, fitted directly.

The algebra behind :func:`burnout.stats.mixed_model.mixed_model` (its Notes explain it): the
sufficient statistics of a model with one variance ratio, the profiled criterion and its
derivative, and the deterministic search for its minimum. Private to the mixed model; plain
Python and numpy in a fixed order, so the result does not depend on BLAS, threads or CPU.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["sufficient_statistics", "profile", "optimum", "PIVOT_RTOL"]

# Variance ratios g where the sign of the REML gradient is read before its roots are refined:
# 0 and the powers of four from 2^-20 (1e-6) to 2^30 (1e9), exact binary numbers.
_GRID = (0.0, *(2.0 ** power for power in range(-20, 31, 2)))
_ROOT_RTOL = 4 * np.finfo(float).eps
_GRADIENT_RTOL = 1e-8  # |gradient| / sum of |its terms| accepted as zero at the root
PIVOT_RTOL = 1e-10  # squared Cholesky pivot / diagonal below which a column is collinear


def _cholesky(matrix: list[list[float]], tolerance: float = 0.0) -> list[list[float]]:
    """Lower Cholesky factor by ``math.fsum``; raises at a pivot <= tolerance x diagonal."""
    size = len(matrix)
    lower = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1):
            row_i, row_j = lower[i], lower[j]
            value = math.fsum([matrix[i][j], *[-row_i[k] * row_j[k] for k in range(j)]])
            if i > j:
                lower[i][j] = value / lower[j][j]
            elif value > tolerance * matrix[i][i] and value > 0:
                lower[i][i] = math.sqrt(value)
            else:
                raise np.linalg.LinAlgError(i)  # not positive definite at column i
    return lower


def _lower_inverse(lower: list[list[float]]) -> list[list[float]]:
    """Inverse of a lower triangular matrix by forward substitution."""
    size = len(lower)
    inverse = [[0.0] * size for _ in range(size)]
    for column in range(size):
        for i in range(column, size):
            known = math.fsum([-lower[i][k] * inverse[k][column] for k in range(column, i)])
            inverse[i][column] = ((1.0 if i == column else 0.0) + known) / lower[i][i]
    return inverse


def sufficient_statistics(design: np.ndarray, response: np.ndarray, codes: np.ndarray) -> dict:
    """W and, per subject size k, (k, number of subjects, B_k) of [X y] (Notes of
    :func:`mixed_model`), its columns but the intercept centred and scaled by powers of two."""
    # Column-major, whatever the caller's layout: each column sum below is then numpy's
    # pairwise sum of one contiguous array, a fixed order of additions.
    # Filled column by column: stacking a row-major copy first and transposing it cost more
    # than the sums (the values, and so every sum below, are the same).
    columns = np.empty((len(response), design.shape[1] + 1), order="F")
    columns[:, :-1], columns[:, -1] = design, response
    columns[:, 1:] -= columns[:, 1:].sum(axis=0) / len(columns)
    mean_squares = [float(np.sum(column * column)) / len(column) for column in columns.T]
    scales = np.array([2.0 ** round(0.5 * math.log2(square)) if square > 0 and index else 1.0
                       for index, square in enumerate(mean_squares)])
    columns /= scales  # in place: the same quotients as columns / scales
    counts = np.bincount(codes)
    subject_means = [np.bincount(codes, weights=c, minlength=len(counts)) / counts
                     for c in columns.T]
    # One contiguous gather per column (an n x p row-major gather and transpose cost more).
    deviations = [column - column_means[codes]
                  for column, column_means in zip(columns.T, subject_means, strict=True)]

    def products(vectors, factor=1.0):  # each product summed once, the matrix mirrored
        size = len(vectors)
        upper = {(i, j): factor * float(np.sum(vectors[i] * vectors[j]))
                 for i in range(size) for j in range(i, size)}
        return [[upper[min(i, j), max(i, j)] for j in range(size)] for i in range(size)]

    classes = []
    for k in np.unique(counts):
        members = counts == k
        classes.append((int(k), int(np.sum(members)),
                        products([means[members] for means in subject_means], float(k))))
    return {"within": products(deviations), "classes": classes, "scales": scales,
            "n": len(columns), "p": design.shape[1]}


def profile(data: dict, ratio: float, tolerance: float = 0.0) -> dict:
    """Profiled REML criterion d(g), its derivative and the fit at g = ``ratio`` (Notes of
    :func:`mixed_model`); the Cholesky factor of M(g) holds that of A, A^-1 X'V^-1 y and r."""
    n, p, width = data["n"], data["p"], data["p"] + 1
    # (weight w_k = 1 / (1 + k g), subject size k, number of subjects, B_k) per size class
    classes = [(1.0 / (1.0 + size * ratio), size, count, between)
               for size, count, between in data["classes"]]
    # M(g) and M'(g), exactly symmetric (their inputs are): each entry is computed once.
    weighted = [(w, b) for w, _, _, b in classes]
    derivative = [(k * w * w, b) for w, k, _, b in classes]
    gram, slope = [[0.0] * width for _ in range(width)], [[0.0] * width for _ in range(width)]
    for i, within in enumerate(data["within"]):
        for j in range(i + 1):
            gram[i][j] = gram[j][i] = math.fsum([within[j], *[w * b[i][j] for w, b in weighted]])
            slope[i][j] = slope[j][i] = -math.fsum([c * b[i][j] for c, b in derivative])
    lower = _cholesky(gram, tolerance)
    residual = lower[p][p] ** 2
    inverse = _lower_inverse([row[:p] for row in lower[:p]])
    fixed = [math.fsum(inverse[k][i] * lower[p][k] for k in range(i, p)) for i in range(p)]
    covariance = [[0.0] * p for _ in range(p)]
    for i in range(p):
        for j in range(i + 1):
            covariance[i][j] = covariance[j][i] = math.fsum(
                [inverse[k][i] * inverse[k][j] for k in range(i, p)])
    direction = [-b for b in fixed] + [1.0]
    terms = (math.fsum(count * k * w for w, k, count, _ in classes),
             math.fsum(covariance[i][j] * slope[j][i] for i in range(p) for j in range(p)),
             (n - p) * math.fsum(direction[i] * slope[i][j] * direction[j]
                                 for i in range(width) for j in range(width)) / residual)
    criterion = (math.fsum(-count * math.log(w) for w, _, count, _ in classes)
                 + 2 * math.fsum(math.log(lower[i][i]) for i in range(p))
                 + (n - p) * (1 + math.log(2 * math.pi * residual / (n - p))))
    return {"ratio": ratio, "criterion": criterion, "gradient": math.fsum(terms),
            "scale": math.fsum(abs(term) for term in terms), "fixed": fixed,
            "covariance": covariance, "residual": residual}


def _brent_root(function, low: float, high: float, f_low: float, f_high: float) -> float:
    """Root of ``function`` bracketed by [low, high]: Brent's method (scipy's ``brentq``
    transcribed to plain Python so that no compiled code can fuse or reorder operations)."""
    previous, current, f_previous, f_current = low, high, f_low, f_high
    block = f_block = step_previous = step = 0.0
    for _ in range(200):
        if f_previous != 0 and f_current != 0 and (f_previous < 0) != (f_current < 0):
            block, f_block = previous, f_previous
            step_previous = step = current - previous
        if abs(f_block) < abs(f_current):
            previous, current, block = current, block, current
            f_previous, f_current, f_block = f_current, f_block, f_current
        delta = _ROOT_RTOL * abs(current) / 2 + 1e-300
        bisection = (block - current) / 2
        if f_current == 0 or abs(bisection) < delta:
            return current
        trial = math.inf
        if abs(step_previous) > delta and abs(f_current) < abs(f_previous):
            if previous == block:  # secant step
                trial = -f_current * (current - previous) / (f_current - f_previous)
            else:  # inverse quadratic interpolation
                d_previous = (f_previous - f_current) / (previous - current)
                d_block = (f_block - f_current) / (block - current)
                trial = -f_current * (f_block * d_block - f_previous * d_previous) / (
                    d_block * d_previous * (f_block - f_previous))
        if 2 * abs(trial) < min(abs(step_previous), 3 * abs(bisection) - delta):
            step_previous, step = step, trial
        else:
            step_previous = step = bisection
        previous, f_previous = current, f_current
        current += step if abs(step) > delta else math.copysign(delta, bisection)
        f_current = function(current)
    return current


def optimum(data: dict) -> tuple[dict, bool, str]:
    """Minimum of the profiled REML criterion over g >= 0, whether it converged, and why."""
    grid = []
    for ratio in _GRID:  # up to a ratio where the residual r is zero in floating point
        try:
            grid.append(profile(data, ratio))
        except np.linalg.LinAlgError:
            break
    candidates = [grid[0]] if grid[0]["gradient"] >= 0 else []
    for left, right in zip(grid, grid[1:], strict=False):
        if left["gradient"] < 0 <= right["gradient"]:
            root = _brent_root(lambda g: profile(data, g)["gradient"], left["ratio"],
                               right["ratio"], left["gradient"], right["gradient"])
            candidates.append(profile(data, root))
    if not candidates:
        return grid[-1], False, ("not converged: the REML criterion still decreases at the "
                                 f"largest variance ratio tried ({grid[-1]['ratio']:.3g}); "
                                 "the residual variance is (nearly) zero")
    best = min(candidates, key=lambda fit: fit["criterion"])
    if best["ratio"] == 0:
        return best, True, ("boundary (singular) fit: the subject variance is estimated as 0 "
                            "(the REML criterion increases from g = 0); the fixed effects "
                            "are those of ordinary least squares")
    relative = abs(best["gradient"]) / best["scale"]
    if relative > _GRADIENT_RTOL:
        return best, False, (f"not converged: relative REML gradient {relative:.1e} at "
                             f"variance ratio {best['ratio']:.6g} exceeds {_GRADIENT_RTOL:g}")
    return best, True, (f"converged: REML gradient zero (relative {relative:.0e}) at variance "
                        f"ratio g = {best['ratio']:.6g}, bracketed to machine precision")


