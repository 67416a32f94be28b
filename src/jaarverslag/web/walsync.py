"""A save is on the disk before the werkplek says it is saved, also on SQLite.

SQLite's write-ahead log with ``synchronous=NORMAL`` (:mod:`.db`) writes a commit into the log
without syncing it: a killed server loses nothing (the operating system has the data), but a
power cut or a crash of the machine may take the last commits with it — saves that were answered
"opgeslagen". ``FULL`` would sync inside every commit, and on SQLite the commits run on the
server's event loop: every colleague would wait for the disk of every other one.

So a writing request, once committed, asks :class:`WalSyncs` for a sync of the log and waits
for it without holding anything up (:meth:`Werkplek.durable`). One thread syncs: every commit
made before a sync starts is on the disk when it ends, so the requests that come in while one
sync runs are all covered by the next — a sync per burst of saves, not per save (group commit).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

from jaarverslag.core.atomic import sync


class WalSyncs:
    """Syncs of ``wal`` (a SQLite database's ``-wal`` file) to the disk, asked for with
    :meth:`ask` and made one at a time in a thread of their own."""

    def __init__(self, wal: Path) -> None:
        self.wal = wal
        self._changed = threading.Condition()
        self._asked = 0  #: the number of the last ask
        self._waiting: list[tuple[int, Future[None]]] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="wal-sync", daemon=True)
        self._thread.start()

    def ask(self) -> Future[None]:
        """A future that is done once everything committed before this call is on the disk
        (with the sync's ``OSError`` if it failed)."""
        done: Future[None] = Future()
        with self._changed:
            stopping = self._stopping
            if not stopping:
                self._asked += 1
                self._waiting.append((self._asked, done))
                self._changed.notify()
        if stopping:  # the thread is ending: synced here (a request while the werkplek stops)
            self._settle([done], self._synced())
        return done

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._waiting) or self._stopping)
                if not self._waiting:
                    return
                upto = self._asked  # every ask so far came after its commit: this sync covers it
            error = self._synced()
            with self._changed:
                ready = [f for number, f in self._waiting if number <= upto]
                self._waiting = [(n, f) for n, f in self._waiting if n > upto]
            self._settle(ready, error)

    def _synced(self) -> OSError | None:
        """Sync the log; the error, if that failed."""
        try:
            self._sync()
        except FileNotFoundError:  # no log: what was committed is in the database file itself,
            return None  # which a checkpoint syncs before it lets the log go
        except OSError as exc:
            return exc
        return None

    def _sync(self) -> None:
        sync(self.wal)

    @staticmethod
    def _settle(waiting: list[Future[None]], error: OSError | None) -> None:
        for done in waiting:
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

    def stop(self) -> None:
        """Make the syncs still asked for, then end the thread."""
        with self._changed:
            self._stopping = True
            self._changed.notify()
        self._thread.join(30)
