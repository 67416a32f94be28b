"""A reeks (issue 16): one national file, one document per gemeente — inputs, checks, output.

The figures of the small reeks in ``reeks_data.py`` are worked out by hand there; these tests
read them back from the open data and the HTML the build writes.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html
from support.helpers import MINIMAL_YAML, write_rapport
from support.reeks_data import GEMEENTEN, YAML, kosten, reeks

from jaarverslag.build.outfolder import MARKER
from jaarverslag.build.pipeline import build_one, check
from jaarverslag.cli import main
from jaarverslag.core.slugs import slug, unique_slugs


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def built(tmp_path: Path, **files: str) -> Path:
    folder = reeks(tmp_path / "r", **files)
    outcome = build_one(folder, tmp_path / "out", ("html",), use_cache=False)
    assert outcome.ok, "\n".join(map(str, outcome.problems))
    return tmp_path / "out" / "r"


def problems_of(tmp_path: Path, **files: str) -> list[str]:
    (outcome,) = check([reeks(tmp_path / "r", **files)])
    return [str(p) for p in outcome.problems]


# -- slugs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("'s-Gravenhage", "s-gravenhage"),
        ("Bergen (L.)", "bergen-l"),
        ("Bergen (NH.)", "bergen-nh"),
        ("Nuenen, Gerwen en Nederwetten", "nuenen-gerwen-en-nederwetten"),
        ("Súdwest-Fryslân", "sudwest-fryslan"),
        ("../..", "gemeente"),
    ],
)
def test_gemeente_slugs(name: str, expected: str) -> None:
    assert slug(name, "gemeente") == expected


def test_slugs_are_unique_and_leave_the_tables_folder_alone() -> None:
    names = ["Bergen (L.)", "Bergen L", "bergen-l", "Tabellen", "../x", "x"]
    assert unique_slugs(names, "gemeente", ("tabellen",)) == [
        "bergen-l",
        "bergen-l-2",
        "bergen-l-3",
        "tabellen-2",
        "x",
        "x-2",
    ]


@given(st.lists(st.text(max_size=12), max_size=12))
def test_unique_slugs_are_safe_and_distinct(names: list[str]) -> None:
    found = unique_slugs(names, "gemeente", ("tabellen",))
    assert len(set(found)) == len(found) == len(names)
    assert "tabellen" not in found
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in found)


# -- the output folder ------------------------------------------------------------------------


def test_one_folder_per_gemeente_an_index_and_national_tables(tmp_path: Path) -> None:
    out = built(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        MARKER,
        "aadorp",
        "bedum",
        "cuijk",
        "dalen",
        "eelde",
        "index.html",
        "tabellen",
    ]  # Nederland holds totals: no document
    for name in ("aadorp", "eelde"):
        assert sorted(p.name for p in (out / name).iterdir()) == [f"{name}.html", "tabellen"]
        assert not (out / name / MARKER).exists()  # one marker: OUT/R is swapped as a whole
    page = lxml_html.fromstring((out / "aadorp" / "aadorp.html").read_bytes())
    assert page.findtext(".//p[@class='organisatie']") == "Gemeente Aadorp"  # the default
    national = rows(out / "tabellen" / "kosten.csv")
    assert list(national[0])[:2] == ["gemeente", "omschrijving"]
    assert {r["gemeente"] for r in national} == {"Aadorp", "Bedum", "Cuijk", "Dalen", "Eelde"}
    # each row of the national table is the row of that gemeente's own table
    own = rows(out / "cuijk" / "tabellen" / "kosten.csv")
    assert [r for r in national if r["gemeente"] == "Cuijk"] == [
        {"gemeente": "Cuijk", **r} for r in own
    ]


def test_kosten_matched_by_code_under_the_latest_name(tmp_path: Path) -> None:
    out = built(tmp_path)
    table = rows(out / "aadorp" / "tabellen" / "kosten.csv")
    lasten = [r for r in table if r["groep"] == "Lasten"]
    assert [r["omschrijving"] for r in lasten] == ["1 Nieuwe naam", "2 Tweede"]
    assert (
        lasten[0]["begroting_2024_euro"] == "9000" and lasten[0]["begroting_2025_euro"] == "10000"
    )
    assert lasten[0]["verschil_euro"] == "-1000" and lasten[0]["vn"] == "N"  # lasten up: nadelig
    page = (out / "aadorp" / "aadorp.html").read_text(encoding="utf-8")
    assert "Deze post heette in 2024 ‘1 Oude naam’." in page
    assert '1 Nieuwe naam <sup><span class="sr-only">voetnoot </span>*</sup>' in page


def test_vergelijking_figures_worked_out_by_hand(tmp_path: Path) -> None:
    out = built(tmp_path)
    aadorp = {
        (r["groep"], r["omschrijving"]): r
        for r in rows(out / "aadorp" / "tabellen" / "vergelijking.csv")
    }
    lasten = aadorp[("Lasten", "1 Nieuwe naam")]
    assert float(lasten["gemeente_euro_per_inwoner"]) == 10
    assert float(lasten["mediaan_grootteklasse_euro_per_inwoner"]) == 12.5
    assert float(lasten["mediaan_alle_gemeenten_euro_per_inwoner"]) == 10
    assert float(lasten["nederland_euro_per_inwoner"]) == 11
    assert lasten["plaats"] == "2 van 2"
    baten = aadorp[("Baten", "1 Nieuwe naam")]
    per, mediaan = (
        baten["gemeente_euro_per_inwoner"],
        baten["mediaan_grootteklasse_euro_per_inwoner"],
    )
    assert (float(per), float(mediaan)) == (2, 1.5)
    assert float(baten["nederland_euro_per_inwoner"]) == pytest.approx(17000 / 15000, abs=0.005)
    dalen = {
        (r["groep"], r["omschrijving"]): r
        for r in rows(out / "dalen" / "tabellen" / "vergelijking.csv")
    }
    assert float(dalen[("Lasten", "1 Nieuwe naam")]["mediaan_grootteklasse_euro_per_inwoner"]) == 15
    assert dalen[("Lasten", "1 Nieuwe naam")]["plaats"] == "1 van 2"


def test_a_gemeente_without_grootteklasse_is_compared_nationally_and_says_so(
    tmp_path: Path,
) -> None:
    out = built(tmp_path)
    table = rows(out / "eelde" / "tabellen" / "vergelijking.csv")
    assert "mediaan_grootteklasse_euro_per_inwoner" not in table[0]
    assert table[0]["plaats"] == "5 van 5"
    page = lxml_html.fromstring((out / "eelde" / "eelde.html").read_bytes())
    text = " ".join(page.xpath("//div[@class='conclusie']//text()"))
    assert (
        "Voor Eelde is geen grootteklasse bekend: de vergelijking is alleen met alle gemeenten."
        in text
    )
    assert (
        "lager dan de mediaan van alle gemeenten (€\xa010,00), plaats 5 van 5 van alle gemeenten"
        in text
    )
    headers = page.xpath("//table[@id='tabel-vergelijking']//thead//th/text()")
    assert "Plaats in Nederland" in headers


def test_one_sentence_per_post_whose_words_agree_with_its_figures(tmp_path: Path) -> None:
    out = built(tmp_path)
    page = lxml_html.fromstring((out / "aadorp" / "aadorp.html").read_bytes())
    sentences = page.xpath("//div[@class='conclusie']/p/text()")
    assert len(sentences) == 2  # two posts
    assert sentences[0] == (
        "1 Nieuwe naam: lasten €\xa010,00 per inwoner, lager dan de mediaan van de grootteklasse "
        "klein (€\xa012,50) en gelijk aan die van alle gemeenten (€\xa010,00), plaats 2 van 2 in "
        "de grootteklasse (hoogste eerst); baten €\xa02,00 per inwoner, hoger dan de mediaan van "
        "de grootteklasse klein (€\xa01,50) en van alle gemeenten (€\xa01,00), plaats 1 van 2 in "
        "de grootteklasse (hoogste eerst)."
    )


def test_a_chart_per_post_with_the_gemeente_highlighted_and_alt_text(tmp_path: Path) -> None:
    out = built(tmp_path)
    page = lxml_html.fromstring((out / "bedum" / "bedum.html").read_bytes())
    figures = page.xpath("//figure[starts-with(@id, 'figuur-vergelijking')]")
    assert len(figures) == 2
    alt = figures[0].find(".//img").get("alt")
    assert "elke stip is een van de 2 gemeenten in de grootteklasse klein" in alt
    assert "Lasten per inwoner: Bedum €\xa015,00, plaats 1 van 2" in alt
    assert "mediaan €\xa012,50; laagste €\xa010,00, hoogste €\xa015,00" in alt


def test_the_index_links_every_gemeente_and_compares_them_all(tmp_path: Path) -> None:
    out = built(tmp_path)
    page = lxml_html.fromstring((out / "index.html").read_bytes())
    assert page.get("lang") == "nl"
    links = page.xpath("//ul[@class='gemeenten']/li/a/@href")
    assert links == [f"{s}/{s}.html" for s in ("aadorp", "bedum", "cuijk", "dalen", "eelde")]
    table = page.xpath("//table[contains(@class, 'overzicht')]")[0]
    body = [tr.xpath("string(./th)") for tr in table.xpath("./tbody/tr")]
    assert body == ["Aadorp", "Bedum", "Cuijk", "Dalen", "Eelde"]
    assert table.xpath("string(./tfoot/tr/th)") == "Nederland"
    assert table.xpath("./thead/tr/th/@scope") == ["col"] * 7  # post 2 has no baten
    # readable without the script: the figures are in the page itself, with their sort values
    cells = table.xpath("./tbody/tr[1]/td")
    assert [c.get("data-waarde") for c in cells][2:4] == ["1000", "10"]
    overview = rows(out / "tabellen" / "overzicht.csv")
    assert (
        overview[-1]["omschrijving"] == "Nederland" and overview[-1]["aantal_inwoners"] == "15000"
    )


def test_gemeente_builds_only_those(tmp_path: Path) -> None:
    folder = reeks(tmp_path / "r")
    outcome = build_one(
        folder, tmp_path / "out", ("html",), use_cache=False, gemeenten=["bedum", "EELDE"]
    )
    assert outcome.ok, outcome.problems
    out = tmp_path / "out" / "r"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["bedum", "eelde", "tabellen"]
    assert {r["gemeente"] for r in rows(out / "tabellen" / "kosten.csv")} == {"Bedum", "Eelde"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nergenshuizen", "--gemeente: 'Nergenshuizen' staat niet in"),
        ("Nederland", "--gemeente: 'Nederland' is het landelijke totaal, geen gemeente"),
    ],
)
def test_gemeente_that_is_not_one_is_bad_input(tmp_path: Path, name: str, message: str) -> None:
    folder = reeks(tmp_path / "r")
    outcome = build_one(folder, tmp_path / "out", ("html",), use_cache=False, gemeenten=[name])
    assert not outcome.ok
    assert any(str(p).startswith(message) for p in outcome.problems), outcome.problems
    assert not (tmp_path / "out" / "r").exists()


def test_the_cli_option_and_the_cache(tmp_path: Path) -> None:
    folder = reeks(tmp_path / "r")
    out = tmp_path / "out"
    args = ["build", str(folder), "-o", str(out), "-f", "html", "--gemeente", "Aadorp"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (out / "r" / "aadorp" / "aadorp.html").is_file()
    again = build_one(folder, out, ("html",), gemeenten=["Aadorp"])
    assert again.reused
    other = build_one(folder, out, ("html",), gemeenten=["Bedum"])
    assert not other.reused and not (out / "r" / "aadorp").exists()  # OUT/R replaced whole


# -- checks ---------------------------------------------------------------------------------


def test_gemeenten_csv_against_the_data_with_file_and_line(tmp_path: Path) -> None:
    lijst = GEMEENTEN.replace("Bedum;2000;klein;Groningen\n", "") + "Fantasia;10;klein;\n"
    problems = problems_of(tmp_path, gemeenten_csv=lijst)
    folder = tmp_path / "r"
    assert (
        f"{folder}/kosten.csv:6: gemeente: 'Bedum' staat niet in {folder}/gemeenten.csv" in problems
    )
    assert (
        f"{folder}/gemeenten.csv:7: gemeente: 'Fantasia' heeft geen regels in {folder}/kosten.csv"
        in problems
    )


def test_gemeenten_csv_without_a_reeks_is_an_error(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "r",
        {
            "rapport.yaml": MINIMAL_YAML,
            "kosten.csv": "post;soort;jaar;stand;bedrag\nA;lasten;2017;realisatie;5\n",
            "gemeenten.csv": GEMEENTEN,
        },
    )
    (outcome,) = check([folder])
    assert [str(p) for p in outcome.problems] == [
        f"{folder}/gemeenten.csv: hoort bij een reeks, maar geen databestand heeft een kolom gemeente"
    ]


def test_nederland_is_checked_against_the_sum_of_the_gemeenten(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, kosten_csv=kosten(skew=7))
    assert problems == [
        f"{tmp_path}/r/kosten.csv:23: bedrag: Nederland (1 Nieuwe naam, lasten, begroting 2025) "
        "is 165.007, maar de som van de gemeenten is 165.000"
    ]
    yaml = YAML + "totaalcontrole: warning\n"
    warned = problems_of(tmp_path, kosten_csv=kosten(skew=7), rapport_yaml=yaml)
    assert warned == [problems[0].replace("bedrag: Nederland", "bedrag: waarschuwing: Nederland")]


def test_nederland_inwoners_are_checked_too(tmp_path: Path) -> None:
    lijst = GEMEENTEN.replace("Nederland;15000;;", "Nederland;15001;;")
    assert problems_of(tmp_path, gemeenten_csv=lijst) == [
        f"{tmp_path}/r/gemeenten.csv:7: inwoners: Nederland heeft 15.001 inwoners, maar de som "
        "van de 5 gemeenten is 15.000"
    ]


def test_a_code_has_one_name_in_a_year(tmp_path: Path) -> None:
    text = kosten().replace("Bedum;1;1 Nieuwe naam;baten", "Bedum;1;1 Andere naam;baten")
    problems = problems_of(tmp_path, kosten_csv=text)
    assert len(problems) == 1
    assert re.fullmatch(
        rf"{tmp_path}/r/kosten\.csv:8: post: code 1 heet in 2025 al ‘1 Nieuwe naam’ \(regel 3\); "
        "één code heeft één naam per jaar",
        problems[0],
    )


def test_two_posts_never_print_under_one_name(tmp_path: Path) -> None:
    text = kosten().replace(";2;2 Tweede;", ";2;1 Nieuwe naam;")
    problems = problems_of(tmp_path, kosten_csv=text)
    assert problems and all("twee posten kunnen niet onder één naam staan" in p for p in problems)


def test_every_gemeente_problem_is_reported_once_naming_the_gemeenten(tmp_path: Path) -> None:
    text = (
        kosten()
        + "Aadorp;;Totaal lasten;lasten;2025;begroting;1\nBedum;;Totaal lasten;lasten;2025;begroting;2\n"
    )
    folder = reeks(tmp_path / "r", kosten_csv=text)
    outcome = build_one(folder, tmp_path / "out", ("html",), use_cache=False)
    assert not outcome.ok and not (tmp_path / "out" / "r").exists()
    messages = [str(p) for p in outcome.problems]
    assert any(
        m.startswith(f"{folder}/kosten.csv:26: bedrag: Totaal lasten is 1, maar de som")
        and m.endswith("(bij Aadorp)")
        for m in messages
    ), messages
    assert any(
        ":27: bedrag: Totaal lasten is 2" in m and m.endswith("(bij Bedum)") for m in messages
    )
    (checked,) = check([folder])  # check finds the same, in every gemeente
    assert sorted(map(str, checked.problems)) == sorted(messages)


def test_organisatie_may_be_left_out_only_in_a_reeks(tmp_path: Path) -> None:
    folder = write_rapport(
        tmp_path / "plain",
        {
            "rapport.yaml": "titel: T\nsoort: begroting\njaar: 2025\n",
            "kosten.csv": "post;soort;jaar;stand;bedrag\nA;lasten;2025;begroting;5\n",
        },
    )
    (outcome,) = check([folder])
    assert [str(p) for p in outcome.problems] == [
        f"{folder}/rapport.yaml: organisatie: verplichte sleutel ontbreekt"
    ]
    assert problems_of(tmp_path) == []


def test_a_reeks_of_a_jaarverslag_compares_the_realisatie(tmp_path: Path) -> None:
    text = (
        kosten()
        .replace(";2024;begroting;", ";2025;realisatie;")
        .replace("1 Oude naam", "1 Nieuwe naam")
    )
    out = built(
        tmp_path, kosten_csv=text, rapport_yaml="titel: T\nsoort: jaarverslag\njaar: 2025\n"
    )
    table = {
        (r["groep"], r["omschrijving"]): r for r in rows(out / "aadorp" / "tabellen" / "kosten.csv")
    }
    lasten = table[("Lasten", "1 Nieuwe naam")]
    assert (lasten["begroting_2025_euro"], lasten["realisatie_2025_euro"]) == ("10000", "9000")
    assert (lasten["verschil_euro"], lasten["vn"]) == ("1000", "V")  # spent less than budgeted
    vergelijking = rows(out / "aadorp" / "tabellen" / "vergelijking.csv")
    assert float(vergelijking[0]["gemeente_euro_per_inwoner"]) == 9  # the realisatie, 9.000 / 1.000
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "(Realisatie 2025)" in index


def test_a_reeks_output_folder_keeps_the_refusal_rules(tmp_path: Path) -> None:
    folder = reeks(tmp_path / "r")
    mine = tmp_path / "out" / "r"
    mine.mkdir(parents=True)
    (mine / "notities.txt").write_text("van mij", encoding="utf-8")
    outcome = build_one(folder, tmp_path / "out", ("html",), use_cache=False)
    assert not outcome.ok and outcome.error == "uitvoermap geweigerd"
    assert sorted(p.name for p in mine.iterdir()) == ["notities.txt"]


def test_names_that_look_like_paths_stay_inside(tmp_path: Path) -> None:
    text = kosten(nederland=False).replace("Aadorp", "../../Tabellen")
    lijst = GEMEENTEN.replace("Aadorp", "../../Tabellen").replace("Nederland;15000;;\n", "")
    out = built(tmp_path, kosten_csv=text, gemeenten_csv=lijst)
    assert (out / "tabellen-2" / "tabellen-2.html").is_file()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r"]
    national = rows(out / "tabellen" / "kosten.csv")
    assert "../../Tabellen" in {r["gemeente"] for r in national}


def test_without_gemeenten_csv_a_reeks_has_no_comparison(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "r", {"rapport.yaml": YAML, "kosten.csv": kosten()})
    outcome = build_one(folder, tmp_path / "out", ("html",), use_cache=False)
    assert outcome.ok, outcome.problems
    out = tmp_path / "out" / "r"
    assert sorted(p.name for p in (out / "tabellen").iterdir()) == [
        "csv-metadata.json",
        "kosten.csv",
    ]
    index = lxml_html.fromstring((out / "index.html").read_bytes())
    assert len(index.xpath("//ul[@class='gemeenten']/li")) == 5
    assert not index.xpath("//table")


def test_csv_text_the_merge_writes_is_rfc4180(tmp_path: Path) -> None:
    out = built(tmp_path)
    data = (out / "tabellen" / "vergelijking.csv").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert all(len(r) == len(parsed[0]) for r in parsed)


def test_a_gemeente_without_a_post_has_no_figure_and_no_place(tmp_path: Path) -> None:
    lines = [line for line in kosten().splitlines() if not line.startswith("Aadorp;2;")]
    text = "\n".join(lines).replace(
        "Nederland;2;2 Tweede;lasten;2025;begroting;3500",
        "Nederland;2;2 Tweede;lasten;2025;begroting;3000",
    )
    out = built(tmp_path, kosten_csv=text + "\n")
    table = {
        (r["groep"], r["omschrijving"]): r
        for r in rows(out / "aadorp" / "tabellen" / "vergelijking.csv")
    }
    tweede = table[("Lasten", "2 Tweede")]
    assert (tweede["gemeente_euro_per_inwoner"], tweede["plaats"]) == ("", "")
    assert (
        float(tweede["mediaan_grootteklasse_euro_per_inwoner"]) == 0.3
    )  # Bedum alone: 600 / 2.000
    page = lxml_html.fromstring((out / "aadorp" / "aadorp.html").read_bytes())
    assert "2 Tweede: lasten: geen gegevens." in page.xpath("//div[@class='conclusie']/p/text()")
    bedum = {
        (r["groep"], r["omschrijving"]): r
        for r in rows(out / "bedum" / "tabellen" / "vergelijking.csv")
    }
    assert bedum[("Lasten", "2 Tweede")]["plaats"] == "1 van 1"


def test_indicatoren_with_a_gemeente_column_give_each_gemeente_its_own(tmp_path: Path) -> None:
    indicatoren = "gemeente;id;indicator;jaar;soort;waarde\n" + "".join(
        f"{g};banen;Banen;2025;begroting;{n}\n"
        for g, n in (
            ("Aadorp", 11),
            ("Bedum", 22),
            ("Cuijk", 33),
            ("Dalen", 44),
            ("Eelde", 55),
            ("Nederland", 165),
        )
    )
    text = "# Banen\n\n{{ gemeente }} wil {{ doel('banen', 2025) }} banen.\n"
    files = {
        "indicatoren_csv": indicatoren,
        "teksten/banen.md": text.replace("{{ gemeente }}", "We"),
        "rapport_yaml": YAML + "grafieken: false\n",  # the indicator charts: matplotlib, slow
    }
    out = built(tmp_path, **files)
    for naam, n in (("cuijk", "33"), ("eelde", "55")):
        table = rows(out / naam / "tabellen" / "indicatoren.csv")
        assert [(r["eenheid"], r["begroting_2025"]) for r in table] == [("aantal", n)]
        page = (out / naam / f"{naam}.html").read_text(encoding="utf-8")
        assert f"We wil {n} banen." in page  # the live figure is this gemeente's
    (outcome,) = check([tmp_path / "r"])
    assert [str(p) for p in outcome.problems] == [
        f"{tmp_path}/r/indicatoren.csv: gemeente: waarschuwing: de 1 regels van Nederland worden "
        "niet gebruikt: Nederland krijgt geen document, en indicatoren tellen niet op tot een "
        "landelijk totaal"
    ]


@pytest.mark.slow
def test_two_workers_write_the_same_bytes_as_one(tmp_path: Path) -> None:
    """The gemeenten are rendered in slices over a process pool: same files, byte for byte."""
    from jaarverslag.build.options import BuildOptions
    from jaarverslag.build.pipeline import build

    folder = reeks(tmp_path / "r")
    one = build_one(folder, tmp_path / "a", ("html", "docx"), use_cache=False)
    options = BuildOptions(("html", "docx"), jobs=2, use_cache=False)
    (two,) = build([folder], tmp_path / "b", options)
    assert one.ok and two.ok, (one.problems, two.problems)

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert files(tmp_path / "a") == files(tmp_path / "b")
