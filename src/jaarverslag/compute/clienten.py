"""Turns validated ``clienten`` records into the participatieladder tables and prestatieafspraken.

:func:`ladder` counts (vectorised, in :mod:`.ladder`), applies the privacy rule and returns a
:class:`LadderResult`: model tables in document order plus the prestatieafspraken as data;
:func:`prestatie_zinnen` writes the Dutch sentences for the prose.

Privacy (``min_celgrootte`` = N; 0 or 1 turns it off):

* A count from 1 to N−1 is printed as ``<N`` (primary suppression); 0 stays 0. Totals follow
  the same rule. The raw number stays in ``Cell.value``; every output prints ``suppressed``.
* Secondary suppression: where a row or column with a total would show exactly one hidden
  cell, the hidden value could be recovered by subtraction. The smallest other non-zero cell of
  that line (detail cells before totals) is then hidden as well, marked ``x``, until no line
  has exactly one hidden cell.
* A percentage is hidden (``x``) when its numerator or its denominator count is hidden, so a
  row percentage can never give a hidden count back; "gehaald" of a prestatieafspraak is hidden
  with its realisatie. ``x`` rather than ``<N`` because ``<5`` in a percentage column would read
  as "less than 5%"; ``-`` stays reserved for "no data".
* Limitations: suppression is per table. Combining tables (treden per peildatum against the
  age or category table, beweging against stijgers) may narrow a hidden count. The teller and
  noemer of a prestatieafspraak are shown even when their difference (e.g. the number of
  dalers from trede 3 and 4) is below N, because that share is the point of the afspraak.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..model import Cell, Column, Row, RowKind, Table
from .ladder import (
    CATEGORIEEN,
    DEFAULT_AFSPRAKEN,
    SECUNDAIR,
    TREDEN,
    LadderCounts,
    Pos,
    Prestatieafspraak,
    Privacy,
    count,
    datum_lang,
    margin_lines,
    measure_afspraken,
    stijgers_gelijk_dalers,
)
from .ladder_uitkomsten import (
    afspraken_table,
    count_cell,
    pct_cell,
    pct_marks,
    uitstroom_table,
    zin,
)

__all__ = [
    "DEFAULT_AFSPRAKEN",
    "SECUNDAIR",
    "LadderResult",
    "Prestatieafspraak",
    "datum_lang",
    "ladder",
    "prestatie_zinnen",
]

#: Meaning of each categorie (seed 004, tabel 3), grouped by unit.
CATEGORIE_BETEKENIS: dict[str, str] = {
    "1A": "bemiddelbaar binnen 0-3 maanden",
    "1B": "bemiddelbaar binnen 4-12 maanden",
    "1C": "bemiddelbaar binnen 12-24 maanden (met multi-problematiek)",
    "2A": "bemiddelbaar binnen 24-48 maanden (participatieconsulenten)",
    "2B": "bemiddelbaar binnen 24-48 maanden (Banenafspraak en Beschut Werk)",
    "3A": "bemiddelbaar binnen 48 maanden of langer (vrijwilligerswerk of tegenprestatie)",
    "3B": "bemiddelbaar binnen 48 maanden of langer (maatwerktraject, ontheffing)",
}
UNITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Re-integratie", ("1A", "1B", "1C")),
    ("Participatie", ("2A", "2B", "3A", "3B")),
)

LEEFTIJD_LABELS = ("< 27 jaar", "27 – 44 jaar", "≥ 45 jaar", "Leeftijd onbekend")


@dataclass(frozen=True)
class LadderResult:
    """The participatieladder of one client file: tables in document order, afspraken as data."""

    tables: tuple[Table, ...]
    prestatieafspraken: tuple[Prestatieafspraak, ...]
    peildata: tuple[date, ...]
    min_celgrootte: int
    opmerkingen: tuple[str, ...] = ()

    def table(self, name: str) -> Table:
        """Return the table called ``name`` (KeyError when it was not made)."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)


