"""Builds: asked for, queued fairly, run by a worker, their files kept in the store.

A build records the rapport's files at the moment it was asked for (path → hash), so what it
makes is what the rapport held then, whatever is saved while it waits. It goes to the ``bouw``
lane (:mod:`.workers`); when a worker takes it, it is ``bezig``; when done ``klaar`` (its files,
as ``jaarverslag build`` writes them under ``OUT/N/``, each in the store) or ``mislukt`` (the
messages, or why it stopped). A build that was waiting or running when the server stopped is
queued again when it starts.
"""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import Future
from typing import Any

from sqlalchemy import select

from jaarverslag.web import audit, db
from jaarverslag.web.context import Werkplek
from jaarverslag.web.models import Build, Rapport, now
from jaarverslag.web.workers import Job


def submit(place: Werkplek, build: Build, user: str, rapport: str) -> Job:
    """Queue ``build`` (a committed row) for ``user``."""
    settings = place.settings
    build_id = build.id

    def started() -> None:
        with db.writing(place.engine) as session:
            row = session.get(Build, build_id)
            if row is not None:
                row.state, row.started = "bezig", now()

    args = (
        settings.store,
        settings.work,
        rapport,
        dict(build.inputs),
        list(build.formats) or None,
        list(build.gemeenten) if build.gemeenten else None,
    )
    job = place.workers.bouw.submit(user, "build", args, settings.build_seconds, 2, started)
    place.builds[build_id] = job
    job.future.add_done_callback(lambda future: _finished(place, build_id, user, future))
    return job


def _finished(place: Werkplek, build_id: int, user: str, future: Future[Any]) -> None:
    place.builds.pop(build_id, None)
    if future.cancelled() or place.closing:  # still waiting or running: resumed at the start
        return
    error = future.exception()
    with db.writing(place.engine) as session:
        row = session.get(Build, build_id)
        if row is None:
            return
        row.finished = now()
        if error is not None:
            row.state, row.error = "mislukt", str(error)
        else:
            result = future.result()
            row.state = "klaar" if result["ok"] else "mislukt"
            row.messages, row.files, row.error = (
                result["meldingen"],
                result["bestanden"],
                result["fout"],
            )
        rapport = session.get(Rapport, row.rapport_id)
        audit.record(
            session, "bouw-klaar", user, rapport.name if rapport else None, None,
            bouw=build_id, status=row.state,
        )  # fmt: skip


def resume(place: Werkplek) -> int:
    """Queue again every build that was waiting or running when the server stopped."""
    with db.reading(place.engine) as session:
        rows = session.scalars(
            select(Build).where(Build.state.in_(("wachtrij", "bezig"))).order_by(Build.id)
        ).all()
        todo = [(row, row.user.name, session.get(Rapport, row.rapport_id)) for row in rows]
    for row, user, rapport in todo:
        if rapport is not None:
            submit(place, row, user, rapport.name)
    return len(todo)


def as_json(place: Werkplek, build: Build, rapport: str) -> dict[str, Any]:
    job = place.builds.get(build.id)
    position = place.workers.bouw.queue.position(job) if job is not None else None
    found: dict[str, Any] = {
        "id": build.id,
        "status": build.state,
        "formaten": build.formats,
        "door": build.user.name,
        "aangemaakt": build.created.isoformat(),
        "begonnen": build.started.isoformat() if build.started else None,
        "klaar": build.finished.isoformat() if build.finished else None,
        "meldingen": build.messages,
        "bestanden": [
            {**f, "adres": f"/api/rapporten/{rapport}/builds/{build.id}/{f['pad']}"}
            for f in build.files
        ],
        "mappen_als_zip": [
            f"/api/rapporten/{rapport}/builds/{build.id}/{folder}.zip" for folder in folders(build)
        ],
        "fout": build.error,
    }
    if build.gemeenten:
        found["gemeenten"] = build.gemeenten
    if position is not None:
        found["wachtrij_voor_u"] = position
    if build.state in ("wachtrij", "bezig"):
        found["opnieuw_over"] = place.workers.bouw.ask_again_after(position)
    return found


def folders(build: Build) -> list[str]:
    """The folders of a build's files (``tabellen``, a gemeente's of a reeks…)."""
    return sorted({f["pad"].rsplit("/", 1)[0] for f in build.files if "/" in f["pad"]})


def zipped(place: Werkplek, build: Build, folder: str) -> bytes | None:
    """The files under ``folder`` of the build as a zip (the same bytes every time), or None
    when it has none."""
    chosen = [f for f in build.files if f["pad"].startswith(folder + "/")]
    if not chosen:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(chosen, key=lambda f: f["pad"]):
            info = zipfile.ZipInfo(item["pad"], date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, place.store.get(item["sha256"]))
    return buffer.getvalue()
