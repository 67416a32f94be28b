"""Pictures in a rapport's own texts: every format shows them, ``check`` names the bad ones.

A picture in Markdown is a file of the rapport folder. The HTML carries it inside the page (it
was a relative link to a file the output folder doesn't have), the PDF shows it, the DOCX has
it in the line with its description (an SVG, which Word can't show, as its description in
brackets, with a warning); a missing, foreign, remote or broken picture is an error naming the
text and its line.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from PIL import Image
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.cli import main
from jaarverslag.inputs.images import media_type

INDICATOREN = "id;indicator;jaar;soort;waarde\na;Een;2017;realisatie;5\n"
SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>'


def picture(mode: str, fmt: str, size: tuple[int, int] = (300, 150)) -> bytes:
    out = io.BytesIO()
    colour = (0, 128, 255, 0) if mode == "CMYK" else (0, 114, 178)
    Image.new(mode, size, colour).save(out, format=fmt)
    return out.getvalue()


def rapport(folder: Path, text: str, extra: dict[str, str | bytes] | None = None) -> Path:
    yaml = MINIMAL_YAML + "secties:\n  - titel: Inleiding\n    tekst: teksten/in.md\n"
    files: dict[str, str | bytes] = {
        "rapport.yaml": yaml,
        "indicatoren.csv": INDICATOREN,
        "teksten/in.md": text,
    }
    return write_rapport(folder, files | (extra or {}))


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_every_format_shows_the_pictures_of_a_text(tmp_path: Path) -> None:
    text = (
        "Voor.\n\n![Een blauw vlak](beelden/blauw.png)\n\n"
        "In de regel ![een CMYK-foto](foto.jpg) en ![een vorm](vorm.svg) erna.\n"
    )
    extra: dict[str, str | bytes] = {
        "beelden/blauw.png": picture("RGB", "PNG", (3000, 100)),  # wider than the page
        "foto.jpg": picture("CMYK", "JPEG"),  # no JFIF header: python-docx can't read it
        "vorm.svg": SVG,
    }
    folder = rapport(tmp_path / "r", text, extra)
    code, output = run("build", folder, "-o", tmp_path / "out")
    assert code == 0, output
    assert "in.md:5: waarschuwing: afbeelding 'vorm.svg' is SVG" in output
    out = tmp_path / "out" / "r"

    html = (out / "r.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]*)" alt="([^"]*)"', html)
    mine = {alt: src for src, alt in sources if not alt.startswith("Staafdiagram")}
    assert set(mine) == {"Een blauw vlak", "een CMYK-foto", "een vorm"}
    assert mine["Een blauw vlak"].startswith("data:image/png;base64,")
    assert mine["een CMYK-foto"].startswith("data:image/jpeg;base64,")
    assert mine["een vorm"].startswith("data:image/svg+xml;base64,")

    listing = subprocess.run(
        ["pdfimages", "-list", str(out / "r.pdf")], capture_output=True, text=True, check=True
    ).stdout
    sizes = {tuple(line.split()[3:5]) for line in listing.splitlines()[2:]}
    assert {("3000", "100"), ("300", "150")} <= sizes

    word = Document(str(out / "r.docx"))
    shapes = {s._inline.docPr.get("descr"): s for s in word.inline_shapes}
    assert {"Een blauw vlak", "een CMYK-foto"} <= set(shapes)
    width = word.sections[-1].page_width - word.sections[-1].left_margin
    width -= word.sections[-1].right_margin
    assert shapes["Een blauw vlak"].width <= width  # scaled to the text, proportions kept
    ratio = shapes["Een blauw vlak"].width / shapes["Een blauw vlak"].height
    assert ratio == pytest.approx(30, rel=0.01)
    lines = [p.text for p in word.paragraphs]
    assert "In de regel  en [afbeelding: een vorm] erna." in lines


@pytest.mark.parametrize(
    ("markdown", "files", "message"),
    [
        ("![weg](weg.png)", {}, "in.md:3: afbeelding 'weg.png' bestaat niet"),
        (
            "![web](https://example.org/a.png)",
            {},
            "in.md:3: afbeelding 'https://example.org/a.png' staat niet in de rapportmap",
        ),
        ("![tekst](a.png)", {"a.png": "geen plaatje"}, "in.md:3: afbeelding 'a.png': is geen"),
        (
            "![kapot](a.png)",
            {"a.png": picture("RGB", "PNG")[:60]},
            "in.md:3: afbeelding 'a.png': is beschadigd",
        ),
        ("![buiten](../buiten.png)", {}, "verwijst naar een bestand buiten de rapportmap"),
    ],
)
def test_a_bad_picture_is_named_by_text_and_line(
    tmp_path: Path, markdown: str, files: dict[str, str | bytes], message: str
) -> None:
    (tmp_path / "buiten.png").write_bytes(picture("RGB", "PNG"))
    folder = rapport(tmp_path / "r", f"Voor.\n\n{markdown}\n", files)
    for args in (("check", folder), ("build", folder, "-o", tmp_path / "out")):
        code, output = run(*args)
        assert code == 1, output
        assert message in output
    assert not (tmp_path / "out").exists()


def test_one_picture_used_twice_is_read_once_and_named_once(tmp_path: Path) -> None:
    folder = rapport(tmp_path / "r", "![a](weg.png)\n\n![b](weg.png) ![c](weg.png)\n")
    code, output = run("check", folder)
    assert code == 1 and output.count("weg.png") == 1, output


def test_pictures_are_known_by_their_content_not_their_name() -> None:
    assert media_type(picture("RGB", "PNG")) == "image/png"
    assert media_type(picture("RGB", "JPEG")) == "image/jpeg"
    assert media_type(picture("P", "GIF")) == "image/gif"
    assert media_type(SVG.encode()) == "image/svg+xml"
    assert media_type(b"<!-- x -->\n<svg>") == "image/svg+xml"
    assert media_type(b"<html><svg>") is None
    assert media_type(b"BM...") is None  # a bitmap: not for the web


def test_a_picture_is_verified_once_per_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reeks shows one logo in 342 documents: it is verified and encoded once, and again only
    when its content changes. (It is read every time: reading and hashing a logo is cheap, and
    the cache is keyed by what was read, never by the file's name or times.)"""
    from jaarverslag.inputs import images

    (tmp_path / "logo.png").write_bytes(picture("RGB", "PNG"))
    verified: list[bytes] = []
    real = images._readable

    def counting(data: bytes) -> bool:
        verified.append(data)
        return real(data)

    monkeypatch.setattr(images, "_readable", counting)
    monkeypatch.setattr(images, "_CACHE", type(images._CACHE)())
    first = [images.load(tmp_path, "logo.png", "logo")[0] for _ in range(3)]
    assert len(verified) == 1 and first[0] is not None and len(set(first)) == 1
    (tmp_path / "logo.png").write_bytes(picture("RGB", "PNG", (10, 10)))
    changed, _ = images.load(tmp_path, "logo.png", "logo")
    assert len(verified) == 2 and changed != first[0]


