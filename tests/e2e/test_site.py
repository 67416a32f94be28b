"""The site (issue 23) as a reader and a checker meet it: every example and the reeks sample
built with ``-f site,pdf,html`` in one run, served by a plain static server on 127.0.0.1 and
opened in headless Chromium.

Every internal link resolves; every table has its stable id and a CSV link that opens its
data; search finds a table by a word of its title and opens the page at it; the portal finds a
gemeente by a few letters and sorts its comparison; axe-core finds no violation on any page; a
keyboard alone gets through (skip link first, focus visible, menu and search usable, no trap);
the figures on the site are those of the PDF; the same input gives the same bytes, the search
index too. What toegankelijkheid.html says is tested, is tested here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
from lxml import html as lxml_html
from support.asgi import serving_folder
from support.browser import Page, chromium_page, find_chromium
from support.helpers import DATA, REEKS_SAMPLE, examples, is_reeks, pdf_text
from support.pagefind_probe import tree_digest
from support.readback import TOKEN, HtmlTables, missing_rows

from jaarverslag.build.options import BuildOptions
from jaarverslag.build.outfolder import MARKER
from jaarverslag.build.pipeline import build
from jaarverslag.core.slugs import slug

pytestmark = pytest.mark.slow

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
EXAMPLES = examples()
REEKS = next(name for name in EXAMPLES if is_reeks(name))
SAMPLE = [slug(g, "gemeente") for g in REEKS_SAMPLE]


def documents() -> list[tuple[str, str]]:
    """(example, the folder of one document under OUT) for every document of the run."""
    found = []
    for name in EXAMPLES:
        if is_reeks(name):
            found += [(name, f"{name}/{s}") for s in SAMPLE]
        else:
            found.append((name, name))
    return found


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example in one run, as ``build data/* -f site,pdf,html`` (of the reeks its sample)."""
    out = tmp_path_factory.mktemp("site")
    options = BuildOptions(("site", "pdf", "html"), gemeenten=REEKS_SAMPLE, use_cache=False)
    outcomes = build([DATA / name for name in EXAMPLES], out, options)
    assert all(o.ok for o in outcomes), [(o.folder, o.error, o.problems) for o in outcomes]
    assert [o.output for o in outcomes] == [out / name for name in EXAMPLES] + [out / "site"]
    return out


@pytest.fixture(scope="module")
def base(out: Path) -> Iterator[str]:
    with serving_folder(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    if find_chromium() is None:
        pytest.fail("chromium is not installed: `make test` installs it (scripts/system-deps.sh)")
    with chromium_page(tmp_path_factory.mktemp("chromium")) as page:
        yield page


def site_pages(out: Path) -> list[Path]:
    """Every page of every site of the run: the documents', the reeks's portal, OUT/site."""
    return sorted(
        p
        for p in out.rglob("*.html")
        if "site" in p.relative_to(out).parts and "pagefind" not in p.parts
    )


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


# -- links, ids, open data --------------------------------------------------------------------


def test_every_internal_link_resolves(out: Path) -> None:
    pages = site_pages(out)
    assert len(pages) >= 30
    ids: dict[Path, set[str]] = {}
    checked = 0
    for page in pages:
        tree = parse(page)
        targets = [
            *tree.xpath("//a/@href"),
            *tree.xpath("//link/@href"),
            *tree.xpath("//script/@src"),
            *tree.xpath("//form/@action"),
            *(src for src in tree.xpath("//img/@src") if not src.startswith("data:")),
        ]
        for target in targets:
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:|/)", target), (
                f"{page}: {target} is not relative"
            )
            parts = urlsplit(target)
            file = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if file.is_dir():
                file = file / "index.html"
            assert file.is_relative_to(out.resolve()), f"{page}: {target} leaves the output folder"
            assert file.is_file(), f"{page}: {target} does not resolve"
            if parts.fragment:
                if file not in ids:
                    ids[file] = set(parse(file).xpath("//@id"))
                assert parts.fragment in ids[file], f"{page}: {target}: no such id"
            checked += 1
    assert checked > 500


