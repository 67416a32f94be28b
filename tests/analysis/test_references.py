"""References to tables and figures (issue 27, item 2): ``[@tabel-<key>]`` in a text prints
"tabel 3", linked, with the number the table has in *this* document — so it follows when a
table is added above — and an unknown one is an error naming the file and line in ``check``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.helpers import write_rapport

from jaarverslag.analysis.prose import render_markdown
from jaarverslag.analysis.references import Reference, anchor_headings, resolve
from jaarverslag.build.pipeline import check
from jaarverslag.build.stages import Target, analyse, make

MAATREGELEN = (
    "post;karakter;jaar;bedrag\n"
    "Consulent;structureel;2024;95000\n"
    "Consulent;structureel;2025;95000\n"
    "Training;incidenteel;2024;20000\n"
)
VERDEELSLEUTEL = "partij;aandeel\nWassenaar;74\nVoorschoten;26\n"
INDICATOREN = (
    "id;indicator;jaar;soort;waarde\n"
    "p_banen;P-banen;2016;realisatie;400\n"
    "p_banen;P-banen;2017;begroting;500\n"
    "p_banen;P-banen;2017;realisatie;559\n"
)
TEXT = "# Verdeling\n\nDe kosten staan in [@tabel-maatregelen].\n[@Tabel-verdeling] verdeelt ze.\n"


def plan(folder: Path, first: str = "") -> Path:
    """A beleidsplan whose text refers to its two tables; ``first``: a section before them."""
    secties = first + (
        "secties:\n"
        "  - titel: Kosten\n"
        "    inhoud: [maatregelen]\n"
        "  - titel: Verdeling\n"
        "    tekst: teksten/verdeling.md\n"
        "    inhoud: [verdeling]\n"
    )
    return write_rapport(
        folder,
        {
            "rapport.yaml": "titel: Plan\norganisatie: Gemeente Test\nsoort: beleidsplan\n"
            "jaar: 2024\n" + secties,
            "maatregelen.csv": MAATREGELEN,
            "verdeelsleutel.csv": VERDEELSLEUTEL,
            "indicatoren.csv": INDICATOREN,
            "teksten/verdeling.md": TEXT,
        },
    )


def references(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="verwijzing" href="#([^"]+)">([^<]*)</a>', html)


def test_a_reference_is_a_link_with_its_line() -> None:
    html, found = render_markdown("Zie\n[@tabel-kosten] of\n\n`[@code]` \\[@niet]", None, "t.md")
    assert references(html) == [("tabel-kosten", "[@tabel-kosten]")]
    assert found == [Reference("tabel-kosten", "t.md", 2)]


def test_a_reference_in_a_table_of_the_text_has_its_line() -> None:
    _, found = render_markdown("| a |\n|---|\n| [@figuur-x] |\n", None, "t.md")
    assert found == [Reference("figuur-x", "t.md", 3)]


def test_resolve_prints_the_number_and_keeps_the_capital() -> None:
    html = (
        '<p><a class="verwijzing" href="#tabel-a">[@tabel-a]</a> '
        '<a class="verwijzing" href="#tabel-b">[@Tabel-b]</a></p>'
    )
    assert references(resolve(html, {"tabel-a": 3, "tabel-b": 1})) == [
        ("tabel-a", "tabel\xa03"),
        ("tabel-b", "Tabel\xa01"),
    ]


def test_headings_get_ids_and_levels() -> None:
    html, found = anchor_headings("<h3>Een &amp; twee</h3><p>x</p><h4>Drie</h4>", "kop-2", 1)
    assert html == '<h3 id="kop-2-2">Een &amp; twee</h3><p>x</p><h4 id="kop-2-3">Drie</h4>'
    assert [(h.level, h.text, h.anchor) for h in found] == [
        (2, "Een & twee", "kop-2-2"),
        (3, "Drie", "kop-2-3"),
    ]


def test_references_print_the_table_numbers_in_the_html(tmp_path: Path) -> None:
    made = make(plan(tmp_path / "plan"), Target(()))
    assert references(made.html) == [
        ("tabel-maatregelen", "tabel\xa01"),
        ("tabel-verdeling", "Tabel\xa02"),
    ]
    assert '<span class="nummer">Tabel 2</span> Verdeling' in made.html


def test_references_follow_when_a_table_is_added_above(tmp_path: Path) -> None:
    """An indicator table in a section before both: the references say 2 and 3."""
    above = "  - titel: Indicatoren\n    inhoud: [indicatoren]\n"
    yaml = plan(tmp_path / "plan", "") / "rapport.yaml"
    yaml.write_text(yaml.read_text().replace("secties:\n", "secties:\n" + above))
    made = make(yaml.parent, Target(()))
    assert references(made.html) == [
        ("tabel-maatregelen", "tabel\xa02"),
        ("tabel-verdeling", "Tabel\xa03"),
    ]
    assert made.document.numbers == {
        "tabel-indicatoren": 1,
        "figuur-grafiek-1": 1,
        "tabel-maatregelen": 2,
        "tabel-verdeling": 3,
    }


def test_an_unknown_reference_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    folder = plan(tmp_path / "plan")
    (folder / "teksten" / "verdeling.md").write_text(TEXT + "\nEn ook [@tabel-kosten].\n")
    (outcome,) = check([folder])
    assert not outcome.ok
    (problem,) = [p for p in outcome.problems if "verwijzing" in p.message]
    assert problem.file == str(folder / "teksten" / "verdeling.md")
    assert problem.line == 6
    assert "[@tabel-kosten]" in problem.message
    assert "[@tabel-maatregelen]" in problem.message  # what it could have been


@pytest.mark.parametrize("typo", ["[@tabell-verdeling]", "[@verdeling]", "[@figuur-grafiek-9]"])
def test_every_reference_that_points_nowhere_is_an_error(tmp_path: Path, typo: str) -> None:
    folder = plan(tmp_path / "plan")
    (folder / "teksten" / "verdeling.md").write_text(f"Zie {typo}.\n")
    (outcome,) = check([folder])
    assert [p.line for p in outcome.problems if "verwijzing" in p.message] == [1]


def test_a_figure_reference_prints_figuur(tmp_path: Path) -> None:
    above = "  - titel: Indicatoren\n    tekst: teksten/ind.md\n    inhoud: [indicatoren]\n"
    folder = plan(tmp_path / "plan")
    yaml = folder / "rapport.yaml"
    yaml.write_text(yaml.read_text().replace("secties:\n", "secties:\n" + above))
    write_rapport(folder, {"teksten/ind.md": "De grafiek: [@figuur-grafiek-1].\n"})
    analysis = analyse(folder)
    made = make(analysis, Target(()))
    assert ("figuur-grafiek-1", "figuur\xa01") in references(made.html)
    assert '<span class="nummer">Figuur 1</span>' in made.html


def test_a_hostile_reference_is_printed_harmlessly_and_refused(tmp_path: Path) -> None:
    html, found = render_markdown('Zie [@tabel-x"><script>alert(1)</script>].', None, "t.md")
    assert "<script>" not in html
    assert found == [Reference('tabel-x"><script>alert(1)</script>', "t.md", 1)]
    folder = plan(tmp_path / "plan")
    (folder / "teksten" / "verdeling.md").write_text('Zie [@tabel-x"><img/src=x>].\n')
    (outcome,) = check([folder])
    assert not outcome.ok
    assert any('[@tabel-x"><img/src=x>]' in p.message for p in outcome.problems)
