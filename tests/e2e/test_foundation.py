"""The spine end to end: one example rapport in PDF, DOCX and HTML, deterministic and atomic;
bad input stops everything and writes nothing."""

from __future__ import annotations

import re
import shutil

import docx
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from support.helpers import DATA, MINIMAL_YAML, pdf_text, write_rapport

from jaarverslag.build.pipeline import build_one
from jaarverslag.cli import main

#: Seed 000: the indicator table of Jaarverslag 2017, §1.1.3 (Realisatie 2016 / Begroting 2017 /
#: Realisatie 2017), copied by hand from the seed document.
SEED_000 = {
    "Aantal mensen dat actief is op een P-baan": ["400", "500", "559"],
    "Aantal beschutte werkplekken (SW)": ["399", "395", "400"],
    "Aantal beschutte werkplekken nieuw (P-wet)": ["17", "44", "35"],
}
SEED_000_HEADER = ["Realisatie 2016", "Begroting 2017", "Realisatie 2017"]


@pytest.mark.slow
def test_pdf_text_holds_the_seed_figures_in_their_rows(built):
    outcome = built("jaarverslag-2017")
    text = pdf_text(outcome.output / "jaarverslag-2017.pdf")
    header = next(line for line in text.splitlines() if "Realisatie 2016" in line)
    assert (
        re.findall(r"(Realisatie 2016|Begroting 2017|Realisatie 2017)", header) == SEED_000_HEADER
    )
    for label, figures in SEED_000.items():
        line = next(line for line in text.splitlines() if label in line)
        assert line.split(label, 1)[1].split() == figures


@pytest.mark.slow
def test_docx_table_cells_hold_the_seed_figures(built):
    outcome = built("jaarverslag-2017")
    document = docx.Document(str(outcome.output / "jaarverslag-2017.docx"))
    table = next(t for t in document.tables if "Prestatie-indicator" in t.rows[0].cells[0].text)
    assert [c.text for c in table.rows[0].cells][1:4] == SEED_000_HEADER
    rows = {r.cells[0].text: [c.text for c in r.cells[1:4]] for r in table.rows[1:]}
    for label, figures in SEED_000.items():
        assert rows[label] == figures
    # the header row repeats after a page break and numbers are right-aligned
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT


@pytest.mark.slow
def test_docx_uses_word_heading_styles_and_real_lists(built):
    document = docx.Document(str(built("jaarverslag-2017").output / "jaarverslag-2017.docx"))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", "Jaarverslag 2017") in styles
    assert ("Heading 1", "Wat wilden we bereiken in 2017?") in styles
    assert sum(1 for name, _ in styles if name == "List Bullet") == 10
    assert document.core_properties.title == "Jaarverslag 2017"


@pytest.mark.slow
def test_html_table_holds_the_seed_figures(built):
    page = (built("jaarverslag-2017").output / "jaarverslag-2017.html").read_text()
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == "nl"
    table = tree.xpath('//table[@id="tabel-indicatoren"]')[0]
    assert table.xpath(".//caption")
    header = [th.text_content() for th in table.xpath(".//thead//th")]
    assert header[1:4] == SEED_000_HEADER
    assert all(th.get("scope") == "col" for th in table.xpath(".//thead//th"))
    for tr in table.xpath(".//tbody/tr"):
        label = tr.xpath("./th")[0]
        assert label.get("scope") == "row"
        cells = [td.text_content() for td in tr.xpath("./td")][:3]
        assert cells == SEED_000[label.text_content()]
        assert all("num" in td.get("class") for td in tr.xpath("./td"))


@pytest.mark.slow
def test_open_data_table(built):
    csv_text = (
        (built("jaarverslag-2017").output / "tabellen" / "indicatoren.csv").read_bytes().decode()
    )
    lines = csv_text.split("\r\n")
    assert lines[0].endswith(",eenheid,realisatie_2016,begroting_2017,realisatie_2017")
    assert lines[1].startswith("Aantal mensen dat actief is op een P-baan,")
    assert lines[1].endswith(",aantal,400,500,559")  # an indicator says its unit (issue 26)


@pytest.mark.slow
def test_two_builds_give_identical_bytes(tmp_path):
    first = build_one(DATA / "jaarverslag-2017", tmp_path / "a")
    second = build_one(DATA / "jaarverslag-2017", tmp_path / "b")
    assert first.ok and second.ok
    names = sorted(p.relative_to(first.output) for p in first.output.rglob("*") if p.is_file())
    assert {n.suffix for n in names} >= {".pdf", ".docx", ".html", ".csv"}
    for name in names:
        assert (first.output / name).read_bytes() == (second.output / name).read_bytes(), name


BROKEN = {
    "rapport.yaml": MINIMAL_YAML,
    "indicatoren.csv": "id;indicator;jaar;soort;waarde\na;Een;2017;realisatie;1\na;Een;2017;begroting;veel\n",
}


