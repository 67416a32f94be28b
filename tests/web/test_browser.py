"""The werkplek as a person uses it, in headless Chromium against a real ``jaarverslag web``:
log in, make a rapport from the starter workbook, drop a filled workbook on it, type in a text
and watch the preview change, build a PDF and download it, put the chapter into one's own Word
document and download that — and axe-core finds nothing on any page on the way, nor does the
browser report an error or a refused script."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.browser import BrowserError, Page, chromium_page
from support.helpers import ROOT, pdf_text
from support.werkplek import PASSWORD, Werkplek

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe(page: Page) -> None:
    """No violation of axe-core (every rule but the experimental ones) on the open page."""
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: `make test` runs `npm ci` (package.json)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => ({violations: r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target)})), passes: r.passes.length}))",
        timeout=120,
    )
    assert result["passes"] > 10, result  # axe really looked
    assert result["violations"] == [], f"{page.url}: {json.dumps(result['violations'], indent=1)}"


def set_files(page: Page, selector: str, *paths: Path) -> None:
    """Choose files in a file input, as the file dialog does."""
    root = page.call("DOM.getDocument")["root"]["nodeId"]
    node = page.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
    page.call("DOM.setFileInputFiles", nodeId=node, files=[str(p) for p in paths])


def drop(page: Page, selector: str, path: Path) -> None:
    """Drag a file from the desktop and drop it on an element."""
    box = page.evaluate(
        f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
        " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
    )
    data: dict[str, Any] = {"items": [], "files": [str(path)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        page.call("Input.dispatchDragEvent", type=kind, x=box["x"], y=box["y"], data=data)


def downloaded(folder: Path, name: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = folder / name
        if found.is_file() and not (folder / f"{name}.crdownload").exists():
            return found
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded; {sorted(p.name for p in folder.iterdir())}")


def refused(page: Page) -> list[str]:
    """What the browser refused to load or run under the Content-Security-Policy."""
    return [
        str(e["params"]["entry"].get("text"))
        for e in page.events
        if e["method"] == "Log.entryAdded"
        and "Content Security Policy" in str(e["params"]["entry"].get("text"))
    ]


def filled_workbook(starter: bytes, target: Path) -> Path:
    """The starter workbook as someone fills it: this year's realisatie of the P-banen."""
    book = openpyxl.load_workbook(io.BytesIO(starter))
    sheet = book["indicatoren"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "p_banen" and row[2].value == 2025 and row[3].value == "realisatie":
            row[4].value = 612
    book.save(target)
    return target


def test_a_whole_afternoon_in_the_werkplek(werkplek: Werkplek, tmp_path: Path) -> None:
    from docx import Document
    from support.gemeentedocument import make_document

    werkplek.user("dora")
    werkplek.user("eva")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with chromium_page(tmp_path) as page:
        page.call("Log.enable")
        page.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        page.goto(f"{werkplek.url}/rapporten")
        page.wait_for_url("/inloggen")
        axe(page)
        page.fill("#naam", "dora")
        page.fill("#wachtwoord", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten")
        axe(page)

        # a rapport from the starter workbook
        page.fill("#nieuw-naam", "middag")
        page.click("#nieuw-rapport button[type=submit]")
        page.wait_for_url("/rapporten/middag")
        page.wait_until(
            "document.querySelector('#controle').getAttribute('aria-busy') === 'false'", 60
        )
        assert "In orde" in page.text("#controle")
        assert "rapport.xlsx" in page.text("#bestanden")
        axe(page)

        # a filled workbook, dropped on the page
        with werkplek.client("dora") as api:
            starter = api.get("/api/rapporten/middag/bestanden/rapport.xlsx").content
        page.evaluate("window.nietHerladen = true")
        drop(page, "#sleepvlak", filled_workbook(starter, tmp_path / "rapport.xlsx"))
        page.wait_until("window.nietHerladen === undefined", 60)  # the page reloaded
        page.wait_until(
            "document.querySelector('#controle').getAttribute('aria-busy') === 'false'", 60
        )
        assert "In orde" in page.text("#controle")
        with werkplek.client("dora") as api:
            history = api.get(
                "/api/rapporten/middag/versies", params={"pad": "rapport.xlsx"}
            ).json()
        assert [v["soort"] for v in history["versies"]] == ["opgeslagen", "aangemaakt"]

        # a text typed beside the live preview
        page.click("a[aria-label='Bewerken teksten/inleiding.md']")
        page.wait_for_url("/tekst/teksten/inleiding.md")
        page.wait_until(
            "document.getElementById('voorbeeld-stand').textContent === '(bijgewerkt)'", 60
        )
        frame = "document.getElementById('voorbeeld').contentDocument"
        page.wait_until(f"{frame}.body && {frame}.body.innerText.includes('612')", 60)
        axe(page)
        page.click("#tekst")
        page.press("ArrowDown")
        page.type("Het aantal Zwaluwstaarten steeg dit jaar flink.\n\n")
        seconds = page.wait_until(f"{frame}.body.innerText.includes('Zwaluwstaarten')", 30)
        assert seconds < 15
        assert page.text("#opslag") == "Niet opgeslagen wijzigingen."
        page.click("#tekst-opslaan button[type=submit]")
        page.wait_for("#opslag", text="Opgeslagen als versie")

        # the PDF, made and downloaded
        page.click("a[href='/rapporten/middag']")
        page.wait_for("h1", text="middag")
        page.click("input[name=formaat][value=pdf]")
        page.click("#bouwen button[type=submit]")
        page.wait_for("tr[data-status=klaar] a[href$='middag.pdf']", timeout=240)
        axe(page)
        page.click("tr[data-status=klaar] a[href$='middag.pdf']")
        pdf = pdf_text(downloaded(downloads, "middag.pdf"))
        assert "Zwaluwstaarten" in pdf and "612" in pdf

        # the chapter in one's own Word document
        document = make_document(tmp_path / "beleidsplan.docx")
        set_files(page, "#invoegen-document", document)
        page.fill("#invoegen-kop", "Financiën")
        page.click("#invoegen button[type=submit]")
        page.wait_for("#invoegen-uitkomst", text="Klaar: beleidsplan.bijgewerkt.docx", timeout=120)
        word = Document(str(downloaded(downloads, "beleidsplan.bijgewerkt.docx")))
        texts = [p.text for p in word.paragraphs]
        chapter = texts.index(next(t for t in texts if t.endswith("Financiën")))
        assert any("Zwaluwstaarten" in t for t in texts[chapter:])
        assert "Monitoring" in " ".join(texts[chapter:])  # the chapters after it are still there

        # a colleague as lezer; the history; the account
        page.fill("#lid-naam", "eva")
        page.evaluate("document.getElementById('lid-rol').value = 'lezer'")
        page.click("#lid button[type=submit]")
        page.wait_for("td", text="eva")
        page.follow("a[href='/rapporten/middag/geschiedenis']")  # the page may still be reloading
        page.wait_for("h1", text="Geschiedenis")
        axe(page)
        page.click("button[data-herstel]")
        page.wait_for("td", text="hersteld")
        page.goto(f"{werkplek.url}/account")
        axe(page)
        page.click("#token-nieuw")
        page.wait_for("pre.token")
        page.goto(f"{werkplek.url}/rapporten/bestaat-niet")
        assert page.text("h1") == "Niet gevonden"
        axe(page)
        assert page.errors == []
        assert refused(page) == []

    with chromium_page(tmp_path / "beheer") as page:  # a beheerder reads the audit log
        page.goto(f"{werkplek.url}/inloggen")
        page.fill("#naam", "beheer")
        page.fill("#wachtwoord", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten")
        page.goto(f"{werkplek.url}/beheer/audit")
        page.wait_for("h1", text="Auditlog")
        assert "hoofdstuk ingevoegd" in page.text("table")
        axe(page)


def test_a_lezer_sees_no_buttons_that_write(werkplek: Werkplek, tmp_path: Path) -> None:
    werkplek.user("fien")
    with werkplek.client("anna") as api:
        assert api.post("/api/rapporten", json={"naam": "alleen-lezen"}).status_code == 201
        assert (
            api.put("/api/rapporten/alleen-lezen/leden/fien", json={"rol": "lezer"}).status_code
            == 200
        )
    with chromium_page(tmp_path) as page:
        page.goto(f"{werkplek.url}/inloggen")
        page.fill("#naam", "fien")
        page.fill("#wachtwoord", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten")
        page.goto(f"{werkplek.url}/rapporten/alleen-lezen")
        for selector in ("#uploaden", "#bouwen", "#invoegen", "#lid", "[data-verwijder]"):
            assert page.evaluate(f"document.querySelector({json.dumps(selector)}) === null"), (
                selector
            )
        page.follow("a[aria-label='Bekijken teksten/inleiding.md']")
        assert page.evaluate("location.pathname").endswith("/tekst/teksten/inleiding.md")
        assert page.evaluate("document.getElementById('tekst').readOnly")
        with pytest.raises(BrowserError):
            page.click("#tekst-opslaan button[type=submit]", timeout=1)
        axe(page)


def test_the_browser_runs_no_script_that_is_not_the_werkplek_s(
    werkplek: Werkplek, tmp_path: Path
) -> None:
    """An injected inline script (say, through a name printed on a page) is refused by the
    browser itself, under the werkplek's Content-Security-Policy."""
    with chromium_page(tmp_path) as page:
        page.call("Log.enable")
        page.goto(f"{werkplek.url}/inloggen")
        page.evaluate(
            "const s = document.createElement('script'); s.textContent = 'window.binnen = 1';"
            " document.body.appendChild(s)"
        )
        page.pause(0.5)
        assert page.evaluate("window.binnen === undefined")
        assert any("script-src 'self'" in line for line in refused(page))
