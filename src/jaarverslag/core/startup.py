"""A process's start-up: importing the heavy libraries without the garbage collector.

Importing pandas, numpy, pyarrow and pydantic makes hundreds of thousands of objects that live
as long as the process (modules, classes, functions). Each few hundred of them set off a
collection, which walks everything made so far: ≈ 60 ms of the ≈ 0.6 s a build spends importing,
on the path a single PDF build waits for. :func:`quiet_imports` switches the collector off for
them and on again after. The first time in a process it also moves what exists then out of the
collector's sight (:func:`gc.freeze`: the imported modules, never garbage), once only — a
process that builds rapport after rapport (a worker) must keep collecting what each leaves.
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
