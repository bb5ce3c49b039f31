"""Deterministic, atomic writing of every generated file.

Every output goes through these functions so that

* a file is written to a temporary name in the same folder and renamed into place: an
  interrupted run leaves the old file or the new one, never a truncated one;
* bytes are reproducible: CSVs use a fixed float format and ``\\n`` line endings, JSON is
  sorted and indented, figures carry no creation date.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from burnout.core.csv_text import csv_chunks
from burnout.core.paths import BUILD_DIR, ROOT
from burnout.core.precision import CLOSED_FORM_DIGITS, supported

__all__ = [
    "atomic_path",
    "write_bytes",
    "write_text",
    "write_csv",
    "write_results",
    "write_json",
    "save_figure",
    "MAX_FIGURE_WIDTH_MM",
    "FLOAT_FORMAT",
]

# The float format of every CSV and JSON file: burnout.core.precision's digits of closed-form
# results; results of iterative or root-finding procedures are rounded further before writing.
FLOAT_FORMAT = f"%.{CLOSED_FORM_DIGITS}g"


# Temporary files of atomic writes inside the project go here, not beside their targets, so a
# process killed between writing and renaming leaves nothing in an output folder.
_SCRATCH_DIR = BUILD_DIR / "tmp"


def _scratch_for(target: Path) -> Path:
    """Where the temporary file of ``target`` is written: the scratch folder on the same
    file system when ``target`` is inside the project, else the target's own folder."""
    try:
        target.resolve().relative_to(ROOT)
    except ValueError:
        return target.parent
    _SCRATCH_DIR.mkdir(parents=True, exist_ok=True)
    return _SCRATCH_DIR


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path; rename it onto ``path`` on success (an atomic replace).

    On an exception the temporary file is removed and ``path`` is left untouched. Inside the
    project the temporary file lives in ``.build/tmp`` (same file system, so the rename is
    atomic), so even a process killed with SIGKILL leaves no partial file in an output folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                    dir=_scratch_for(target))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(text: str, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line endings) to ``path`` atomically."""
    return write_bytes(text.encode("utf-8"), path)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], index: bool = False) -> Path:
    """Write ``frame`` as a UTF-8 CSV with a fixed float format, atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_csv(pd.DataFrame({"x": [1 / 3]}), target)
    >>> target.read_text()
    'x\\n0.3333333333\\n'
    """
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as stream:
        for piece in csv_chunks(frame, FLOAT_FORMAT, index=index):
            stream.write(piece)
    return Path(path)


def write_results(results: pd.DataFrame, path: str | os.PathLike[str]) -> pd.DataFrame:
    """Write a result table rounded to the digits it supports; return the rounded table.

    The rounding is :func:`burnout.core.precision.supported`, so the CSV, the citable numbers
    taken from the returned table and its display in a notebook all carry the same digits.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> table = write_results(pd.DataFrame({"method": ["rank_sum"], "estimate": [1.999987]}),
    ...                       target)
    >>> target.read_text().splitlines()
    ['method,estimate', 'rank_sum,2']
    """
    rounded = supported(results)
    write_csv(rounded, path)
    return rounded


def _json_ready(value: Any) -> Any:
    """Convert numpy scalars and non-finite floats into plain JSON values."""
    if isinstance(value, Mapping):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(FLOAT_FORMAT % value)
    return value


def write_json(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as sorted, indented JSON atomically (NaN becomes ``null``)."""
    text = json.dumps(_json_ready(obj), indent=2, sort_keys=True, ensure_ascii=False)
    return write_text(text + "\n", path)


# The widest figure a journal prints: two columns, 183 mm (Nature, Cell, PLOS and most others).
MAX_FIGURE_WIDTH_MM = 183.0


def save_figure(figure, path_stem: str | os.PathLike[str], dpi: int = 300) -> list[Path]:
    """Save a matplotlib figure as ``<stem>.png`` (``dpi``) and vector ``<stem>.pdf``.

    The files have exactly the figure's size (no ``bbox_inches="tight"``, which grows the
    canvas around text that sticks out): a figure declared one or two journal columns wide is
    saved that wide, so its layout (constrained or tight, at a fixed size) must keep every text
    on the canvas. Metadata that would change between runs (creation dates, software versions)
    is left out, so a rebuild gives byte-identical files.

    Returns
    -------
    list of Path
        The PNG and PDF paths written.

    Raises
    ------
    ValueError
        When the figure is wider than :data:`MAX_FIGURE_WIDTH_MM`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import matplotlib.pyplot as plt
    >>> figure = plt.figure(figsize=(89 / 25.4, 2.0))
    >>> png, pdf = save_figure(figure, pathlib.Path(tempfile.mkdtemp()) / "empty")
    >>> png.suffix, pdf.suffix
    ('.png', '.pdf')
    """
    width_mm = figure.get_figwidth() * 25.4
    if width_mm > MAX_FIGURE_WIDTH_MM + 0.01:
        raise ValueError(f"save_figure: the figure is {width_mm:.1f} mm wide; journals print at "
                         f"most {MAX_FIGURE_WIDTH_MM:.0f} mm (two columns)")
    stem = Path(path_stem)
    written = []
    for suffix, metadata in (
        (".png", {"Software": None}),
        (".pdf", {"CreationDate": None, "Producer": None, "Creator": None}),
    ):
        target = stem.with_suffix(suffix)
        with atomic_path(target) as tmp:
            figure.savefig(tmp, format=suffix[1:], dpi=dpi, metadata=metadata)
        written.append(target)
    return written
