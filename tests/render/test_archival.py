"""Every PDF is PDF/A-2a and PDF/UA-1 at once, as veraPDF — the reference validator — sees it.

Built here, PDF only: every example under data/, every per-partner variant of those with a
verdeelsleutel, a rapport whose text holds what PDF/A is strict about (links, raster images
with alpha, a palette, grey, a CMYK JPEG, an SVG with a gradient and opacity), and a copy of an
example with ``pdfa: false``, which must stay PDF/UA-1. veraPDF then runs once per flavour over
all of them, the two JVMs side by side. PDF/A-2a holds every rule of -2u and -2b and adds the
tagging rules. A failure names the file, the rule and one offending object.

What veraPDF cannot judge (reading order, header cells, alt text that states the figures) is
checked with pikepdf in test_accessibility.py.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from support.helpers import DATA, sample
from support.verapdf_cli import read, start, validate

from jaarverslag.build.pipeline import build_one
from jaarverslag.inputs.config.load import load_config
from jaarverslag.render.pdf import render_pdf

pytestmark = pytest.mark.slow

EXAMPLES = sorted(p.name for p in DATA.iterdir() if (p / "rapport.yaml").is_file())
FLAVOURS = {"ua1": "PDF/UA-1", "2a": "PDF/A-2A"}  # veraPDF flavour → its profile
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"

MEDIA_TEXT = """

#### Een kop die niveaus overslaat

| Kolom | Getal |
| --- | ---: |
| tekst | 12 |

