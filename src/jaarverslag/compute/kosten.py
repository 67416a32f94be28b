"""Turn ``kosten.csv`` (lasten, baten and reserve mutations per post, jaar and stand) into the
kosten table.

The table answers "wat mag het kosten" (begroting) or "wat heeft het gekost" (jaarverslag):
lasten, baten and saldo per post with totals, and — where the data has reserve mutations — the
BBV's overview runs on: toevoegingen aan reserves, onttrekkingen aan reserves and the resultaat
(saldo − toevoegingen + onttrekkingen; *gerealiseerd* in a jaarverslag, *geraamd* in a
begroting). Every row has the verschil between the report column and its reference, printed so
that a positive verschil is voordelig (V) and a negative one nadelig (N): higher lasten or
toevoegingen are nadelig, higher baten, onttrekkingen, saldo or resultaat voordelig. Total lines
in the input are not printed; they are checked against the sum of the posts.

It adds up on paper, as a controller checks it: every printed total is the sum of the printed
posts, every verschil the difference of the printed columns (no data counting as 0, so a post
without a begroting has verschil −realisatie), saldo is baten − lasten in every column. A post
without a begroting na wijziging shows its primitieve begroting carried forward in that column,
in italics and with a footnote, and that is what its verschil is measured against.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from jaarverslag.compute.afronding import Sum, row_sums, with_rounding_note
from jaarverslag.compute.bedragen import (
    PRECISION,
    amount_cell,
    blank_cells,
    check_severity,
    plain,
    table_decimals,
    total_kind,
)
from jaarverslag.compute.codes import Renamed, by_code, code_problems, footnote, latest_names
from jaarverslag.compute.kosten_checks import (
    BATEN,
    LASTEN,
    ONTTREKKING,
    TOEVOEGING,
    check_totals,
    left_out,
    negative_baten,
    replaced_primitief,
)
from jaarverslag.compute.kosten_layout import layout
from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Bedragen, Soort
from jaarverslag.core.model import BlockResult, Cell, Column, Row, Table
from jaarverslag.core.numbers import amount_note, footnote_markers
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.reeks import Reeks

__all__ = ["kosten_table", "total_kind"]

CARRIED = "Geen begroting na wijziging: de primitieve begroting is overgenomen (cursief)."


@dataclass(frozen=True)
class Group:
    """A part of the table: its posts of one ``soort`` (or computed from others: the saldo, the
    resultaat) and its total. ``title``: its header row (None: the total is a line of its own,
    the resultaat); ``costs``: a higher amount is nadelig (lasten, toevoegingen)."""

    key: str
    title: str | None
    total: str
    costs: bool = False


LASTEN_GROUP = Group(LASTEN, "Lasten", "Totaal lasten", costs=True)
BATEN_GROUP = Group(BATEN, "Baten", "Totaal baten")
SALDO_GROUP = Group("saldo", "Saldo", "Saldo van baten en lasten")
TOEVOEGINGEN = Group(TOEVOEGING, "Toevoegingen aan reserves", "Totaal toevoegingen", costs=True)
ONTTREKKINGEN = Group(ONTTREKKING, "Onttrekkingen aan reserves", "Totaal onttrekkingen")
#: The last line, as the BBV names it: geraamd in a begroting, gerealiseerd in a jaarrekening.
RESULTAAT = {
    "jaarverslag": Group("resultaat", None, "Gerealiseerd resultaat"),
    "begroting": Group("resultaat", None, "Geraamd resultaat"),
}


def kosten_table(
    frame: pd.DataFrame,
    *,
    soort: Soort,
    jaar: int,
    file: str,
    bedragen_in: Bedragen = 1,
    totals: str = "error",
    names: Mapping[str, str] | None = None,
) -> tuple[Table, list[Problem]]:
    """Build the kosten table of a ``begroting`` or ``jaarverslag`` for report year ``jaar``.

    Returns the table and the problems: the input's own total lines (severity ``totals``), and
    warnings for baten entered with the ledger's negative sign and for data the table leaves out.
    With a ``code`` column, posts are matched by code and printed under their latest name
    (``names``: code → name, else the latest in ``frame``), a footnote giving the earlier one.
    """
    severity = check_severity(totals)
    frame = frame.sort_values("_line", kind="stable")
    frame, renamed = by_code(frame, names)
    kind = total_kind(frame["post"], resultaat=True)
    problems = check_totals(frame, kind, file=file, severity=severity)
    real = frame.loc[(kind == "").to_numpy()]
    real = real.assign(bedrag=real["bedrag"].astype(float).round(PRECISION))
    wide = real.pivot(index=["soort", "post"], columns=["stand", "jaar"], values="bedrag")
    columns_of = layout(wide, soort, jaar)
    problems += negative_baten(real, file) + left_out(real, columns_of.used, soort, jaar, file)
    problems += replaced_primitief(wide, soort, jaar, file)

    shown = [c for c in columns_of.columns if c.values.notna().any()]
    columns = [Column(c.label, c.key) for c in shown]
    keys = [c.key for c in shown]
    report, reference = columns_of.report.key, columns_of.reference.key
    with_verschil = report in keys and reference in keys
    if with_verschil:
        at = keys.index(report) + 1
        columns[at:at] = [Column("Verschil", "verschil"), Column("V/N", "vn", numeric=False)]

    data = pd.DataFrame({c.key: c.values for c in shown}, index=wide.index)
    carried = pd.DataFrame(
        {c.key: c.carried for c in shown if c.carried is not None}, index=wide.index
    ).reindex(columns=keys, fill_value=False)
    blocks = _blocks(
        data, real, RESULTAAT["jaarverslag" if soort == "jaarverslag" else "begroting"]
    )
    if with_verschil:
        for group, block in blocks:
            block["verschil"] = _verschil(block[reference], block[report], costs=group.costs)
    decimals = table_decimals([block for _, block in blocks], bedragen_in)
    rows, footnotes = _footnotes(_rows(blocks, columns, carried, decimals, CARRIED), renamed)
    table = Table(
        name="kosten",
        caption="Wat mag het kosten?" if soort == "begroting" else "Wat heeft het gekost?",
        stub="Post",
        columns=tuple(columns),
        rows=tuple(rows),
        footnotes=footnotes,
        note=amount_note(bedragen_in),
    )
    return with_rounding_note(table, group_sums(table)), problems


def group_sums(table: Table) -> list[Sum]:
    """Each group's posts add up to its total row, in every column of amounts (the verschil
    too: a total's verschil is the verschil of its totals). The resultaat, a signed line of
    totals, is not a sum of the rows above it."""
    amounts = [i for i, c in enumerate(table.columns) if c.numeric]
    sums: list[Sum] = []
    posts: list[int] = []
    for index, row in enumerate(table.rows):
        if row.kind == "post":
            posts.append(index)
        elif row.kind == "totaal":
            if posts:
                sums += row_sums(index, posts, amounts)
            posts = []
        else:
            posts = []
    return sums


def _footnotes(rows: list[Row], renamed: Renamed) -> tuple[list[Row], tuple[tuple[str, str], ...]]:
    """Markers in reading order, row by row: a renamed post's label (its earlier name), then a
    carried-forward amount (``*`` when there is one footnote, else ``a``, ``b``, …). The cells
    arrive marked with the footnote's text; here each text gets its marker."""
    texts: list[str] = []
    marked = []
    for row in rows:
        label = (
            (footnote(renamed[row.label]),) if row.kind == "post" and row.label in renamed else ()
        )
        marked.append(replace(row, markers=label))
        for text in (*label, *(m for c in row.cells for m in c.markers)):
            if text not in texts:
                texts.append(text)
    markers = dict(zip(texts, footnote_markers(len(texts)), strict=True))
    result = [
        replace(
            row,
            markers=tuple(markers[t] for t in row.markers),
            cells=tuple(
                replace(c, markers=tuple(markers[t] for t in c.markers)) for c in row.cells
            ),
        )
        for row in marked
    ]
    return result, tuple((markers[t], t) for t in texts)


