"""Tests of burnout.data.linking: repeated responses, the exclusion log and the flow it counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burnout.core.errors import Problem
from burnout.data.linking import (
    COMPARISON_FLOW_STEPS,
    EXCLUSION_COLUMNS,
    RANDOMIZED_FLOW_STEPS,
    ExclusionLog,
    flow_from_exclusions,
    resolve_repeats,
)


def responses(*rows) -> pd.DataFrame:
    """Rows of (participant, record, line, submitted or None, finished, answer)."""
    frame = pd.DataFrame(rows, columns=["participant", "record", "line", "submitted",
                                        "finished", "q1"])
    frame["submitted"] = pd.to_datetime(frame["submitted"])
    return frame


def resolve(frame: pd.DataFrame, rule: str = "latest", group_of=None):
    log = ExclusionLog(group_of or {})
    kept, problems = resolve_repeats(frame, rule, "t0.csv", log, "baseline")
    return kept, problems, log.table()


REPEATED = responses(("A", "r1", 2, "2024-01-01 09:00", True, 1),
                     ("B", "r2", 3, "2024-01-01 10:00", True, 2),
                     ("A", "r3", 4, "2024-01-03 09:00", True, 3),
                     ("A", "r4", 5, "2024-01-02 09:00", True, 4))


def test_answers_apart_must_cover_every_response():
    keys = REPEATED.drop(columns=["q1"])
    with pytest.raises(ValueError, match="answers has no row"):
        resolve_repeats(keys, "latest", "t0.csv", ExclusionLog(), "baseline",
                        answers=REPEATED[["q1"]].iloc[:-1])


def test_latest_keeps_the_most_recent_finished_response():
    kept, problems, log = resolve(REPEATED, "latest", {"A": "control", "B": "intervention"})
    assert problems == []
    assert kept[["participant", "record", "q1"]].values.tolist() == [["B", "r2", 2],
                                                                    ["A", "r3", 3]]
    assert list(kept.columns) == ["participant", "record", "line", "submitted", "finished", "q1"]
    assert list(log.columns) == EXCLUSION_COLUMNS
    assert log.values.tolist() == [
        ["r1", "t0.csv", 2, "deduplicate", "repeated baseline response of A; kept r3, the most "
         "recent finished one", "control"],
        ["r4", "t0.csv", 5, "deduplicate", "repeated baseline response of A; kept r3, the most "
         "recent finished one", "control"]]


def test_first_keeps_the_earliest_finished_response():
    kept, problems, log = resolve(REPEATED, "first")
    assert problems == [] and kept["record"].tolist() == ["r1", "r2"]
    assert log["record"].tolist() == ["r3", "r4"]
    assert log["reason"].str.endswith("kept r1, the earliest finished one").all()
    assert log["group"].isna().all()  # no group known for A


@pytest.mark.parametrize("rule", ["latest", "first"])
def test_a_finished_response_is_preferred_to_an_unfinished_one(rule):
    frame = responses(("A", "r1", 2, "2024-01-01", False, 1),
                      ("A", "r2", 3, "2024-01-02", True, 2),
                      ("A", "r3", 4, "2024-01-03", False, 3))
    kept, _, log = resolve(frame, rule)
    assert kept["record"].tolist() == ["r2"]
    assert log[["record", "stage"]].values.tolist() == [["r1", "deduplicate"],
                                                        ["r3", "deduplicate"]]


def test_only_unfinished_responses_leave_no_response():
    frame = responses(("A", "r1", 2, "2024-01-01", False, 1),
                      ("A", "r2", 3, "2024-01-02", False, 2),
                      ("B", "r3", 4, "2024-01-02", True, 3))
    kept, problems, log = resolve(frame, "latest", {"A": "intervention"})
    assert kept["participant"].tolist() == ["B"] and problems == []
    assert log[["record", "line", "stage", "group"]].values.tolist() == [
        ["r1", 2, "deduplicate", "intervention"], ["r2", 3, "unfinished", "intervention"]]
    assert log["reason"].iloc[1] == "only an unfinished baseline response of A"


@pytest.mark.parametrize(("rule", "record"), [("latest", "r3"), ("first", "r1")])
def test_unknown_submission_times_are_ordered_by_file_line(rule, record):
    frame = responses(("A", "r1", 2, None, True, 1), ("A", "r2", 3, None, True, 2),
                      ("A", "r3", 4, None, True, 3))
    kept, problems, log = resolve(frame, rule)
    assert kept["record"].tolist() == [record]
    assert problems == []  # no time is known: the file's order decides, whatever the answers
    assert len(log) == 2 and set(log["stage"]) == {"deduplicate"}


def test_a_tie_with_different_answers_is_a_problem():
    frame = responses(("A", "r1", 2, "2024-01-01 09:00", True, 1),
                      ("A", "r2", 3, "2024-01-01 09:00", True, 2),
                      ("B", "r3", 4, "2024-01-01 09:00", True, 2))
    _, problems, _ = resolve(frame)
    (problem,) = problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("t0.csv", 2,
                                                                          "participant", "A")
    assert problem.rule == (
        "two finished responses of A (lines 3 and 2) have the same submission time and "
        "different answers, so no rule can choose one; delete one of them from a copy of the "
        "export")


def test_a_tie_with_identical_answers_is_no_problem():
    frame = responses(("A", "r1", 2, "2024-01-01 09:00", True, 1),
                      ("A", "r2", 3, "2024-01-01 09:00", True, 1),
                      ("A", "r3", 4, "2024-01-01 09:00", False, 5))
    kept, problems, log = resolve(frame)
    assert problems == [] and kept["record"].tolist() == ["r2"]
    assert log["record"].tolist() == ["r1", "r3"]


def test_a_tie_with_the_same_missing_answers_is_no_problem():
    frame = responses(("A", "r1", 2, "2024-01-01", True, None),
                      ("A", "r2", 3, "2024-01-01", True, None))
    _, problems, _ = resolve(frame)
    assert problems == []


def test_an_unfinished_response_at_the_same_time_is_no_tie():
    frame = responses(("A", "r1", 2, "2024-01-01", True, 1), ("A", "r2", 3, "2024-01-01", False, 2))
    kept, problems, _ = resolve(frame)
    assert problems == [] and kept["record"].tolist() == ["r1"]


def test_no_responses():
    kept, problems, log = resolve(responses().astype({"line": int, "finished": bool}))
    assert kept.empty and problems == [] and log.empty


# --- the exclusion log -------------------------------------------------------------------------

def test_the_log_is_ordered_by_stage_file_line_and_record():
    log = ExclusionLog({"P1": "control", "P2": "intervention"})
    log.add("P2", "t1.csv", "post_survey", "no follow-up", participant="P2")
    log.add("r9", "t0.csv", "deduplicate", "repeat", participant="P1", line=9)
    log.add("r3", "t0.csv", "deduplicate", "repeat", participant="P1", line=3)
    log.add("line 4", "t0.csv", "import", "a survey preview", line=4)
    log.add("P1", "roster.csv", "withdrawal", "withdrew", participant="P1")
    log.add("X", "t0.csv", "not_on_roster", "not on the roster", participant="X", line=7)
    table = log.table()
    assert table[["record", "stage", "line", "group"]].astype(object).where(
        table.notna(), None).values.tolist() == [
        ["line 4", "import", 4, None], ["X", "not_on_roster", 7, None],
        ["P1", "withdrawal", None, "control"], ["P2", "post_survey", None, "intervention"],
        ["r3", "deduplicate", 3, "control"], ["r9", "deduplicate", 9, "control"]]
    assert str(table["line"].dtype) == "Int64"


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="unknown exclusion stage 'lost'"):
        ExclusionLog().add("P1", "t0.csv", "lost", "why")


# --- the flow, counted from the log ------------------------------------------------------------

ENROLLED = pd.DataFrame({"student_id": ["I1", "I2", "I3", "I4", "C1", "C2", "C3"],
                         "group": ["intervention"] * 4 + ["control"] * 3})


def log_of(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["record", "stage"])


def counts(flow: pd.DataFrame, group: str) -> dict[str, int]:
    return dict(flow.loc[flow["group"] == group, ["step", "n"]].values.tolist())


def test_comparison_flow():
    log = log_of(("I1", "withdrawal"), ("I2", "pre_survey"), ("I3", "post_survey"),
                 ("C1", "post_survey"), ("C2", "analysis"),
                 ("r7", "deduplicate"), ("I4", "unfinished"), ("Z9", "not_on_roster"))
    flow = flow_from_exclusions(ENROLLED, log, COMPARISON_FLOW_STEPS)
    assert list(flow.columns) == ["step", "group", "n"]
    assert counts(flow, "intervention") == {"enrolled": 4, "completed_pre": 2,
                                            "completed_post": 1, "analysed": 1}
    assert counts(flow, "control") == {"enrolled": 3, "completed_pre": 3, "completed_post": 2,
                                       "analysed": 1}


def test_randomized_flow_analyses_everyone_but_the_withdrawn():
    log = log_of(("I1", "withdrawal"), ("I2", "post_survey"), ("I3", "per_protocol"),
                 ("C1", "pre_survey"), ("C2", "post_survey"))
    flow = flow_from_exclusions(ENROLLED, log, RANDOMIZED_FLOW_STEPS)
    assert flow["step"].tolist()[:5] == ["randomized", "completed_pre", "completed_post",
                                         "per_protocol", "analysed"]
    assert counts(flow, "intervention") == {"randomized": 4, "completed_pre": 3,
                                            "completed_post": 2, "per_protocol": 1,
                                            "analysed": 3}
    assert counts(flow, "control") == {"randomized": 3, "completed_pre": 2,
                                       "completed_post": 1, "per_protocol": 1, "analysed": 3}


def test_a_stage_of_someone_already_excluded_is_not_counted_twice():
    log = log_of(("I1", "pre_survey"), ("I1", "post_survey"), ("I1", "analysis"))
    flow = flow_from_exclusions(ENROLLED, log)
    assert counts(flow, "intervention") == {"enrolled": 4, "completed_pre": 3,
                                            "completed_post": 3, "analysed": 3}


def test_single_group_flow():
    enrolled = ENROLLED.assign(group="all")
    flow = flow_from_exclusions(enrolled, log_of(("C3", "post_survey")), groups=("all",))
    assert flow.values.tolist() == [["enrolled", "all", 7], ["completed_pre", "all", 7],
                                    ["completed_post", "all", 6], ["analysed", "all", 6]]


def _old_rank_columns(responses):
    """The rank columns of the old resolve_repeats (shared by both references below)."""
    return responses.assign(
        rank_unfinished=~responses["finished"].astype(bool),
        rank_untimed=responses["submitted"].isna(),
        rank_time=responses["submitted"].astype("int64").where(responses["submitted"].notna(),
                                                           np.iinfo("int64").min))


def _old_resolve_repeats(responses, rule, file, log, wave):
    """resolve_repeats before it was vectorized (the reference): a row loop per tie."""
    latest = rule == "latest"
    ranked = _old_rank_columns(responses)
    ranked = ranked.sort_values(
        ["participant", "rank_unfinished", "rank_untimed", "rank_time", "line"],
        ascending=[True, True, True, not latest, not latest], kind="stable")
    first = ~ranked.duplicated("participant", keep="first")
    answers = [column for column in ranked.columns
               if column not in ("participant", "record", "line", "submitted", "finished",
                                 "rank_unfinished", "rank_untimed", "rank_time")]
    keys = ranked.loc[first].set_index("participant")[["rank_time", "rank_unfinished", "line"]]
    problems = []
    for row in ranked.loc[~first & ~ranked["rank_unfinished"]].itertuples(index=False):
        best = keys.loc[row.participant]
        if (best["rank_unfinished"] or row.rank_time != best["rank_time"]
                or row.rank_time == np.iinfo("int64").min):
            continue
        mine = ranked.loc[ranked["line"] == row.line, answers].iloc[0]
        theirs = ranked.loc[ranked["line"] == best["line"], answers].iloc[0]
        if not mine.equals(theirs):
            problems.append(Problem(
                file, int(row.line), "participant", row.participant,
                f"two finished responses of {row.participant} (lines {int(best['line'])} and "
                f"{int(row.line)}) have the same submission time and different answers, so no "
                "rule can choose one; delete one of them from a copy of the export"))
    kept = ranked.loc[first]
    chosen = dict(zip(kept["participant"], kept["record"], strict=True))
    order = "most recent" if latest else "earliest"
    for row in ranked.loc[~first, ["participant", "record", "line"]].itertuples(index=False):
        log.add(row.record, file, "deduplicate",
                f"repeated {wave} response of {row.participant}; kept "
                f"{chosen[row.participant]}, the {order} finished one",
                participant=row.participant, line=int(row.line))
    unfinished = kept.loc[kept["rank_unfinished"]]
    for row in unfinished[["participant", "record", "line"]].itertuples(index=False):
        log.add(row.record, file, "unfinished",
                f"only an unfinished {wave} response of {row.participant}",
                participant=row.participant, line=int(row.line))
    kept = kept.loc[~kept["rank_unfinished"]].sort_values("line", kind="stable")
    return (kept.drop(columns=["rank_unfinished", "rank_untimed", "rank_time"])
            .reset_index(drop=True), problems)


_times = st.sampled_from([None, "2024-01-01 09:00", "2024-01-01 10:00", "2024-01-02 09:00"])
_row = st.tuples(st.sampled_from(["A", "B", "C", "D"]), _times, st.booleans(),
                 st.sampled_from([1.0, 2.0, np.nan]), st.sampled_from(["x", None, "y"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_row, max_size=12), st.sampled_from(["latest", "first"]), st.booleans())
def test_resolve_repeats_agrees_with_the_row_loop(rows, rule, with_text):
    frame = pd.DataFrame({"participant": [row[0] for row in rows],
                          "record": [f"r{index}" for index in range(len(rows))],
                          "line": list(range(2, len(rows) + 2)),
                          "submitted": pd.to_datetime(pd.Series([row[1] for row in rows],
                                                                dtype=object)),
                          "finished": [row[2] for row in rows],
                          "q1": [row[3] for row in rows]})
    if with_text:  # an evaluation: Int64 items and free text beside float answers
        frame["q2"] = pd.array([None if np.isnan(row[3]) else int(row[3]) for row in rows],
                               dtype="Int64")
        frame["comment"] = [row[4] for row in rows]
    new_log, old_log = ExclusionLog({"A": "control"}), ExclusionLog({"A": "control"})
    kept, problems = resolve_repeats(frame, rule, "t0.csv", new_log, "baseline")
    old_kept, old_problems = _old_resolve_repeats(frame, rule, "t0.csv", old_log, "baseline")
    pd.testing.assert_frame_equal(kept, old_kept)
    assert problems == old_problems
    pd.testing.assert_frame_equal(new_log.table(), old_log.table())
    assert new_log._rows == old_log._rows
    # The answers handed over apart (as the cleaning does), indexed like the responses and
    # holding rows of other labels too: the same rows, answers after the keys, same problems.
    keys = ["participant", "record", "line", "submitted", "finished"]
    shown = frame.set_axis(np.arange(len(frame)) * 2 + 1)
    decoys = shown.drop(columns=keys).iloc[::-1].set_axis(np.arange(len(frame)) * 2)
    answers = pd.concat([shown.drop(columns=keys), decoys]).sample(frac=1, random_state=1)
    apart_log = ExclusionLog({"A": "control"})
    apart, apart_problems = resolve_repeats(shown[keys], rule, "t0.csv", apart_log,
                                            "baseline", answers=answers)
    pd.testing.assert_frame_equal(apart, kept)
    assert apart_problems == problems
    assert apart_log._rows == new_log._rows


def _old_flow_from_exclusions(enrolled, exclusions, steps, groups):
    """flow_from_exclusions before it used masks (the reference): sets of ids per step."""
    rows = []
    for group in groups:
        everyone = set(enrolled.loc[enrolled["group"] == group, "student_id"])
        members = set(everyone)
        for step, stages in steps:
            if stages is None:
                withdrawn = exclusions.loc[exclusions["stage"] == "withdrawal", "record"]
                members = everyone - set(withdrawn)
            elif stages:
                logged = exclusions.loc[exclusions["stage"].isin(stages)
                                        & exclusions["record"].isin(members), "record"]
                members -= set(logged)
            rows.append({"step": step, "group": group, "n": len(members)})
    return pd.DataFrame(rows, columns=["step", "group", "n"])


_ids = st.sampled_from(["S1", "S2", "S3", "S4", "S5"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ids, st.sampled_from(["intervention", "control", "all"])),
                max_size=8),
       st.lists(st.tuples(_ids, st.sampled_from(["withdrawal", "pre_survey", "post_survey",
                                                 "per_protocol", "analysis", "deduplicate"])),
                max_size=8),
       st.sampled_from([COMPARISON_FLOW_STEPS, RANDOMIZED_FLOW_STEPS]))
def test_flow_agrees_with_sets_of_ids(enrolled, logged, steps):
    roster = pd.DataFrame(enrolled, columns=["student_id", "group"])
    log = pd.DataFrame(logged, columns=["record", "stage"])
    for groups in (("intervention", "control"), ("all",)):
        pd.testing.assert_frame_equal(flow_from_exclusions(roster, log, steps, groups),
                                      _old_flow_from_exclusions(roster, log, steps, groups))


def _old_resolve_repeats(responses, rule, file, log, wave):
    """resolve_repeats before it ranked only the key columns (the reference): every column
    ranked and sorted, the old _ties on the ranked frame."""
    from burnout.data import linking

    def old_ties(ranked, first, file):
        answers = [column for column in ranked.columns
                   if column not in ("participant", "record", "line", "submitted", "finished",
                                     "rank_unfinished", "rank_untimed", "rank_time")]
        return linking._ties(ranked, first, file, ranked[["line"]], ranked[answers],
                             np.arange(len(ranked)))

    latest = rule == "latest"
    ranked = _old_rank_columns(responses)
    ranked, first = linking._ranked(ranked, latest)
    problems = old_ties(ranked, first, file)
    kept = ranked.loc[first]
    dropped = ranked.loc[~first]
    repeated = kept.loc[kept["participant"].isin(dropped["participant"])]
    chosen = dict(zip(repeated["participant"].tolist(), repeated["record"].tolist(), strict=True))
    order = "most recent" if latest else "earliest"
    for participant, record, line in linking._rows(dropped):
        log.add(record, file, "deduplicate", f"repeated {wave} response of {participant}; kept "
                f"{chosen[participant]}, the {order} finished one", participant=participant,
                line=int(line))
    for participant, record, line in linking._rows(kept.loc[kept["rank_unfinished"]]):
        log.add(record, file, "unfinished", f"only an unfinished {wave} response of "
                f"{participant}", participant=participant, line=int(line))
    kept = kept.loc[~kept["rank_unfinished"]].sort_values("line", kind="stable")
    return (kept.drop(columns=["rank_unfinished", "rank_untimed", "rank_time"])
            .reset_index(drop=True), problems)


_RESPONSE = st.tuples(st.sampled_from(["A", "B", "C", ""]),
                      st.sampled_from([None, "2024-01-01 09:00", "2024-01-02 09:00",
                                       "2024-01-02 10:00"]),
                      st.booleans(), st.sampled_from([1.0, 2.0, None]), st.integers(0, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_RESPONSE, max_size=12), st.sampled_from(["latest", "first"]),
       st.integers(0, 5))
def test_resolve_repeats_same_as_ranking_every_column(rows, rule, offset):
    frame = responses(*[(who, f"r{i}", 2 + 3 * i, when, done, answer)
                        for i, (who, when, done, answer, _) in enumerate(rows)])
    frame["q2"] = [extra for *_, extra in rows]
    frame.index = frame.index + offset  # an index not starting at 0, as after a filter
    new_log, old_log = ExclusionLog(), ExclusionLog()
    kept, problems = resolve_repeats(frame, rule, "w.csv", new_log, "baseline")
    old_kept, old_problems = _old_resolve_repeats(frame, rule, "w.csv", old_log, "baseline")
    pd.testing.assert_frame_equal(kept, old_kept)
    assert problems == old_problems
    pd.testing.assert_frame_equal(new_log.table(), old_log.table())


@settings(max_examples=80, deadline=None)
@given(st.lists(_RESPONSE, max_size=12), st.sampled_from(["latest", "first"]))
def test_resolve_repeats_with_known_ranks_same_as_sorting_the_ids(rows, rule):
    # cleaning passes each participant's roster rank (ids sorted once for every wave)
    frame = responses(*[(who or "D", f"r{i}", 2 + 3 * i, when, done, answer)
                        for i, (who, when, done, answer, _) in enumerate(rows)])
    ranked = frame.assign(participant_rank=frame["participant"].map(
        {"A": 0, "B": 1, "C": 2, "D": 3}).astype("int64"))
    new_log, old_log = ExclusionLog(), ExclusionLog()
    kept, problems = resolve_repeats(ranked, rule, "w.csv", new_log, "baseline")
    old_kept, old_problems = resolve_repeats(frame, rule, "w.csv", old_log, "baseline")
    pd.testing.assert_frame_equal(kept.drop(columns="participant_rank"), old_kept)
    assert problems == old_problems
    pd.testing.assert_frame_equal(new_log.table(), old_log.table())
