"""Nothing is lost: every upload, saved text, deletion and restore of a rapport's file is a new
version, and the current files of a rapport are the newest version of each path (kept as a
:class:`~jaarverslag.web.models.Head` per path, moved on here with every version that becomes
current: asking for them costs the same after ten saves as after ten thousand).

A version records its content's SHA-256 in the :class:`~jaarverslag.web.store.Store` (None for a
deletion), who made it and when. A save may say which content it was based on (HTTP
``If-Match`` with the ETag the client read, ``If-None-Match: *`` for a file that must be new):
when the file changed meanwhile, the save is refused — and its content is kept all the same, as
a version of kind ``conflict`` that is in the history but never current, so two colleagues who
edit one text at once lose nothing and overwrite nobody. A restore makes a new version with an
old one's content; history is never rewritten.

Writes to one rapport take turns (the rapport's row is locked for the transaction), so the
check of ``If-Match`` and the new version are one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web.db import Page, page
from jaarverslag.web.models import Head, Rapport, Version


def etag(version: Version | None) -> str | None:
    """The ETag of a file's content (a strong one: its SHA-256), None when there is none."""
    return None if version is None or version.digest is None else f'"{version.digest}"'


def _held(rapport_id: int, *columns: Any) -> Select[Any]:
    """``columns`` of the rapport's versions that are current (a deletion included): one per
    path, found through its :class:`~jaarverslag.web.models.Head`."""
    return (
        select(*columns)
        .join(Head, Head.version_id == Version.id)
        .where(Head.rapport_id == rapport_id)
    )


def current(db: DbSession, rapport_id: int) -> dict[str, Version]:
    """The current version of every file the rapport holds now, by path."""
    versions = db.scalars(_held(rapport_id, Version).order_by(Version.path))
    return {v.path: v for v in versions if v.digest is not None}


def current_ids(db: DbSession, rapport_id: int) -> set[int]:
    """The ids of the versions :func:`current` gives, without loading them."""
    return set(db.scalars(_held(rapport_id, Version.id).where(Version.digest.is_not(None))))


def snapshot(db: DbSession, rapport_id: int) -> dict[str, str]:
    """The rapport's files now: path → content hash (what a worker materialises). Asked on
    every preview and save, so as columns: no version objects, no users joined."""
    rows = db.execute(
        _held(rapport_id, Version.path, Version.digest)
        .where(Version.digest.is_not(None))
        .order_by(Version.path)
    )
    return {path: digest for path, digest in rows if digest}


def state(db: DbSession, rapport_id: int) -> int:
    """A number that grows with every change of the rapport's files (its newest version)."""
    return int(db.scalar(select(func.max(Version.id)).where(Version.rapport_id == rapport_id)) or 0)


#: A rapport as a transaction saw it: its id, its files (:func:`snapshot`) and its state.
Snapshot = tuple[int, dict[str, str], int]


def as_now(db: DbSession, rapport_id: int) -> Snapshot:
    """The rapport's files and state in this transaction (after a save: as the save left them)."""
    return rapport_id, snapshot(db, rapport_id), state(db, rapport_id)


def latest(db: DbSession, rapport_id: int, path: str) -> Version | None:
    """The newest version of ``path`` that is not a kept conflict (a deletion included)."""
    found: Version | None = db.scalar(_held(rapport_id, Version).where(Head.path == path))
    return found


def _advance(db: DbSession, version: Version, before: Version | None) -> None:
    """``version`` (flushed: it has its id) is now what its path holds; ``before`` what
    :func:`latest` said it held (None: nothing yet, not even a deletion)."""
    if before is None:
        db.execute(
            insert(Head).values(
                rapport_id=version.rapport_id, path=version.path, version_id=version.id
            )
        )
    else:
        db.execute(
            update(Head)
            .where(Head.rapport_id == version.rapport_id, Head.path == version.path)
            .values(version_id=version.id)
        )


def find(db: DbSession, rapport_id: int, version_id: int) -> Version | None:
    version = db.get(Version, version_id)
    return version if version is not None and version.rapport_id == rapport_id else None


