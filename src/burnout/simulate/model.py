"""A study's data-generating model, derived from its own processed data, and its draws.

The model (:class:`StudyModel`) is estimated from ``data/processed/<study>/``, so it applies to
any study the pipeline has built, shipped or brought:

* **participants**: per group, the participants with a baseline survey (``participants.csv``,
  ``has_pre``), or the sizes asked for;
* **sites and covariates**: resampled jointly, row by row, from the observed participants of the
  same group (``analysis.csv``), so site shares and the covariates' joint distribution are
  kept; they carry no information on the outcomes (the outcomes are drawn independently of them);
* **each outcome**: baseline and follow-up scores bivariate normal with the pooled
  within-group means, standard deviations and pre-post correlation (pooled within groups, so
  that the groups differ only by the effect: under no effect the null hypothesis of every
  between-group analysis holds exactly); a single-group study's follow-up mean equals its
  baseline mean (no change without the program). Values are rounded to the instrument's
  observed step and clipped to its observed range, so ties look real;
* **the program's effect**: ``E`` scale points added to the follow-up score of the
  intervention group (of everyone in a single-group study) before rounding;
* **dropout**: missing completely at random (MCAR): each participant misses the follow-up
  survey (every outcome of it) with the observed probability, or the one asked for;
* **yes/no outcomes**: the flags of ``binary_outcomes.csv`` defined by one cut-off of one
  simulated score (``ee >= 27``), computed from the drawn scores; compound rules are left out.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from burnout.core.catalog import study_files
from burnout.core.errors import DataError
from burnout.data.registry import score_names
from burnout.data.study import load_study
from burnout.designs import design_of
from burnout.stats.regression import adjustment_sets

__all__ = ["OutcomeModel", "StudyModel", "SIMULATED", "study_model", "outcome_model",
           "draw", "with_settings"]

# The analyses a replicate runs when the design declares them. Not simulated: the medians and
# the regression diagnostics (descriptions, no test), and the per-protocol mixed model (it needs
# a model of who adheres to the program, which the processed data do not identify).
SIMULATED = ("rank_sum", "risk_ratio", "ols_change", "ols_change_hc3", "mixed_model",
             "signed_rank", "paired_t", "mcnemar", "mixed_model_time")
SUBJECT = "student_id"  # the participant id column of analysis.csv
_RULE = re.compile(r"^\s*(\w+)\s*(>=|<=|>|<)\s*(-?[\d.]+)\s*$")


@dataclass(frozen=True)
class OutcomeModel:
    """The distribution of one score at baseline and follow-up (under no effect).

    Attributes
    ----------
    name : str
        The score (``"ee"``).
    mean_pre, mean_post : float
        Means at baseline and follow-up, common to the groups.
    sd_pre, sd_post : float
        Pooled within-group standard deviations.
    correlation : float
        Pooled within-group correlation of baseline and follow-up.
    low, high : float
        The observed range; draws are clipped to it.
    step : float
        The observed step between values (1 for sums of items); draws are rounded to it
        (0: not rounded).
    flags : tuple
        ``(flag, operator, cut_off)`` of the yes/no outcomes defined on this score.
    """

    name: str
    mean_pre: float
    mean_post: float
    sd_pre: float
    sd_post: float
    correlation: float
    low: float = -math.inf
    high: float = math.inf
    step: float = 0.0
    flags: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True)
class StudyModel:
    """A study's data-generating model (see the module's description).

    Attributes
    ----------
    study : str
        The study's name.
    groups : tuple of str
        ``("intervention", "control")``, or ``()`` for a single group.
    sizes : tuple of int
        Participants with a baseline survey, per group (one number for a single group).
    dropout : float
        Probability of missing the follow-up survey (MCAR).
    outcomes : tuple of OutcomeModel
        The simulated scores.
    analyses : tuple of str
        The analyses of :data:`SIMULATED` the study's design declares.
    characteristics : dict
        Group (``""`` for a single group) -> the observed site and covariate columns of its
        participants, resampled row by row.
    covariates, mixed_covariates : tuple of str
        The regressions' adjustment set and the mixed models' fixed effects.
    """

    study: str
    groups: tuple[str, ...]
    sizes: tuple[int, ...]
    dropout: float
    outcomes: tuple[OutcomeModel, ...]
    analyses: tuple[str, ...]
    characteristics: dict = field(default_factory=dict, compare=False)
    covariates: tuple[str, ...] = ()
    mixed_covariates: tuple[str, ...] = ()

    def outcome(self, name: str) -> OutcomeModel:
        """The model of score ``name``."""
        return {outcome.name: outcome for outcome in self.outcomes}[name]


def _pooled(frame: pd.DataFrame, group: str | None, column: str) -> tuple[float, float]:
    """Overall mean and pooled within-group standard deviation of ``column``."""
    values = frame[[column] + ([group] if group else [])].dropna()
    groups = values.groupby(group)[column] if group else [(None, values[column])]
    squares = sum(float(((part - part.mean()) ** 2).sum()) for _, part in groups)
    count = len(values) - (values[group].nunique() if group else 1)
    return float(values[column].mean()), math.sqrt(squares / count) if count > 0 else math.nan


def _pooled_correlation(frame: pd.DataFrame, group: str | None, pre: str, post: str) -> float:
    pairs = frame[[pre, post] + ([group] if group else [])].dropna()
    centred = (pairs.groupby(group)[[pre, post]].transform(lambda part: part - part.mean())
               if group else pairs[[pre, post]] - pairs[[pre, post]].mean())
    product = float((centred[pre] * centred[post]).sum())
    scale = math.sqrt(float((centred[pre] ** 2).sum()) * float((centred[post] ** 2).sum()))
    return product / scale if scale > 0 else 0.0


def _step(values: np.ndarray) -> float:
    """The observed step between distinct values (0 when they look continuous)."""
    distinct = np.unique(np.round(values[np.isfinite(values)], 9))
    if len(distinct) < 2:
        return 0.0
    step = float(np.min(np.diff(distinct)))
    return step if np.allclose(distinct / step, np.round(distinct / step), atol=1e-6) else 0.0


def outcome_model(analysis: pd.DataFrame, name: str, grouped: bool,
                  flags: tuple = ()) -> OutcomeModel:
    """Estimate :class:`OutcomeModel` of score ``name`` from an analysis table.

    Examples
    --------
    >>> table = pd.DataFrame({"group": ["intervention", "control"] * 3,
    ...                       "ee_pre": [20, 24, 30, 28, 10, 16],
    ...                       "ee_post": [18, 25, 26, 30, 12, 14]})
    >>> model = outcome_model(table, "ee", grouped=True)
    >>> model.mean_pre, model.step, model.low, model.high
    (21.333333333333332, 1.0, 10.0, 30.0)
    >>> round(model.correlation, 3)
    0.949
    """
    group = "group" if grouped else None
    pre, post = f"{name}_pre", f"{name}_post"
    mean_pre, sd_pre = _pooled(analysis, group, pre)
    mean_post, sd_post = _pooled(analysis, group, post)
    if not (sd_pre > 0 and sd_post > 0):
        raise DataError(f"simulate: score '{name}' does not vary within the groups at baseline "
                        "and follow-up (or has no follow-up values); it cannot be simulated")
    observed = pd.concat([analysis[pre], analysis[post]]).to_numpy(dtype=float)
    return OutcomeModel(
        name=name, mean_pre=mean_pre, mean_post=mean_post if grouped else mean_pre,
        sd_pre=sd_pre, sd_post=sd_post,
        correlation=_pooled_correlation(analysis, group, pre, post),
        low=float(np.nanmin(observed)), high=float(np.nanmax(observed)),
        step=_step(observed), flags=tuple(flags))


def _flag_rules(path, outcomes) -> dict[str, list]:
    """Yes/no outcomes defined by one cut-off of one score: score -> [(flag, op, cut-off)]."""
    rules: dict[str, list] = {name: [] for name in outcomes}
    if not path.is_file():
        return rules
    for row in pd.read_csv(path).itertuples():
        match = _RULE.match(str(row.rule))
        if match and match.group(1) in rules:
            rules[match.group(1)].append((row.outcome, match.group(2), float(match.group(3))))
    return rules


def _sizes_and_dropout(files, analysis: pd.DataFrame, groups: tuple) -> tuple[tuple, float]:
    """Per-group participants with a baseline, and the share of them without a follow-up."""
    participants = pd.read_csv(files.participants) if files.participants.is_file() else None
    if participants is not None and {"has_pre", "has_post"} <= set(participants.columns):
        base = participants.loc[participants["has_pre"] == 1]
        completed = float(base["has_post"].mean()) if len(base) else 1.0
    else:  # no participants table: the analysis table's rows
        base = analysis
        completed = 1.0
    sizes = (tuple(int((base["group"] == label).sum()) for label in groups) if groups
             else (len(base),))
    return sizes, 1.0 - completed


def _characteristics(analysis: pd.DataFrame, groups: tuple, columns: list) -> dict:
    if not groups:
        return {"": analysis[columns].reset_index(drop=True)}
    return {label: analysis.loc[analysis["group"] == label, columns].reset_index(drop=True)
            for label in groups}


def study_model(study: str, outcomes: list[str] | None = None,
                covariates: list[str] | None = None,
                mixed_covariates: list[str] | None = None) -> StudyModel:
    """The data-generating model of ``study``, from its processed data.

    Parameters
    ----------
    study : str
        A study built by the pipeline (``data/processed/<study>/analysis.csv`` exists).
    outcomes : list of str, optional
        The scores simulated (default: every score of the study's instruments).
    covariates, mixed_covariates : list of str, optional
        The regressions' adjustment set and the mixed models' fixed effects (default: as the
        adjusted stage's, :func:`burnout.stats.regression.adjustment_sets`).

    Raises
    ------
    DataError
        An unknown study, a study not built yet, a score the study does not have, a covariate
        that is not a column of ``analysis.csv``.
    """
    described = load_study(study)
    design = design_of(described)
    files = study_files(study)
    if not files.analysis.is_file():
        raise DataError(f"simulate: study '{study}' has no {files.analysis.name} yet; build it "
                        f"first (make all STUDY={study})")
    analysis = pd.read_csv(files.analysis)
    known = score_names(described.instrument_names)
    chosen = known if outcomes is None else list(outcomes)
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen:
        raise DataError(f"simulate: study '{study}' has no outcome {unknown}; its outcomes "
                        f"are {known}")
    covariates, mixed_covariates = adjustment_sets(described, covariates, mixed_covariates)
    columns = sorted(set(covariates) | set(mixed_covariates), key=analysis.columns.get_loc) \
        if set(covariates) | set(mixed_covariates) <= set(analysis.columns) else None
    if columns is None:
        missing = sorted((set(covariates) | set(mixed_covariates)) - set(analysis.columns))
        raise DataError(f"simulate: covariate(s) {missing} are not columns of "
                        f"{files.analysis.name}")
    columns = (["site"] if "site" in analysis.columns and "site" not in columns else []) + columns
    groups = tuple(design.groups)
    rules = _flag_rules(files.binary_outcomes, chosen)
    sizes, dropout = _sizes_and_dropout(files, analysis, groups)
    return StudyModel(
        study=study, groups=groups, sizes=sizes, dropout=dropout,
        outcomes=tuple(outcome_model(analysis, name, bool(groups), rules[name])
                       for name in chosen),
        analyses=tuple(name for name in SIMULATED if design.applies(name)),
        characteristics=_characteristics(analysis, groups, columns),
        covariates=tuple(covariates), mixed_covariates=tuple(mixed_covariates))


def with_settings(model: StudyModel, sizes=None, dropout: float | None = None) -> StudyModel:
    """``model`` with other group sizes or dropout (checked).

    Examples
    --------
    >>> model = StudyModel("pilot", ("intervention", "control"), (10, 12), 0.1, (), ())
    >>> with_settings(model, sizes=[20, 20], dropout=0.3).sizes
    (20, 20)
    >>> with_settings(model, sizes=[20])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    burnout.core.errors.DataError: simulate: --n needs 2 sizes (intervention, control), got [20]
    """
    if sizes is not None:
        sizes = list(sizes)
        expected = max(len(model.groups), 1)
        if len(sizes) != expected:
            names = ", ".join(model.groups) or "the single group"
            raise DataError(f"simulate: --n needs {expected} size{'s' * (expected > 1)} "
                            f"({names}), got {sizes}")
        if any(int(size) != size or size < 2 for size in sizes):
            raise DataError(f"simulate: group sizes must be whole numbers of at least 2, "
                            f"got {sizes}")
        model = dataclasses.replace(model, sizes=tuple(int(size) for size in sizes))
    if dropout is not None:
        if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
            raise DataError(f"simulate: dropout must be at least 0 and below 1, got {dropout!r}")
        model = dataclasses.replace(model, dropout=float(dropout))
    return model


def _rounded(values: np.ndarray, outcome: OutcomeModel) -> np.ndarray:
    if outcome.step > 0 and math.isfinite(outcome.low):
        values = outcome.low + np.round((values - outcome.low) / outcome.step) * outcome.step
    return np.clip(values, outcome.low, outcome.high)


def _flag(values: np.ndarray, operator: str, cut_off: float) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        flagged = {">=": values >= cut_off, "<=": values <= cut_off, ">": values > cut_off,
                   "<": values < cut_off}[operator].astype(float)
    return np.where(np.isnan(values), np.nan, flagged)


def draw(model: StudyModel, effect: float, rng: np.random.Generator
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One simulated dataset: the analysis table and its long form.

    The draws depend only on ``rng`` and the sizes, not on ``effect``: the same generator state
    gives the same participants under every effect (common random numbers).

    Examples
    --------
    >>> outcome = OutcomeModel("ee", 20.0, 20.0, 8.0, 8.0, 0.6, 0.0, 54.0, 1.0)
    >>> model = StudyModel("pilot", ("intervention", "control"), (5, 4), 0.25, (outcome,),
    ...                    ("rank_sum",), {"intervention": pd.DataFrame({"site": ["a", "b"]}),
    ...                                    "control": pd.DataFrame({"site": ["a"]})})
    >>> wide, long = draw(model, 3.0, np.random.default_rng(1))
    >>> list(wide.columns), len(wide), len(long)
    (['student_id', 'group', 'site', 'ee_pre', 'ee_post', 'ee_change'], 9, 18)
    >>> bool((wide["ee_post"].dropna() % 1 == 0).all())
    True
    """
    labels = model.groups or ("",)
    parts, treated = [], []
    for label, size in zip(labels, model.sizes, strict=True):
        rows = model.characteristics[label]
        chosen = rng.integers(0, len(rows), size) if len(rows) else np.zeros(0, dtype=int)
        part = rows.iloc[chosen].reset_index(drop=True) if len(rows) else pd.DataFrame(
            index=range(size))
        if label:
            part.insert(0, "group", label)
        parts.append(part)
        treated.append(np.full(size, (label == labels[0]) or not model.groups, dtype=bool))
    wide = pd.concat(parts, ignore_index=True)
    treated = np.concatenate(treated)
    total = len(wide)
    wide.insert(0, SUBJECT, [f"R{index:05d}" for index in range(1, total + 1)])
    missing = rng.random(total) < model.dropout
    scores = {}  # added to the table at once: one insertion per column cost more than the draw
    for outcome in model.outcomes:
        noise = rng.standard_normal((2, total))
        rho = outcome.correlation
        pre = outcome.mean_pre + outcome.sd_pre * noise[0]
        post = (outcome.mean_post + effect * treated
                + outcome.sd_post * (rho * noise[0] + math.sqrt(max(1 - rho**2, 0)) * noise[1]))
        pre, post = _rounded(pre, outcome), _rounded(post, outcome)
        post[missing] = np.nan
        scores[f"{outcome.name}_pre"], scores[f"{outcome.name}_post"] = pre, post
        scores[f"{outcome.name}_change"] = post - pre
        for flag, operator, cut_off in outcome.flags:
            scores[f"{flag}_pre"] = _flag(pre, operator, cut_off)
            scores[f"{flag}_post"] = _flag(post, operator, cut_off)
    wide = pd.concat([wide, pd.DataFrame(scores, index=wide.index)], axis=1)
    return wide, _long_form(wide, model)


def _long_form(wide: pd.DataFrame, model: StudyModel) -> pd.DataFrame:
    """One row per participant and time: id, group, the characteristics and the scores."""
    keys = [column for column in wide.columns
            if not column.endswith(("_pre", "_post", "_change"))]
    times = []
    for time in ("pre", "post"):
        scores = {"time": time} | {outcome.name: wide[f"{outcome.name}_{time}"].to_numpy()
                                   for outcome in model.outcomes}
        times.append(pd.concat([wide[keys], pd.DataFrame(scores, index=wide.index)], axis=1))
    return pd.concat(times, ignore_index=True)
