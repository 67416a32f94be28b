"""Accessible documents, checked on every example rapport under data/.

- PDF: tagged PDF/UA-1 (XMP ``pdfuaid:part`` 1) and PDF/A-2a (``pdfaid`` 2/A, an sRGB output
  intent), title shown as window title, language ``nl``, a structure tree in reading order whose
  table headers are ``TH`` (inside ``THead``), captions, and figures with alt text that states
  the figures — read with pikepdf. veraPDF's verdict on both standards: test_archival.py.
- HTML: ``lang="nl"``, a caption on every table, ``scope`` on every ``th``, ``alt`` on every
  image, and no violation at all from axe-core (npm, pinned in package.json) in headless
  Chromium (Debian's ``chromium``).
- DOCX: language ``nl-NL`` (core properties and the styles), title and author, alt text on
  every image, the header rows of every table marked as repeated header rows, and Word's own
  Title/Heading styles — read with python-docx; and LibreOffice's PDF export of it is tagged
  (structure tree, ``TH`` cells, figure alt text, ``/Lang nl-NL``) — read with pikepdf.

A tool that is missing fails the test loudly (``make test`` installs them all).
"""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
import yaml
from docx import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import html as lxml_html
from support import verapdf_cli
from support.helpers import DATA, REEKS_SAMPLE, ROOT, main_document

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
EXAMPLES = sorted(p.name for p in DATA.iterdir() if (p / "rapport.yaml").is_file())


def output(built, name: str, ext: str) -> Path:  # type: ignore[no-untyped-def]
    return built(name).output / f"{main_document(name)}.{ext}"


