"""A process's start-up: importing the heavy libraries without the garbage collector.

Importing pandas, numpy, pyarrow and pydantic makes hundreds of thousands of objects that live
as long as the process (modules, classes, functions). Each few hundred of them set off a
collection, which walks everything made so far: ≈ 60 ms of the ≈ 0.6 s a build spends importing,
on the path a single PDF build waits for. :func:`quiet_imports` switches the collector off for
them and on again after. The first time in a process it also moves what exists then out of the
collector's sight (:func:`gc.freeze`: the imported modules, never garbage), once only — a
process that builds rapport after rapport (a worker) must keep collecting what each leaves.

A server that starts once and serves for weeks (``jaarverslag web``) calls :func:`serving` once
its application is made: measured under the werkplek's load bench, a collection of the oldest
generation walked the server's whole heap and held every request for 0.12–0.24 s, ten times
a minute; with the start-up frozen and the thresholds below, one or two a minute of ≈ 50 ms.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_frozen = False  #: whether this process has frozen its start-up already


@contextlib.contextmanager
def quiet_imports() -> Iterator[None]:
    """Run the block (imports) without garbage collection; the collector as it was after it."""
    global _frozen
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if not _frozen:
            _frozen = True
            gc.freeze()
        gc.enable()


#: The collector's thresholds for a server: the youngest generation collected after 7,000 new
#: objects instead of 700 (a request makes thousands; fewer, hardly longer collections), the
#: oldest after 100 collections of the middle one instead of 10.
SERVER_THRESHOLDS = (7000, 10, 100)


def serving() -> None:
    """Set up the collector for a long-running server: what lives now (the imported code, the
    application) is collected once and frozen out of the collector's sight, and
    :data:`SERVER_THRESHOLDS` apply. Garbage is still collected, only less often."""
    global _frozen
    gc.collect()
    gc.freeze()
    _frozen = True
    gc.set_threshold(*SERVER_THRESHOLDS)
