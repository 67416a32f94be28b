"""The werkplek as an ASGI application (FastAPI): the API, the pages, the static files, and the
rules every answer keeps.

:func:`create_app` makes it for one :class:`Settings`. On start it makes the schema of a new
database (and refuses one of another revision: :func:`jaarverslag.web.db.prepare`) and queues
again the builds a stop interrupted; while it runs it removes, now
and then, ended sessions, old failed logins and what stopped jobs left in the work folder; on
stop it stops its worker processes.

Every answer gets the security headers (:class:`SecurityHeaders`): a strict
Content-Security-Policy (scripts and styles from the werkplek's own files only, no inline
script, nothing from elsewhere, not in a frame), ``nosniff``, no referrer to other sites,
``no-store`` (the pages hold a team's unpublished figures), and HSTS over HTTPS. Errors are
answered in Dutch: JSON ``{"fout": …}`` under ``/api/``, a page elsewhere (or the login page
for someone not logged in). Nothing ever answers with a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jaarverslag.web import accounts, builds, db
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.settings import Settings
from jaarverslag.web.workers import JobFailed, Workers

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cache-control": b"no-store",
}
CLEAN_EVERY = 600.0  #: seconds between removing ended sessions and old login failures
STATUS_WORDS = {404: "niet gevonden", 405: "deze methode kan hier niet"}


class SecurityHeaders:
    """Adds :data:`HEADERS` to every answer that doesn't set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in HEADERS.items():
                    if name not in present:
                        headers.append((name, value))
                if https and b"strict-transport-security" not in present:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


class HeadAsGet:
    """``HEAD`` answered as ``GET`` is, without the body (HTTP says every ``GET`` may be asked
    so: a download's size and ETag, a monitor's probe); the routes define ``GET`` only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, sending)


def create_app(
    settings: Settings,
    workers: Workers | None = None,
    ready: Callable[[], None] | None = None,
) -> FastAPI:
    """The werkplek of ``settings`` (``workers``: a pool to use instead of starting one;
    ``ready``: called once it has started)."""
    place = Werkplek(settings, workers)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        db.prepare(place.engine, "jaarverslag web migreer")
        place.tidy()
        builds.resume(place)
        cleaner = asyncio.create_task(_clean(place))
        if ready is not None:
            ready()
        try:
            yield
        finally:
            cleaner.cancel()
            place.close()

    app = FastAPI(
        title="jaarverslag werkplek",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.werkplek = place
    if settings.oidc is not None:
        from jaarverslag.web import sso

        place.sso = sso.client(settings.oidc)
        app.add_middleware(sso.LoginState, settings=settings)
        app.include_router(sso.router)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(Refused, answer_refused)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(JobFailed, _job_failed)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, internal)
    from jaarverslag.web import faults, health, logs

    faults.install(app, answer_refused, internal)
    app.include_router(health.router)
    if settings.log_requests:
        app.add_middleware(logs.RequestLog)

    from jaarverslag.web import overview, pages
    from jaarverslag.web.api import beheer, bestanden, invoegen, rapporten, versies, voorbeeld
    from jaarverslag.web.api import builds as build_routes

    for module in (rapporten, bestanden, build_routes, invoegen, versies, voorbeeld, beheer):
        app.include_router(module.router)
    app.include_router(overview.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


async def _clean(place: Werkplek) -> None:
    while True:
        await asyncio.sleep(CLEAN_EVERY)
        with contextlib.suppress(Exception), db.writing(place.engine) as session:
            accounts.end_sessions(session, place.settings)
            accounts.forget_attempts(session, place.settings)
        with contextlib.suppress(Exception):
            place.tidy()


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def answer_refused(request: Request, exc: Refused) -> Response:
    if _is_api(request):
        response: Response = JSONResponse(
            {"fout": exc.message, **exc.extra}, status_code=exc.status, headers=exc.headers
        )
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="werkplek"'
        return response
    if exc.status == 401:
        from urllib.parse import quote

        back = quote(request.url.path, safe="/")
        return RedirectResponse(f"/inloggen?terug={back}", status_code=303)
    from jaarverslag.web.pages import error_page

    return error_page(request, exc.status, exc.message)


def _http_error(request: Request, exc: HTTPException) -> Response:
    message = STATUS_WORDS.get(exc.status_code, str(exc.detail))
    return answer_refused(request, Refused(exc.status_code, message))


def _invalid(request: Request, exc: RequestValidationError) -> Response:
    where = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ())[1:])
        where.append(location or "verzoek")
    message = "ongeldige waarde: " + ", ".join(where)
    return answer_refused(request, Refused(422, message))


def _job_failed(request: Request, exc: JobFailed) -> Response:
    return answer_refused(request, Refused(503, str(exc)))


def internal(request: Request, exc: Exception) -> Response:
    print(f"werkplek: interne fout bij {request.url.path}: {exc!r}", file=sys.stderr)
    return answer_refused(request, Refused(500, "interne fout van de werkplek; meld dit aan ICT"))


def settings_of(app: Any) -> Settings:
    found: Settings = app.state.werkplek.settings
    return found
