"""What the werkplek answers when the machine under it fails: a full disk and a database that
can't be reached or can't grow are a clear message (a page, or ``{"fout": …}`` under
``/api/``), never a traceback — and never half a save: a content goes into the store whole
or not at all (:mod:`.store`), a version into the database in one transaction, so a request
that fails leaves both as they were.

- a full disk (``ENOSPC``, or a quota: ``EDQUOT``), also SQLite's "database or disk is full":
  **507**, "de schijf van de werkplek is vol …";
- a database that does not answer (the server down, the network, a lock held too long):
  **503** with ``Retry-After``, "de database is niet bereikbaar …".

The server itself stays up; once the disk has room or the database is back, the next request
works.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError

from jaarverslag.web import db
from jaarverslag.web.errors import Refused

FULL = errno.ENOSPC, errno.EDQUOT
DISK_FULL = (
    "de schijf van de werkplek is vol: er is niets bewaard (wat er al was, is heel gebleven); "
    "meld dit aan ICT"
)
NO_DATABASE = (
    "de database van de werkplek is niet bereikbaar: er is niets bewaard; probeer het over "
    "een minuut opnieuw of meld het aan ICT"
)


Answer = Callable[[Request, Refused], Response]


def install(
    app: FastAPI, answer: Answer, internal: Callable[[Request, Exception], Response]
) -> None:
    """The handlers of a full disk and of a database error; ``answer`` answers a
    :class:`Refused` (a page or JSON), ``internal`` any other error."""

    def disk_full(request: Request, exc: OSError) -> Response:
        if exc.errno not in FULL:
            return internal(request, exc)
        print(f"werkplek: schijf vol bij {request.url.path}: {exc!r}", file=sys.stderr)
        return answer(request, Refused(507, DISK_FULL))

    def database_error(request: Request, exc: DBAPIError | TimeoutError) -> Response:
        reason = db.unreachable(exc)
        where = request.url.path
        if "disk is full" in reason or "disk full" in reason:
            print(f"werkplek: database vol bij {where}: {reason}", file=sys.stderr)
            return answer(request, Refused(507, DISK_FULL))
        invalid = isinstance(exc, DBAPIError) and exc.connection_invalidated
        if isinstance(exc, OperationalError | TimeoutError) or invalid:
            print(f"werkplek: database onbereikbaar bij {where}: {reason}", file=sys.stderr)
            refused = Refused(503, NO_DATABASE)
            refused.headers["Retry-After"] = "60"
            return answer(request, refused)
        return internal(request, exc)

    app.add_exception_handler(OSError, disk_full)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, database_error)  # type: ignore[arg-type]
    app.add_exception_handler(TimeoutError, database_error)  # type: ignore[arg-type]
