"""Test helper: the text of a figure must not overlap, leave the canvas or exceed a journal width.

:func:`text_problems` draws a figure with matplotlib's own renderer, measures the window extent
of every visible text (tick labels, titles, axis labels, legend texts, annotations, free text)
and reports every pair of texts whose boxes overlap and every text reaching outside the figure.
:func:`saved_size_problems` saves a figure as the pipeline does and measures the files written.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from pathlib import Path

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from burnout.core.io import save_figure

__all__ = ["visible_texts", "text_problems", "saved_size_problems", "MAX_WIDTH_MM"]

MAX_WIDTH_MM = 183.0  # two journal columns
_TOLERANCE = 0.5  # pixels at the figure's dpi: boxes that merely touch do not overlap


def _children(artist: Artist) -> list[Artist]:
    """The children drawn for ``artist``: an axis draws only the ticks inside its view."""
    if isinstance(artist, Axis):
        ticks = artist._update_ticks()  # the ticks matplotlib draws (inside the view limits)
        others = [child for child in artist.get_children()
                  if child not in artist.majorTicks and child not in artist.minorTicks]
        return [*ticks, *others]
    if isinstance(artist, Axes) and not artist.axison:  # axes.axis("off"): no axis drawn
        hidden = {artist.xaxis, artist.yaxis, *artist.spines.values()}
        return [child for child in artist.get_children() if child not in hidden]
    return list(artist.get_children())


def visible_texts(figure: Figure) -> list[Text]:
    """Every visible, non-empty text of ``figure`` (an invisible parent hides its children)."""
    found, stack = [], [figure]
    while stack:
        artist = stack.pop()
        if not artist.get_visible():
            continue
        if isinstance(artist, Text) and artist.get_text().strip():
            found.append(artist)
        stack.extend(_children(artist))
    return found


def _describe(text: Text) -> str:
    """The text, and the title of its panel when it has one."""
    title = text.axes.get_title() if isinstance(text.axes, Axes) else ""
    return f"{text.get_text()!r}" + (f" in panel {title!r}" if title else "")


def text_problems(figure: Figure) -> list[str]:
    """Overlapping texts and texts outside the canvas of ``figure``, in words (empty: none).

    The figure is drawn at its own size and dpi, as :func:`burnout.core.io.save_figure` saves it
    (no bounding-box growth), so what is measured is what is written.
    """
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    canvas = figure.bbox
    boxes = [(text, text.get_window_extent(renderer)) for text in visible_texts(figure)]
    boxes = [(text, box) for text, box in boxes if box.width > 0 and box.height > 0]
    problems = []
    for text, box in boxes:
        if (box.x0 < canvas.x0 - _TOLERANCE or box.y0 < canvas.y0 - _TOLERANCE
                or box.x1 > canvas.x1 + _TOLERANCE or box.y1 > canvas.y1 + _TOLERANCE):
            problems.append(f"outside the canvas: {_describe(text)}")
    for (first, one), (second, other) in itertools.combinations(boxes, 2):
        width = min(one.x1, other.x1) - max(one.x0, other.x0)
        height = min(one.y1, other.y1) - max(one.y0, other.y0)
        if width > _TOLERANCE and height > _TOLERANCE:
            problems.append(f"overlap: {_describe(first)} and {_describe(second)}")
    return problems


def saved_size_problems(figure: Figure, max_width_mm: float = MAX_WIDTH_MM,
                        min_dpi: float = 300) -> list[str]:
    """Save ``figure`` with :func:`save_figure`; report a PNG or PDF wider than allowed.

    The PNG's width is its pixel width over its dpi; the PDF's is its MediaBox.
    """
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        png, pdf = save_figure(figure, Path(folder) / "figure")
        with Image.open(png) as image:
            dpi = image.info["dpi"][0]
            png_mm = image.size[0] / dpi * 25.4
        media = re.search(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]", pdf.read_bytes())
        pdf_mm = float(media.group(1).split()[2]) / 72 * 25.4
    if round(dpi) < min_dpi:
        problems.append(f"PNG at {dpi:.0f} dpi, below {min_dpi:.0f}")
    for kind, width in (("PNG", png_mm), ("PDF", pdf_mm)):
        if width > max_width_mm + 0.05:
            problems.append(f"{kind} {width:.1f} mm wide, more than {max_width_mm:.0f} mm")
    return problems