def test_every_table_has_a_stable_id_and_a_csv_link_that_opens_its_data(
    out: Path, base: str
) -> None:
    seen = 0
    for _name, folder in documents():
        site = out / folder / "site"
        csvs = {p.stem for p in (out / folder / "tabellen").glob("*.csv")}
        ids = set()
        for page in sorted(site.glob("*.html")):
            tree = parse(page)
            for box in tree.xpath("//div[@class='tabelvak']"):
                first = box.xpath(".//table")[0]
                name = first.get("id").removeprefix("tabel-")
                ids.add(name)
                assert name in csvs, f"{page}: {first.get('id')} is not named after its open data"
                actions = box.getnext()
                links = actions.xpath(".//a")
                assert links[0].text_content().startswith("Download als CSV")
                assert links[1].get("href") == f"#tabel-{name}"
                href = links[0].get("href")
                url = urljoin(f"{base}/{page.relative_to(out).as_posix()}", href)
                with urllib.request.urlopen(url, timeout=10) as answer:
                    assert answer.status == 200
                    data = answer.read()
                assert data == (out / folder / "tabellen" / f"{name}.csv").read_bytes()
                records = list(csv.reader(io.StringIO(data.decode("utf-8"))))
                labels = [r[0] for r in records[1:]]
                rows = [
                    " ".join(tr.xpath("string(th)").split())
                    for tr in first.xpath("tbody/tr")
                    if tr.xpath("th[@scope='row']")
                ]
                assert len(rows) == len(labels) and all(
                    row.startswith(label) for row, label in zip(rows, labels, strict=True)
                ), (page, name)
                seen += 1
        assert ids == csvs - {"overzicht"}, folder  # every table is on a page of the site
    assert seen >= 15


# -- the figures ------------------------------------------------------------------------------


def figure(cell: str) -> str | None:
    """The number a cell prints (``€ -1.234,5``, ``99,6%``, ``150`` with its footnote marker
    set apart), as the PDF's text has it; None for a text cell."""
    bare = re.sub(r"\s*voetnoot\s+\S+$", "", cell).replace("\u2212", "-")
    bare = bare.removeprefix("€").removesuffix("%").strip()
    return bare if TOKEN.fullmatch(bare) else None


@pytest.mark.parametrize(("name", "folder"), documents())
def test_the_sites_figures_are_the_pdfs(out: Path, name: str, folder: str) -> None:
    stem = folder.rsplit("/", 1)[-1]
    on_site = HtmlTables()
    for page in sorted((out / folder / "site").glob("*.html")):
        on_site.feed(page.read_text("utf-8"))
    in_document = HtmlTables()
    in_document.feed((out / folder / f"{stem}.html").read_text("utf-8"))
    assert on_site.tables == in_document.tables  # cell by cell, as printed
    rows = []
    for table, found in on_site.tables.items():
        for row in found:
            figures = [{f} for cell in row[1:] if (f := figure(cell)) is not None]
            if figures:
                rows.append((table, row[0], figures))
    assert rows
    assert missing_rows(pdf_text(out / folder / f"{stem}.pdf"), rows) == []


def test_the_start_pages_key_figures_are_the_total_rows_of_their_tables(out: Path) -> None:
    tree = parse(out / REEKS / SAMPLE[0] / "site" / "index.html")
    (term,) = tree.xpath("//dl[@class='kerncijfers']/dt")
    assert term.xpath("string(a)") == "Saldo van baten en lasten"
    assert "(x € 1.000)" in term.text_content()
    page = parse(out / REEKS / SAMPLE[0] / "site" / term.xpath("a/@href")[0].split("#")[0])
    total = [
        tr
        for tr in page.xpath("//table[@id='tabel-kosten']/tbody/tr")
        if tr.get("class") == "totaal"
    ][-1]
    cells = [" ".join(td.text_content().split()) for td in total.xpath("td")]
    shown = " ".join(term.getnext().text_content().split())
    assert shown == "; ".join(
        f"{label}: {cell}"
        for label, cell in zip(
            ["Begroting 2024", "Begroting 2025", "Verschil", "V/N"], cells, strict=True
        )
    )


# -- search, the portal, the comparison ---------------------------------------------------------


def search_page(folder: str) -> str:
    """The search page a document's header form goes to."""
    return (
        f"{REEKS}/site/zoeken.html"
        if folder.startswith(f"{REEKS}/")
        else f"{folder}/site/zoeken.html"
    )