def _rows(
    blocks: list[tuple[Group, pd.DataFrame]],
    columns: list[Column],
    carried: pd.DataFrame,
    decimals: int,
    mark: str,
) -> list[Row]:
    """The printed rows: a group header, its posts and its total; a carried-forward amount in
    italics, marked with ``mark`` (the footnote's text, until :func:`_footnotes` numbers it)."""
    rows: list[Row] = []
    soorten = set(carried.index.get_level_values("soort"))
    for group, block in blocks:
        if group.title is not None:
            rows.append(Row(group.title, blank_cells(len(columns)), kind="groep"))
        flags = carried.xs(group.key, level="soort") if group.key in soorten else None
        for label, values in block.iterrows():  # the posts of the printed table
            is_total = label == group.total
            cells: list[Cell] = []
            for column in columns:
                if column.key == "vn":
                    cells.append(_vn_cell(values["verschil"]))
                    continue
                moved = (
                    flags is not None
                    and not is_total
                    and column.key in flags.columns
                    and bool(flags.at[label, column.key])
                )
                markers = (mark,) if moved else ()
                value = values[column.key]
                cells.append(amount_cell(value, decimals=decimals, emphasis=moved, markers=markers))
            rows.append(Row(str(label), tuple(cells), kind="totaal" if is_total else "post"))
    return rows


