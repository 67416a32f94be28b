"""Makes the pictures of docs/handleiding.md with the tests' own tools, so they stay current.

    python scripts/handleiding_beelden.py [--out docs/img]      (or: make docs-img)

The starter workbook of ``jaarverslag new --excel`` as LibreOffice Calc prints it (the
Toelichting and the kosten sheet), the first page of the PDF ``build`` makes of it, and chapter 9
of the municipality-shaped Word document of the tests (``tests/gemeentedocument.py``) before and
after ``jaarverslag insert``, as LibreOffice lays them out: PDF, then ``pdftoppm`` to PNG,
cropped to what is on the page. LibreOffice runs with a Dutch locale, so numbers read 1.180.000.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.gemeentedocument import make_document  # noqa: E402

from jaarverslag.build.pipeline import build_one  # noqa: E402
from jaarverslag.commands.insert import insert_chapter  # noqa: E402
from jaarverslag.commands.new import new_rapport  # noqa: E402

RESOLUTION = 80  #: dots per inch of the pictures
MARGIN = 16  #: pixels of white kept around what is on the page


def to_pdf(sources: list[Path], out: Path, profile: Path) -> None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        sys.exit("LibreOffice is nodig (make test installeert het)")
    environment = {**os.environ, "LC_ALL": "nl_NL.UTF-8", "LANG": "nl_NL.UTF-8"}
    subprocess.run(
        [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        env=environment,
        timeout=600,
    )


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def page_image(pdf: Path, page: int, work: Path) -> Image.Image:
    """Page ``page`` (0-based) as an image, cropped to its content."""
    stem = work / f"{pdf.stem}-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(RESOLUTION),
            "-f",
            str(page + 1),
            "-l",
            str(page + 1),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    image = Image.open(f"{stem}.png").convert("RGB")
    box = ImageChops.invert(ImageOps.grayscale(image)).getbbox()
    if box is None:
        return image
    left, top, right, bottom = box
    return image.crop(
        (
            max(0, left - MARGIN),
            max(0, top - MARGIN),
            min(image.width, right + MARGIN),
            min(image.height, bottom + MARGIN),
        )
    )


def side_by_side(images: list[Image.Image], gap: int = 24) -> Image.Image:
    """Pages next to each other, each with a thin grey edge, as a reader sees two pages."""
    framed = [ImageOps.expand(i, border=1, fill=(170, 170, 170)) for i in images]
    width = sum(i.width for i in framed) + gap * (len(framed) - 1)
    height = max(i.height for i in framed)
    canvas = Image.new("RGB", (width, height), "white")
    x = 0
    for image in framed:
        canvas.paste(image, (x, 0))
        x += image.width + gap
    return canvas


def first_page_with(texts: list[str], *words: str, after: int = -1) -> int:
    return next(i for i, t in enumerate(texts) if i > after and all(w in t for w in words))


def make(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        rapport = work / "mijn-rapport"
        new_rapport(rapport, jaar=2025, excel=True)
        outcome = build_one(rapport, work / "uitvoer", ["pdf"], use_cache=False)
        if not outcome.ok:
            sys.exit(f"de startwerkmap bouwt niet: {outcome.problems}")
        document = make_document(work / "beleidsplan.docx")
        insert_chapter(ROOT / "data" / "beleidsplan-wassenaar-2024", document, "Financiën")
        pdf = work / "pdf"
        to_pdf(
            [rapport / "rapport.xlsx", document, work / "beleidsplan.bijgewerkt.docx"],
            pdf,
            work / "profiel",
        )
        book = page_texts(pdf / "rapport.pdf")
        pictures = {
            "werkmap-toelichting.png": page_image(pdf / "rapport.pdf", 0, work),
            "werkmap-kosten.png": page_image(
                pdf / "rapport.pdf",
                first_page_with(book, "Begeleide participatie", "1.236.500"),
                work,
            ),
            "rapport-pdf.png": page_image(
                work / "uitvoer" / "mijn-rapport" / "mijn-rapport.pdf", 0, work
            ),
        }
        before = pdf / "beleidsplan.pdf"
        after = pdf / "beleidsplan.bijgewerkt.pdf"
        start = first_page_with(page_texts(before), "9. Financiën", "Bedragen in")
        pictures["hoofdstuk9-voor.png"] = page_image(before, start, work)
        texts = page_texts(after)
        first = first_page_with(texts, "9. Financiën", "Tabel 1")
        last = first_page_with(texts, "10. Monitoring", after=first) - 1
        pages = [page_image(after, p, work) for p in range(first, last + 1)]
        pictures["hoofdstuk9-na.png"] = side_by_side(pages)
        for name, image in pictures.items():
            image.save(out / name, optimize=True)
            written.append(out / name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    for path in make(parser.parse_args().out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
