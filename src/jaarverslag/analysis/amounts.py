"""Every amount of the money tables as a live figure in prose, looked up by the names a reader
sees: the group, the post and the column as the table prints them.

Four template functions, one per table, each printing a figure exactly as its table does (the
same rounding and decimals, ``-`` for no data):

- ``kosten(groep, post, kolom)``: a post of a group — ``kosten("lasten", "6.4", "realisatie
  2024")``; ``kosten(groep, kolom)``: the group's total — ``kosten("saldo", "verschil")``,
  ``kosten("resultaat", "realisatie 2024")``;
- ``maatregelen(post, jaar)``, ``maatregelen("structureel", jaar)`` (its subtotaal),
  ``maatregelen("totaal", jaar)`` (the totale lasten);
- ``verdeling(partij, jaar)``, ``verdeling("totaal", jaar)``, ``verdeling(partij, "aandeel")``;
  ``verdeling(partij, jaar, "onafgerond")``: the partner's exact part before rounding (its share
  of the unrounded total), in whole euros or to the cent;
- ``vergelijking(groep, post, kolom)``: ``vergelijking("lasten", "6.3", "per inwoner")``,
  ``… "mediaan grootteklasse"``, ``"mediaan alle gemeenten"``, ``"nederland"``, ``"plaats"``.

A group is named by its header or the header's first word (``lasten``, ``baten``, ``saldo``,
``toevoegingen``, ``onttrekkingen``, ``structureel``); a post by its printed name or its code
(``6.4``), in any case; a column by its header (``Realisatie 2024``, ``2026 e.v.``) or its
open-data key (``realisatie_2024``, ``2026``). A post that only one group has needs no group.
An unknown name is a :class:`~jaarverslag.analysis.prose.ProseError` that lists the names
there are. Amounts of a rapport with ``bedragen_in: 1000`` print in euros in running text
(``€ 1.234.000`` for the table's ``1.234``): a sentence has no ``(x € 1.000)`` above it.

:meth:`Amounts.entries` lists every figure with the expression that prints it, for the check
that warns where a text types an amount the rapport computes (:mod:`.typed`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from jaarverslag.core.model import Cell, Row, Table
from jaarverslag.core.numbers import exact, format_cell, format_euro, round_half_up

#: The tables whose amounts are live, and the function that prints them.
FUNCTIONS = ("kosten", "maatregelen", "verdeling", "vergelijking")
#: Other names of a column, by its key: the vergelijking's first column (headed with the
#: gemeente's own name) is its figure ``per inwoner``.
ALIASES = {"gemeente": ("per inwoner",)}
#: Tables whose amounts are in the unit of ``bedragen_in`` (the vergelijking: euros per inwoner).
IN_DATA_UNITS = ("kosten", "maatregelen", "verdeling")
ONAFGEROND = ("onafgerond", "exact")
CODE = re.compile(r"\d+(?:\.\d+)*")


class AmountError(Exception):
    """A live amount was asked for by a name the table doesn't have."""


@dataclass(frozen=True)
class Group:
    """A part of a table: its header (None: rows before any header, or a total line of its
    own), its posts and its closing (sub)total."""

    header: Row | None
    posts: tuple[Row, ...]
    total: Row | None

    def names(self) -> set[str]:
        if self.header is None:
            return set()
        label = _norm(self.header.label)
        first = label.split(" ")[0]
        return {label, first, first.removesuffix("en")}

    def total_names(self) -> set[str]:
        """A group without a header is named by its total line: its label, its last word,
        and ``totaal`` for a ``Totaal``/``Totale`` line."""
        if self.total is None:
            return set()
        label = _norm(self.total.label)
        names = {label, label.split(" ")[-1]}
        if label.startswith(("totaal", "totale")):
            names.add("totaal")
        return names


