"""REDCap raw CSV exports: dictionary decoding, events and arms, repeats, form status."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from burnout.core.errors import Problem, ValidationError
from burnout.data.importers import read_export, sniff_format

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
FOLDER = EXPORTS / "redcap"
MBI = ["record_id", "mbi_1", "mbi_2", "mbi_3", "mbi_4"]
NAT = pd.NaT


def read(file: str, **options):
    return read_export(FOLDER, file, "redcap", **options)


def stamps(*texts):
    return [NAT if text is None else pd.Timestamp(text) for text in texts]


def only_problem(error: pytest.ExceptionInfo) -> Problem:
    assert len(error.value.problems) == 1
    return error.value.problems[0]


def test_classic_rows_lines_and_repeating_rows_dropped():
    export = read("classic.csv", dictionary="dictionary.csv", columns=MBI)
    assert export.format == "redcap"
    assert export.table["record_id"].tolist() == ["1", "2", "3", "4", "5"]
    assert export.lines == (2, 5, 6, 8, 9)  # record 3's comment spans lines 6-7
    reason = "REDCap row of the repeating instrument 'contact_log' (instance {}): only each " \
             "record's main row is read"
    assert export.dropped == ((3, reason.format(1)), (4, reason.format(2)), (10, reason.format(1)))


def test_coded_fields_decoded_to_labels():
    table = read("classic.csv", dictionary="dictionary.csv").table
    assert table["sex"].tolist() == ["Female", "Male", "Non-binary, or another gender",
                                     "Prefer not to say", "Male"]
    assert table["program"].tolist() == ["Mentorship", "Control (no program)", "Coaching",
                                         "Mentorship", "Coaching"]
    assert table["year"].tolist() == ["MS2", "MS1", "MS3", "MS4", "MS1"]
    assert table["prior_burnout"].tolist() == ["No", "Yes", None, "No", "Yes"]
    assert table["agree_terms"].tolist() == ["True", "False", "True", "True", "True"]
    assert table["mbi_1"].tolist() == ["A few times a month", "A few times a week", "Every day",
                                       "Never", None]
    assert all(str(dtype) == "object" for dtype in table.dtypes)


def test_checkbox_slider_and_text_fields_kept_as_exported():
    table = read("classic.csv", dictionary="dictionary.csv").table
    assert table["support___1"].tolist() == ["1", "0", "0", "0", None]
    assert table["support___2"].tolist() == ["0", "0", "1", "0", None]
    assert table["wellbeing_score"].tolist() == ["64", None, "35", None, None]
    assert table["mbi_comment"].tolist() == ["Busy month, but OK", None, "Line one\nline two",
                                             None, None]


def test_identifiers_from_dictionary():
    assert read("classic.csv", dictionary="dictionary.csv").identifiers == frozenset(
        {"first_name", "email"})


def test_finished_and_submitted_of_the_form_holding_the_columns():
    export = read("classic.csv", dictionary="dictionary.csv", columns=MBI)
    # mbi_complete 2, 0, 1 (Unverified), 2, empty (never opened).
    assert export.finished.tolist() == [True, False, True, True, False]
    # "[not completed]" is no date, but no problem either.
    assert export.submitted.tolist() == stamps("2024-01-20 08:14:55", None,
                                               "2024-01-22 19:02:10", "2024-01-25 12:00:00", None)
    assert str(export.submitted.dtype) == "datetime64[ns]"
    assert export.problems == ()


def test_checkbox_column_selects_its_form():
    export = read("classic.csv", dictionary="dictionary.csv",
                  columns=["support___1", "wellbeing_score"])
    assert export.finished.tolist() == [True, False, True, False, False]
    assert export.submitted.tolist() == stamps("2024-01-20 08:20:03", None,
                                               "2024-01-22 19:05:41", None, None)


def test_without_dictionary_nothing_is_decoded_and_every_status_counts():
    export = read("classic.csv", columns=MBI)
    assert export.table["sex"].tolist() == ["1", "2", "3", "9", "2"]
    assert export.identifiers == frozenset()
    # enrolment, mbi and wellbeing _complete (contact_log's is empty in the kept rows).
    assert export.finished.tolist() == [True, False, True, False, False]
    assert export.submitted.tolist() == stamps("2024-01-20 08:20:03", None,
                                               "2024-01-22 19:05:41", "2024-01-25 12:00:00", None)


def test_longitudinal_baseline_of_two_arms():
    export = read("longitudinal.csv", dictionary="dictionary.csv",
                  event=["baseline_arm_1", "baseline_arm_2"], columns=MBI)
    assert export.lines == (2, 5, 7, 9)
    assert export.table["record_id"].tolist() == ["101", "102", "201", "202"]
    assert export.table["redcap_event_name"].tolist() == [
        "baseline_arm_1", "baseline_arm_1", "baseline_arm_2", "baseline_arm_2"]
    assert export.table["program"].tolist() == ["Mentorship", "Mentorship",
                                                "Control (no program)", "Control (no program)"]
    assert export.finished.tolist() == [True, False, True, True]
    assert export.submitted.tolist() == stamps("2024-01-11 09:30:00", None,
                                               "2024-01-16 13:05:00", "2024-01-19 20:20:20")
    assert export.dropped == ()


def test_longitudinal_followup_ignores_forms_not_in_the_event():
    export = read("longitudinal.csv", dictionary="dictionary.csv", event="followup_arm_1")
    assert export.lines == (3, 6)
    assert export.table["mbi_1"].tolist() == ["A few times a year or less", "Once a week"]
    # enrolment_complete is empty in every follow-up row: the form is not part of the event.
    assert export.finished.tolist() == [True, True]
    assert export.dropped == ((4, "REDCap row of the repeating instrument 'contact_log' "
                                  "(instance 1): only each record's main row is read"),)


def test_unverified_counts_as_finished_and_incomplete_not():
    export = read("longitudinal.csv", event="followup_arm_2")
    assert export.lines == (8, 10)
    assert export.finished.tolist() == [True, False]
    assert export.submitted.tolist() == stamps("2024-05-10 08:00:00", None)


def test_later_instances_of_a_repeating_event_dropped():
    export = read("longitudinal.csv", event="weekly_arm_1")
    assert export.lines == (11,)
    assert export.dropped == ((12, "REDCap repeat 2 of the event 'weekly_arm_1': only the first "
                                   "instance of a repeating event is read"),)


def test_longitudinal_without_event_lists_the_events():
    with pytest.raises(ValidationError) as error:
        read("longitudinal.csv")
    problem = only_problem(error)
    assert (problem.row, problem.column) == (1, "redcap_event_name")
    assert ("with the events baseline_arm_1, followup_arm_1, baseline_arm_2, followup_arm_2, "
            "weekly_arm_1; name the event(s)") in problem.rule


def test_unknown_event_lists_the_events():
    with pytest.raises(ValidationError) as error:
        read("longitudinal.csv", event=["baseline_arm_1", "baseline_arm_3"])
    problem = only_problem(error)
    assert (problem.column, problem.value) == ("redcap_event_name", "baseline_arm_3")
    assert problem.rule.startswith("event not in the export; its events are baseline_arm_1, ")


def test_event_given_for_a_classic_project():
    with pytest.raises(ValidationError) as error:
        read("classic.csv", event="baseline_arm_1")
    problem = only_problem(error)
    assert problem.value == "baseline_arm_1"
    assert "no redcap_event_name column" in problem.rule and "classic" in problem.rule


def test_unknown_codes_are_problems_and_left_as_exported():
    export = read("unknown_code.csv", dictionary="dictionary.csv")
    assert export.table["sex"].tolist() == ["Female", "4", "Male", None]
    assert export.table["mbi_1"].tolist() == ["A few times a month", "A few times a week", "7",
                                              None]
    assert [(p.file, p.row, p.column, p.value) for p in export.problems] == [
        ("unknown_code.csv", 3, "sex", "4"), ("unknown_code.csv", 4, "mbi_1", "7")]
    assert export.problems[0].rule.startswith(
        "code not among the choices of this radio field in the data dictionary dictionary.csv "
        "(1 = Female, 2 = Male, 3 = Non-binary, or another gender, 9 = Prefer not to say)")


def test_labels_already_in_the_cells_are_kept(tmp_path):
    (tmp_path / "labels.csv").write_text("record_id,sex,mbi_1\n1,Female,Never\n2,2,6\n")
    (tmp_path / "dictionary.csv").write_bytes((FOLDER / "dictionary.csv").read_bytes())
    export = read_export(tmp_path, "labels.csv", "redcap", dictionary="dictionary.csv")
    assert export.table["sex"].tolist() == ["Female", "Male"]
    assert export.table["mbi_1"].tolist() == ["Never", "Every day"]
    assert export.problems == ()


def test_api_metadata_dictionary_is_read_too():
    export = read("unknown_code.csv", dictionary="metadata_api.csv")
    assert export.table["sex"].tolist() == ["Female", "4", "Male", None]
    assert export.identifiers == frozenset()


def test_dictionary_without_a_required_column():
    with pytest.raises(ValidationError) as error:
        read("classic.csv", dictionary="dictionary_missing_column.csv")
    problem = only_problem(error)
    assert (problem.file, problem.row) == ("dictionary_missing_column.csv", 1)
    assert problem.rule.startswith("the data dictionary lacks the column(s) 'Form Name'")


def test_missing_dictionary_file():
    with pytest.raises(ValidationError) as error:
        read("classic.csv", dictionary="data_dictionary.csv")
    problem = only_problem(error)
    assert problem.file == "data_dictionary.csv"
    assert "REDCap data dictionary" in problem.rule and "Download" in problem.rule


def test_columns_on_a_repeating_instrument_are_refused():
    with pytest.raises(ValidationError) as error:
        read("classic.csv", dictionary="dictionary.csv", columns=["contact_type"])
    problem = only_problem(error)
    assert problem.value == "contact_log"
    assert "repeating instrument" in problem.rule


def test_explicit_status_and_time_columns():
    export = read("classic.csv", finished="enrolment_complete", submitted="consent_date")
    assert export.finished.tolist() == [True, True, True, True, False]
    assert export.submitted.tolist() == stamps("2024-01-15", "2024-01-16", "2024-01-16",
                                               "2024-01-17", "2024-01-18")


def test_qualtrics_file_named_as_redcap_is_refused():
    with pytest.raises(ValidationError) as error:
        read_export(EXPORTS / "qualtrics", "mbi_choice_text.csv", "redcap")
    assert "looks like a Qualtrics export" in only_problem(error).rule


def test_sniff_format_recognises_redcap():
    assert sniff_format(FOLDER, "classic.csv") == "redcap"
    assert sniff_format(FOLDER, "longitudinal.csv") == "redcap"