def test_broken_csv_fails_check_and_build_naming_file_and_line(tmp_path):
    rapport = write_rapport(tmp_path / "kapot", BROKEN)
    runner = CliRunner()
    for args in (["check", str(rapport)], ["build", str(rapport), "-o", str(tmp_path / "out")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert f"{rapport / 'indicatoren.csv'}:3: waarde: 'veel' is geen getal" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "kapot").exists()


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    rapport = tmp_path / "rapport"
    shutil.copytree(DATA / "jaarverslag-2017", rapport)
    out = tmp_path / "out"
    assert build_one(rapport, out).ok
    before = {p: p.read_bytes() for p in (out / "rapport").rglob("*") if p.is_file()}
    (rapport / "indicatoren.csv").write_text("id;indicator;jaar;soort;waarde\n", encoding="utf-8")
    outcome = build_one(rapport, out)
    assert not outcome.ok
    after = {p: p.read_bytes() for p in (out / "rapport").rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".rapport")]
    assert leftovers == []  # no temporary folders left behind


@pytest.mark.slow
def test_minimal_rapport_builds_a_complete_document(tmp_path):
    rapport = write_rapport(
        tmp_path / "minimaal",
        {
            "rapport.yaml": MINIMAL_YAML,
            "indicatoren.csv": "id,indicator,jaar,soort,waarde\nx,Aantal X,2016,realisatie,3\nx,Aantal X,2017,realisatie,4\n",
        },
    )
    outcome = build_one(rapport, tmp_path / "out")
    assert outcome.ok, outcome.problems
    assert {p.name for p in outcome.output.iterdir()} == {
        "minimaal.pdf",
        "minimaal.docx",
        "minimaal.html",
        "tabellen",
        ".jaarverslag",  # the marker: this folder is the tool's to replace
    }
    assert "Aantal X" in pdf_text(outcome.output / "minimaal.pdf")


@pytest.mark.slow
def test_rapport_templates_override_the_builtin_ones_in_every_format(tmp_path):
    rapport = tmp_path / "eigen"
    shutil.copytree(DATA / "jaarverslag-2017", rapport)
    write_rapport(
        rapport,
        {
            "templates/jaarverslag.html": '{% extends "base.html" %}{% block content %}'
            "<h2>Eigen sjabloon</h2><p>Alleen dit.</p>{% endblock %}"
        },
    )
    outcome = build_one(rapport, tmp_path / "out")
    assert outcome.ok, outcome.problems
    assert "Eigen sjabloon" in pdf_text(outcome.output / "eigen.pdf")
    assert "Eigen sjabloon" in (outcome.output / "eigen.html").read_text()
    paragraphs = [p.text for p in docx.Document(str(outcome.output / "eigen.docx")).paragraphs]
    assert "Eigen sjabloon" in paragraphs
    assert not any("Participatiebaan" in p for p in paragraphs)


def test_reference_docx_supplies_the_house_style(tmp_path):
    reference = docx.Document()
    reference.styles["Heading 1"].font.name = "Huisstijl Sans"
    rapport = tmp_path / "huis"
    shutil.copytree(DATA / "jaarverslag-2017", rapport)
    reference.save(str(rapport / "huisstijl.docx"))
    outcome = build_one(rapport, tmp_path / "out")
    assert outcome.ok, outcome.problems
    document = docx.Document(str(outcome.output / "huis.docx"))
    assert document.styles["Heading 1"].font.name == "Huisstijl Sans"


def test_new_creates_a_rapport_that_builds(tmp_path):
    runner = CliRunner()
    target = tmp_path / "mijn-rapport"
    assert runner.invoke(main, ["new", str(target)]).exit_code == 0
    result = runner.invoke(main, ["build", str(target), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "mijn-rapport" / "mijn-rapport.pdf").is_file()
    assert runner.invoke(main, ["new", str(target)]).exit_code == 1  # never overwrites


def test_wrong_usage_exits_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["bouw"]).exit_code == 2
    assert runner.invoke(main, ["build", "--onbekend"]).exit_code == 2
    assert runner.invoke(main, ["build", "-f", "odt", str(tmp_path)]).exit_code == 2


def test_folder_without_rapport_yaml_is_bad_input(tmp_path):
    (tmp_path / "leeg").mkdir()
    result = CliRunner().invoke(main, ["check", str(tmp_path / "leeg")])
    assert result.exit_code == 1
    assert "rapport.yaml: ontbreekt" in result.stderr


def test_a_house_style_without_the_styles_we_write_still_builds(tmp_path):
    """Word leaves unused built-in styles (Subtitle, Caption, …) out of a file."""
    from docx import Document as Word

    rapport = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": MINIMAL_YAML,
            "indicatoren.csv": "id;indicator;jaar;soort;waarde\np;P;2017;realisatie;1\n",
        },
    )
    style = Word()
    for name in ("Subtitle", "Caption", "Title", "List Bullet"):
        style.styles[name].delete()
    style.styles["Normal"].font.name = "Huisletter"
    style.save(str(rapport / "huisstijl.docx"))
    outcome = build_one(rapport, tmp_path / "out", ("docx",))
    assert outcome.ok, outcome.problems
    built = Word(str(outcome.output / "r.docx"))
    assert built.styles["Normal"].font.name == "Huisletter"
    assert any(p.style.name == "Caption" for p in built.paragraphs)