@pytest.mark.parametrize(("name", "folder"), documents())
def test_search_finds_a_table_by_a_word_in_its_title(
    out: Path, base: str, browser: Page, name: str, folder: str
) -> None:
    site = out / folder / "site"
    pages = [p for p in sorted(site.glob("*.html")) if p.name != "index.html"]
    page, table = next(
        (p, t) for p in pages for t in parse(p).xpath("//div[@class='tabelvak']//table[1]")
    )
    caption = table.xpath("string(caption)")
    words = sorted(re.findall(r"[A-Za-zëïé]{6,}", caption.split(" ", 2)[-1]), key=len)
    word = words[-1].lower()
    scope = ""
    if "/" in folder:  # a gemeente's header form: its name and its folder
        gemeente = folder.split("/")[1]
        scope = f"&in={quote(REEKS_SAMPLE[SAMPLE.index(gemeente)])}&pad={gemeente}"
    browser.goto(f"{base}/{search_page(folder)}?q={word}{scope}")
    browser.wait_for("#zoekresultaten li", timeout=30)
    expected = f"{page.relative_to(out).as_posix()}#{table.get('id')}"
    hrefs = browser.evaluate(
        "[...document.querySelectorAll('#zoekresultaten li a')].map(a => a.href)"
    )
    assert f"{base}/{expected}" in hrefs, (word, hrefs)
    # the search page is no result (its contents without JavaScript are no content)
    assert not any(urlsplit(h).path.endswith("/zoeken.html") for h in hrefs), hrefs
    if scope:  # only this gemeente's pages
        assert all(f"/{folder}/" in h for h in hrefs), hrefs
    assert "resultat" in browser.text("#zoekstatus")
    browser.click(f"#zoekresultaten a[href$='{page.name}#{table.get('id')}']")
    browser.wait_for_url(f"#{table.get('id')}")
    ident = json.dumps(table.get("id"))
    # the page opens at the table: it is on the screen
    browser.wait_until(
        f"(e => e !== null && (r => r.top >= 0 && r.top < innerHeight)(e.getBoundingClientRect()))"
        f"(document.getElementById({ident}))"
    )
    assert browser.errors == []


def test_link_to_this_table_copies_its_address(base: str, browser: Page) -> None:
    page = f"{base}/{REEKS}/{SAMPLE[0]}/site/wat-mag-het-kosten.html"
    browser.call(
        "Browser.grantPermissions",
        origin=base,
        permissions=["clipboardReadWrite", "clipboardSanitizedWrite"],
    )
    browser.goto(page)
    browser.click("a.deellink[href='#tabel-kosten']")
    browser.wait_until("document.querySelector('.melding').textContent !== ''")
    assert browser.text(".melding") == f"Link gekopieerd: {page}#tabel-kosten"
    assert browser.url == f"{page}#tabel-kosten"
    assert browser.evaluate("navigator.clipboard.readText()") == f"{page}#tabel-kosten"
    assert browser.errors == []


def test_search_keeps_to_one_gemeente_or_searches_them_all(base: str, browser: Page) -> None:
    browser.goto(
        f"{base}/{REEKS}/site/zoeken.html?q=inkomensregelingen&in={quote(REEKS_SAMPLE[1])}&pad={SAMPLE[1]}"
    )
    browser.wait_for("#zoekresultaten li", timeout=30)
    one = browser.evaluate(
        "[...document.querySelectorAll('#zoekresultaten li a')].map(a => a.href)"
    )
    assert one and all(f"/{SAMPLE[1]}/" in h for h in one)
    browser.click("#zoekbereik")  # "Alleen in Bergen (L.)" off
    browser.wait_until(
        "new Set([...document.querySelectorAll('#zoekresultaten li a')].map(a => a.href.split('/')[4])).size > 1",
        timeout=30,
    )
    assert "in=" not in browser.url
    assert browser.errors == []


