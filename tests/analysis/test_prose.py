"""Live figures in prose: template functions, errors with file and line, data never evaluated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.helpers import DATA, MINIMAL_YAML, write_rapport

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.analysis.document import build_document
from jaarverslag.analysis.prose import markdown_to_html, prose_to_html
from jaarverslag.build.pipeline import build_one, check
from jaarverslag.core.errors import InputError
from jaarverslag.render.html import render_html

INDICATOREN = (
    "id;indicator;jaar;soort;waarde\n"
    "p_banen;P-banen;2016;realisatie;400\n"
    "p_banen;P-banen;2017;begroting;500\n"
    "p_banen;P-banen;2017;realisatie;559\n"
    "nieuw;Nieuw beschut;2017;begroting;44\n"
    "nieuw;Nieuw beschut;2017;realisatie;-\n"
)


@pytest.fixture(scope="module")
def figures():
    return load_rapport(DATA / "jaarverslag-2017").figures


@pytest.mark.parametrize(
    ("expression", "printed"),
    [
        ('realisatie("p_banen", 2017)', "559"),
        ('realisatie("p_banen", 2016)', "400"),
        ('doel("p_banen", 2017)', "500"),
        ('verschil("p_banen", 2017)', "+59"),  # 559 - 500
        # 35 - 44 with a real minus (U+2212: holds to its digits), not a Markdown list
        ('verschil("beschut_nieuw", 2017)', "\u22129"),
        ('verschil("p_banen", 2017, 2016)', "+159"),  # 559 - 400
        ('procent_van_doel("p_banen", 2017)', "111,8%"),  # 559 / 500
        ('procent_van_doel("beschut_nieuw", 2017)', "79,5%"),  # 35 / 44 = 0,7954…
    ],
)
def test_template_functions(figures, expression, printed):
    assert prose_to_html("{{ " + expression + " }}", "t.md", figures) == f"<p>{printed}</p>\n"


def test_conclusie_prints_the_generated_sentence(figures):
    html = prose_to_html('Kortom: {{ conclusie("beschut_oud") }}', "t.md", figures)
    assert "licht gestegen van 399 in 2016 naar 400 in 2017" in html


def test_missing_value_prints_a_dash(tmp_path):
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN}
    )
    figures = load_rapport(folder).figures
    text = '{{ realisatie("nieuw", 2017) }} en {{ verschil("nieuw", 2017) }}'
    assert prose_to_html(text, "t.md", figures) == "<p>- en -</p>\n"


def test_a_value_not_yet_known_prints_as_its_table_does(tmp_path):
    """A voorlopig value without a number is n.n.b. in the table, so in the text too; a value
    without data stays the dash."""
    indicatoren = (
        "id;indicator;jaar;soort;waarde;status\n"
        "nieuw;Nieuw beschut;2016;realisatie;30;\n"
        "nieuw;Nieuw beschut;2017;begroting;44;\n"
        "nieuw;Nieuw beschut;2017;realisatie;;voorlopig\n"
        "nieuw;Nieuw beschut;2018;begroting;;voorlopig\n"
        "nieuw;Nieuw beschut;2018;realisatie;;\n"
    )
    folder = write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": indicatoren}
    )
    figures = load_rapport(folder).figures
    text = (
        '{{ realisatie("nieuw", 2017) }}, {{ doel("nieuw", 2018) }}, '
        '{{ realisatie("nieuw", 2018) }}, {{ doel("nieuw", 2017) }}'
    )
    assert prose_to_html(text, "t.md", figures) == "<p>n.n.b., n.n.b., -, 44</p>\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{{ realisatie("p_baan", 2017) }}', "onbekende indicator 'p_baan'"),
        ('{{ realisatie("p_banen", 2030) }}', "'p_banen' heeft geen realisatie voor 2030"),
        ('{{ doel("p_banen", 2016) }}', "'p_banen' heeft geen doel voor 2016"),
        ("{{ onbekend }}", "'onbekend' is undefined"),
        ("{{ realisatie( }}", "sjabloonfout"),
        ('{{ "".__class__.__mro__ }}', "unsafe"),
    ],
)
def test_bad_reference_names_file_and_line(tmp_path, line, message):
    yaml = MINIMAL_YAML + "secties:\n  - titel: Tekst\n    tekst: teksten/a.md\n"
    text = f"Eerste regel.\n\nDe P-banen: {line}\n"
    folder = write_rapport(
        tmp_path / "r",
        {"rapport.yaml": yaml, "indicatoren.csv": INDICATOREN, "teksten/a.md": text},
    )
    outcome = build_one(folder, tmp_path / "out")
    assert not outcome.ok and not (tmp_path / "out" / "r").exists()
    [problem] = outcome.problems
    assert problem.file == str(folder / "teksten" / "a.md")
    assert problem.line == 3
    assert message in problem.message
    [checked] = check([folder])
    assert checked.error and checked.problems == outcome.problems


def test_data_is_never_evaluated(tmp_path):
    csv = INDICATOREN.replace("P-banen", "{{ 7*7 }} banen")
    yaml = (
        MINIMAL_YAML
        + "secties:\n  - titel: T\n    tekst: teksten/a.md\n    inhoud: [indicatoren]\n"
    )
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": yaml,
            "indicatoren.csv": csv,
            "teksten/a.md": 'Zie: {{ conclusie("p_banen") }}\n',
        },
    )
    rapport = load_rapport(folder)
    html = render_html(build_document(rapport), folder)
    assert "{{ 7*7 }} banen" in html
    assert "49 banen" not in html


def test_author_can_replace_or_drop_the_generated_conclusion(tmp_path):
    yaml = (
        MINIMAL_YAML
        + "secties:\n  - titel: T\n    tekst: teksten/a.md\n    inhoud: [indicatoren]\n"
    )
    files = {"rapport.yaml": yaml, "indicatoren.csv": INDICATOREN, "teksten/a.md": "Inleiding.\n"}
    folder = write_rapport(tmp_path / "r", files)
    generated = render_html(build_document(load_rapport(folder)), folder)
    assert "fors gestegen van 400 in 2016 naar 559 in 2017" in generated

    (folder / "teksten" / "a.conclusie.md").write_text(
        'Eigen woorden. {{ conclusie("p_banen") }} Dat is {{ verschil("p_banen", 2017) }}.\n'
    )
    own = render_html(build_document(load_rapport(folder)), folder)
    assert "Eigen woorden. P-banen: fors gestegen" in own
    assert "Dat is +59." in own
    assert "Nieuw beschut: voor 2017 is geen realisatie bekend" not in own  # replaced

    (folder / "teksten" / "a.conclusie.md").unlink()
    (folder / "rapport.yaml").write_text(yaml + "conclusies: false\n")
    off = render_html(build_document(load_rapport(folder)), folder)
    assert "fors gestegen" not in off


@pytest.mark.slow
def test_example_conclusion_text_prints_live_figures(built):
    html = Path(built("jaarverslag-2017").output, "jaarverslag-2017.html").read_text()
    assert "fors gestegen tot in totaal 559 per 31 december 2017" in html
    assert "de beoogde doelstelling van 44 plekken" in html


def test_check_reports_every_bad_text(tmp_path):
    yaml = MINIMAL_YAML + (
        "secties:\n  - titel: A\n    tekst: teksten/a.md\n  - titel: B\n    tekst: teksten/b.md\n"
    )
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": yaml,
            "indicatoren.csv": INDICATOREN,
            "teksten/a.md": "{{ realisatie('x', 2017) }}\n",
            "teksten/b.md": "\n{{ doel('y', 1) }}\n",
        },
    )
    with pytest.raises(InputError) as info:
        load_rapport(folder)
    assert [(Path(p.file).name, p.line) for p in info.value.problems] == [("a.md", 1), ("b.md", 2)]


def test_cli_check_exits_1_with_file_and_line(tmp_path):
    from click.testing import CliRunner

    from jaarverslag.cli import main

    yaml = MINIMAL_YAML + "secties:\n  - titel: A\n    tekst: teksten/a.md\n"
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": yaml,
            "indicatoren.csv": INDICATOREN,
            "teksten/a.md": "Regel een.\nRegel twee {{ doel('p_banen', 2019) }}.\n",
        },
    )
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1
    assert (
        f"{folder}/teksten/a.md:2: 'p_banen' heeft geen doel voor 2019 (jaren: 2017)"
        in result.output
    )
    assert "Traceback" not in result.output


def test_live_figures_in_procentpunt_cents_and_shares_that_agree(tmp_path):
    """Issue 12: 50% → 55% is "+5 procentpunt"; € 100,40 keeps its cents (and its series with
    it); 1.999 of a target of 2.000 is 99,95%, never 100,0%."""
    csv = (
        "id;indicator;jaar;soort;waarde;eenheid\n"
        "pct;Uitstroom;2016;realisatie;50;percentage\n"
        "pct;Uitstroom;2017;begroting;60;percentage\n"
        "pct;Uitstroom;2017;realisatie;55;percentage\n"
        "eur;Kosten per traject;2016;realisatie;100;euro\n"
        "eur;Kosten per traject;2017;begroting;100;euro\n"
        "eur;Kosten per traject;2017;realisatie;100,4;euro\n"
        "d;Aantal;2017;begroting;2000;aantal\n"
        "d;Aantal;2017;realisatie;1999;aantal\n"
    )
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": csv})
    figures = load_rapport(folder).figures
    expected = {
        'verschil("pct", 2017, 2016)': "+5 procentpunt",
        'verschil("pct", 2017)': "\u22125 procentpunt",
        'realisatie("pct", 2017)': "55%",
        'realisatie("eur", 2016)': "€ 100,00",
        'realisatie("eur", 2017)': "€ 100,40",
        'verschil("eur", 2017, 2016)': "€ +0,40",
        'procent_van_doel("d", 2017)': "99,95%",
        'verschil("d", 2017)': "\u22121",
    }
    for expression, printed in expected.items():
        html = prose_to_html("{{ " + expression + " }}", "t.md", figures)
        assert html.replace("\u00a0", " ") == f"<p>{printed}</p>\n", expression


@pytest.mark.parametrize(
    ("markdown", "levels"),
    [
        ("# a\n\n## b\n\n### c\n", ["h3", "h4", "h5"]),
        ("#### a\n\n###### b\n\n# c\n\n### d\n", ["h3", "h4", "h3", "h4"]),
        ("## a\n\n# b\n\n###### c\n", ["h3", "h3", "h4"]),
        ("###### a\n\n###### b\n", ["h3", "h3"]),
    ],
)
def test_headings_sit_below_the_section_and_never_skip_a_level(
    markdown: str, levels: list[str]
) -> None:
    """A text's headings start at h3 (the section is h2) and go at most one level deeper at a
    time, whatever the author typed: PDF/UA forbids a skipped level (veraPDF 7.4.2)."""
    html = markdown_to_html(markdown)
    assert re.findall(r"<(h\d)>", html) == levels
    assert re.findall(r"</(h\d)>", html) == levels
