"""Every amount live in prose: kosten, maatregelen, verdeling and vergelijking figures by the
names the table prints, formatted as the table prints them; unknown names are errors with the
text's file and line; a typed amount that the rapport computes gets a warning naming the live
figure to use.

Expected figures are those of the tables, worked out by hand in tests/e2e/test_kosten_e2e.py
(tests/rapports/kosten-reserves) and the beleidsplan example (74/14/12 of € 487.000).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from support.helpers import DATA, RAPPORTS, write_rapport
from support.kosten_cases import JAAR, kosten_files, number
from support.reeks_data import reeks

from jaarverslag.analysis.amounts import amounts
from jaarverslag.analysis.analyse import gemeente_analysis, load_rapport
from jaarverslag.analysis.prose import Figures, prose_to_html, render_template
from jaarverslag.compute.kosten import kosten_table
from jaarverslag.core.errors import InputError
from jaarverslag.core.numbers import display_cell

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def reserves() -> Figures:
    return load_rapport(RAPPORTS / "kosten-reserves").figures


@pytest.fixture(scope="module")
def wassenaar() -> Figures:
    return load_rapport(DATA / "beleidsplan-wassenaar-2024").figures


def printed(figures: Figures, template: str) -> str:
    """A live figure as the document prints it (Markdown rendered, no-break space read as one)."""
    html = prose_to_html(template, "t.md", figures)
    return html.removeprefix("<p>").removesuffix("</p>\n").replace(NBSP, " ")


def live(figures: Figures, expression: str) -> str:
    return printed(figures, "{{ " + expression + " }}")


@pytest.mark.parametrize(
    ("expression", "shown"),
    [
        ('kosten("lasten", "6.3", "realisatie 2024")', "€ 12.615.000"),
        ('kosten("Lasten", "6.3 Inkomensregelingen", "Realisatie 2024")', "€ 12.615.000"),
        ('kosten("lasten", "realisatie 2024")', "€ 16.905.000"),  # the group's total
        ('kosten("lasten", "totaal", "verschil")', "€ −155.000"),
        ('kosten("totaal lasten", "verschil")', "€ −155.000"),
        ('kosten("baten", "6.3", "begroting 2024 na wijziging")', "€ 9.650.000"),
        ('kosten("baten", "6.3", "begroting na wijziging 2024")', "€ 9.650.000"),
        ('kosten("baten", "6.3", "begroting_na_wijziging_2024")', "€ 9.650.000"),
        ('kosten("saldo", "verschil")', "€ −85.000"),
        ('kosten("saldo", "6.4", "realisatie 2023")', "€ −4.210.000"),
        ('kosten("toevoegingen", "realisatie 2024")', "€ 300.000"),
        ('kosten("toevoeging", "Reserve sociaal domein", "primitieve begroting 2024")', "€ 0"),
        ('kosten("onttrekkingen", "Reserve re-integratie", "verschil")', "€ −45.000"),
        ('kosten("onttrekkingen", "Reserve sociaal domein", "realisatie 2023")', "-"),
        ('kosten("Reserve re-integratie", "realisatie 2024")', "€ 455.000"),  # one group only
        ('kosten("resultaat", "realisatie 2024")', "€ −6.880.000"),
        ('kosten("gerealiseerd resultaat", "verschil")', "€ −130.000"),
    ],
)
def test_kosten_figures_by_group_post_and_column(
    reserves: Figures, expression: str, shown: str
) -> None:
    assert live(reserves, expression) == shown


def test_a_live_amount_keeps_its_euro_sign_on_the_line(reserves: Figures) -> None:
    html = prose_to_html('{{ kosten("saldo", "verschil") }}', "t.md", reserves)
    assert html == f"<p>€{NBSP}\u221285.000</p>\n"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            'kosten("lasten", "6.9", "realisatie 2024")',
            "kosten: Lasten heeft geen post '6.9' (bekend: 6.3 Inkomensregelingen, "
            "6.4 Begeleide participatie, totaal)",
        ),
        (
            'kosten("lasten", "6.3", "realisatie 2025")',
            "kosten: onbekende kolom 'realisatie 2025' (bekend: Realisatie 2023, Primitieve "
            "begroting 2024, Begroting 2024 na wijziging, Realisatie 2024, Verschil)",
        ),
        (
            'kosten("6.3", "realisatie 2024")',
            "kosten: '6.3' staat in Lasten, Baten, Saldo: noem de groep, zoals "
            'kosten("lasten", "6.3", …)',
        ),
        (
            'kosten("lasten", "6.3", "V/N")',
            "kosten: V/N is geen bedrag; het verschil is positief als het voordelig is",
        ),
        (
            'kosten("reserves", "verschil")',
            "kosten: onbekende post of groep 'reserves' (bekend: lasten, baten, saldo, "
            "toevoegingen, onttrekkingen, Gerealiseerd resultaat, 6.3 Inkomensregelingen, "
            "6.4 Begeleide participatie, Reserve sociaal domein, Reserve re-integratie)",
        ),
        (
            'kosten("verschil")',
            'kosten(…) heeft een post of groep en een kolom nodig, zoals kosten("totaal", 2024)',
        ),
        (
            'maatregelen("totaal", 2024)',
            "maatregelen(…): dit rapport heeft geen tabel maatregelen",
        ),
    ],
)
def test_an_unknown_name_says_which_names_there_are(
    reserves: Figures, expression: str, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        render_template("Tekst.\n\nDe {{ " + expression + " }}.", "t.md", reserves)
    assert [str(p) for p in caught.value.problems] == [f"t.md:3: {message}"]


def test_check_reports_an_unknown_name_with_the_texts_file_and_line(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": (RAPPORTS / "kosten-reserves" / "rapport.yaml").read_text()
            + "secties:\n  - titel: Kosten\n    tekst: teksten/k.md\n    inhoud: [kosten]\n",
            "kosten.csv": (RAPPORTS / "kosten-reserves" / "kosten.csv").read_bytes(),
            "teksten/k.md": 'Inleiding.\n\nHet resultaat is {{ kosten("resultaat", "2024") }}.\n',
        },
    )
    with pytest.raises(InputError) as caught:
        load_rapport(folder)
    assert [str(p) for p in caught.value.problems] == [
        f"{folder}/teksten/k.md:3: kosten: onbekende kolom '2024' (bekend: Realisatie 2023, "
        "Primitieve begroting 2024, Begroting 2024 na wijziging, Realisatie 2024, Verschil)"
    ]


@pytest.mark.parametrize(
    ("expression", "shown"),
    [
        ('maatregelen("Participatietrajecten", 2024)', "€ 50.000"),
        ('maatregelen("Participatietrajecten", 2026)', "-"),
        ('maatregelen("structureel", 2024)', "€ 247.000"),  # Subtotaal structureel
        ('maatregelen("subtotaal incidenteel", 2025)', "€ 240.000"),
        ('maatregelen("totaal", 2024)', "€ 487.000"),  # Totale lasten
        ('maatregelen("totale lasten", "2026 e.v.")', "€ 247.000"),
        ('verdeling("Wassenaar", 2024)', "€ 68.000"),
        ('verdeling("totaal", 2026)', "€ 247.000"),
        ('verdeling("Wassenaar", "aandeel")', "14%"),
        # 74% / 14% / 12% of the unrounded 487.000, before the largest-remainder rounding
        ('verdeling("Leidschendam-Voorburg", 2024, "onafgerond")', "€ 360.380"),
        ('verdeling("Wassenaar", 2024, "onafgerond")', "€ 68.180"),
        ('verdeling("Voorschoten", 2025, "onafgerond")', "€ 58.440"),
    ],
)
def test_maatregelen_and_verdeling_figures(wassenaar: Figures, expression: str, shown: str) -> None:
    assert live(wassenaar, expression) == shown


def test_amounts_in_thousands_print_in_euros_in_running_text(tmp_path: Path) -> None:
    """The table says (x € 1.000) above 1.650,5; a sentence has no such line above it."""
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": "titel: B\norganisatie: O\nsoort: begroting\njaar: 2025\n"
            "bedragen_in: 1000\n",
            "kosten.csv": "post;soort;jaar;stand;bedrag\n"
            "A;lasten;2025;begroting;1.500\nB;lasten;2025;begroting;150,5\n",
        },
    )
    figures = load_rapport(folder).figures
    assert live(figures, 'kosten("lasten", "begroting 2025")') == "€ 1.650.500"
    assert live(figures, 'kosten("lasten", "B", "begroting 2025")') == "€ 150.500"


def test_vergelijking_figures_of_a_gemeente_of_a_reeks(tmp_path: Path) -> None:
    """Bedum (tests/support/reeks_data.py): lasten 15,00 per inwoner, median of klein 12,50,
    of all 10,00, Nederland 11,00, place 1 of 2."""
    national = load_rapport(reeks(tmp_path / "r"), lazy=True)
    assert national.reeks is not None
    bedum = national.reeks.find("Bedum")
    assert bedum is not None
    figures = gemeente_analysis(national, bedum).figures
    got = {
        kolom: live(figures, f'vergelijking("lasten", "1", "{kolom}")')
        for kolom in (
            "per inwoner",
            "mediaan grootteklasse",
            "mediaan alle gemeenten",
            "nederland",
            "plaats",
        )
    }
    assert got == {
        "per inwoner": "€ 15,00",
        "mediaan grootteklasse": "€ 12,50",
        "mediaan alle gemeenten": "€ 10,00",
        "nederland": "€ 11,00",
        "plaats": "1 van 2",
    }


@pytest.mark.slow
@settings(max_examples=50, deadline=None)  # each figure a template of its own: ~0.3 s an example
@given(kosten_files())
def test_every_amount_of_a_kosten_table_is_live_and_printed_as_the_table_prints_it(
    case: tuple[str, object],
) -> None:
    soort, frame = case
    table, _ = kosten_table(frame, soort=soort, jaar=JAAR, file="k.csv")  # type: ignore[arg-type]
    figures = Figures({}, "jaarverslag", JAAR, {}, amounts([table], 1))
    entries = list(figures.amounts.entries())
    cells = [c for r in table.rows for c in r.cells if c.unit == "euro" and c.value is not None]
    assert len(entries) == len(cells)
    expected = sorted(display_cell(c).replace("\u00a0", " ") for c in cells)
    shown = []
    for expression, value in entries:
        text = printed(figures, expression)
        assert number(text) == value
        shown.append(text.replace("\u00a0", " "))
    assert sorted(shown) == expected


# -- typed amounts --------------------------------------------------------------------------


def typed_warnings(tmp_path: Path, text: str) -> list[str]:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": (RAPPORTS / "kosten-reserves" / "rapport.yaml").read_text()
            + "secties:\n  - titel: Kosten\n    tekst: teksten/k.md\n    inhoud: [kosten]\n",
            "kosten.csv": (RAPPORTS / "kosten-reserves" / "kosten.csv").read_bytes(),
            "teksten/k.md": text,
        },
    )
    return [str(p).removeprefix(f"{folder}/") for p in load_rapport(folder).warnings]


def test_a_typed_amount_that_the_rapport_computes_is_warned_about(tmp_path: Path) -> None:
    text = (
        "De lasten waren € 16.905.000.\n"
        "\n"
        "Het saldo viel €\u00a0-85.000 lager uit; {{ kosten('resultaat', 'verschil') }} in totaal.\n"
        "Een bedrag van € 0 of € 12.345 telt niet; € 12.615.000{# uit het raadsvoorstel #} ook niet.\n"
    )
    assert typed_warnings(tmp_path, text) == [
        "teksten/k.md:1: waarschuwing: € 16.905.000 is getypt, maar het rapport berekent dit "
        'bedrag: schrijf {{ kosten("lasten", "realisatie 2024") }}, dan blijft de tekst kloppen '
        "als de gegevens veranderen",
        "teksten/k.md:3: waarschuwing: €\u00a0-85.000 is getypt, maar het rapport berekent dit "
        'bedrag: schrijf {{ kosten("saldo", "verschil") }}, dan blijft de tekst kloppen als de '
        "gegevens veranderen",
    ]


def test_the_suggested_live_figure_prints_the_typed_amount() -> None:
    """What the warning says to write prints exactly the amount that was typed."""
    figures = load_rapport(RAPPORTS / "kosten-reserves").figures
    for expression, value in figures.amounts.entries():
        text = printed(figures, expression)
        plain = text.removeprefix("€ ").replace("\u2212", "-")
        assert Fraction(plain.replace(".", "").replace(",", ".")) == value


def test_a_hostile_name_is_printed_short_and_on_one_line(reserves: Figures) -> None:
    with pytest.raises(InputError) as caught:
        render_template('{{ kosten("lasten", "a\\nb" ~ "x" * 500, "verschil") }}', "t.md", reserves)
    [problem] = caught.value.problems
    assert "\n" not in str(problem) and len(str(problem)) < 250
    assert "heeft geen post 'a bxxxx" in str(problem)
    for args in ("none, [1], {}", "1, 2, 3, 4", "'lasten'"):
        with pytest.raises(InputError):
            render_template("{{ kosten(" + args + ") }}", "t.md", reserves)
