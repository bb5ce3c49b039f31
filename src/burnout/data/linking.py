"""Linking responses to participants, resolving repeated responses, and the exclusion log.

Every record a cleaning rule drops or changes is written to the exclusion log with its reason,
and the participant flow is *counted from that log* (:func:`flow_from_exclusions`), so each
number of a CONSORT or TREND diagram can be traced to individual records.

Rules
-----
Repeated responses
    A participant who answered one wave more than once keeps one response, chosen by the study
    file's ``duplicates`` rule: ``latest`` (default: the most recent finished response) or
    ``first`` (the earliest finished one). Responses are ordered by their submission time, then by
    their line in the file; finished responses are preferred to unfinished ones, and responses
    with a submission time to responses without one. Two finished
    responses with the same submission time and different answers cannot be ordered: that is a
    problem the user must resolve. Every dropped response is logged (stage ``deduplicate``).
Unfinished responses
    A participant whose only responses of a wave are unfinished has no completed survey of that
    wave; the response is logged (stage ``unfinished``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from burnout.core.errors import Problem
from burnout.data.values import text_ranks

__all__ = ["EXCLUSION_COLUMNS", "EXCLUSION_STAGES", "COMPARISON_FLOW_STEPS",
           "RANDOMIZED_FLOW_STEPS", "ExclusionLog", "resolve_repeats", "flow_from_exclusions",
           "response_id_column"]

EXCLUSION_COLUMNS = ["record", "file", "line", "stage", "reason", "group"]
# Stages of the log in reporting order; the flow steps subtract the participants of some of them.
EXCLUSION_STAGES = ("import", "not_on_roster", "withdrawal", "pre_survey", "post_survey",
                    "per_protocol", "analysis", "deduplicate", "unfinished", "no_id",
                    "theme_codes")
# The flow of a comparison (non-randomized or single group): each step, and the stages that lead
# from the previous step to it.
COMPARISON_FLOW_STEPS = (("enrolled", ()), ("completed_pre", ("withdrawal", "pre_survey")),
                         ("completed_post", ("post_survey",)), ("analysed", ("analysis",)))
# CONSORT flow of a randomized trial analysed by intention to treat: ``None`` counts everyone
# randomized again, except those who withdrew (the mixed model uses every available observation
# of every participant; a withdrawn participant's answers are discarded).
RANDOMIZED_FLOW_STEPS = (("randomized", ()), ("completed_pre", ("withdrawal", "pre_survey")),
                         ("completed_post", ("post_survey",)),
                         ("per_protocol", ("per_protocol",)), ("analysed", None))


# The column of a survey tool's export holding each response's own id, used when the study file
# names none (the study file's docstring: "Qualtrics and REDCap exports need none of them").
TOOL_RESPONSE_IDS = {"qualtrics": ("ResponseId", "ResponseID")}


def response_id_column(export, named: str | None) -> str | None:
    """The column identifying each response of ``export``: ``named``, else the tool's own.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> export = SimpleNamespace(format="qualtrics", table=pd.DataFrame(columns=["ResponseId"]))
    >>> response_id_column(export, None), response_id_column(export, "rid")
    ('ResponseId', 'rid')
    >>> response_id_column(SimpleNamespace(format="csv", table=pd.DataFrame()), None) is None
    True
    """
    if named:
        return named
    return next((column for column in TOOL_RESPONSE_IDS.get(export.format, ())
                 if column in export.table.columns), None)


class ExclusionLog:
    """Collects excluded and altered records; :meth:`table` returns them in reporting order.

    Examples
    --------
    >>> log = ExclusionLog({"P1": "control"})
    >>> log.add("P1", "t1.csv", "post_survey", "no completed follow-up survey", participant="P1")
    >>> log.table()[["record", "stage", "group"]].values.tolist()
    [['P1', 'post_survey', 'control']]
    """

    def __init__(self, group_of: dict[str, str] | None = None):
        self._group_of = dict(group_of or {})
        self._rows: list[dict] = []

    def add(self, record, file: str, stage: str, reason: str, participant=None,
            line: int | None = None) -> None:
        """Log one record (``participant`` gives the group column)."""
        if stage not in EXCLUSION_STAGES:
            raise ValueError(f"unknown exclusion stage '{stage}'")
        self._rows.append({"record": str(record), "file": file, "line": line, "stage": stage,
                           "reason": reason,
                           "group": self._group_of.get(participant) if participant else None})

    def table(self) -> pd.DataFrame:
        """The log, ordered by stage, file, line and record."""
        frame = pd.DataFrame(self._rows, columns=EXCLUSION_COLUMNS)
        order = {stage: position for position, stage in enumerate(EXCLUSION_STAGES)}
        frame = frame.assign(_stage=frame["stage"].map(order),
                             _line=frame["line"].fillna(-1).astype(float))
        frame = frame.sort_values(["_stage", "file", "_line", "record"], kind="stable")
        frame = frame.drop(columns=["_stage", "_line"]).reset_index(drop=True)
        frame["line"] = frame["line"].astype("Int64")
        return frame


def resolve_repeats(responses: pd.DataFrame, rule: str, file: str, log: ExclusionLog,
                    wave: str, answers: pd.DataFrame | None = None
                    ) -> tuple[pd.DataFrame, list[Problem]]:
    """Keep one response per participant, by ``rule``; log the others; list unresolvable ties.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per response with ``participant`` (id), ``record`` (the response's id, or
        ``line <n>``), ``line`` (file line), ``submitted`` (datetime, NaT when unknown) and
        ``finished`` (bool), plus the answers; optionally ``participant_rank``, each id's
        place in sorted order when the caller knows it (else the ids are sorted here).
    rule : {"latest", "first"}
        Keep the most recent or the earliest response, finished ones first.
    file : str
        The export's file name (for the log and the problems).
    log : ExclusionLog
        Receives the dropped responses (``deduplicate``) and unfinished ones (``unfinished``).
    wave : str
        The wave's name, for the reasons.
    answers : pandas.DataFrame, optional
        The answers, indexed like ``responses`` (rows of other labels are not used); then
        ``responses`` holds only the columns above, and the kept rows' answers are taken once,
        placed after them (a million rows are not copied into ``responses`` first).

    Returns
    -------
    kept : pandas.DataFrame
        One finished response per participant who has one.
    problems : list of Problem
        Ties the rule cannot order (same time, both finished, different answers).

    Examples
    --------
    >>> frame = pd.DataFrame({"participant": ["A", "A", "B"], "record": ["r1", "r2", "r3"],
    ...     "line": [2, 3, 4],
    ...     "submitted": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
    ...     "finished": [True, True, False], "q1": [1, 2, 3]})
    >>> log = ExclusionLog()
    >>> kept, problems = resolve_repeats(frame, "latest", "t0.csv", log, "baseline")
    >>> kept["q1"].tolist(), log.table()["stage"].tolist()
    ([2], ['deduplicate', 'unfinished'])
    """
    latest = rule == "latest"
    # A response with a submission time outranks one without (under either rule); responses
    # without a time are ordered by their line in the file. Only these keys (indexed by
    # position) are ranked and sorted: the answers are taken once, for the kept rows (a
    # million rows, copied at every step, cost gigabytes).
    submitted = responses["submitted"].reset_index(drop=True)
    keys = ["participant", "record", "line",
            *(["participant_rank"] if "participant_rank" in responses else [])]
    ranked = responses[keys].reset_index(drop=True).assign(
        rank_unfinished=~responses["finished"].astype(bool).to_numpy(),
        rank_untimed=submitted.isna(),
        rank_time=submitted.astype("int64").where(submitted.notna(), np.iinfo("int64").min))
    ranked, first = _ranked(ranked, latest)
    columns = None
    if answers is None:  # the answers are the other columns, in place
        columns = list(responses.columns)
        answers = responses.drop(columns=[*keys, "submitted", "finished"])
        rows_of = np.arange(len(responses))
    else:  # each response's row of ``answers``
        rows_of = answers.index.get_indexer(responses.index)
        if (rows_of < 0).any():
            raise ValueError("resolve_repeats: answers has no row for some responses")
    problems = _ties(ranked, first, file, responses, answers, rows_of)
    kept = ranked.loc[first]
    dropped = ranked.loc[~first]
    # Only the participants with a dropped response need the kept one's record (a dict of
    # every participant costs seconds at a million rows).
    who = "participant_rank" if "participant_rank" in ranked else "participant"  # ints: faster
    repeated = kept.loc[kept[who].isin(dropped[who])]
    chosen = dict(zip(repeated["participant"].tolist(), repeated["record"].tolist(), strict=True))
    order = "most recent" if latest else "earliest"
    for participant, record, line in _rows(dropped):
        log.add(record, file, "deduplicate",
                f"repeated {wave} response of {participant}; kept "
                f"{chosen[participant]}, the {order} finished one",
                participant=participant, line=int(line))
    for participant, record, line in _rows(kept.loc[kept["rank_unfinished"]]):
        log.add(record, file, "unfinished",
                f"only an unfinished {wave} response of {participant}",
                participant=participant, line=int(line))
    kept = kept.loc[~kept["rank_unfinished"]].sort_values("line", kind="stable")
    rows = kept.index.to_numpy()
    own = [column for column in responses.columns if column not in answers.columns]
    kept = pd.concat([responses[own].iloc[rows].reset_index(drop=True),
                      answers.iloc[rows_of[rows]].reset_index(drop=True)], axis=1)
    return (kept if columns is None else kept[columns]), problems


def _ranked(ranked: pd.DataFrame, latest: bool) -> tuple[pd.DataFrame, pd.Series]:
    """``ranked`` sorted by participant, then finished first, timed first, time and line
    (latest or earliest first), and whether each row is its participant's first.

    The same order as ``sort_values`` on those five columns (stable); sorted here as integer
    keys, because sorting a million ids with four more columns took seconds.
    """
    codes = (ranked["participant_rank"].to_numpy() if "participant_rank" in ranked
             else text_ranks(ranked["participant"]))
    codes = np.where(codes < 0, codes.max(initial=0) + 1, codes)  # a missing id sorts last
    untimed = ranked["rank_untimed"].to_numpy(dtype=bool)
    time = np.where(untimed, 0, ranked["rank_time"].to_numpy(dtype=np.int64))
    line = ranked["line"].to_numpy(dtype=np.int64)
    if latest:
        time, line = -time, -line
    order = np.lexsort((line, time, untimed, ranked["rank_unfinished"].to_numpy(dtype=bool),
                        codes))
    ranked = ranked.iloc[order]
    sorted_codes = codes[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_codes[1:] != sorted_codes[:-1]
    return ranked, pd.Series(first, index=ranked.index)


def _rows(frame: pd.DataFrame):
    """(participant, record, line) of each row of ``frame``, as Python values."""
    return zip(frame["participant"].tolist(), frame["record"].tolist(), frame["line"].tolist(),
               strict=True)


def _ties(ranked: pd.DataFrame, first: pd.Series, file: str, responses: pd.DataFrame,
          answers: pd.DataFrame, rows_of: np.ndarray) -> list[Problem]:
    """Finished responses tied with the kept one on time, with different answers (response
    ``i``'s answers: row ``rows_of[i]`` of ``answers``)."""
    who = "participant_rank" if "participant_rank" in ranked else "participant"  # ints: faster
    keys = ranked.loc[first, [who, "rank_time", "rank_unfinished", "line"]]
    others = ranked.loc[~first & ~ranked["rank_unfinished"],
                        list(dict.fromkeys([who, "participant", "rank_time", "line"]))]
    # Each other finished response beside its participant's kept one; only the same (known)
    # submission time as a finished kept one can be a tie.
    pairs = others.merge(keys, on=who, how="left", suffixes=("", "_best"), sort=False)
    pairs = pairs.loc[~pairs["rank_unfinished"].astype(bool)
                      & (pairs["rank_time"] == pairs["rank_time_best"])
                      & (pairs["rank_time"] != np.iinfo("int64").min)]
    if pairs.empty:
        return []
    lines, positions = np.unique(responses["line"].to_numpy(), return_index=True)  # first rows
    mine = rows_of[positions[np.searchsorted(lines, pairs["line"].to_numpy())]]
    theirs = rows_of[positions[np.searchsorted(lines, pairs["line_best"].to_numpy())]]
    problems = []
    for row, one, other in zip(pairs.itertuples(index=False), mine, theirs, strict=True):
        if not answers.iloc[one].equals(answers.iloc[other]):
            problems.append(Problem(
                file, int(row.line), "participant", row.participant,
                f"two finished responses of {row.participant} (lines {int(row.line_best)} and "
                f"{int(row.line)}) have the same submission time and different answers, so no "
                "rule can choose one; delete one of them from a copy of the export"))
    return problems


def _logged(ids: np.ndarray, records: np.ndarray) -> np.ndarray:
    """Whether each of the ``ids`` (factorize codes) is among the ``records`` (codes of the
    same factorize; -1, a missing record, matches nothing)."""
    marked = np.zeros(max(int(ids.max(initial=-1)), int(records.max(initial=-1))) + 2,
                      dtype=bool)
    marked[records] = True
    marked[-1] = False  # code -1
    return marked[ids]


def flow_from_exclusions(enrolled: pd.DataFrame, exclusions: pd.DataFrame,
                         steps: Sequence = COMPARISON_FLOW_STEPS,
                         groups: Sequence[str] = ("intervention", "control")) -> pd.DataFrame:
    """Participant flow per group, counted from the roster and the exclusion log.

    Parameters
    ----------
    enrolled : pandas.DataFrame
        One row per enrolled participant with ``student_id`` and ``group``.
    exclusions : pandas.DataFrame
        The exclusion log (:class:`ExclusionLog`).
    steps : sequence of (str, tuple or None)
        Flow steps, each with the exclusion stages leading to it from the previous step;
        ``None`` counts everyone enrolled again, except those logged as withdrawn (an
        intention-to-treat analysis: the participants table analyses them all but the
        withdrawn).
    groups : sequence of str
        The groups, in reporting order (``("all",)`` for a single group).

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``group``, ``n``: one row per step and group.

    Examples
    --------
    >>> roster = pd.DataFrame({"student_id": ["S1", "S2", "S3"],
    ...                        "group": ["control", "control", "intervention"]})
    >>> log = pd.DataFrame({"record": ["S2"], "stage": ["post_survey"]})
    >>> flow_from_exclusions(roster, log).query("group == 'control'")["n"].tolist()
    [2, 2, 1, 1]
    >>> trial = flow_from_exclusions(roster, log, RANDOMIZED_FLOW_STEPS)
    >>> trial.query("group == 'control'")["n"].tolist()
    [2, 2, 1, 1, 2]
    >>> withdrew = pd.DataFrame({"record": ["S1"], "stage": ["withdrawal"]})
    >>> flow_from_exclusions(roster, withdrew, RANDOMIZED_FLOW_STEPS).query(
    ...     "group == 'control'")["n"].tolist()
    [2, 1, 1, 1, 1]
    """
    rows = []
    stage = exclusions["stage"]
    for group in groups:
        # The group's distinct ids and whether each is still in the flow (a mask: sets of a
        # million ids, built again at every step, took seconds). Removing the logged members
        # of a step's stages is removing every record logged under them. The ids and the
        # records are numbered together once, so that each step is array lookups.
        everyone = enrolled.loc[enrolled["group"] == group, "student_id"].unique()
        codes = pd.factorize(np.concatenate([np.asarray(everyone, dtype=object),
                                             exclusions["record"].to_numpy(dtype=object)]))[0]
        ids, records = codes[:len(everyone)], codes[len(everyone):]
        members = np.ones(len(everyone), dtype=bool)
        for step, stages in steps:
            if stages is None:
                members = ~_logged(ids, records[(stage == "withdrawal").to_numpy(dtype=bool)])
            elif stages:
                members &= ~_logged(ids, records[stage.isin(stages).to_numpy(dtype=bool)])
            rows.append({"step": step, "group": group, "n": int(members.sum())})
    return pd.DataFrame(rows, columns=["step", "group", "n"])