def _shown(value: object, limit: int = 60) -> str:
    """A name from a text as a message may print it: one line, not too long."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _post_names(row: Row) -> set[str]:
    label = _norm(row.label)
    first = label.split(" ")[0]
    return {label, first} if CODE.fullmatch(first) else {label}


def _groups(table: Table) -> list[Group]:
    groups: list[Group] = []
    header: Row | None = None
    posts: list[Row] = []
    open_ = False
    for row in table.rows:
        if row.kind == "groep":
            if open_:
                groups.append(Group(header, tuple(posts), None))
            header, posts, open_ = row, [], True
        elif row.kind == "post":
            if not open_:
                header, posts, open_ = None, [], True
            posts.append(row)
        elif row.kind in ("totaal", "subtotaal"):
            groups.append(Group(header if open_ else None, tuple(posts) if open_ else (), row))
            header, posts, open_ = None, [], False
    if open_:
        groups.append(Group(header, tuple(posts), None))
    return groups


def _listed(names: Sequence[str]) -> str:
    shown = list(dict.fromkeys(names))
    return ", ".join(shown) if shown else "geen"


@dataclass(frozen=True)
class LiveTable:
    """One table of the rapport as live figures: ``function`` names it in a text; ``scale`` is
    what its euro amounts are worth in euros (``bedragen_in``; 1 per inwoner)."""

    function: str
    table: Table
    scale: int = 1
    #: Name columns by their open-data key in :meth:`entries` (a header that is a gemeente's name)
    by_key: bool = False
    groups: tuple[Group, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", tuple(_groups(self.table)))

    # -- looking up ----------------------------------------------------------------------------

    def row(self, names: Sequence[object]) -> Row:
        """The row that ``names`` (group and post, or one of them) point at."""
        if len(names) == 2:
            group = self._group(names[0])
            return self._in_group(group, names[1])
        wanted = _norm(names[0])
        for group in self.groups:
            total = group.total
            if wanted in group.names() or (total is not None and wanted == _norm(total.label)):
                if total is None:
                    posts = _listed([p.label for p in group.posts])
                    raise AmountError(f"{self.function}: noem ook de post ({posts})")
                return total
        for group in self.groups:
            if group.header is None and wanted in group.total_names():
                assert group.total is not None
                return group.total
        found = [(g, p) for g in self.groups for p in g.posts if wanted in _post_names(p)]
        if len(found) == 1:
            return found[0][1]
        if found:
            where = [g.header.label if g.header else "" for g, _ in found]
            example = _norm(where[0]).split(" ")[0]
            raise AmountError(
                f"{self.function}: '{_shown(names[0])}' staat in {_listed(where)}: noem de groep, "
                f'zoals {self.function}("{example}", "{_shown(names[0])}", …)'
            )
        raise AmountError(
            f"{self.function}: onbekende post of groep '{_shown(names[0])}' ({self._known()})"
        )

    def _group(self, name: object) -> Group:
        wanted = _norm(name)
        for group in self.groups:
            if wanted in group.names():
                return group
        known = [g.header.label for g in self.groups if g.header is not None]
        raise AmountError(
            f"{self.function}: onbekende groep '{_shown(name)}' (bekend: {_listed(known)})"
        )

    def _in_group(self, group: Group, name: object) -> Row:
        wanted = _norm(name)
        for post in group.posts:
            if wanted in _post_names(post):
                return post
        if group.total is not None and wanted in {"totaal", _norm(group.total.label)}:
            return group.total
        header = group.header.label if group.header is not None else ""
        known = [p.label for p in group.posts] + (["totaal"] if group.total is not None else [])
        raise AmountError(
            f"{self.function}: {header} heeft geen post '{_shown(name)}' (bekend: {_listed(known)})"
        )

    def _known(self) -> str:
        groups = [_norm(g.header.label).split(" ")[0] for g in self.groups if g.header is not None]
        lines = [g.total.label for g in self.groups if g.header is None and g.total is not None]
        posts = [p.label for g in self.groups for p in g.posts]
        return f"bekend: {_listed(groups + lines + posts)}"

    def column(self, name: object) -> int:
        """The index of the column ``name`` (its header or its open-data key)."""
        wanted = _norm(name)
        for index, column in enumerate(self.table.columns):
            names = {_norm(column.label), _norm(column.key), _norm(column.key.replace("_", " "))}
            names |= {_norm(a) for a in ALIASES.get(column.key, ())}
            if wanted in names:
                if column.key == "vn":
                    raise AmountError(
                        f"{self.function}: V/N is geen bedrag; het verschil is positief als het "
                        "voordelig is"
                    )
                return index
        known = [c.label for c in self.table.columns if c.key != "vn"]
        raise AmountError(
            f"{self.function}: onbekende kolom '{_shown(name)}' (bekend: {_listed(known)})"
        )

    def cell(self, args: Sequence[object]) -> Cell:
        if len(args) not in (2, 3):
            raise AmountError(
                f"{self.function}(…) heeft een post of groep en een kolom nodig, zoals "
                f'{self.function}("totaal", 2024)'
            )
        return self.row(args[:-1]).cells[self.column(args[-1])]

    # -- printing ------------------------------------------------------------------------------

    def printed(self, cell: Cell) -> str:
        """A cell as its table prints it; an amount in thousands in euros."""
        if cell.unit != "euro" or self.scale == 1 or not isinstance(cell.value, int | float):
            return format_cell(cell)
        value = exact(cell.value) * self.scale
        places = max((cell.decimals or 0) - round(math.log10(self.scale)), 0)
        return format_euro(value, max(places, 2) if places else 0)

    def value(self, cell: Cell) -> Fraction | None:
        """What a printed amount is worth in euros (as printed), or None (no amount)."""
        if cell.unit != "euro" or not isinstance(cell.value, int | float):
            return None
        decimals = cell.decimals if cell.decimals is not None else 6
        return Fraction(round_half_up(cell.value, decimals)) * self.scale

    def entries(self) -> Iterator[tuple[str, Fraction]]:
        """Every amount of the table: (the expression that prints it, its value in euros)."""

        def name(post: Row) -> str:
            label = _norm(post.label).split(" ")[0]
            return label if CODE.fullmatch(label) else post.label

        counts: dict[str, int] = {}
        for post in (p for g in self.groups for p in g.posts):
            counts[_norm(name(post))] = counts.get(_norm(name(post)), 0) + 1
        for group in self.groups:
            prefix = [_norm(group.header.label).split(" ")[0]] if group.header is not None else []
            rows: list[tuple[list[str], Row]] = []
            for post in group.posts:
                # a post of one group only needs no group, but a kosten post is always named
                # with its group (lasten, baten, saldo: a controller reads it so)
                alone = counts[_norm(name(post))] == 1 and self.function != "kosten"
                rows.append(([name(post)] if alone else [*prefix, name(post)], post))
            if group.total is not None:
                names = prefix or [_total_name(group.total)]
                rows.append((names, group.total))
            for names, row in rows:
                for column, cell in zip(self.table.columns, row.cells, strict=True):
                    value = self.value(cell)
                    if value is None:
                        continue
                    args = [*names, _column_name(column.label, column.key, self.by_key)]
                    yield f"{{{{ {self.function}({', '.join(_quoted(a) for a in args)}) }}}}", value


def _total_name(row: Row) -> str:
    label = _norm(row.label)
    return "totaal" if label.startswith(("totaal", "totale")) else label.split(" ")[-1]


def _column_name(label: str, key: str, by_key: bool) -> str | int:
    if key.isdigit():
        return int(key)
    return key.replace("_", " ") if by_key else _norm(label)


def _quoted(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Amounts:
    """The live tables of a rapport, by function name."""

    tables: Mapping[str, LiveTable] = field(default_factory=dict)

    def table(self, function: str) -> LiveTable:
        found = self.tables.get(function)
        if found is None:
            raise AmountError(f"{function}(…): dit rapport heeft geen tabel {function}")
        return found

    def amount(self, function: str, args: Sequence[object]) -> str:
        live = self.table(function)
        if function == "verdeling" and len(args) == 3 and _norm(args[2]) in ONAFGEROND:
            return self._onafgerond(live, args[0], args[1])
        return live.printed(live.cell(args))

    def _onafgerond(self, live: LiveTable, partij: object, jaar: object) -> str:
        value = self.exact_part(live, partij, jaar)
        return "-" if value is None else _euros(value)

    def exact_part(self, live: LiveTable, partij: object, jaar: object) -> Fraction | None:
        """A partner's exact part of a year: its share of the unrounded totale lasten."""
        row = live.row([partij])
        share = row.cells[live.column("aandeel")]
        lasten = self.table("maatregelen")
        total = lasten.row(["totaal"]).cells[lasten.column(jaar)]
        if not isinstance(share.value, int | float) or not isinstance(total.value, int | float):
            return None
        return exact(share.value) / 100 * exact(total.value) * lasten.scale

    def entries(self) -> Iterator[tuple[str, Fraction]]:
        """Every live amount: its expression and its value in euros as printed."""
        for live in self.tables.values():
            yield from live.entries()
        verdeling = self.tables.get("verdeling")
        if verdeling is None or "maatregelen" not in self.tables:
            return
        years = [c for c in verdeling.table.columns if c.key.isdigit()]
        for row in (p for g in verdeling.groups for p in g.posts):
            for column in years:
                value = self.exact_part(verdeling, row.label, column.key)
                if value is not None:
                    printed = Fraction(round_half_up(value, 0 if value.denominator == 1 else 2))
                    args = ", ".join([_quoted(row.label), column.key, '"onafgerond"'])
                    yield f"{{{{ verdeling({args}) }}}}", printed

    @cached_property
    def by_value(self) -> Mapping[Fraction, tuple[str, ...]]:
        """Every live amount but zero, by its value in euros as printed: the expressions that
        print it (worked out once per set of tables: the live preview asks at every keystroke
        whether a text types one of them)."""
        found: dict[Fraction, list[str]] = {}
        for expression, value in self.entries():
            if value != 0:
                found.setdefault(value, []).append(expression)
        return {value: tuple(expressions) for value, expressions in found.items()}

    def functions(self) -> dict[str, Callable[..., str]]:
        def make(name: str) -> Callable[..., str]:
            def function(*args: object) -> str:
                return self.amount(name, args)

            return function

        return {name: make(name) for name in FUNCTIONS}


def _euros(value: Fraction) -> str:
    """An exact amount in whole euros, or to the cent."""
    return format_euro(value, 0 if value.denominator == 1 else 2)


def amounts(tables: Sequence[Table], bedragen_in: int) -> Amounts:
    """The live tables among a rapport's computed tables."""
    return Amounts(
        {
            t.name: LiveTable(
                t.name,
                t,
                bedragen_in if t.name in IN_DATA_UNITS else 1,
                by_key=t.name == "vergelijking",
            )
            for t in tables
            if t.name in FUNCTIONS
        }
    )
