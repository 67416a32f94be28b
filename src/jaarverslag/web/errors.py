"""What goes wrong in a request, as HTTP means it: a status and a Dutch message (the command
line's wording where the command line says it), answered as ``{"fout": …}`` by the API and as a
page by the browser's pages."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A request that can't be done: ``status`` (400, 401, 403, 404, 409, 412, 413, 422, 429…),
    ``message`` for the person, and anything else the answer carries (``extra``)."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra
        self.headers: dict[str, str] = {}


def not_found(what: str = "bestaat niet") -> Refused:
    return Refused(404, what)


NO_RAPPORT = "geen rapport met deze naam (of u bent er geen lid van)"