def test_the_portal_finds_a_gemeente_by_a_few_letters_and_sorts_the_comparison(
    base: str, browser: Page
) -> None:
    browser.goto(f"{base}/{REEKS}/site/index.html")
    visible = "[...document.querySelectorAll('.groep li')].filter(li => li.getClientRects().length).map(li => li.querySelector('a').textContent)"
    assert sorted(browser.evaluate(visible)) == sorted(REEKS_SAMPLE)
    browser.fill("#vinder", "grav")
    browser.wait_until(f"({visible}).length === 1")
    assert browser.evaluate(visible) == ["'s-Gravenhage"]
    assert browser.text("#vinderstatus") == "1 gemeente gevonden"
    browser.fill("#vinder", "frysl")  # Súdwest-Fryslân, in Fryslân: diacritics don't count
    browser.wait_until(f"({visible}).length === 1")
    assert browser.evaluate(visible) == ["Súdwest-Fryslân"]
    browser.fill("#vinder", "limburg")  # by its province
    browser.wait_until(f"({visible}).length === 1")
    assert browser.evaluate(visible) == ["Bergen (L.)"]
    assert (
        browser.evaluate("[...document.querySelectorAll('.groep')].filter(g => !g.hidden).length")
        == 1
    )
    browser.press("Enter")  # the first found gets the focus
    assert browser.evaluate("document.activeElement.textContent") == "Bergen (L.)"
    browser.fill("#vinder", "xyz")
    browser.wait_until(f"({visible}).length === 0")
    assert browser.text("#vinderstatus") == "Geen gemeente gevonden"

    browser.goto(f"{base}/{REEKS}/site/vergelijking.html")
    column = "Inwoners"
    index = browser.evaluate(
        f"[...document.querySelectorAll('#tabel-overzicht thead th')].findIndex(th => th.textContent.trim() === {json.dumps(column)})"
    )
    assert index > 0
    browser.click(f"#tabel-overzicht thead th:nth-child({index + 1}) button")
    values = browser.evaluate(
        f"[...document.querySelectorAll('#tabel-overzicht tbody tr')].map(tr => parseInt(tr.cells[{index}].textContent.replace(/\\./g, '')))"
    )
    assert len(values) == 342 and values == sorted(values, reverse=True)
    assert (
        browser.evaluate(
            f"document.querySelectorAll('#tabel-overzicht thead th')[{index}].getAttribute('aria-sort')"
        )
        == "descending"
    )
    browser.click(f"#tabel-overzicht thead th:nth-child({index + 1}) button")
    again = browser.evaluate(
        f"[...document.querySelectorAll('#tabel-overzicht tbody tr')].map(tr => parseInt(tr.cells[{index}].textContent.replace(/\\./g, '')))"
    )
    assert again == sorted(values)
    browser.click("#tabel-overzicht thead th:nth-child(1) button")  # by name, a to z
    names = browser.evaluate(
        "[...document.querySelectorAll('#tabel-overzicht tbody th')].map(th => th.textContent)"
    )
    assert names[:3] == ["'s-Gravenhage", "'s-Hertogenbosch", "Aa en Hunze"]
    assert browser.errors == []


def test_the_portal_reads_without_javascript(out: Path) -> None:
    """No script: the finder stays hidden, every gemeente is a plain link, the comparison a
    plain table in the order of the data."""
    tree = parse(out / REEKS / "site" / "index.html")
    assert tree.xpath("//form[@class='vinder']/@hidden") == [""]
    assert sorted(tree.xpath("//section[@class='groep']//a/text()")) == sorted(REEKS_SAMPLE)
    table = parse(out / REEKS / "site" / "vergelijking.html").xpath(
        "//table[@id='tabel-overzicht']"
    )[0]
    assert len(table.xpath("tbody/tr")) == 342 and table.xpath("thead//button") == []


# -- accessibility ----------------------------------------------------------------------------


