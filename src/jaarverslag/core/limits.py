"""Bounds on the time and memory of a piece of work done on what a user gave.

**Memory**: work on an upload — a template's render, a PDF or DOCX layout — runs under
``RLIMIT_AS`` set to what the process holds now plus an allowance (:func:`growth_limit`), so an
allocation beyond it is a ``MemoryError`` in that work (turned into a message by the caller),
never the machine's out-of-memory killer taking the service down for everyone. The limit is
process-wide: the work of several threads takes turns (:data:`LOCK`), and the previous limit is
restored at once. A helper process of its own caps itself for good (:func:`cap_process`).
Where there is no ``RLIMIT_AS`` (not Linux), the work runs unbounded in memory.

**Time**: :func:`deadline` interrupts the work with an exception once its seconds have passed
(in the main thread, where signals arrive; elsewhere the work must count its own steps, as the
template sandbox does).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

MB = 1024 * 1024
#: How long one document's PDF layout may take, and how much the process may grow by for it.
PDF_SECONDS = 300
PDF_MEMORY = 2048 * MB
#: Held while a growth limit is in force: one piece of bounded work at a time per process.
LOCK = threading.RLock()


class TooLong(Exception):
    """A piece of work passed its deadline."""


@contextlib.contextmanager
def deadline(seconds: float, error: Callable[[], BaseException] = TooLong) -> Iterator[None]:
    """Raise ``error()`` in the block once ``seconds`` have passed (main thread only:
    elsewhere signals can't reach it, and the block runs on)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise error()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def in_use() -> int | None:
    """The process's address space now, in bytes (None where it can't be read)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def growth_limit(allowance: int) -> Iterator[None]:
    """The block may grow the process's address space by at most ``allowance`` bytes (and
    holds :data:`LOCK` meanwhile)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        yield
        return
    with LOCK:
        now = in_use() if sys.platform == "linux" else None
        if now is None:
            yield
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = now + allowance
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft <= wanted:  # already as tight: keep it
            yield
            return
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def cap_process(allowance: int) -> None:
    """In a helper process of its own (the PDF layout): this process may grow by at most
    ``allowance`` bytes from now on."""
    try:
        import resource
    except ImportError:
        return
    now = in_use()
    if now is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = now + allowance
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def dutch(number: int) -> str:
    """A limit as a message says it: ``2097152`` → ``2.097.152``."""
    return f"{number:_}".replace("_", ".")
