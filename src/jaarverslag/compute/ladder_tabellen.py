"""The participatieladder tables as layouts over the atoms of :mod:`.ladder_layout`.

:func:`build_layout` allocates the atoms of one client file and lays out every table; the
definitions in the module docstring of :mod:`jaarverslag.compute.clienten` say what each
count means. Nothing here decides what is printed: :mod:`.suppression` does.
"""

from __future__ import annotations

import numpy as np

from jaarverslag.compute.afronding import Sum, row_sums
from jaarverslag.compute.ladder import (
    CATEGORIE_BETEKENIS,
    CATEGORIEEN,
    TREDEN,
    UNITS,
    ZONDER_UNIT,
    LadderCounts,
    Prestatieafspraak,
    datum_lang,
)
from jaarverslag.compute.ladder_layout import (
    AFSPRAAK,
    DETAIL,
    GRAND,
    SUBTOTAAL,
    TOTAAL,
    Atoms,
    Count,
    Expr,
    Fixed,
    Layout,
    Relation,
    RowLayout,
    Share,
    Spec,
    TableLayout,
    Verdict,
    expr,
)
from jaarverslag.core.model import Cell, Column, RowKind

LEEFTIJD_LABELS = ("< 27 jaar", "27 – 44 jaar", "≥ 45 jaar", "Leeftijd onbekend")
Index = np.ndarray


def _trede_labels() -> list[str]:
    return [f"{i} {naam}" for i, naam in enumerate(TREDEN, start=1)]


def _grid_rows(
    grid: list[list[Spec]], labels: list[str], total_row: int | None
) -> tuple[RowLayout, ...]:
    return tuple(
        RowLayout(labels[r], tuple(grid[r]), "totaal" if r == total_row else "post")
        for r in range(len(grid))
    )


def _role(is_row_total: bool, is_col_total: bool) -> int:
    return (DETAIL, TOTAAL, GRAND)[is_row_total + is_col_total]


def build_layout(counts: LadderCounts, afspraken: tuple[Prestatieafspraak, ...]) -> Layout:
    """The atoms of ``counts`` and every ladder table as expressions over them."""
    atoms = Atoms()
    n_peil = len(counts.peildata)
    two = n_peil > 1
    b = atoms.block("B", counts.beweging) if two and counts.beweging is not None else None
    u = atoms.block("U", counts.uit_per_trede) if two else None
    i = atoms.block("I", counts.in_per_trede)
    t = atoms.block("T", np.array([counts.tussentijds])) if n_peil > 2 else None
    m = atoms.block("M", counts.treden[:, 1:-1].T) if n_peil > 2 else None  # (middle, trede)
    clienten = expr(*(a for a in (b, u, i, t) if a is not None))
    laatste = expr(*(a for a in (b, i) if a is not None))

    relations: list[Relation] = []
    if m is not None and t is not None:
        for row in m:  # no peildatum in between holds more clients than the file
            terms = [(int(a), 1) for a in row] + [(a, -1) for a in clienten]
            relations.append(Relation(tuple(terms), -np.inf, 0))
        # every client only in between is at some peildatum in between
        terms = [(int(a), 1) for a in m.ravel()] + [(int(t[0]), -1)]
        relations.append(Relation(tuple(terms), 0, np.inf))

    tables = [_treden(counts, b, u, i, m)]
    if b is not None:
        tables += _beweging(counts, b)
        tables.append(_stijgers(counts, b))
    if counts.leeftijd is not None:
        table, ages = _leeftijd(counts, atoms)
        tables.append(table)
        relations.append(_same_total(ages, laatste))
    if counts.categorie is not None:
        table, cats = _categorie(counts, atoms)
        tables.append(table)
        relations.append(_same_total(cats, laatste))
    w = None
    if counts.werk is not None:
        w = atoms.block("W", np.array([counts.werk]))
        terms = [(int(w[0]), 1)] + [(a, -1) for a in clienten]
        relations.append(Relation(tuple(terms), -np.inf, 0))
    tables.append(_uitstroom(counts, b, u, i, t, w, clienten))
    tables.append(_afspraken(afspraken, b, w, clienten))
    return Layout(
        np.array(atoms.values, dtype=np.int64), tuple(atoms.names), tuple(tables), tuple(relations)
    )


