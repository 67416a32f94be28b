"""Stage 4, render: one document into the chosen formats, and its tables as open data.

The document becomes one HTML page (:mod:`.html`); that page is the HTML file, is laid out as
the PDF (:mod:`.pdf`, through ``pdf`` when a helper process does the layout) and is walked into
the DOCX (:mod:`.docx`, with the charts drawn as PNG). The open data comes from the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jaarverslag.core.model import Chart, Document, DotChart

if TYPE_CHECKING:
    from jaarverslag.inputs.config.load import Config

#: Lays out an HTML page as PDF: (html, rapport folder, PDF/A too) → bytes.
PdfRenderer = Callable[[str, Path | None, bool], bytes]


def render_document(
    document: Document,
    formats: Sequence[str],
    name: str,
    *,
    folder: Path,
    config: Config,
    tables: bool = True,
    pdf: PdfRenderer | None = None,
) -> dict[str, bytes]:
    """The files of one document by relative path (``name.pdf`` …, ``tabellen/*.csv``)."""
    from jaarverslag.render.html import render_html
    from jaarverslag.render.opendata import table_csv

    html = render_html(document, folder)
    files: dict[str, bytes] = {}
    if "html" in formats:
        files[f"{name}.html"] = html.encode()
    if "pdf" in formats:
        files[f"{name}.pdf"] = (pdf or _render_pdf)(html, folder, config.pdfa)
    if "docx" in formats:
        from jaarverslag.render.docx.writer import render_docx

        pngs = figure_pngs(document)
        files[f"{name}.docx"] = render_docx(html, document, pngs, config.huisstijl)
    for table in document.tables() if tables else ():
        files[f"tabellen/{table.name}.csv"] = table_csv(table).encode()
    return files


def figure_pngs(document: Document) -> dict[str, bytes]:
    """Every figure of the document as the PNG a Word document gets, by its name."""
    from jaarverslag.render.charts import png
    from jaarverslag.render.dotplot import png as dots

    blocks = [b for s in document.sections for b in s.blocks]
    pngs = {c.name: png(c) for c in blocks if isinstance(c, Chart)}
    pngs |= {c.name: dots(c) for c in blocks if isinstance(c, DotChart)}
    return pngs


def _render_pdf(html: str, folder: Path | None, pdfa: bool) -> bytes:
    from jaarverslag.render.pdf import render_pdf

    return render_pdf(html, folder, pdfa)
