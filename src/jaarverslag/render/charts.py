"""Draws a chart (:class:`~jaarverslag.core.model.Chart`, data only): realisatie against target.

One small panel per indicator (their scales differ), grouped bars per year: realisatie solid,
target hatched, in the Okabe-Ito colour-blind-safe palette, Dutch numbers on the axis. The
same chart comes out as SVG (PDF and HTML) and as a 200 dpi PNG (DOCX), byte-identical from
build to build (the alt text that states the data comes with the chart, from
:mod:`jaarverslag.compute.grafiek`). matplotlib is imported only when a chart is drawn, and a
chart is drawn once per distinct content.
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from jaarverslag.core import diskcache
from jaarverslag.core.model import Chart, Series
from jaarverslag.core.numbers import format_value
from jaarverslag.core.version import VERSION

#: Okabe-Ito: blue for realisatie, orange for the target; the hatch tells them apart in grey.
COLOURS = {"realisatie": "#0072B2", "doel": "#E69F00"}
DPI = 200
HASHSALT = "jaarverslag"


def svg(chart: Chart) -> str:
    """The chart as SVG (PDF and HTML)."""
    return _svg(chart.series)


def png(chart: Chart) -> bytes:
    """The chart as a 200 dpi PNG (DOCX)."""
    return _png(chart.series)


@lru_cache(maxsize=64)
def _svg(series: tuple[Series, ...]) -> str:
    def draw() -> bytes:
        out = io.StringIO()
        with _figure(series) as fig:
            fig.savefig(out, format="svg", metadata={"Date": None})
        return out.getvalue().encode()

    return _cached(series, "svg", draw).decode()


@lru_cache(maxsize=64)
def _png(series: tuple[Series, ...]) -> bytes:
    def draw() -> bytes:
        out = io.BytesIO()
        with _figure(series) as fig:
            fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
        return out.getvalue()

    return _cached(series, "png", draw)


#: How each kind of drawing must begin: anything else from the cache is no chart of ours.
STARTS = {"svg": (b"<?xml", b"<svg"), "png": (b"\x89PNG\r\n\x1a\n",)}


def _cached(series: tuple[Series, ...], kind: str, draw: Callable[[], bytes]) -> bytes:
    """Drawing is the slow part (matplotlib's import alone ~0.3 s): an unchanged chart is read
    back instead. The key covers the data, this module's code and the package version; what
    comes back is verified against it (:mod:`jaarverslag.core.diskcache`), else drawn anew."""
    folder = diskcache.folder_of("charts")
    if folder is None:
        return draw()
    key = hashlib.sha256(repr((series, kind, DPI, HASHSALT, VERSION)).encode() + _CODE).hexdigest()
    name = f"{key}.{kind}"
    stored = diskcache.get(folder, key, name)
    if stored is not None and stored.startswith(STARTS[kind]):
        return stored
    data = draw()
    diskcache.put(folder, key, name, data)
    return data


#: Year labels under the charts of one row of the figure, at most (a panel of three: six).
MAX_LABELS = 18

_CODE = Path(__file__).read_bytes()


@contextmanager
def _figure(series: tuple[Series, ...]) -> Iterator[Any]:
    """Draw the chart; the caller saves it in the format it needs."""
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
        has_real = any(r is not None for *_, points in series for _, r, _ in points)
        has_doel = any(d is not None for *_, points in series for _, _, d in points)
        both = has_real and has_doel  # one kind of bar stands centred on its year
        for ax, (label, unit, _, points) in zip(axes, series, strict=False):
            xs = range(len(points))
            real = [math.nan if r is None else r for _, r, _ in points]
            doel = [math.nan if d is None else d for _, _, d in points]
            shift, width = (0.2, 0.4) if both else (0.0, 0.6)
            ax.bar([x - shift for x in xs], real, width, color=COLOURS["realisatie"])
            ax.bar(
                [x + shift for x in xs],
                doel,
                width,
                color="white",
                edgecolor=COLOURS["doel"],
                hatch="///",
                linewidth=1.2,
            )
            # Every year gets a tick; a long series labels every so many years, counted back
            # from the last (the report year always has its label), so labels never run together.
            step = math.ceil(len(points) / max(2, MAX_LABELS // columns))
            last = len(points) - 1
            labels = [
                str(y) if (last - i) % step == 0 else "" for i, (y, _, _) in enumerate(points)
            ]
            ax.set_xticks(list(xs), labels)
            # Every year keeps its place, with or without data: no autoscaling to the bars.
            ax.set_xlim(-0.6, len(points) - 0.4)
            if sum(bool(t) for t in labels) * columns > 9:  # slanted, labels don't run together
                ax.tick_params(axis="x", labelrotation=45)
                for tick in ax.get_xticklabels():
                    tick.set_horizontalalignment("right")
            ax.yaxis.set_major_locator(MaxNLocator(5, integer=unit != "percentage"))
            ax.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _pos, unit=unit: format_value(v, unit))
            )
            ax.set_title("\n".join(textwrap.wrap(label, 32)), fontsize=8)
            ax.spines[["top", "right"]].set_visible(False)
        for ax in axes[len(series) :]:
            ax.set_visible(False)
        handles = []
        if any(r is not None for *_, points in series for _, r, _ in points):
            handles.append(Patch(color=COLOURS["realisatie"], label="Realisatie"))
        if any(d is not None for *_, points in series for _, _, d in points):
            handles.append(
                Patch(facecolor="white", edgecolor=COLOURS["doel"], hatch="///", label="Doel")
            )
        fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        yield fig
