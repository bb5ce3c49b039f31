"""Integer codes of a column's values as text, in sorted order, for the model builders.

The mixed model compares group, time and subject values as text (``str``, so ``1`` and
``"1"`` are one value) and orders subjects by that text, which fixes the order of its sums.
At a million subjects, hashing and sorting the identifiers is most of the cost of preparing
a model; these helpers do each once, in C where numpy allows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from burnout.data.values import text_ranks

__all__ = ["sorted_text_codes", "present_codes"]


def sorted_text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``values`` as text (-1 for a missing value) and the text of each code.

    Parameters
    ----------
    values : pandas.Series
        Any column.

    Returns
    -------
    codes : numpy.ndarray
        One integer per value: the rank of ``str(value)`` among the distinct texts in sorted
        order (0, 1, ...), -1 where the value is missing (``isna``).
    labels : numpy.ndarray
        The distinct texts in sorted order (object array): ``labels[codes]`` is the text.

    Examples
    --------
    >>> codes, labels = sorted_text_codes(pd.Series(["b", None, "a", 1, "1", "b"]))
    >>> codes.tolist(), labels.tolist()
    ([2, -1, 1, 0, 0, 2], ['1', 'a', 'b'])
    """
    codes, uniques = pd.factorize(values)
    # Only the distinct values are converted, through an object array (iterating a pandas
    # extension array calls Python per element); those of a text column are str already.
    text = (np.asarray(uniques, dtype=object) if isinstance(values.dtype, pd.StringDtype) else
            np.array([str(value) for value in np.asarray(uniques, dtype=object).tolist()],
                     dtype=object))
    # ranks of the distinct texts (1 and "1" are one text), sorted in C: data.values' sort
    merged = text_ranks(pd.Series(text, dtype=object))
    labels = np.empty(int(merged.max(initial=-1)) + 1, dtype=object)
    labels[merged] = text
    return np.append(merged, -1)[codes], labels


def present_codes(codes: np.ndarray, size: int) -> np.ndarray:
    """The distinct values of non-negative integer ``codes`` below ``size``, ascending.

    What ``np.unique(codes)`` returns, found by counting instead of sorting.

    Examples
    --------
    >>> present_codes(np.array([3, 0, 3, 1]), 5).tolist()
    [0, 1, 3]
    """
    return np.flatnonzero(np.bincount(codes, minlength=size))
