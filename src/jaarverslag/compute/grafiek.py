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


def chart_series(inds: Sequence[Indicator]) -> tuple[Series, ...]:
    """The data a chart shows; indicators without any value are left out."""
    result = []
    for ind in inds:
        years = sorted(set(ind.realisatie) | set(ind.doel))
        points = tuple(
            Point(y, ind.realisatie.get(y), ind.doel.get(y, ("", None))[1]) for y in years
        )
        if any(r is not None or d is not None for _, r, d in points):
            result.append(Series(ind.label, ind.eenheid, ind.decimals, points))
    return tuple(result)


def alt_text(series: Sequence[Series]) -> str:
    """The chart in words, for screen readers and as the DOCX picture description."""
    parts = ["Staafdiagram van realisatie en doel per jaar."]
    for label, unit, places, points in series:
        real = [f"{y}: {format_value(r, unit, places)}" for y, r, _ in points if r is not None]
        doel = [f"{y}: {format_value(d, unit, places)}" for y, _, d in points if d is not None]
        text = f"{label}: realisatie {', '.join(real) if real else 'geen'}"
        text += f"; doel {', '.join(doel) if doel else 'geen'}."
        parts.append(text)
    return " ".join(parts)


def indicator_chart(inds: Sequence[Indicator], name: str, caption: str = CAPTION) -> Chart | None:
    """The chart of a section's indicators, or None when there is nothing to draw."""
    series = chart_series(inds)
    if not series:
        return None
    return Chart(name=name, caption=caption, alt=alt_text(series), series=series)
