"""The beheerder's page (``/beheer``) and its JSON: every user with how they log in and their
rapports, every rapport with its storage, the builds that wait or run — for beheerders only; in
Chromium, reached from the menu, with axe-core finding nothing."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from support.browser import chromium_page
from support.werkplek import PASSWORD, Werkplek
from test_browser import axe

pytestmark = pytest.mark.slow


def test_the_overview_holds_users_rapports_storage_and_builds(
    werkplek: Werkplek, anna: httpx.Client, bram: httpx.Client, beheer: httpx.Client, rapport: str
) -> None:
    assert (
        anna.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "lezer"}).status_code == 200
    )
    text = b"Een tekst van precies veertig bytes.....\n"[:40]
    assert (
        anna.put(f"/api/rapporten/{rapport}/bestanden/teksten/extra.md", content=text).status_code
        == 201
    )
    started = anna.post(f"/api/rapporten/{rapport}/builds", json={"formaten": ["pdf"]}).json()
    found = beheer.get("/api/beheer/overzicht").json()
    users = {u["naam"]: u for u in found["gebruikers"]}
    assert users["anna"]["rapporten"][rapport] == "schrijver"
    assert users["bram"]["rapporten"][rapport] == "lezer"
    assert users["beheer"]["beheerder"] is True and users["anna"]["beheerder"] is False
    assert users["anna"]["wachtwoord"] is True and users["anna"]["sso"] is False
    rapporten = {r["naam"]: r for r in found["rapporten"]}
    files = anna.get(f"/api/rapporten/{rapport}/bestanden").json()["bestanden"]
    assert rapporten[rapport]["opslag"] == sum(f["grootte"] for f in files)  # distinct contents
    assert rapporten[rapport]["leden"] == 2
    running = [b for b in found["builds"] if b["rapport"] == rapport]
    state = anna.get(f"/api/rapporten/{rapport}/builds/{started['id']}").json()["status"]
    assert running or state in ("klaar", "mislukt")  # it may have finished already
    assert found["opslag"] >= rapporten[rapport]["opslag"]
    assert set(found["wachtrij"]) == {"bouw", "controle"}
    for who in (anna, bram):
        assert who.get("/api/beheer/overzicht").status_code == 403
        assert who.get("/api/beheer/gebruikers").status_code == 403
    deadline = time.monotonic() + 120
    while anna.get(f"/api/rapporten/{rapport}/builds/{started['id']}").json()["status"] not in (
        "klaar",
        "mislukt",
    ):
        assert time.monotonic() < deadline
        time.sleep(0.5)


def test_the_beheer_page_in_the_browser(werkplek: Werkplek, anna: httpx.Client, rapport: str,
                                        tmp_path: Path) -> None:  # fmt: skip
    with chromium_page(tmp_path / "beheer") as page:
        page.goto(f"{werkplek.url}/inloggen")
        page.fill("#naam", "beheer")
        page.fill("#wachtwoord", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten")
        page.click("nav a[href='/beheer']")
        page.wait_for("h1", text="Beheer")
        users = page.text("#gebruikers")
        assert "anna" in users and "bram" in users and "beheer (beheerder)" in users
        assert f"{rapport} (schrijver)" in users
        assert rapport in page.text("#rapporten")
        assert page.text("#opslag").endswith(("B", "kB", "MB"))
        axe(page)
        page.click("a[href='/beheer/audit']")
        page.wait_for("h1", text="Auditlog")
        assert page.errors == []
    with chromium_page(tmp_path / "anna") as page:  # a colleague: not for her
        page.goto(f"{werkplek.url}/inloggen")
        page.fill("#naam", "anna")
        page.fill("#wachtwoord", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten")
        assert page.evaluate("document.querySelector(\"nav a[href='/beheer']\") === null")
        page.goto(f"{werkplek.url}/beheer")
        page.wait_for("main", text="alleen een beheerder")
