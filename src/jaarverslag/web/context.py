"""One running werkplek: its settings, database, file store and worker processes, and what it
keeps in memory — the latest check per rapport state, the check under way of each rapport, and
each user's live preview.

A save does not wait for its check (:meth:`Werkplek.start_check`): the check runs in the
worker of checks and previews, and its verdict is kept here, where the rapport's event stream
and ``GET …/controle`` find it. Work that waits in the queue is replaced by newer work of the
same kind: a preview of a writer's older draft by the newer one, a check of a rapport's older
files by the check of the newer ones (:meth:`Lane.submit`'s ``supersedes``).

Made once by :func:`jaarverslag.web.app.create_app` and reached by every request as
``request.app.state.werkplek``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import json
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine

from jaarverslag.web import db
from jaarverslag.web.settings import Settings
from jaarverslag.web.store import Store
from jaarverslag.web.walsync import WalSyncs
from jaarverslag.web.workers import Job, Workers

T = TypeVar("T")

CHECKS_KEPT = 256
#: Threads for a request's blocking work (:meth:`Werkplek.in_thread`: a file's sync to disk,
#: the health check): as many as anyio's
THREADS = 40
#: On a database server: the threads a request's transaction runs in (:meth:`in_database`).
#: Few: each thread must win the interpreter back from the event loop after every answer of
#: the server, and with forty, transactions mostly waited for that — the load bench on
#: PostgreSQL (100 colleagues, side by side): saves 1.2–1.4 s at p95 with 40, 0.14–0.32 s
#: with 2, 4 or 8 (docs/performance.md).
DATABASE_THREADS = 4
LEFT_OVER = 24 * 3600.0  #: seconds after which a job's folder in the work folder is stale
PREVIEWS_KEPT = 64  #: previews (a rapport's page for a user) kept to answer the frame


@dataclass
class Checking:
    """The latest check asked for a rapport: of which files (``key``) at which ``state``; its
    ``future`` gives the verdict with that state (``{"ok", "meldingen", "staat"}``)."""

    key: str
    state: int
    future: Future[dict[str, Any]]
    job: Job | None = None


@dataclass
class Shown:
    """A user's live preview of a rapport: the page and how often it was remade."""

    html: str
    version: int
    ok: bool
    messages: list[dict[str, Any]]
    #: the worker's answer it was made of (one answer for a request and the one it replaced)
    answer: object = None


