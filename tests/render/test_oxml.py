"""python-docx still keeps each object's XML where render/docx/oxml.py reaches for it."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from jaarverslag.render.docx.oxml import (
    cell_element,
    comment_element,
    inline_element,
    paragraph_element,
    row_element,
    run_element,
    table_element,
)


def test_every_element_is_where_the_adapter_says() -> None:
    word = Document()
    table = word.add_table(rows=1, cols=1)
    assert table_element(table).tag == qn("w:tbl")
    assert row_element(table.rows[0]).tag == qn("w:tr")
    assert cell_element(table.cell(0, 0)).tag == qn("w:tc")
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
        b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
        b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    shape = word.add_picture(io.BytesIO(png))
    assert inline_element(shape).tag == qn("wp:inline")
    paragraph = word.add_paragraph()
    assert paragraph_element(paragraph).tag == qn("w:p")
    assert run_element(paragraph.add_run("x")).tag == qn("w:r")
    assert comment_element(word.add_comment(paragraph.runs, "c")).tag == qn("w:comment")
