"""Turn ``kosten.csv`` (lasten and baten per post, jaar and stand) into the kosten table.

The table answers "wat mag het kosten" (begroting) or "wat heeft het gekost" (jaarverslag):
lasten, baten and saldo per post with totals, and the verschil between the report column and
its reference, printed so that a positive verschil is voordelig (V) and a negative one nadelig
(N). Total lines in the input are not printed; they are checked against the sum of the posts.

The helpers for amounts and input total lines are shared with :mod:`.beleidsplan`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Problem
from ..model import Cell, Column, Row, Table, Unit
from ..numbers import decimals_of, format_number

#: How amounts are printed; the Table.note says when they are in thousands.
AMOUNT_UNIT: Unit = "euro"
#: Decimals kept after sums and differences, so float noise never prints or flips a V/N.
PRECISION = 6

LASTEN, BATEN = "lasten", "baten"
BEGROTING, NA_WIJZIGING, REALISATIE = "begroting", "begroting_na_wijziging", "realisatie"
SEVERITIES = ("error", "warning")


# -- shared helpers (also used by beleidsplan) ------------------------------------------------


def total_kind(posts: pd.Series) -> pd.Series:
    """Classify post labels as ``"totaal"``, ``"subtotaal"``, ``"saldo"`` or ``""`` (a real post).

    Spreadsheets that people export usually carry their own total lines; we compute totals
    ourselves, so such lines are checked instead of being added up as if they were posts.
    """
    norm = posts.astype(str).str.strip().str.casefold()
    kind = np.select(
        [
            norm.str.startswith("subtotaal").to_numpy(dtype=bool),
            norm.str.startswith(("totaal", "totale")).to_numpy(dtype=bool),
            ((norm == "saldo") | norm.str.startswith("saldo van baten en lasten")).to_numpy(
                dtype=bool
            ),
        ],
        ["subtotaal", "totaal", "saldo"],
        default="",
    )
    return pd.Series(kind, index=posts.index, dtype=object)


def total_problems(
    totals: pd.DataFrame, expected: pd.Series | np.ndarray, *, file: str, severity: str
) -> list[Problem]:
    """Report input total lines whose ``bedrag`` differs from ``expected`` (aligned by position).

    A line is only judged when both the stated total and the sum of its parts have data.
    """
    stated = totals["bedrag"].to_numpy(dtype=float).round(PRECISION)
    want = np.asarray(expected, dtype=float).round(PRECISION)
    bad = ~np.isnan(stated) & ~np.isnan(want) & (stated != want)
    return [
        Problem(
            file,
            int(line),
            "bedrag",
            f"{post} is {format_number(plain(x))}, "
            f"maar de som van de posten is {format_number(plain(y))}",
            severity,
        )
        for line, post, x, y in zip(
            totals["_line"].to_numpy()[bad],
            totals["post"].to_numpy()[bad],
            stated[bad],
            want[bad],
            strict=True,
        )
    ]


def check_severity(totals: str) -> str:
    """Validate the ``totals`` option: how a failed total-line check counts."""
    if totals not in SEVERITIES:
        raise ValueError(f"totals must be 'error' or 'warning', not {totals!r}")
    return totals


def plain(value: object) -> int | float | None:
    """A clean Python number for a cell: ``None`` for no data, ``int`` when whole."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    number = round(float(value), PRECISION)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def amount_cell(value: object, *, highlight: bool = False) -> Cell:
    """An amount, printed with all the decimals it has (whole euros when it has none)."""
    number = plain(value)
    decimals = None if number is None or isinstance(number, int) else decimals_of(number)
    return Cell(number, AMOUNT_UNIT, decimals=decimals, highlight=highlight)


def blank_cells(n: int) -> tuple[Cell, ...]:
    """Cells for a group header row, which has a label only."""
    return tuple(Cell("", "tekst") for _ in range(n))


def amount_note(bedragen_in: int) -> str | None:
    """The line under the caption that gives the unit of the amounts."""
    return "(x € 1.000)" if bedragen_in == 1000 else None


# -- the kosten table -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Values:
    """One value column: its header and its amounts per (soort, post)."""

    key: str
    label: str
    values: pd.Series


