"""Turns the indicator facts of a section into a chart: realisatie against target per year.

One small panel per indicator (their scales differ), grouped bars per year: realisatie solid,
target hatched, in the Okabe-Ito colour-blind-safe palette, Dutch numbers on the axis. The
same chart comes out as SVG (PDF and HTML) and as a 200 dpi PNG (DOCX), byte-identical from
build to build, with a Dutch alt text that states the data. matplotlib is imported only when a
chart is drawn, and a chart is drawn once per distinct content.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from functools import lru_cache

from ..compute.conclusies import Indicator
from ..model import Figure
from ..numbers import format_value

#: Okabe-Ito: blue for realisatie, orange for the target; the hatch tells them apart in grey.
COLOURS = {"realisatie": "#0072B2", "doel": "#E69F00"}
DPI = 200
HASHSALT = "jaarverslag"

#: (label, unit, ((year, realisatie, doel), ...)) per indicator: the chart's whole content.
Series = tuple[str, str, tuple[tuple[int, float | None, float | None], ...]]


def chart_series(inds: Sequence[Indicator]) -> tuple[Series, ...]:
    """The data a chart shows; indicators without any value are left out."""
    result = []
    for ind in inds:
        years = sorted(set(ind.realisatie) | set(ind.doel))
        points = tuple((y, ind.realisatie.get(y), ind.doel.get(y, ("", None))[1]) for y in years)
        if any(r is not None or d is not None for _, r, d in points):
            result.append((ind.label, ind.eenheid, points))
    return tuple(result)


def alt_text(series: Sequence[Series]) -> str:
    """The chart in words, for screen readers and as the DOCX picture description."""
    parts = ["Staafdiagram van realisatie en doel per jaar."]
    for label, unit, points in series:
        real = [f"{y}: {format_value(r, unit)}" for y, r, _ in points if r is not None]  # type: ignore[arg-type]
        doel = [f"{y}: {format_value(d, unit)}" for y, _, d in points if d is not None]  # type: ignore[arg-type]
        text = f"{label}: realisatie {', '.join(real) if real else 'geen'}"
        text += f"; doel {', '.join(doel) if doel else 'geen'}."
        parts.append(text)
    return " ".join(parts)


def indicator_figure(
    inds: Sequence[Indicator], name: str, caption: str = "Realisatie en doel per jaar"
) -> Figure | None:
    """The chart of a section's indicators, or None when there is nothing to draw."""
    series = chart_series(inds)
    if not series:
        return None
    svg, png = _draw(series)
    return Figure(name=name, caption=caption, alt=alt_text(series), svg=svg, png=png)


@lru_cache(maxsize=64)
def _draw(series: tuple[Series, ...]) -> tuple[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    columns = min(len(series), 3)
    rows = math.ceil(len(series) / columns)
    with matplotlib.rc_context(
        {
            "svg.hashsalt": HASHSALT,
            "svg.fonttype": "none",
            "font.size": 8,
            "font.family": "DejaVu Sans",
        }
    ):
        fig = MplFigure(figsize=(7.2, 2.3 * rows + 0.5), layout="constrained")
        axes = fig.subplots(rows, columns, squeeze=False).flatten()
        for ax, (label, unit, points) in zip(axes, series, strict=False):
            xs = range(len(points))
            real = [math.nan if r is None else r for _, r, _ in points]
            doel = [math.nan if d is None else d for _, _, d in points]
            ax.bar([x - 0.2 for x in xs], real, 0.4, color=COLOURS["realisatie"])
            ax.bar(
                [x + 0.2 for x in xs],
                doel,
                0.4,
                color="white",
                edgecolor=COLOURS["doel"],
                hatch="///",
                linewidth=1.2,
            )
            ax.set_xticks(list(xs), [str(y) for y, _, _ in points])
            ax.yaxis.set_major_locator(MaxNLocator(5, integer=unit != "percentage"))
            ax.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _pos, unit=unit: format_value(v, unit))
            )
            ax.set_title("\n".join(textwrap.wrap(label, 32)), fontsize=8)
            ax.spines[["top", "right"]].set_visible(False)
        for ax in axes[len(series) :]:
            ax.set_visible(False)
        handles = []
        if any(r is not None for _, _, points in series for _, r, _ in points):
            handles.append(Patch(color=COLOURS["realisatie"], label="Realisatie"))
        if any(d is not None for _, _, points in series for _, _, d in points):
            handles.append(
                Patch(facecolor="white", edgecolor=COLOURS["doel"], hatch="///", label="Doel")
            )
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        svg = io.StringIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    return svg.getvalue(), png.getvalue()
