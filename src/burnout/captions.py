"""Figure captions: one Markdown file per study listing every figure with its caption."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from burnout.errors import DataError
from burnout.io import write_text

__all__ = ["write_captions"]


def write_captions(captions: Mapping[str, str], figures_dir: str | Path,
                   title: str = "Figure captions") -> Path:
    """Write ``captions.md`` in ``figures_dir``: one numbered entry per figure, in the given order.

    Every figure named must exist as ``<name>.png`` and ``<name>.pdf`` in ``figures_dir``, so a
    caption can never describe a figure that was not made (or was renamed).

    Parameters
    ----------
    captions : mapping
        Figure file stem (e.g. ``"flow"``) to caption text (Markdown).
    figures_dir : path
        The study's figure folder.
    title : str
        Heading of the file.

    Returns
    -------
    Path
        The path of ``captions.md``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for suffix in (".png", ".pdf"):
    ...     _ = (folder / f"flow{suffix}").write_bytes(b"")
    >>> print(write_captions({"flow": "Participant flow."}, folder).read_text())
    # Figure captions
    <BLANKLINE>
    **Figure 1** (`flow.png`, `flow.pdf`). Participant flow.
    <BLANKLINE>
    """
    folder = Path(figures_dir)
    missing = [f"{name}{suffix}" for name in captions for suffix in (".png", ".pdf")
               if not (folder / f"{name}{suffix}").is_file()]
    if missing:
        raise DataError(f"{folder}: captions name figures that do not exist: {missing}")
    lines = [f"# {title}", ""]
    for number, (name, caption) in enumerate(captions.items(), start=1):
        lines += [f"**Figure {number}** (`{name}.png`, `{name}.pdf`). {caption.strip()}", ""]
    return write_text("\n".join(lines), folder / "captions.md")
