"""The werkplek when what is under it fails: the server killed (SIGKILL) amid a storm of saves and
builds loses no acknowledged save and starts again on its own data; a full disk and a database
that can't be reached are a clear answer and change nothing; a build worker that crashes is one
failed build, and the server goes on."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.asgi import serving
from support.werkplek import PASSWORD, Werkplek, command

from jaarverslag.web.settings import Settings

pytestmark = pytest.mark.slow

WRITERS = 4


def content(writer: int, number: int) -> bytes:
    """Writer ``writer``'s ``number``-th text: some of them large, so a kill can fall in the
    middle of receiving one."""
    line = f"Schrijver {writer}, versie {number}: de P-banen groeiden.\n".encode()
    return line * (1 + (number % 3) * 4000)


class Storm:
    """Writers saving their own text over and over, and a colleague starting builds, until
    stopped; every request's fate kept."""

    def __init__(self, url: str, token: str, rapport: str) -> None:
        self.url, self.token, self.rapport = url, token, rapport
        self.acknowledged: dict[int, list[int]] = {w: [] for w in range(WRITERS)}
        self.unanswered: dict[int, list[int]] = {w: [] for w in range(WRITERS)}
        self.builds: list[int] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.write, args=(w,), daemon=True) for w in range(WRITERS)
        ] + [threading.Thread(target=self.build, daemon=True)]

    def client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def write(self, writer: int) -> None:
        with self.client() as api:
            number = 0
            while not self.stop.is_set():
                number += 1
                path = f"/api/rapporten/{self.rapport}/bestanden/teksten/storm-{writer}.md"
                try:
                    answer = api.put(path, content=content(writer, number))
                except httpx.HTTPError:
                    self.unanswered[writer].append(number)
                    return
                assert answer.status_code in (200, 201), answer.text
                self.acknowledged[writer].append(number)

    def build(self) -> None:
        with self.client() as api:
            while not self.stop.is_set():
                try:
                    answer = api.post(
                        f"/api/rapporten/{self.rapport}/builds", json={"formaten": ["pdf"]}
                    )
                except httpx.HTTPError:
                    return
                self.builds.append(answer.json()["id"])
                if len(self.builds) >= 3:  # three in the queue: enough to be killed amid
                    return
                time.sleep(1)

    def __enter__(self) -> Storm:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def test_a_sigkill_amid_saves_and_builds_loses_no_acknowledged_save(tmp_path: Path) -> None:
    data = tmp_path / "wp"
    server = Werkplek(data).start()
    server.user("anna")
    token = server.token("anna")
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as api:
        assert api.post("/api/rapporten", json={"naam": "storm", "excel": False}).status_code == 201
    with Storm(server.url, token, "storm") as storm:
        deadline = time.monotonic() + 60
        while sum(map(len, storm.acknowledged.values())) < 8 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        assert server.process is not None
        server.process.send_signal(signal.SIGKILL)  # no shutdown of any kind
        server.process.wait(10)
    server.stop()
    assert sum(map(len, storm.acknowledged.values())) >= 8 and storm.builds

    with sqlite3.connect(data / "werkplek.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with Werkplek(data) as again, again.client("anna") as api:
        history = api.get("/api/rapporten/storm/versies").json()["versies"]
        kept = {(v["pad"], v["sha256"]) for v in history}
        for writer in range(WRITERS):
            path = f"teksten/storm-{writer}.md"
            for number in storm.acknowledged[writer]:  # every save answered 200 is a version
                digest = hashlib.sha256(content(writer, number)).hexdigest()
                assert (path, digest) in kept, (writer, number)
            now = api.get(f"/api/rapporten/storm/bestanden/{path}")
            assert now.status_code == 200
            allowed = storm.acknowledged[writer][-1:] + storm.unanswered[writer]
            assert now.content in [content(writer, n) for n in allowed]  # whole, never a part
        for version in history:  # every version's content is whole in the store
            if version["sha256"]:
                got = api.get(f"/api/rapporten/storm/versies/{version['versie']}").content
                assert hashlib.sha256(got).hexdigest() == version["sha256"]
        deadline = time.monotonic() + 240  # builds the kill interrupted: made after the start
        while time.monotonic() < deadline:
            states = [b["status"] for b in api.get("/api/rapporten/storm/builds").json()["builds"]]
            if all(s in ("klaar", "mislukt") for s in states):
                break
            time.sleep(1)
        assert states and all(s in ("klaar", "mislukt") for s in states), states
        assert "klaar" in states
        # and it works as before: a save after the restart
        assert (
            api.put("/api/rapporten/storm/bestanden/teksten/na.md", content=b"Na.").status_code
            == 201
        )


# -- in the test's own process: the disk and the database fail under a running werkplek ----------


@pytest.fixture
def served(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, httpx.Client, Any]]:
    """A werkplek (uvicorn in a thread of this process, so a test can break what is under it):
    its URL, anna's API client, and the app."""
    from jaarverslag.web.app import create_app

    database = getattr(request, "param", None)
    data = tmp_path / "wp"
    args = ("--database", database) if database else ()
    done = command(
        "gebruiker", "anna", "--wachtwoord-stdin", *args, data=data, stdin=PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    token = command("token", "anna", *args, data=data).stdout.strip()
    app = create_app(Settings(data=data, database=database, log_requests=False))
    with (
        serving(app, timeout=60) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as api,
    ):
        assert api.post("/api/rapporten", json={"naam": "r", "excel": False}).status_code == 201
        yield url, api, app


def leftovers(data: Path) -> list[str]:
    """Temporary files anywhere in the store or the uploads' folder."""
    return [
        p.name
        for folder in (data / "inhoud", data / "werk" / "uploads")
        if folder.is_dir()
        for p in folder.rglob(".*")
        if p.is_file()
    ]


def test_a_full_disk_is_said_and_nothing_changes(
    served: tuple[str, httpx.Client, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, api, app = served
    path = "/api/rapporten/r/bestanden/teksten/inleiding.md"
    before = api.get(path).content
    count = len(api.get("/api/rapporten/r/versies").json()["versies"])

    def full(*_args: Any, **_kw: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    from jaarverslag.web.store import Store

    monkeypatch.setattr(Store, "adopt", full)  # the store's file system is full
    answer = api.put(path, content=b"Nieuwe tekst die niet past.\n")
    assert answer.status_code == 507
    assert answer.json()["fout"].startswith("de schijf van de werkplek is vol: er is niets bewaard")
    with httpx.Client(base_url=url, timeout=60) as browser:  # the same as a page
        page = browser.post("/inloggen", data={"naam": "anna", "wachtwoord": PASSWORD},
                            headers={"Origin": url}, follow_redirects=False)  # fmt: skip
        assert page.status_code == 303
        shown = browser.get("/api/rapporten/r/bestanden/teksten/inleiding.md")
        assert shown.status_code == 200  # reading still works
    monkeypatch.undo()
    assert api.get(path).content == before
    assert len(api.get("/api/rapporten/r/versies").json()["versies"]) == count
    assert leftovers(tmp_path / "wp") == []

    # the database's own file can't grow (SQLite: "database or disk is full")
    from sqlalchemy import event

    place = app.state.werkplek
    with place.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(place.engine, "connect", cap)
    place.engine.dispose()
    big = ("Een lange tekst. " * 20000).encode()
    answer = api.put("/api/rapporten/r/bestanden/teksten/lang.md", content=big)
    assert answer.status_code in (201, 507)
    for number in range(40):  # until a version's row no longer fits
        answer = api.put(f"/api/rapporten/r/bestanden/teksten/t{number}.md", content=b"x" * number)
        if answer.status_code == 507:
            break
    assert answer.status_code == 507, answer.text
    assert "de schijf van de werkplek is vol" in answer.json()["fout"]
    event.remove(place.engine, "connect", cap)
    place.engine.dispose()
    assert api.get(path).content == before
    assert api.get("/gezondheid").status_code == 200
    with sqlite3.connect(tmp_path / "wp" / "werkplek.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_database_that_is_gone_is_said_and_the_server_stays(tmp_path: Path) -> None:
    from support.postgres import PostgresUnavailable, running_postgres

    from jaarverslag.web.app import create_app

    try:
        context = running_postgres()
        pg = context.__enter__()
    except PostgresUnavailable as exc:
        if os.environ.get("JAARVERSLAG_REQUIRE_POSTGRES"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        url = pg.create_database("werkplek")
        data = tmp_path / "wp"
        done = command("gebruiker", "anna", "--wachtwoord-stdin", "--database", url,
                       data=data, stdin=PASSWORD + "\n")  # fmt: skip
        assert done.returncode == 0, done.stderr
        token = command("token", "anna", "--database", url, data=data).stdout.strip()
        app = create_app(Settings(data=data, database=url, log_requests=False))
        headers = {"Authorization": f"Bearer {token}"}
        with (
            serving(app, timeout=60) as base,
            httpx.Client(base_url=base, headers=headers, timeout=60) as api,
        ):
            assert api.get("/gezondheid").json()["database"] == "ok"
            assert api.post("/api/rapporten", json={"naam": "r", "excel": False}).status_code == 201
            pg.stop()  # the database server goes away under the running werkplek
            answer = api.put("/api/rapporten/r/bestanden/teksten/x.md", content=b"X")
            assert answer.status_code == 503
            assert answer.json()["fout"].startswith(
                "de database van de werkplek is niet bereikbaar"
            )
            assert answer.headers["retry-after"] == "60"
            page = httpx.get(f"{base}/rapporten", cookies={"werkplek": "x" * 43}, timeout=60)
            assert page.status_code == 503 and "niet bereikbaar" in page.text
            assert "Traceback" not in page.text
            health = api.get("/gezondheid")
            assert health.status_code == 503 and health.json()["database"].startswith("fout")
    finally:
        context.__exit__(None, None, None)


def test_a_crashing_build_worker_is_one_failed_build(tmp_path: Path) -> None:
    with Werkplek(tmp_path / "wp") as server:
        server.user("anna")
        with server.client("anna") as api:
            assert api.post("/api/rapporten", json={"naam": "r", "excel": False}).status_code == 201
            number = api.post("/api/rapporten/r/builds", json={"formaten": ["pdf"]}).json()["id"]
            deadline = time.monotonic() + 60
            while api.get(f"/api/rapporten/r/builds/{number}").json()["status"] != "bezig":
                assert time.monotonic() < deadline
                time.sleep(0.05)
            assert server.process is not None
            while not crash_workers(server.process.pid):  # its worker forked
                assert time.monotonic() < deadline
                time.sleep(0.05)
            deadline = time.monotonic() + 60
            while (found := api.get(f"/api/rapporten/r/builds/{number}").json())[
                "status"
            ] == "bezig":
                assert time.monotonic() < deadline
                time.sleep(0.2)
            assert found["status"] == "mislukt" and found["fout"], found
            assert server.process.poll() is None  # the server lives on
            assert api.get("/gezondheid").json()["status"] == "ok"
            again = api.post("/api/rapporten/r/builds", json={"formaten": ["pdf"]}).json()["id"]
            deadline = time.monotonic() + 120
            while (found := api.get(f"/api/rapporten/r/builds/{again}").json())["status"] not in (
                "klaar",
                "mislukt",
            ):
                assert time.monotonic() < deadline
                time.sleep(0.3)
            assert found["status"] == "klaar", found
            assert api.get("/api/wachtrij").status_code == 403  # (anna is no beheerder)


def crash_workers(server: int) -> list[int]:
    """SIGKILL every worker process of the server (the forkserver's children), as a segfault
    in a C library would end them; their pids."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                names[int(entry.name)] = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            parent = next(line for line in status.splitlines() if line.startswith("PPid:"))
            children.setdefault(int(parent.split()[1]), []).append(int(entry.name))
    forkservers = [p for p in children.get(server, []) if "forkserver" in names.get(p, "")]
    killed = []
    for forkserver in forkservers:
        for worker in children.get(forkserver, []):
            os.kill(worker, signal.SIGKILL)
            killed.append(worker)
    return killed


def test_a_slow_disk_holds_up_the_save_that_waits_for_it_and_no_one_else(
    served: tuple[str, httpx.Client, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store syncs a saved content to disk before the save is answered; a disk that takes
    its time (a busy virtual disk, a backup running) keeps that one save waiting — not the
    server: meanwhile a colleague's page and the health check are answered. Saving the same
    content again needs no second sync (a content in the store is whole already)."""
    _url, api, app = served
    from jaarverslag.web.store import Store

    adopt = Store.adopt
    synced: list[str] = []
    syncing = threading.Event()

    def slow(store: Store, source: Path, digest: str) -> None:
        syncing.set()
        time.sleep(1.5)
        synced.append(digest)
        adopt(store, source, digest)

    monkeypatch.setattr(Store, "adopt", slow)
    path = "/api/rapporten/r/bestanden/teksten/traag.md"
    answers: list[httpx.Response] = []
    saving = threading.Thread(target=lambda: answers.append(api.put(path, content=b"Traag.\n")))
    saving.start()
    assert syncing.wait(30)  # the save is in the store's hands now
    start = time.monotonic()
    assert api.get("/gezondheid").status_code == 200
    assert api.get("/api/rapporten/r/bestanden/rapport.yaml").status_code == 200
    assert time.monotonic() - start < 1.0  # not behind the save's 1.5 s
    saving.join(30)
    assert answers and answers[0].status_code == 201 and len(synced) == 1
    monkeypatch.undo()
    stored = app.state.werkplek.store.path(synced[0])
    before = stored.stat().st_mtime_ns
    again = api.put("/api/rapporten/r/bestanden/teksten/weer.md", content=b"Traag.\n")
    assert again.status_code == 201 and stored.stat().st_mtime_ns == before
    assert leftovers(app.state.werkplek.settings.data) == []
