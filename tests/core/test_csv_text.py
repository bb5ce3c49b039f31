"""csv_text gives exactly the bytes of DataFrame.to_csv, on random frames of every handled
dtype (and falls back to to_csv for the rest)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.csv_text import csv_text

FORMAT = "%.10g"


def reference(frame: pd.DataFrame, index: bool = False) -> str:
    return frame.to_csv(index=index, float_format=FORMAT, lineterminator="\n")


floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.integers(-10**6, 10**6).map(float),
                   st.floats(-1e3, 1e3).map(lambda value: round(value, 3)))
texts = st.text(alphabet=st.sampled_from(list("ab ,\"\n\r;'x\u00e9\u4e2d-")), max_size=6)
labels = st.text(alphabet=st.sampled_from(list("abc_ ,\"")), min_size=1, max_size=5)


@st.composite
def frames(draw) -> pd.DataFrame:
    rows = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(["float", "int", "bool", "Int64", "str", "object",
                                           "float32"]), min_size=1, max_size=6))
    data = {}
    for position, kind in enumerate(kinds):
        label = draw(labels) + str(position)
        if kind in ("float", "float32"):
            values = pd.Series(draw(st.lists(floats, min_size=rows, max_size=rows)), dtype=float)
            data[label] = values.astype(np.float32) if kind == "float32" else values
        elif kind == "int":
            data[label] = pd.Series(draw(st.lists(st.integers(-2**40, 2**40), min_size=rows,
                                                  max_size=rows)), dtype="int64")
        elif kind == "bool":
            data[label] = pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
                                    dtype=bool)
        elif kind == "Int64":
            data[label] = pd.Series(draw(st.lists(st.one_of(st.none(), st.integers(-999, 999)),
                                                  min_size=rows, max_size=rows)), dtype="Int64")
        else:
            values = draw(st.lists(st.one_of(st.none(), texts), min_size=rows, max_size=rows))
            data[label] = pd.Series(values, dtype="str" if kind == "str" else object)
    return pd.DataFrame(data)


# float32 columns cast from large floats overflow to inf on purpose (to_csv must agree on inf).
OVERFLOW = pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")


@OVERFLOW
@settings(max_examples=300, deadline=None)
@given(frames())
def test_equals_to_csv(frame):
    assert csv_text(frame, FORMAT) == reference(frame)


# Few distinct values over many rows: the path that formats each distinct value once. The
# pool keeps apart what must print apart (0.0 and -0.0; NaN payloads all print empty).
repeated = st.sampled_from([0.0, -0.0, math.nan, -math.nan, math.inf, -math.inf, 1.0, 2.5,
                            1 / 3, 1e-300, 5e-324, 123456789.123, -7.0])


@OVERFLOW
@settings(max_examples=200, deadline=None)
@given(st.lists(repeated, min_size=2, max_size=40), st.sampled_from(["float64", "float32"]))
def test_repeated_floats_equal_to_csv(values, dtype):
    frame = pd.DataFrame({"a": pd.Series(values, dtype=dtype), "b": range(len(values))})
    assert csv_text(frame, FORMAT) == reference(frame)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"x": [1.5, None]}),  # one column: the csv module quotes an empty row
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}, index=[5, 6]),
    pd.DataFrame({"a": pd.to_datetime(["2024-01-02", None]), "b": [1.0, 2.0]}),
    pd.DataFrame({"a": pd.Categorical(["x", None]), "b": [1.0, 2.0]}),
    pd.DataFrame({"a": [1.0, 2.0], "b": [object(), 1]}).assign(b=["1", 2]),
    pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])),
    pd.DataFrame({0: [1.0], 1: [2.0]}),
], ids=["one-column", "index", "datetime", "category", "mixed-object", "multiindex",
        "integer-labels"])
def test_other_frames_fall_back_to_to_csv(frame):
    assert csv_text(frame, FORMAT) == reference(frame)
    assert csv_text(frame, FORMAT, index=True) == reference(frame, index=True)


def test_quotes_only_fields_that_need_it():
    frame = pd.DataFrame({"note": ['said "hi"', "a,b", "plain", "two\nlines", "car\rriage"],
                          "score": [1.0, 2.25, float("nan"), 1e-20, 3.0]})
    assert csv_text(frame, FORMAT).splitlines()[1:4] == ['"said ""hi""",1', '"a,b",2.25',
                                                        "plain,"]
    assert csv_text(frame, FORMAT) == reference(frame)


@OVERFLOW
@settings(max_examples=100, deadline=None)
@given(frames(), st.integers(1, 5))
def test_pieces_join_to_the_same_text(frame, rows):
    from burnout.core.csv_text import csv_chunks

    pieces = list(csv_chunks(frame, FORMAT, rows=rows))
    assert "".join(pieces) == reference(frame)
    assert len(pieces) in (1, 1 + -(-len(frame) // rows))  # to_csv whole, or header + pieces


def test_a_non_text_value_in_a_later_piece_falls_back_whole():
    from burnout.core.csv_text import csv_chunks

    frame = pd.DataFrame({"a": ["x", "y", "z"], "b": [1.0, 2.0, 3.0]})
    frame["a"] = pd.Series(["x", "y", 7], dtype=object)
    assert "".join(csv_chunks(frame, FORMAT, rows=1)) == reference(frame)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0, 1, -1, 6, 2**40, -(2**40)]), min_size=2, max_size=40),
       st.sampled_from(["int64", "int8", "uint8", "bool", "Int64"]), st.booleans())
def test_repeated_integers_equal_to_csv(values, dtype, missing):
    series = pd.Series(values)
    if dtype in ("int8", "uint8"):
        series = series.clip(0 if dtype == "uint8" else -128, 127)
    if dtype == "bool":
        series = series > 0
    series = series.astype(dtype)
    if dtype == "Int64" and missing:
        series.iloc[::3] = pd.NA
    frame = pd.DataFrame({"a": series, "b": range(len(values))})
    assert csv_text(frame, FORMAT) == reference(frame)


# Rows assembled in a byte buffer (repeated texts, or distinct ones of at most four widths):
# repeated texts of many widths, quoted and missing cells, one width or several per column.
@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,\"xyz0123")), min_size=30, max_size=30),
       st.integers(1, 25), st.integers(40, 300), st.integers(0, 3), st.booleans())
def test_rows_put_together_in_bytes_equal_to_csv(letters, widths, rows, id_widths, empty):
    rng = np.random.default_rng(rows)
    pool = [letters[:width] for width in range(widths)]  # 1 to 25 texts, each its own width
    texts = pd.Series(np.array(pool, dtype=object)[rng.integers(0, len(pool), rows)],
                      dtype=object)
    if empty:
        texts.iloc[::7] = None
    ids = [f"P{number:0{1 + number % (id_widths + 1)}d}" for number in range(rows)]
    answers = pd.array(rng.integers(0, 7, rows), dtype="Int64")
    answers[::5] = pd.NA
    frame = pd.DataFrame({"id": ids, "text": texts, "answer": answers,
                          "score": rng.integers(0, 40, rows) / 2, "flag": rng.random(rows) < .5})
    assert csv_text(frame, FORMAT) == reference(frame)
