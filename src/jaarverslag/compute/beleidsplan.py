"""Turn a beleidsplan's ``maatregelen.csv`` and ``verdeelsleutel.csv`` into its financial tables.

The maatregelen table lists the costs per post and year, grouped by karakter, with subtotals
and the totale lasten; it is printed unrounded. The verdeling table splits every year's
totale lasten over the partner municipalities by the cost-sharing key, rounded to a unit with
the largest-remainder method so the parts always add up to the rounded total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction

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
    total_problems,
)
from jaarverslag.compute.splitsing import (
    SHARE_TOLERANCE,
    exact_fraction,
    round_half_away,
    split_units,
    unit_value,
)
from jaarverslag.compute.splitsing import round_total as round_total
from jaarverslag.compute.splitsing import split_amount as split_amount
from jaarverslag.core.errors import Problem
from jaarverslag.core.kinds import Bedragen, Severity
from jaarverslag.core.model import Block, BlockResult, Cell, Column, Row, Table
from jaarverslag.core.numbers import MAX_DECIMALS, amount_note, decimals_of, format_number
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.tables.raw import decimals_column

KARAKTERS = (("structureel", "Structureel"), ("incidenteel", "Incidenteel"))

# -- maatregelen ------------------------------------------------------------------------------


def maatregelen_table(
    frame: pd.DataFrame,
    *,
    file: str,
    ev_label: bool | str = "auto",
    bedragen_in: Bedragen = 1,
    totals: str = "error",
) -> tuple[Table, list[Problem]]:
    """Build the maatregelen table: years as columns, posts grouped by karakter, totals.

    ``ev_label`` decides whether the last year reads "2026 e.v." (en volgende jaren): ``True``,
    ``False``, a suffix of its own, or ``"auto"``: when every structureel post runs into the
    last year. "e.v." only heads a column of structural amounts: when the last year also holds
    an incidental amount, the note says that only its structural amounts run on. A total whose
    printed posts add up to another figure (amounts rounded to the cent or to thousands) gets
    a rounding note. Input total lines are checked (severity ``totals``) and not printed.
    """
    severity = check_severity(totals)
    frame = frame.sort_values("_line", kind="stable")
    kind = total_kind(frame["post"])
    problems = _check_totals(frame, kind, file=file, severity=severity)
    real = frame.loc[(kind == "").to_numpy()]
    wide, years = _wide(real)
    suffix, ev_note = _ev(ev_label, wide, years)
    columns = _year_columns(years, suffix)
    n = len(columns)

    rows: list[Row] = []
    sums: list[Sum] = []
    subtotal_rows: list[int] = []
    subtotals = wide.groupby(level="karakter", sort=False).sum(min_count=1)
    decimals = table_decimals([wide], bedragen_in)  # one number of decimals for the table
    for karakter, title in KARAKTERS:
        if karakter not in subtotals.index:
            continue
        rows.append(Row(title, blank_cells(n), kind="groep"))
        first = len(rows)
        for post, values in wide.xs(karakter, level="karakter").iterrows():
            rows.append(Row(str(post), tuple(amount_cell(v, decimals=decimals) for v in values)))
        sums += row_sums(len(rows), range(first, len(rows)), range(n))
        subtotal_rows.append(len(rows))
        subtotal = subtotals.loc[karakter].round(PRECISION)
        cells = tuple(amount_cell(v, decimals=decimals) for v in subtotal)
        rows.append(Row(f"Subtotaal {karakter}", cells, "subtotaal"))
    total = _totale_lasten(real, years)
    cells = tuple(amount_cell(v, decimals=decimals) for v in total)
    sums += row_sums(len(rows), subtotal_rows, range(n))
    rows.append(Row("Totale lasten", cells, kind="totaal"))

    table = Table(
        name="maatregelen",
        caption="Kosten van de maatregelen",
        stub="Maatregel",
        columns=columns,
        rows=tuple(rows),
        note=_notes(amount_note(bedragen_in), ev_note),
    )
    return with_rounding_note(table, sums), problems


def _wide(real: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Amounts per (karakter, post) and year; posts in file order, years ascending."""
    years = sorted(int(y) for y in real["jaar"].unique())
    order = real.drop_duplicates(["karakter", "post"])
    index = pd.MultiIndex.from_frame(order[["karakter", "post"]])
    wide = (
        real.pivot(index=["karakter", "post"], columns="jaar", values="bedrag")
        .reindex(index=index, columns=years)
        .astype(float)
    )
    return wide, years


def _totale_lasten(real: pd.DataFrame, years: Sequence[int]) -> pd.Series:
    """Sum of all posts per year; no data for a year where no post has an amount."""
    sums = real.groupby("jaar")["bedrag"].sum(min_count=1)
    return sums.reindex(list(years)).round(PRECISION)


