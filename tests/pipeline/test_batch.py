"""The batch's schedule: which stages wait for which, how many run at once, what a failure stops.

The jobs here are stand-ins (``batch._run_job`` replaced): each records when it starts and ends.
The real stages run through the batch in tests/pipeline/test_zygote.py (a small study, both
cores) and in every ``make all`` of the end-to-end tests.
"""

from __future__ import annotations

import threading
import time

import pytest

from burnout.core.errors import StageError
from burnout.pipeline import batch
from burnout.pipeline.stages import STAGES, ancestors

MENTORSHIP_LIKE = [("m", name) for name in ("clean", "score", "describe", "unadjusted",
                                            "adjusted", "sensitivity", "survey", "qualitative",
                                            "figures", "tables", "manuscript")]


class Recorder:
    """Stands in for ``_run_job``: sleeps ``pause`` seconds per job, records the order of starts
    and ends, the most jobs seen running at once, and fails the jobs named in ``failing``."""

    def __init__(self, pause: float = 0.05, failing: tuple = ()) -> None:
        self.pause, self.failing = pause, failing
        self.events: list[tuple[str, tuple]] = []
        self.running = self.most = 0
        self.lock = threading.Lock()

    def __call__(self, job, kernel, log):
        with self.lock:
            self.events.append(("start", job))
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.pause)
        with self.lock:
            self.running -= 1
            self.events.append(("end", job))
        if job in self.failing:
            raise StageError(f"[{job[0]}] stage {job[1]}: failed on purpose")
        return f"{job[0]}/{job[1]}.ipynb"

    def position(self, kind: str, job) -> int:
        return self.events.index((kind, job))


def schedule(jobs, recorder, monkeypatch, workers=2, seconds=None):
    monkeypatch.setattr(batch, "_run_job", recorder)
    scheduler = batch._Scheduler(jobs, batch.job_dependencies(jobs), workers,
                                 lambda job: None, lambda line: None,
                                 {} if seconds is None else seconds)
    try:
        return scheduler.run()
    finally:
        scheduler.close()


def test_a_stage_depends_on_every_stage_whose_outputs_reach_it():
    # direct: score writes the analysis table that describe reads; through score: clean
    assert ancestors("describe") == {"clean", "score"}
    # the figures stage draws the sensitivity stage's figure: it waits for the whole chain
    assert {"clean", "score", "adjusted", "sensitivity"} <= ancestors("figures")
    assert "figures" not in ancestors("tables") and "tables" not in ancestors("figures")
    assert ancestors("clean") == frozenset()
    for name in STAGES:
        assert name not in ancestors(name)


def test_jobs_wait_only_for_their_own_studys_upstream_stages_and_the_synthesis_for_all():
    jobs = [("a", "clean"), ("b", "clean"), ("a", "score"), ("b", "survey"),
            ("synthesis", None), ("a", "describe")]
    needs = batch.job_dependencies(jobs)
    assert needs[:4] == [set(), set(), {0}, {1}]
    assert needs[4] == {0, 1, 2, 3}  # the synthesis reads every study's results
    assert needs[5] == {0, 2, 4}  # after the synthesis, as make ordered it


def test_a_name_that_is_not_a_stage_waits_for_everything_before_it():
    jobs = [("a", "clean"), ("a", "no_such_stage"), ("a", "score")]
    assert batch.job_dependencies(jobs) == [set(), {0}, {0, 1}]


def test_no_job_starts_before_the_jobs_it_reads_from_end(monkeypatch):
    recorder = Recorder()
    written = schedule(MENTORSHIP_LIKE, recorder, monkeypatch)
    assert written == [f"m/{stage}.ipynb" for _, stage in MENTORSHIP_LIKE]  # job order
    for job, needs in zip(MENTORSHIP_LIKE, batch.job_dependencies(MENTORSHIP_LIKE),
                          strict=True):
        for other in needs:
            assert recorder.position("end", MENTORSHIP_LIKE[other]) < recorder.position("start",
                                                                                         job)
    assert recorder.most == 2  # survey and qualitative can run beside the score chain


def test_one_worker_runs_the_jobs_one_at_a_time_in_make_order(monkeypatch):
    recorder = Recorder(pause=0.01)
    schedule(MENTORSHIP_LIKE, recorder, monkeypatch, workers=1)
    assert recorder.most == 1
    assert [job for kind, job in recorder.events if kind == "start"] == MENTORSHIP_LIKE


