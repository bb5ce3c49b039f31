"""Plain CSV files, and the reading rules every format shares (encoding, shape, names)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from burnout.core.errors import Problem, ValidationError
from burnout.data.importers import FORMATS, read_export, sniff_format

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
FOLDER = EXPORTS / "csv"


def only_problem(error: pytest.ExceptionInfo) -> Problem:
    assert len(error.value.problems) == 1
    return error.value.problems[0]


def test_formats():
    assert FORMATS == ("csv", "qualtrics", "redcap")


def test_tidy_file_with_bom_crlf_and_trailing_empty_rows():
    export = read_export(FOLDER, "tidy.csv")
    assert export.format == "csv" and export.file == "tidy.csv"
    assert list(export.table.columns) == ["student_id", "group", "wave", "ee1", "ee2", "ee3",
                                          "submitted", "finished"]
    assert export.lines == (2, 3, 4, 5, 6)
    assert export.table["ee1"].tolist() == ["3", None, "6", "1", "2"]
    assert export.dropped == () and export.identifiers == frozenset()


def test_submitted_and_finished_columns():
    export = read_export(FOLDER, "tidy.csv")
    assert export.submitted.tolist() == [
        pd.Timestamp("2024-03-01 10:15:00"), pd.Timestamp("2024-03-01 11:02:33"),
        pd.Timestamp("2024-03-02 09:30"), pd.Timestamp("2024-03-03"), pd.NaT]
    assert export.finished.tolist() == [True, True, False, True, False]
    assert export.problems == ()


def test_blank_line_skipped_and_lines_kept_true():
    export = read_export(FOLDER, "blank_line.csv")
    assert export.table["student_id"].tolist() == ["S001", "S002"]
    assert export.lines == (2, 4)
    assert export.finished.tolist() == [True, True]  # no finished column: all finished
    assert export.submitted.isna().all() and str(export.submitted.dtype) == "datetime64[ns]"


def test_named_columns_and_cell_problems():
    export = read_export(FOLDER, "renamed_flags.csv", submitted="done_at", finished="complete")
    assert export.finished.tolist() == [True, False, False]
    assert export.submitted.tolist() == [pd.Timestamp("2024-06-01 08:00"), pd.NaT,
                                         pd.Timestamp("2024-06-02 09:30")]
    assert [(p.file, p.row, p.column, p.value) for p in export.problems] == [
        ("renamed_flags.csv", 3, "done_at", "yesterday"),
        ("renamed_flags.csv", 3, "complete", "maybe")]
    assert export.problems[1].rule == "not a yes/no value; expected true/false, 1/0 or yes/no"


def test_named_column_missing():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "renamed_flags.csv", finished="done")
    problem = only_problem(error)
    assert (problem.column, problem.row) == ("done", 1)
    assert problem.rule.startswith("the column named as the finished flag is not in the file")


def test_trailing_unnamed_empty_columns_left_out():
    export = read_export(FOLDER, "trailing_unnamed.csv")
    assert list(export.table.columns) == ["student_id", "ee1"]
    assert export.table["ee1"].tolist() == ["3", "4"]


def test_value_under_an_unnamed_column_is_refused(tmp_path):
    (tmp_path / "extra.csv").write_text("student_id,ee1,,\nS001,3,,\nS002,4,,7\n")
    with pytest.raises(ValidationError) as error:
        read_export(tmp_path, "extra.csv")
    problem = only_problem(error)
    assert problem.row == 3
    assert problem.rule.startswith("this row has 4 cells but the header (line 1) has 2 columns; "
                                   "it has a value beyond the last named column")


def test_many_ragged_rows_reported_up_to_twenty(tmp_path):
    (tmp_path / "short.csv").write_text("student_id,ee1\n" + "S001\n" * 25)
    with pytest.raises(ValidationError) as error:
        read_export(tmp_path, "short.csv")
    problems = error.value.problems
    assert [p.row for p in problems[:20]] == list(range(2, 22))
    assert problems[20] == Problem("short.csv", None, None, None,
                                   "... and 5 more rows with the wrong number of cells")


def test_missing_file_suggests_the_close_name():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "Tidy.csv")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column) == ("Tidy.csv", None, None)
    assert "did you mean 'tidy.csv'?" in problem.rule


def test_empty_file():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "empty.csv")
    assert only_problem(error).rule.startswith("the file is empty")


def test_latin1_file():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "latin1.csv")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.value) == ("latin1.csv", 2, "0xe9")
    assert problem.rule.startswith("the file is not UTF-8 text: byte 30 (line 2) is not valid "
                                   "UTF-8; it looks Latin-1/Windows-1252 encoded")


def test_ragged_rows_all_reported():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "ragged_rows.csv")
    problems = error.value.problems
    assert [(p.row, p.column) for p in problems] == [(3, None), (4, None)]
    assert problems[0].rule.startswith("this row has 2 cells but the header (line 1) has 3")
    assert problems[1].rule.startswith("this row has 4 cells but the header (line 1) has 3")


def test_duplicate_column():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "duplicate_column.csv")
    problem = only_problem(error)
    assert (problem.row, problem.column) == (1, "ee1")
    assert "(columns 2 (B), 4 (D))" in problem.rule


def test_semicolon_separated_file():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "semicolon.csv")
    assert "no commas but semicolons" in only_problem(error).rule


def test_unclosed_quote():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "unclosed_quote.csv")
    problem = only_problem(error)
    assert problem.row == 2 and "never closed" in problem.rule


def test_qualtrics_and_redcap_files_named_as_csv():
    with pytest.raises(ValidationError) as error:
        read_export(EXPORTS / "qualtrics", "mbi_choice_text.csv", "csv")
    assert only_problem(error).rule.endswith("set its format to qualtrics")
    with pytest.raises(ValidationError) as error:
        read_export(EXPORTS / "redcap", "longitudinal.csv", "csv")
    problem = only_problem(error)
    assert problem.column == "redcap_event_name" and "set its format to redcap" in problem.rule


def test_unknown_format_and_redcap_only_options():
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "tidy.csv", "spss")
    assert only_problem(error).value == "spss"
    with pytest.raises(ValidationError) as error:
        read_export(FOLDER, "tidy.csv", "qualtrics", event="baseline_arm_1")
    assert "'event' applies to REDCap exports only" in only_problem(error).rule


def test_sniff_format_plain():
    assert sniff_format(FOLDER, "tidy.csv") == "csv"


def test_files_are_only_read():
    paths = sorted(EXPORTS.rglob("*"))
    before = {path: (path.read_bytes(), os.stat(path).st_mtime_ns) for path in paths
              if path.is_file()}
    read_export(FOLDER, "tidy.csv")
    read_export(EXPORTS / "qualtrics", "mbi_choice_text.csv", "qualtrics")
    read_export(EXPORTS / "redcap", "classic.csv", "redcap", dictionary="dictionary.csv")
    assert sorted(EXPORTS.rglob("*")) == paths  # nothing written beside the exports
    assert {path: (path.read_bytes(), os.stat(path).st_mtime_ns) for path in paths
            if path.is_file()} == before
