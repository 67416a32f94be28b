"""A save is on the disk before it is answered: the commit's write-ahead log is synced after
the commit and before the answer, and syncs are shared by the saves that wait at once."""

from __future__ import annotations

import os
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
from jaarverslag.web.walsync import WalSyncs


class Held(WalSyncs):
    """Syncs that wait for the test's word, each counted when it starts."""

    def __init__(self, wal: Path) -> None:
        self.started = threading.Semaphore(0)
        self.go = threading.Semaphore(0)
        self.fail: OSError | None = None
        self.made = 0
        super().__init__(wal)

    def _sync(self) -> None:
        self.made += 1
        self.started.release()
        assert self.go.acquire(timeout=10)
        if self.fail is not None:
            raise self.fail


@pytest.fixture
def syncs(tmp_path: Path) -> Iterator[Held]:
    made = Held(tmp_path / "werkplek.db-wal")
    yield made
    for _ in range(10):
        made.go.release()
    made.stop()


def test_an_ask_during_a_sync_waits_for_the_next_and_shares_it(syncs: Held) -> None:
    first = syncs.ask()
    assert syncs.started.acquire(timeout=10)  # the first sync runs
    later = [syncs.ask(), syncs.ask(), syncs.ask()]  # committed after it started
    syncs.go.release()
    first.result(timeout=10)
    assert not any(f.done() for f in later)  # that sync may not have seen their commits
    assert syncs.started.acquire(timeout=10)
    syncs.go.release()
    for done in later:
        done.result(timeout=10)
    assert syncs.made == 2  # four asks, two syncs


def test_a_failed_sync_is_told_to_whoever_waits_for_it(syncs: Held) -> None:
    syncs.fail = OSError(5, "Input/output error")
    waiting = syncs.ask()
    syncs.go.release()
    with pytest.raises(OSError, match="Input/output"):
        waiting.result(timeout=10)


def test_a_log_that_is_not_there_needs_no_sync(tmp_path: Path) -> None:
    syncs = WalSyncs(tmp_path / "er-niet")
    try:
        syncs.ask().result(timeout=10)
    finally:
        syncs.stop()
    syncs.ask().result(timeout=10)  # and a request while the werkplek stops is synced at once


@pytest.mark.slow
def test_a_save_is_answered_after_its_log_is_on_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data=tmp_path / "wp")
    assert admin.add_user(settings, "anna", False, PASSWORD) == 0
    events: list[str] = []
    sync = os.fsync

    def recording(handle: Any) -> None:
        sync(handle)
        if isinstance(handle, int) and os.readlink(f"/proc/self/fd/{handle}").endswith("-wal"):
            events.append("sync")

    monkeypatch.setattr(os, "fsync", recording)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        client.headers["X-CSRF-Token"] = log_in(client, "anna").csrf  # type: ignore[attr-defined]
        assert client.post("/api/rapporten", json={"naam": "r", "excel": False}).status_code == 201
        engine = client.app.state.werkplek.engine  # type: ignore[attr-defined]

        def committed(connection: Any) -> None:
            if connection.get_execution_options().get("writing"):
                events.append("commit")

        event.listen(engine, "commit", committed)
        events.clear()
        answer = client.put("/api/rapporten/r/bestanden/teksten/nieuw.md", content=b"# Nieuw\n")
        assert answer.status_code == 201, answer.text
        events.append("answer")
    assert events.count("commit") == 1, events  # the save's transaction that writes
    assert "sync" in events[events.index("commit") : events.index("answer")], events


def test_a_commit_outside_the_server_syncs_its_own_log(tmp_path: Path) -> None:
    """A beheerder's command has no walsync thread: its commits sync the log themselves
    (``FULL``); the server's do not (``NORMAL``), they wait for the walsync after the commit."""
    from sqlalchemy import text

    from jaarverslag.web import db

    url = db.default_url(tmp_path)
    synchronous = {}
    for name, checkpoints in (("command", True), ("server", False)):
        made = db.engine(url, checkpoints=checkpoints)
        try:
            with made.connect() as connection:
                synchronous[name] = connection.execute(text("PRAGMA synchronous")).scalar()
        finally:
            made.dispose()
    assert synchronous == {"command": 2, "server": 1}  # FULL, NORMAL
