"""Descriptive statistics: Table 1 (baseline characteristics) and medians with quartiles.

A comparative study's first table shows who was compared: for each characteristic the count
and percentage per category, and for each measurement the median with its interquartile
range and the mean with its standard deviation. Instead of p-values (which answer a question
nobody asked: the groups are samples, not the populations), the table gives the
*standardized mean difference* (SMD) of each characteristic: the difference of the group
means in pooled standard-deviation units (for a categorical variable, the multi-category
generalization of Yang and Dalton). An absolute SMD above 0.1 is a common flag of imbalance
worth adjusting for.

The numbers come from the ``tableone`` package; :func:`baseline_table` returns them as one
tidy table. Its categorical rows and their SMD are computed here from the counts, exactly as
tableone computes them (same levels, percentages and Yang-Dalton formula): tableone converts
every categorical cell in Python several times (about 50 seconds for a Table 1 of a million
participants), whereas counts grouped by pandas take a fraction of a second.
``tests/stats/test_descriptive.py`` checks the equality with tableone's own rows.

Burnout scores are sums of Likert items: bounded, often skewed, and their changes are small
integers with many ties. :func:`median_quartiles_table` describes each score, wave and group by
the median and the first and third quartiles (R's default ``quantile(type = 7)``, which pandas
also uses), without assuming a normal distribution.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import DataError, require_columns

__all__ = ["baseline_table", "baseline_variables", "describe_numbers", "median_quartiles_table"]

_MEDIAN_LABEL = "median [Q1,Q3]"
_MEAN_LABEL = "mean (SD)"
_COUNT_LABEL = "n (%)"


def _tableone(data: pd.DataFrame, columns: list[str], categorical: list[str],
              nonnormal: list[str], group: str, order: list[str], decimals: int):
    """Run ``tableone.TableOne`` quietly (its pandas deprecation warnings are not ours)."""
    from tableone import TableOne

    grouping = {"groupby": group, "order": {group: order}, "smd": True} if group else {}
    if group and not categorical:
        # tableone groups continuous rows with pandas' groupby about a dozen times; on a text
        # column each one hashes every row's text again (seconds at a million rows), on a
        # categorical one it reads the codes. The tables are equal (tests/stats) when every
        # group has a value of every column (else tableone fails on the categorical column).
        levels = sorted(data[group].dropna().unique().tolist())
        coded = data.assign(**{group: pd.Categorical(data[group], categories=levels)})
        if (coded.groupby(group, observed=False)[columns].count() > 0).all(axis=None):
            data = coded
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TableOne(data, columns=columns, categorical=categorical, nonnormal=nonnormal,
                        pval=False, decimals=decimals, missing=True, overall=True, **grouping)


def _category_counts(frame: pd.DataFrame, variable: str, group: str,
                     columns: Sequence[str]) -> pd.DataFrame:
    """Counts of each level (missing as tableone's level "None") per group and overall."""
    values = frame[variable]
    if values.isna().any():  # tableone.preprocessors.handle_categorical_nulls
        values = values.astype(object).fillna("None").astype(str)
    # pandas.crosstab's counts, by one bincount of level x group codes (crosstab's pivot
    # table took seconds at a million rows); rows without a group are not counted
    grouped = frame[group].notna().to_numpy()
    levels, level_names = pd.factorize(values.to_numpy(dtype=object)[grouped])
    groups, group_names = pd.factorize(frame[group].to_numpy(dtype=object)[grouped])
    cells = np.bincount(levels * len(group_names) + groups,
                        minlength=len(level_names) * len(group_names))
    counts = pd.DataFrame(cells.reshape(len(level_names), len(group_names)),
                          index=pd.Index(level_names, dtype=object), columns=group_names)
    counts = counts.reindex(index=sorted(counts.index), columns=list(columns[1:]), fill_value=0)
    counts.insert(0, columns[0], counts.sum(axis=1))
    return counts


def _yang_dalton(first: np.ndarray, second: np.ndarray) -> float:
    """tableone's categorical SMD of two vectors of proportions (first level dropped)."""
    first, second = first[1:], second[1:]
    covariances = []
    for shares in (first, second):
        covariance = -np.outer(shares, shares)
        covariance[np.diag_indices_from(covariance)] = shares * (1 - shares)
        covariances.append(covariance)
    difference = np.asarray(second - first).reshape((1, -1))
    try:
        squared = difference @ np.linalg.inv((covariances[0] + covariances[1]) / 2) @ difference.T
    except np.linalg.LinAlgError:
        return float("nan")
    return float(np.sqrt(squared)[0][0]) if squared.size else float("nan")


def _categorical_rows(frame: pd.DataFrame, categorical: list[str], group: str,
                      order: list[str], decimals: int) -> tuple[list[dict], dict[str, float]]:
    """The rows (and SMD per variable) tableone gives the categorical variables, from counts.

    ``order`` is tableone's group order (its SMD compares ``order[0]`` with ``order[1]``)."""
    columns = ["overall", *order]
    rows, smd = [], {}
    for variable in categorical:
        counts = _category_counts(frame, variable, group, columns)
        percents = {}
        for column in columns:  # tableone: freq / sum of freq * 100, printed with decimals
            freq = counts[column].to_numpy()
            percents[column] = freq.astype(float) / freq.sum() * 100
        for position, level in enumerate(counts.index):
            row = {"variable": variable, "level": str(level), "statistic": _COUNT_LABEL,
                   "missing": ""}
            for column in columns:
                row[column] = (f"{int(counts[column].iloc[position])} "
                               f"({percents[column][position]:.{decimals}f})")
            rows.append(row)
        smd[variable] = _yang_dalton(percents[order[0]] / 100, percents[order[1]] / 100)
    return rows, smd


def _counts_apply(frame: pd.DataFrame, categorical: list[str], continuous: list[str],
                  group: str | None) -> bool:
    """Whether :func:`_categorical_rows` stands in for tableone: two groups, none missing,
    and a continuous variable whose tableone call carries the n row. (A missing category is
    tableone's level "None", so every group's percentages have a denominator.)"""
    return bool(group and categorical and continuous) and not frame[group].isna().any()


def _rows(table, groups: Sequence[str], wanted_statistic: str | None) -> list[dict]:
    """Flatten TableOne's formatted table into dicts (one per variable and level)."""
    frame = table.tableone.copy()
    frame.columns = [column[-1] if isinstance(column, tuple) else column
                     for column in frame.columns]
    rows = []
    for (label, level), values in frame.iterrows():
        if label == "n":
            variable, statistic = "n", "n"
        else:
            variable, statistic = str(label).rsplit(", ", 1)
        if wanted_statistic is not None and statistic != wanted_statistic and label != "n":
            continue
        row = {"variable": variable, "level": str(level), "statistic": statistic,
               "missing": str(values.get("Missing", "")).strip(),
               "overall": str(values["Overall"]).strip()}
        for name in groups:
            row[name] = str(values[name]).strip()
        rows.append(row)
    return rows


def baseline_table(data: pd.DataFrame, group: str | None = "group",
                   categorical: Sequence[str] = (), continuous: Sequence[str] = (),
                   groups: Sequence[str] = ("intervention", "control"),
                   decimals: int = 1) -> pd.DataFrame:
    """Baseline characteristics by group (Table 1), with standardized mean differences.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    group : str or None
        The group column; ``None`` for a single group (the table has the ``overall`` column
        only, and no SMD).
    categorical : sequence of str
        Columns summarized as n (%) per level (percent of the group's non-missing values).
    continuous : sequence of str
        Columns summarized as median [Q1,Q3] and as mean (SD).
    groups : sequence of two str
        The groups in display order; the SMD is the second's mean subtracted from the
        first's (intervention minus control by default).
    decimals : int
        Decimals of the formatted statistics.

    Returns
    -------
    pandas.DataFrame
        One row per statistic: ``variable``, ``level`` (category, empty for a continuous
        variable), ``statistic`` (``"n"``, ``"n (%)"``, ``"median [Q1,Q3]"`` or
        ``"mean (SD)"``), ``missing`` (missing values, all groups), ``overall``, one column
        per group with the formatted statistic, and ``smd`` (float, on the first row of each
        variable; NaN elsewhere).

    Raises
    ------
    DataError
        When a column is missing, a continuous column is not numeric, the table does not have
        exactly the two groups, or a variable is both categorical and continuous.

    Notes
    -----
    For a continuous variable the SMD is :math:`(\\bar x_1 - \\bar x_2) /
    \\sqrt{(s_1^2 + s_2^2) / 2}`; for a categorical one it is the Mahalanobis distance of the
    two vectors of proportions (Yang and Dalton 2012), which is never negative.

    References
    ----------
    .. [1] Austin PC (2009). Balance diagnostics for comparing the distribution of baseline
       covariates between treatment groups in propensity-score matched samples. Statistics
       in Medicine 28:3083-3107.
    .. [2] Pollard TJ, Johnson AEW, Raffa JD, Mark RG (2018). tableone: An open source Python
       package for producing summary statistics for research papers. JAMIA Open 1(1):26-31.

    Examples
    --------
    >>> data = pd.DataFrame({
    ...     "group": ["intervention"] * 4 + ["control"] * 4,
    ...     "gender": ["female", "male", "female", "female", "male", "male", "female", "male"],
    ...     "age": [25, 26, 27, 28, 26, 27, 28, 29]})
    >>> table = baseline_table(data, categorical=["gender"], continuous=["age"])
    >>> table[["variable", "level", "statistic", "intervention", "control"]]
      variable   level       statistic      intervention           control
    0        n                       n                 4                 4
    1      age          median [Q1,Q3]  26.5 [25.8,27.2]  27.5 [26.8,28.2]
    2      age               mean (SD)        26.5 (1.3)        27.5 (1.3)
    3   gender  female           n (%)          3 (75.0)          1 (25.0)
    4   gender    male           n (%)          1 (25.0)          3 (75.0)
    >>> round(float(table["smd"].iloc[1]), 3)
    -0.775
    """
    categorical, continuous = list(categorical), list(continuous)
    groups = list(groups) if group else []
    overlap = sorted(set(categorical) & set(continuous))
    if overlap:
        raise DataError(f"baseline_table: {overlap} listed as both categorical and continuous")
    keys = [group] if group else []
    missing = [column for column in [*keys, *categorical, *continuous]
               if column not in data.columns]
    if missing:
        raise DataError(f"baseline_table: column(s) {missing} missing (columns present: "
                        f"{list(data.columns)})")
    if group and len(groups) != 2:
        raise DataError(f"baseline_table: groups must name two groups, got {groups}")
    if group:
        present = sorted(set(data[group].dropna().astype(str)))
        if sorted(groups) != present:
            raise DataError(f"baseline_table: column '{group}' holds {present}; rule: exactly "
                            f"the groups {groups}")
    frame = data[[*keys, *categorical, *continuous]].copy()
    for column in continuous:
        converted = pd.to_numeric(frame[column], errors="coerce")
        bad = frame[column].notna() & converted.isna()
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(f"baseline_table: row {position + 2}, column '{column}': value "
                            f"{frame[column].iloc[position]!r} is not a number")
        frame[column] = converted.astype(float)
    for column in categorical:
        frame[column] = frame[column].astype("string").astype(object)
    order = [groups[1], groups[0]] if group else []  # tableone's SMD (a,b): mean(b) - mean(a)
    counted = _counts_apply(frame, categorical, continuous, group)
    described = continuous if counted else [*continuous, *categorical]
    medians = _tableone(frame, described, [] if counted else categorical, continuous, group,
                        order, decimals)
    rows = _rows(medians, groups, None)
    category_smd: dict[str, float] = {}
    if counted:
        category_rows, category_smd = _categorical_rows(frame, categorical, group, order,
                                                        decimals)
        rows += category_rows
    if continuous:
        means = _tableone(frame, continuous, [], [], group, order, decimals)
        mean_rows = {row["variable"]: row for row in _rows(means, groups, _MEAN_LABEL)
                     if row["variable"] != "n"}
        expanded = []
        for row in rows:
            expanded.append(row)
            if row["statistic"] == _MEDIAN_LABEL:
                expanded.append(mean_rows[row["variable"]])
        rows = expanded
    table = pd.DataFrame(rows)[["variable", "level", "statistic", "missing", "overall",
                                *groups]]
    table["smd"] = float("nan")
    if group:
        smd_column = f"SMD ({order[0]},{order[1]})"
        smd = pd.to_numeric(medians.smd_table[smd_column], errors="coerce")
        smd = pd.concat([smd, pd.Series(category_smd, dtype=float)])
        first = ~table["variable"].duplicated() & (table["variable"] != "n")
        table.loc[first, "smd"] = table.loc[first, "variable"].map(smd).astype(float)
    return table.reset_index(drop=True)


def baseline_variables(data: pd.DataFrame, characteristics: Sequence[str],
                       outcomes: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Default Table 1 rows: (categorical, continuous) columns of ``data``.

    ``site`` (when present) and the characteristics that are text or 0/1 are categorical; the
    other numeric characteristics, then the baseline score ``<outcome>_pre`` of every outcome,
    are continuous.

    Examples
    --------
    >>> data = pd.DataFrame({"site": ["a"], "age": [30], "smoker": [0], "sex": ["f"],
    ...                      "ee_pre": [20.0]})
    >>> baseline_variables(data, ["age", "smoker", "sex"], ["ee"])
    (['site', 'smoker', 'sex'], ['age', 'ee_pre'])
    """
    categorical = ["site"] if "site" in data.columns else []
    continuous = []
    for column in characteristics:
        if column not in data.columns:
            raise DataError(f"baseline_variables: column '{column}' missing")
        # each distinct value converted once (a text column of a million rows took seconds)
        values = pd.to_numeric(pd.Series(data[column].dropna().unique()), errors="coerce")
        numeric = bool(values.notna().all())
        binary = numeric and set(values.unique()) <= {0, 1}
        (continuous if numeric and not binary else categorical).append(column)
    continuous += [f"{outcome}_pre" for outcome in outcomes if f"{outcome}_pre" in data.columns]
    return categorical, continuous


def describe_numbers(data: pd.DataFrame, columns: Sequence[str],
                     source: str = "analysis.csv") -> dict[str, float | int]:
    """Citable summaries of continuous characteristics of the whole sample.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (``analysis.csv``).
    columns : sequence of str
        Numeric columns to summarize (e.g. ``["age"]``).
    source : str
        Name of the table, used in error messages.

    Returns
    -------
    dict
        ``describe.<column>.mean``, ``.sd`` (sample SD, n - 1) and ``.n`` (non-missing values).

    Raises
    ------
    DataError
        When a column is missing or holds a non-numeric value (the message names the table,
        row and column).

    Examples
    --------
    >>> numbers = describe_numbers(pd.DataFrame({"age": [24, 26, 25]}), ["age"])
    >>> numbers["describe.age.mean"], numbers["describe.age.sd"], numbers["describe.age.n"]
    (25.0, 1.0, 3)
    """
    numbers: dict[str, float | int] = {}
    for column in columns:
        if column not in data.columns:
            raise DataError(f"{source}: column '{column}' missing (rule: a summarized "
                            f"characteristic must be a column; present: {list(data.columns)})")
        values = pd.to_numeric(data[column], errors="coerce")
        bad = values.isna() & data[column].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise DataError(f"{source}, row {row}, column '{column}': value "
                            f"{data[column].iloc[row - 2]!r} (rule: a number)")
        numbers[f"describe.{column}.mean"] = float(values.mean())
        numbers[f"describe.{column}.sd"] = float(values.std(ddof=1))
        numbers[f"describe.{column}.n"] = int(values.notna().sum())
    return numbers


def _formatted(median: float, q1: float, q3: float) -> str:
    """``"median (Q1, Q3)"`` with up to three significant decimals and no trailing zeros."""
    if pd.isna(median):
        return ""
    return "{} ({}, {})".format(*(f"{value:.4g}" for value in (median, q1, q3)))


def median_quartiles_table(analysis: pd.DataFrame, subscales: Sequence[str] = ("ee", "dp", "pa"),
                           waves: Sequence[str] = ("pre", "post", "change"),
                           group: str | None = "group",
                           groups: Sequence[str] = ("intervention", "control")) -> pd.DataFrame:
    """Median, Q1 and Q3 of ``<subscale>_<wave>`` for each group.

    Parameters
    ----------
    analysis : pandas.DataFrame
        One row per student with columns ``<subscale>_<wave>`` (e.g. ``ee_change``) and
        ``group``.
    subscales, waves : sequence of str
        Column name parts; every combination must be a column.
    group : str or None
        The group column; ``None`` for a single group (reported as group ``"all"``).
    groups : sequence of str
        The groups, in display order (ignored without a group column).

    Returns
    -------
    pandas.DataFrame
        One row per subscale, wave and group: ``subscale``, ``wave``, ``group``, ``n``
        (non-missing values), ``median``, ``q1``, ``q3`` and ``summary`` (``"median (Q1,
        Q3)"``). A group without values has n 0 and NaN statistics.

    Raises
    ------
    DataError
        When a column is missing or holds a value that is not a number.

    Examples
    --------
    >>> analysis = pd.DataFrame({"group": ["intervention"] * 4 + ["control"] * 4,
    ...                          "ee_change": [-4, -2, 1, 4, -1, 0, 0, 2]})
    >>> table = median_quartiles_table(analysis, subscales=["ee"], waves=["change"])
    >>> table[["group", "n", "median", "q1", "q3", "summary"]]
              group  n  median    q1    q3            summary
    0  intervention  4    -0.5 -2.50  1.75  -0.5 (-2.5, 1.75)
    1       control  4     0.0 -0.25  0.50     0 (-0.25, 0.5)
    """
    if isinstance(subscales, str):
        subscales = [subscales]
    if isinstance(waves, str):
        waves = [waves]
    columns = [f"{subscale}_{wave}" for subscale in subscales for wave in waves]
    require_columns(analysis, [*([group] if group else []), *columns], "median_quartiles_table")
    labels = analysis[group] if group else pd.Series("all", index=analysis.index)
    groups = list(groups) if group else ["all"]
    rows = []
    members = {label: (labels == label).to_numpy() for label in groups}  # once, not per score
    for subscale in subscales:
        for wave in waves:
            column = f"{subscale}_{wave}"
            values = pd.to_numeric(analysis[column], errors="coerce")
            bad = analysis[column].notna() & values.isna()
            if bad.any():
                position = int(bad.to_numpy().nonzero()[0][0])
                raise DataError(f"median_quartiles_table: row {position + 2}, column "
                                f"'{column}': value {analysis[column].iloc[position]!r} is "
                                "not a number")
            for label in groups:
                in_group = values[members[label]].dropna().astype(float)
                median, q1, q3 = (float(in_group.quantile(q)) if len(in_group) else float("nan")
                                  for q in (0.5, 0.25, 0.75))
                rows.append({"subscale": subscale, "wave": wave, "group": label,
                             "n": int(in_group.size), "median": median, "q1": q1, "q3": q3,
                             "summary": _formatted(median, q1, q3)})
    return pd.DataFrame(rows)
