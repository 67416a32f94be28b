"""Turns the ladder layouts and the privacy decision into printable tables, the
prestatieafspraken sentences, and the notes ``check`` prints about what was hidden and why.

One mark, :data:`MARK`, stands for every hidden figure: a count from 1 to N − 1, a count
hidden to protect one, and a percentage or verdict computed from a hidden count. A reader can
only learn from it that the count is not 0 (a zero always prints as 0); the audit counts on
exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from jaarverslag.compute.afronding import column_decimals, with_rounding_note
from jaarverslag.compute.ladder import Prestatieafspraak
from jaarverslag.compute.ladder_layout import (
    Count,
    Expr,
    Fixed,
    Layout,
    Share,
    Spec,
    TableLayout,
    Verdict,
    unit_ids,
)
from jaarverslag.compute.suppression import Decision
from jaarverslag.core.model import Cell, Row, Table
from jaarverslag.core.numbers import decimals_apart, format_cell, format_percentage

#: The one privacy mark (as in CBS tables: ``x`` = geheim); it cannot read as a digit.
MARK = "x"


def legend(n: int) -> str:
    """The one legend line under a table with a mark."""
    return (
        f"om privacyredenen niet getoond: een aantal van 1 tot en met {n - 1} cliënten, of een "
        "aantal of percentage waaruit zo'n aantal af te leiden zou zijn"
    )


@dataclass(frozen=True)
class Rendered:
    tables: tuple[Table, ...]
    opmerkingen: tuple[str, ...]
    zinnen: tuple[str, ...]


class _View:
    """What the decision means for one figure: hidden, and printed anywhere at all."""

    def __init__(self, layout: Layout, figures: list[Expr], decision: Decision) -> None:
        self.layout = layout
        self.index = {e: i for i, e in enumerate(figures)}
        self.decision = decision
        self.printed: set[int] = set()
        for table, (t_unit, r_units) in zip(layout.tables, unit_ids(layout.tables), strict=True):
            for row, r_unit in zip(table.rows, r_units, strict=True):
                if {t_unit, r_unit} & decision.withheld:
                    continue
                self.printed.update(self.index[s.expr] for s in row.cells if isinstance(s, Count))

    def hidden(self, e: Expr) -> bool:
        return self.index[e] in self.decision.hidden

    def open(self, e: Expr) -> bool:
        """Printed as a figure somewhere, so a percentage of it may be printed too."""
        return self.index[e] in self.printed and not self.hidden(e)

    def cell(self, spec: Spec, start: int = 1) -> Cell:
        """The cell of ``spec``; a percentage with at least ``start`` decimals."""
        if isinstance(spec, Fixed):
            return spec.cell
        if isinstance(spec, Count):
            return Cell(
                self.layout.value(spec.expr),
                "aantal",
                suppressed=MARK if self.hidden(spec.expr) else None,
            )
        num, den = self.layout.value(spec.num), self.layout.value(spec.den)
        hidden = not (self.open(spec.num) and self.open(spec.den))
        if isinstance(spec, Verdict):
            return verdict_cell(num, den, spec.norm, hidden)
        return share_cell(num, den, spec.norm, hidden, start)


def share_cell(
    num: int, den: int, norm: float | None = None, hidden: bool = False, start: int = 1
) -> Cell:
    """``num`` as a percentage of ``den``: one decimal, or beside a norm as many as it takes
    for the printed figure to lie on the same side of the norm as the exact value (1.899 of
    2.000 against 95% prints 94,95%, never 95,0% beside "niet gehaald"); "-" when den is 0."""
    if den == 0:
        return Cell(None, "percentage", decimals=start)
    exact = Fraction(num * 100, den)
    decimals = start if norm is None else decimals_apart(exact, [norm], start)
    return Cell(
        num * 100 / den, "percentage", decimals=decimals, suppressed=MARK if hidden else None
    )


def verdict_cell(num: int, den: int, norm: float, hidden: bool = False) -> Cell:
    """Gehaald (``ja``) when num / den × 100 ≥ norm, decided on exact fractions."""
    if den == 0:
        return Cell(None, "tekst")
    gehaald = Fraction(num * 100, den) >= Fraction(str(norm))
    return Cell("ja" if gehaald else "nee", "tekst", suppressed=MARK if hidden else None)


def render(
    layout: Layout,
    figures: list[Expr],
    decision: Decision,
    n: int,
    afspraken: tuple[Prestatieafspraak, ...],
) -> Rendered:
    """The tables as printed, what was left out (as sentences), and the afspraken sentences."""
    view = _View(layout, figures, decision)
    tables: list[Table] = []
    opmerkingen: list[str] = []
    zinnen: tuple[str, ...] = ()
    units = unit_ids(layout.tables)
    left_out = _left_out_rows(layout, decision)
    kept_rows = {
        table.name: [
            (row, r)
            for row, r in zip(table.rows, r_units, strict=True)
            if row.label not in left_out[table.name]
        ]
        for table, (_, r_units) in zip(layout.tables, units, strict=True)
    }
    gone = {  # left out whole, or every row that holds figures left out
        table.name
        for table, (t_unit, _) in zip(layout.tables, units, strict=True)
        if t_unit in decision.withheld or not any(row.cells for row, _ in kept_rows[table.name])
    }
    if units and len(gone) == len(layout.tables):
        opmerkingen.append(
            "De tabellen van de participatieladder zijn om privacyredenen weggelaten: uit elke "
            f"tabel zou een aantal van 1 tot en met {n - 1} cliënten af te leiden zijn."
        )
    for table, (_, r_units) in zip(layout.tables, units, strict=True):
        kept = kept_rows[table.name]
        printed = None if table.name in gone else _table(table, left_out[table.name], view, n)
        if table.name == "ladder_prestatieafspraken":
            zinnen = _zinnen(afspraken, printed, [r for _, r in kept], r_units)
        if printed is None:
            if len(gone) < len(layout.tables):
                opmerkingen.append(
                    f"De tabel ‘{table.caption}’ is om privacyredenen weggelaten: er zou een "
                    f"aantal van 1 tot en met {n - 1} cliënten uit af te leiden zijn."
                )
            continue
        tables.append(printed)
    return Rendered(tuple(tables), tuple(opmerkingen), zinnen)


def _left_out_rows(layout: Layout, decision: Decision) -> dict[str, set[str]]:
    """Per table, the labels of the rows privacy leaves out (with those of the table of
    counts a table of percentages follows)."""
    out: dict[str, set[str]] = {}
    for table, (_, r_units) in zip(layout.tables, unit_ids(layout.tables), strict=True):
        out[table.name] = {
            row.label for row, r in zip(table.rows, r_units, strict=True) if r in decision.withheld
        }
    for table in layout.tables:
        if table.follows is not None:
            out[table.name] |= out.get(table.follows, set())
    return out


def _table(table: TableLayout, withheld: set[str], view: _View, n: int) -> Table:
    """The printed table: a row privacy leaves out stays in its place with a mark in every
    cell of client figures (so the totals visibly count it, in every format and the open
    data), and the note names it."""
    printed = tuple(
        Row(
            row.label,
            tuple(
                _withheld(view.cell(s), s) if row.label in withheld else view.cell(s)
                for s in row.cells
            ),
            row.kind,
        )
        for row in table.rows
    )
    left_out = [row.label for row in table.rows if row.label in withheld]
    note = table.note
    if left_out:
        which = ", ".join(f"‘{label}’" for label in left_out)
        rij = "de rij" if len(left_out) == 1 else "de rijen"
        extra = f"Om privacyredenen weggelaten: de cijfers van {rij} {which} (elke cel {MARK})."
        note = f"{note} {extra}" if note else extra
    printed = _one_decimals_per_column(table, printed, view)
    marked = any(c.suppressed is not None for r in printed for c in r.cells)
    footnotes = ((MARK, legend(n)),) if marked else ()
    done = Table(table.name, table.caption, table.stub, table.columns, printed, footnotes, note)
    return with_rounding_note(done, table.sums)


def _one_decimals_per_column(
    table: TableLayout, rows: tuple[Row, ...], view: _View
) -> tuple[Row, ...]:
    """Every percentage of a column with the decimals of the one that needs most (``95,0%``
    beside ``94,95%``); beside a norm still as many as it takes to stay on its side."""
    grid = [list(r.cells) for r in rows]
    for j in range(len(table.columns)):
        column = [(i, c) for i, c in enumerate(grid) if j < len(c) and c[j].unit == "percentage"]
        start = column_decimals([c[j] for _, c in column])
        while start is not None:
            for i, cells in column:
                spec = table.rows[i].cells[j]
                if cells[j].suppressed is not None or cells[j].value is None:
                    continue
                if isinstance(spec, Share):
                    cells[j] = view.cell(spec, start)
                else:
                    cells[j] = replace(cells[j], decimals=start)
            again = column_decimals([c[j] for _, c in column])
            start = None if again == start else again
    return tuple(replace(r, cells=tuple(g)) for r, g in zip(rows, grid, strict=True))


def _withheld(cell: Cell, spec: Spec) -> Cell:
    """A cell of a row left out: the mark for every client figure (a count, a percentage, a
    verdict); a cell that holds none (a norm, a description) as it is."""
    if isinstance(spec, Fixed):
        return cell
    return replace(cell, suppressed=MARK, decimals=None)


def _zinnen(
    afspraken: tuple[Prestatieafspraak, ...],
    table: Table | None,
    kept: list[int],
    r_units: list[int],
) -> tuple[str, ...]:
    """One sentence per afspraak, printing exactly what its table row prints (``table``: the
    printed table, None when it is left out)."""
    out = []
    for i, (a, r) in enumerate(zip(afspraken, r_units, strict=True)):
        norm = format_percentage(a.norm)
        if table is None or r not in kept:
            out.append(f"{a.naam}: om privacyredenen niet getoond (norm {norm}).")
            continue
        shown_norm, teller, noemer, realisatie, gehaald, _ = table.rows[i].cells
        norm = format_cell(shown_norm)
        if realisatie.value is None:
            out.append(f"{a.naam}: niet te bepalen, want {a.toelichting} (norm {norm}).")
            continue
        aantal = f"{format_cell(teller)} van de {format_cell(noemer)} cliënten"
        if realisatie.suppressed is not None:
            out.append(f"{a.naam}: om privacyredenen niet getoond ({aantal}; norm {norm}).")
        else:
            verdict = "gehaald" if gehaald.value == "ja" else "niet gehaald"
            out.append(f"{a.naam}: {verdict} ({aantal}, {format_cell(realisatie)}; norm {norm}).")
    return tuple(out)


def privacy_notes(
    layout: Layout, figures: list[Expr], decision: Decision, n: int
) -> tuple[tuple[str, str], ...]:
    """Per table, for ``check``: how many counts and percentages were hidden and why — each
    small count with the range a reader can still derive for it, each added count — and which
    rows or tables were left out, naming the small count each protects."""
    view = _View(layout, figures, decision)
    where: dict[int, str] = {}
    for table in layout.tables:
        for row in table.rows:
            for col, spec in zip(table.columns, row.cells, strict=False):
                if isinstance(spec, Count):
                    label = f"‘{row.label}’ × ‘{col.label}’ ({table.name})"
                    where.setdefault(view.index[spec.expr], label)

    def why(reason: tuple[int, int] | None) -> str:
        if reason is None:
            return ""
        target, k = reason
        return f": anders is af te leiden dat {where.get(target, 'een klein aantal')} niet {k} is"

    notes: list[tuple[str, str]] = []
    left_out = _left_out_rows(layout, decision)
    for table, (t_unit, r_units) in zip(layout.tables, unit_ids(layout.tables), strict=True):
        if t_unit in decision.withheld:
            notes.append((table.name, "tabel weggelaten" + why(decision.withheld_for.get(t_unit))))
            continue
        primary: list[str] = []
        secondary: list[str] = []
        shares = 0
        for row, r in zip(table.rows, r_units, strict=True):
            if row.label in left_out[table.name]:
                reason = why(decision.withheld_for.get(r))
                if r not in decision.withheld:
                    reason = f", zoals in {table.follows}"
                notes.append((table.name, f"rij ‘{row.label}’ weggelaten{reason}"))
                continue
            for col, spec in zip(table.columns, row.cells, strict=False):
                if view.cell(spec).suppressed is None:
                    continue
                if not isinstance(spec, Count):
                    shares += 1
                elif view.index[spec.expr] in decision.primary:
                    low, high = decision.ranges.get(view.index[spec.expr], (1, None))
                    reach = f"{low} tot {high}" if high is not None else f"{low} of meer"
                    primary.append(f"‘{row.label}’ × ‘{col.label}’: {reach}")
                else:
                    secondary.append(f"‘{row.label}’ × ‘{col.label}’")
        if primary or secondary or shares:
            parts = []
            if primary:  # with what a reader can still narrow it down to, at most
                parts.append(
                    f"{len(primary)} van 1 tot en met {n - 1} cliënten, voor een lezer "
                    f"({', '.join(primary)})"
                )
            if secondary:
                parts.append(
                    f"{len(secondary)} omdat anders een klein aantal af te leiden is "
                    f"({', '.join(secondary)})"
                )
            if shares:
                parts.append(f"{shares} percentages of oordelen van verborgen aantallen")
            hidden = len(primary) + len(secondary) + shares
            notes.append((table.name, f"{hidden} cijfers verborgen: " + "; ".join(parts)))
    return tuple(notes)
