"""``insert`` tested as a person would (issue 15, item 4): LibreOffice opens the updated document,
the rapport's figures and its chart are in the PDF it makes, and every page outside chapter 9 is
the page it was. Also for the document as LibreOffice itself saves it (another writer's XML).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from support.gemeentedocument import make_document
from support.helpers import DATA, SNAPSHOTS, pdf_text
from support.readback import missing_rows, table_rows

from jaarverslag.cli import main

pytestmark = pytest.mark.slow

WASSENAAR = DATA / "beleidsplan-wassenaar-2024"
JAARVERSLAG = DATA / "jaarverslag-2017"


def soffice(paths: list[Path], out: Path, target: str = "pdf:writer_pdf_Export") -> None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.fail("LibreOffice is not installed: `make test` installs libreoffice-writer")
    done = subprocess.run(
        [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for path in paths:
        assert (out / f"{path.stem}.{target.split(':')[0]}").is_file(), done.stdout + done.stderr


def pages(pdf: Path) -> list[str]:
    """The text of every page, the page number in the footer made neutral."""
    text = pdf_text(pdf)
    return [re.sub(r"Pagina \d+", "Pagina #", page) for page in text.split("\f")[:-1]]


def page_of(texts: list[str], heading: str) -> int:
    return next(i for i, t in enumerate(texts) if re.search(rf"^\s*\d+\.\s+{heading}\s*$", t, re.M))


def images(pdf: Path) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return sum(1 for line in listing.splitlines()[2:] if line.split()[2] == "image")  # no smask


def insert(*args: object) -> None:
    result = CliRunner().invoke(main, ["insert", *map(str, args)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The municipality's document and the two updated copies, as PDF by LibreOffice."""
    work = tmp_path_factory.mktemp("insert")
    original = make_document(work / "beleidsplan.docx")
    insert(WASSENAAR, original, "--heading", "Financiën", "-o", work / "hoofdstuk9.docx")
    insert(JAARVERSLAG, original, "--heading", "Monitoring", "-o", work / "grafiek.docx")
    # the same document as LibreOffice writes it, and chapter 9 replaced in that
    resaved = work / "libreoffice"
    resaved.mkdir()
    soffice([original], resaved, "docx:MS Word 2007 XML")
    insert(
        WASSENAAR, resaved / "beleidsplan.docx", "--heading", "Financiën", "-o", work / "lo.docx"
    )
    names = ["beleidsplan", "hoofdstuk9", "grafiek", "lo"]
    soffice([work / f"{n}.docx" for n in names], work / "pdf")
    return {n: work / "pdf" / f"{n}.pdf" for n in names} | {"work": work}


def test_every_page_outside_chapter_nine_is_the_page_it_was(converted: dict[str, Path]) -> None:
    before, after = pages(converted["beleidsplan"]), pages(converted["hoofdstuk9"])
    start = page_of(before, "Financiën")
    assert page_of(after, "Financiën") == start
    assert after[:start] == before[:start]  # title, table of contents, chapters 1-8
    rest = page_of(before, "Monitoring")
    assert after[page_of(after, "Monitoring") :] == before[rest:]  # chapter 10 on its own page
    assert "Beleidsplan — Hoofdstuk 9 Financiën" in after[start]  # the section's own header


def test_the_rapport_s_figures_are_in_chapter_nine(converted: dict[str, Path]) -> None:
    text = pdf_text(converted["hoofdstuk9"])
    rows = table_rows(SNAPSHOTS / "beleidsplan-wassenaar-2024")
    assert rows and not missing_rows(text, rows)
    assert "Verdeling over de gemeenten" in text and "Onzekerheden" in text


def test_the_chart_is_a_picture_in_the_pdf(converted: dict[str, Path]) -> None:
    assert images(converted["grafiek"]) == images(converted["beleidsplan"]) + 1
    rows = table_rows(SNAPSHOTS / "jaarverslag-2017")
    assert not missing_rows(pdf_text(converted["grafiek"]), rows)


def test_a_document_saved_by_libreoffice_gets_its_chapter_too(
    converted: dict[str, Path],
) -> None:
    word = docx.Document(str(converted["work"] / "lo.docx"))
    texts = [p.text for p in word.paragraphs]
    assert "Verdeling over de gemeenten" in texts and "Monitoring" in texts
    text = pdf_text(converted["lo"])
    assert not missing_rows(text, table_rows(SNAPSHOTS / "beleidsplan-wassenaar-2024"))
    before = pages(converted["beleidsplan"])
    after = pages(converted["lo"])
    start = page_of(before, "Financiën")
    assert len(after) > start and after[page_of(after, "Monitoring") :][0].strip()