def ladder(
    frame: pd.DataFrame,
    *,
    min_celgrootte: int = 5,
    afspraken: Mapping[str, float] | None = None,
) -> LadderResult:
    """Compute every participatieladder table from validated client records.

    Tables, in document order (``Table.name``): ``ladder_treden``, ``ladder_beweging``,
    ``ladder_beweging_pct``, ``ladder_stijgers`` (these three only with two or more
    peildata; ``opmerkingen`` says so otherwise), ``ladder_leeftijd`` (only with a
    ``leeftijd`` column), ``ladder_categorie`` (only with ``categorie``), ``ladder_uitstroom``,
    ``ladder_prestatieafspraken``.

    Definitions. Movement compares the first and the last peildatum over the clients present
    at both; a client at the first but not the last is uitgestroomd, at the last but not the
    first ingestroomd, at neither only tussentijds (own row with three or more peildata). Age
    groups use ``leeftijd < 27``, ``27 <= leeftijd < 45``, ``>= 45``; an unknown age gets its own
    row and an unknown groeipotentieel its own column ("Groeipotentieel onbekend"), each shown
    only when it occurs, so Aantal = met + zonder (+ onbekend) always holds. ``afspraken``
    overrides the targets in :data:`DEFAULT_AFSPRAKEN` by key; an unknown key is a ValueError.
    """
    if min_celgrootte < 0:
        raise ValueError("min_celgrootte must be 0 or more")
    unknown = set(afspraken or {}) - set(DEFAULT_AFSPRAKEN)
    if unknown:
        known = ", ".join(DEFAULT_AFSPRAKEN)
        raise ValueError(f"unknown prestatieafspraak {sorted(unknown)}; known: {known}")
    norms = {**DEFAULT_AFSPRAKEN, **(afspraken or {})}
    privacy = Privacy(min_celgrootte)
    counts = count(frame)

    tables = [_treden_table(counts, privacy)]
    opmerkingen: list[str] = []
    if counts.beweging is None:
        opmerkingen.append(
            "Er is maar één peildatum; beweging op de ladder (stijgers, dalers) is niet te bepalen."
        )
    else:
        tables += _beweging_tables(counts, privacy)
        tables.append(_stijgers_table(counts, privacy))
    if counts.leeftijd is not None:
        tables.append(_leeftijd_table(counts, privacy))
    if counts.categorie is not None:
        tables.append(_categorie_table(counts, privacy))
    tables.append(uitstroom_table(counts, privacy))
    measured = measure_afspraken(counts, norms, privacy)
    tables.append(afspraken_table(measured, privacy))
    return LadderResult(
        tuple(tables), measured, counts.peildata, min_celgrootte, tuple(opmerkingen)
    )


def prestatie_zinnen(result: LadderResult) -> list[str]:
    """Return one Dutch sentence per prestatieafspraak, honouring suppression.

    E.g. ``Behoud trede 3 en 4: gehaald (400 van de 402 cliënten, 99,5%; norm 95%).``
    """
    privacy = Privacy(result.min_celgrootte)
    return [zin(a, privacy) for a in result.prestatieafspraken]


# --- cells and tables -----------------------------------------------------------------------------


def _trede_labels() -> list[str]:
    return [f"{i} {naam}" for i, naam in enumerate(TREDEN, start=1)]


def _treden_table(counts: LadderCounts, privacy: Privacy) -> Table:
    grid = np.vstack([counts.treden, counts.treden.sum(axis=0, keepdims=True)])
    lines, totals = margin_lines(grid.shape, total_row=6, total_col=None)
    marks = privacy.marks(grid, lines, totals)
    labels = [*_trede_labels(), "Totaal"]
    rows = tuple(
        Row(
            labels[r],
            tuple(count_cell(grid[r, c], marks[r, c]) for c in range(grid.shape[1])),
            "totaal" if r == 6 else "post",
        )
        for r in range(7)
    )
    columns = tuple(Column(datum_lang(d), d.isoformat()) for d in counts.peildata)
    return Table(
        "ladder_treden",
        "Cliënten per trede van de participatieladder",
        "Trede",
        columns,
        rows,
        privacy.footnotes(marks),
        "Aantal cliënten per peildatum",
    )


