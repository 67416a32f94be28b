"""The werkplek's pages, in Dutch: HTML made on the server from ``templates/``, every change
made by the page's script (``static/werkplek.js``) through the JSON API with the session's CSRF
token — so a page does what the API does, no more.

- ``/inloggen`` (and ``POST``), ``POST /uitloggen``
- ``/rapporten``: the rapporten you may see, and a new one from the starter
- ``/rapporten/N``: files (upload by choosing or dropping, download, delete), ``check``'s
  messages linked to the files, builds and their downloads, inserting into your own Word
  document, the members and their roles
- ``/rapporten/N/tekst/<pad>``: a text edited beside the live preview
- ``/rapporten/N/geschiedenis``: every version of every file, with restore
- ``/rapporten/N/voorbeeld/``: the preview itself (shown in a frame of the text's page)
- ``/beheer/audit``: the audit log (beheerders); ``/account``: your API tokens
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from jaarverslag.core.kinds import FORMATS
from jaarverslag.web import access, accounts, audit, builds, names, versions
from jaarverslag.web.access import Actor
from jaarverslag.web.api.common import in_db, visible
from jaarverslag.web.auth import (
    address,
    check_form_csrf,
    clear_session_cookie,
    identify,
    session_cookie,
    set_session_cookie,
    werkplek,
)
from jaarverslag.web.context import Shown, Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import Build, User, now

router = APIRouter()
TEMPLATES = Environment(
    loader=PackageLoader("jaarverslag.web", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters["url"] = lambda text: quote(str(text), safe="/")
TEMPLATES.filters["moment"] = lambda moment: local(moment)
TEMPLATES.filters["waarde"] = lambda value: shown(value)
TEMPLATES.filters["bytes"] = lambda size: (
    f"{size} B"
    if size < 1024
    else f"{size / 1024:.0f} kB"
    if size < 1024**2
    else f"{size / 1024**2:.1f} MB"
).replace(".", ",")


def local(moment: datetime | str | None) -> str:
    """A moment as a Dutch reader expects it: ``06-12-2026 14:41``, in Dutch time."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    try:
        zone: tzinfo = ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # no time zone database: UTC, said so
        return moment.strftime("%d-%m-%Y %H:%M UTC")
    return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")


def shown(value: object) -> str:
    """A detail of the audit log: ja/nee, a list as a list."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(geen)"
    return "" if value is None else str(value)


PREVIEW_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox allow-same-origin"
)
BUILD_LIST = 20


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    values.setdefault("user", getattr(request.state, "user", None))
    values.setdefault("csrf", getattr(request.state, "csrf", None))
    html = TEMPLATES.get_template(template).render(request=request, **values)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "fout.html", status, code=status, message=message)


async def who(request: Request) -> Actor:
    """The logged-in user of a page (401, which sends the browser to the login, if none)."""
    found, csrf = await identify(request)
    request.state.user, request.state.csrf = found, csrf
    return found


def safe_back(value: str | None) -> str:
    """Where to go after logging in: only a path of this werkplek."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/rapporten"


# -- logging in and out ------------------------------------------------------------------------


@router.get("/", response_class=RedirectResponse)
async def home() -> RedirectResponse:
    return RedirectResponse("/rapporten", status_code=303)


NO_PASSWORDS = "inloggen met een wachtwoord staat uit in deze werkplek; log in met {label}"


def login_page(
    request: Request,
    status: int = 200,
    message: str | None = None,
    back: str = "/rapporten",
    name: str = "",
) -> HTMLResponse:
    """The login page: the provider's button with single sign-on, the form with local
    accounts; ``message``: why the last attempt failed."""
    settings = werkplek(request).settings
    return render(
        request, "inloggen.html", status, terug=back, fout=message, naam=name,
        sso=settings.oidc, wachtwoord=settings.local_accounts,
    )  # fmt: skip


@router.get("/inloggen")
async def login_form(request: Request, terug: str | None = None) -> Response:
    return login_page(request, back=safe_back(terug))


@router.post("/inloggen")
async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    name = str(form.get("naam", "")).strip().lower()
    password = str(form.get("wachtwoord", ""))
    back = safe_back(str(form.get("terug", "")))
    place = werkplek(request)
    from jaarverslag.web.auth import origin_ok

    if not origin_ok(request):
        return login_page(request, 403, "geweigerd", back, name)
    if not place.settings.local_accounts:
        label = place.settings.oidc.label if place.settings.oidc else "de inlogdienst"
        return login_page(request, 403, NO_PASSWORDS.format(label=label), back)

    def work(
        session: DbSession, _place: Werkplek
    ) -> tuple[str | None, accounts.LoginRefused | None]:
        try:
            user = accounts.log_in(session, place.settings, name, password, address(request))
        except accounts.LoginRefused as refused:
            audit.record(session, "inloggen-mislukt", name[:64] or None, None, address(request))
            return None, refused
        started = accounts.start_session(session, user)
        user.last_login = now()
        audit.record(session, "ingelogd", user.name, None, address(request), via="wachtwoord")
        return started.cookie, None

    cookie, refused = await in_db(request, work, write=True)
    if refused is not None or cookie is None:
        assert refused is not None
        response = login_page(request, refused.status, str(refused), back, name)
        if refused.wait:
            response.headers["Retry-After"] = str(refused.wait)
        return response
    redirect = RedirectResponse(back, status_code=303)
    set_session_cookie(request, redirect, cookie)
    return redirect


