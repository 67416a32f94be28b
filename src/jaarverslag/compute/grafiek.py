"""Turns the indicator facts of a section into a chart as data: what it shows, in words too.

The drawing is the renderer's job (:mod:`jaarverslag.render.charts`); here is what a chart
holds — realisatie and target per year, one panel per indicator — and its Dutch alt text, which
states every value, so a screen reader and the DOCX picture description say what the bars show.
"""

from __future__ import annotations

from collections.abc import Sequence

from jaarverslag.compute.conclusies import Indicator
from jaarverslag.core.model import Chart, Point, Series
from jaarverslag.core.numbers import format_value

CAPTION = "Realisatie en doel per jaar"
#: What a chart shows, in its caption: both, only targets (a begroting), only realisaties.
CAPTIONS = {
    (True, True): CAPTION,
    (False, True): "Doel per jaar",
    (True, False): "Realisatie per jaar",
}
ALT = {
    (True, True): "realisatie en doel per jaar",
    (False, True): "het doel per jaar",
    (True, False): "de realisatie per jaar",
}


def chart_series(inds: Sequence[Indicator]) -> tuple[Series, ...]:
    """The data a chart shows; indicators without any value are left out. Every panel has the
    same years, those of all its indicators, so a year stands in the same place in each."""
    result = []
    years = sorted({y for ind in inds for y in (*ind.realisatie, *ind.doel)})
    for ind in inds:
        points = tuple(
            Point(y, ind.realisatie.get(y), ind.doel.get(y, ("", None))[1]) for y in years
        )
        if any(r is not None or d is not None for _, r, d in points):
            result.append(Series(ind.label, ind.eenheid, ind.decimals, points))
    return tuple(result)


def shows(series: Sequence[Series]) -> tuple[bool, bool]:
    """Whether the chart shows any realisatie, and any target."""
    points = [p for s in series for p in s.points]
    return any(r is not None for _, r, _ in points), any(d is not None for *_, d in points)


def alt_text(series: Sequence[Series]) -> str:
    """The chart in words, for screen readers and as the DOCX picture description."""
    parts = [f"Staafdiagram van {ALT[shows(series)]}."]
    for label, unit, places, points in series:
        real = [f"{y}: {format_value(r, unit, places)}" for y, r, _ in points if r is not None]
        doel = [f"{y}: {format_value(d, unit, places)}" for y, _, d in points if d is not None]
        text = f"{label}: realisatie {', '.join(real) if real else 'geen'}"
        text += f"; doel {', '.join(doel) if doel else 'geen'}."
        parts.append(text)
    return " ".join(parts)


def indicator_chart(
    inds: Sequence[Indicator], name: str, caption: str | None = None
) -> Chart | None:
    """The chart of a section's indicators, or None when there is nothing to draw; its
    caption says what it shows (``Doel per jaar`` for targets only)."""
    series = chart_series(inds)
    if not series:
        return None
    caption = caption if caption is not None else CAPTIONS[shows(series)]
    return Chart(name=name, caption=caption, alt=alt_text(series), series=series)
