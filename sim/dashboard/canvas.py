"""Figures turned into PNG images step after step, redrawing only what a step changes.

Matplotlib 3.11 draws text glyph by glyph (about 5 ms a label), so a full drawing of a page's
figure costs 0.1-0.2 s, almost all of it axes, ticks, titles and legends that a step leaves
alone. A ``Blitter`` draws a figure fully once and keeps that background; at each later step it
restores the background and draws only the artists marked ``animated`` (lines, heatmaps). It
draws fully again when something of the background changed: an axis range, a title, a tick or
text label (``_key``). Text labels added since the last full drawing are stamped onto the kept
background instead (the instruments' rows). Legends are pasted back over the lines.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


def _key(fig: Figure) -> tuple:
    """What the kept background depends on (tick labels follow from the ranges)."""
    parts = [tuple(fig.get_size_inches()), fig.dpi]
    parts += [t.get_text() for t in fig.texts if not t.get_animated()]
    for ax in fig.axes:
        parts += [ax.get_xlim(), ax.get_ylim(), ax.get_title(), ax.get_title("left")]
        parts += [t.get_text() for t in ax.yaxis.get_majorticklabels()]
    return tuple(parts)


def _stamps(fig: Figure) -> dict[int, tuple]:
    """The axes' static text labels by identity: a new one is stamped, a changed one redraws."""
    return {
        id(t): (t.get_text(), t.get_position())
        for ax in fig.axes
        for t in ax.texts
        if not t.get_animated()
    }


class Blitter:
    """PNG images of one figure as its animated artists change."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.background = None
        self.legends: list = []
        self.key: tuple | None = None
        self.stamped: dict[int, tuple] = {}
        self.full_draws = 0  # how often the background was redrawn (tests, benchmark)

    def _background(self) -> None:
        key, stamps = _key(self.fig), _stamps(self.fig)
        if key != self.key or any(stamps.get(i) != s for i, s in self.stamped.items()):
            self.canvas.draw()
            self.full_draws += 1
            self.key = key
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)
            self.legends = [
                self.canvas.copy_from_bbox(ax.get_legend().get_window_extent())
                for ax in self.fig.axes
                if ax.get_legend() is not None
            ]
        else:
            self.canvas.restore_region(self.background)
            new = [t for ax in self.fig.axes for t in ax.texts if id(t) not in self.stamped]
            new = [t for t in new if not t.get_animated()]
            if new:
                renderer = self.canvas.get_renderer()
                for text in new:
                    text.draw(renderer)
                self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.stamped = stamps

    def png(self) -> bytes:
        """The figure as it is now, as PNG bytes."""
        self._background()
        renderer = self.canvas.get_renderer()
        for ax in self.fig.axes:
            moving = [a for a in ax.get_children() if a.get_animated() and a.get_visible()]
            for artist in sorted(moving, key=lambda a: a.get_zorder()):
                artist.draw(renderer)
        for region in self.legends:
            self.canvas.restore_region(region)
        rgba = np.asarray(self.canvas.buffer_rgba())
        out = io.BytesIO()
        # Fast compression: zlib's default level costs more than the drawing itself.
        Image.fromarray(rgba[..., :3]).save(out, format="png", compress_level=1)
        return out.getvalue()
