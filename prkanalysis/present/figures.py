"""Captions, source lines and a label-overlap check for the figures a chapter displays.

:func:`figure` attaches a caption (shown under the image) and a source line (the evidence
rows and sources the figure draws) to a figure; :func:`text_overlaps` lists the pairs of
text labels whose drawn boxes overlap, which the displayed figure records in its output
metadata so the tests can check every figure the chapters draw.

Example:
    >>> from prkanalysis import figures
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["a"], "estimate": [1.0], "low": [0.5], "high": [2.0]})
    >>> res = figure(figures.interval_forest(t, xlabel="ratio (-)"),
    ...              caption="One ratio.", sources=["S001", "L012"])
    >>> res.caption, res.sources, source_line(res.sources)
    ('One ratio.', ('S001', 'L012'), 'Sources: S001, L012')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from prkanalysis.errors import PrkError
from prkanalysis.theme import WATERMARK_GID

__all__ = ["figure", "source_line", "text_overlaps"]


def source_line(sources: Sequence[str]) -> str:
    """The line under a figure or table naming its sources and evidence rows.

    Example:
        >>> source_line(["S008", "L003"]), source_line([])
        ('Sources: S008, L003', '')
    """
    ids = [str(s).strip() for s in sources if str(s).strip()]
    return f"Sources: {', '.join(ids)}" if ids else ""


def text_overlaps(fig: Figure, tolerance_px: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of visible text labels whose drawn bounding boxes overlap.

    Transformations: draws the figure (Agg) once; collects every visible, non-empty
    ``Text`` artist (titles, axis labels, tick labels, annotations, legend texts); two labels
    overlap when their window extents intersect by more than ``tolerance_px`` pixels in both
    directions. Labels of one legend are compared too; the SIMULATED watermark (drawn
    behind everything, :data:`prkanalysis.theme.WATERMARK_GID`) is not a label.

    Args:
        fig: The matplotlib figure.
        tolerance_px: Intersections up to this many pixels (antialiasing) are ignored.

    Returns:
        ``(text a, text b)`` for each overlapping pair, in drawing order.

    Example:
        >>> f = Figure(figsize=(3, 2)); ax = f.add_subplot()
        >>> _ = ax.text(0.5, 0.5, "label one"); _ = ax.text(0.5, 0.5, "label two")
        >>> text_overlaps(f)
        [('label one', 'label two')]
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    # tick labels: only those of the ticks drawn (matplotlib keeps stale labels of ticks
    # outside the view limits, which are never drawn)
    tick_labels: set[int] = set()
    drawn: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                tick_labels.update((id(tick.label1), id(tick.label2)))
            if ax.get_visible():
                for tick in axis._update_ticks():  # type: ignore[union-attr]
                    drawn.update((id(tick.label1), id(tick.label2)))
    boxes = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or t.get_gid() == WATERMARK_GID:
            continue
        if id(t) in tick_labels and id(t) not in drawn:
            continue
        if not _inside(t, renderer):
            continue
        bb = t.get_window_extent(renderer)
        if bb.width <= 0 or bb.height <= 0:
            continue
        boxes.append((t.get_text().strip(), bb))
    found: list[tuple[str, str]] = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > tolerance_px and h > tolerance_px:
                found.append((ta, tb))
    return found


def _inside(t: Any, renderer: Any) -> bool:
    """Whether a text artist is drawn inside the figure (labels outside it are not seen)."""
    bb = t.get_window_extent(renderer)
    fb = t.figure.bbox
    return bool(bb.x1 > fb.x0 and bb.x0 < fb.x1 and bb.y1 > fb.y0 and bb.y0 < fb.y1)


def _release_from_pyplot(fig: Figure) -> None:
    """Close a pyplot-managed figure; it stays drawable.

    The inline backend then does not show it a second time, bare, at the end of the cell.
    """
    import sys

    if "matplotlib.pyplot" not in sys.modules:
        return
    import matplotlib.pyplot as plt

    number = getattr(fig, "number", None)
    if number is not None and number in plt.get_fignums():
        plt.close(fig)


def figure(result: Any, *, caption: str | None = None, sources: Sequence[str] = ()) -> Any:
    """A figure with its caption under it and a source line naming its evidence.

    Args:
        result: A :class:`prkanalysis.figures.FigureResult` (from the figure functions) or a
            bare matplotlib ``Figure``.
        caption: One or two sentences saying what to see (default: the figure's own).
        sources: Source ids (``S008``) and/or evidence-row ids (``L012``) the figure draws.

    Returns:
        A ``FigureResult`` that displays as image + caption + source line, and records the
        overlap check (:func:`text_overlaps`) in its output metadata. A figure drawn through
        ``pyplot`` is closed there, so a notebook does not show it a second time, bare.

    Raises:
        PrkError: ``result`` is neither a FigureResult nor a Figure, or no caption is known.
    """
    from prkanalysis.figures import FigureResult

    if isinstance(result, Figure):
        import pandas as pd

        if not caption:
            raise PrkError("present.figure(caption=...): a bare Figure needs a caption")
        result = FigureResult(fig=result, caption=caption, data=pd.DataFrame(), name="figure")
    if not isinstance(result, FigureResult):
        raise PrkError(
            "present.figure(result): expected a FigureResult or Figure, got "
            f"{type(result).__name__}"
        )
    _release_from_pyplot(result.fig)
    return dataclasses.replace(
        result,
        caption=caption if caption is not None else result.caption,
        sources=tuple(str(s) for s in sources) or result.sources,
    )
