"""The database of an earlier werkplek: refused by the server until ``jaarverslag web migreer``
brings it up to date, and then served with everything it held — on SQLite (a database file
made by the werkplek of revision 0001, ``fixtures/werkplek-0001``) and on PostgreSQL (the same
werkplek restored into a database of revision 0001, then migrated)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from support.werkplek import PASSWORD, Werkplek, command

from jaarverslag.web import db

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).with_name("fixtures") / "werkplek-0001"
#: The tables of revision 0001, each with its key: every row must survive the migration.
TABLES = {
    "users": "id",
    "tokens": "id",
    "sessions": "id",
    "login_attempts": "id",
    "rapporten": "id",
    "members": "rapport_id, user_id",
    "versions": "id",
    "builds": "id",
    "audit": "id",
}


def rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables of revision 0001, in the columns of revision 0001."""
    made = create_engine(url)
    try:
        with made.connect() as connection:
            found = {}
            for table, key in TABLES.items():
                columns = [
                    c[1] for c in connection.exec_driver_sql(f"PRAGMA table_info({table})")
                ] if made.dialect.name == "sqlite" else [
                    r[0] for r in connection.execute(
                        text("SELECT column_name FROM information_schema.columns "
                             "WHERE table_name = :t ORDER BY ordinal_position"), {"t": table})
                ]  # fmt: skip
                old = [c for c in columns if c not in ("display_name", "email", "last_login")]
                quoted = ", ".join(f'"{c}"' for c in old)
                result = connection.execute(text(f"SELECT {quoted} FROM {table} ORDER BY {key}"))
                found[table] = [dict(row._mapping) for row in result]
    finally:
        made.dispose()
    return found


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """A copy of the werkplek of revision 0001."""
    folder = tmp_path / "wp"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


def test_the_server_refuses_an_old_database_until_it_is_migrated(old: Path) -> None:
    url = db.default_url(old)
    before = rows(url)
    assert len(before["versions"]) == 13 and len(before["audit"]) == 21
    started = command("--port", "0", data=old)
    assert started.returncode == 1
    said = started.stderr.strip()
    assert said == (
        "de database is van een eerdere versie van de werkplek (revisie 0001; deze versie heeft "
        "revisie 0003 nodig). Maak een backup en breng hem dan bij met: "
        f"jaarverslag web --data {old} migreer"
    )
    added = command("gebruiker", "carla", "--wachtwoord-stdin", data=old, stdin=PASSWORD + "\n")
    assert added.returncode == 1 and added.stderr.strip() == said
    assert rows(url) == before  # refusing changed nothing

    done = command("migreer", data=old)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "de database is bijgewerkt van revisie 0001 naar 0003"
    assert rows(url) == before  # nothing lost, nothing changed
    again = command("migreer", data=old)
    assert again.stderr.strip() == "de database is al bij: revisie 0003"
    with sqlite3.connect(old / "werkplek.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM identities").fetchone() == (0,)

    with Werkplek(old) as werkplek, werkplek.session("anna") as anna:
        served_as_before(anna)
        with werkplek.session("bram") as bram:  # bram's password, kept as its Argon2 hash
            assert bram.get("/api/ik").json()["naam"] == "bram"


