"""Helper processes that never outlive the command that started them.

A batch renders in worker processes and a single build forks a PDF helper. When the command
ends early — Ctrl-C, a kill — those must go too: a worker still rendering would keep the machine
busy for nobody, and could write where the user no longer expects it. On Linux each helper asks
the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``) and ignores Ctrl-C: the
parent, interrupted, stops them itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def helper_process() -> None:
    """Set up a helper process: it dies with its parent, and leaves Ctrl-C to the parent (which
    stops it), so an interrupted build prints one line, not a traceback per helper."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def die_with_parent() -> None:
    """In a helper process: be killed when the parent goes (a no-op where Linux's prctl isn't)."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def stop_children() -> None:
    """Kill this process's worker processes (those started through multiprocessing)."""
    import multiprocessing

    for child in multiprocessing.active_children():
        with contextlib.suppress(OSError, ValueError):
            child.kill()
    for child in multiprocessing.active_children():
        with contextlib.suppress(OSError, ValueError):
            child.join(timeout=5)
