"""Captions name only figures that exist, numbered in order."""

from __future__ import annotations

import pytest

from burnout.captions import write_captions
from burnout.errors import DataError


def _figure(folder, name):
    for suffix in (".png", ".pdf"):
        (folder / f"{name}{suffix}").write_bytes(b"x")


def test_captions_are_numbered_in_order(tmp_path):
    _figure(tmp_path, "flow")
    _figure(tmp_path, "forest")
    text = write_captions({"forest": "Adjusted.", "flow": "Flow."}, tmp_path).read_text()
    assert text.index("**Figure 1** (`forest.png`") < text.index("**Figure 2** (`flow.png`")


def test_caption_of_a_missing_figure_is_an_error(tmp_path):
    _figure(tmp_path, "flow")
    (tmp_path / "forest.png").write_bytes(b"x")
    with pytest.raises(DataError, match=r"forest\.pdf"):
        write_captions({"flow": "Flow.", "forest": "Adjusted."}, tmp_path)
    assert not (tmp_path / "captions.md").exists()