def test_a_picture_changed_in_place_is_never_the_cached_one(tmp_path: Path) -> None:
    """Issue 22: the cache was keyed by path, inode, size and time — a file rewritten with the
    same size and its time put back showed the old picture (and a check of the old bytes)."""
    from jaarverslag.inputs import images

    path = tmp_path / "logo.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>A</text></svg>')
    times = (path.stat().st_atime_ns, path.stat().st_mtime_ns)
    before, _ = images.load(tmp_path, "logo.svg", "logo")
    with path.open("r+b") as handle:  # same inode, same size, same time
        handle.write(b'<svg xmlns="http://www.w3.org/2000/svg"><text>B</text></svg>')
    os.utime(path, ns=times)
    after, _ = images.load(tmp_path, "logo.svg", "logo")
    assert before is not None and after is not None and after != before


def test_a_picture_in_either_quotes_is_put_in_the_page_and_a_data_uri_is_left(
    tmp_path: Path,
) -> None:
    """``inline``: a picture of the folder in double or single quotes becomes a ``data:`` URI;
    one that is one already (a chart: tens of kilobytes) and one from elsewhere stay as they
    are. Fast on a page with a large chart (the live preview does this at every keystroke)."""
    import time

    from jaarverslag.inputs.images import inline

    (tmp_path / "a.png").write_bytes(picture("RGB", "PNG", (4, 2)))
    chart = "data:image/svg+xml;base64," + "QUJD" * 50_000
    html = (
        f'<p><img alt="x" src="a.png"> <img src=\'a.png\' alt="y"> <img src="{chart}">'
        ' <img src="https://example.org/b.png"></p>'
    )
    out = inline(html, tmp_path)
    found = re.findall(r"""src=(["'])(.*?)\1""", out)
    assert [q for q, _ in found] == ['"', "'", '"', '"']
    assert found[0][1].startswith("data:image/png;base64,") and found[1][1] == found[0][1]
    assert found[2][1] == chart and found[3][1] == "https://example.org/b.png"
    start = time.process_time()
    for _ in range(20):
        inline(f'<img src="{chart}"><img src="{chart}">', tmp_path)
    assert time.process_time() - start < 0.15  # here: 0.025 s; the lazy match took 0.3 s
