"""Tests of burnout.stats.fitting.codes against the code they replaced (kept here as the reference).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.stats.fitting.codes import present_codes, sorted_text_codes


def _old_text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The mixed model's ``_text_codes`` before it sorted through numpy (the reference)."""
    codes, uniques = pd.factorize(values)
    text = np.array([str(value) for value in np.asarray(uniques, dtype=object).tolist()],
                    dtype=object)
    merged, labels = pd.factorize(text, sort=True)
    return np.append(merged, -1)[codes], np.asarray(labels, dtype=object)


_TEXTS = st.text(alphabet=st.sampled_from(["a", "b", "Z", "\x00", "é", "1", " ", "\U0001f600"]),
                 max_size=4)
_VALUES = st.one_of(st.none(), _TEXTS, st.integers(-2, 12), st.booleans(),
                    st.floats(0, 3).map(lambda value: round(value) / 2),
                    st.just(float("nan")))


@settings(max_examples=300, deadline=None)
@given(st.lists(_VALUES, max_size=30), st.booleans())
def test_sorted_text_codes_equal_the_old_codes(values, as_text):
    series = pd.Series(values, dtype=object)
    if as_text:  # a text column: only texts and missing values
        series = pd.Series([value if value is None or isinstance(value, str) else None
                            for value in values], dtype="str")
    codes, labels = sorted_text_codes(series)
    expected_codes, expected_labels = _old_text_codes(series)
    assert codes.tolist() == expected_codes.tolist()
    assert labels.tolist() == expected_labels.tolist()
    assert (codes == -1).tolist() == series.isna().tolist()


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3000))
def test_shuffled_identifiers_are_ranked_as_sorted_text(seed, count):
    rng = np.random.default_rng(seed)
    identifiers = [f"S{number}" for number in rng.integers(0, 10 * count, size=count)]
    series = pd.Series(identifiers * 2, dtype="str")
    codes, labels = sorted_text_codes(series)
    assert labels.tolist() == sorted(set(identifiers))
    assert labels[codes].tolist() == series.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 9), max_size=40))
def test_present_codes_equal_numpy_unique(codes):
    array = np.array(codes, dtype=np.intp)
    assert present_codes(array, 10).tolist() == np.unique(array).tolist()