@router.post("/uitloggen")
async def logout(request: Request) -> Response:
    actor = await who(request)
    check_form_csrf(request, await request.form(max_files=0, max_fields=2))
    cookie = session_cookie(request)

    def work(session: DbSession, _place: Werkplek) -> None:
        if cookie:
            accounts.end_session(session, cookie)
        audit.record(session, "uitgelogd", actor.name, None, address(request))

    await in_db(request, work, write=True)
    response = RedirectResponse("/inloggen", status_code=303)
    clear_session_cookie(request, response)
    return response


# -- rapporten ---------------------------------------------------------------------------------


@router.get("/rapporten")
async def rapporten(request: Request) -> Response:
    actor = await who(request)
    seen = await in_db(request, lambda s, _p: access.rapporten(s, actor), write=False)
    return render(request, "rapporten.html", rapporten=seen)


@router.get("/rapporten/{naam}")
async def rapport(naam: str, request: Request) -> Response:
    actor = await who(request)

    def work(session: DbSession, place: Werkplek) -> dict[str, Any]:
        found = visible(session, actor, naam)
        rows = session.scalars(
            select(Build)
            .where(Build.rapport_id == found.rapport.id)
            .order_by(Build.id.desc())
            .limit(BUILD_LIST)
        )
        return {
            "access": found,
            "bestanden": list(versions.current(session, found.rapport.id).values()),
            "leden": access.members(session, found.rapport.id),
            "builds": [builds.as_json(place, b, naam) for b in rows],
            "staat": versions.state(session, found.rapport.id),
        }

    values = await in_db(request, work, write=False)
    return render(request, "rapport.html", naam=naam, formaten=FORMATS, **values)


@router.get("/rapporten/{naam}/tekst/{pad:path}")
async def text(naam: str, pad: str, request: Request) -> Response:
    actor = await who(request)
    try:
        name = names.file_name(pad)
    except names.NameRefused as exc:
        raise Refused(404, str(exc)) from exc
    if name.kind not in ("tekst", "rapport.yaml", "sjabloon"):
        raise Refused(404, f"{name.path} is geen tekst die hier bewerkt kan worden")

    def work(session: DbSession, place: Werkplek) -> tuple[Any, bytes | None, str | None]:
        found = visible(session, actor, naam)
        version = versions.latest(session, found.rapport.id, name.path)
        if version is None or version.digest is None:
            return found, None, None
        return found, place.store.get(version.digest), versions.etag(version)

    found, content, tag = await in_db(request, work, write=False)
    try:
        shown = content.decode("utf-8-sig") if content is not None else ""
    except UnicodeDecodeError as exc:
        raise Refused(
            422, f"{name.path}: is geen UTF-8-tekst; bewerk het buiten de werkplek"
        ) from exc
    return render(
        request, "tekst.html", naam=naam, pad=name.path, inhoud=shown, etag=tag or "",
        access=found, nieuw=content is None,
    )  # fmt: skip


HISTORY_PAGE = 100  #: versions on one page of a rapport's history
AUDIT_PAGE = 100  #: lines on one page of the audit log


@router.get("/rapporten/{naam}/geschiedenis")
async def history(
    naam: str, request: Request, pad: str | None = None, voor: int | None = None
) -> Response:
    actor = await who(request)

    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = visible(session, actor, naam)
        current = versions.current_ids(session, found.rapport.id)
        page = versions.history(session, found.rapport.id, pad, limit=HISTORY_PAGE, before=voor)
        return {
            "access": found, "versies": page.rows, "meer": page.more, "huidig": current,
            "eerste": voor is None,
        }  # fmt: skip

    values = await in_db(request, work, write=False)
    return render(request, "geschiedenis.html", naam=naam, pad=pad, **values)


@router.get("/rapporten/{naam}/voorbeeld/{pagina:path}")
async def preview(naam: str, pagina: str, request: Request) -> Response:
    """The preview as a page of its own (for the frame beside the editor): the rapport's HTML
    as ``serve`` shows it, with no script at all (its CSP forbids them) and in a sandbox."""
    actor = await who(request)
    rapport_id = await in_db(
        request, lambda session, _p: visible(session, actor, naam).rapport.id, write=False
    )
    place = werkplek(request)

    async def made_anew() -> Shown:  # of the saved files: no preview of this user is kept
        files = await in_db(request, lambda s, _p: versions.snapshot(s, rapport_id), write=False)
        return await place.preview(actor.id, actor.name, rapport_id, naam, files, {})

    html: str | None
    if pagina in ("", "index.html"):
        shown = place.previews.get((rapport_id, actor.id)) or await made_anew()
        html = shown.html
    else:
        html = await place.preview_page(actor.id, actor.name, rapport_id, pagina)
        if html is None:
            await made_anew()
            html = await place.preview_page(actor.id, actor.name, rapport_id, pagina)
    if html is None:
        raise Refused(404, "deze pagina heeft het voorbeeld niet")
    return HTMLResponse(
        html, headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"}
    )


# -- beheer and account ------------------------------------------------------------------------


@router.get("/beheer/audit")
async def audit_page(request: Request, voor: int | None = None) -> Response:
    actor = await who(request)
    if not actor.admin:
        raise Refused(403, "alleen een beheerder kan het auditlog lezen")
    found = await in_db(
        request, lambda s, _p: audit.entries(s, limit=AUDIT_PAGE, before=voor), write=False
    )
    return render(
        request, "audit.html", regels=found.rows, meer=found.more, eerste=voor is None,
        acties=audit.ACTIONS,
    )  # fmt: skip


@router.get("/account")
async def account(request: Request) -> Response:
    actor = await who(request)

    def work(session: DbSession, _place: Werkplek) -> list[Any]:
        user = session.get(User, actor.id)
        assert user is not None
        return accounts.tokens_of(session, user)

    return render(request, "account.html", tokens=await in_db(request, work, write=False))