Zie [de website](https://www.example.org/verslag), <https://www.example.org> of [boven](#top).
Zie ook [@tabel-indicatoren] en [@Figuur-grafiek-1].

![Een oranje ovaal, half doorzichtig](alfa.png) ![Een oranje vlak, als CMYK-foto](cmyk.jpg)
![Een grijs vlak](grijs.png) ![Een vlak uit een palet](palet.png) ![Een blauwe foto](rgb.jpg)
![Een verloop van rood naar blauw met een groene cirkel](vorm.svg)
"""

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><defs><linearGradient '
    'id="g"><stop offset="0" stop-color="#d55e00" stop-opacity="0.3"/><stop offset="1" '
    'stop-color="#0072b2"/></linearGradient></defs><rect width="200" height="80" '
    'fill="url(#g)"/><circle cx="40" cy="40" r="30" fill="#009e73" opacity="0.5"/></svg>'
)


def _image(mode: str, colour: object, fmt: str, size: tuple[int, int] = (80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=fmt)  # type: ignore[arg-type]
    return out.getvalue()


def media_rapport(folder: Path) -> Path:
    """jaarverslag-2017 with links, references to a table and a figure, a Markdown table, a
    heading that skips levels, every kind of picture a rapport's text may hold, a table of
    contents with both lists (its entries are links, its pages generated text) and a
    colofon."""
    shutil.copytree(DATA / "jaarverslag-2017", folder)
    yaml = folder / "rapport.yaml"
    yaml.write_text(yaml.read_text() + "inhoud: [koppen, tabellen, figuren]\ncolofon: true\n")
    tekst = folder / "teksten" / "01-inleiding.md"
    tekst.write_text(tekst.read_text(encoding="utf-8") + MEDIA_TEXT, encoding="utf-8")
    pictures = {
        "alfa.png": _image("RGBA", (230, 159, 0, 128), "PNG"),
        "cmyk.jpg": _image("CMYK", (0, 128, 255, 0), "JPEG"),
        "grijs.png": _image("L", 100, "PNG"),
        "palet.png": _image("P", 3, "PNG"),
        "rgb.jpg": _image("RGB", (0, 114, 178), "JPEG"),
        "vorm.svg": SVG.encode(),
    }
    for name, data in pictures.items():
        (folder / name).write_bytes(data)  # paths in the text are relative to the rapport
    return folder


def without_pdfa(folder: Path) -> Path:
    shutil.copytree(DATA / "jaarverslag-2017", folder)
    yaml = folder / "rapport.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "pdfa: false\n", encoding="utf-8")
    return folder


def build_pdfs(folder: Path, out: Path) -> list[Path]:
    """Every PDF of a rapport: the document and its per-partner variants."""
    per_partij = any(folder.glob("verdeelsleutel.*"))
    outcome = build_one(
        folder, out, ["pdf"], per_partij, use_cache=False, gemeenten=sample(folder.name)
    )
    assert outcome.ok, "\n".join(map(str, outcome.problems))
    return sorted((out / folder.name).rglob("*.pdf"))  # a reeks: one folder per gemeente


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """``archival``: every PDF that must pass both flavours; ``ua_only``: the pdfa-false one."""
    work = tmp_path_factory.mktemp("archival")
    out = work / "out"
    archival = [pdf for name in EXAMPLES for pdf in build_pdfs(DATA / name, out)]
    media = media_rapport(work / "in" / "beelden-2017")
    archival += build_pdfs(media, out)
    from jaarverslag.commands.diff import diff  # the report of `diff`: a PDF like every other

    diff(DATA / "jaarverslag-2017", media, out / "verschillen", docx=False)
    archival.append(out / "verschillen" / "verschillen.pdf")
    ua_only = build_pdfs(without_pdfa(work / "in" / "zonder-pdfa"), out)
    return {"archival": archival, "ua_only": ua_only}


@pytest.mark.slow
def test_verapdf_passes_every_pdf_for_pdf_ua_1_and_pdf_a_2a(archive) -> None:  # type: ignore[no-untyped-def]
    everything = archive["archival"] + archive["ua_only"]
    assert len(archive["archival"]) >= len(EXAMPLES) + 3  # + per-partner variants + media
    runs = {flavour: start(flavour, everything) for flavour in FLAVOURS}
    verdicts = {flavour: read(process, flavour) for flavour, process in runs.items()}

    expected: dict[str, list[Path]] = {"ua1": everything, "2a": archive["archival"]}
    problems: list[str] = []
    for flavour, paths in expected.items():
        by_path = {v.path.resolve(): v for v in verdicts[flavour]}
        for path in paths:
            verdict = by_path.get(path.resolve())
            if verdict is None:
                problems.append(f"{path}: veraPDF gave no verdict for {FLAVOURS[flavour]}")
            elif not verdict.compliant or verdict.error:
                problems.append(f"{FLAVOURS[flavour]}: {verdict}")
            else:
                assert verdict.profile.startswith(FLAVOURS[flavour])
                assert verdict.rules_passed > 100  # the profile really ran
    assert not problems, "veraPDF found failed rules:\n" + "\n".join(problems)

    # pdfa: false keeps PDF/UA-1 (above) and drops only the PDF/A part
    (ua_only,) = (v for v in verdicts["2a"] if v.path.name == "zonder-pdfa.pdf")
    assert not ua_only.compliant
    with pikepdf.open(archive["ua_only"][0]) as pdf:
        assert "/OutputIntents" not in pdf.Root
        assert pdf.open_metadata().get(f"{PDFAID}part") is None

    # the CMYK photo became RGB of the same colour (Adobe's inverted CMYK undone, not doubled)
    (media,) = (p for p in archive["archival"] if p.name == "beelden-2017.pdf")
    with pikepdf.open(media) as pdf:
        images = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]  # fmt: skip
        assert all(str(i.get("/ColorSpace")) != "/DeviceCMYK" for i in images)
        assert not any(bool(i.get("/Interpolate", False)) for i in images)
        colours = {pikepdf.PdfImage(i).as_pil_image().convert("RGB").getpixel((5, 5)) for i in images if i.Width == 80}  # fmt: skip
    assert (255, 127, 0) in colours, colours


def test_harness_names_the_file_the_rule_and_an_object(tmp_path: Path) -> None:
    """The check can fail, and says where: a PDF/UA-only file is no PDF/A-2a."""
    html = "<!DOCTYPE html><html lang=nl><head><title>T</title></head><body><p>x</p></body></html>"
    target = tmp_path / "alleen-ua.pdf"
    target.write_bytes(render_pdf(html, pdfa=False))
    (verdict,) = validate("2a", [target])
    assert not verdict.compliant
    rules = {failure.rule: failure for failure in verdict.failures}
    identification = rules["ISO 19005-2:2011 6.6.4-1"]  # no pdfaid in the XMP
    assert "metadata" in identification.example.lower()
    report = str(verdict)
    assert str(target) in report and "6.6.4-1" in report and "e.g. root/document" in report


def test_pdf_declares_both_standards(tmp_path: Path) -> None:
    """The identification veraPDF reads: pdfaid 2/A beside pdfuaid 1, an sRGB PDF/A intent."""
    html = "<!DOCTYPE html><html lang=nl><head><title>T</title></head><body><p>x</p></body></html>"
    with pikepdf.open(io.BytesIO(render_pdf(html))) as pdf:
        meta = pdf.open_metadata()
        assert meta.get(f"{PDFAID}part") == "2"
        assert meta.get(f"{PDFAID}conformance") == "A"
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert intent.DestOutputProfile.N == 3  # RGB
        assert b"sRGB" in intent.DestOutputProfile.read_bytes()


def test_same_html_same_bytes() -> None:
    html = "<!DOCTYPE html><html lang=nl><head><title>T</title></head><body><p>x</p></body></html>"
    assert render_pdf(html) == render_pdf(html)


MINIMAL = "titel: T\norganisatie: Gemeente X\nsoort: jaarverslag\njaar: 2017\n"


@pytest.mark.parametrize(("line", "pdfa"), [("", True), ("pdfa: true\n", True), ("pdfa: false\n", False)])  # fmt: skip
def test_pdfa_key(tmp_path: Path, line: str, pdfa: bool) -> None:
    (tmp_path / "rapport.yaml").write_text(MINIMAL + line, encoding="utf-8")
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert problems == [] and config is not None and config.pdfa is pdfa


def test_pdfa_key_is_true_or_false(tmp_path: Path) -> None:
    (tmp_path / "rapport.yaml").write_text(MINIMAL + "pdfa: nee\n", encoding="utf-8")
    _, problems = load_config(tmp_path, "rapport.yaml")
    assert [str(p) for p in problems] == ["rapport.yaml:5: pdfa: moet true of false zijn"]
