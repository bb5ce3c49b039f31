"""Tests of burnout.pipeline.audit: a stage that opens a file it did not declare fails."""

from __future__ import annotations

from burnout.pipeline.audit import read_audit_log, undeclared_accesses
from burnout.pipeline.stages import STAGES


def test_log_keeps_project_data_and_drops_code_and_temporary_files(tmp_path):
    log = tmp_path / "audit.log"
    log.write_text("read\tdata/processed/s/analysis.csv\n"
                   "read\tsrc/burnout/core/io.py\n"
                   "read\t.venv/lib/python3.11/site.py\n"
                   "read\tnotebooks/03_describe.ipynb\n"
                   "read\tdata/__pycache__/x.pyc\n"
                   "write\tdata/processed/s/table1.csv\n"
                   "write\tdata/processed/s/.table1.csv.abc.tmp\n"
                   "write\t.build/tmp/.x.tmp\n")
    assert read_audit_log(log) == ({"data/processed/s/analysis.csv"},
                                   {"data/processed/s/table1.csv"})
    assert read_audit_log(tmp_path / "absent.log") == (set(), set())


def test_declared_reads_and_writes_pass():
    describe = STAGES["describe"]
    assert undeclared_accesses(describe, "s", {"data/processed/s/analysis.csv",
                                               "data/raw/s/study.yaml", "params/s.yaml"},
                               {"data/processed/s/table1.csv",
                                "reports/s/numbers/describe.json"}) == []
    # a stage may read back what it writes; a family matches every member
    assert undeclared_accesses(STAGES["unadjusted"], "s",
                               {"data/processed/s/unadjusted_rank_sum.csv"},
                               {"data/processed/s/unadjusted_rank_sum.csv"}) == []


def test_undeclared_reads_and_writes_are_named():
    found = undeclared_accesses(STAGES["describe"], "s",
                                {"data/processed/s/analysis.csv", "data/processed/s/flow.csv"},
                                {"figures/s/flow.png"})
    assert found == [
        "stage 'describe' read data/processed/s/flow.csv, which it does not declare (declare "
        "it in src/burnout/pipeline/stages.py)",
        "stage 'describe' wrote figures/s/flow.png, which it does not declare (declare it in "
        "src/burnout/pipeline/stages.py)"]
    # another study's files are not this study's declared files
    assert undeclared_accesses(STAGES["describe"], "s", {"data/processed/t/analysis.csv"},
                               set())