def test_the_document_s_own_table_of_contents_takes_the_chapter_in(
    converted: dict[str, Path],
) -> None:
    """Issue 27, item 1: the rapport's sections are headings in the document's own styles, so
    its table of contents, updated (LibreOffice: Tools > Update > All Indexes), lists them with
    their pages; its captions continue the document's numbering."""
    from support.libreoffice import update_indexes

    work = converted["work"]
    updated = update_indexes(work / "hoofdstuk9.docx", work / "bijgewerkt" / "hoofdstuk9.pdf")
    texts = pdf_text(updated).split("\f")
    contents = next(t for t in texts if "Inhoudsopgave" in t)
    for heading in ("Verdeling over de gemeenten", "Onzekerheden"):
        line = next(line for line in contents.splitlines() if heading in line)
        page = int(re.findall(r"(\d+)\s*$", line)[0])
        assert any(
            re.search(rf"^\s*[\d.]*\s*{heading}\s*$", t, re.M) for t in texts[page - 1 : page]
        )
    word = docx.Document(str(work / "hoofdstuk9.docx"))
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Tabel 1 ") for c in captions), captions


STANDS = ((2022, "realisatie"), (2023, "begroting"), (2023, "begroting_na_wijziging"))
STANDS += ((2023, "realisatie"),)
# Issue 26: in a plain house style (Arial, Word's own table style) the bold saldo
# ``€ -1.715.000`` printed as ``€ -`` on one line and ``1.715.000`` on the next.
KOSTEN = "post;soort;jaar;stand;bedrag\n" + "".join(
    f"{post};{soort};{jaar};{stand};{bedrag}\n"
    for post, soort, rows in (
        ("6.3 Inkomensregelingen", "lasten", (1_250_000, 1_300_000, 1_400_000, 1_435_000)),
        ("6.4 Begeleide participatie", "lasten", (1_000_000, 1_000_000, 1_100_000, 1_050_000)),
        ("6.5 Arbeidsparticipatie", "lasten", (480_000, 500_000, 520_000, 560_000)),
        ("6.3 Inkomensregelingen", "baten", (900_000, 950_000, 1_000_000, 1_030_000)),
        ("6.4 Begeleide participatie", "baten", (250_000, 200_000, 250_000, 300_000)),
    )
    for (jaar, stand), bedrag in zip(STANDS, rows, strict=True)
)


def test_a_figure_never_breaks_in_a_plain_house_style(tmp_path: Path) -> None:
    from support.helpers import write_rapport

    yaml = "titel: Jaarverslag 2023\norganisatie: Proefstad\nsoort: jaarverslag\njaar: 2023\n"
    rapport = write_rapport(tmp_path / "k", {"rapport.yaml": yaml, "kosten.csv": KOSTEN})
    word = docx.Document()
    word.styles["Normal"].font.name = "Arial"
    word.styles["Normal"].font.size = docx.shared.Pt(11)
    for text, level in (("Inleiding", 1), ("Financiën", 1), ("Slot", 1)):
        word.add_heading(text, level)
        word.add_paragraph("Tekst van de gemeente.")
    word.save(str(tmp_path / "plain.docx"))
    insert(rapport, tmp_path / "plain.docx", "--heading", "Financiën", "-o", tmp_path / "k.docx")
    soffice([tmp_path / "k.docx"], tmp_path / "pdf")
    lines = [" ".join(line.split()) for line in pdf_text(tmp_path / "pdf" / "k.pdf").splitlines()]
    saldo = next(line for line in lines if line.startswith("Saldo van baten en"))
    for figure in ("1.580.000", "1.650.000", "1.770.000", "1.715.000"):
        # each amount whole, on the line of its label (a minus sign or a hyphen alike)
        assert re.search(f"€ [-\u2212]{figure}", saldo), saldo
    built = tmp_path / "out"
    CliRunner().invoke(main, ["build", str(rapport), "-o", str(built), "-f", "html"])
    assert not missing_rows("\n".join(lines), table_rows(built / "k"))
