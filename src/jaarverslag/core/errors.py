"""Problems found in a rapport's input, and the one exception that carries them all to the CLI."""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import click

from jaarverslag.core.kinds import Severity


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    ``line`` is the physical line in the file (the header is line 1); ``None`` when no single
    line is at fault, ``column`` likewise. ``severity``: an error stops the build, a warning
    is printed and the build goes on.
    """

    file: str
    line: int | None = None
    column: str | None = None
    message: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.column:
            parts.append(self.column)
        prefix = "waarschuwing: " if self.severity == "warning" else ""
        parts.append(prefix + self.message)
        return ": ".join(parts)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Return only the problems that stop a build."""
    return [p for p in problems if p.severity == "error"]


class InputError(click.ClickException):
    """Bad input: every problem found, reported at once; exit status 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(dict.fromkeys(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)


def _sort_key(p: Problem) -> tuple[str, int, tuple[tuple[int, int | str], ...], str]:
    return (p.file, p.line or 0, natural(p.column or ""), p.message)


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that reads the numbers in a text as numbers: ``data.lasten[2]`` before
    ``data.lasten[12]``, ``secties[2]`` before ``secties[10]``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def raise_if_errors(problems: Iterable[Problem]) -> None:
    """Raise :class:`InputError` when any of ``problems`` is an error."""
    found = errors(problems)
    if found:
        raise InputError(found)


#: Set to see the Python traceback behind :func:`unexpected`'s message (for the developers).
TRACEBACK_ENV = "JAARVERSLAG_TRACEBACK"


def unexpected(exc: BaseException) -> str:
    """The one message for an exception nobody expected — a bug of jaarverslag, never a
    problem of the input (that is a :class:`Problem`): said in Dutch, asking to report it, and
    without a traceback (``JAARVERSLAG_TRACEBACK=1`` prints one too). Every front door uses it:
    the command line for ``check``, ``build``, ``insert``, ``serve`` and ``new``, each rapport
    of a build, each page of ``serve``."""
    what = str(exc).strip().replace("\n", " ") or "-"
    what = what if len(what) <= 200 else what[:199] + "…"
    kind = "geheugen op" if isinstance(exc, MemoryError) else type(exc).__name__
    return (
        f"interne fout van jaarverslag ({kind}: {what}); dit is een fout in jaarverslag, niet "
        "in uw invoer: meld het, met deze melding en zo mogelijk de rapportmap"
    )


def bind_message(exc: OSError, host: str, port: int) -> str:
    """Why a server (``serve``, ``web``) can't listen on ``host:port``, said as a person would
    mend it."""
    if isinstance(exc, socket.gaierror):
        return f"kan niet luisteren op {host}: geen adres van deze computer"
    if exc.errno == errno.EADDRINUSE:
        return f"poort {port} is al in gebruik; kies een andere met --port (0: een vrije)"
    if exc.errno == errno.EACCES:
        return f"poort {port} mag alleen met beheerrechten; kies een poort vanaf 1024"
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or exc.errno is None:
        return f"kan niet luisteren op {host}: dat adres is niet van deze computer"
    return f"kan niet luisteren op {host}:{port} ({exc.strerror or exc})"
