"""Tests of burnout.core.errors: messages name the file, row, column and rule."""

from __future__ import annotations

import pandas as pd
import pytest

from burnout.core.errors import DataError, Problem, ValidationError, require_columns


def test_require_columns_names_every_missing_column():
    frame = pd.DataFrame({"group": ["control"], "ee": [1]})
    require_columns(frame, ["group", "ee"], "here")  # nothing missing: no error
    with pytest.raises(DataError, match=r"^where: column\(s\) \['dp', 'pa'\] missing"):
        require_columns(frame, ["group", "dp", "pa"], "where")


def test_validation_error_lists_every_problem_with_its_place():
    problems = [Problem("students.csv", 4, "age", "x", "must be an integer"),
                Problem("mbi_pre.csv", None, None, None, "file is empty")]
    message = str(ValidationError(problems))
    assert message.splitlines() == [
        "2 problem(s) found in the raw data:",
        "  - students.csv, row 4, column 'age': must be an integer (value 'x')",
        "  - mbi_pre.csv: file is empty",
    ]


def test_numeric_column_keeps_missing_values_and_names_the_first_bad_row():
    from burnout.core.errors import numeric_column

    frame = pd.DataFrame({"ee": [1, None, "2.5"]})
    assert numeric_column(frame, "ee", "here").tolist()[::2] == [1.0, 2.5]
    with pytest.raises(DataError, match=r"^model: row 3, column 'ee': value 'x' is not a number"):
        numeric_column(pd.DataFrame({"ee": [1, "x", "y"]}), "ee", "model")
