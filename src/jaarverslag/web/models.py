"""The werkplek's database: users and their ways in, rapporten and their members, every version
of every file, the builds, and the audit log — as SQLAlchemy 2 models.

The schema itself is made and changed only by the Alembic migrations in ``migrations/``
(``jaarverslag web migreer``; the server migrates on start), never by ``create_all``, so a
database made by any version of the werkplek can be brought up to date. Times are UTC.

- :class:`User`: a local account (an Argon2 hash of its password) or one that signs in
  elsewhere (single sign-on: an :class:`Identity`) and has no password here; ``admin``: a
  beheerder, who sees every rapport and reads the audit log.
- :class:`Identity`: a user as an OpenID Connect provider knows them — its issuer and the stable
  subject id (``sub``) of its ID tokens (migration 0002).
- :class:`Token`: an API token for scripts (only its SHA-256 is kept; revoked, not deleted).
- :class:`Session`: a browser's login (only the SHA-256 of its cookie is kept), with its CSRF
  token; it ends when idle or old (:mod:`.accounts`).
- :class:`LoginAttempt`: failed logins, counted to slow down guessing.
- :class:`Rapport` and :class:`Member`: a rapport exists for its members (``schrijver`` or
  ``lezer``) and the beheerders only.
- :class:`Version`: one version of one file of a rapport — its content's SHA-256 in the store
  (None: deleted), who and when, and how (:data:`VERSION_KINDS`). A file's current content is
  its newest version that is not a kept conflict — :class:`Head` says which, per path
  (migration 0003).
- :class:`Build`: a build asked for, the files it read (path → hash) and made, its messages.
- :class:`AuditEntry`: append-only (the database refuses to change or delete a row).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("schrijver", "lezer")
#: How a version came to be: a new rapport's starter file, an upload or saved text, a
#: deletion, a restore of an older version, or a save refused as stale (kept, never current).
VERSION_KINDS = ("aangemaakt", "opgeslagen", "verwijderd", "hersteld", "conflict")
BUILD_STATES = ("wachtrij", "bezig", "klaar", "mislukt")


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, stored as UTC without a zone (SQLite has none) and read back with UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a moment without a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password: Mapped[str | None] = mapped_column(String(255))
    admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created: Mapped[datetime] = mapped_column(default=now)
    #: from the provider's token at the last single sign-on (the name people know them by)
    display_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    last_login: Mapped[datetime | None] = mapped_column()


class Identity(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_identities_issuer_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created: Mapped[datetime] = mapped_column(default=now)
    last_login: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    start: Mapped[str] = mapped_column(String(16))  #: its first characters, to recognise it
    created: Mapped[datetime] = mapped_column(default=now)
    revoked: Mapped[datetime | None] = mapped_column(default=None)
    last_used: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  #: SHA-256 of the cookie
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16), default="wachtwoord")
    created: Mapped[datetime] = mapped_column(default=now)
    seen: Mapped[datetime] = mapped_column(default=now)

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_name_at", "name", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=now)


class Rapport(Base):
    __tablename__ = "rapporten"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime] = mapped_column(default=now)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class Member(Base):
    __tablename__ = "members"

    rapport_id: Mapped[int] = mapped_column(ForeignKey("rapporten.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16))

    user: Mapped[User] = relationship(lazy="joined")


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        Index("ix_versions_rapport_path", "rapport_id", "path", "id"),
        Index("ix_versions_rapport_id", "rapport_id", "id"),  # a rapport's newest (migration 0003)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rapport_id: Mapped[int] = mapped_column(ForeignKey("rapporten.id"))
    path: Mapped[str] = mapped_column(String(255))
    digest: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=now)
    kind: Mapped[str] = mapped_column(String(16))
    restored_from: Mapped[int | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


class Head(Base):
    """Which version of a path a rapport holds now (a deletion included; never a kept
    conflict): moved on with every version that becomes current (:mod:`.versions`), so the
    rapport's files now are a row per path — asked on every save and preview — not a search
    through its whole history, which grows with every save (migration 0003)."""

    __tablename__ = "heads"

    rapport_id: Mapped[int] = mapped_column(ForeignKey("rapporten.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(255), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))


class Build(Base):
    __tablename__ = "builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    rapport_id: Mapped[int] = mapped_column(ForeignKey("rapporten.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    formats: Mapped[list[Any]] = mapped_column(default=list)
    gemeenten: Mapped[list[Any] | None] = mapped_column(default=None)
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)  #: path → hash
    state: Mapped[str] = mapped_column(String(16), default="wachtrij")
    created: Mapped[datetime] = mapped_column(default=now)
    started: Mapped[datetime | None] = mapped_column(default=None)
    finished: Mapped[datetime | None] = mapped_column(default=None)
    messages: Mapped[list[Any]] = mapped_column(default=list)
    files: Mapped[list[Any]] = mapped_column(default=list)  #: {pad, sha256, grootte}
    error: Mapped[str | None] = mapped_column(Text, default=None)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEntry(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    user: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    rapport: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    address: Mapped[str | None] = mapped_column(String(64))