def _ev_suffix(ev_label: bool | str, wide: pd.DataFrame) -> str | None:
    """The suffix asked for the last year column ("e.v."), or ``None`` for a plain year."""
    if isinstance(ev_label, str) and ev_label != "auto":
        return ev_label.strip() or None
    if ev_label == "auto":
        if "structureel" not in wide.index.get_level_values("karakter") or wide.empty:
            return None
        last = pd.DataFrame(wide.xs("structureel", level="karakter")).iloc[:, -1]
        return "e.v." if bool(last.notna().all()) else None
    return "e.v." if ev_label else None


def _ev(
    ev_label: bool | str, wide: pd.DataFrame, years: Sequence[int]
) -> tuple[str | None, str | None]:
    """The suffix of the last year column, and the note that replaces it when that column
    also holds an incidental amount: "e.v." only ever stands above structural amounts (an
    incidental amount of the last year does not run on)."""
    suffix = _ev_suffix(ev_label, wide)
    if suffix is None or wide.empty or "incidenteel" not in wide.index.get_level_values(0):
        return suffix, None
    last = pd.DataFrame(wide.xs("incidenteel", level="karakter")).iloc[:, -1]
    if not bool((last.fillna(0) != 0).any()):
        return suffix, None
    year = years[-1]
    note = (
        f"De structurele bedragen van {year} gelden ook voor de jaren daarna ({year} {suffix}); "
        f"de incidentele bedragen van {year} niet."
    )
    return None, note


def _notes(*notes: str | None) -> str | None:
    """The lines under a caption, as one (None: none)."""
    return " ".join(n for n in notes if n) or None


def _year_columns(years: Sequence[int], suffix: str | None) -> tuple[Column, ...]:
    labels = [str(y) for y in years]
    if suffix and labels:
        labels[-1] = f"{labels[-1]} {suffix}"
    return tuple(Column(label, str(y)) for label, y in zip(labels, years, strict=True))


def _check_totals(
    frame: pd.DataFrame, kind: pd.Series, *, file: str, severity: Severity
) -> list[Problem]:
    """``Subtotaal...`` lines must equal the posts of their karakter, other totals all posts."""
    is_total = (kind != "").to_numpy()
    if not is_total.any():
        return []
    real, totals = frame.loc[~is_total], frame.loc[is_total]
    per_karakter = real.groupby(["karakter", "jaar"])["bedrag"].sum(min_count=1)
    per_year = real.groupby("jaar")["bedrag"].sum(min_count=1)
    expected = np.where(
        kind.to_numpy()[is_total] == "subtotaal",
        per_karakter.reindex(pd.MultiIndex.from_frame(totals[["karakter", "jaar"]])).to_numpy(
            dtype=float
        ),
        per_year.reindex(pd.Index(totals["jaar"])).to_numpy(dtype=float),
    )
    return total_problems(totals, expected, file=file, severity=severity)


# -- verdeelsleutel ---------------------------------------------------------------------------


def check_verdeelsleutel(frame: pd.DataFrame, *, file: str) -> list[Problem]:
    """Check a cost-sharing key: no missing or negative share, no partner twice, sum 100."""
    frame = frame.sort_values("_line", kind="stable")
    problems: list[Problem] = []
    share = frame["aandeel"].astype(float)
    for line in frame.loc[share.isna(), "_line"]:
        problems.append(Problem(file, int(line), "aandeel", "het aandeel ontbreekt"))
    negative = frame.loc[share < 0]
    for line, value in zip(negative["_line"], negative["aandeel"], strict=True):
        message = f"het aandeel is negatief ({format_number(plain(value))})"
        problems.append(Problem(file, int(line), "aandeel", message))
    name = frame["partij"].astype(str).str.strip().str.casefold()
    first_line = frame.groupby(name, sort=False)["_line"].transform("first")
    twice = frame.loc[name.duplicated()]
    for line, partij, first in zip(
        twice["_line"], twice["partij"], first_line[twice.index], strict=True
    ):
        message = f"{partij} staat al in de verdeelsleutel (regel {int(first)})"
        problems.append(Problem(file, int(line), "partij", message))
    if share.notna().all():
        total = sum((exact_fraction(v) for v in share), Fraction(0))
        if abs(total - 100) > SHARE_TOLERANCE:
            shown = format_number(plain(float(total)))
            message = f"de aandelen tellen op tot {shown}, niet tot 100"
            problems.append(Problem(file, None, "aandeel", message))
    return problems


