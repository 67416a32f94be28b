"""Typing a table's cells once for the same cells.

The live preview reads a workbook again after every upload, and the bench's uploads (as a
colleague's saving the workbook again) most often hold the same figures in other bytes: two
thirds of reading it again is typing its cells again (numbers, dates, choices, the duplicate
check). :func:`typed` keeps, per process, what typing the last tables gave — the typed frame
and its problems — found by everything typing depends on: the file's spec, how problems name
the file, the header, the number notation and header line, and every cell with its line (a
hash of the raw frame). Small tables only, :data:`MAX_CELLS` cells kept in all: a national file
is typed once per build anyway. What is kept is never handed out itself, only a copy.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, TypeVar

import pandas as pd

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.tables.raw import RawTable

MAX_CELLS = 500_000  #: cells kept in all (tens of MB at most); a table of over an eighth: never


class Named(Protocol):
    """A data file's spec, as far as this module needs it: its name."""

    @property
    def name(self) -> str: ...


Spec = TypeVar("Spec", bound=Named)

_kept: OrderedDict[str, tuple[pd.DataFrame, tuple[Problem, ...], int]] = OrderedDict()
_cells = 0
_lock = threading.Lock()


def _key(raw: RawTable, spec_name: str, display: str) -> str:
    digest = hashlib.sha256()
    said = (spec_name, display, raw.notation, raw.header_line, raw.header, tuple(raw.frame.columns))
    digest.update(repr(said).encode())
    for frame in (raw.frame, raw.shown):
        if frame is not None:
            digest.update(repr(tuple(frame.columns)).encode())
            digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        digest.update(b"\0")
    return digest.hexdigest()


def typed(
    raw: RawTable,
    spec: Spec,
    display: str,
    typing: Callable[[RawTable, Spec, str], tuple[pd.DataFrame, list[Problem]]],
) -> tuple[pd.DataFrame, list[Problem]]:
    """``typing(raw, spec, display)``, or what it gave for the very same cells before."""
    global _cells
    size = int(raw.frame.size)
    if size > MAX_CELLS // 8:
        return typing(raw, spec, display)
    key = _key(raw, spec.name, display)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found[0].copy(), list(found[1])
    frame, problems = typing(raw, spec, display)
    with _lock:
        if key not in _kept:
            _kept[key] = (frame.copy(), tuple(problems), size)
            _cells += size
            while _cells > MAX_CELLS and _kept:
                _gone, (_frame, _problems, cells) = _kept.popitem(last=False)
                _cells -= cells
    return frame, problems


def forget() -> None:
    """Keep nothing (as a new process starts)."""
    global _cells
    with _lock:
        _kept.clear()
        _cells = 0