def _beweging_tables(counts: LadderCounts, privacy: Privacy) -> list[Table]:
    assert counts.beweging is not None
    m = counts.beweging
    grid = np.zeros((7, 7), dtype=np.int64)
    grid[:6, :6] = m
    grid[:6, 6] = m.sum(axis=1)
    grid[6, :] = grid[:6, :].sum(axis=0)
    lines, totals = margin_lines(grid.shape, total_row=6, total_col=6)
    marks = privacy.marks(grid, lines, totals)
    denominators = np.repeat(grid[:, 6:7], 7, axis=1)
    pmarks = pct_marks(marks, np.repeat(marks[:, 6:7], 7, axis=1))
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    labels = [*_trede_labels(), "Totaal"]
    columns = (*(Column(str(j), f"naar_{j}") for j in range(1, 7)), Column("Totaal", "totaal"))
    note = (
        f"Rijen: trede op {first}; kolommen: trede op {last}. "
        "Alleen cliënten die op beide peildata voorkomen."
    )

    def rows(make: Callable[[int, int], Cell]) -> tuple[Row, ...]:
        return tuple(
            Row(labels[r], tuple(make(r, c) for c in range(7)), "totaal" if r == 6 else "post")
            for r in range(7)
        )

    aantallen = Table(
        "ladder_beweging",
        f"Beweging op de participatieladder van {first} tot {last}",
        f"Trede op {first}",
        columns,
        rows(lambda r, c: count_cell(grid[r, c], marks[r, c])),
        privacy.footnotes(marks),
        note + " Aantal cliënten.",
    )
    procenten = Table(
        "ladder_beweging_pct",
        f"Beweging op de participatieladder van {first} tot {last} (rijpercentages)",
        f"Trede op {first}",
        columns,
        rows(lambda r, c: pct_cell(grid[r, c], denominators[r, c], pmarks[r, c] is not None)),
        privacy.footnotes(pmarks),
        note + " Percentage van het aantal cliënten met dezelfde trede op de eerste peildatum.",
    )
    return [aantallen, procenten]


def _stijgers_table(counts: LadderCounts, privacy: Privacy) -> Table:
    assert counts.beweging is not None
    per_trede = stijgers_gelijk_dalers(counts.beweging)
    grid = np.zeros((7, 4), dtype=np.int64)
    grid[:6, :3] = per_trede
    grid[:6, 3] = per_trede.sum(axis=1)
    grid[6, :] = grid[:6, :].sum(axis=0)
    lines, totals = margin_lines(grid.shape, total_row=6, total_col=3)
    marks = privacy.marks(grid, lines, totals)
    pmarks = pct_marks(marks[:, :3], np.repeat(marks[:, 3:4], 3, axis=1))
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    labels = [*_trede_labels(), "Totaal"]
    rows = tuple(
        Row(
            labels[r],
            (
                *(count_cell(grid[r, c], marks[r, c]) for c in range(4)),
                *(pct_cell(grid[r, c], grid[r, 3], pmarks[r, c] is not None) for c in range(3)),
            ),
            "totaal" if r == 6 else "post",
        )
        for r in range(7)
    )
    columns = (
        Column("Stijgers", "stijgers"),
        Column("Gelijk", "gelijk"),
        Column("Dalers", "dalers"),
        Column("Totaal", "totaal"),
        Column("% stijgers", "pct_stijgers"),
        Column("% gelijk", "pct_gelijk"),
        Column("% dalers", "pct_dalers"),
    )
    return Table(
        "ladder_stijgers",
        f"Stijgers, gelijk gebleven en dalers van {first} tot {last}",
        f"Trede op {first}",
        columns,
        rows,
        privacy.footnotes(marks, pmarks),
        "Cliënten die op beide peildata voorkomen; percentages van het totaal van de rij.",
    )


