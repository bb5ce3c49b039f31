"""Tests of burnout.core.io: atomic, deterministic writing of generated files."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

from burnout.core.io import (
    FLOAT_FORMAT,
    atomic_path,
    save_figure,
    write_csv,
    write_json,
    write_text,
)


def test_interrupted_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "table.csv"
    write_text("old\n", target)
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half writ")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["table.csv"]


def test_csv_has_fixed_float_format_and_unix_newlines(tmp_path):
    target = write_csv(pd.DataFrame({"a": [0.1 + 0.2, 2.0], "b": ["x", None]}), tmp_path / "t.csv")
    assert target.read_bytes() == b"a,b\n0.3,x\n2,\n"
    assert FLOAT_FORMAT == "%.10g"


def test_json_is_sorted_and_nan_becomes_null(tmp_path):
    target = write_json({"b": math.nan, "a": 1 / 3}, tmp_path / "n.json")
    assert target.read_text() == '{\n  "a": 0.3333333333,\n  "b": null\n}\n'
    assert json.loads(target.read_text())["b"] is None


def test_figures_are_byte_identical_and_undated(tmp_path):
    def draw(stem):
        figure = Figure(figsize=(3, 2))
        figure.add_subplot().plot([0, 1], [1, 0])
        return save_figure(figure, tmp_path / stem)

    first, second = draw("a"), draw("b")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    pdf = first[1].read_bytes()
    assert b"CreationDate" not in pdf and pdf.startswith(b"%PDF")
    assert first[0].read_bytes().startswith(b"\x89PNG")


def test_figures_are_saved_at_their_declared_width_with_text_sticking_out(tmp_path):
    from PIL import Image

    figure = Figure(figsize=(89 / 25.4, 2))
    axes = figure.add_subplot()
    axes.set_ylabel("a label far outside " * 3, labelpad=60)  # would grow a tight bbox
    png, pdf = save_figure(figure, tmp_path / "fig")
    with Image.open(png) as image:
        assert image.info["dpi"][0] == pytest.approx(300, abs=0.01)
        assert image.size[0] == round(89 / 25.4 * 300)
    media = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ", pdf.read_bytes())
    assert float(media.group(1)) == pytest.approx(89 / 25.4 * 72, abs=0.01)  # 89 mm in points


def test_figures_wider_than_two_journal_columns_are_refused(tmp_path):
    with pytest.raises(ValueError, match="190.0 mm wide.*at most 183 mm"):
        save_figure(Figure(figsize=(190 / 25.4, 2)), tmp_path / "wide")
    assert not (tmp_path / "wide.png").exists()
