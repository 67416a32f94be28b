"""Who is asking: every request is authenticated here, and every request that changes something
through a browser session must carry that session's CSRF token.

- ``Authorization: Bearer <token>``: an API token (:func:`accounts.token_user`); no cookie, so no
  CSRF token needed.
- Otherwise the session cookie: ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, and ``Secure``
  (named ``__Host-werkplek``) when the request came over HTTPS (or
  :attr:`Settings.secure_cookies` says so). A ``POST``, ``PUT``, ``PATCH`` or ``DELETE`` needs
  the header ``X-CSRF-Token`` (or, for a form, the field ``csrf``) equal to the session's token,
  and an ``Origin``, when the browser sends one, of this werkplek itself.

Issue 25's single sign-on sets its own short-lived login-state cookie with ``SameSite=Lax`` (the
provider sends the browser back with a cross-site redirect, which would not carry a Strict
cookie) and then starts the same session as a password login.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import accounts, db
from jaarverslag.web.access import Actor
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused

COOKIE = "werkplek"
SECURE_COOKIE = "__Host-werkplek"
CSRF_HEADER = "X-CSRF-Token"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_LOGGED_IN = "niet ingelogd (of uw sessie is verlopen): log opnieuw in"
BAD_TOKEN = "dit API-token bestaat niet of is ingetrokken"
BAD_CSRF = "het CSRF-token ontbreekt of klopt niet: laad de pagina opnieuw"
BAD_ORIGIN = "dit verzoek komt van een andere website en is geweigerd"


def werkplek(request: Request) -> Werkplek:
    found: Werkplek = request.app.state.werkplek
    return found


def address(request: Request) -> str:
    return request.client.host if request.client is not None else ""


def secure(request: Request) -> bool:
    setting = werkplek(request).settings.secure_cookies
    return setting if setting is not None else request.url.scheme == "https"


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(SECURE_COOKIE) or request.cookies.get(COOKIE)


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    on_https = secure(request)
    response.set_cookie(
        SECURE_COOKIE if on_https else COOKIE,
        value,
        max_age=int(werkplek(request).settings.session_max.total_seconds()),
        path="/",
        secure=on_https,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    for name in (COOKIE, SECURE_COOKIE):
        if name in request.cookies:
            response.delete_cookie(
                name, path="/", secure=name == SECURE_COOKIE, httponly=True, samesite="strict"
            )


async def identify(request: Request) -> tuple[Actor, str | None]:
    """The user of the request and, for a browser session, its CSRF token; 401 when none.
    Looked up where :meth:`Werkplek.in_database` runs a request's transaction."""
    return await werkplek(request).in_database(lambda: _look_up(request))


def _look_up(request: Request) -> tuple[Actor, str | None]:
    """:func:`identify`'s work: in a transaction that reads, and again in one that writes
    when an ended session is to be removed or a last-seen moment moved on
    (:class:`accounts.MustWrite`)."""
    place = werkplek(request)
    header = request.headers.get("authorization", "")

    def look(session: DbSession, writing: bool) -> tuple[Actor, str | None] | None:
        if header[:7].lower() == "bearer ":
            user = accounts.token_user(session, header[7:].strip(), writing=writing)
            return (Actor.of(user, "token", address(request)), None) if user else None
        cookie = session_cookie(request)
        if not cookie:
            return None
        row = accounts.find_session(session, place.settings, cookie, writing=writing)
        return (Actor.of(row.user, "sessie", address(request)), row.csrf) if row else None

    try:
        with db.reading(place.engine) as session:
            found = look(session, False)
    except accounts.MustWrite:
        with db.writing(place.engine) as session:
            found = look(session, True)
    if found is None:
        raise Refused(401, BAD_TOKEN if header[:7].lower() == "bearer " else NOT_LOGGED_IN)
    return found


def origin_ok(request: Request) -> bool:
    """A browser's ``Origin`` (when it sends one) must be this werkplek's own."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own


async def actor(request: Request) -> Actor:
    """FastAPI dependency of every API route: the authenticated user, with the CSRF rule."""
    found, csrf = await identify(request)
    request.state.csrf = csrf
    if csrf is not None and request.method not in SAFE:
        given = request.headers.get(CSRF_HEADER, "")
        if not origin_ok(request):
            raise Refused(403, BAD_ORIGIN)
        if not given or not secrets.compare_digest(given, csrf):
            raise Refused(403, BAD_CSRF)
    return found


def check_form_csrf(request: Request, form: Any) -> None:
    """The CSRF rule for a browser form (``csrf`` field)."""
    csrf = getattr(request.state, "csrf", None)
    given = form.get("csrf", "") if form is not None else ""
    if not origin_ok(request):
        raise Refused(403, BAD_ORIGIN)
    if csrf is None or not isinstance(given, str) or not secrets.compare_digest(given, csrf):
        raise Refused(403, BAD_CSRF)


#: The authenticated user of an API route (``who: Caller``).
Caller = Annotated[Actor, Depends(actor)]
