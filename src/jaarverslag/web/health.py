"""``GET /gezondheid``: for the monitoring of IT (Zabbix, Nagios, a load balancer's probe). No
login and nothing about users or rapporten: whether the werkplek can do its work now.

``200 {"status": "ok", …}`` when the database answers, the file store can be written and has
room, and the build workers' queue is known; otherwise ``503 {"status": "fout", …}`` with
what fails. ``database`` and ``opslag`` say each part's state; ``vrij_mb`` is the room left
on the store's file system; ``wachtrij`` the builds waiting and running.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from jaarverslag.web import db
from jaarverslag.web.auth import werkplek

router = APIRouter()

#: less room than this on the store's file system is a failure: a save may not fit
LOW_MB = 100


def _database(place: Any) -> str:
    try:
        with place.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any reason the database does not answer is the answer
        return f"fout: {db.unreachable(exc)}"
    return "ok"


def _store(place: Any) -> tuple[str, int | None]:
    root = place.store.root
    try:
        root.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(root).free // (1024 * 1024)
    except OSError as exc:
        return f"fout: {exc.strerror or exc}", None
    if not os.access(root, os.W_OK):
        return "fout: niet schrijfbaar", free
    if free < LOW_MB:
        return f"fout: nog maar {free} MB vrij", free
    return "ok", free


@router.get("/gezondheid")
async def health(request: Request) -> JSONResponse:
    place = werkplek(request)
    database, (store, free) = await place.in_thread(lambda: (_database(place), _store(place)))
    queue = place.workers.bouw.stats() if place.has_workers else None
    ok = database == "ok" and store == "ok"
    body = {
        "status": "ok" if ok else "fout",
        "database": database,
        "opslag": store,
        "vrij_mb": free,
        "wachtrij": ({"wachtend": queue["wachtend"], "bezig": queue["bezig"]} if queue else None),
    }
    return JSONResponse(body, status_code=200 if ok else 503)
