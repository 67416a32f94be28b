"""What the API's routes share: the database in a worker thread, a rapport as the caller may see
it, a stored content as a download."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import access, db
from jaarverslag.web.access import Access, Actor
from jaarverslag.web.auth import werkplek
from jaarverslag.web.context import Werkplek

T = TypeVar("T")

#: Served as themselves (the others as application/octet-stream); every download is an
#: attachment that runs nothing in the werkplek's own pages.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".yaml": "text/yaml; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".zip": "application/zip",
}


async def in_db(request: Request, work: Callable[[DbSession, Werkplek], T], *, write: bool) -> T:
    """``work(session, werkplek)`` in a transaction, where :meth:`Werkplek.in_database` runs
    it (on SQLite the event loop, on a database server a worker thread); one that writes is on
    the disk when this returns (:meth:`Werkplek.durable`): what a request answers as done stays
    done, also after a power cut."""
    place = werkplek(request)

    def run() -> T:
        with (db.writing if write else db.reading)(place.engine) as session:
            return work(session, place)

    result = await place.in_database(run)
    if write:
        await place.durable()
    return result


def visible(session: DbSession, actor: Actor, name: str, *, write: bool = False) -> Access:
    return access.rapport(session, actor, name, write=write)


def media_type(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return MEDIA_TYPES.get(suffix, "application/octet-stream")


def disposition(filename: str) -> str:
    """``attachment`` with the name in both forms browsers read (ASCII fallback, UTF-8)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


#: A stored content up to this size is read whole in the request's database thread and sent
#: from memory: a file sent as a stream costs a worker-thread call for each of its steps (look
#: up, open, read, close) — for a text of a few kB far more than the text itself.
SMALL_DOWNLOAD = 256 * 1024


def small_content(place: Werkplek, digest: str, size: int | None) -> bytes | None:
    """The stored content ``digest`` when it is small (:data:`SMALL_DOWNLOAD`), else None.
    Called in a worker thread (it reads the disk)."""
    if size is None or size > SMALL_DOWNLOAD:
        return None
    return place.store.path(digest).read_bytes()


def download(
    place: Werkplek,
    digest: str,
    filename: str,
    headers: dict[str, str] | None = None,
    *,
    content: bytes | None = None,
) -> Response:
    """A stored content as a download named ``filename`` (its last path part); sent from
    ``content`` when it was read already (:func:`small_content`), else from the store's file."""
    name = filename.rsplit("/", 1)[-1]
    extra = {
        "Content-Disposition": disposition(name),
        "ETag": f'"{digest}"',
        "Content-Security-Policy": "default-src 'none'; sandbox",
        **(headers or {}),
    }
    if content is not None:
        return Response(content, media_type=media_type(name), headers=extra)
    return FileResponse(place.store.path(digest), media_type=media_type(name), headers=extra)


def json_body_object(value: Any) -> dict[str, Any]:
    """A JSON body that must be an object."""
    from jaarverslag.web.errors import Refused

    if not isinstance(value, dict):
        raise Refused(400, "de inhoud van het verzoek moet een JSON-object zijn")
    return value
