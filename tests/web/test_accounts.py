"""Who someone is: passwords kept as Argon2 hashes, tokens kept as hashes, sessions that end,
cookies that stay in their site — in-process, through Starlette's test client."""

from __future__ import annotations

import concurrent.futures
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jaarverslag.web import accounts, admin, db
from jaarverslag.web.app import create_app
from jaarverslag.web.models import Session, Token, User
from jaarverslag.web.settings import Settings

pytestmark = pytest.mark.slow  # an app, a database and Argon2 per test: a second or two each

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    found = Settings(data=tmp_path / "wp")
    assert admin.add_user(found, "anna", False, PASSWORD) == 0
    return found


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as made:
        yield made


def log_in(client: TestClient) -> None:
    answer = client.post("/inloggen", data={"naam": "anna", "wachtwoord": PASSWORD})
    assert answer.status_code == 303 and answer.headers["location"] == "/rapporten"


def test_a_password_and_a_token_are_kept_as_hashes_only(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin.token(settings, "anna", None, False) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("jv_") and len(secret) > 40
    made = db.engine(settings.url)
    with db.reading(made) as session:
        user = session.scalar(select(User).where(User.name == "anna"))
        assert user is not None and user.password is not None
        assert user.password.startswith("$argon2id$") and PASSWORD not in user.password
        token = session.scalar(select(Token))
        assert (
            token is not None
            and token.digest == accounts.digest(secret)
            and secret not in token.digest
        )
    made.dispose()
    raw = (settings.data / "werkplek.db").read_bytes()
    assert secret.encode() not in raw and PASSWORD.encode() not in raw


def test_a_short_password_or_a_bad_name_is_refused(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert admin.add_user(settings, "bram", False, "kort") == 1
    assert "bram: een wachtwoord heeft minstens 10 tekens" in capsys.readouterr().err
    assert admin.add_user(settings, "Bram Smit", False, PASSWORD) == 1
    assert admin.token(settings, "niemand", None, False) == 1


def test_a_token_can_be_revoked_from_the_command_line(
    settings: Settings, capsys: pytest.CaptureFixture[str], client: TestClient
) -> None:
    admin.token(settings, "anna", None, False)
    secret = capsys.readouterr().out.strip()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/ik", headers=bearer).json()["naam"] == "anna"
    assert admin.token(settings, "anna", "alle", False) == 0
    assert client.get("/api/ik", headers=bearer).status_code == 401


def test_the_session_cookie_stays_on_this_site(client: TestClient) -> None:
    answer = client.post("/inloggen", data={"naam": "anna", "wachtwoord": PASSWORD})
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("werkplek=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


def test_over_https_the_cookie_is_secure(settings: Settings) -> None:
    with TestClient(
        create_app(settings), base_url="https://werkplek.gemeente.nl", follow_redirects=False
    ) as client:
        answer = client.post("/inloggen", data={"naam": "anna", "wachtwoord": PASSWORD})
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-werkplek=") and "Secure" in cookie
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        assert client.get("/api/ik").json()["naam"] == "anna"


@pytest.mark.parametrize("column", ["seen", "created"])
def test_a_session_ends_when_idle_or_old(
    client: TestClient, settings: Settings, column: str
) -> None:
    log_in(client)
    assert client.get("/api/ik").status_code == 200
    place = client.app.state.werkplek  # type: ignore[attr-defined]
    back = (
        settings.session_max + timedelta(minutes=1)
        if column == "created"
        else settings.session_idle + timedelta(seconds=1)
    )
    with db.writing(place.engine) as session:
        for row in session.scalars(select(Session)):
            session.execute(
                update(Session)
                .where(Session.id == row.id)
                .values({column: getattr(row, column) - back})
            )
    answer = client.get("/api/ik")
    assert answer.status_code == 401
    assert client.get("/rapporten").headers["location"] == "/inloggen?terug=/rapporten"
    with db.reading(place.engine) as session:
        assert session.scalars(select(Session)).all() == []


def test_a_request_that_only_reads_waits_for_no_writer(
    client: TestClient, settings: Settings
) -> None:
    """Who a request is, is looked up in a transaction that reads: while another holds the
    database's write lock (a long save), a logged-in request is still answered at once; the
    last-seen moment, once a minute old, is moved on in a transaction that writes."""
    log_in(client)
    assert client.get("/api/ik").status_code == 200
    holder = sqlite3.connect(settings.data / "werkplek.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            answer = pool.submit(client.get, "/api/ik").result(timeout=10)
        assert answer.status_code == 200 and answer.json()["naam"] == "anna"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    place = client.app.state.werkplek  # type: ignore[attr-defined]
    back = accounts.SEEN_STEP + timedelta(seconds=5)
    with db.writing(place.engine) as session:
        row = session.scalars(select(Session)).one()
        row.seen = before = row.seen - back
    assert client.get("/api/ik").status_code == 200
    with db.reading(place.engine) as session:
        assert session.scalars(select(Session.seen)).one() >= before + back


def test_logging_out_ends_the_session(client: TestClient) -> None:
    log_in(client)
    page = client.get("/rapporten").text
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    cookie = client.cookies.get("werkplek")
    assert client.post("/uitloggen", data={"csrf": csrf}).status_code == 303
    client.cookies.set("werkplek", cookie or "")
    assert client.get("/api/ik").status_code == 401


def test_after_logging_in_only_a_path_of_this_werkplek(client: TestClient) -> None:
    for back, expected in (
        ("/rapporten/x", "/rapporten/x"),
        ("//kwaad.example", "/rapporten"),
        ("https://kwaad.example", "/rapporten"),
    ):
        answer = client.post(
            "/inloggen", data={"naam": "anna", "wachtwoord": PASSWORD, "terug": back}
        )
        assert answer.headers["location"] == expected


def test_a_login_from_another_site_is_refused(client: TestClient) -> None:
    answer = client.post(
        "/inloggen",
        data={"naam": "anna", "wachtwoord": PASSWORD},
        headers={"Origin": "https://kwaad.example"},
    )
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
