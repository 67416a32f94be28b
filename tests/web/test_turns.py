"""Writers to SQLite take turns in the order they came (``db.Turns``): SQLite's own wait for its
write lock polls with sleeps of up to 100 ms, so a writer that waits could lose every free
moment to newer ones and wait seconds (the load bench saw 1.2 s at p95, 5.5 s at most, with
the lock busy 29% of the time)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError

from jaarverslag.web import db
from jaarverslag.web.context import Werkplek
from jaarverslag.web.settings import Settings


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    made = db.engine(db.default_url(tmp_path))
    with db.writing(made) as session:
        session.execute(text("CREATE TABLE t (who TEXT)"))
    yield made
    made.dispose()


@contextmanager
def writing_row(engine, who: str) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A write transaction that adds the row ``who`` and holds the lock while the block runs."""
    with db.writing(engine) as session:
        session.execute(text("INSERT INTO t VALUES (:who)"), {"who": who})
        yield


def started(work: Callable[[], None], writing: threading.Event) -> threading.Thread:
    """``work`` in a thread of its own, once it holds the write lock (it sets ``writing``)."""
    thread = threading.Thread(target=work)
    thread.start()
    assert writing.wait(10)
    return thread


def test_a_waiting_writer_goes_before_the_writers_that_came_after_it(engine) -> None:  # type: ignore[no-untyped-def]
    """C writes back to back for 2.5 s (holding the lock 20 ms each time, as a busy server's
    saves do); B asks at 0.3 s. B writes after C's turn at the time, not after C has done."""
    start = time.monotonic()
    b_waited: list[float] = []
    c_writes = threading.Event()

    def b() -> None:
        asked = time.monotonic()
        with writing_row(engine, "b"):
            b_waited.append(time.monotonic() - asked)

    def c() -> None:
        while time.monotonic() - start < 2.5:
            with writing_row(engine, "c"):
                c_writes.set()
                time.sleep(0.02)

    hammer = started(c, c_writes)
    time.sleep(max(0.0, 0.3 - (time.monotonic() - start)))  # a slow start: no negative sleep
    waiter = threading.Thread(target=b)
    waiter.start()
    for thread in (waiter, hammer):
        thread.join(30)
    assert b_waited and b_waited[0] < 0.5, f"B waited {b_waited[0]:.2f} s while C wrote on"


