"""Turns the participatieladder's outcome facts into cells, tables and sentences: in- and
uitstroom, the prestatieafspraken, and the count and percentage cells every ladder table uses.

Split from :mod:`jaarverslag.compute.clienten`, which holds the privacy policy these follow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model import Cell, Column, Row, Table
from ..numbers import format_cell, format_percentage
from .ladder import SECUNDAIR, Grid, LadderCounts, Prestatieafspraak, Privacy, datum_lang


def count_cell(value: int, mark: str | None) -> Cell:
    """A count as printed: the raw value kept, ``mark`` printed instead when hidden."""
    return Cell(int(value), "aantal", suppressed=mark)


def pct_cell(numerator: int, denominator: int, hidden: bool) -> Cell:
    """A share in percent, exact; hidden (``x``) when either count is hidden."""
    if denominator == 0:
        return Cell(None, "percentage", decimals=1)
    value = int(numerator) * 100 / int(denominator)
    return Cell(value, "percentage", decimals=1, suppressed=SECUNDAIR if hidden else None)


def pct_marks(marks: Grid, denominators: Grid) -> Grid:
    """Percent marks: hidden where the count or its denominator is hidden."""
    hidden = marks.astype(bool) | denominators.astype(bool)  # None is falsy, a mark is not
    return np.where(hidden, SECUNDAIR, None)


def uitstroom_table(counts: LadderCounts, privacy: Privacy) -> Table:
    """In- and uitstroom over all distinct clients, and uitstroom naar werk."""
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    parts: list[tuple[str, int]] = []
    if len(counts.peildata) > 1:
        parts = [
            (f"Op {first} en op {last}", counts.beide),
            (f"Uitgestroomd: wel op {first}, niet op {last}", counts.uitgestroomd),
            (f"Ingestroomd: niet op {first}, wel op {last}", counts.ingestroomd),
        ]
        if len(counts.peildata) > 2:
            parts.append(("Alleen op tussenliggende peildata", counts.tussentijds))
    values = [v for _, v in parts] + [counts.clienten]
    grid = np.array([[v] for v in values], dtype=np.int64)
    is_total = np.zeros(grid.shape, dtype=bool)
    is_total[-1, 0] = True
    marks = privacy.marks(grid, [[(i, 0) for i in range(len(values))]], is_total)
    total_mark = marks[-1, 0]
    rows = [
        Row(
            label,
            (
                count_cell(values[i], marks[i, 0]),
                pct_cell(values[i], counts.clienten, (marks[i, 0] or total_mark) is not None),
            ),
            "totaal" if i == len(values) - 1 else "post",
        )
        for i, label in enumerate([*(label for label, _ in parts), "Totaal unieke cliënten"])
    ]
    werk_marks = None
    if counts.werk is not None:
        werk_mark = privacy.mark_of(counts.werk)
        werk_marks = np.array([[werk_mark]], dtype=object)
        rows.append(
            Row(
                "Uitgestroomd naar werk (op enige peildatum)",
                (
                    count_cell(counts.werk, werk_mark),
                    pct_cell(counts.werk, counts.clienten, (werk_mark or total_mark) is not None),
                ),
            )
        )
    extra = () if werk_marks is None else (werk_marks,)
    return Table(
        "ladder_uitstroom",
        "In- en uitstroom van cliënten",
        "Cliënten",
        (Column("Aantal", "aantal"), Column("Percentage van alle unieke cliënten", "percentage")),
        tuple(rows),
        privacy.footnotes(marks, *extra),
        "Unieke cliënten over alle peildata.",
    )


def _afspraak_cells(a: Prestatieafspraak, privacy: Privacy) -> tuple[Cell, ...]:
    """Norm, teller, noemer, realisatie, gehaald, noemer description: as table and prose print."""

    def counted(v: int | None) -> Cell:
        if v is None:
            return Cell(None)
        return count_cell(v, privacy.mark_of(v))

    hidden = SECUNDAIR if a.onderdrukt and a.realisatie is not None else None
    verdict = None if a.gehaald is None else ("ja" if a.gehaald else "nee")
    return (
        Cell(a.norm, "percentage"),
        counted(a.teller),
        counted(a.noemer),
        Cell(a.realisatie, "percentage", decimals=1, suppressed=hidden),
        Cell(verdict, "tekst", suppressed=hidden),
        Cell(a.noemer_omschrijving, "tekst"),
    )


def afspraken_table(afspraken: Sequence[Prestatieafspraak], privacy: Privacy) -> Table:
    """One row per prestatieafspraak: norm, teller, noemer, realisatie, gehaald."""
    rows = tuple(Row(a.omschrijving, _afspraak_cells(a, privacy)) for a in afspraken)
    columns = (
        Column("Norm", "norm"),
        Column("Teller", "teller"),
        Column("Noemer", "noemer"),
        Column("Realisatie", "realisatie"),
        Column("Gehaald", "gehaald", numeric=False),
        Column("Noemer bestaat uit", "noemer_omschrijving", numeric=False),
    )
    marks = np.array([[c.suppressed for r in rows for c in r.cells]], dtype=object)
    return Table(
        "ladder_prestatieafspraken",
        "Prestatieafspraken participatieladder",
        "Prestatieafspraak",
        columns,
        rows,
        privacy.footnotes(marks),
        "Realisatie = teller / noemer; gehaald wanneer de realisatie ten minste de norm is.",
    )


def zin(a: Prestatieafspraak, privacy: Privacy) -> str:
    """The Dutch sentence for one afspraak, printing exactly what its table row prints."""
    _, teller, noemer, realisatie, _, _ = _afspraak_cells(a, privacy)
    norm = format_percentage(a.norm)
    if a.realisatie is None:
        return f"{a.naam}: niet te bepalen, want {a.toelichting} (norm {norm})."
    aantal = f"{format_cell(teller)} van de {format_cell(noemer)} cliënten"
    if a.onderdrukt:
        return (
            f"{a.naam}: niet getoond, want het gaat om minder dan {privacy.n} cliënten "
            f"({aantal}; norm {norm})."
        )
    verdict = "gehaald" if a.gehaald else "niet gehaald"
    return f"{a.naam}: {verdict} ({aantal}, {format_cell(realisatie)}; norm {norm})."