def _same_total(part: Expr, whole: Expr) -> Relation:
    """Another view of the clients at the last peildatum: the same total."""
    return Relation(tuple([(a, 1) for a in part] + [(a, -1) for a in whole]), 0, 0)


def _treden(
    counts: LadderCounts,
    b: np.ndarray | None,
    u: np.ndarray | None,
    i: np.ndarray,
    m: np.ndarray | None,
) -> TableLayout:
    n_peil = len(counts.peildata)
    grid: list[list[Spec]] = []
    for trede in range(6):
        row: list[Spec] = []
        for p in range(n_peil):
            if p == n_peil - 1:  # the last (or only) peildatum
                e = expr(i[trede], *([b[:, trede]] if b is not None else []))
            elif p == 0:
                assert b is not None and u is not None
                e = expr(b[trede, :], u[trede])
            else:
                assert m is not None
                e = expr(m[p - 1, trede])
            row.append(Count(e))
        grid.append(row)
    grid.append(
        [
            Count(expr(*(c.expr for c in col if isinstance(c, Count))), TOTAAL)
            for col in zip(*grid, strict=True)
        ]
    )
    return TableLayout(
        "ladder_treden",
        "Cliënten per trede van de participatieladder",
        "Trede",
        tuple(Column(datum_lang(d), d.isoformat()) for d in counts.peildata),
        _grid_rows(grid, [*_trede_labels(), "Totaal"], 6),
        "Aantal cliënten per peildatum",
    )


def _beweging(counts: LadderCounts, b: np.ndarray) -> list[TableLayout]:
    def cell(r: int, c: int) -> Expr:
        rows = slice(None) if r == 6 else slice(r, r + 1)
        cols = slice(None) if c == 6 else slice(c, c + 1)
        return expr(b[rows, cols])

    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    labels = [*_trede_labels(), "Totaal"]
    columns = (*(Column(str(j), f"naar_{j}") for j in range(1, 7)), Column("Totaal", "totaal"))
    note = (
        f"Rijen: trede op {first}; kolommen: trede op {last}. "
        "Alleen cliënten die op beide peildata voorkomen."
    )
    aantallen: list[list[Spec]] = [
        [Count(cell(r, c), _role(c == 6, r == 6)) for c in range(7)] for r in range(7)
    ]
    procenten: list[list[Spec]] = [
        [Share(cell(r, c), cell(r, 6)) for c in range(7)] for r in range(7)
    ]
    caption = f"Beweging op de participatieladder van {first} tot {last}"
    return [
        TableLayout(
            "ladder_beweging",
            caption,
            f"Trede op {first}",
            columns,
            _grid_rows(aantallen, labels, 6),
            note + " Aantal cliënten.",
        ),
        TableLayout(
            "ladder_beweging_pct",
            caption + " (rijpercentages)",
            f"Trede op {first}",
            columns,
            _grid_rows(procenten, labels, 6),
            note + " Percentage van het aantal cliënten met dezelfde trede op de eerste peildatum.",
            follows="ladder_beweging",
            sums=tuple(Sum((r, 6), tuple((r, c) for c in range(6))) for r in range(7)),
        ),
    ]


def _stijgers(counts: LadderCounts, b: np.ndarray) -> TableLayout:
    grid: list[list[Spec]] = []
    for r in range(7):
        rows = range(6) if r == 6 else [r]
        up = expr(*(b[s, s + 1 :] for s in rows))
        same = expr(*(b[s, s] for s in rows))
        down = expr(*(b[s, :s] for s in rows))
        total = expr(*(b[s, :] for s in rows))
        role = TOTAAL if r == 6 else DETAIL
        parts = [Count(up, role), Count(same, role), Count(down, role)]
        grid.append(
            [
                *parts,
                Count(total, GRAND if r == 6 else TOTAAL),
                *(Share(p.expr, total) for p in parts),
            ]
        )
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    columns = (
        Column("Stijgers", "stijgers"),
        Column("Gelijk", "gelijk"),
        Column("Dalers", "dalers"),
        Column("Totaal", "totaal"),
        Column("% stijgers", "pct_stijgers"),
        Column("% gelijk", "pct_gelijk"),
        Column("% dalers", "pct_dalers"),
    )
    return TableLayout(
        "ladder_stijgers",
        f"Stijgers, gelijk gebleven en dalers van {first} tot {last}",
        f"Trede op {first}",
        columns,
        _grid_rows(grid, [*_trede_labels(), "Totaal"], 6),
        "Cliënten die op beide peildata voorkomen; percentages van het totaal van de rij.",
    )


