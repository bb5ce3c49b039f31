"""burnout.stats._reml.sufficient_statistics and the mixed model's row preparation, bit for bit
equal to the code they replaced (kept here as the reference): the fit's reproducibility
promise is a fixed order of operations, so the statistics must not move by one bit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from burnout.stats._reml import sufficient_statistics
from burnout.stats.mixed_model import _prepared


def _old_sufficient_statistics(design, response, codes) -> dict:
    """sufficient_statistics before it filled its column-major arrays column by column."""
    columns = np.asfortranarray(np.column_stack([design, response]), dtype=float)
    columns[:, 1:] -= columns[:, 1:].sum(axis=0) / len(columns)
    mean_squares = [float(np.sum(column * column)) / len(column) for column in columns.T]
    scales = np.array([2.0 ** round(0.5 * math.log2(square)) if square > 0 and index else 1.0
                       for index, square in enumerate(mean_squares)])
    columns = np.asfortranarray(columns / scales)
    counts = np.bincount(codes)
    means = np.column_stack([np.bincount(codes, weights=c, minlength=len(counts)) / counts
                             for c in columns.T])
    deviations = np.asfortranarray(columns - means[codes])

    def products(matrix, factor=1.0):
        size = matrix.shape[1]
        return [[factor * float(np.sum(matrix[:, min(i, j)] * matrix[:, max(i, j)]))
                 for j in range(size)] for i in range(size)]

    classes = [(int(k), int(np.sum(counts == k)), products(means[counts == k], float(k)))
               for k in np.unique(counts)]
    return {"within": products(deviations), "classes": classes, "scales": scales,
            "n": len(columns), "p": design.shape[1]}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 3000), st.integers(0, 3), st.booleans())
def test_sufficient_statistics_are_bit_identical_to_the_old_code(seed, n, extra, row_major):
    rng = np.random.default_rng(seed)
    codes = np.sort(rng.integers(0, max(1, n // 2), size=n))
    codes = np.unique(codes, return_inverse=True)[1]
    post = rng.integers(0, 2, size=n).astype(float)
    columns = [np.ones(n), post, rng.integers(0, 2, size=n) * post]
    columns += [rng.normal(size=n) * 10.0 ** rng.integers(-3, 4) for _ in range(extra)]
    design = np.column_stack(columns)
    design = design if row_major else np.asfortranarray(design)
    response = rng.normal(size=n) * 7 + 20
    new = sufficient_statistics(design, response, codes)
    old = _old_sufficient_statistics(design, response, codes)
    assert new["within"] == old["within"] and new["classes"] == old["classes"]
    assert new["scales"].tolist() == old["scales"].tolist()
    assert (new["n"], new["p"]) == (old["n"], old["p"])


def _old_order(subjects: np.ndarray, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The subject codes and row order _prepared computed by sorting (np.unique, lexsort)."""
    _, codes = np.unique(subjects, return_inverse=True)
    order = np.lexsort((post, codes))
    return codes[order], order


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["pre", "post", "wave_2"]),
                          st.one_of(st.none(), st.floats(0, 50, allow_nan=False))),
                min_size=1, max_size=60, unique_by=lambda row: row[:2]))
def test_prepared_orders_rows_as_the_sorting_code(rows):
    long = pd.DataFrame({"student_id": [f"S{row[0]}" for row in rows],
                         "time": [row[1] for row in rows], "ee": [row[2] for row in rows]})
    long["ee"] = long["ee"].astype(float)
    complete = long["time"].isin(["pre", "post"]) & long["ee"].notna()
    # else _prepared raises (a time level with no complete row), as tested elsewhere
    assume(all((complete & (long["time"] == level)).any() for level in ("pre", "post")))
    prepared = _prepared(long, "ee", {"group": None, "time": "time", "subject": "student_id",
                                      "site": None}, [], ("intervention", "control",
                                                          ("pre", "post")), {})
    kept = np.flatnonzero(complete.to_numpy())
    post = (long["time"].to_numpy()[kept] == "post")
    codes, order = _old_order(long["student_id"].to_numpy()[kept].astype(str), post)
    assert prepared["rows"].tolist() == kept[order].tolist()
    assert prepared["codes"].tolist() == codes.tolist()
    assert prepared["post"].tolist() == post[order].astype(float).tolist()
