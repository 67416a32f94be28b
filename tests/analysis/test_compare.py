"""What changed for a reader (issue 27, item 3): cells by what they print, rows that came or
went, verdicts, words — worked out by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.analysis.compare import compare, compare_tables, word_changes
from jaarverslag.compute.conclusies import Indicator
from jaarverslag.core.changes import CellChange
from jaarverslag.core.model import Cell, Column, Document, Prose, Row, Section, Table, Text

COLUMNS = (Column("Realisatie 2017", "realisatie_2017"), Column("Begroting 2017", "begroting"))


def table(*rows: Row, columns: tuple[Column, ...] = COLUMNS) -> Table:
    return Table("kosten", "Kosten", "Post", columns, rows)


def row(label: str, *values: float | None, unit: str = "euro", kind: str = "post") -> Row:
    return Row(label, tuple(Cell(v, unit, 0) for v in values), kind)  # type: ignore[arg-type]


def document(*blocks: object, titel: str = "Jaarverslag") -> Document:
    return Document(
        titel,
        "Gemeente Test",
        "jaarverslag",
        2017,
        "2017-01-01",
        (Section("Kosten", tuple(blocks)),),
    )  # type: ignore[arg-type]


def test_a_changed_cell_with_old_new_and_the_difference() -> None:
    old = table(row("Lasten", 95000, 90000), row("Totaal", 95000, 90000, kind="totaal"))
    new = table(row("Lasten", 96250, 90000), row("Totaal", 96250, 90000, kind="totaal"))
    change = compare_tables(old, new, 1, 1)
    assert change is not None
    assert change.cells == (
        CellChange("Lasten", "Realisatie 2017", "€ 95.000", "€ 96.250", "€ +1.250"),
        CellChange("Totaal", "Realisatie 2017", "€ 95.000", "€ 96.250", "€ +1.250"),
    )


def test_a_value_that_prints_the_same_is_no_change() -> None:
    old = table(row("Lasten", 95000.0, 90000))
    new = table(Row("Lasten", (Cell(95000, "euro", 0), Cell(90000.4, "euro", 0))))
    assert compare_tables(old, new) is None  # € 90.000 both times


def test_a_percentage_changes_in_procentpunt() -> None:
    old = table(row("Bereik", 15.3, 20, unit="percentage"))
    new = table(row("Bereik", 17.8, 20, unit="percentage"))
    change = compare_tables(old, new)
    assert change is not None
    assert change.cells[0].difference == "+3 procentpunt"  # 17,8 - 15,3 at 0 decimals: 2,5 → 3


def test_a_suppressed_or_missing_value_has_no_difference() -> None:
    old = table(Row("Trede 5", (Cell(12), Cell(3))))
    new = table(Row("Trede 5", (Cell(12), Cell(3, suppressed="x"))))
    change = compare_tables(old, new)
    assert change is not None
    assert change.cells == (CellChange("Trede 5", "Begroting 2017", "3", "x", None),)
    gone = compare_tables(
        table(Row("A", (Cell(1), Cell(2)))), table(Row("A", (Cell(1), Cell(None))))
    )
    assert gone is not None and gone.cells[0].new == "-" and gone.cells[0].difference is None


def test_rows_and_columns_that_came_or_went() -> None:
    old = table(row("Lasten", 1, 2), row("Baten", 3, 4))
    new = table(row("Lasten", 1), row("Reserves", 5), columns=COLUMNS[:1])
    change = compare_tables(old, new)
    assert change is not None
    assert change.rows_added == ("Reserves",)
    assert change.rows_removed == ("Baten",)
    assert change.columns_removed == ("Begroting 2017",)
    assert change.cells == ()


def test_rows_are_told_apart_by_their_group() -> None:
    groep = Row("Structureel", (), "groep")
    other = Row("Incidenteel", (), "groep")
    old = table(groep, row("Consulent", 1, 1), other, row("Consulent", 2, 2))
    new = table(groep, row("Consulent", 1, 1), other, row("Consulent", 3, 2))
    change = compare_tables(old, new)
    assert change is not None
    assert [c.row for c in change.cells] == ["Incidenteel: Consulent"]


def test_a_table_that_came_and_one_that_went() -> None:
    old = document(table(row("A", 1, 1)))
    new = document(Table("verdeling", "Verdeling", "Partij", COLUMNS, (row("W", 1, 1),)))
    changes = compare(old, new)
    assert [(t.name, t.status, t.old_number, t.new_number) for t in changes.tables] == [
        ("verdeling", "nieuw", None, 1),
        ("kosten", "vervallen", 1, None),
    ]


def test_a_verdict_that_changed() -> None:
    def ind(realisatie: float) -> Indicator:
        return Indicator(
            "p", "P-banen", "aantal", "hoger", {2017: realisatie}, {2017: ("begroting", 500)}
        )

    changes = compare(document(), document(), {"p": ind(559)}, {"p": ind(480)})
    assert [(v.indicator, v.jaar, v.old, v.new) for v in changes.verdicts] == [
        ("P-banen", 2017, "gehaald", "niet gehaald")
    ]


def test_the_words_inserted_and_deleted() -> None:
    old = document(Prose("<p>We doen het <em>goed</em>.</p>"), Text("conclusie", ("Gehaald.",)))
    new = document(
        Prose("<p>We doen het <em>uitstekend</em>.</p>"), Text("conclusie", ("Gehaald.",))
    )
    (text,) = compare(old, new).texts
    assert text.section == "Kosten"
    assert text.pieces == (
        ("=", "We doen het"),
        ("-", "goed"),
        ("+", "uitstekend"),
        ("=", ". Gehaald."),
    )


def test_a_long_text_shows_only_the_words_around_a_change() -> None:
    words = [f"w{i}" for i in range(40)]
    changed = [*words[:20], "nieuw", *words[20:]]
    assert word_changes(" ".join(words), " ".join(changed), 3) == (
        ("…", ""),
        ("=", "w17 w18 w19"),
        ("+", "nieuw"),
        ("=", "w20 w21 w22"),
        ("…", ""),
    )


def test_the_same_document_has_no_changes() -> None:
    same = document(table(row("A", 1, 2)), Prose("<p>Tekst.</p>"))
    assert compare(same, same).empty


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=25),
    st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=25),
)
def test_the_words_kept_and_inserted_are_the_new_text(old: list[str], new: list[str]) -> None:
    """Every word of the new text is kept or inserted, in order (with no context cut)."""
    pieces = word_changes(" ".join(old), " ".join(new), context=100)
    if old == new:
        assert pieces == ()
        return
    kept = " ".join(w for op, w in pieces if op in "=+" and w).split()
    dropped = " ".join(w for op, w in pieces if op in "=-" and w).split()
    assert kept == new
    assert dropped == old
