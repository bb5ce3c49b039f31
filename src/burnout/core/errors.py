"""Exceptions raised on bad input, with messages that name file, row, column and rule."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DataError", "Problem", "ValidationError", "StageError", "require_columns",
           "numeric_column"]


class DataError(ValueError):
    """Bad input data; the message says where (file, row, column) and which rule is broken."""


class StageError(RuntimeError):
    """A pipeline stage failed: bad parameters, an error in a cell, an undeclared file."""


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place of a raw file.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it (the header is
    line 1), or ``None`` when the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.rule}{value}"


class ValidationError(DataError):
    """Several problems found at once; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) found in the raw data:"]
        lines += [f"  - {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


def require_columns(frame, columns, where: str) -> None:
    """Raise :class:`DataError` naming ``where`` and every column of ``columns`` not in ``frame``.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"group": []}), ["group", "ee"], "a table")
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: a table: column(s) ['ee'] missing (columns present: ['group'])
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataError(f"{where}: column(s) {missing} missing (columns present: "
                        f"{list(frame.columns)})")


def numeric_column(frame, column: str, where: str):
    """``frame[column]`` as numbers; a value that is not a number raises :class:`DataError`.

    Missing values stay missing. The message names ``where``, the spreadsheet row (header is
    row 1), the column and the value.

    Examples
    --------
    >>> import pandas as pd
    >>> numeric_column(pd.DataFrame({"ee": ["3", None]}), "ee", "model").tolist()
    [3.0, nan]
    >>> numeric_column(pd.DataFrame({"ee": ["3", "high"]}), "ee", "model")
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: model: row 3, column 'ee': value 'high' is not a number
    """
    import numpy as np
    import pandas as pd

    values = frame[column]
    if pd.api.types.is_numeric_dtype(values):
        return values  # already numbers (what pd.to_numeric would return)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & numbers.isna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{where}: row {position + 2}, column '{column}': value "
                        f"{frame[column].iloc[position]!r} is not a number")
    return numbers
