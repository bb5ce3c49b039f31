"""The compendium's studies among the evidence: gather effects, describe programs, pool.

Each study of the compendium contributes, per score, the standardized effect its unadjusted stage
wrote (``data/processed/<study>/unadjusted_effect_sizes.csv``) and its program's design from its
study file (``program``: format, matching, dose, setting, population). Published estimates
(``published/evidence.csv``) and a user's own estimates files (``data/evidence/*.csv``) add
other studies. Only between-group effects (Hedges' g of change) are pooled; a single-group
study's standardized mean change answers another question and is listed, not pooled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from burnout.core.catalog import study_files
from burnout.core.errors import DataError
from burnout.data.study import load_study
from burnout.data.study_sections import PROGRAM_KEYS
from burnout.synthesis.evidence import read_estimates
from burnout.synthesis.meta_analysis import MetaAnalysis, meta_analysis, model_matrix

__all__ = ["EFFECT_COLUMNS", "study_effects", "evidence_effects", "program_table",
           "moderator_problem", "pool"]

# The columns of the gathered effects, one row per study and score.
EFFECT_COLUMNS = ("study", "label", "source", "design", "outcome", "method", "estimate", "se",
                  "ci_low", "ci_high", "n_intervention", "n_control", *PROGRAM_KEYS,
                  "citation", "doi")
# The method names of effects that can be pooled (between-group standardized differences).
POOLABLE = ("hedges_g", "published_smd")


def study_effects(studies: Iterable[str]) -> pd.DataFrame:
    """The standardized effects the compendium's studies wrote, with their program's design.

    A study whose unadjusted stage has not written effect sizes is skipped.
    """
    rows = []
    for name in studies:
        described = load_study(name)
        path = study_files(name).unadjusted("effect_sizes")
        if not path.is_file():
            continue
        replica = " (synthetic replica)" if described.synthetic else ""
        table = pd.read_csv(path)
        if "estimate" not in table.columns:
            continue
        for row in table[table["estimate"].notna()].itertuples():
            rows.append({"study": name, "label": f"{name}{replica}",
                         "source": "re-analysed in this compendium" + replica,
                         "design": described.design, "outcome": row.outcome.removesuffix("_change"),
                         "method": row.method, "estimate": row.estimate, "se": row.se,
                         "ci_low": row.ci_low, "ci_high": row.ci_high,
                         "n_intervention": row.n_intervention, "n_control": row.n_control,
                         **{key: described.program.get(key, "not stated")
                            for key in PROGRAM_KEYS},
                         "citation": described.title, "doi": ""})
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))


def evidence_effects(paths: Sequence[Path]) -> pd.DataFrame:
    """Effects of other studies from estimates files (each needs an ``outcome`` column).

    Effects are standardized (``SMD``): a row with summary statistics becomes Hedges' g; a row
    with an estimate must already be a standardized mean difference.
    """
    frames = []
    for path in paths:
        found = read_estimates(path, moderators=["outcome"], measure="SMD", minimum=1)
        z = 1.959963984540054
        found = found.assign(label=found["study"].astype(str) + " (published)",
                             source=str(Path(path).name), method="published_smd",
                             ci_low=found["estimate"] - z * found["se"],
                             ci_high=found["estimate"] + z * found["se"])
        for column in EFFECT_COLUMNS:
            if column not in found.columns:
                found[column] = "not stated" if column in PROGRAM_KEYS else ""
        frames.append(found[list(EFFECT_COLUMNS)])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=list(EFFECT_COLUMNS))


def program_table(effects: pd.DataFrame) -> pd.DataFrame:
    """One row per study: its design and its program's format, matching, dose, setting.

    Examples
    --------
    >>> effects = pd.DataFrame({"label": ["A", "A", "B"], "design": ["randomized"] * 3,
    ...                         "format": ["group"] * 3, "matching": ["n/a"] * 3,
    ...                         "dose": ["4 months"] * 3, "setting": ["web"] * 3,
    ...                         "population": ["students"] * 3, "source": ["x"] * 3,
    ...                         "outcome": ["ee", "dp", "ee"]})
    >>> program_table(effects)[["study", "outcomes"]]
      study outcomes
    0     A   ee, dp
    1     B       ee
    """
    columns = ["label", "design", *PROGRAM_KEYS, "source"]
    table = effects.groupby(columns, sort=False, dropna=False)["outcome"].agg(
        lambda values: ", ".join(dict.fromkeys(values))).reset_index()
    return table.rename(columns={"label": "study", "outcome": "outcomes"})


def moderator_problem(effects: pd.DataFrame, moderator: str) -> str | None:
    """Why ``moderator`` cannot be analysed in these studies, or None when it can.

    A moderator needs a value for every study, two or more levels with at least two studies
    each, and more studies than the meta-regression has coefficients plus one.

    Examples
    --------
    >>> effects = pd.DataFrame({"format": ["group", "one-on-one", "one-on-one"]})
    >>> moderator_problem(effects, "format")
    "level 'group' has 1 study; each level needs at least 2"
    """
    if moderator not in effects.columns:
        return f"no column '{moderator}'"
    values = effects[moderator].astype(str)
    unknown = values.str.startswith(("not stated", "not reported"))
    if unknown.any():
        return f"{int(unknown.sum())} of {len(values)} studies do not state it"
    counts = values.value_counts()
    if len(counts) < 2:
        return f"every study has the same value ('{counts.index[0]}')"
    small = counts[counts < 2]
    if len(small):
        return (f"level '{small.index[0]}' has {int(small.iloc[0])} study; each level needs at "
                "least 2")
    coefficients = model_matrix(effects, [moderator]).shape[1]
    if len(effects) < coefficients + 2:
        return f"{len(effects)} studies for {coefficients} coefficients; at least " \
               f"{coefficients + 2} are needed"
    return None


def pool(effects: pd.DataFrame, outcome: str, method: str = "REML",
         hartung_knapp: bool = True, moderators: Sequence[str] = ()) -> MetaAnalysis | str:
    """The meta-analysis of one score's between-group effects, or why there is none.

    Returns the :class:`~burnout.synthesis.meta_analysis.MetaAnalysis` (with ``moderators``: the
    meta-regression), or a sentence saying why the studies cannot be pooled.
    """
    chosen = effects[(effects["outcome"] == outcome) & effects["method"].isin(POOLABLE)]
    if len(chosen) < 2:
        return (f"{len(chosen)} between-group estimate(s) of '{outcome}': a meta-analysis needs "
                "at least two")
    try:
        # The weights are named by the plotted label, not the bare study name.
        return meta_analysis(chosen.assign(study=chosen["label"]), method=method,
                             hartung_knapp=hartung_knapp, moderators=moderators,
                             outcome=outcome, measure="SMD")
    except DataError as error:
        return str(error)