def served_as_before(api: httpx.Client) -> None:
    """What the werkplek of revision 0001 held, served by this one."""
    assert [r["naam"] for r in api.get("/api/rapporten").json()["rapporten"]] == [
        "begroting-2026",
        "jaarverslag-2025",
    ]
    history = api.get("/api/rapporten/jaarverslag-2025/versies").json()["versies"]
    assert [(v["pad"], v["soort"], v["door"]) for v in history[:5]] == [
        ("teksten/conclusie.md", "hersteld", "anna"),
        ("teksten/conclusie.md", "verwijderd", "bram"),
        ("teksten/financien.md", "opgeslagen", "bram"),
        ("teksten/inleiding.md", "conflict", "bram"),
        ("teksten/inleiding.md", "opgeslagen", "anna"),
    ]
    newest: dict[str, dict[str, Any]] = {}  # each path's newest that is not a kept conflict
    for version in history:  # newest first
        if version["soort"] != "conflict":
            newest.setdefault(version["pad"], version)
    files = api.get("/api/rapporten/jaarverslag-2025/bestanden").json()["bestanden"]
    assert {f["pad"]: f["versie"] for f in files} == {
        p: v["versie"] for p, v in newest.items() if v["sha256"]
    }
    assert "teksten/conclusie.md" in newest and newest["teksten/inleiding.md"]["door"] == "anna"
    for version in history:
        if version["sha256"]:
            content = api.get(f"/api/rapporten/jaarverslag-2025/versies/{version['versie']}")
            assert hashlib.sha256(content.content).hexdigest() == version["sha256"]
    assert (
        "Brams zin."
        in api.get(f"/api/rapporten/jaarverslag-2025/versies/{history[3]['versie']}").text
    )
    builds = api.get("/api/rapporten/jaarverslag-2025/builds").json()["builds"]
    assert [b["status"] for b in builds] == ["klaar", "mislukt"]
    page = api.get(builds[0]["bestanden"][0]["adres"])
    assert page.status_code == 200 and "De P-banen groeiden." in page.text
    assert api.get("/api/rapporten/jaarverslag-2025/controle").json()["ok"] is True


def test_a_database_of_a_later_version_or_of_something_else_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "nieuwer"
    shutil.copytree(FIXTURE, newer)
    with sqlite3.connect(newer / "werkplek.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    said = command("--port", "0", data=newer)
    assert said.returncode == 1
    assert said.stderr.strip() == (
        "de database heeft revisie 0099, die deze versie van jaarverslag niet kent: hij is "
        "bijgewerkt door een nieuwere versie; installeer die (of een nog nieuwere)"
    )
    other = tmp_path / "ander"
    other.mkdir()
    with sqlite3.connect(other / "werkplek.db") as connection:
        connection.execute("CREATE TABLE klanten (id INTEGER)")
    said = command("--port", "0", data=other)
    assert said.returncode == 1
    assert said.stderr.strip() == (
        "de database bevat al tabellen, maar is geen database van een werkplek (klanten); "
        "geef een lege database"
    )


def test_the_migration_goes_down_and_up_again(old: Path) -> None:
    from alembic import command as alembic

    url = db.default_url(old)
    before = rows(url)
    made = db.engine(url)
    try:
        db.migrate(made)
        with made.begin() as connection:
            alembic.downgrade(db._config(connection), "0001")
        assert db.revisions(made)[0] == "0001"
        db.migrate(made)
        assert db.revisions(made) == ("0003", "0003")
    finally:
        made.dispose()
    assert rows(url) == before


def test_a_werkplek_of_revision_0001_on_postgresql_is_migrated(
    old: Path, tmp_path: Path, postgres_url: str
) -> None:
    """The werkplek of revision 0001, moved into PostgreSQL as it was (a backup of it restored
    into a database of revision 0001), is refused, migrated, and keeps every row."""
    from jaarverslag.web.backup import backup, restore
    from jaarverslag.web.settings import Settings

    assert backup(Settings(data=old), tmp_path / "b.zip") == 0
    target = Settings(data=tmp_path / "pg", database=postgres_url)
    migrate = db.migrate
    with pytest.MonkeyPatch.context() as patch:  # the restore stops at the backup's revision
        patch.setattr(db, "migrate", lambda made, revision="head": migrate(made, "0001"))
        assert restore(target, tmp_path / "b.zip") == 0
    made = db.engine(postgres_url)
    try:
        assert db.revisions(made) == ("0001", "0003")
    finally:
        made.dispose()
    before = rows(postgres_url)
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    refused = command("--port", "0", "--database", plain, data=target.data)
    assert (
        refused.returncode == 1 and "revisie 0001; deze versie heeft revisie 0003" in refused.stderr
    )
    assert "--database 'postgresql://postgres:***@" in refused.stderr  # never the password
    done = command("migreer", "--database", plain, data=target.data)
    assert done.returncode == 0, done.stderr
    after = rows(postgres_url)
    # the restore and the backup line of the audit log came after the rows of the werkplek
    assert {t: r for t, r in after.items() if t != "audit"} == {
        t: r for t, r in before.items() if t != "audit"
    }
    assert after["audit"] == before["audit"]
    with Werkplek(target.data, "--database", plain) as werkplek, werkplek.session("anna") as anna:
        served_as_before(anna)