def verdeling_table(
    maatregelen_frame: pd.DataFrame,
    key_frame: pd.DataFrame,
    *,
    afronding: float,
    ev_label: bool | str = "auto",
    partij: str | None = None,
    bedragen_in: Bedragen = 1,
) -> Table:
    """Split the totale lasten of every year over the partners, in the order of the key.

    ``afronding`` is in euros (as in rapport.yaml), the amounts in units of ``bedragen_in``.
    ``partij`` highlights that partner's row, for the variant of the document made for it.
    Check the key with :func:`check_verdeelsleutel` first; a bad key raises ``ValueError``.
    """
    frame = maatregelen_frame.sort_values("_line", kind="stable")
    real = frame.loc[(total_kind(frame["post"]) == "").to_numpy()]
    wide, years = _wide(real)
    totals = _totale_lasten(real, years)
    key = key_frame.sort_values("_line", kind="stable")
    partners = [str(p) for p in key["partij"]]
    shares = [exact_fraction(s) for s in key["aandeel"]]
    unit = exact_fraction(afronding) / bedragen_in

    parts: list[list[int | float | None]] = [[] for _ in partners]
    rounded: list[int | float | None] = []
    for total in totals:
        if pd.isna(total):
            counts: list[int | None] = [None] * len(partners)
            rounded.append(None)
        else:
            counts = list(split_units(exact_fraction(total), shares, unit))
            rounded.append(unit_value(round_half_away(exact_fraction(total) / unit), unit))
        for column, count in zip(parts, counts, strict=True):
            column.append(None if count is None else unit_value(count, unit))

    rows = []
    amounts = [pd.Series(rounded, dtype=float), *(pd.Series(p, dtype=float) for p in parts)]
    decimals = table_decimals(amounts, bedragen_in)
    places = _share_decimals(key)  # one number of decimals for the column of shares
    for i, (name, share) in enumerate(zip(partners, key["aandeel"], strict=True)):
        cells = (
            Cell(plain(share), "percentage", decimals=places),
            *(amount_cell(v, decimals=decimals) for v in parts[i]),
        )
        rows.append(Row(name, cells))
    share_sum = plain(float(sum(shares, Fraction(0))))
    total_cells = (
        Cell(share_sum, "percentage", decimals=places),
        *(amount_cell(v, decimals=decimals) for v in rounded),
    )
    rows.append(Row("Totaal", total_cells, kind="totaal"))

    suffix, ev_note = _ev(ev_label, wide, years)
    columns = (Column("Aandeel", "aandeel"), *_year_columns(years, suffix))
    table = Table(
        name="verdeling",
        caption="Verdeling van de totale lasten over de partners",
        stub="Partij",
        columns=columns,
        rows=tuple(rows),
        note=_notes(amount_note(bedragen_in), ev_note),
    )
    table = with_rounding_note(
        table, row_sums(len(partners), range(len(partners)), range(1 + len(years)))
    )
    return table if partij is None else _highlight(table, partij)


def _share_decimals(key: pd.DataFrame) -> int:
    """The decimals of the column of shares: the most any share was typed with (``74,1`` /
    ``13,9`` / ``12``: ``12,0%``), or has when that is not known."""
    typed = key.get(decimals_column("aandeel"))
    shares = [v for v in key["aandeel"] if not pd.isna(v)]
    most = max((decimals_of(float(v)) for v in shares), default=0)
    if typed is not None and typed.notna().any():
        most = max(most, int(typed.max()))
    return min(most, MAX_DECIMALS)


def maatregelen_block(inputs: Inputs) -> BlockResult:
    """The maatregelen table and the problems with its input's total rows."""
    config = inputs.config
    table, problems = maatregelen_table(
        inputs.frames["maatregelen"],
        file=inputs.display("maatregelen"),
        ev_label=config.ev,
        bedragen_in=config.bedragen_in,
        totals=config.totaalcontrole,
    )
    return BlockResult((table,), tuple(problems))


def verdeling_block(inputs: Inputs) -> BlockResult:
    """The split of every year's total over the partners (the key is checked before)."""
    config = inputs.config
    table = verdeling_table(
        inputs.frames["maatregelen"],
        inputs.frames["verdeelsleutel"],
        afronding=config.afronding,
        ev_label=config.ev,
        bedragen_in=config.bedragen_in,
    )
    return BlockResult((table,))


def verdeelsleutel_problems(inputs: Inputs) -> list[Problem]:
    """The verdeelsleutel's own rules, checked whether a section prints the split or not."""
    return check_verdeelsleutel(
        inputs.frames["verdeelsleutel"], file=inputs.display("verdeelsleutel")
    )


def for_partner(block: Block, partij: str) -> Block:
    """A block as printed in the variant for ``partij``: in the verdeling, that partner's row
    stands out; every other block stays as it is."""
    if isinstance(block, Table) and block.name == "verdeling":
        return _highlight(block, partij)
    return block


def _highlight(table: Table, partij: str) -> Table:
    wanted = partij.strip().casefold()

    def mine(row: Row) -> bool:
        return row.kind == "post" and row.label.strip().casefold() == wanted

    if not any(mine(row) for row in table.rows):
        raise ValueError(f"{partij} staat niet in de verdeelsleutel")
    rows = tuple(
        replace(row, highlight=True, cells=tuple(replace(c, highlight=True) for c in row.cells))
        if mine(row)
        else row
        for row in table.rows
    )
    return replace(table, rows=rows)
