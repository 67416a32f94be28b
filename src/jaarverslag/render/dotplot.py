"""Draws a dot chart (:class:`DotChart`, data only): one gemeente among many.

One strip per soort on a shared euro axis: a dot per gemeente of the group, stacked where dots
would overlap, the median a dashed line, and this gemeente a larger vermillion diamond with its
name and figure above it — in shape, size and colour apart from the blue dots (Okabe-Ito, safe
for colour blindness). The layout is worked out once as a list of shapes; the same shapes are
written as SVG (PDF and HTML) and painted as PNG with Pillow (DOCX). Both are plain code, no
plotting library: hundreds of documents draw in milliseconds each, and the same chart gives
the same bytes.
"""

from __future__ import annotations

import importlib.util
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from PIL import ImageFont

from jaarverslag.core.model import DotChart
from jaarverslag.core.numbers import format_euro

WIDTH = 640.0
LEFT, RIGHT = 18.0, 622.0
STRIP = 74.0  #: height of one strip
AXIS_LABELS = 16.0  #: the euro amounts under the last strip (the strips share the axis)
LEGEND = 4.0  #: room under the axis amounts
DOT_R, STEP = 2.3, 5.0  #: dot radius, and the width of the bins dots stack in
BAND = 15.0  #: half the height the stacked dots may take
BLUE, VERMILLION, INK, GREY = "#0072B2", "#D55E00", "#000000", "#595959"
FONT = "Open Sans, DejaVu Sans, sans-serif"  #: the body's font: no other font to embed


@dataclass(frozen=True)
class Shape:
    """``kind``: line (x, y, x2, y2; ``r`` its width), dots (``points``, radius ``r``: all dots
    of a strip in one shape), diamond (x, y, r) or text (x, y, with ``text``, ``size``,
    ``anchor`` start/middle/end and ``bold``)."""

    kind: str
    x: float
    y: float
    x2: float = 0.0
    y2: float = 0.0
    r: float = 0.0
    colour: str = INK
    fill: str = ""
    dash: bool = False
    text: str = ""
    size: float = 10.0
    anchor: str = "start"
    bold: bool = False
    points: tuple[tuple[float, float], ...] = ()


def height(chart: DotChart) -> float:
    return STRIP * len(chart.strips) + AXIS_LABELS + LEGEND


def ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 × a power of ten) from ``lo`` to ``hi``."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    last = math.ceil(hi / step) * step
    return [round(first + i * step, 10) for i in range(round((last - first) / step) + 1)]


def shapes(chart: DotChart) -> list[Shape]:
    """Everything the chart draws, in drawing order, in a ``WIDTH`` × :func:`height` box."""
    every = [v for _, group, mine, _ in chart.strips for v in (*group, mine) if v is not None]
    lo = min([0.0, *every])
    hi = max([0.0, *every])
    axis = ticks(lo, hi)
    lo, hi = axis[0], axis[-1]

    def x(value: float) -> float:
        return LEFT + (value - lo) / (hi - lo) * (RIGHT - LEFT)

    out: list[Shape] = []
    for number, (label, group, mine, median) in enumerate(chart.strips):
        top = number * STRIP
        centre, base = top + 48.0, top + 68.0
        last = number == len(chart.strips) - 1
        out.append(Shape("text", LEFT, top + 13.0, text=label, size=10.5, bold=True))
        out.append(Shape("line", LEFT, base, RIGHT, base, colour=GREY))
        for tick in axis:
            out.append(Shape("line", x(tick), base, x(tick), base + 4.0, colour=GREY))
            if last:  # the strips share one axis: its amounts once, at the bottom
                text = format_euro(tick, 0 if float(tick).is_integer() else None)
                out.append(
                    Shape("text", x(tick), base + 15.0, text=text, size=8.5, anchor="middle")
                )
        xs = LEFT + (np.asarray(group, dtype=float) - lo) / (hi - lo) * (RIGHT - LEFT)
        ys = centre + _stacked(xs)
        points = tuple(
            (round(float(a), 1), round(float(b), 1)) for a, b in zip(xs, ys, strict=True)
        )
        out.append(Shape("dots", 0, 0, r=DOT_R, colour=BLUE, points=points))
        if median is not None:
            m = x(median)
            out.append(Shape("line", m, centre - BAND - 2, m, centre + BAND + 5, dash=True, r=1.6))
        if mine is not None:
            at = x(mine)
            out.append(Shape("diamond", at, centre, r=5.5, colour=INK, fill=VERMILLION))
            anchor = "start" if at < LEFT + 90 else "end" if at > RIGHT - 90 else "middle"
            text = f"{chart.label}: {format_euro(mine, chart.decimals)}"
            out.append(Shape("line", at, centre - 6.0, at, top + 30.0, colour=INK))
            out.append(Shape("text", at, top + 27.0, text=text, size=9.5, anchor=anchor, bold=True))
    return out  # the legend is in words, in the caption: a text node less to lay out each


