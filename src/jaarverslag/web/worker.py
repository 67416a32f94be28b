"""The main loop of a worker process: take a job from the pipe, run it, send the answer.

The process limits its own address space first (``RLIMIT_AS``), dies with the server
(``PR_SET_PDEATHSIG``) and leaves Ctrl-C to it. An answer is ``("ok", value)``, ``("fout",
message)`` for a bug of ours, or ``("geheugen", None)`` when the job ran out of memory — after
which the process ends, since a failed allocation may have left anything half done.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
from multiprocessing.connection import Connection


def background(nice: int) -> None:
    """This process at ``nice`` and, on Linux, in the ``SCHED_IDLE`` class: it runs when no
    other process wants the core, and gives the core up at once when one does — niceness
    alone lets a colleague's preview wait up to a time slice behind a PDF."""
    os.nice(nice)
    idle = getattr(os, "SCHED_IDLE", None)
    if idle is not None:
        with contextlib.suppress(OSError):  # a sandbox that forbids it: niceness it is
            os.sched_setscheduler(0, idle, os.sched_param(0))


def main(connection: Connection, memory: int, nice: int = 0) -> None:
    from jaarverslag.core.processes import helper_process
    from jaarverslag.core.startup import serving
    from jaarverslag.web.jobs import JOBS

    helper_process()
    if nice:
        background(nice)
    else:  # the worker of checks and previews: long-lived, and every pause is someone's wait
        serving()  # (builds keep the default: a build worker's garbage would pile up)
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, object] = ("ok", JOBS[function](*args))
        except MemoryError:
            answer = ("geheugen", None)
        except Exception as exc:
            answer = (
                "fout",
                f"interne fout van jaarverslag ({type(exc).__name__}: {exc}); meld dit",
            )
        try:
            connection.send(answer)
        except MemoryError:
            connection.send(("geheugen", None))
        if answer[0] == "geheugen":
            sys.exit(0)