def _blocks(
    data: pd.DataFrame, real: pd.DataFrame, resultaat: Group
) -> list[tuple[Group, pd.DataFrame]]:
    """Lasten, baten and saldo, then toevoegingen and onttrekkingen: one row per post in file
    order, then the total row; with reserve mutations, last the resultaat.

    A total is the sum of the amounts present, and no data when none is; the saldo of a post
    is its baten minus its lasten by the same rule, and the saldo total is the sum of those;
    the resultaat is saldo − toevoegingen + onttrekkingen of the totals, by that rule too.
    """
    posts = real.groupby("soort", sort=False)["post"].unique()
    order = list(pd.unique(real.loc[real["soort"].isin([LASTEN, BATEN]), "post"]))
    empty = pd.DataFrame(np.nan, index=pd.Index([], name="post"), columns=data.columns)

    def part(soort: str) -> pd.DataFrame:
        if soort not in posts.index:
            return empty
        return pd.DataFrame(data.xs(soort, level="soort")).reindex(list(posts[soort]))

    lasten, baten = part(LASTEN), part(BATEN)
    saldo = baten.reindex(order).sub(lasten.reindex(order), fill_value=0)
    groups = [
        (LASTEN_GROUP, lasten),
        (BATEN_GROUP, baten),
        (SALDO_GROUP, saldo),
        (TOEVOEGINGEN, part(TOEVOEGING)),
        (ONTTREKKINGEN, part(ONTTREKKING)),
    ]
    result = []
    totals = {}
    for group, block in groups:
        if block.empty:
            continue
        totals[group.key] = total = block.sum(min_count=1)
        with_total = pd.concat([block, total.to_frame(group.total).T]).astype(float)
        result.append((group, with_total.round(PRECISION)))
    if TOEVOEGING in totals or ONTTREKKING in totals:
        none = pd.Series(np.nan, index=data.columns, dtype=float)
        line = (
            totals.get(SALDO_GROUP.key, none)
            .sub(totals.get(TOEVOEGING, none), fill_value=0)
            .add(totals.get(ONTTREKKING, none), fill_value=0)
        )
        result.append((resultaat, line.to_frame(resultaat.total).T.astype(float).round(PRECISION)))
    return result


def _verschil(reference: pd.Series, report: pd.Series, *, costs: bool) -> pd.Series:
    """Reference − report for costs (lasten, toevoegingen), report − reference for the rest, so
    positive is voordelig. A side without data counts as 0 (a post without begroting:
    −realisatie), and with neither side there is no verschil."""
    either = reference.notna() | report.notna()
    a, b = reference.fillna(0), report.fillna(0)
    return (a - b if costs else b - a).where(either).round(PRECISION)


def _vn_cell(verschil: object) -> Cell:
    """V for voordelig (positive verschil), N for nadelig, nothing for 0 or no data."""
    number = plain(verschil)
    text = "" if number is None or number == 0 else ("V" if number > 0 else "N")
    return Cell(text, "tekst")


def kosten_block(inputs: Inputs) -> BlockResult:
    """The kosten table; a beleidsplan looks ahead like a begroting. In a reeks, posts take
    their latest name from the whole national file (checked there, once)."""
    config = inputs.config
    frame, file = inputs.frames["kosten"], inputs.display("kosten")
    if inputs.reeks is None:
        names, found = None, code_problems(frame, file)
        if found:
            return BlockResult((), tuple(found))
    else:
        names, found = national_names(inputs.reeks), []
    table, problems = kosten_table(
        frame,
        soort="jaarverslag" if config.soort == "jaarverslag" else "begroting",
        jaar=config.jaar,
        file=file,
        bedragen_in=config.bedragen_in,
        totals=config.totaalcontrole,
        names=names,
    )
    return BlockResult((table,), tuple(problems))


@functools.lru_cache(maxsize=4)
def national_names(reeks: Reeks) -> dict[str, str]:
    """The latest name of every code in the national file of a reeks (worked out once)."""
    frame = reeks.national.get("kosten")
    return latest_names(frame) if frame is not None else {}