def axe(browser: Page) -> list[dict]:  # type: ignore[type-arg]
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: `make test` runs `npm ci` (package.json)")
    if not browser.evaluate("typeof axe !== 'undefined'"):
        browser.evaluate(AXE.read_text("utf-8") + ";true")
    found = browser.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify({passes: r.passes.length, "
        "violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))}))",
        timeout=120,
    )
    result = json.loads(found)
    assert result["passes"] > 10  # axe really looked
    return result["violations"]  # type: ignore[no-any-return]


def test_axe_finds_no_violations_on_any_page(out: Path, base: str, browser: Page) -> None:
    """Every page of every site (WCAG 2.0/2.1 A and AA and best practices), and the search
    page with its results shown, on a wide and on a phone-sized screen."""
    failures = []
    for page in site_pages(out):
        browser.goto(f"{base}/{page.relative_to(out).as_posix()}")
        if violations := axe(browser):
            failures.append(f"{page.relative_to(out)}: {violations}")
    browser.goto(f"{base}/{REEKS}/site/zoeken.html?q=kosten")
    browser.wait_for("#zoekresultaten li", timeout=30)
    if violations := axe(browser):
        failures.append(f"zoeken met resultaten: {violations}")
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        for page in (
            "begroting-2020/site/index.html",
            f"{REEKS}/{SAMPLE[0]}/site/wat-mag-het-kosten.html",
        ):
            browser.goto(f"{base}/{page}")
            if violations := axe(browser):
                failures.append(f"{page} (telefoon): {violations}")
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert failures == []
    assert browser.errors == []


def focus(browser: Page) -> dict:  # type: ignore[type-arg]
    return browser.evaluate(
        """(e => ({tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim(),
             href: e.getAttribute('href'), outline: getComputedStyle(e).outlineStyle,
             width: parseFloat(getComputedStyle(e).outlineWidth), visible: e.getClientRects().length > 0}))
           (document.activeElement)"""
    )


def test_on_a_phone_only_a_wide_table_scrolls_sideways_and_its_caption_stays_in_view(
    base: str, browser: Page
) -> None:
    """390 px wide: the page itself never scrolls sideways; a table wider than the screen
    scrolls in its own box, its caption wrapped to the screen and kept in view."""
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        wide = 0
        for page in (
            "participatie-2017/site/participatieladder.html",
            "participatie-2017/site/prestatieafspraken.html",
            f"{REEKS}/{SAMPLE[0]}/site/vergelijking-met-andere-gemeenten.html",
            f"{REEKS}/site/vergelijking.html",
        ):
            browser.goto(f"{base}/{page}")
            assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth"), page
            boxes = browser.evaluate(
                """[...document.querySelectorAll('.tabelvak')].filter(b => b.querySelector('caption'))
                     .map(b => { b.scrollLeft = b.scrollWidth; const c = b.querySelector('caption').getBoundingClientRect();
                                 return [b.scrollWidth > b.clientWidth, c.left, c.right, innerWidth]; })"""
            )
            for overflows, left, right, width in boxes:
                wide += overflows
                assert left >= 0 and right <= width, (page, left, right, width)
        assert wide >= 2  # there were wide tables to see
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")


def test_a_keyboard_alone_gets_through_the_site(base: str, browser: Page) -> None:
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        browser.goto(f"{base}/{REEKS}/{SAMPLE[0]}/site/index.html")
        # the skip link first, and it takes you to the content
        browser.press("Tab")
        first = focus(browser)
        assert (first["href"], first["text"]) == ("#inhoud", "Naar de inhoud")
        assert first["visible"] and first["outline"] != "none" and first["width"] >= 2
        browser.press("Enter")
        assert focus(browser)["id"] == "inhoud"
        # every stop shows its focus, and Tab reaches the end of the page: no trap
        browser.goto(f"{base}/{REEKS}/{SAMPLE[0]}/site/index.html")
        stops = []
        for _ in range(200):
            browser.press("Tab")
            now = focus(browser)
            if now["tag"] == "body" or (stops and now == stops[0]):
                break
            assert now["visible"], now
            assert now["outline"] != "none" and now["width"] >= 2, now
            stops.append(now)
        focusable = browser.evaluate(
            "[...document.querySelectorAll('a[href], button, input, select, summary, [tabindex=\"0\"]')]"
            ".filter(e => e.getClientRects().length && !e.closest('[hidden]')).length"
        )
        assert len(stops) == focusable  # each once, in order, and then out of the page
        # the menu: a button on a phone, folded (its links are no stops), opened and closed
        # with the keyboard
        labels = [s["text"] for s in stops]
        menu = labels.index("Menu")
        assert "Wat mag het kosten?" not in labels[menu + 1 : menu + 3]
        browser.goto(f"{base}/{REEKS}/{SAMPLE[0]}/site/index.html")
        for _ in range(menu + 1):
            browser.press("Tab")
        assert focus(browser)["text"] == "Menu"
        assert (
            browser.evaluate("document.querySelector('.menuknop').getAttribute('aria-expanded')")
            == "false"
        )
        assert not browser.evaluate("document.querySelector('#menulijst').getClientRects().length")
        browser.press("Enter")
        assert (
            browser.evaluate("document.querySelector('.menuknop').getAttribute('aria-expanded')")
            == "true"
        )
        browser.press("Tab")
        assert focus(browser)["text"] == "Wat mag het kosten?"
        browser.press("Escape")
        assert focus(browser)["text"] == "Menu"
        assert (
            browser.evaluate("document.querySelector('.menuknop').getAttribute('aria-expanded')")
            == "false"
        )
        # search with the keyboard: the header's box, Enter, the results, a result opened
        browser.goto(f"{base}/{REEKS}/{SAMPLE[0]}/site/index.html")
        for _ in range(30):
            browser.press("Tab")
            if focus(browser)["id"] == "zoekterm-kop":
                break
        browser.type("kosten")
        browser.press("Enter")
        browser.wait_for("#zoekresultaten li", timeout=30)
        assert "zoeken.html?q=kosten" in browser.url
        for _ in range(60):
            browser.press("Tab")
            target = focus(browser)["href"] or ""
            if target.endswith("#tabel-kosten"):
                break
        assert browser.evaluate("document.activeElement.closest('#zoekresultaten') !== null")
        assert target.endswith("wat-mag-het-kosten.html#tabel-kosten"), target
        browser.press("Enter")
        browser.wait_for_url("#tabel-kosten")
        assert browser.errors == []
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")


def test_every_page_reads_without_javascript(out: Path) -> None:
    """What needs the script is hidden without it; everything else is plain HTML: a lang, one
    h1, a title, no inline script, only the site's own script."""
    for page in site_pages(out):
        tree = parse(page)
        assert tree.get("lang") == "nl", page
        assert len(tree.xpath("//h1")) == 1, page
        assert tree.findtext(".//title").strip(), page
        assert all(s.get("src", "").endswith("assets/site.js") for s in tree.xpath("//script")), (
            page
        )
        for element in tree.xpath("//*[@hidden]"):
            assert element.get("class") in (
                "menuknop",
                "vinder",
                "zoeken",
                "bereik",
                "sorteeruitleg",
            ), (page, element.get("class"))


def test_without_javascript_every_page_is_reached_by_its_links_on_a_phone(
    base: str, browser: Page
) -> None:
    """Scripts off, 390 px wide: the menu is open (no button to need), its links lead on,
    the search page shows the contents instead, the portal lists every gemeente."""
    browser.call("Emulation.setScriptExecutionDisabled", value=True)
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=390,
        height=844,
        deviceScaleFactor=1,
        mobile=True,
    )
    shown = "(s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length).map(e => e.textContent.trim()))"
    try:
        browser.goto(f"{base}/{REEKS}/{SAMPLE[1]}/site/index.html")
        assert browser.evaluate(f"{shown}('.menuknop')") == []
        menu = browser.evaluate(f"{shown}('#menulijst a')")
        assert menu[0] == "Wat mag het kosten?", menu
        browser.follow("#menulijst a")
        assert browser.text("h1") == "Wat mag het kosten?"
        browser.follow(".bladeren .volgende a")
        assert browser.text("h1") == menu[1]
        browser.follow(".kruimelpad a")  # the portal, at the start of the breadcrumbs
        assert browser.evaluate("location.pathname").endswith("/site/index.html")
        assert sorted(browser.evaluate(f"{shown}('.groep li a')")) == sorted(REEKS_SAMPLE)
        browser.goto(f"{base}/{REEKS}/site/zoeken.html?q=kosten")
        browser.wait_until(  # the search page itself, loaded (not the portal still)
            "location.pathname.endsWith('/zoeken.html') && document.readyState === 'complete'"
        )
        assert browser.evaluate(f"{shown}('.zonder-script a')")
        assert browser.evaluate(f"{shown}('#zoeken')") == []
    finally:
        browser.call("Emulation.setScriptExecutionDisabled", value=False)
        browser.call("Emulation.clearDeviceMetricsOverride")


