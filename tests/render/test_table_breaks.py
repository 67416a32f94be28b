"""Tables in the DOCX and PDF break as a reader expects: no row over two pages, a short table
on one page with its caption, a long one never right after its header nor with a lone total.
(Word and LibreOffice lay out with their own fonts: the DOCX must say how it may break.)"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from support.helpers import DATA, MINIMAL_YAML, write_rapport

from jaarverslag.build.pipeline import build_one
from jaarverslag.render.docx.tables import KEEP_EDGE
from jaarverslag.render.vocabulary import KEEP_ROWS


def kept(row: object) -> bool:
    """Every paragraph of the row is kept with the next."""
    return all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)  # type: ignore[attr-defined]


def cant_split(row: object) -> bool:
    return row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None  # type: ignore[attr-defined]


def test_a_short_table_stays_on_one_page_with_its_caption(tmp_path: Path) -> None:
    outcome = build_one(DATA / "beleidsplan-wassenaar-2024", tmp_path, ["docx"], use_cache=False)
    assert outcome.ok and outcome.output is not None
    word = docx.Document(str(outcome.output / "beleidsplan-wassenaar-2024.docx"))
    assert word.tables
    for table in word.tables:
        rows = list(table.rows)
        assert len(rows) <= KEEP_ROWS
        assert all(kept(r) for r in rows[:-1]) and not kept(rows[-1])
        assert all(cant_split(r) for r in rows)
    captions = [p for p in word.paragraphs if p.style.name == "Caption" and "Tabel" in p.text]
    assert captions and all(p.paragraph_format.keep_with_next for p in captions)


def test_a_long_table_may_break_but_not_at_its_ends(tmp_path: Path) -> None:
    posts = "".join(f"Post {i};lasten;2017;realisatie;{i}\n" for i in range(1, 41))
    folder = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": MINIMAL_YAML, "kosten.csv": "post;soort;jaar;stand;bedrag\n" + posts},
    )
    outcome = build_one(folder, tmp_path / "out", ["docx"], use_cache=False)
    assert outcome.ok and outcome.output is not None
    [table] = docx.Document(str(outcome.output / "r.docx")).tables
    rows = list(table.rows)
    assert len(rows) > KEEP_ROWS
    flags = [kept(r) for r in rows]
    assert all(flags[: 1 + KEEP_EDGE - 1])  # header and first rows stay together
    assert all(flags[-KEEP_EDGE:-1]) and not flags[-1]  # the total never stands alone
    assert not all(flags[KEEP_EDGE:-KEEP_EDGE])  # but it may break in the middle
    assert all(cant_split(r) for r in rows)


@pytest.mark.parametrize("posts", [28, 30, 43])  # without the rules: a lone Baten, total, saldo
def test_pdf_tables_break_as_the_docx_says(tmp_path: Path, posts: int) -> None:
    """The PDF keeps the same promises: a long kosten table breaks, but a total stays with the
    row above it, a group heading with its first row and the last rows together."""
    import subprocess

    lasten = "".join(f"Post {i};lasten;2017;realisatie;{i}\n" for i in range(1, posts + 1))
    baten = "".join(f"Baat {i};baten;2017;realisatie;{i}\n" for i in range(1, 9))
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": MINIMAL_YAML,
            "kosten.csv": "post;soort;jaar;stand;bedrag\n" + lasten + baten,
        },
    )
    outcome = build_one(folder, tmp_path / "out", ["pdf"], use_cache=False)
    assert outcome.ok and outcome.output is not None
    text = subprocess.run(
        ["pdftotext", "-layout", str(outcome.output / "r.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = [[" ".join(line.split()) for line in page.splitlines()] for page in text.split("\f")]
    assert len([p for p in pages if any(p)]) > 1

    def page_of(start: str, last: bool = False) -> int:
        """The page of the first (or last: in the saldo part) line that starts so."""
        found = [n for n, page in enumerate(pages) for line in page if line.startswith(start)]
        return found[-1] if last else found[0]

    assert page_of("Totaal lasten") == page_of(f"Post {posts} ")
    assert page_of("Baten") == page_of("Baat 1 ")
    saldo = page_of("Saldo van baten en lasten")
    assert saldo == page_of("Baat 8 ", last=True) == page_of("Baat 7 ", last=True)


def test_footnotes_stay_on_the_page_of_their_table(tmp_path: Path) -> None:
    """The footnotes under a table (begroting-2020's `*`) are kept with its last row."""
    outcome = build_one(DATA / "begroting-2020", tmp_path, ["docx"], use_cache=False)
    assert outcome.ok and outcome.output is not None
    word = docx.Document(str(outcome.output / "begroting-2020.docx"))
    body = list(word.element.body.iterchildren())
    noted = 0
    for table in word.tables:
        after = body[body.index(table._tbl) + 1]
        if not after.xpath("string(.)").startswith("*"):
            continue
        noted += 1
        assert all(kept(r) for r in table.rows)  # the last row too: the footnote follows
    assert noted
