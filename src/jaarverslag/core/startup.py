"""A process's start-up: importing the heavy libraries without the garbage collector.

Importing pandas, numpy, pyarrow and pydantic makes hundreds of thousands of objects that live
as long as the process (modules, classes, functions). Each few hundred of them set off a
collection, which walks everything made so far: ≈ 60 ms of the ≈ 0.6 s a build spends importing,
on the path a single PDF build waits for. :func:`quiet_imports` switches the collector off for
them, then moves what they made out of its sight (:func:`gc.freeze`: it is never garbage) and
switches it on again.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_imports() -> Iterator[None]:
    """Run the block (imports) without garbage collection; the collector as it was after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