def test_a_page_prints_as_the_document_does(base: str, browser: Page, tmp_path: Path) -> None:
    """Printed (Chromium's print to PDF): A4 pages with the document's page numbers, the
    section and its tables; no header, menu, search, breadcrumbs or links beside the tables."""
    import base64

    browser.goto(f"{base}/{REEKS}/{SAMPLE[1]}/site/wat-mag-het-kosten.html")
    printed = browser.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)
    pdf = tmp_path / "afdruk.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = pdf_text(pdf)
    words = " ".join(text.split())
    assert "Wat mag het kosten?" in words and "Saldo van baten en lasten" in words
    assert "Pagina 1 van 1" in words  # the document's own page footer
    for chrome in (
        "Naar de inhoud",
        "Zoek",
        "Menu",
        "Download als CSV",
        "Link naar deze tabel",
        "Alle gemeenten",
        "Toegankelijkheid",
        "Volgende",
        "PDF",
    ):
        assert chrome not in words, chrome
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in size, size


# -- safe and repeatable ----------------------------------------------------------------------


def test_the_run_wrote_a_portal_over_its_rapports(out: Path) -> None:
    shelf = out / "site"
    assert (shelf / MARKER).is_file()
    tree = parse(shelf / "index.html")
    hrefs = tree.xpath("//table//a/@href")
    assert sorted(hrefs) == sorted(f"../{name}/site/index.html" for name in EXAMPLES)
    groningen = tree.xpath("//section[h2='Gemeente Groningen']//tbody/tr")
    assert [" ".join(" ".join(r.itertext()).split()) for r in groningen] == [
        "2020 Begroting 2020 Programma 1 Werk en inkomen -",
        "2017 - Jaarverslag 2017",
    ]