class Werkplek:
    def __init__(self, settings: Settings, workers: Workers | None = None) -> None:
        self.settings = settings
        settings.data.mkdir(parents=True, exist_ok=True)
        #: SQLite: a request's database work runs on the event loop (:meth:`in_database`), and
        #: the write-ahead log is copied into the database file in a thread, never by a commit
        self.database_inline = settings.url.startswith("sqlite")
        self.engine: Engine = db.engine(settings.url, checkpoints=not self.database_inline)
        self._checkpoints = db.Checkpoints(self.engine) if self.database_inline else None
        database = self.engine.url.database
        #: SQLite: a commit's log synced to disk before a save is answered (:meth:`durable`)
        self._syncs = (
            WalSyncs(Path(f"{database}-wal"))
            if self.database_inline and database and database != ":memory:"
            else None
        )
        self.store = Store(settings.store)
        self._threads = ThreadPoolExecutor(THREADS, thread_name_prefix="verzoek")
        self._database_threads = (
            None
            if self.database_inline
            else ThreadPoolExecutor(DATABASE_THREADS, thread_name_prefix="database")
        )
        self._workers = workers
        self._lock = threading.Lock()
        self._checks: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.previews: OrderedDict[tuple[int, int], Shown] = OrderedDict()
        #: per rapport: its latest check (:meth:`start_check`)
        self.checking: dict[int, Checking] = {}
        #: per rapport and writer: the preview job asked last (replaced while it waits)
        self._preview_jobs: dict[tuple[int, int], Job] = {}
        self.builds: dict[int, Job] = {}  #: builds waiting or running, by id
        #: set while stopping: a build its worker's end interrupts is resumed at the next start
        self.closing = False
        #: Authlib's OpenID Connect client, with single sign-on (:mod:`.sso`)
        self.sso: Any = None
        #: rapporten that are a reeks (:meth:`preview_key`)
        self.reeksen: set[int] = set()

    async def in_database(self, work: Callable[[], T]) -> T:
        """``work()``, a request's transaction. On SQLite on the event loop itself: a
        transaction there takes a millisecond or two of the interpreter, which a worker thread
        would take as well — but a thread must win the interpreter back from the event loop at
        every call into SQLite (each releases it), and under load it waited up to 5 ms each
        time (the load bench, side by side: saves 0.30–0.38 / 1.3–1.5 s at p50 / p95 in
        threads, 0.12–0.16 / 0.43–0.64 s here; docs/performance.md). A write waits its turn
        (:class:`db.Turns`) only behind the builds' short status writes and another
        process's (a command of the beheerder). On a database server in one of the
        werkplek's few database threads (:data:`DATABASE_THREADS`): its answers come over the
        network."""
        if self._database_threads is None:
            return work()
        return await _started(self._database_threads, work)

    async def durable(self) -> None:
        """Wait until what this request committed is on the disk (:mod:`.walsync`); at once
        on a database server, whose commit is."""
        if self._syncs is not None:
            await asyncio.wrap_future(self._syncs.ask())

    async def in_thread(self, work: Callable[[], T]) -> T:
        """``work()`` in one of the werkplek's threads, started at once: a file's sync to disk,
        the health check's look at the database and the disk. anyio's ``to_thread`` (Starlette's
        ``run_in_threadpool``) first gives the event loop up twice, and each time waits for
        everything queued on the loop before it — under load 0.3 s each, before the thread
        even starts (docs/performance.md, "What a request costs"). A request cancelled
        meanwhile leaves ``work`` to finish on its own, as anyio's would."""
        return await _started(self._threads, work)

    @property
    def workers(self) -> Workers:
        """The worker processes, started with the first job."""
        with self._lock:
            if self._workers is None:
                self._workers = Workers(self.settings)
            return self._workers

    @property
    def has_workers(self) -> bool:
        """Whether the worker processes were started (the health check starts none)."""
        return self._workers is not None

    def tidy(self, older: float = LEFT_OVER) -> int:
        """Remove what jobs left in the work folder (a server stopped mid-build) once it is
        ``older`` seconds old; how many were removed."""
        removed = 0
        moment = time.time()
        for kind in ("bouw", "invoegen", "uploads"):
            folder = self.settings.work / kind
            for item in folder.iterdir() if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    if moment - item.lstat().st_mtime > older:
                        if item.is_dir() and not item.is_symlink():
                            shutil.rmtree(item)
                        else:
                            item.unlink()
                        removed += 1
        return removed

    def close(self) -> None:
        self.closing = True
        with self._lock:
            if self._workers is not None:
                self._workers.close()
                self._workers = None
        for threads in (self._threads, self._database_threads):
            if threads is not None:
                threads.shutdown(wait=True)  # what a request started ends first
        if self._syncs is not None:
            self._syncs.stop()
        if self._checkpoints is not None:
            self._checkpoints.stop()
        self.engine.dispose()

    # -- jobs ----------------------------------------------------------------------------------

    def known_check(self, name: str, files: Mapping[str, str]) -> dict[str, Any] | None:
        """``check``'s verdict on exactly these files if it is known already (a check made, or
        the preview of the very text a save stores), else None."""
        key = _check_key(name, files)
        with self._lock:
            if key in self._checks:
                self._checks.move_to_end(key)
                return self._checks[key]
        return None

    def start_check(
        self,
        user: str,
        rapport_id: int,
        name: str,
        files: Mapping[str, str],
        state: int,
        waited: bool = False,
    ) -> Checking:
        """The check of these files of a rapport, at ``state``, without waiting for it: its
        ``future`` gives the verdict (``{"ok", "meldingen"}``) once known, or at once when it is.
        Asked twice for the same files, one check; a check of older files still waiting is
        dropped and whoever waits for it gets the newer verdict. A check nobody waits for
        (``waited`` False: a save was answered already) gives way to previews (``background``)."""
        key = _check_key(name, files)
        known = self.known_check(name, files)
        lane = self.workers.controle if known is None else None
        with self._lock:
            earlier = self.checking.get(rapport_id)
            if earlier is not None and earlier.key == key and not _failed(earlier.future):
                earlier.state = max(earlier.state, state)  # the same files again
                return earlier
            future: Future[dict[str, Any]] = Future()
            if known is not None or lane is None:
                future.set_result(known or {})
                checking = self.checking[rapport_id] = Checking(key, state, future)
                return checking
            settings = self.settings
            args = (settings.store, settings.work, str(rapport_id), name, dict(files))
            waiting = earlier.job if earlier is not None else None
            job = lane.submit(
                user, "check", args, settings.check_seconds, 0, supersedes=waiting,
                route=rapport_id, background=not waited,
            )  # fmt: skip
            checking = self.checking[rapport_id] = Checking(key, state, future, job)
            if earlier is not None and waiting is not None and waiting.superseded_by is job:
                earlier.state = state  # its waiters get this newer verdict: say of which state

        def done(finished: Future[Any]) -> None:
            if future.done():
                return
            if finished.cancelled():
                future.cancel()
            elif (error := finished.exception()) is not None:
                future.set_exception(error)
            else:
                result: dict[str, Any] = finished.result()
                if job.superseded_by is None:  # else the verdict on newer files
                    self._remember_check(key, result)
                future.set_result(result)

        job.future.add_done_callback(done)
        return checking

    def check_now(self, rapport_id: int) -> dict[str, Any] | None:
        """The latest verdict known of a rapport (with its ``staat``), None while none is."""
        with self._lock:
            checking = self.checking.get(rapport_id)
        if checking is None or not checking.future.done():
            return None
        return verdict(checking)

    async def check(
        self, user: str, rapport_id: int, name: str, files: Mapping[str, str], state: int
    ) -> dict[str, Any]:
        """``check``'s verdict on these files of a rapport, waited for (a request that goes
        away leaves the check to the others that wait for it)."""
        checking = self.start_check(user, rapport_id, name, files, state, waited=True)
        await asyncio.shield(asyncio.wrap_future(checking.future))
        return verdict(checking)

    def _remember_check(self, key: str, result: dict[str, Any]) -> None:
        with self._lock:
            self._checks[key] = result
            self._checks.move_to_end(key)
            while len(self._checks) > CHECKS_KEPT:
                self._checks.popitem(last=False)

    async def preview(
        self,
        user_id: int,
        user: str,
        rapport_id: int,
        name: str,
        files: Mapping[str, str],
        drafts: Mapping[str, bytes],
    ) -> Shown:
        settings = self.settings
        key = self.preview_key(rapport_id, user_id)
        args = (settings.store, settings.work, key, name, dict(files), dict(drafts))
        whose = (rapport_id, user_id)
        lane = self.workers.controle
        with self._lock:
            job = lane.submit(
                user, "preview", (*args, settings.previews), settings.check_seconds, 0,
                supersedes=self._preview_jobs.get(whose), route=rapport_id,
            )  # fmt: skip
            self._preview_jobs[whose] = job
        try:
            result = await asyncio.wrap_future(job.future)
        finally:
            with self._lock:
                if self._preview_jobs.get(whose) is job:
                    del self._preview_jobs[whose]
        if result["reeks"]:
            self.reeksen.add(rapport_id)
        newer = job.superseded_by is not None  # the answer is of a newer draft
        if result["ok"] and not result["reeks"] and not newer:  # check's verdict once saved
            saved = {**files, **{p: hashlib.sha256(d).hexdigest() for p, d in drafts.items()}}
            self._remember_check(
                _check_key(name, saved), {"ok": True, "meldingen": result["meldingen"]}
            )
        with self._lock:
            earlier = self.previews.get((rapport_id, user_id))
            if earlier is not None and earlier.answer is result:
                return earlier  # the request whose draft was replaced: the same preview
            shown = Shown(
                result["html"],
                (earlier.version + 1) if earlier else 1,
                result["ok"],
                result["meldingen"],
                result,
            )
            self.previews[(rapport_id, user_id)] = shown
            self.previews.move_to_end((rapport_id, user_id))
            while len(self.previews) > PREVIEWS_KEPT:
                self.previews.popitem(last=False)
        return shown

    def preview_key(self, rapport_id: int, user_id: int) -> str:
        """Whose preview a worker keeps: the rapport's, shared by its writers (each job writes
        one writer's drafts, a change of texts only); a reeks's per writer, since its
        gemeenten's pages are made later from the writer's own state."""
        return f"{rapport_id}-{user_id}" if rapport_id in self.reeksen else str(rapport_id)

    async def preview_page(self, user_id: int, user: str, rapport_id: int, path: str) -> Any:
        key = self.preview_key(rapport_id, user_id)
        job = self.workers.controle.submit(
            user, "preview_page", (key, path), self.settings.check_seconds, 0, route=rapport_id
        )
        return await asyncio.wrap_future(job.future)


def verdict(checking: Checking) -> dict[str, Any]:
    """The verdict of a finished check, with its state; a check that could not run says so as
    its message."""
    future = checking.future
    error = None if future.cancelled() else future.exception()
    if future.cancelled() or error is not None:
        said = f"de controle is niet gelukt: {error or 'afgebroken'}"
        failed = {"ernst": "fout", "melding": said, "tekst": said}
        return {"ok": False, "meldingen": [failed], "staat": checking.state, "mislukt": True}
    return {**future.result(), "staat": checking.state}


def _failed(future: Future[Any]) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def _check_key(name: str, files: Mapping[str, str]) -> str:
    """The files of a rapport at one moment, as the key of their check's verdict."""
    return hashlib.sha256(json.dumps([name, sorted(files.items())]).encode()).hexdigest()


async def _started(threads: ThreadPoolExecutor, work: Callable[[], T]) -> T:
    """``work()`` in one of ``threads``, handed over at once; the caller waits for its answer
    (a request cancelled meanwhile leaves ``work`` to finish on its own)."""
    started = threads.submit(contextvars.copy_context().run, work)
    return await asyncio.shield(asyncio.wrap_future(started))