def _leeftijd(counts: LadderCounts, atoms: Atoms) -> tuple[TableLayout, Expr]:
    """Age group × groeipotentieel at the last peildatum; rows and columns for "unknown" only
    when they occur (so a reader knows they hold at least one client)."""
    assert counts.leeftijd is not None
    by_age = counts.leeftijd  # (4, 3): age group × ja / nee / onbekend
    row_ids = [0, 1, 2] + ([3] if by_age[3].sum() else [])
    if counts.heeft_groeipotentieel:
        col_ids = [0, 1] + ([2] if by_age[:, 2].sum() else [])
        present = col_ids
    else:
        col_ids, present = [], [2]  # every client's groeipotentieel is unknown: Aantal only
    ids = atoms.block("L", by_age[np.ix_(row_ids, present)])  # (rows, present gp)
    where = {gp: k for k, gp in enumerate(present)}
    grid: list[list[Spec]] = []
    for r in range(len(row_ids) + 1):
        rows = slice(None) if r == len(row_ids) else slice(r, r + 1)
        total = r == len(row_ids)
        cells: list[Spec] = [Count(expr(ids[rows, :]), GRAND if total else TOTAAL)]
        cells += [Count(expr(ids[rows, where[g]]), TOTAAL if total else DETAIL) for g in col_ids]
        grid.append(cells)
    existence: list[Expr] = []
    if 3 in row_ids:
        existence.append(expr(ids[len(row_ids) - 1, :]))
    if 2 in col_ids:
        existence.append(expr(ids[:, where[2]]))
    all_columns = (
        Column("Aantal cliënten", "aantal"),
        Column("Waarvan met groeipotentieel", "met_groeipotentieel"),
        Column("Waarvan zonder groeipotentieel", "zonder_groeipotentieel"),
        Column("Groeipotentieel onbekend", "groeipotentieel_onbekend"),
    )
    labels = [*(LEEFTIJD_LABELS[i] for i in row_ids), "Totaal"]
    table = TableLayout(
        "ladder_leeftijd",
        f"Cliënten naar leeftijd en groeipotentieel op {datum_lang(counts.peildata[-1])}",
        "Leeftijdscategorie",
        tuple(all_columns[c] for c in [0, *(g + 1 for g in col_ids)]),
        _grid_rows(grid, labels, len(row_ids)),
        "Leeftijd in hele jaren op de peildatum.",
        tuple(existence),
    )
    return table, expr(ids)


def _categorie(counts: LadderCounts, atoms: Atoms) -> tuple[TableLayout, Expr]:
    """Categorie 1A–3B at the last peildatum with its meaning, subtotals per unit."""
    assert counts.categorie is not None
    onbekend = bool(counts.categorie[7])
    k = atoms.block("K", counts.categorie[: 8 if onbekend else 7])
    total = expr(k)

    def line(label: str, e: Expr, kind: RowKind = "post", role: int = DETAIL) -> RowLayout:
        return RowLayout(label, (Count(e, role), Share(e, total)), kind)

    rows: list[RowLayout] = []
    sums: list[Sum] = []
    parts: list[int] = []  # the rows the Totaal adds up: the subtotals and "onbekend"
    for unit, members in UNITS:
        rows.append(RowLayout(f"Unit {unit}", (), "groep"))
        names = [(CATEGORIEEN[c], c) for c in members]
        rows += [line(f"{n}: {CATEGORIE_BETEKENIS[n]}", expr(k[c])) for n, c in names]
        sums += row_sums(len(rows), range(len(rows) - len(members), len(rows)), (0, 1))
        parts.append(len(rows))
        rows.append(line(f"Subtotaal {unit}", expr(k[list(members)]), "subtotaal", SUBTOTAAL))
    if onbekend:  # in no unit: a group of its own, so no unit's subtotal seems to leave it out
        rows.append(RowLayout(ZONDER_UNIT, (), "groep"))
        parts.append(len(rows))
        rows.append(line("Categorie onbekend", expr(k[7])))
    sums += row_sums(len(rows), parts, (0, 1))
    rows.append(line("Totaal", total, "totaal", TOTAAL))
    table = TableLayout(
        "ladder_categorie",
        f"Cliënten naar categorie op {datum_lang(counts.peildata[-1])}",
        "Categorie (afstand tot de arbeidsmarkt)",
        (Column("Aantal cliënten", "aantal"), Column("Percentage van totaal", "percentage")),
        tuple(rows),
        None,
        (expr(k[7]),) if onbekend else (),
        sums=tuple(sums),
    )
    return table, total