def _stacked(xs: np.ndarray) -> np.ndarray:
    """Vertical offsets: dots in the same bin stack 0, +1, −1, +2, … steps, squeezed so every
    stack fits the band (vectorised: a dot's rank within its bin)."""
    if xs.size == 0:
        return xs
    bins = np.floor(xs / STEP).astype(int)
    order = np.argsort(bins, kind="stable")
    sorted_bins = bins[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_bins)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, sorted_bins.size]))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size) - first
    level = (rank + 1) // 2 * np.where(rank % 2 == 1, 1, -1)
    step = min(DOT_R * 2 + 0.4, BAND / max(1, int(np.abs(level).max())))
    return level * step


def svg(chart: DotChart) -> str:
    """The chart as SVG (PDF and HTML)."""
    return _svg(chart)


@lru_cache(maxsize=64)
def _svg(chart: DotChart) -> str:
    """Runs of dots (and of plain lines) of one style become one ``<path>``: a chart has a few
    hundred dots, and a PDF lays out an SVG element by element."""
    h = height(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}" height="{h:g}" '
        f'viewBox="0 0 {WIDTH:g} {h:g}" font-family="{FONT}">'
    ]
    run: list[str] = []
    style = ""

    def flush() -> None:
        if run:
            parts.append(f'<path d="{" ".join(run)}" {style}/>')
            run.clear()

    for s in shapes(chart):
        if s.kind == "line" and not s.dash:
            now = f'fill="none" stroke="{s.colour}" stroke-width="{s.r or 1:g}"'
            if now != style:
                flush()
                style = now
            run.append(f"M{s.x:.1f} {s.y:.1f}L{s.x2:.1f} {s.y2:.1f}")
            continue
        flush()
        style = ""
        if s.kind == "dots":  # a round cap on a zero-length line is a dot: cheap to lay out
            d = " ".join(f"M{x:g} {y:g}h0" for x, y in s.points)
            parts.append(
                f'<path d="{d}" fill="none" stroke="{s.colour}" stroke-width="{2 * s.r:g}" '
                'stroke-linecap="round"/>'
            )
        elif s.kind == "line":
            parts.append(
                f'<line x1="{s.x:.1f}" y1="{s.y:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" '
                f'stroke="{s.colour}" stroke-width="{s.r or 1:g}" stroke-dasharray="3 2"/>'
            )
        elif s.kind == "diamond":
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in _diamond(s))
            parts.append(
                f'<polygon points="{points}" fill="{s.fill}" stroke="{s.colour}" stroke-width="1"/>'
            )
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            parts.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:g}" '
                f'text-anchor="{s.anchor}"{weight} fill="{s.colour}">{escape(s.text)}</text>'
            )
    flush()
    parts.append("</svg>")
    return "\n".join(parts)


def _diamond(s: Shape) -> list[tuple[float, float]]:
    return [(s.x, s.y - s.r), (s.x + s.r, s.y), (s.x, s.y + s.r), (s.x - s.r, s.y)]


#: Pixels per SVG unit of the PNG (640 units → 1280 px: 15 cm in the DOCX at about 215 dpi),
#: painted twice as large and scaled down, so edges are smooth.
SCALE, SUPER = 1.5, 2
PALETTE = 48  #: colours of the PNG


def png(chart: DotChart) -> bytes:
    """The chart as PNG (DOCX)."""
    return _png(chart)


@lru_cache(maxsize=64)
def _png(chart: DotChart) -> bytes:
    from PIL import Image, ImageDraw

    k = SCALE * SUPER
    size = (round(WIDTH * k), round(height(chart) * k))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for s in shapes(chart):
        if s.kind == "line":
            if s.dash:
                _dashed(draw, s, k)
            else:
                width = round((s.r or 1) * k)
                draw.line([(s.x * k, s.y * k), (s.x2 * k, s.y2 * k)], fill=s.colour, width=width)
        elif s.kind == "dots":
            for x, y in s.points:
                box = [(x - s.r) * k, (y - s.r) * k, (x + s.r) * k, (y + s.r) * k]
                draw.ellipse(box, fill=s.colour)
        elif s.kind == "diamond":
            draw.polygon(
                [(px * k, py * k) for px, py in _diamond(s)],
                fill=s.fill,
                outline=s.colour,
                width=round(k),
            )
        else:
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            draw.text(
                (s.x * k, s.y * k),
                s.text,
                fill=s.colour,
                font=_font(s.size * k, s.bold),
                anchor=anchor,
            )
    image = image.resize(
        (round(WIDTH * SCALE), round(height(chart) * SCALE)), Image.Resampling.LANCZOS
    )
    out = io.BytesIO()
    # a handful of colours and their anti-aliased edges: a palette keeps the DOCX small
    image = image.quantize(PALETTE, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _dashed(draw: object, s: Shape, k: float) -> None:
    from PIL import ImageDraw

    assert isinstance(draw, ImageDraw.ImageDraw)
    y, end = s.y, s.y2
    while y < end:
        width = round((s.r or 1) * k)
        draw.line([(s.x * k, y * k), (s.x * k, min(y + 3, end) * k)], fill=s.colour, width=width)
        y += 5


@lru_cache(maxsize=16)
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans, as matplotlib ships it (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name
        if path.is_file():
            return ImageFont.truetype(str(path), round(size))
    return ImageFont.load_default(round(size))
