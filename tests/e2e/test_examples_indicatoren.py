"""The two indicator examples, built in every format: seed figures in the right cells, dashes
and footnotes where the seeds have them, conclusions that agree with the seeds, and charts."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pikepdf
import pytest
from lxml import html as lxml_html
from support.helpers import pdf_text

# Hand-copied from seed 000 (jaarverslag 2017) and seed 001 (begroting 2020).
SEED = {
    "jaarverslag-2017": (
        ["Prestatie-indicator", "Realisatie 2016", "Begroting 2017", "Realisatie 2017"],
        [
            ["Aantal mensen dat actief is op een P-baan", "400", "500", "559"],
            ["Aantal beschutte werkplekken (SW)", "399", "395", "400"],
            ["Aantal beschutte werkplekken nieuw (P-wet)", "17", "44", "35"],
        ],
        None,
    ),
    "begroting-2020": (
        ["Prestatie-indicator", "Beoogd 2019", "Beoogd 2020"],
        [
            # Seed 001's "-*": the marker set apart from the dash (a space, superscript).
            ["Aantal mensen dat actief is op een Participatiebaan", "-", "- *"],
            ["Aantal beschutte werkplekken oud (SW)", "455", "425"],
            ["Aantal beschutte werkplekken nieuw (Participatiewet)", "96", "118"],
        ],
        "* afgesproken is niet te sturen op het aantal P-banen.",
    ),
}
EXAMPLES = sorted(SEED)


def files(built, name: str) -> dict[str, Path]:
    out = Path(built(name).output)
    return {ext: out / f"{name}.{ext}" for ext in ("pdf", "docx", "html")}


def html_tree(built, name):
    return lxml_html.fromstring(files(built, name)["html"].read_bytes())


def visible(element) -> str:
    """What a sighted reader sees: without the screen-reader-only words, spaces collapsed."""
    copy = lxml_html.fromstring(lxml_html.tostring(element))
    for hidden in copy.find_class("sr-only"):
        hidden.drop_tree()
    return " ".join(copy.text_content().split())


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_html_table_holds_the_seed_figures(built, name):
    header, rows, footnote = SEED[name]
    table = html_tree(built, name).get_element_by_id("tabel-indicatoren")
    cells = [[visible(c) for c in tr] for tr in table.iter("tr")]
    assert cells == [header, *rows]
    # A screen reader hears what the marker is.
    marked = [c for c in table.iter("td") if c.find_class("voetnootmarker")]
    assert [" ".join(c.text_content().split()) for c in marked] == (["- voetnoot *"] * len(marked))
    if footnote:
        notes = table.getparent().find_class("voetnoten")[0].text_content()
        assert " ".join(notes.split()) == footnote


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_docx_table_holds_the_seed_figures(built, name):
    header, rows, footnote = SEED[name]
    word = docx.Document(str(files(built, name)["docx"]))
    cells = [[" ".join(c.text.split()) for c in row.cells] for row in word.tables[0].rows]
    assert cells == [header, *rows]
    if footnote:
        assert footnote in [" ".join(p.text.split()) for p in word.paragraphs]


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_pdf_table_holds_the_seed_figures(built, name):
    header, rows, footnote = SEED[name]
    text = pdf_text(files(built, name)["pdf"])
    assert re.search(r"\s{2,}".join(map(re.escape, header)), text)
    for row in rows:
        pattern = r"\s{2,}".join(re.escape(cell).replace(r"\ ", r"\s?") for cell in row)
        assert re.search(pattern + r"\s*$", text, re.MULTILINE), row
    if footnote:
        assert footnote in text


@pytest.mark.slow
def test_jaarverslag_conclusions_agree_with_the_seed(built):
    text = " ".join(
        html_tree(built, "jaarverslag-2017").find_class("conclusie")[0].text_content().split()
    )
    # Seed 000: P-banen "fors gestegen tot in totaal 559", above the begroting of 500.
    assert "P-baan: fors gestegen van 400 in 2016 naar 559 in 2017" in text
    assert "Het doel voor 2017 (begroot: 500) is gehaald: 59 boven het doel" in text
    # Oud beschut "licht gestegen" to 400, above 395.
    assert "(SW): licht gestegen van 399 in 2016 naar 400 in 2017" in text
    assert "Het doel voor 2017 (begroot: 395) is gehaald: 5 boven het doel" in text
    # Nieuw beschut "gestegen naar 35", "iets achter" the 44 aimed for.
    assert "(P-wet): fors gestegen van 17 in 2016 naar 35 in 2017" in text
    assert "Het doel voor 2017 (begroot: 44) is niet gehaald: 9 onder het doel" in text


@pytest.mark.slow
def test_begroting_conclusions_describe_the_targets(built):
    text = " ".join(
        html_tree(built, "begroting-2020").find_class("conclusie")[0].text_content().split()
    )
    assert "Participatiebaan: geen cijfers beschikbaar (afgesproken is niet te sturen" in text
    assert "oud (SW): het doel is duidelijk verlaagd, van 455 voor 2019 naar 425 voor 2020" in text
    assert "(Participatiewet): het doel is fors verhoogd, van 96 voor 2019 naar 118" in text


@pytest.mark.slow
def test_begroting_has_the_seed_sections(built):
    titles = [h.text_content() for h in html_tree(built, "begroting-2020").iter("h2")]
    assert titles == [
        "1.1.3 Maatschappelijke participatie",
        "Hoe staan we ervoor?",
        "Wat willen we bereiken in 2020?",
        "Wat gaan we hiervoor doen?",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_charts_in_all_formats_with_alt_text(built, name):
    paths = files(built, name)
    [img] = [i for i in html_tree(built, name).iter("img") if i.get("data-figure")]
    assert img.get("src").startswith("data:image/svg+xml;base64,")
    alt = img.get("alt")
    # it says what it shows: a begroting's chart of targets only is no "realisatie en doel"
    shows = "het doel" if name == "begroting-2020" else "realisatie en doel"
    assert alt.startswith(f"Staafdiagram van {shows} per jaar.")
    assert ("2017: 559" if name == "jaarverslag-2017" else "2020: 118") in alt

    word = docx.Document(str(paths["docx"]))
    assert [s._inline.docPr.get("descr") for s in word.inline_shapes] == [alt]

    with pikepdf.open(paths["pdf"]) as pdf:
        assert _figure_alts(pdf.Root.StructTreeRoot) == [alt]


def _figure_alts(node) -> list[str]:
    found = []
    if isinstance(node, pikepdf.Dictionary):
        if node.get("/S") == "/Figure" and "/Alt" in node:
            found.append(str(node.Alt))
        if "/K" in node:
            found += _figure_alts(node.K)
    elif isinstance(node, pikepdf.Array):
        for child in node:
            found += _figure_alts(child)
    return found


def test_begroting_without_secties_gets_the_three_w_questions(tmp_path):
    from support.helpers import write_rapport

    from jaarverslag.analysis.analyse import load_rapport
    from jaarverslag.analysis.document import EMPTY_SECTION, build_document

    yaml = "titel: B\norganisatie: Gemeente Test\nsoort: begroting\njaar: 2020\n"
    csv = "id;indicator;jaar;soort;waarde\na;A;2019;beoogd;1\na;A;2020;beoogd;2\n"
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": yaml,
            "indicatoren.csv": csv,
            "teksten/01-inleiding.md": "# Inleiding\n\nTekst.\n",
            "teksten/02-bereiken.md": "We willen iets bereiken.\n",
            "teksten/02-bereiken.conclusie.md": "Eigen conclusie.\n",
        },
    )
    document = build_document(load_rapport(folder))
    assert [s.titel for s in document.sections] == [
        "Inleiding",
        "Wat willen we bereiken?",
        "Wat gaan we daarvoor doen?",
        "Wat mag het kosten?",
    ]
    bereiken = document.sections[1].blocks
    assert "We willen iets bereiken." in bereiken[0].html
    assert [type(b).__name__ for b in bereiken] == ["Prose", "Table", "Prose", "Chart"]
    assert "Eigen conclusie." in bereiken[2].html  # the .conclusie.md is no section of its own
    assert EMPTY_SECTION in document.sections[3].blocks[0].paragraphs
