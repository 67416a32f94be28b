"""Single sign-on with OpenID Connect: ``/inloggen/sso`` sends the browser to the provider
(Entra ID, ADFS…), ``/inloggen/sso/terug`` takes it back — Authlib's client does the protocol:
the authorization code flow with PKCE (S256), a ``state`` against forged answers and a
``nonce`` in the ID token against a code injected from another login, the token's signature
(the provider's keys), issuer, audience and time checked.

What the flow keeps between the two requests (state, nonce, PKCE verifier, where to go after)
is in a signed cookie of its own, ``werkplek-inloggen`` (:class:`LoginState`): ``SameSite=Lax``
(the provider sends the browser back with a cross-site redirect, which carries no Strict
cookie), limited to ``/inloggen/sso``, gone after ten minutes or once used. Its key is derived
from the client secret, so every server process and every restart reads it.

The answer to the return is a page of the werkplek itself, not a redirect: the new session
cookie is ``SameSite=Strict``, and a browser sends no Strict cookie on a redirect chain that
started at another site; the page (``sso-klaar.html``) goes on to the werkplek with a link and
a refresh of its own, a same-site navigation. A refused login (a ``state`` that isn't this
browser's, a token whose ``nonce`` isn't this login's, the provider's own refusal, an account
that is switched off) gives the login page with the reason, and a line in the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import Response
from joserfc.errors import ClaimError, JoseError
from sqlalchemy.orm import Session as DbSession
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from jaarverslag.web import accounts, audit, identities
from jaarverslag.web.api.common import in_db
from jaarverslag.web.auth import address, set_session_cookie, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.pages import login_page, render, safe_back
from jaarverslag.web.settings import Oidc, Settings

router = APIRouter()

STATE_COOKIE = "werkplek-inloggen"
STATE_PATH = "/inloggen/sso"
STATE_SECONDS = 600
SCOPES = "openid profile email"
NAME = "werkplek"
FORGED = (
    "dit antwoord van de inlogdienst hoort niet bij een inlogpoging van deze browser "
    "(of die duurde langer dan tien minuten); log opnieuw in"
)
BAD_TOKEN = "het token van de inlogdienst klopt niet ({reden}); log opnieuw in"
REFUSED = "de inlogdienst weigerde het inloggen ({reden})"
UNREACHABLE = "de inlogdienst is niet bereikbaar; probeer het later opnieuw of meld het aan ICT"


def state_key(oidc: Oidc) -> str:
    """The key that signs the login-state cookie: derived from the client secret."""
    return hmac.new(oidc.secret.encode(), b"werkplek-inloggen", hashlib.sha256).hexdigest()


class LoginState:
    """Starlette's signed-cookie session, for the login flow only (see the module's
    docstring): ``Secure`` over HTTPS (or as :attr:`Settings.secure_cookies` says)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        assert settings.oidc is not None
        options: dict[str, Any] = {
            "secret_key": state_key(settings.oidc),
            "session_cookie": STATE_COOKIE,
            "max_age": STATE_SECONDS,
            "path": STATE_PATH,
            "same_site": "lax",
        }
        self.plain = SessionMiddleware(app, https_only=False, **options)
        self.secure = SessionMiddleware(app, https_only=True, **options)
        self.setting = settings.secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        on_https = self.setting if self.setting is not None else scope.get("scheme") == "https"
        await (self.secure if on_https else self.plain)(scope, receive, send)


def client(oidc: Oidc) -> Any:
    """Authlib's OpenID Connect client of the werkplek (the provider's metadata and keys are
    fetched when first needed)."""
    registry = OAuth()
    return registry.register(
        NAME,
        client_id=oidc.client_id,
        client_secret=oidc.secret,
        server_metadata_url=oidc.discovery,
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "timeout": 15},
    )


@router.get("/inloggen/sso")
async def start(request: Request, terug: str | None = None) -> Response:
    place = werkplek(request)
    if place.sso is None:
        return login_page(request, 404, "inloggen via een inlogdienst staat niet aan")
    request.session.clear()  # an earlier, unfinished attempt of this browser is forgotten
    request.session["terug"] = safe_back(terug)
    try:
        response: Response = await place.sso.authorize_redirect(
            request, str(request.url_for("sso_return"))
        )
    except (httpx.HTTPError, OAuthError, ValueError) as exc:
        print(f"werkplek: inlogdienst onbereikbaar: {exc!r}", file=sys.stderr)
        return login_page(request, 502, UNREACHABLE)
    return response


@router.get("/inloggen/sso/terug", name="sso_return")
async def finish(request: Request) -> Response:
    place = werkplek(request)
    if place.sso is None:
        return login_page(request, 404, "inloggen via een inlogdienst staat niet aan")
    back = safe_back(request.session.get("terug"))
    try:
        token = await place.sso.authorize_access_token(request)
    except OAuthError as exc:  # the provider said no, or a state that isn't this browser's
        forged = exc.error == "mismatching_state"
        reason = FORGED if forged else REFUSED.format(reden=exc.description or exc.error)
        return await _refused(request, 400 if forged else 401, reason, exc.error)
    except JoseError as exc:  # the ID token's signature, issuer, audience, time or nonce
        reason = BAD_TOKEN.format(reden=_jose_reason(exc))
        return await _refused(request, 400, reason, exc.error)
    except httpx.HTTPError as exc:
        print(f"werkplek: inlogdienst onbereikbaar: {exc!r}", file=sys.stderr)
        return await _refused(request, 502, UNREACHABLE, "onbereikbaar")
    claims = dict(token.get("userinfo") or {})
    oidc = place.settings.oidc
    assert oidc is not None

    def work(session: DbSession, _place: Werkplek) -> tuple[str | None, str | None, str]:
        try:
            user = identities.log_in(session, oidc, claims, address(request))
        except identities.Refusal as refusal:
            return None, str(refusal), ""
        started = accounts.start_session(session, user, method="sso")
        audit.record(session, "ingelogd", user.name, None, address(request), via="sso")
        return started.cookie, None, user.display_name or user.name

    cookie, refusal, shown = await in_db(request, work, write=True)
    request.session.clear()
    if cookie is None:
        return await _refused(request, 403, refusal or "", "geweigerd", log=refusal is None)
    response = render(request, "sso-klaar.html", naam=shown, terug=back)
    set_session_cookie(request, response, cookie)
    return response


def _jose_reason(exc: JoseError) -> str:
    if isinstance(exc, ClaimError):
        if exc.claim == "nonce":
            return "het hoort niet bij deze inlogpoging"
        return f"{exc.claim} klopt niet"
    return exc.error or type(exc).__name__


async def _refused(
    request: Request, status: int, reason: str, why: str | None, *, log: bool = True
) -> Response:
    request.session.clear()
    why_text = (why or "")[:64]

    def work(session: DbSession, _place: Werkplek) -> None:
        audit.record(
            session, "inloggen-mislukt", None, None, address(request), via="sso", reden=why_text
        )

    await in_db(request, work, write=True)
    return login_page(request, status, reason)
