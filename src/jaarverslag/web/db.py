"""The database: SQLite in the data folder by default, any SQLAlchemy URL with ``--database``.

:func:`engine` opens it; :func:`migrate` brings its schema to the newest revision of the Alembic
migrations in ``migrations/`` (``jaarverslag web migreer``). The server and the other commands
only make the schema of a new, empty database (:func:`prepare`): one of an earlier revision is
refused with a message that says to migrate it (after a backup), one of a later revision (a
newer werkplek's) with a message that says so — nothing changes a database behind IT's back.

SQLite runs in WAL mode (readers never wait for a writer) with foreign keys on, and a
transaction that writes takes the write lock when it starts (``BEGIN IMMEDIATE``, through
:func:`writing`): two writers then take turns instead of one failing halfway. The writers of
one process take those turns in the order they came (:class:`Turns`): SQLite's own wait for
its lock polls with sleeps of up to 100 ms, so under load a writer could lose every free
moment to newer ones and wait seconds while the lock was mostly free. The server's own
commits never checkpoint (:class:`Checkpoints` does, in a thread) nor sync the log to disk
(its requests wait for :mod:`.walsync` after their commit, off the event loop); every other
process's commit (a command of the beheerder) syncs it itself (``synchronous=FULL``), so what
a command said it did survives a power cut. Elsewhere a write locks
the rows it decides on (``SELECT … FOR UPDATE``, see :mod:`.versions`), and the database
server queues its waiters itself.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Select, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, TimeoutError
from sqlalchemy.orm import Session

MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")
DATABASE_FILE = "werkplek.db"


def default_url(data: Path) -> str:
    return f"sqlite:///{(Path(data) / DATABASE_FILE).resolve()}"


WAIT = 30.0  #: seconds a transaction waits for its turn to write (SQLite's busy timeout too)


class Turns:
    """A lock handed on in the order it was asked for (a ticket lock): who has waited longest
    goes next. :meth:`take` gives up after ``wait`` seconds (False); its turn is then skipped."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._next = 0  #: the ticket the next one to ask gets
        self._serving = 0  #: the ticket whose turn it is
        self._gave_up: set[int] = set()

    def take(self, wait: float) -> bool:
        with self._changed:
            ticket = self._next
            self._next += 1
            if self._changed.wait_for(lambda: self._serving == ticket, timeout=wait):
                return True
            self._gave_up.add(ticket)
            self._move_on()
            return False

    def give(self) -> None:
        with self._changed:
            self._serving += 1
            self._move_on()

    def _move_on(self) -> None:
        while self._serving in self._gave_up:
            self._gave_up.discard(self._serving)
            self._serving += 1
        self._changed.notify_all()


#: SQLite engines → the turns their writers take in this process
_TURNS: weakref.WeakKeyDictionary[Engine, Turns] = weakref.WeakKeyDictionary()


