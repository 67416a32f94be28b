"""Block ``vergelijking``: a gemeente's lasten and baten per inwoner beside those of the others.

Per post (matched by code) the amount of the report column — the begroting of the year in a
begroting, the realisatie in a jaarverslag — divided by the inwoners of ``gemeenten.csv``; for
this gemeente the median of its grootteklasse and of all gemeenten, Nederland's own figure
(its total per inwoner) and its place in its class, highest first (``plaats 14 van 45``). A
gemeente without a grootteklasse is compared with all gemeenten only, and the text says so.

The national figures are worked out once per reeks (:mod:`.vergelijking_cijfers`), vectorised
over every gemeente; a document only looks up its own row. Every figure per inwoner is printed
with cents (never more decimals), and the words beside two figures (*hoger*, *lager*, *gelijk
aan*) are decided on the figures as printed, so they never contradict them: two medians that
print € 34,87 are *gelijk*, whatever the third decimal.
"""

from __future__ import annotations

from jaarverslag.compute.bedragen import blank_cells
from jaarverslag.compute.vergelijking_cijfers import (
    SOORTEN,
    Comparison,
    Figure,
    comparison,
    figures_of,
    number,
)
from jaarverslag.compute.vergelijking_tekst import chart, sentence
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import BlockResult, Cell, Column, Row, Table, Text
from jaarverslag.core.numbers import MONEY_DECIMALS, format_number
from jaarverslag.core.slugs import unique_slugs
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.reeks import Gemeente, Reeks, key

#: Euros per inwoner are printed with cents, never more.
MIN_DECIMALS = MONEY_DECIMALS
#: The unit of the figures, as the open data names it (``…_lasten_euro_per_inwoner``).
PER_INWONER = "euro_per_inwoner"


def vergelijking_block(inputs: Inputs) -> BlockResult:
    """The comparison of this gemeente: a table, one sentence per post, a chart per post."""
    reeks, gemeente = inputs.reeks, inputs.gemeente
    if reeks is None or gemeente is None or "kosten" not in reeks.files:
        message = "blok 'vergelijking' hoort bij een reeks: kosten.csv met een kolom gemeente"
        return BlockResult((), (Problem(inputs.display_yaml, None, "secties", message),))
    config = inputs.config
    data = comparison(reeks, config.soort, config.jaar, config.bedragen_in)
    mine = key(gemeente.naam)
    klasse = gemeente.grootteklasse
    figures = figures_of(data, mine, klasse)
    decimals = MIN_DECIMALS
    table = _table(data, figures, gemeente, decimals)
    lines: list[str] = []
    if klasse is None:
        lines.append(
            f"Voor {gemeente.naam} is geen grootteklasse bekend: de vergelijking is alleen met "
            "alle gemeenten."
        )
    lines += [
        sentence(post, [f for f in figures if f.post == post], gemeente, decimals)
        for post in data.posts
    ]
    charts = tuple(
        chart(
            f"vergelijking-{number}",
            post,
            [f for f in figures if f.post == post],
            gemeente,
            decimals,
            data.kolom,
        )
        for number, post in enumerate(data.posts, start=1)
    )
    return BlockResult((table, Text("conclusie", tuple(lines)), *charts))


def _table(data: Comparison, figures: list[Figure], gemeente: Gemeente, decimals: int) -> Table:
    klasse = gemeente.grootteklasse
    columns = [Column(gemeente.naam, "gemeente", unit=PER_INWONER)]
    if klasse is not None:
        columns.append(Column(f"Mediaan {klasse}", "mediaan_grootteklasse", unit=PER_INWONER))
    columns += [
        Column("Mediaan alle gemeenten", "mediaan_alle_gemeenten", unit=PER_INWONER),
        Column("Nederland", "nederland", unit=PER_INWONER),
        Column(
            "Plaats in grootteklasse" if klasse is not None else "Plaats in Nederland",
            "plaats",
            numeric=False,
        ),
    ]
    rows: list[Row] = []
    for soort, label in SOORTEN:
        mine = [f for f in figures if f.soort == soort]
        if not mine:
            continue
        rows.append(Row(label, blank_cells(len(columns)), kind="groep"))
        for f in mine:
            cells = [_euro(f.value, decimals)]
            if klasse is not None:
                cells.append(_euro(f.mediaan_klasse, decimals))
            cells += [
                _euro(f.mediaan, decimals),
                _euro(f.nederland, decimals),
                Cell(place_text(f.place, f.size), "tekst"),
            ]
            rows.append(Row(f.post, tuple(cells)))
    return Table(
        name="vergelijking",
        caption=f"Lasten en baten per inwoner vergeleken ({data.kolom})",
        stub="Post",
        columns=tuple(columns),
        rows=tuple(rows),
        note="(€ per inwoner; plaats: hoogste eerst)",
    )


def _euro(value: float | None, decimals: int) -> Cell:
    return Cell(value, "euro", decimals=decimals)


def place_text(place: int | None, size: int) -> str | None:
    """``14 van 45``; None (printed ``-``, empty in the open data) without data."""
    if place is None:
        return None
    return f"{format_number(place)} van {format_number(size)}"


def overview_table(data: Comparison, reeks: Reeks) -> Table:
    """Every gemeente of the reeks in one table (the index page and ``tabellen/overzicht.csv``):
    provincie, grootteklasse, inwoners and each post's lasten and baten per inwoner, then
    Nederland's figures."""
    columns = [
        Column("Provincie", "provincie", numeric=False),
        Column("Grootteklasse", "grootteklasse", numeric=False),
        Column("Inwoners", "aantal_inwoners"),
    ]
    pairs = list(data.pairs)
    keys = _keys(data.posts)
    columns += [
        Column(f"{post}: {soort} per inwoner", f"{keys[post]}_{soort}", unit=PER_INWONER)
        for post, soort in pairs
    ]
    matrix = data.values[pairs].to_numpy(dtype=float)
    rows = [
        Row(
            g.naam,
            (
                Cell(g.provincie, "tekst"),
                Cell(g.grootteklasse, "tekst"),
                Cell(g.inwoners, "aantal"),
                *(_euro(number(v), MIN_DECIMALS) for v in matrix[i]),
            ),
        )
        for i, g in enumerate(reeks.gemeenten)
    ]
    total = reeks.inwoners_nederland[0] if reeks.inwoners_nederland is not None else None
    ned = [number(data.nederland[pair]) for pair in pairs]
    rows.append(
        Row(
            "Nederland",
            (
                Cell(None, "tekst"),
                Cell(None, "tekst"),
                Cell(total if total is not None else sum(g.inwoners or 0 for g in reeks.gemeenten)),
                *(_euro(v, MIN_DECIMALS) for v in ned),
            ),
            kind="totaal",
        )
    )
    return Table(
        name="overzicht",
        caption=f"Lasten en baten per inwoner van alle gemeenten ({data.kolom})",
        stub="Gemeente",
        columns=tuple(columns),
        rows=tuple(rows),
        note="(€ per inwoner)",
    )


def _keys(posts: tuple[str, ...]) -> dict[str, str]:
    """Each post as part of an open-data column name, unique: ``6.3 Inkomensregelingen`` →
    ``6_3_inkomensregelingen``."""
    return {p: k.replace("-", "_") for p, k in zip(posts, unique_slugs(posts, "post"), strict=True)}