def test_the_same_input_gives_the_same_site_search_index_and_all(tmp_path: Path) -> None:
    folders = [DATA / "begroting-2020", DATA / REEKS]
    options = BuildOptions(("site",), gemeenten=REEKS_SAMPLE[:2], use_cache=False)
    first = build(folders, tmp_path / "een", options)
    second = build(list(reversed(folders)), tmp_path / "twee", options)
    assert all(o.ok for o in first + second)
    for name in ("begroting-2020", REEKS, "site"):
        one = tree_digest(tmp_path / "een" / name)
        assert any(path.startswith("site/pagefind/") for path in one) or name == "site"
        assert one == tree_digest(tmp_path / "twee" / name), name


def test_every_page_is_under_150_kb_before_its_pictures(out: Path) -> None:
    picture = re.compile(rb"data:image/[a-z+.-]+;base64,[A-Za-z0-9+/=]+")
    sizes = {p: len(picture.sub(b"", p.read_bytes())) for p in site_pages(out)}
    assert max(sizes.values()) < 150_000, max(sizes.items(), key=lambda item: item[1])


def test_the_policy_lets_only_the_sites_own_scripts_run(base: str, browser: Page) -> None:
    """A script put into a page (inline, or from elsewhere) does not run; the site's own does."""
    browser.goto(f"{base}/{REEKS}/{SAMPLE[0]}/site/index.html")
    assert browser.evaluate("document.querySelector('.menuknop').hidden") is False  # site.js ran
    browser.evaluate(
        """(() => { window.refused = [];
             document.addEventListener('securitypolicyviolation', e => refused.push(e.violatedDirective));
             for (const src of [null, 'http://127.0.0.2:9/x.js', 'data:text/javascript,window.ran=2']) {
               const s = document.createElement('script');
               if (src) s.src = src; else s.textContent = 'window.ran = 1';
               document.head.appendChild(s); } return true; })()"""
    )
    browser.wait_until("window.refused.length === 3")
    assert browser.evaluate("typeof window.ran") == "undefined"
    assert set(browser.evaluate("window.refused")) <= {"script-src-elem", "script-src"}


# -- hostile content --------------------------------------------------------------------------


def test_hostile_text_is_shown_literally_and_never_runs(tmp_path: Path, browser: Page) -> None:
    """HTML, Jinja and script in every printed field (tests/rapports/hostile): on the site as
    text, nothing runs (no dialog, no error), every page still within its policy."""
    from support.helpers import RAPPORTS

    hostile = [RAPPORTS / "hostile" / name for name in ("labels-jaarverslag", "labels-beleidsplan")]
    outcomes = build(hostile, tmp_path, BuildOptions(("site",), use_cache=False))
    assert [o.ok for o in outcomes[:2]] == [True, True], [o.problems for o in outcomes]
    browser.call("Page.enable")
    with serving_folder(tmp_path) as url:
        shown = ""
        for page in sorted(tmp_path.glob("labels-*/site/*.html")):
            seen = len(browser.events)
            browser.goto(f"{url}/{page.relative_to(tmp_path).as_posix()}")
            browser.pause(0.3)
            dialogs = [
                e for e in browser.events[seen:] if e["method"] == "Page.javascriptDialogOpening"
            ]
            assert dialogs == [], page
            shown += browser.text("body")
        assert browser.errors == []
    for literal in ("<script>alert(1)</script>", "{{ 6*7007 }}", "<img src=x onerror=alert(1)>"):
        assert literal in shown, literal
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "labels-beleidsplan",
        "labels-jaarverslag",
        "site",
    ]