@dataclass(frozen=True, eq=False)
class _Layout:
    """The value columns in print order; Verschil and V/N follow the report column."""

    columns: list[_Values]
    report: _Values
    reference: _Values


def kosten_table(
    frame: pd.DataFrame,
    *,
    soort: str,
    jaar: int,
    file: str,
    bedragen_in: int = 1,
    totals: str = "error",
) -> tuple[Table, list[Problem]]:
    """Build the kosten table of a ``begroting`` or ``jaarverslag`` for report year ``jaar``.

    Returns the table and the problems with the input's own total lines (severity ``totals``).
    """
    severity = check_severity(totals)
    frame = frame.sort_values("_line", kind="stable")
    kind = total_kind(frame["post"])
    problems = _check_totals(frame, kind, file=file, severity=severity)
    real = frame.loc[(kind == "").to_numpy()]
    wide = real.pivot(index=["soort", "post"], columns=["stand", "jaar"], values="bedrag")
    layout = _layout(wide, soort, jaar)

    shown = [c for c in layout.columns if c.values.notna().any()]
    columns = [Column(c.label, c.key) for c in shown]
    with_verschil = any(c is layout.report for c in shown) and bool(
        layout.reference.values.notna().any()
    )
    if with_verschil:
        at = [c.key for c in shown].index(layout.report.key) + 1
        columns[at:at] = [Column("Verschil", "verschil"), Column("V/N", "vn", numeric=False)]

    data = pd.DataFrame({c.key: c.values for c in shown}, index=wide.index)
    data[_REF] = layout.reference.values
    data[_REPORT] = layout.report.values
    keys = [c.key for c in columns]
    rows: list[Row] = []
    for name, total_label, block in _blocks(data, real):
        if with_verschil:
            if name == "Lasten":
                block["verschil"] = block[_REF] - block[_REPORT]
            else:
                block["verschil"] = block[_REPORT] - block[_REF]
        rows.append(Row(name, blank_cells(len(keys)), kind="groep"))
        for label, values in block.round(PRECISION).iterrows():
            is_total = label == total_label
            cells = tuple(
                _vn_cell(values["verschil"]) if k == "vn" else amount_cell(values[k]) for k in keys
            )
            rows.append(Row(str(label), cells, kind="totaal" if is_total else "post"))

    table = Table(
        name="kosten",
        caption="Wat mag het kosten?" if soort == "begroting" else "Wat heeft het gekost?",
        stub="Post",
        columns=tuple(columns),
        rows=tuple(rows),
        note=amount_note(bedragen_in),
    )
    return table, problems


_REF, _REPORT = "_referentie", "_verslag"


def _layout(wide: pd.DataFrame, soort: str, jaar: int) -> _Layout:
    """The columns a document kind shows, with its report column and reference amounts."""

    def stand(name: str, year: int) -> pd.Series:
        if (name, year) in wide.columns:
            return wide[(name, year)].astype(float)
        return pd.Series(np.nan, index=wide.index, dtype=float)

    def latest(year: int) -> pd.Series:
        return stand(NA_WIJZIGING, year).combine_first(stand(BEGROTING, year))

    if soort == "begroting":
        before = jaar - 1
        if stand(NA_WIJZIGING, before).notna().any():
            key, label = f"begroting_na_wijziging_{before}", f"Begroting {before} na wijziging"
        else:
            key, label = f"begroting_{before}", f"Begroting {before}"
        reference = _Values(key, label, latest(before))
        report = _Values(f"begroting_{jaar}", f"Begroting {jaar}", stand(BEGROTING, jaar))
        realisatie = _Values(
            f"realisatie_{jaar - 2}", f"Realisatie {jaar - 2}", stand(REALISATIE, jaar - 2)
        )
        meerjaren = [
            _Values(f"begroting_{y}", f"Begroting {y}", stand(BEGROTING, y))
            for y in range(jaar + 1, jaar + 4)
        ]
        return _Layout([realisatie, reference, report, *meerjaren], report, reference)
    if soort == "jaarverslag":
        primitief = _Values(
            f"begroting_{jaar}", f"Primitieve begroting {jaar}", stand(BEGROTING, jaar)
        )
        gewijzigd = _Values(
            f"begroting_na_wijziging_{jaar}",
            f"Begroting {jaar} na wijziging",
            stand(NA_WIJZIGING, jaar),
        )
        report = _Values(f"realisatie_{jaar}", f"Realisatie {jaar}", stand(REALISATIE, jaar))
        # The reference is the latest begroting stand, per post: na wijziging where it exists.
        reference = _Values("", "", latest(jaar))
        return _Layout([primitief, gewijzigd, report], report, reference)
    raise ValueError(f"een kostentabel hoort bij een begroting of jaarverslag, niet bij {soort!r}")


