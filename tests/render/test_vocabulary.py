"""The template–writer contract (issue 11 item 5): the classes the DOCX writer reads are written
down in one module and in base.html's header, and an overridden blocks.html keeps the DOCX's
number alignment and totals."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document as Word
from docx.enum.text import WD_ALIGN_PARAGRAPH
from support.helpers import DATA, write_rapport

from jaarverslag.build.pipeline import build_one
from jaarverslag.render import vocabulary
from jaarverslag.render.html import builtin_templates


def test_base_html_documents_every_class_the_writer_reads() -> None:
    header = (builtin_templates() / "base.html").read_text(encoding="utf-8").split("#}")[0]
    documented = set(re.findall(r"[a-z][a-z-]+", header.split("classes", 1)[1]))
    assert documented >= vocabulary.CLASSES, vocabulary.CLASSES - documented
    assert vocabulary.CHART_NAME in header


def test_the_writer_reads_no_class_outside_the_vocabulary() -> None:
    """Every class name the DOCX writer tests for comes from vocabulary.py."""
    writer = Path(vocabulary.__file__).parent / "docx"
    for module in sorted(writer.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert not re.search(r'"(num|tekst|accent|totaal|voetnoten|metnoot)"', text)


def test_an_overridden_blocks_html_keeps_alignment_and_totals(tmp_path: Path) -> None:
    blocks = (builtin_templates() / "blocks.html").read_text(encoding="utf-8")
    own = blocks.replace('<span class="nummer">Tabel', '<span class="nummer">Tab.')
    assert own != blocks
    source = tmp_path / "plan"
    for path in (DATA / "beleidsplan-wassenaar-2024").rglob("*"):
        if path.is_file():
            relative = path.relative_to(DATA / "beleidsplan-wassenaar-2024")
            write_rapport(source, {str(relative): path.read_bytes()})
    write_rapport(source, {"templates/blocks.html": own})
    outcome = build_one(source, tmp_path / "out", ("docx",), use_cache=False)
    assert outcome.ok, outcome.problems
    word = Word(str(tmp_path / "out" / "plan" / "plan.docx"))
    captions = [p.text for p in word.paragraphs if p.text.startswith("Tab.")]
    assert captions, "the overridden template was not used"
    table = word.tables[0]
    figures = [
        cell.paragraphs[0]
        for row in table.rows[1:]
        for cell in row.cells[1:]
        if re.fullmatch(r"[-\d.,€\s]+", cell.text.strip())
    ]
    assert figures and all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in figures)
    totals = [row for row in table.rows if row.cells[0].text.startswith(("Totale", "Subtotaal"))]
    assert totals
    for row in totals:
        assert all(run.bold for cell in row.cells for run in cell.paragraphs[0].runs if run.text)
