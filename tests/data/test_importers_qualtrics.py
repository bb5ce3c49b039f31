"""Qualtrics CSV exports: three-line and legacy two-line headers, Status, dates, bad files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from burnout.core.errors import Problem, ValidationError
from burnout.data.importers import read_export, sniff_format

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
FOLDER = EXPORTS / "qualtrics"
DATE_RULE_START = "not a date and time; expected a date and time like 2024-03-01 14:05:00"


def read(file: str, **options):
    return read_export(FOLDER, file, "qualtrics", **options)


def only_problem(error: pytest.ExceptionInfo) -> Problem:
    assert len(error.value.problems) == 1
    return error.value.problems[0]


def test_three_line_header_rows_and_lines():
    export = read("mbi_choice_text.csv")
    assert export.file == "mbi_choice_text.csv" and export.format == "qualtrics"
    # Lines 1-4 are the header (the question text of Q1_1 spans lines 2-3); the imported
    # response's comment spans lines 11-12.
    assert export.lines == (6, 7, 9, 11, 13)
    assert export.table["ResponseId"].tolist() == [
        "R_2aXmQ8fTr5LpWzK", "R_3bYnR9gUs6MqXaL", "R_5dApT1iWu8OsZcN", "R_7fCrV3kYw0QuBeP",
        "R_8gDsW4lZx1RvCfQ"]
    assert list(export.table.columns[:3]) == ["StartDate", "EndDate", "Status"]
    assert list(export.table.columns[-6:]) == ["Q1_1", "Q1_2", "Q1_3", "Q1_4", "Q5", "Q7"]


def test_choice_text_answers_kept_as_exported():
    table = read("mbi_choice_text.csv").table
    assert table["Q1_1"].tolist() == ["A few times a month", "Once a month or less", "Once a week",
                                      "A few times a week", "Never"]
    assert table["Q1_3"].tolist() == ["A few times a year or less", None, "Never", "Once a week",
                                      "A few times a month"]
    assert table.loc[2, "Q7"] == 'Workload is heavy, but my mentor "gets it".'
    assert table.loc[3, "Q7"] == "Paper survey.\r\nTyped in by the study team."
    assert table.loc[1, "Q7"] is None
    assert all(str(dtype) == "object" for dtype in table.dtypes)
    assert all(cell is None or isinstance(cell, str) for cell in table.to_numpy().ravel())


def test_preview_spam_and_test_responses_dropped_with_reasons():
    assert read("mbi_choice_text.csv").dropped == (
        (5, "Qualtrics Status 'Survey Preview': a survey preview, not a real response"),
        (8, "Qualtrics Status 'Spam': marked as spam by Qualtrics, not a real response"),
        (10, "Qualtrics Status 'Survey Test': a test response, not a real response"),
    )


def test_imported_and_ip_address_responses_kept():
    assert read("mbi_choice_text.csv").table["Status"].tolist() == [
        "IP Address", "IP Address", "IP Address", "Imported", "IP Address"]


def test_identifiers_are_the_metadata_qualtrics_records():
    assert read("mbi_choice_text.csv").identifiers == frozenset({
        "IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName",
        "LocationLatitude", "LocationLongitude"})


def test_finished_and_recorded_date():
    export = read("mbi_choice_text.csv")
    assert export.finished.dtype == bool
    assert export.finished.tolist() == [True, False, True, True, True]
    assert str(export.submitted.dtype) == "datetime64[ns]"
    assert export.submitted.tolist() == [pd.Timestamp(text) for text in (
        "2024-03-04 18:19:56", "2024-03-12 07:45:40", "2024-03-06 12:38:33",
        "2024-03-08 10:11:12", "2024-03-09 16:26:46")]
    assert export.problems == ()


def test_export_without_responses(tmp_path):
    header = (FOLDER / "mbi_choice_text.csv").read_bytes().split(b"\r\n")[:4]
    (tmp_path / "none_yet.csv").write_bytes(b"\r\n".join(header) + b"\r\n")
    export = read_export(tmp_path, "none_yet.csv", "qualtrics")
    assert export.table.shape == (0, 23) and export.lines == () and export.dropped == ()
    assert str(export.submitted.dtype) == "datetime64[ns]" and export.finished.dtype == bool


def test_numeric_status_codes_and_finished_codes():
    export = read("mbi_numeric.csv")
    assert export.lines == (4, 9, 11)
    assert export.table["Status"].tolist() == ["0", "16", "0"]
    assert export.finished.tolist() == [True, True, False]
    assert export.dropped == (
        (5, "Qualtrics Status '1' (Survey Preview): a survey preview, not a real response"),
        (6, "Qualtrics Status '2' (Survey Test): a test response, not a real response"),
        (7, "Qualtrics Status '8' (Spam): marked as spam by Qualtrics, not a real response"),
        (8, "Qualtrics Status '9' (Survey Preview Spam): a survey preview and marked as spam "
            "by Qualtrics, not a real response"),
        (10, "Qualtrics Status '17' (Offline Survey Preview): a survey preview, not a real "
             "response"),
    )


def test_legacy_export_with_v_names_and_trailing_comma():
    export = read("legacy_v_names.csv")
    assert list(export.table.columns) == [
        "ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress", "IPAddress",
        "Status", "StartDate", "EndDate", "Finished", "Q1_1", "Q1_2", "Q5", "LocationLatitude",
        "LocationLongitude", "LocationAccuracy"]
    assert export.lines == (3, 5)
    assert export.table["Name"].tolist() == ["Anonymous", "Sample, Jordan"]
    assert export.dropped == (
        (4, "Qualtrics Status '1' (Survey Preview): a survey preview, not a real response"),)
    assert export.identifiers == frozenset({"Name", "EmailAddress", "IPAddress",
                                            "LocationLatitude", "LocationLongitude"})
    assert export.finished.tolist() == [True, False]
    # No RecordedDate in the legacy format: EndDate is the submission time.
    assert export.submitted.tolist() == [pd.Timestamp("2016-10-03 14:09:02"),
                                         pd.Timestamp("2016-10-04 08:03:30")]


def test_two_line_header_with_names_and_question_texts():
    export = read("two_row_header.csv")
    assert export.lines == (3,)
    assert export.table["ResponseId"].tolist() == ["R_9tWoRoWhEaDeR01"]
    assert export.dropped == (
        (4, "Qualtrics Status 'Survey Preview': a survey preview, not a real response"),)
    assert export.identifiers == frozenset({"IPAddress"})


def test_excel_resaved_dates_flags_and_a_day_first_date():
    export = read("excel_resaved.csv")
    assert export.lines == (4, 5, 6)
    assert export.finished.tolist() == [True, False, True]
    # Row 3 has no RecordedDate: its EndDate is used; row 2's day-first date is a problem.
    assert export.submitted.iloc[0] == pd.Timestamp("2024-03-04 18:19")
    assert pd.isna(export.submitted.iloc[1])
    assert export.submitted.iloc[2] == pd.Timestamp("2024-03-14 09:20")
    [problem] = export.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "excel_resaved.csv", 5, "RecordedDate", "13/03/2024 07:45")
    assert problem.rule.startswith(DATE_RULE_START)


def test_submitted_and_finished_overrides():
    export = read("mbi_choice_text.csv", submitted="StartDate", finished="Finished")
    assert export.submitted.iloc[1] == pd.Timestamp("2024-03-05 07:45:31")
    with pytest.raises(ValidationError) as error:
        read("mbi_choice_text.csv", submitted="SubmitDate")
    problem = only_problem(error)
    assert (problem.column, problem.row) == ("SubmitDate", None)
    assert "not in the export" in problem.rule


def test_latin1_file_names_byte_and_line():
    with pytest.raises(ValidationError) as error:
        read("latin1.csv")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.value) == ("latin1.csv", 4, "0xe8")
    assert "byte 1444 (line 4) is not valid UTF-8" in problem.rule
    assert "Latin-1/Windows-1252" in problem.rule and "CSV UTF-8" in problem.rule


def test_ragged_row_is_refused():
    with pytest.raises(ValidationError) as error:
        read("ragged_row.csv")
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column) == ("ragged_row.csv", 5, None)
    assert problem.rule.startswith("this row has 20 cells but the header (line 1) has 19 columns")
    assert "lost its quotes" in problem.rule


def test_duplicate_column_is_refused():
    with pytest.raises(ValidationError) as error:
        read("duplicate_column.csv")
    problem = only_problem(error)
    assert (problem.row, problem.column) == (1, "Q5")
    assert "appears 2 times in the header (columns 7 (G), 9 (I))" in problem.rule


def test_plain_table_is_not_a_qualtrics_export():
    with pytest.raises(ValidationError) as error:
        read_export(EXPORTS / "csv", "tidy.csv", "qualtrics")
    problem = only_problem(error)
    assert problem.rule == ("not a Qualtrics export: it has no ResponseId column (export the "
                            "responses again with the metadata columns included); if it is a "
                            "plain table with one header line, set its format to csv")


def test_export_with_header_lines_deleted_is_refused():
    with pytest.raises(ValidationError) as error:
        read("header_rows_removed.csv")
    rule = only_problem(error).rule
    assert "its 2nd line is a response, not the line of question texts" in rule
    assert "3 header lines" in rule


def test_redcap_file_named_as_qualtrics_says_redcap():
    with pytest.raises(ValidationError) as error:
        read_export(EXPORTS / "redcap", "classic.csv", "qualtrics")
    assert only_problem(error).rule.endswith("it looks like a REDCap export: set its format "
                                             "to redcap")


@pytest.mark.parametrize("file", ["mbi_choice_text.csv", "mbi_numeric.csv",
                                  "legacy_v_names.csv", "two_row_header.csv"])
def test_sniff_format_recognises_qualtrics(file):
    assert sniff_format(FOLDER, file) == "qualtrics"
