"""``jaarverslag web backup DIR ZIP`` and ``restore ZIP DIR``: a whole werkplek in one zip, made
while the server runs, and a new werkplek made from it.

The zip holds the database as data, not as a database file — every row of every lasting table
(users, tokens, rapporten, members, versions and which is current, builds, the audit log; not
the sessions and login attempts), one JSON line each, read in one transaction so they belong to
one moment — and every content those rows name, from the file store, under its hash. The store's
files never change once written and a content is stored before the row that names it is
committed, so whatever the server does meanwhile, the backup is whole. Because it is data, a
backup of a SQLite werkplek can be restored into PostgreSQL and back (``--database``).

``restore`` makes a new werkplek in an empty folder: the schema by the migrations (to the
backup's revision, then the newest), the rows, and every content checked against its hash. It
never writes over an existing werkplek.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, inspect, select, text

from jaarverslag.web import audit, db
from jaarverslag.web.admin import say
from jaarverslag.web.models import Base, UTCDateTime, now
from jaarverslag.web.settings import Settings
from jaarverslag.web.store import Store

KIND = "jaarverslag-werkplek-backup"
FORMAT = 1
#: The tables a backup holds, in an order that inserts each row after what it refers to.
TABLES = (
    "users",
    "identities",
    "tokens",
    "rapporten",
    "members",
    "versions",
    "heads",
    "builds",
    "audit",
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def backup(settings: Settings, target: Path) -> int:
    if not settings.data.is_dir() and settings.database is None:
        say(f"{settings.data}: is geen werkplek (de map bestaat niet)")
        return 1
    made = db.engine(settings.url)
    store = Store(settings.store)
    target = Path(target)
    try:
        current, _newest = db.revisions(made)
        if current is None:
            say(f"{settings.data}: heeft geen database van een werkplek")
            return 1
        rows: dict[str, list[dict[str, Any]]] = {}
        with db.reading(made) as session:  # one transaction: one moment
            present = _columns(session.connection())
            for name in TABLES:
                if name not in present:  # a table of a later revision than the database's
                    continue
                table = Base.metadata.tables[name]
                chosen = [c for c in table.columns if c.name in present[name]]
                query = select(*chosen).order_by(*table.primary_key.columns)
                rows[name] = [
                    {k: _plain(v) for k, v in row._mapping.items()}
                    for row in session.execute(query)
                ]
        digests = sorted(
            {r["digest"] for r in rows["versions"] if r["digest"]}
            | {f["sha256"] for b in rows["builds"] for f in b["files"]}
        )
        manifest = {
            "soort": KIND,
            "formaat": FORMAT,
            "revisie": current,
            "gemaakt": now().isoformat(),
            "tabellen": {name: len(found) for name, found in rows.items()},
            "inhoud": len(digests),
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(handle)
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                archive.writestr("manifest.json", json.dumps(manifest, indent=2))
                for name, found in rows.items():
                    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
                    archive.writestr(f"tabellen/{name}.jsonl", lines)
                for digest in digests:
                    archive.write(store.path(digest), f"inhoud/{digest[:2]}/{digest}")
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        with db.writing(made) as session:
            audit.record(session, "backup", None, None, "opdrachtregel", bestand=str(target))
    finally:
        made.dispose()
    counts = ", ".join(f"{len(found)} {name}" for name, found in rows.items())
    say(f"{target}: backup van {settings.data} ({counts}; {len(digests)} bestanden)")
    return 0


def restore(settings: Settings, source: Path) -> int:
    data = settings.data
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        say(f"{data}: bestaat al en is niet leeg; zet een backup terug in een nieuwe, lege map")
        return 1
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        say(f"{source}: is geen backup van een werkplek ({exc})")
        return 1
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
            assert manifest.get("soort") == KIND and manifest.get("formaat") == FORMAT
        except (KeyError, ValueError, AssertionError):
            say(f"{source}: is geen backup van een werkplek (geen geldig manifest.json)")
            return 1
        data.mkdir(parents=True, exist_ok=True)
        store = Store(settings.store)
        for info in archive.infolist():
            if info.filename.startswith("inhoud/") and not info.is_dir():
                content = archive.read(info)
                digest = info.filename.rsplit("/", 1)[-1]
                if hashlib.sha256(content).hexdigest() != digest:
                    say(
                        f"{source}: {info.filename} is beschadigd (de inhoud past niet bij de hash)"
                    )
                    return 1
                store.put(content)
        made = db.engine(settings.url)
        try:
            db.migrate(made, manifest["revisie"])
            with db.writing(made) as session:
                for name in TABLES:
                    table = Base.metadata.tables[name]
                    if f"tabellen/{name}.jsonl" not in archive.namelist():
                        continue  # a backup of a revision without this table
                    lines = archive.read(f"tabellen/{name}.jsonl").decode().splitlines()
                    found = [_typed(table, json.loads(line)) for line in lines if line]
                    if found:
                        session.execute(insert(table), found)
                    if made.dialect.name == "postgresql" and found and "id" in table.columns:
                        sequence = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), :n)"
                        session.execute(text(sequence), {"n": max(r["id"] for r in found)})
            db.migrate(made)
            with db.writing(made) as session:
                audit.record(session, "restore", None, None, "opdrachtregel", bestand=str(source))
        finally:
            made.dispose()
    say(f"{data}: werkplek teruggezet uit {source} (gemaakt {manifest['gemaakt']})")
    return 0


def _columns(connection: Any) -> dict[str, set[str]]:
    """The columns each table of the database has now (a backup reads only those: a database
    of an earlier revision lacks a later one's)."""
    found = inspect(connection)
    return {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    for column in table.columns:
        if isinstance(column.type, UTCDateTime) and isinstance(row.get(column.name), str):
            row[column.name] = datetime.fromisoformat(row[column.name])
    return row
