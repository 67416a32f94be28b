"""``/api/rapporten/N/bestanden`` and ``/controle``: a rapport's files, each save a version.

- ``GET …/bestanden`` → the current files; ``GET …/bestanden/<pad>`` → one, with its ETag
- ``PUT …/bestanden/<pad>`` (the body is the file; ``If-Match`` / ``If-None-Match: *``) → 201
  new, 200 changed or the same; 412 when stale (the content is kept as a version all the same);
  413 too large; 422 a name a rapport can't hold, or a file the readers would refuse to open.
  The answer comes as soon as the save is stored: ``"staat"`` (the rapport's state after it)
  and ``"controle"``, ``check``'s verdict on the rapport after the save when that is known
  already (the preview of this very text said it), else ``"bezig"``: the verdict follows on
  the event stream (``…/gebeurtenissen``) and from ``GET …/controle``.
- ``DELETE …/bestanden/<pad>`` → a deletion, as a version; 404 when there is no such file
- ``GET …/controle`` → ``check``'s messages of the rapport as it is now (waits for a check
  under way; one check for everyone who asks)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import audit, names, versions
from jaarverslag.web.access import Actor
from jaarverslag.web.api.common import download, in_db, small_content, visible
from jaarverslag.web.auth import Caller, werkplek
from jaarverslag.web.context import Werkplek, verdict
from jaarverslag.web.errors import Refused
from jaarverslag.web.models import Version
from jaarverslag.web.uploads import gate, receive

router = APIRouter(prefix="/api/rapporten")

NO_FILE = "dit rapport heeft geen bestand {pad}"


def file_json(version: Version, who: Actor | None = None) -> dict[str, Any]:
    """A version as the API shows it; ``who``: the one who asks, whose name a version of their
    own (one just saved) takes from them, not from another query."""
    return {
        "pad": version.path,
        "grootte": version.size,
        "sha256": version.digest,
        "etag": versions.etag(version),
        "versie": version.id,
        "door": who.name if who is not None and version.user_id == who.id else version.user.name,
        "tijdstip": version.at.isoformat(),
    }


def path_or_404(pad: str) -> names.FileName:
    try:
        return names.file_name(pad)
    except names.NameRefused as exc:
        raise Refused(404, NO_FILE.format(pad=names.shown(pad))) from exc


@router.get("/{naam}/bestanden")
async def list_files(naam: str, request: Request, who: Caller) -> Any:
    def work(session: DbSession, _place: Werkplek) -> dict[str, Any]:
        found = visible(session, who, naam)
        now = versions.current(session, found.rapport.id)
        return {
            "bestanden": [file_json(v) for v in now.values()],
            "staat": versions.state(session, found.rapport.id),
        }

    return await in_db(request, work, write=False)


@router.get("/{naam}/bestanden/{pad:path}")
async def get_file(naam: str, pad: str, request: Request, who: Caller) -> Any:
    name = path_or_404(pad)
    known = request.headers.get("if-none-match", "")

    def work(session: DbSession, place: Werkplek) -> tuple[Version, bytes | None]:
        found = visible(session, who, naam)
        version = versions.latest(session, found.rapport.id, name.path)
        if version is None or version.digest is None:
            raise Refused(404, NO_FILE.format(pad=names.shown(pad)))
        if unchanged(version, known):
            return version, None  # answered 304 below
        return version, small_content(place, version.digest, version.size)

    version, content = await in_db(request, work, write=False)
    assert version.digest is not None
    if unchanged(version, known):
        return Response(status_code=304, headers={"ETag": str(versions.etag(version))})
    return download(werkplek(request), version.digest, version.path, content=content)


def unchanged(version: Version, known: str) -> bool:
    """Whether the client has this version already (its ETag is in ``If-None-Match``)."""
    tag = versions.etag(version)
    return tag is not None and tag in known


def check_after(place: Werkplek, who: Actor, naam: str, after: versions.Snapshot) -> Any:
    """After a save: ``check``'s verdict on the rapport as the save left it (``after``) if it
    is known already (``{"ok", "meldingen", "staat"}``), else ``"bezig"`` — the check is
    started, and its verdict follows on the event stream and from ``GET …/controle``."""
    rapport_id, files, state = after
    checking = place.start_check(who.name, rapport_id, naam, files, state)
    if not checking.future.done():
        return "bezig"
    result = verdict(checking)
    result.pop("mislukt", None)
    return result


def now(session: DbSession, who: Actor, naam: str) -> versions.Snapshot:
    return versions.as_now(session, visible(session, who, naam).rapport.id)


@router.get("/{naam}/controle")
async def check(naam: str, request: Request, who: Caller) -> Any:
    """The verdict on the rapport as it is now: at once when known, else when the check (one
    for everyone who asks) is done."""
    rapport_id, files, state = await in_db(request, lambda s, _p: now(s, who, naam), write=False)
    result = await werkplek(request).check(who.name, rapport_id, naam, files, state)
    if result.pop("mislukt", False):
        raise Refused(503, result["meldingen"][0]["tekst"])
    return result


@router.put("/{naam}/bestanden/{pad:path}")
async def put_file(naam: str, pad: str, request: Request, who: Caller) -> Any:
    place = werkplek(request)
    rapport_id = await in_db(
        request, lambda s, _p: visible(s, who, naam, write=True).rapport.id, write=False
    )
    try:
        name = names.file_name(pad)
    except names.NameRefused as exc:
        raise Refused(422, str(exc)) from exc
    received = await receive(request, place.settings.work / "uploads", name.kind, name.path)

    def keep() -> None:  # in a thread: the store syncs the file to disk
        try:
            gate(received, name.path, name.zipped, name.picture)
            place.store.adopt(received.path, received.digest)
        finally:  # here, not after the await: a cancelled request's keep() still runs
            received.discard()

    await place.in_thread(keep)
    if_match = request.headers.get("if-match")
    if_none_match = request.headers.get("if-none-match")

    def work(session: DbSession, _place: Werkplek) -> tuple[versions.Saved, Any, Any, Any]:
        saved = versions.save(
            session,
            rapport_id,
            name.path,
            received.digest,
            received.size,
            who.id,
            if_match=if_match,
            if_none_match=if_none_match,
        )
        action = "conflict-bewaard" if saved.outcome == "conflict" else "bestand-opgeslagen"
        if saved.outcome != "ongewijzigd":
            audit.record(
                session, action, who.name, naam, who.address, pad=name.path,
                versie=saved.version.id if saved.version else None, grootte=received.size,
            )  # fmt: skip
        kept = file_json(saved.version, who) if saved.version is not None else None
        now = file_json(saved.current, who) if saved.current is not None else None
        return saved, kept, now, versions.as_now(session, rapport_id)

    saved, kept, now, after = await in_db(request, work, write=True)
    if saved.outcome == "conflict":
        raise stale(name.path, kept, now)
    result, state = check_after(place, who, naam, after), after[2]
    status = 201 if saved.outcome == "nieuw" else 200
    headers = {"ETag": kept["etag"]} if kept else {}
    if status == 201:
        headers["Location"] = f"/api/rapporten/{naam}/bestanden/{name.path}"
    body = {"bestand": kept, "uitkomst": saved.outcome, "controle": result, "staat": state}
    return JSONResponse(body, status_code=status, headers=headers)


def stale(path: str, kept: dict[str, Any] | None, now: dict[str, Any] | None) -> Refused:
    """412: the save was based on another version than the current one."""
    if now is None:
        message = f"{path}: bestaat niet meer (of niet meer in de versie die u las)"
    else:
        message = (
            f"{path}: is intussen gewijzigd door {now['door']} (versie {now['versie']}); "
            "uw wijziging is niet de huidige versie geworden"
        )
    if kept is not None:
        message += f", maar wel bewaard als versie {kept['versie']} in de geschiedenis"
    return Refused(412, message, huidig=now, bewaard=kept)


@router.delete("/{naam}/bestanden/{pad:path}")
async def delete_file(naam: str, pad: str, request: Request, who: Caller) -> Any:
    name = path_or_404(pad)
    if_match = request.headers.get("if-match")

    def work(session: DbSession, _place: Werkplek) -> tuple[versions.Saved, Any, Any, Any]:
        found = visible(session, who, naam, write=True)
        saved = versions.delete(session, found.rapport.id, name.path, who.id, if_match=if_match)
        if saved is None:
            raise Refused(404, NO_FILE.format(pad=name.path))
        if saved.outcome == "verwijderd" and saved.version is not None:
            audit.record(
                session, "bestand-verwijderd", who.name, naam, who.address, pad=name.path,
                versie=saved.version.id,
            )  # fmt: skip
        now = file_json(saved.current) if saved.current is not None else None
        gone = versions.as_json(saved.version) if saved.version is not None else None
        return saved, now, gone, versions.as_now(session, found.rapport.id)

    saved, now, gone, after = await in_db(request, work, write=True)
    if saved.outcome == "conflict":
        raise stale(name.path, None, now)
    result = check_after(werkplek(request), who, naam, after)
    return {"verwijderd": gone, "controle": result, "staat": after[2]}