def _blocks(data: pd.DataFrame, real: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Lasten, baten and saldo: one row per post in file order, then the total row.

    A total is the sum of the amounts present, and no data when none is; the saldo of a post
    is its baten minus its lasten by the same rule.
    """
    posts = real.groupby("soort", sort=False)["post"].unique()
    order = list(pd.unique(real["post"]))
    empty = pd.DataFrame(np.nan, index=pd.Index([], name="post"), columns=data.columns)

    def part(soort: str) -> pd.DataFrame:
        if soort not in posts.index:
            return empty
        return data.xs(soort, level="soort").reindex(list(posts[soort]))

    lasten, baten = part(LASTEN), part(BATEN)
    saldo = baten.reindex(order).sub(lasten.reindex(order), fill_value=0)
    blocks = [
        ("Lasten", "Totaal lasten", lasten),
        ("Baten", "Totaal baten", baten),
        ("Saldo", "Saldo van baten en lasten", saldo),
    ]
    result = []
    for name, total_label, block in blocks:
        if block.empty:
            continue
        if name == "Saldo":
            total = baten.sum(min_count=1).sub(lasten.sum(min_count=1), fill_value=0)
        else:
            total = block.sum(min_count=1)
        with_total = pd.concat([block, total.to_frame(total_label).T])
        result.append((name, total_label, with_total.astype(float)))
    return result


def _vn_cell(verschil: object) -> Cell:
    """V for voordelig (positive verschil), N for nadelig, nothing for 0 or no data."""
    number = plain(verschil)
    text = "" if number is None or number == 0 else ("V" if number > 0 else "N")
    return Cell(text, "tekst")


def _check_totals(
    frame: pd.DataFrame, kind: pd.Series, *, file: str, severity: str
) -> list[Problem]:
    """Check the input's total lines per soort, jaar and stand.

    ``Totaal...`` must equal the sum of all posts; ``Subtotaal...`` the posts since the previous
    total line (as in a spreadsheet); ``Saldo`` the baten minus the lasten.
    """
    is_total = (kind != "").to_numpy()
    if not is_total.any():
        return []
    keys = ["soort", "jaar", "stand"]
    marks = pd.Series(is_total.astype(int), index=frame.index)
    segment = marks.groupby([frame[k] for k in keys]).cumsum() - marks
    frame = frame.assign(_segment=segment)
    real, totals = frame.loc[~is_total], frame.loc[is_total]
    kinds = kind.to_numpy()[is_total]

    def lookup(sums: pd.Series, by: list[str]) -> np.ndarray:
        wanted = pd.MultiIndex.from_frame(totals[by]) if len(by) > 1 else pd.Index(totals[by[0]])
        return sums.reindex(wanted).to_numpy(dtype=float)

    whole = real.groupby(keys)["bedrag"].sum(min_count=1)
    segments = real.groupby([*keys, "_segment"])["bedrag"].sum(min_count=1)
    per_soort = (
        real.groupby(["jaar", "stand", "soort"])["bedrag"]
        .sum(min_count=1)
        .unstack("soort")
        .reindex(columns=[LASTEN, BATEN])
    )
    saldo = per_soort[BATEN].sub(per_soort[LASTEN], fill_value=0)
    expected = np.select(
        [kinds == "totaal", kinds == "subtotaal"],
        [lookup(whole, keys), lookup(segments, [*keys, "_segment"])],
        default=lookup(saldo, ["jaar", "stand"]),
    )
    return total_problems(totals, expected, file=file, severity=severity)
