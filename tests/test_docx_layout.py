"""Tables in the DOCX break as a reader expects: no row over two pages, a short table on one
page with its caption, a long one never right after its header nor with a lone total row.
(Word and LibreOffice lay out with their own fonts: the DOCX must say how it may break.)"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml.ns import qn
from helpers import DATA, MINIMAL_YAML, write_rapport

from jaarverslag.pipeline import build_one
from jaarverslag.render.docx_tables import KEEP_EDGE, KEEP_ROWS


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