def _uitstroom(
    counts: LadderCounts,
    b: Index | None,
    u: Index | None,
    i: Index,
    t: Index | None,
    w: Index | None,
    clienten: Expr,
) -> TableLayout:
    """In- and uitstroom over all distinct clients, and uitstroom naar werk."""
    first, last = (datum_lang(d) for d in (counts.peildata[0], counts.peildata[-1]))
    parts: list[tuple[str, Expr, int]] = []
    if b is not None and u is not None:
        parts = [
            (f"Op {first} en op {last}", expr(b), DETAIL),
            (f"Uitgestroomd: wel op {first}, niet op {last}", expr(u), DETAIL),
            (f"Ingestroomd: niet op {first}, wel op {last}", expr(i), DETAIL),
        ]
        if t is not None:
            parts.append(("Alleen op tussenliggende peildata", expr(t), DETAIL))
    parts.append(("Totaal unieke cliënten", clienten, TOTAAL))
    if w is not None:
        parts.append(("Uitgestroomd naar werk (op enige peildatum)", expr(w), DETAIL))
    rows = tuple(
        RowLayout(
            label,
            (Count(e, role), Share(e, clienten)),
            "totaal" if role == TOTAAL else "post",
        )
        for label, e, role in parts
    )
    total = next(i for i, (_, _, role) in enumerate(parts) if role == TOTAAL)
    return TableLayout(
        "ladder_uitstroom",
        "In- en uitstroom van cliënten",
        "Cliënten",
        (Column("Aantal", "aantal"), Column("Percentage van alle unieke cliënten", "percentage")),
        rows,
        "Unieke cliënten over alle peildata.",
        sums=tuple(row_sums(total, range(total), (0, 1))),
    )


def _afspraken(
    afspraken: tuple[Prestatieafspraak, ...],
    b: Index | None,
    w: Index | None,
    clienten: Expr,
) -> TableLayout:
    """One row per prestatieafspraak: norm, teller, noemer, realisatie, gehaald."""
    exprs: dict[str, tuple[Expr, Expr] | None] = {"behoud_trede_3_4": None, "stijging": None}
    if b is not None:
        exprs["behoud_trede_3_4"] = (expr(b[2, 2:], b[3, 3:]), expr(b[2:4, :]))
        exprs["stijging"] = (expr(*(b[s, s + 1 :] for s in range(6))), expr(b))
    exprs["uitstroom_werk"] = None if w is None else (expr(w), clienten)
    rows = []
    for a in afspraken:
        pair = exprs[a.key]
        cells: list[Spec] = [Fixed(Cell(a.norm, "percentage"))]
        if pair is None:
            noemer = Fixed(Cell(None)) if a.noemer is None else Count(clienten, AFSPRAAK)
            cells += [Fixed(Cell(None)), noemer, Fixed(Cell(None, "percentage"))]
            cells.append(Fixed(Cell(None, "tekst")))
        else:
            teller, noemer_expr = pair
            cells += [Count(teller, AFSPRAAK), Count(noemer_expr, AFSPRAAK)]
            cells += [Share(teller, noemer_expr, a.norm), Verdict(teller, noemer_expr, a.norm)]
        cells.append(Fixed(Cell(a.noemer_omschrijving, "tekst")))
        rows.append(RowLayout(a.omschrijving, tuple(cells)))
    columns = (
        Column("Norm", "norm"),
        Column("Teller", "teller"),
        Column("Noemer", "noemer"),
        Column("Realisatie", "realisatie"),
        Column("Gehaald", "gehaald", numeric=False),
        Column("Noemer bestaat uit", "noemer_omschrijving", numeric=False),
    )
    return TableLayout(
        "ladder_prestatieafspraken",
        "Prestatieafspraken participatieladder",
        "Prestatieafspraak",
        columns,
        tuple(rows),
        "Realisatie = teller / noemer; gehaald wanneer de realisatie ten minste de norm is.",
    )
