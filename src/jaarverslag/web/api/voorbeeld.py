"""The live preview and the news of a rapport.

- ``POST /api/rapporten/N/voorbeeld`` ``{"concepten": {pad: tekst}}`` → the preview of the
  rapport with these unsaved texts in place of the stored ones, made by ``serve``'s engine in the
  preview worker (a change to a text reuses every computed table): ``{"versie", "ok",
  "meldingen", "adres"}``; the page itself is at ``adres`` (``/rapporten/N/voorbeeld/``).
- ``GET /api/rapporten/N/gebeurtenissen``: server-sent events, one (``data: {"staat": n}``) each
  time the rapport's files change — by anyone — so an open page can show it; and ``data:
  {"staat": n, "controle": {"ok", "meldingen", "staat"}}`` once ``check``'s verdict on the
  rapport at state ``n`` is known (a save answers before its check is made). The state comes
  from the database; the verdict from this server process, which makes the checks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import names, versions
from jaarverslag.web.access import Actor
from jaarverslag.web.api.common import in_db, visible
from jaarverslag.web.api.rapporten import json_body
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.workers import JobFailed

router = APIRouter(prefix="/api/rapporten")

DRAFTS = ("tekst", "rapport.yaml", "sjabloon")  #: what may be previewed unsaved
HEARTBEAT = 15.0


def drafts_of(body: dict[str, Any]) -> dict[str, bytes]:
    given = body.get("concepten", {})
    if not isinstance(given, dict):
        raise Refused(422, "concepten: een object van pad naar tekst")
    drafts: dict[str, bytes] = {}
    for path, text in given.items():
        try:
            name = names.file_name(path)
        except names.NameRefused as exc:
            raise Refused(422, str(exc)) from exc
        if name.kind not in DRAFTS or not isinstance(text, str):
            raise Refused(422, f"{name.path}: alleen teksten, rapport.yaml en sjablonen")
        content = text.encode()
        if len(content) > name.limit:
            from jaarverslag.core.files import too_large

            raise Refused(413, f"{name.path}: {too_large(len(content), name.kind)}")
        drafts[name.path] = content
    return drafts


async def make_preview(
    request: Request, who: Actor, naam: str, drafts: dict[str, bytes]
) -> dict[str, Any]:
    def work(session: DbSession, _place: Werkplek) -> tuple[int, dict[str, str]]:
        found = visible(session, who, naam)
        return found.rapport.id, versions.snapshot(session, found.rapport.id)

    rapport_id, files = await in_db(request, work, write=False)
    try:
        shown = await werkplek(request).preview(who.id, who.name, rapport_id, naam, files, drafts)
    except JobFailed as exc:
        raise Refused(503, f"het voorbeeld is niet gelukt: {exc}") from exc
    return {
        "versie": shown.version,
        "ok": shown.ok,
        "meldingen": shown.messages,
        "adres": f"/rapporten/{naam}/voorbeeld/?v={shown.version}",
    }


@router.post("/{naam}/voorbeeld")
async def preview(naam: str, request: Request, who: Caller) -> Any:
    body = await json_body(request)
    return await make_preview(request, who, naam, drafts_of(body))


@router.get("/{naam}/gebeurtenissen")
async def events(naam: str, request: Request, who: Caller) -> Any:
    def look(session: DbSession, _place: Werkplek) -> tuple[int, int]:
        rid = visible(session, who, naam).rapport.id
        return rid, versions.state(session, rid)

    rapport_id, first = await in_db(request, look, write=False)
    place = werkplek(request)
    poll = place.settings.event_poll

    def verdict(state: int) -> dict[str, Any] | None:
        """The check's verdict on the rapport at ``state``, once known."""
        known = place.check_now(rapport_id)
        if known is None or known["staat"] != state:
            return None
        known.pop("mislukt", None)
        return known

    async def stream() -> AsyncIterator[str]:
        seen, told = first, None
        yield f"retry: 2000\ndata: {json.dumps({'staat': seen})}\n\n"
        quiet = 0.0
        while not await request.is_disconnected():
            await asyncio.sleep(poll)
            try:
                _rid, state = await in_db(request, look, write=False)
            except Refused:  # no longer a member: the stream ends
                return
            if state != seen:
                seen, quiet = state, 0.0
                yield f"data: {json.dumps({'staat': seen})}\n\n"
            if told != seen and (known := verdict(seen)) is not None:
                told, quiet = seen, 0.0
                yield f"data: {json.dumps({'staat': seen, 'controle': known})}\n\n"
            else:
                quiet += poll
                if quiet >= HEARTBEAT:
                    quiet = 0.0
                    yield ": \n\n"

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