def _leeftijd_table(counts: LadderCounts, privacy: Privacy) -> Table:
    assert counts.leeftijd is not None
    by_age = counts.leeftijd  # (4, 3): age group × ja / nee / onbekend
    row_ids = [0, 1, 2] + ([3] if by_age[3].sum() else [])
    col_ids = [1, 2] + ([3] if by_age[:, 2].sum() else []) if counts.heeft_groeipotentieel else []
    full = np.zeros((5, 4), dtype=np.int64)  # rows + Totaal; columns Aantal, ja, nee, onbekend
    full[:4, 1:] = by_age
    full[:4, 0] = by_age.sum(axis=1)
    full[4, :] = full[:4, :].sum(axis=0)
    grid = full[np.ix_([*row_ids, 4], [0, *col_ids])]
    total_row = grid.shape[0] - 1
    lines, totals = margin_lines(grid.shape, total_row=total_row, total_col=0)
    marks = privacy.marks(grid, lines, totals)
    labels = [*(LEEFTIJD_LABELS[i] for i in row_ids), "Totaal"]
    rows = tuple(
        Row(
            labels[r],
            tuple(count_cell(grid[r, c], marks[r, c]) for c in range(grid.shape[1])),
            "totaal" if r == total_row else "post",
        )
        for r in range(grid.shape[0])
    )
    all_columns = (
        Column("Aantal cliënten", "aantal"),
        Column("Waarvan met groeipotentieel", "met_groeipotentieel"),
        Column("Waarvan zonder groeipotentieel", "zonder_groeipotentieel"),
        Column("Groeipotentieel onbekend", "groeipotentieel_onbekend"),
    )
    return Table(
        "ladder_leeftijd",
        f"Cliënten naar leeftijd en groeipotentieel op {datum_lang(counts.peildata[-1])}",
        "Leeftijdscategorie",
        tuple(all_columns[c] for c in [0, *col_ids]),
        rows,
        privacy.footnotes(marks),
        "Leeftijd in hele jaren op de peildatum.",
    )


def _categorie_table(counts: LadderCounts, privacy: Privacy) -> Table:
    assert counts.categorie is not None
    per_cat = dict(zip(CATEGORIEEN, counts.categorie[:7].tolist(), strict=True))
    onbekend = int(counts.categorie[7])
    total = int(counts.categorie.sum())
    # Layout: (label, value, kind); group rows carry no value.
    layout: list[tuple[str, int | None, RowKind]] = []
    lines: list[list[Pos]] = []
    subtotal_rows: list[int] = []
    for unit, cats in UNITS:
        layout.append((f"Unit {unit}", None, "groep"))
        members = []
        for cat in cats:
            members.append(len(layout))
            layout.append((f"{cat}: {CATEGORIE_BETEKENIS[cat]}", per_cat[cat], "post"))
        subtotal_rows.append(len(layout))
        layout.append((f"Subtotaal {unit}", sum(per_cat[c] for c in cats), "subtotaal"))
        lines.append([(i, 0) for i in [*members, subtotal_rows[-1]]])
    top = list(subtotal_rows)
    if onbekend:
        top.append(len(layout))
        layout.append(("Categorie onbekend", onbekend, "post"))
    top.append(len(layout))
    layout.append(("Totaal", total, "totaal"))
    lines.append([(i, 0) for i in top])
    grid = np.array([[v or 0] for _, v, _ in layout], dtype=np.int64)
    is_total = np.array([[k != "post"] for _, _, k in layout])
    marks = privacy.marks(grid, lines, is_total)
    total_mark = marks[len(layout) - 1, 0]
    pmarks = pct_marks(marks, np.full(marks.shape, total_mark, dtype=object))
    rows = tuple(
        Row(label, (), "groep")
        if kind == "groep"
        else Row(
            label,
            (
                count_cell(grid[i, 0], marks[i, 0]),
                pct_cell(grid[i, 0], total, pmarks[i, 0] is not None),
            ),
            kind,
        )
        for i, (label, _, kind) in enumerate(layout)
    )
    return Table(
        "ladder_categorie",
        f"Cliënten naar categorie op {datum_lang(counts.peildata[-1])}",
        "Categorie (afstand tot de arbeidsmarkt)",
        (Column("Aantal cliënten", "aantal"), Column("Percentage van totaal", "percentage")),
        rows,
        privacy.footnotes(marks, pmarks),
    )
