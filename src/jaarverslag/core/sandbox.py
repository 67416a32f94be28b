"""Jinja's sandbox with bounds on work: for the author's Markdown and the rapport's templates.

The sandbox stops attribute tricks (``__class__``) and caps ``range``, but not an expression that
builds a gigabyte (``"x" * 10**10``), an exponent with a billion digits, or loops that run for
hours. So one expression may build at most :data:`MAX_BUILD` items, exponents stay small, and a
render has :data:`MAX_SECONDS` (enforced with a timer where the process allows signals).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_BUILD = 1_000_000  #: characters or items one ``*`` may build
MAX_EXPONENT = 1_000
MAX_SECONDS = 30  #: one render of a template or text


class TooMuchWork(SecurityError):
    """A template asked for more work than any document needs."""


class BoundedSandbox(SandboxedEnvironment):
    """A sandbox whose ``*`` and ``**`` can't exhaust memory or time."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _number(right) and abs(right) > MAX_EXPONENT:
            raise TooMuchWork(f"machtsverheffen tot {right} is te veel werk")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if _sized(sized) and _number(count) and len(sized) * count > MAX_BUILD:
                    raise TooMuchWork(f"deze vermenigvuldiging maakt meer dan {MAX_BUILD} tekens")
        return super().call_binop(context, operator, left, right)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sized(value: object) -> bool:
    return isinstance(value, str | list | tuple | bytes)


@contextlib.contextmanager
def deadline(seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Raise :class:`TooMuchWork` in the block once ``seconds`` have passed (main thread only:
    elsewhere signals can't reach it, and the block runs unbounded)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise TooMuchWork(f"het sjabloon is na {seconds:g} seconden nog niet klaar")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