def history(
    db: DbSession,
    rapport_id: int,
    path: str | None = None,
    *,
    limit: int = 100,
    before: int | None = None,
) -> Page[Version]:
    """At most ``limit`` versions of the rapport's files (of ``path`` only, when given), older
    than version ``before`` when given, newest first. A rapport's history grows with every save,
    so it is read a page at a time."""
    query = select(Version).where(Version.rapport_id == rapport_id)
    if path is not None:
        query = query.where(Version.path == path)
    if before is not None:
        query = query.where(Version.id < before)
    return page(db, query.order_by(Version.id.desc()), limit)


@dataclass(frozen=True)
class Saved:
    """What a save did: ``outcome`` is ``nieuw`` (a new file), ``gewijzigd``, ``ongewijzigd``
    (the same content again: no new version), or ``conflict`` (refused as stale: ``version``
    is the kept copy, ``current`` what the file holds now)."""

    outcome: str
    version: Version | None
    current: Version | None = None


def _lock(db: DbSession, rapport_id: int) -> None:
    """The rapport's row locked until the transaction ends. SQLite has no row locks: there a
    writing transaction holds the database's one write lock from its ``BEGIN IMMEDIATE``
    (:func:`~jaarverslag.web.db.writing`), so nothing is asked (a save asks it every time)."""
    if db.get_bind().dialect.name != "sqlite":
        db.execute(select(Rapport.id).where(Rapport.id == rapport_id).with_for_update())


def _matches(header: str | None, version: Version | None) -> bool:
    """Whether an ``If-Match`` header holds the current ETag (``*``: any existing file)."""
    if header is None:
        return True
    tag = etag(version)
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return tag is not None and ("*" in tags or tag in tags)


def save(
    db: DbSession,
    rapport_id: int,
    path: str,
    digest: str,
    size: int,
    user_id: int,
    *,
    if_match: str | None = None,
    if_none_match: str | None = None,
    kind: str = "opgeslagen",
) -> Saved:
    """A new version of ``path`` with the stored content ``digest`` — unless it is stale."""
    _lock(db, rapport_id)
    now = latest(db, rapport_id, path)
    exists = now is not None and now.digest is not None
    stale = not _matches(if_match, now) or (if_none_match == "*" and exists)
    fields: dict[str, Any] = {"rapport_id": rapport_id, "path": path, "user_id": user_id}
    if stale:
        kept = Version(**fields, digest=digest, size=size, kind="conflict")
        db.add(kept)
        db.flush()
        return Saved("conflict", kept, now if exists else None)
    if exists and now is not None and now.digest == digest:
        return Saved("ongewijzigd", now, now)
    version = Version(**fields, digest=digest, size=size, kind=kind)
    db.add(version)
    db.flush()
    _advance(db, version, now)
    return Saved("gewijzigd" if exists else "nieuw", version, version)


def delete(
    db: DbSession, rapport_id: int, path: str, user_id: int, *, if_match: str | None = None
) -> Saved | None:
    """A deletion of ``path`` as a new version; None when there is no such file."""
    _lock(db, rapport_id)
    now = latest(db, rapport_id, path)
    if now is None or now.digest is None:
        return None
    if not _matches(if_match, now):
        return Saved("conflict", None, now)
    version = Version(rapport_id=rapport_id, path=path, user_id=user_id, kind="verwijderd")
    db.add(version)
    db.flush()
    _advance(db, version, now)
    return Saved("verwijderd", version, None)


def restore(db: DbSession, rapport_id: int, old: Version, user_id: int) -> Version:
    """A new version of ``old.path`` with ``old``'s content (or a deletion, when ``old`` was
    one)."""
    _lock(db, rapport_id)
    before = latest(db, rapport_id, old.path)  # none when ``old`` is the path's only, a conflict
    version = Version(
        rapport_id=rapport_id,
        path=old.path,
        digest=old.digest,
        size=old.size,
        user_id=user_id,
        kind="hersteld",
        restored_from=old.id,
    )
    db.add(version)
    db.flush()
    _advance(db, version, before)
    return version


def as_json(version: Version, current_ids: set[int] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "versie": version.id,
        "pad": version.path,
        "soort": version.kind,
        "sha256": version.digest,
        "grootte": version.size,
        "door": version.user.name,
        "tijdstip": version.at.isoformat(),
    }
    if version.restored_from is not None:
        found["hersteld_van"] = version.restored_from
    if current_ids is not None:
        found["huidig"] = version.id in current_ids
    return found