def test_the_stage_heading_the_longest_chain_of_work_starts_first(monkeypatch):
    jobs = [("m", "clean"), ("m", "score"), ("m", "describe"), ("m", "unadjusted"),
            ("m", "adjusted"), ("m", "sensitivity")]
    seconds = {"m/adjusted": 5.0, "m/sensitivity": 5.0}
    recorder = Recorder(pause=0.01)
    schedule(jobs, recorder, monkeypatch, workers=2, seconds=seconds)
    started = [job for kind, job in recorder.events if kind == "start"]
    # after score, adjusted (10 s of chain ahead) before describe and unadjusted (1 s each)
    assert started.index(("m", "adjusted")) < started.index(("m", "describe"))
    assert started.index(("m", "adjusted")) < started.index(("m", "unadjusted"))
    assert seconds["m/clean"] >= 0  # this run's times are recorded for the next


def test_after_a_failure_no_job_starts_the_running_one_ends_and_the_failure_is_raised(
        monkeypatch):
    jobs = [("m", "clean"), ("m", "survey"), ("m", "score"), ("m", "describe")]
    recorder = Recorder(pause=0.05, failing=(("m", "score"),))
    # survey (slower) runs beside score; score fails; describe (after score) never starts

    def call(job, kernel, log):
        if job == ("m", "survey"):
            time.sleep(0.3)
        return recorder(job, kernel, log)

    with pytest.raises(StageError, match="stage score: failed on purpose"):
        schedule(jobs, call, monkeypatch)
    assert ("start", ("m", "describe")) not in recorder.events
    assert ("end", ("m", "survey")) in recorder.events  # it was running: it finished


def test_a_second_failure_is_logged_and_the_first_raised(monkeypatch):
    jobs = [("a", "clean"), ("b", "clean")]
    lines = []
    recorder = Recorder(failing=tuple(jobs))
    monkeypatch.setattr(batch, "_run_job", recorder)
    scheduler = batch._Scheduler(jobs, batch.job_dependencies(jobs), 2, lambda job: None,
                                 lines.append, {})
    with pytest.raises(StageError, match="failed on purpose"):
        scheduler.run()
    scheduler.close()
    assert len(lines) == 1 and lines[0].startswith("also failed: [")



@pytest.mark.parametrize("jobs", ["0", "two", "-1"])
def test_jobs_must_be_a_whole_number_of_at_least_one(jobs, capsys):
    from burnout.__main__ import build_parser

    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["run", "mentorship", "--jobs", jobs])
    assert stop.value.code == 2
    assert f"'{jobs}' is not a whole number of at least 1" in capsys.readouterr().err
    assert build_parser().parse_args(["run-pending", "--jobs", "3"]).jobs == 3


def test_an_interrupted_run_stops_at_once_even_when_a_stage_does_not_return(monkeypatch):
    import os
    import signal

    # a stage blocked (as a client waiting on a dead kernel): 30 s, longer than the test allows
    blocked = threading.Event()
    monkeypatch.setattr(batch, "_run_job", lambda job, kernel, log: blocked.wait(30))
    jobs = [("a", "clean"), ("b", "clean")]
    scheduler = batch._Scheduler(jobs, batch.job_dependencies(jobs), 2, lambda job: None,
                                 lambda line: None, {})
    # Ctrl-C, as a real signal: it wakes the waiting scheduler (_thread.interrupt_main does not)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.perf_counter()
    try:
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()
        with pytest.raises(KeyboardInterrupt):
            scheduler.run()
        scheduler.close()  # it does not wait for the blocked stages' threads
        assert time.perf_counter() - started < 10
    finally:
        signal.signal(signal.SIGINT, previous)
        blocked.set()


def test_the_stage_times_are_kept_for_the_next_run_and_a_damaged_record_is_ignored(
        tmp_path, monkeypatch):
    record = tmp_path / "stage-seconds.json"
    monkeypatch.setattr(batch, "SECONDS_FILE", record)
    assert batch._recorded_seconds() == {}  # no record yet
    batch._record_seconds({"m/score": 0.8, "m/clean": 1.25})
    assert batch._recorded_seconds() == {"m/clean": 1.25, "m/score": 0.8}
    record.write_text('{"m/clean": "slow", "m/score": 2', encoding="utf-8")  # cut short
    assert batch._recorded_seconds() == {}
    record.write_text('{"m/clean": "slow", "m/score": 2}', encoding="utf-8")
    assert batch._recorded_seconds() == {"m/score": 2}  # a value that is not a number is dropped
