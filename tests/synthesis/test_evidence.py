"""Tests of burnout.synthesis.evidence: the three ways a row gives its effect, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from burnout.core.errors import DataError
from burnout.synthesis.effect_sizes import hedges_g
from burnout.synthesis.evidence import read_estimates


def _write(tmp_path, text: str):
    path = tmp_path / "estimates.csv"
    path.write_text(text)
    return path


def test_rows_give_se_interval_or_summary_statistics(tmp_path):
    path = _write(tmp_path, "study,estimate,se,ci_low,ci_high,mean_intervention,sd_intervention,"
                            "n_intervention,mean_control,sd_control,n_control,format\n"
                            "a,-0.4,0.2,,,,,,,,,group\n"
                            "b,0.1,,-0.292,0.492,,,,,,,one-on-one\n"
                            "c,,,,,-5,8,40,1,7,42,one-on-one\n")
    found = read_estimates(path, moderators=["format"])
    assert found["se"].round(4).tolist()[:2] == [0.2, 0.2]
    expected = hedges_g(-5, 8, 40, 1, 7, 42)
    assert found.loc[2, "estimate"] == pytest.approx(expected["estimate"], rel=1e-12)
    mean_difference = read_estimates(path, measure="MD").loc[2]
    assert mean_difference["estimate"] == -6
    assert mean_difference["se"] == pytest.approx((64 / 40 + 49 / 42) ** 0.5, rel=1e-12)


@pytest.mark.parametrize("text, message", [
    ("study,estimate,se\na,0.1,0.2\n", "1 row"),
    ("study,estimate,se\na,0.1,0.2\nb,0.3,-0.1\n", r"line 3, column 'se'.*se > 0"),
    ("study,estimate,se\na,0.1,0.2\nb,0.3,\n", r"line 3, column 'se'.*ci_low and ci_high"),
    ("study,estimate,ci_low,ci_high\na,0.1,0.0,0.3\nb,0.5,0.6,0.9\n",
     r"line 3: .*ci_low <= estimate <= ci_high"),
    ("name,estimate,se\na,0.1,0.2\nb,0.3,0.1\n", r"column\(s\) \['study'\] missing"),
    ("study,estimate,se\na,x,0.2\nb,0.3,0.1\n", r"line 2, column 'estimate': value 'x'"),
])
def test_bad_rows_name_file_line_column_and_rule(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(DataError, match=message) as error:
        read_estimates(path)
    assert "estimates.csv" in str(error.value)


def test_missing_file_and_missing_moderator(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_estimates(tmp_path / "nothing.csv")
    path = _write(tmp_path, "study,estimate,se\na,0.1,0.2\nb,0.3,0.1\n")
    with pytest.raises(DataError, match=r"\['format'\] missing"):
        read_estimates(path, moderators=["format"])
    with pytest.raises(DataError, match="measure 'OR'"):
        read_estimates(path, measure="OR")


def test_the_raw_frame_is_not_modified(tmp_path):
    path = _write(tmp_path, "study,estimate,ci_low,ci_high\na,0.1,0.0,0.2\nb,0.3,0.1,0.5\n")
    before = path.read_bytes()
    read_estimates(path)
    assert path.read_bytes() == before
    assert "se" not in pd.read_csv(path).columns
