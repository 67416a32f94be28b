"""A rapport's history and the audit log are read a page at a time: both grow with every save,
and a request that read all of one would hold the server (on SQLite its transaction runs on the
event loop) for as long as it is long. Every line is still reachable, page after page, and a
page says whether older ones follow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.werkplek import log_in

from jaarverslag.web import admin, pages
from jaarverslag.web.app import create_app
from jaarverslag.web.settings import Settings

pytestmark = pytest.mark.slow

TEXT = "/api/rapporten/r/bestanden/teksten/nieuw.md"


@contextmanager
def logged_in(tmp_path: Path, name: str, beheerder: bool = False) -> Iterator[TestClient]:
    """A new werkplek with one user, ``name``, logged in as a browser is."""
    settings = Settings(data=tmp_path / "wp")
    assert admin.add_user(settings, name, beheerder, "een-lang-wachtwoord") == 0
    with TestClient(create_app(settings), follow_redirects=False) as client:
        client.headers["X-CSRF-Token"] = log_in(  # type: ignore[attr-defined]
            client, name, "een-lang-wachtwoord"
        ).csrf
        yield client


@pytest.fixture
def anna(tmp_path: Path) -> Iterator[TestClient]:
    """Anna's rapport ``r`` (four starter files) with seven versions of ``teksten/nieuw.md``."""
    with logged_in(tmp_path, "anna") as client:
        assert client.post("/api/rapporten", json={"naam": "r", "excel": False}).status_code == 201
        for n in range(7):
            assert client.put(TEXT, content=f"Versie {n}.\n".encode()).status_code in (200, 201)
        yield client


def test_the_api_gives_the_history_a_page_at_a_time(anna: TestClient) -> None:
    everything = anna.get("/api/rapporten/r/versies").json()
    assert everything["meer"] is False
    ids = [v["versie"] for v in everything["versies"]]
    assert len(ids) == 11 and ids == sorted(ids, reverse=True)  # 4 starter files + 7 saves
    assert [v["huidig"] for v in everything["versies"]][:2] == [True, False]

    pages_seen: list[list[int]] = []
    before: int | None = None
    while True:
        params = {"aantal": 3, **({"voor": before} if before is not None else {})}
        page = anna.get("/api/rapporten/r/versies", params=params).json()
        pages_seen.append([v["versie"] for v in page["versies"]])
        if not page["meer"]:
            break
        before = page["versies"][-1]["versie"]
    assert pages_seen == [ids[0:3], ids[3:6], ids[6:9], ids[9:11]]

    one_file = anna.get(
        "/api/rapporten/r/versies", params={"pad": "teksten/nieuw.md", "aantal": 5}
    ).json()
    assert [v["versie"] for v in one_file["versies"]] == ids[:5] and one_file["meer"] is True
    # a count out of bounds is brought within them, not refused and not unbounded
    assert len(anna.get("/api/rapporten/r/versies", params={"aantal": 0}).json()["versies"]) == 1
    huge = anna.get("/api/rapporten/r/versies", params={"aantal": 10**9}).json()
    assert len(huge["versies"]) == 11 and huge["meer"] is False
    assert anna.get("/api/rapporten/r/versies", params={"voor": "x"}).status_code == 422


def test_the_history_page_links_to_older_versions(
    anna: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "HISTORY_PAGE", 4)
    shown: list[int] = []
    url: str | None = "/rapporten/r/geschiedenis?pad=teksten/nieuw.md"
    while url:
        page = anna.get(url)
        assert page.status_code == 200
        rows = re.findall(r"<tr>\s*<td>(\d+)", page.text)
        assert 0 < len(rows) <= 4
        shown += map(int, rows)
        older = re.search(r'<a href="([^"]+)">Oudere versies</a>', page.text)
        url = older.group(1).replace("&amp;", "&") if older else None
        if shown[:4] != shown:  # a later page leads back to the newest
            assert "Nieuwste versies</a>" in page.text
            assert "pad=teksten/nieuw.md" in (older.group(1) if older else "pad=teksten/nieuw.md")
    assert len(shown) == 7 and shown == sorted(shown, reverse=True)  # every version, once
    first = anna.get("/rapporten/r/geschiedenis").text
    assert "Nieuwste versies" not in first and "(huidig)" in first


def test_the_audit_log_is_read_a_page_at_a_time_and_says_when_older_lines_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with logged_in(tmp_path, "beheer", beheerder=True) as client:
        everything = client.get("/api/audit").json()
        assert everything["meer"] is False
        ids = [line["id"] for line in everything["audit"]]
        assert len(ids) >= 2 and ids == sorted(ids, reverse=True)
        first = client.get("/api/audit", params={"aantal": len(ids) - 1}).json()
        assert first["meer"] is True and [x["id"] for x in first["audit"]] == ids[:-1]
        rest = client.get("/api/audit", params={"voor": ids[-2]}).json()
        assert rest["meer"] is False and [x["id"] for x in rest["audit"]] == ids[-1:]

        monkeypatch.setattr(pages, "AUDIT_PAGE", len(ids))  # exactly one page full
        page = client.get("/beheer/audit").text
        assert "Oudere gebeurtenissen" not in page and "Nieuwste gebeurtenissen" not in page
        monkeypatch.setattr(pages, "AUDIT_PAGE", len(ids) - 1)
        page = client.get("/beheer/audit").text
        older = re.search(r'<a href="(/beheer/audit\?voor=\d+)">Oudere gebeurtenissen</a>', page)
        assert older, page
        last = client.get(older.group(1)).text
        assert "Nieuwste gebeurtenissen" in last and "Oudere gebeurtenissen" not in last
        assert "1 oudere gebeurtenissen" in last