def test_a_writer_that_gets_no_turn_in_time_is_a_database_timeout_and_is_passed_by(
    engine,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The fault handler answers a TimeoutError as a database that can't be reached (503);
    the turn of the one that gave up is skipped, so the next writer is not held up by it."""
    monkeypatch.setattr(db, "WAIT", 0.2)
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with writing_row(engine, "a"):
            holding.set()
            done.wait(10)

    thread = started(hold, holding)
    with pytest.raises(TimeoutError), db.writing(engine):
        pass
    done.set()
    thread.join(10)
    began = time.monotonic()
    with writing_row(engine, "d"):
        pass
    assert time.monotonic() - began < 0.15


def test_turns_are_given_in_order_and_a_skipped_one_holds_nobody_up() -> None:
    turns = db.Turns()
    assert turns.take(1)
    got: list[str] = []

    def waiter(name: str, wait: float) -> None:
        if turns.take(wait):
            got.append(name)
            turns.give()
        else:
            got.append(f"{name} gave up")

    first = threading.Thread(target=waiter, args=("eerste", 5))
    first.start()
    time.sleep(0.05)
    impatient = threading.Thread(target=waiter, args=("ongeduldig", 0.1))
    impatient.start()
    time.sleep(0.05)
    last = threading.Thread(target=waiter, args=("laatste", 5))
    last.start()
    impatient.join(5)
    assert got == ["ongeduldig gave up"]
    turns.give()
    first.join(5)
    last.join(5)
    assert got == ["ongeduldig gave up", "eerste", "laatste"]
    assert turns.take(0.1)  # nobody holds it: at once


def test_on_sqlite_a_requests_transaction_runs_on_the_event_loop_and_on_a_server_in_a_thread(
    tmp_path: Path,
) -> None:
    """In a worker thread every call into SQLite hands the interpreter back and must win it
    again from the event loop (up to 5 ms each time under load: saves of seconds); on the
    loop it needs no hand-over. A database server's answers come over the network: those
    wait in a thread, and the loop serves the others meanwhile."""

    async def where(place: Werkplek) -> bool:
        loop_thread = threading.get_ident()
        return await place.in_database(threading.get_ident) == loop_thread

    sqlite = Werkplek(Settings(data=tmp_path / "a"))
    server = Werkplek(Settings(data=tmp_path / "b", database="postgresql://x@127.0.0.1:9/x"))
    try:
        assert asyncio.run(where(sqlite)) is True
        assert asyncio.run(where(server)) is False
    finally:
        sqlite.close()
        server.close()


def test_on_a_database_server_few_transactions_run_at_once(tmp_path: Path) -> None:
    """With forty threads the transactions mostly waited to win the interpreter back from the
    event loop after each answer of the server (saves of 1.2–1.4 s at p95 under the load
    bench, 0.14–0.32 s with four): twenty requests at once run in the few database threads,
    and the werkplek's other threads stay free for the disk's work."""
    from jaarverslag.web.context import DATABASE_THREADS

    lock = threading.Lock()
    running = [0]
    most = [0]
    names: set[str] = set()

    def transaction() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            names.add(threading.current_thread().name)
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    async def twenty(place: Werkplek) -> None:
        await asyncio.gather(*(place.in_database(transaction) for _ in range(20)))

    server = Werkplek(Settings(data=tmp_path / "b", database="postgresql://x@127.0.0.1:9/x"))
    try:
        asyncio.run(twenty(server))
    finally:
        server.close()
    assert 2 <= DATABASE_THREADS <= 8
    assert most[0] == DATABASE_THREADS, most  # as many as there are, never more
    assert all(name.startswith("database") for name in names), names


def test_work_handed_to_a_thread_starts_before_the_event_loop_serves_anything_else(
    tmp_path: Path,
) -> None:
    """anyio's ``to_thread`` gives the loop up twice before its thread starts, and under load
    each time waited for everything queued before it (0.3 s). Here a callback queued on the
    loop holds it until the work has started: it must have started without the loop."""
    began = threading.Event()
    seen: list[bool] = []

    def hold_the_loop() -> None:
        seen.append(began.wait(2))

    async def hand_over(place: Werkplek) -> str:
        asyncio.get_running_loop().call_soon(hold_the_loop)
        return await place.in_thread(lambda: began.set() or threading.current_thread().name)

    place = Werkplek(Settings(data=tmp_path / "a"))
    try:
        name = asyncio.run(hand_over(place))
    finally:
        place.close()
    assert seen == [True]  # with to_thread: False, after the loop waited 2 s
    assert name.startswith("verzoek")


def test_the_servers_commits_never_checkpoint_a_thread_does(tmp_path: Path) -> None:
    """A commit that crosses SQLite's checkpoint threshold copies the log into the database
    file and syncs both to disk — on the event loop that would hold every request up on a
    slow disk. The server's connections don't; its own thread does, every second."""
    place = Werkplek(Settings(data=tmp_path / "w"))
    try:
        with db.writing(place.engine) as session:
            assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
            session.execute(text("CREATE TABLE t (x TEXT)"))
        for _ in range(300):
            with db.writing(place.engine) as session:
                session.execute(text("INSERT INTO t VALUES (:x)"), {"x": "x" * 3000})
        # 900 kB in the log (under SQLite's threshold of 1000 pages): copied into the file by
        # the thread within seconds, by no commit
        database = tmp_path / "w" / db.DATABASE_FILE
        deadline = time.monotonic() + 10
        while database.stat().st_size < 800_000:
            assert time.monotonic() < deadline, f"{database.stat().st_size} bytes"
            time.sleep(0.2)
    finally:
        place.close()
    cli = db.engine(db.default_url(tmp_path / "w"))  # a command's own engine: SQLite's default
    try:
        with cli.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    finally:
        cli.dispose()
