"""One line of JSON per request on stderr, for IT's log collection (journald, Filebeat…)::

    {"tijd": "2026-12-06T14:03:07.412Z", "methode": "PUT",
     "route": "/api/rapporten/{naam}/bestanden/{pad}", "status": 200, "ms": 41.7,
     "bytes": 812, "verzoek": "5f0c…"}

Without personal data: the ``route`` is the pattern the request matched, not its URL — a
rapport's name, a file's path, a user's name in ``…/leden/<gebruiker>``, a query string (the
provider's ``code`` and ``state`` on the return from single sign-on) are never written; a URL
that matched no route is written as ``(geen route)``. No user name, no IP address: who did what
is in the audit log, which only beheerders read. ``verzoek`` is a random id per request,
answered in the header ``X-Request-Id`` so a colleague's report can be found in the log.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = "/static/"


def route_of(scope: Scope) -> str:
    """The pattern of the route the request matched (see the module's docstring)."""
    route = scope.get("route")
    pattern = getattr(route, "path", None)
    if isinstance(pattern, str):
        return pattern.replace(":path}", "}")
    path = str(scope.get("path", ""))
    if path.startswith(STATIC):
        return STATIC + "{bestand}"
    return "(geen route)"


class RequestLog:
    """The ASGI middleware that writes the line once the answer is sent."""

    def __init__(self, app: ASGIApp, stream: Any = None) -> None:
        self.app = app
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = secrets.token_hex(8)
        seen: dict[str, int] = {"status": 500, "bytes": 0}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            line = {
                "tijd": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "methode": scope.get("method"),
                "route": route_of(scope),
                "status": seen["status"],
                "ms": round((time.perf_counter() - start) * 1000, 1),
                "bytes": seen["bytes"],
                "verzoek": request_id,
            }
            stream = self.stream or sys.stderr
            stream.write(json.dumps(line, ensure_ascii=False) + "\n")
            stream.flush()