def config(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DATA / name / "rapport.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def titel(name: str) -> str:
    return str(config(name)["titel"])


# --- PDF ------------------------------------------------------------------------------------


def structure(pdf: pikepdf.Pdf) -> list[tuple[str, str | None, pikepdf.Dictionary]]:
    """Every structure element as (type, parent type, element), in document order."""
    found: list[tuple[str, str | None, pikepdf.Dictionary]] = []

    def walk(node: object, parent: str | None) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child, parent)
        elif isinstance(node, pikepdf.Dictionary):
            kind = str(node.get("/S")) if "/S" in node else None
            if kind is not None:
                found.append((kind, parent, node))
            if "/K" in node:
                walk(node.K, kind or parent)

    walk(pdf.Root.StructTreeRoot, None)
    return found


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_is_tagged_pdf_ua(built, name: str) -> None:  # type: ignore[no-untyped-def]
    with pikepdf.open(output(built, name, "pdf")) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "nl"
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert "/StructTreeRoot" in root
        meta = pdf.open_metadata()
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert meta.get("{http://www.aiim.org/pdfa/ns/id/}part") == "2"
        assert meta.get("{http://www.aiim.org/pdfa/ns/id/}conformance") == "A"
        assert [str(intent.S) for intent in root.OutputIntents] == ["/GTS_PDFA1"]
        assert meta.get("{http://purl.org/dc/elements/1.1/}title") == titel(name)
        assert str(pdf.docinfo.Title) == titel(name)


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_tables_have_header_cells(built, name: str) -> None:  # type: ignore[no-untyped-def]
    page = lxml_html.fromstring(output(built, name, "html").read_bytes())
    with pikepdf.open(output(built, name, "pdf")) as pdf:
        elements = structure(pdf)
    kinds = Counter(kind for kind, _, _ in elements)
    assert kinds["/Document"] == 1
    assert kinds["/H1"] == 1
    assert kinds["/Table"] >= len(page.xpath("//table")) >= 1  # a table split over pages: 2
    assert kinds["/Caption"] >= len(page.xpath("//caption"))
    # every th of the HTML is a TH in the PDF, the column headers inside THead
    assert kinds["/TH"] >= len(page.xpath("//th"))
    assert kinds["/THead"] >= len(page.xpath("//thead"))
    column_headers = [e for kind, parent, e in elements if kind == "/TH" and parent == "/TR"]
    assert column_headers
    in_thead = sum(1 for kind, parent, _ in elements if kind == "/TR" and parent == "/THead")
    assert in_thead >= len(page.xpath("//thead/tr"))
    # PDF/UA: a data cell names its headers (Headers → the IDs of TH cells), so no TH needs Scope
    header_ids = {str(e.ID) for kind, _, e in elements if kind == "/TH"}
    data_cells = [e for kind, _, e in elements if kind == "/TD"]
    assert data_cells
    for cell in data_cells:
        if "/Headers" not in cell.A:  # an empty spacer row has no figure to label
            continue
        headers = [str(h) for h in cell.A.Headers]
        assert headers and set(headers) <= header_ids
    labelled = sum(1 for cell in data_cells if "/Headers" in cell.A)
    assert labelled >= len(page.xpath("//td[normalize-space()]"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_figures_have_alt_text(built, name: str) -> None:  # type: ignore[no-untyped-def]
    page = lxml_html.fromstring(output(built, name, "html").read_bytes())
    with pikepdf.open(output(built, name, "pdf")) as pdf:
        alts = [str(e.get("/Alt", "")) for kind, _, e in structure(pdf) if kind == "/Figure"]
    # the very text of the HTML, which for a chart states every value it draws
    assert alts == [img.get("alt") for img in page.xpath("//img")]
    for alt in alts:
        assert len(alt) > 20 and re.search(r"\d", alt), alt


#: HTML elements whose order a screen reader follows, and the PDF structure type of each
READING = {"h1": "/H1", "h2": "/H2", "h3": "/H3", "h4": "/H4", "table": "/Table",
           "caption": "/Caption", "figcaption": "/Caption", "img": "/Figure"}  # fmt: skip


def _collapsed(kinds: list[str]) -> list[str]:
    """A table split over pages is two Table elements in a row (the caption inside the first,
    when the break comes after it; a new table has a caption of its own): count it once."""

    def continued(i: int) -> bool:
        after_caption = kinds[max(i - 2, 0) : i] == ["/Table", "/Caption"]
        own_caption = kinds[i + 1 : i + 2] in (["/Caption"], ["/Table"])  # then it is a new one
        return kinds[i - 1 : i] == ["/Table"] or (after_caption and not own_caption)

    return [k for i, k in enumerate(kinds) if not (k == "/Table" and continued(i))]


@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_reading_order_follows_html(built, name: str) -> None:  # type: ignore[no-untyped-def]
    """The structure tree — what a screen reader reads — has headings, tables, captions and
    figures in the order of the HTML, so no block is read out of place."""
    page = lxml_html.fromstring(output(built, name, "html").read_bytes())
    in_html = [READING[e.tag] for e in page.iter() if e.tag in READING]
    with pikepdf.open(output(built, name, "pdf")) as pdf:
        in_pdf = [kind for kind, _, _ in structure(pdf) if kind in READING.values()]
    assert _collapsed(in_pdf) == in_html


# --- HTML -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_structure(built, name: str) -> None:  # type: ignore[no-untyped-def]
    page = lxml_html.fromstring(output(built, name, "html").read_bytes())
    assert page.get("lang") == "nl"
    assert page.findtext(".//title").strip() == titel(name)
    assert len(page.xpath("//h1")) == 1
    tables = page.xpath("//table")
    assert tables
    for table in tables:
        assert table.xpath("./caption") and table.xpath("string(./caption)").strip()
    for th in page.xpath("//th"):
        assert th.get("scope") in ("col", "row", "rowgroup", "colgroup"), lxml_html.tostring(th)
    for img in page.xpath("//img"):
        assert (img.get("alt") or "").strip(), lxml_html.tostring(img)[:200]


def chromium() -> str:
    """Debian's chromium; a missing browser fails loudly (in CI as anywhere)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: `make test` installs it (scripts/system-deps.sh)")


def axe_script() -> str:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: `make test` runs `npm ci` (package.json)")
    return AXE.read_text(encoding="utf-8")


RUNNER = """<script>%s</script><script>
axe.run(document, {resultTypes: ['violations']}).then(function (r) {
  report({violations: r.violations, passes: r.passes.length});
}, function (e) { report({error: String(e)}); });
function report(result) {
  var out = document.createElement('pre');
  out.id = 'axe-result';
  out.textContent = JSON.stringify(result);
  document.documentElement.appendChild(out);
}
</script>"""


def run_axe(page: str, workdir: Path) -> dict:
    """Run axe-core (every rule but the experimental ones) over ``page`` in headless Chromium.

    The page gets axe and a small runner that writes the results into the DOM, and Chromium
    dumps the DOM once its virtual clock has let the asynchronous checks finish.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "page.html"
    target.write_text(page.replace("</body>", RUNNER % axe_script() + "</body>"), "utf-8")
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={workdir / 'profile'}",
        "--virtual-time-budget=60000",
        "--dump-dom",
        target.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', done.stdout, re.S)
    assert found, f"axe gave no result (chromium exit {done.returncode}): {done.stderr[-2000:]}"
    result = json.loads(htmllib.unescape(found.group(1)))
    assert "error" not in result, result
    return result


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


@pytest.mark.parametrize("name", EXAMPLES)
def test_axe_finds_no_violations(built, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every HTML page the build writes (a reeks: the index and each gemeente's page too)."""
    pages = sorted(built(name).output.rglob("*.html"))
    assert output(built, name, "html") in pages
    for number, page in enumerate(pages):
        result = run_axe(page.read_text(encoding="utf-8"), tmp_path / str(number))
        assert result["passes"] > 10  # axe really looked
        assert result["violations"] == [], f"{page}:\n{describe(result['violations'])}"


def test_axe_harness_does_find_violations(tmp_path: Path) -> None:
    """The harness can fail: a page without language, alt text or table headers is caught."""
    page = (
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "<table><tr><td></td></tr></table></main></body></html>"
    )
    ids = {v["id"] for v in run_axe(page, tmp_path)["violations"]}
    assert {"html-has-lang", "image-alt"} <= ids


# --- DOCX -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_is_accessible(built, name: str) -> None:  # type: ignore[no-untyped-def]
    page = lxml_html.fromstring(output(built, name, "html").read_bytes())
    doc = DocxDocument(str(output(built, name, "docx")))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", titel(name)) in styles
    sections = [h.text_content().strip() for h in page.xpath("//main//h2")]
    assert [text for style, text in styles if style == "Heading 1"] == sections
    assert doc.core_properties.title == titel(name)
    organisatie = config(name)["organisatie"]  # a reeks: Gemeente {gemeente}, filled in
    assert doc.core_properties.author == organisatie.replace("{gemeente}", REEKS_SAMPLE[0])
    assert doc.core_properties.language == "nl-NL"
    # the language of the text itself (what proofing, screen readers and a PDF export read)
    langs = {e.get(qn("w:val")) for e in doc.styles.element.iter(qn("w:lang"))}
    assert langs == {"nl-NL"}
    # every table: its header rows (the HTML's thead) are marked as header rows, and only those
    assert len(doc.tables) == len(page.xpath("//table"))
    for table, html_table in zip(doc.tables, page.xpath("//table"), strict=True):
        marked = [_is_header_row(row._tr) for row in table.rows]
        heads = len(html_table.xpath("./thead/tr")) or 1
        assert marked == [True] * heads + [False] * (len(marked) - heads)
    # every image: alt text (docPr descr), as many as the HTML has
    pictures = list(doc.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == len(page.xpath("//img"))
    for picture in pictures:
        assert len(picture.get("descr") or "") > 20


def _is_header_row(tr) -> bool:  # type: ignore[no-untyped-def]
    header = tr.trPr.find(qn("w:tblHeader")) if tr.trPr is not None else None
    return header is not None and header.get(qn("w:val")) in (None, "1", "true", "on")


#: LibreOffice's PDF export with tags (filter options as JSON, LibreOffice 7.4 and later)
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


@pytest.fixture(scope="module")
def libreoffice_pdfs(built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """Every example DOCX exported to tagged PDF by LibreOffice, in one soffice run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: `make test` installs libreoffice-writer")
    docx = [output(built, name, "docx") for name in EXAMPLES]
    work = tmp_path_factory.mktemp("tagged")
    command = [
        soffice,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--convert-to",
        TAGGED_PDF,
        "--outdir",
        str(work / "pdf"),
        *map(str, docx),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return {name: work / "pdf" / f"{Path(main_document(name)).name}.pdf" for name in EXAMPLES}


@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_exports_to_tagged_pdf(built, libreoffice_pdfs, name: str) -> None:  # type: ignore[no-untyped-def]
    """What Word or LibreOffice makes of our DOCX is tagged too: headings, tables with header
    cells, figures with our alt text, in Dutch — the DOCX carries all a tagged PDF needs."""
    page = lxml_html.fromstring(output(built, name, "html").read_bytes())
    with pikepdf.open(libreoffice_pdfs[name]) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root, "LibreOffice wrote an untagged PDF"
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "nl-NL"
        assert str(pdf.docinfo.Title) == titel(name)
        elements = structure(pdf)
    kinds = Counter(kind for kind, _, _ in elements)
    assert kinds["/Table"] == len(page.xpath("//table"))
    assert kinds["/TH"] >= len(page.xpath("//thead//th"))
    alts = [str(e.get("/Alt", "")) for kind, _, e in elements if kind == "/Figure"]
    assert alts == [img.get("alt") for img in page.xpath("//img")]


def test_ci_runs_everything() -> None:
    """In CI the tools must be there: nothing may quietly not run."""
    if os.environ.get("CI") == "true":
        chromium()
        axe_script()
        for tool in ("soffice", "pdftotext", "java"):
            if shutil.which(tool) is None:
                pytest.fail(f"{tool} is missing in CI: scripts/system-deps.sh --test installs it")
        verapdf_cli.command()


def test_axe_finds_no_violations_in_contents_references_colofon_and_the_diff_report(
    tmp_path: Path,
) -> None:
    """Issue 27: a page with a table of contents and both lists, references in a text and a
    colofon, and the report of ``diff``."""
    from jaarverslag.build.pipeline import build_one
    from jaarverslag.commands.diff import diff

    folder = tmp_path / "participatie"
    shutil.copytree(DATA / "participatie-2017", folder)
    config = folder / "rapport.yaml"
    config.write_text(config.read_text() + "inhoud: [koppen, tabellen, figuren]\ncolofon: true\n")
    text = folder / "teksten" / "01-route.md"
    text.write_text(text.read_text() + "\n## Verder\n\nZie [@tabel-ladder_treden].\n")
    assert build_one(folder, tmp_path / "out", ("html",), use_cache=False).ok
    diff(DATA / "participatie-2017", folder, tmp_path / "verschillen", docx=False)
    pages = [tmp_path / "out" / "participatie" / "participatie.html"]
    pages.append(tmp_path / "verschillen" / "verschillen.html")
    for number, page in enumerate(pages):
        result = run_axe(page.read_text(encoding="utf-8"), tmp_path / str(number))
        assert result["passes"] > 10
        assert result["violations"] == [], f"{page}:\n{describe(result['violations'])}"
