"""Turns validated ``clienten`` records into the participatieladder tables and prestatieafspraken.

:func:`ladder` counts (vectorised, :mod:`.ladder`), lays every table out as sums of one set of
underlying counts (:mod:`.ladder_tabellen`), lets the privacy audit decide what may be printed
(:mod:`.suppression`) and renders the tables, the prestatieafspraken sentences and, for
``check``, what was hidden and why (:mod:`.ladder_uitkomsten`).

Privacy (``min_celgrootte`` = N; 0 or 1 turns it off), the promise of the README: for every
count from 1 to N − 1, a reader who knows every printed figure — all tables, totals,
percentages, prestatieafspraken and sentences, in every format and in the open data — and how
the tool suppresses can still not rule out any value from 1 to N − 1. Every hidden count and
every percentage or verdict computed from one prints :data:`MARK`; a zero prints 0.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from jaarverslag.compute.ladder import (
    DEFAULT_AFSPRAKEN,
    Prestatieafspraak,
    count,
    datum_lang,
    measure_afspraken,
)
from jaarverslag.compute.ladder_layout import GRAND, Count, Expr, Layout, Share, Verdict, unit_ids
from jaarverslag.compute.ladder_tabellen import build_layout
from jaarverslag.compute.ladder_uitkomsten import MARK, Rendered, privacy_notes, render
from jaarverslag.compute.suppression import Decision, Occurrence, Publication, protect
from jaarverslag.core.errors import Problem
from jaarverslag.core.model import BlockResult, Items, Table
from jaarverslag.inputs.folder import Inputs

__all__ = [
    "DEFAULT_AFSPRAKEN",
    "MARK",
    "LadderResult",
    "Prestatieafspraak",
    "datum_lang",
    "ladder",
    "prestatie_zinnen",
    "privacy_problems",
]

#: Cost of leaving out a row or a table, per cell it holds; hiding a count costs 1 to 6.
WITHHOLD_PER_CELL = 25


@dataclass(frozen=True)
class LadderResult:
    """The participatieladder of one client file: printable tables in document order, the
    prestatieafspraken as data and as sentences, and what privacy hid (``privacy``)."""

    tables: tuple[Table, ...]
    prestatieafspraken: tuple[Prestatieafspraak, ...]
    peildata: tuple[date, ...]
    min_celgrootte: int
    opmerkingen: tuple[str, ...] = ()
    zinnen: tuple[str, ...] = ()
    privacy: tuple[tuple[str, str], ...] = ()  #: (table name, what was hidden and why)
    audit_seconds: float = 0.0
    audit_solves: int = 0  #: integer programs the audit ran

    def table(self, name: str) -> Table:
        """Return the table called ``name`` (KeyError when it was not made or left out)."""
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
    ``ladder_prestatieafspraken``; a table privacy leaves out is named in ``opmerkingen``.

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
    counts = count(frame)
    measured = measure_afspraken(counts, norms)
    layout = build_layout(counts, measured)

    started = time.perf_counter()
    pub, figures = publication(layout, min_celgrootte)
    decision = protect(pub)
    seconds = time.perf_counter() - started

    rendered: Rendered = render(layout, figures, decision, min_celgrootte, measured)
    opmerkingen: list[str] = []
    if counts.beweging is None:
        opmerkingen.append(
            "Er is maar één peildatum; beweging op de ladder (stijgers, dalers) is niet te bepalen."
        )
    opmerkingen += rendered.opmerkingen
    return LadderResult(
        rendered.tables,
        measured,
        counts.peildata,
        min_celgrootte,
        tuple(opmerkingen),
        rendered.zinnen,
        privacy_notes(layout, figures, decision, min_celgrootte),
        seconds,
        decision.solves,
    )


def prestatie_zinnen(result: LadderResult) -> list[str]:
    """One Dutch sentence per prestatieafspraak, printing exactly what its table row prints.

    E.g. ``Behoud trede 3 en 4: gehaald (400 van de 402 cliënten, 99,5%; norm 95%).``
    """
    return list(result.zinnen)


def privacy_problems(result: LadderResult, file: str) -> list[Problem]:
    """What privacy hid and why, per table, as warnings for ``check`` and ``build``."""
    return [Problem(file, None, name, text, "warning") for name, text in result.privacy]


def publication(layout: Layout, n: int) -> tuple[Publication, list[Expr]]:
    """The audit's view of the layout: distinct figures, where each is printed, what hiding
    it costs (its role, plus every percentage and verdict that goes with it)."""
    index: dict[Expr, int] = {}
    figures: list[Expr] = []
    costs: list[float] = []

    def figure(e: Expr) -> int:
        if e not in index:
            index[e] = len(figures)
            figures.append(e)
            costs.append(0.0)
        return index[e]

    occurrences: list[Occurrence] = []
    unit_costs = [0.0] * sum(1 + len(t.rows) for t in layout.tables)
    existence: list[tuple[int, int]] = []
    for table, (table_unit, row_units) in zip(layout.tables, unit_ids(layout.tables), strict=True):
        for row, row_unit in zip(table.rows, row_units, strict=True):
            unit_costs[row_unit] = WITHHOLD_PER_CELL * max(len(row.cells), 1)
            for spec in row.cells:
                if isinstance(spec, Count):
                    f = figure(spec.expr)
                    occurrences.append(Occurrence(f, (row_unit, table_unit)))
                    costs[f] += spec.role
                elif isinstance(spec, Share | Verdict):
                    for e in (spec.num, spec.den):
                        costs[figure(e)] += 1
        cells = sum(len(row.cells) for row in table.rows)
        unit_costs[table_unit] = WITHHOLD_PER_CELL * (cells + GRAND)
        existence += [(figure(e), table_unit) for e in table.existence]
    pub = Publication(
        layout.values,
        tuple(figures),
        tuple(occurrences),
        tuple(costs),
        tuple(unit_costs),
        tuple(existence),
        layout.relations,
        n,
    )
    return pub, figures


def decide(layout: Layout, n: int) -> tuple[Decision, list[Expr]]:
    """The audit's decision for a layout (for tests and the benchmark)."""
    pub, figures = publication(layout, n)
    return protect(pub), figures


def ladder_block(inputs: Inputs) -> BlockResult:
    """The participatieladder: its sentences, its tables, and what privacy hid (warnings)."""
    config = inputs.config
    result = ladder(
        inputs.frames["clienten"],
        min_celgrootte=config.min_celgrootte,
        afspraken=config.prestatieafspraken,
    )
    sentences = Items("prestaties", (*result.opmerkingen, *prestatie_zinnen(result)))
    problems = privacy_problems(result, inputs.display("clienten"))
    return BlockResult((sentences, *result.tables), tuple(problems))
