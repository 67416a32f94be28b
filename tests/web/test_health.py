"""``/gezondheid`` for IT's monitoring, and the log: one JSON line per request, with the route's
pattern and never a URL's names, query or a user."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import httpx
import pytest
from support.werkplek import PASSWORD, Werkplek

from jaarverslag.web.logs import RequestLog


def test_health_says_what_works(werkplek: Werkplek) -> None:
    answer = httpx.get(f"{werkplek.url}/gezondheid", timeout=30)  # no login
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["opslag"] == "ok"
    assert body["vrij_mb"] > 100
    assert set(body) == {"status", "database", "opslag", "vrij_mb", "wachtrij"}


def test_health_is_503_when_the_store_cannot_be_written(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from jaarverslag.web.app import create_app
    from jaarverslag.web.settings import Settings

    data = tmp_path / "wp"
    app = create_app(Settings(data=data, log_requests=False))
    with TestClient(app) as client:
        assert client.get("/gezondheid").status_code == 200
        import shutil

        shutil.rmtree(data / "inhoud", ignore_errors=True)
        (data / "inhoud").write_text("geen map: de opslag is weg")  # as root, chmod won't do
        answer = client.get("/gezondheid")
        assert answer.status_code == 503
        assert answer.json()["status"] == "fout" and answer.json()["opslag"].startswith("fout")


@pytest.mark.slow
def test_one_json_line_per_request_without_personal_data(werkplek: Werkplek, anna: httpx.Client,
                                                          rapport: str) -> None:  # fmt: skip
    before = len(werkplek.lines)
    anna.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "lezer"})
    anna.get(f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md?geheim=anna")
    anna.get("/bestaat/niet/anna@gemeente.nl")
    time.sleep(0.5)
    lines = [json.loads(line) for line in werkplek.lines[before:] if line.startswith("{")]
    routes = [(line["methode"], line["route"], line["status"]) for line in lines]
    assert ("PUT", "/api/rapporten/{naam}/leden/{gebruiker}", 200) in routes
    assert ("GET", "/api/rapporten/{naam}/bestanden/{pad}", 200) in routes
    assert ("GET", "(geen route)", 404) in routes
    text = "".join(werkplek.lines[before:])
    for personal in ("bram", "anna", rapport, "inleiding", "geheim"):
        assert personal not in text
    assert all(set(line) == {"tijd", "methode", "route", "status", "ms", "bytes", "verzoek"}
               for line in lines)  # fmt: skip


def test_the_request_id_is_answered_and_logged() -> None:
    from fastapi import FastAPI
    from starlette.testclient import TestClient

    app = FastAPI()

    @app.get("/a/{naam}")
    async def route(naam: str) -> dict[str, str]:
        return {"naam": naam}

    stream = io.StringIO()
    app.add_middleware(RequestLog, stream=stream)
    with TestClient(app) as client:
        answer = client.get("/a/anna?x=1")
    line = json.loads(stream.getvalue())
    assert line["route"] == "/a/{naam}" and line["status"] == 200
    assert answer.headers["x-request-id"] == line["verzoek"]
    assert "anna" not in stream.getvalue()


def logged_in_from(
    werkplek: Werkplek, name: str, forwarded: str, origin: str = "https"
) -> httpx.Response:
    """Log in as ``name`` with the headers a proxy adds (and the origin the browser is at);
    the answer."""
    with httpx.Client(base_url=werkplek.url, timeout=60) as client:
        return client.post(
            "/inloggen",
            data={"naam": name, "wachtwoord": PASSWORD, "terug": "/rapporten"},
            headers={"Origin": werkplek.url.replace("http", origin, 1), "X-Forwarded-For": forwarded,
                     "X-Forwarded-Proto": "https"},
        )  # fmt: skip


def last_login_address(beheer: httpx.Client, name: str) -> str:
    log = beheer.get("/api/audit", params={"gebruiker": name}).json()["audit"]
    return next(e["adres"] for e in log if e["actie"] == "ingelogd")


@pytest.mark.slow
def test_proxy_headers_are_believed_only_from_the_proxy(
    werkplek: Werkplek, beheer: httpx.Client, tmp_path: Path
) -> None:
    werkplek.user("via-proxy")
    answer = logged_in_from(werkplek, "via-proxy", "203.0.113.7")  # the proxy is 127.0.0.1
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()  # HTTPS at the proxy
    assert last_login_address(beheer, "via-proxy") == "203.0.113.7"

    with Werkplek(tmp_path / "wp", "--proxy-headers", "10.9.9.9") as other:
        other.user("anna")
        other.user("it", admin=True)
        answer = logged_in_from(other, "anna", "203.0.113.7", "http")  # not from 10.9.9.9
        assert answer.status_code == 303
        assert "secure" not in answer.headers["set-cookie"].lower()
        with other.client("it") as it:
            assert last_login_address(it, "anna") == "127.0.0.1"
