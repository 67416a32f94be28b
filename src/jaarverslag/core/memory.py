"""A bound on how much memory a piece of work may take: the process's address-space limit.

Work on what a user uploaded — a template's render, a PDF layout — runs under
``RLIMIT_AS`` set to what the process holds now plus an allowance, so an allocation beyond it
is a ``MemoryError`` in that work (turned into a message by the caller), never the machine's
out-of-memory killer taking the service down for everyone. The limit is process-wide: callers
that may run in several threads take turns (the sandbox holds a lock), and the previous limit is
restored at once. Where there is no ``RLIMIT_AS`` (not Linux), the work runs unbounded.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

MB = 1024 * 1024


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
    """The block may grow the process's address space by at most ``allowance`` bytes."""
    try:
        import resource
    except ImportError:  # not on POSIX
        yield
        return
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
