"""The site of a document (``-f site``), page by page, without a browser: what each page holds,
that every link is relative and every table keeps its id, CSV and link, that the figures are
the document's, and that hostile text stays text. The browser, search and axe: tests/e2e/test_site.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import html as lxml_html
from support.readback import HtmlTables

from jaarverslag.core.model import (
    Cell,
    Column,
    Document,
    Member,
    Overzicht,
    Prose,
    Row,
    Section,
    Table,
    Text,
)
from jaarverslag.render.html import render_html
from jaarverslag.render.site.pages import (
    document_site,
    first_paragraph,
    key_figures,
    raise_headings,
    shorten,
    spaced,
)
from jaarverslag.render.site.place import CSP
from jaarverslag.render.site.portal import gemeente_place, groups, order, reeks_portal
from jaarverslag.render.site.shelf import Shelved, shelf_site, shelves


def euro(value: float | None) -> Cell:
    return Cell(value, "euro")


KOSTEN = Table(
    name="kosten",
    caption="Wat mag het kosten?",
    stub="Post",
    columns=(
        Column("Begroting 2024", "begroting_2024"),
        Column("Begroting 2025", "begroting_2025"),
        Column("Verschil", "verschil"),
        Column("V/N", "vn", numeric=False),
    ),
    rows=(
        Row("Lasten", (), kind="groep"),
        Row("6.3 Inkomensregelingen", (euro(537125), euro(536658), euro(467), Cell("V", "tekst"))),
        Row(
            "Totaal lasten",
            (euro(664405), euro(687804), euro(-23399), Cell("N", "tekst")),
            "totaal",
        ),
        Row(
            "Saldo van baten en lasten",
            (euro(-255665), euro(-269747), euro(-14082), Cell("N", "tekst")),
            "totaal",
        ),
    ),
    note="(x € 1.000)",
)
TREDEN = Table(
    name="ladder_treden",
    caption="Cliënten per trede",
    stub="Trede",
    columns=(Column("Aantal", "aantal"), Column("Percentage", "percentage")),
    rows=(
        Row("1 geïsoleerd", (Cell(4, suppressed="<5"), Cell(None, "percentage", suppressed="x"))),
        Row("Totaal", (Cell(2400), Cell(100.0, "percentage", 1)), "totaal"),
    ),
)
INDICATOREN = Table(
    name="indicatoren",
    caption="Prestatie-indicatoren",
    stub="Indicator",
    columns=(Column("Realisatie 2017", "realisatie_2017"),),
    rows=(Row("Aantal P-banen", (Cell(150),)),),
)


def document(*sections: Section, titel: str = "Begroting 2025") -> Document:
    return Document(
        titel=titel,
        organisatie="Gemeente Test",
        soort="begroting",
        jaar=2025,
        datum="2025-01-01",
        sections=sections
        or (
            Section(
                "Wat mag het kosten?",
                (Prose("<p>De <em>kosten</em> per taakveld.</p>\n<h3>Toelichting</h3>"), KOSTEN),
            ),
            Section("Participatieladder", (Text("conclusie", ("Iedereen doet mee.",)), TREDEN)),
            Section("Indicatoren", (INDICATOREN,)),
        ),
    )


def pages(files: dict[str, bytes]) -> dict[str, lxml_html.HtmlElement]:
    return {
        path: lxml_html.fromstring(data) for path, data in files.items() if path.endswith(".html")
    }


def test_a_document_becomes_a_start_page_a_page_per_section_and_its_own_assets() -> None:
    files = document_site(document(), None, beside=("r.pdf",))
    assert sorted(files) == [
        "site/assets/site.css",
        "site/assets/site.js",
        "site/index.html",
        "site/indicatoren.html",
        "site/participatieladder.html",
        "site/site.json",
        "site/toegankelijkheid.html",
        "site/wat-mag-het-kosten.html",
        "site/zoeken.html",
    ]
    about = json.loads(files["site/site.json"])
    assert about == {
        "titel": "Begroting 2025",
        "organisatie": "Gemeente Test",
        "soort": "begroting",
        "jaar": 2025,
        "ondertitel": None,
        "datum": "2025-01-01",
    }
    for path, page in pages(files).items():
        assert page.get("lang") == "nl", path
        assert len(page.xpath("//h1")) == 1, path
        assert page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == [CSP]
        # only the site's own script, and no inline script or style to allow
        assert page.xpath("//script/@src") == ["assets/site.js"], path
        assert not [s for s in page.xpath("//script") if (s.text or "").strip()], path
        assert not page.xpath("//style|//*[@style]|//*[@*[starts-with(name(), 'on')]]"), path
        # skip link first, then the main content has its id
        first = page.xpath("//body//a")[0]
        assert (first.get("href"), first.text_content()) == ("#inhoud", "Naar de inhoud")
        assert page.xpath("//main/@id") == ["inhoud"]


def test_the_accessibility_page_says_what_was_tested_and_dates_the_document() -> None:
    page = pages(document_site(document(), None))["site/toegankelijkheid.html"]
    text = " ".join(page.text_content().split())
    for tested in (
        "axe-core",
        "WCAG 2.1",
        "Tab-toets",
        "Naar de inhoud",
        'lang="nl"',
        "zonder scripts",
        "Content-Security-Policy",
        "390 pixels",
        "afdrukken",
    ):
        assert tested in text, tested
    assert page.xpath("//h2/text()") == [
        "Wat is getest",
        "Wat niet is getest",
        "De PDF en het Word-document",
        "Datum",
    ]
    # the document's date, as a date in Dutch; the site has no build time (the same bytes)
    assert "Gegenereerd" not in text
    assert "de gegevens van het document van 1 januari 2025" in text
    files = shelf_site([Shelved("a", "A", "Org", "begroting", 2025)], "gisteren")
    assert "de documenten van gisteren." in pages(files)["toegankelijkheid.html"].text_content()


def test_every_link_is_relative_and_lands_on_a_file_of_the_site() -> None:
    files = document_site(document(), None, beside=("r.pdf", "r.docx"))
    outside = {"../r.pdf", "../r.docx"} | {
        f"../tabellen/{t}.csv" for t in ("kosten", "ladder_treden", "indicatoren")
    }
    for path, page in pages(files).items():
        for element, attribute in (
            ("a", "href"),
            ("link", "href"),
            ("script", "src"),
            ("form", "action"),
        ):
            for target in page.xpath(f"//{element}/@{attribute}"):
                assert not re.match(r"^[a-z]+:|^/", target), (path, target)
                file, _, anchor = target.partition("#")
                if file in outside:
                    continue
                here = "site/" + (file or path.removeprefix("site/"))
                assert here in files, (path, target)
                if anchor:
                    assert pages(files)[here].xpath(f"//*[@id='{anchor}']"), (path, target)


def test_a_section_page_holds_its_tables_with_their_id_csv_and_link() -> None:
    files = document_site(document(), None, beside=("r.pdf",))
    page = pages(files)["site/wat-mag-het-kosten.html"]
    assert page.findtext(".//title") == "Wat mag het kosten? — Begroting 2025 — Gemeente Test"
    table = page.xpath("//table[@id='tabel-kosten']")[0]
    assert table.xpath("string(caption)").startswith("Tabel 1 ")
    actions = page.xpath("//ul[@class='tabelacties']//a")
    assert [a.get("href") for a in actions] == ["../tabellen/kosten.csv", "#tabel-kosten"]
    assert actions[0].text_content() == "Download als CSV: Tabel 1 Wat mag het kosten?"
    # the crumbs and the pager
    assert [li.text_content() for li in page.xpath("//nav[@class='kruimelpad']//li")] == [
        "Begroting 2025",
        "Wat mag het kosten?",
    ]
    pager = page.xpath("//nav[@class='bladeren']//a")
    assert [(a.get("href"), a.get("rel")) for a in pager] == [("participatieladder.html", "next")]
    # the PDF beside it; no DOCX was made in this run, so none is linked
    assert page.xpath("//ul[@class='downloads']//a/@href") == ["../r.pdf"]
    # prose headings go one level up under the page's h1
    assert [h.tag for h in page.xpath("//main//h1|//main//h2|//main//h3")] == ["h1", "h2"]
    # without open data (a partner's variant) there is no CSV to link
    bare = pages(document_site(document(), None, tables=False))["site/wat-mag-het-kosten.html"]
    assert [a.get("href") for a in bare.xpath("//ul[@class='tabelacties']//a")] == ["#tabel-kosten"]


def test_the_tables_on_the_site_are_the_tables_of_the_document() -> None:
    """The same block templates: every row of every table as printed, cell by cell."""
    doc = document()
    files = document_site(doc, None)
    on_site = HtmlTables()
    for path, data in sorted(files.items()):
        if path.endswith(".html"):
            on_site.feed(data.decode())
    in_document = HtmlTables()
    in_document.feed(render_html(doc))
    assert on_site.tables == in_document.tables
    assert on_site.tables["kosten"][1] == [  # printed with a no-break space after €
        "6.3 Inkomensregelingen",
        "€\u00a0537.125",
        "€\u00a0536.658",
        "€\u00a0467",
        "V",
    ]


def test_the_start_page_has_the_contents_and_each_sections_key_figures() -> None:
    files = document_site(document(), None)
    page = pages(files)["site/index.html"]
    assert page.findtext(".//title") == "Begroting 2025 — Gemeente Test"
    contents = page.xpath("//ol[@class='hoofdstukken']/li")
    assert [li.xpath("string(h3)") for li in contents] == [
        "Wat mag het kosten?",
        "Participatieladder",
        "Indicatoren",
    ]
    assert contents[0].xpath("string(p)") == "De kosten per taakveld."
    assert contents[1].xpath("string(p)") == "Iedereen doet mee."
    # the last total row of each table, as printed, with the unit of its amounts
    figures = [
        " ".join(d.text_content().split()) for d in page.xpath("//dl[@class='kerncijfers']/*")
    ]
    assert figures == [
        "Saldo van baten en lasten — Wat mag het kosten? (x € 1.000)",
        # as printed: a real minus (U+2212)
        "Begroting 2024: € \u2212255.665; Begroting 2025: € \u2212269.747; "
        "Verschil: € \u221214.082; V/N: N",
        "Totaal — Cliënten per trede",  # the count; 100,0% says nothing
        "Aantal: 2.400",
    ]
    assert page.xpath("//dl//a/@href") == [
        "wat-mag-het-kosten.html#tabel-kosten",
        "participatieladder.html#tabel-ladder_treden",
    ]
    assert contents[2].xpath("dl") == []  # no total row: no key figure
    tables = page.xpath("//ul[@class='tabellijst']/li/a[1]")
    assert [(a.get("href"), a.text_content()) for a in tables] == [
        ("wat-mag-het-kosten.html#tabel-kosten", "Tabel 1 Wat mag het kosten?"),
        ("participatieladder.html#tabel-ladder_treden", "Tabel 2 Cliënten per trede"),
        ("indicatoren.html#tabel-indicatoren", "Tabel 3 Prestatie-indicatoren"),
    ]


def test_key_figures_leave_out_what_says_nothing() -> None:
    assert key_figures(INDICATOREN, "p.html") is None  # no total row
    hidden = Table(
        "t",
        "T",
        "",
        (Column("Aantal", "a"),),
        (Row("Totaal", (Cell(3, suppressed="<5"),), "totaal"),),
    )
    assert key_figures(hidden, "p.html") is None
    wide = Table(
        "w",
        "W",
        "",
        tuple(Column(str(y), str(y)) for y in range(2020, 2026)),
        (Row("Totaal", tuple(Cell(y) for y in range(6)), "totaal"),),
    )
    found = key_figures(wide, "p.html")
    assert found is not None and found.values == (("2025", Cell(5)),)  # a wide table: its last
    assert found.unit is None


def test_a_site_is_the_same_bytes_every_time() -> None:
    assert document_site(document(), None) == document_site(document(), None)


def test_hostile_titles_and_text_stay_text() -> None:
    evil = '<script>alert("x")</script>'
    doc = document(
        Section(evil, (Prose("<p>&lt;img src=x onerror=alert(1)&gt;</p>"),)),
        Section("../../etc/passwd", ()),
        titel=evil,
    )
    files = document_site(doc, None)
    assert "site/script-alert-x-script.html" in files
    assert "site/etc-passwd.html" in files
    for path, data in files.items():
        if path.endswith(".html"):
            text = data.decode()
            assert "<script>alert" not in text and "<img src=x" not in text, path
            assert "&lt;script&gt;alert" in text, path


def test_section_pages_never_take_the_name_of_a_page_of_the_site() -> None:
    doc = document(Section("Index", ()), Section("Zoeken", ()), Section("Zoeken", ()))
    names = sorted(p for p in document_site(doc, None) if p.count("/") == 1)
    assert names == [
        "site/index-2.html",
        "site/index.html",
        "site/site.json",
        "site/toegankelijkheid.html",
        "site/zoeken-2.html",
        "site/zoeken-3.html",
        "site/zoeken.html",
    ]


def test_helpers() -> None:
    assert (
        raise_headings("<h3>A</h3><h4 class='x'>B</h4><h2>C</h2>")
        == "<h2>A</h2><h3 class='x'>B</h3><h1>C</h1>"
    )
    assert first_paragraph("<h3>Kop</h3><p>Een <em>zin</em>.</p><p>Twee.</p>") == "Een zin."
    assert first_paragraph("<ul><li>Punt één</li><li>twee</li></ul>") == "Punt één"
    assert shorten("woord " * 100, 30) == "woord woord woord woord woord …"
    assert shorten("kort") == "kort"
    assert (
        spaced("<tr><th>a</th><td>1</td><td>2</td></tr>")
        == "<tr><th>a</th>\n<td>1</td>\n<td>2</td></tr>"
    )


# -- the portal of a reeks --------------------------------------------------------------------

MEMBERS = (
    Member(
        "'s-Gravenhage",
        "s-gravenhage",
        568419,
        "250.000 inwoners of meer",
        "Zuid-Holland",
        "GM0518",
    ),
    Member("Amsterdam", "amsterdam", 931298, "250.000 inwoners of meer", "Noord-Holland", "GM0363"),
    Member("Aa en Hunze", "aa-en-hunze", 25936, "20.000 tot 50.000 inwoners", "Drenthe"),
    Member("Ameland", "ameland", 3800, None, "Fryslân"),
    Member("Utrecht", "utrecht", 374238, "250.000 inwoners of meer", "Utrecht"),
)


def test_the_portal_groups_gemeenten_by_size_largest_first_alphabetically() -> None:
    found = groups(MEMBERS)
    assert [(g.name, g.anchor) for g in found] == [
        ("250.000 inwoners of meer", "groep-250-000-inwoners-of-meer"),
        ("20.000 tot 50.000 inwoners", "groep-20-000-tot-50-000-inwoners"),
        ("Zonder grootteklasse", "groep-zonder-grootteklasse"),
    ]
    # 's-Gravenhage is looked up under G
    assert [m.naam for m, _ in found[0].members] == ["Amsterdam", "'s-Gravenhage", "Utrecht"]
    assert found[0].members[1][1] == "../s-gravenhage/site/index.html"
    assert order(MEMBERS[0]) < order(MEMBERS[4])


def test_a_gemeentes_site_links_to_the_portal_and_to_its_peers_that_were_built() -> None:
    place = gemeente_place(MEMBERS[0], MEMBERS[:4])  # Utrecht not built
    assert [(p.text, p.href) for p in place.peers] == [
        ("Amsterdam", "../../amsterdam/site/index.html")
    ]
    assert place.portal is not None and place.portal.href == "../../site/index.html"
    assert (place.up, place.shared) == ("../../", "../../site/")
    assert place.scope is not None and (place.scope.text, place.scope.href) == (
        "'s-Gravenhage",
        "s-gravenhage",
    )
    assert gemeente_place(MEMBERS[3], MEMBERS).peers == ()  # no grootteklasse: no peers
    doc = document()
    files = document_site(doc, None, beside=("s-gravenhage.pdf",), place=place)
    assert "site/assets/site.css" not in files and "site/zoeken.html" not in files  # the portal's
    start = pages(files)["site/index.html"]
    assert start.xpath("//link/@href") == ["../../site/assets/site.css"]
    assert start.xpath("//form[@class='zoekvak']/@action") == ["../../site/zoeken.html"]
    hidden = start.xpath("//form[@class='zoekvak']//input[@type='hidden']")
    assert [(i.get("name"), i.get("value")) for i in hidden] == [
        ("in", "'s-Gravenhage"),
        ("pad", "s-gravenhage"),
    ]
    assert (
        start.xpath("//meta[@data-pagefind-filter]") == []
    )  # Pagefind's filters aren't reproducible
    assert start.xpath("//ul[@class='buren']//a/@href") == ["../../amsterdam/site/index.html"]
    assert start.xpath("//nav[@class='kruimelpad']//a/@href")[0] == "../../site/index.html"


def comparison(count: int) -> Table:
    columns = (
        Column("Provincie", "provincie", numeric=False),
        Column("Grootteklasse", "grootteklasse", numeric=False),
        Column("Inwoners", "inwoners"),
        *(
            Column(f"6.{n} {s}: per inwoner", f"k{n}{s}")
            for n in (3, 4, 5)
            for s in ("lasten", "baten")
        ),
    )
    rows = tuple(
        Row(
            f"Gemeente {i:03d}",
            (
                Cell("Noord-Holland", "tekst"),
                Cell("20.000 tot 50.000 inwoners", "tekst"),
                Cell(25000 + i),
                *(euro(1234.56 + i) for _ in range(6)),
            ),
        )
        for i in range(count)
    )
    return Table(
        "overzicht",
        "Lasten en baten per inwoner",
        "Gemeente",
        columns,
        rows,
        note="(€ per inwoner)",
    )


def test_the_portal_of_342_gemeenten_stays_under_150_kb_a_page() -> None:
    members = tuple(
        Member(
            f"Gemeente {i:03d}",
            f"gemeente-{i:03d}",
            25000 + i,
            "20.000 tot 50.000 inwoners",
            "Noord-Holland",
            f"GM{i:04d}",
        )
        for i in range(342)
    )
    overview = Overzicht(
        "Werk en inkomen",
        "begroting",
        2025,
        "2025-01-01",
        (),
        comparison(342),
        ("overzicht",),
        members=members,
    )
    files = reeks_portal(overview, None)
    assert sorted(p for p in files if p.endswith(".html")) == [
        "site/index.html",
        "site/toegankelijkheid.html",
        "site/vergelijking.html",
        "site/zoeken.html",
    ]
    for path, data in files.items():
        assert len(data) < 150_000, (path, len(data))
    page = pages(files)["site/vergelijking.html"]
    rows = page.xpath("//table[@id='tabel-overzicht']/tbody/tr")
    assert len(rows) == 342
    assert rows[0].xpath("th/a/@href") == ["../gemeente-000/site/index.html"]
    assert rows[0].xpath("td[@class='n']/text()")[:2] == ["25.000", "€\u00a01.234,56"]
    assert page.xpath("//table[@id='tabel-overzicht']/@class") == ["cijfers sorteerbaar"]
    start = pages(files)["site/index.html"]
    assert start.xpath("//form[@class='vinder']/@hidden") == [""]  # only with the script
    item = start.xpath("//section[@class='groep']//li")[0]
    assert " ".join(item.text_content().split()) == "Gemeente 000 Noord-Holland · GM0000"


# -- the portal over a run's rapports -----------------------------------------------------------


def test_the_rapports_of_a_run_stand_by_organisation_year_and_kind() -> None:
    entries = [
        Shelved("jv-2024", "Jaarverslag 2024", "Gemeente Groningen", "jaarverslag", 2024),
        Shelved("begroting-2025", "Begroting 2025", "Gemeente Groningen", "begroting", 2025),
        Shelved("begroting-2024", "Begroting 2024", "Gemeente Groningen", "begroting", 2024),
        Shelved("plan", "Beleidsplan", "Gemeente Wassenaar", "beleidsplan", 2024),
        Shelved("iv3", "Iv3 2025", "Alle gemeenten", "begroting", 2025, gemeenten=342),
    ]
    found = shelves(entries)
    assert [s.organisatie for s in found] == [
        "Alle gemeenten",
        "Gemeente Groningen",
        "Gemeente Wassenaar",
    ]
    groningen = found[1]
    assert groningen.soorten == ("begroting", "jaarverslag")  # the order of the P&C cycle
    assert [
        (jaar, [[e.folder for e in cell] for cell in cells]) for jaar, cells in groningen.years
    ] == [
        (2025, [["begroting-2025"], []]),
        (2024, [["begroting-2024"], ["jv-2024"]]),  # last year's jaarverslag beside its begroting
    ]
    files = shelf_site(entries, "2025-01-01")
    assert sorted(files) == [
        "assets/site.css",
        "assets/site.js",
        "index.html",
        "toegankelijkheid.html",
    ]
    page = lxml_html.fromstring(files["index.html"])
    assert page.xpath("//form") == []  # no search over the run: each site has its own
    assert "../jv-2024/site/index.html" in page.xpath("//table//a/@href")
    row = page.xpath("//section[h2='Gemeente Groningen']//tbody/tr")[1]
    assert [c.text_content() for c in row] == ["2024", "Begroting 2024", "Jaarverslag 2024"]


def test_site_css_starts_with_the_documents_own_style(tmp_path: Path) -> None:
    from jaarverslag.render.site.pages import assets

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "style.css").write_text(
        "/* huisstijl */ h1 { color: red; }\n", "utf-8"
    )
    css = assets(tmp_path)["site/assets/site.css"].decode()
    assert css.startswith("/* huisstijl */ h1 { color: red; }")
    assert "/* ---- the site (-f site) ---- */" in css
