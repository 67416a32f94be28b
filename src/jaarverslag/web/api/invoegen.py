"""``POST /api/rapporten/N/invoegen``: your own Word document back, with the rapport as the
chapter under the heading you name — ``jaarverslag insert`` by a worker.

The request is ``multipart/form-data`` with the fields ``document`` (the ``.docx``), ``kop``
(the heading) and, for a reeks, ``gemeente``. The answer is the new document
(``<naam>.bijgewerkt.docx``), or 422 with ``insert``'s messages; the uploaded document is
read by the same rules as on the command line (a regular ``.docx`` within 200 MB whose zip
doesn't unpack into more than it may) and is not kept.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session as DbSession
from starlette.datastructures import UploadFile

from jaarverslag.core import files
from jaarverslag.web import audit, versions
from jaarverslag.web.api.common import MEDIA_TYPES, disposition, in_db, visible
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek
from jaarverslag.web.errors import Refused
from jaarverslag.web.workers import JobFailed

router = APIRouter(prefix="/api/rapporten")

FIELDS = "stuur multipart/form-data met de velden document (uw .docx) en kop"


def document_name(given: str | None) -> str:
    """The uploaded file's own name (its last part, plain characters), as messages name it."""
    name = PurePosixPath((given or "").replace("\\", "/")).name
    name = re.sub(r"[^\w .()+,'&-]", "_", name).strip(" .")
    return name[:120] or "document.docx"


@router.post("/{naam}/invoegen")
async def insert(naam: str, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> tuple[int, dict[str, str]]:
        found = visible(session, who, naam, write=True)
        return found.rapport.id, versions.snapshot(session, found.rapport.id)

    _rapport_id, snapshot = await in_db(request, work, write=False)
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise Refused(411, "geef de lengte van het verzoek mee (Content-Length)")
    limit = files.LIMITS["document"]
    if int(declared) > limit + files.MB:
        raise Refused(413, f"document: {files.too_large(int(declared), 'document')}")
    try:
        form = await request.form(max_files=1, max_fields=4)
    except Exception as exc:  # Starlette's parser says what was wrong with the form
        raise Refused(400, f"{FIELDS} ({exc})") from exc
    upload, heading, gemeente = form.get("document"), form.get("kop"), form.get("gemeente")
    if not isinstance(upload, UploadFile) or not isinstance(heading, str) or not heading.strip():
        raise Refused(422, FIELDS)
    if gemeente is not None and not isinstance(gemeente, str):
        raise Refused(422, "gemeente: de naam van een gemeente van de reeks")
    name = document_name(upload.filename)
    content = await upload.read()
    await form.close()
    place = werkplek(request)
    settings = place.settings
    args = (
        settings.store, settings.work, naam, snapshot, content, name, heading.strip(),
        gemeente or None,
    )  # fmt: skip
    job = place.workers.bouw.submit(who.name, "insert", args, settings.insert_seconds, 1)
    try:
        result: dict[str, Any] = await asyncio.wrap_future(job.future)
    except JobFailed as exc:
        raise Refused(503, f"invoegen is niet gelukt: {exc}") from exc
    if not result["ok"]:
        lines = [m["tekst"] for m in result["meldingen"]]
        raise Refused(422, "\n".join(lines), meldingen=result["meldingen"])

    def log(session: DbSession, _place: Werkplek) -> None:
        audit.record(
            session, "ingevoegd", who.name, naam, who.address, document=name,
            kop=heading.strip(), samenvatting=result["samenvatting"],
        )  # fmt: skip

    await in_db(request, log, write=True)
    stem = name[:-5] if name.lower().endswith(".docx") else name
    return Response(
        result["docx"],
        media_type=MEDIA_TYPES[".docx"],
        headers={
            "Content-Disposition": disposition(f"{stem}.bijgewerkt.docx"),
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