def engine(url: str, *, checkpoints: bool = True) -> Engine:
    """An engine for ``url``, set up as described above. ``checkpoints`` False: a commit on
    SQLite never copies the write-ahead log into the database file itself nor syncs the log
    (with its waits for the disk) — the server, whose transactions run on its event loop, has
    that done by :class:`Checkpoints` and :mod:`.walsync` in threads of their own."""
    if url.startswith("sqlite"):
        made = create_engine(url, connect_args={"check_same_thread": False, "timeout": WAIT})
        event.listen(made, "connect", _sqlite_connect)
        event.listen(made, "connect", _synced_commits if checkpoints else _no_checkpoints)
        event.listen(made, "begin", _sqlite_begin)
        _TURNS[made] = Turns()
        return made
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # SQLAlchemy's begin event starts each transaction
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _synced_commits(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _no_checkpoints(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


CHECKPOINT_EVERY = 1.0  #: seconds between two checkpoints of the server's SQLite database


class Checkpoints:
    """Copies SQLite's write-ahead log into the database file every
    :data:`CHECKPOINT_EVERY` seconds, in a thread of its own (``PASSIVE``: it waits for no
    reader or writer), so that a slow disk holds up no request; :meth:`stop` ends it after
    one last checkpoint."""

    def __init__(self, made: Engine) -> None:
        self._engine = made
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)
        self._thread.start()

    def checkpoint(self) -> None:
        with self._engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _run(self) -> None:
        while not self._stopping.wait(CHECKPOINT_EVERY):
            try:
                self.checkpoint()
            except Exception:  # a database that can't be reached now: the next one will tell
                continue

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(30)
        # closing: what a failed checkpoint leaves is in the log, which SQLite reads itself
        with contextlib.suppress(Exception):
            self.checkpoint()


def _sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get("writing", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def reading(made: Engine) -> Iterator[Session]:
    """A session for reading (its changes, if any, are committed at the end)."""
    with Session(made, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def writing(made: Engine) -> Iterator[Session]:
    """A session whose transaction writes: committed at the end, rolled back on an error.
    On SQLite it waits its turn among this process's writers first (:class:`Turns`)."""
    turns = _TURNS.get(made)
    if turns is not None and not turns.take(WAIT):
        raise TimeoutError(f"geen beurt om te schrijven binnen {WAIT:.0f} s")
    try:
        bound = made.execution_options(writing=True)
        with Session(bound, expire_on_commit=False) as session, session.begin():
            yield session
    finally:
        if turns is not None:
            turns.give()


def _config(connection: Any) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["connection"] = connection
    return config


def migrate(made: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default)."""
    with made.begin() as connection:
        command.upgrade(_config(connection), revision)


def revisions(made: Engine) -> tuple[str | None, str]:
    """The database's revision (None: not made yet) and the newest one."""
    with made.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    newest = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert newest is not None
    return current, newest


class Unready(Exception):
    """A database the werkplek can't use as it is; the message says why and what to do."""


def shown_url(url: str) -> str:
    """A database URL as messages and logs show it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say nothing of it
        return "(ongeldige database-URL)"


def unreachable(exc: BaseException) -> str:
    """Why a database can't be reached, in one line (the driver's own words, no SQL)."""
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = str(reason).strip().splitlines()
    return first[0] if first else type(reason).__name__


def prepare(made: Engine, migrate_command: str) -> None:
    """Make the schema of a new, empty database; :class:`Unready` for a database that can't be
    reached, holds tables of something else, or is of another revision of the werkplek
    (``migrate_command``: the command that brings it up to date, for the message)."""
    try:
        current, newest = revisions(made)
        if current is None:
            others = [t for t in inspect(made).get_table_names() if t != "alembic_version"]
    except DBAPIError as exc:
        raise Unready(f"kan de database niet bereiken: {unreachable(exc)}") from exc
    if current == newest:
        return
    if current is None:
        if others:
            raise Unready(
                "de database bevat al tabellen, maar is geen database van een werkplek "
                f"({', '.join(sorted(others)[:5])}); geef een lege database"
            )
        migrate(made)
        return
    script = ScriptDirectory.from_config(_config(None))
    known = {r.revision for r in script.walk_revisions()}
    if current not in known:
        raise Unready(
            f"de database heeft revisie {current}, die deze versie van jaarverslag niet kent: "
            "hij is bijgewerkt door een nieuwere versie; installeer die (of een nog nieuwere)"
        )
    raise Unready(
        f"de database is van een eerdere versie van de werkplek (revisie {current}; deze versie "
        f"heeft revisie {newest} nodig). Maak een backup en breng hem dan bij met: "
        f"{migrate_command}"
    )


R = TypeVar("R")


@dataclass(frozen=True)
class Page(Generic[R]):
    """Rows of a list read a page at a time (newest first), and whether more follow."""

    rows: list[R]
    more: bool


def page(session: Session, query: Select[R], limit: int) -> Page[R]:
    """At most ``limit`` rows of ``query``: one more is asked to know whether more follow."""
    rows = list(session.scalars(query.limit(limit + 1)))
    return Page(rows[:limit], more=len(rows) > limit)
