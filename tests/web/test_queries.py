"""What a text save asks the database. At a hundred colleagues the server's event loop is the
bottleneck, and most of its time is SQLAlchemy's work per statement (≈0.3–0.5 ms here), so
the statements of the requests every edit makes are counted: a save may not drift back to
asking what it knows already (docs/performance.md, "What a request costs")."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from support.werkplek import PASSWORD, log_in

from jaarverslag.web import admin
from jaarverslag.web.app import create_app
from jaarverslag.web.settings import Settings

pytestmark = pytest.mark.slow  # an app, a database and Argon2: a second or two

TEXT = "/api/rapporten/r/bestanden/teksten/inleiding.md"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data=tmp_path / "wp")
    assert admin.add_user(settings, "anna", False, PASSWORD) == 0
    with TestClient(create_app(settings), follow_redirects=False) as made:
        made.headers["X-CSRF-Token"] = log_in(made, "anna").csrf  # type: ignore[attr-defined]
        assert made.post("/api/rapporten", json={"naam": "r", "excel": False}).status_code == 201
        yield made


def statements(client: TestClient, *request: Any, **kw: Any) -> tuple[Any, list[str]]:
    """The answer to ``request`` and the SQL statements the server ran for it."""
    engine = client.app.state.werkplek.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if threading.current_thread().name != "checkpoints":  # the server's, not the request's
            seen.append(statement.split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = client.request(*request, **kw)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return answer, seen


def test_a_text_save_asks_the_database_nothing_twice(client: TestClient) -> None:
    etag = client.get(TEXT).headers["etag"]
    answer, seen = statements(
        client, "PUT", TEXT, content=b"# Inleiding\n\nNieuw.\n", headers={"If-Match": etag}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["bestand"]["door"] == "anna"
    # who (1), may they write (1: rapport and role in one), the file's newest version (1),
    # the new version and its audit line (2), the path's current version moved on to it (1),
    # the rapport as the save left it (2) and three transactions' BEGIN: no row lock on
    # SQLite (its write lock is the transaction's), no second look at who saved it
    assert seen.count("SELECT") == 5, seen
    assert seen.count("INSERT") == 2, seen
    assert seen.count("UPDATE") == 1, seen
    assert len(seen) == 11, seen  # and nothing else (listed by hand: 3 BEGIN, 5, 2, 1)


def test_a_preview_asks_for_the_rapports_files_as_columns(client: TestClient) -> None:
    answer, seen = statements(
        client, "POST", "/api/rapporten/r/voorbeeld",
        json={"concepten": {"teksten/inleiding.md": "# Inleiding\n\nConcept.\n"}},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    # who (1), may they read (1), the files (1): no version objects with their users joined
    assert seen.count("SELECT") == 3, seen
