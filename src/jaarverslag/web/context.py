"""One running werkplek: its settings, database, file store and worker processes, and what it
keeps in memory — the latest check per rapport state and each user's live preview.

Made once by :func:`jaarverslag.web.app.create_app` and reached by every request as
``request.app.state.werkplek``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from jaarverslag.web import db
from jaarverslag.web.settings import Settings
from jaarverslag.web.store import Store
from jaarverslag.web.workers import Job, Workers

CHECKS_KEPT = 256
LEFT_OVER = 24 * 3600.0  #: seconds after which a job's folder in the work folder is stale
PREVIEWS_KEPT = 64  #: previews (a rapport's page for a user) kept to answer the frame


@dataclass
class Shown:
    """A user's live preview of a rapport: the page and how often it was remade."""

    html: str
    version: int
    ok: bool
    messages: list[dict[str, Any]]


class Werkplek:
    def __init__(self, settings: Settings, workers: Workers | None = None) -> None:
        self.settings = settings
        settings.data.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = db.engine(settings.url)
        self.store = Store(settings.store)
        self._workers = workers
        self._lock = threading.Lock()
        self._checks: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.previews: OrderedDict[tuple[int, int], Shown] = OrderedDict()
        self.builds: dict[int, Job] = {}  #: builds waiting or running, by id
        #: set while stopping: a build its worker's end interrupts is resumed at the next start
        self.closing = False
        #: Authlib's OpenID Connect client, with single sign-on (:mod:`.sso`)
        self.sso: Any = None
        #: rapporten that are a reeks (:meth:`preview_key`)
        self.reeksen: set[int] = set()

    @property
    def workers(self) -> Workers:
        """The worker processes, started with the first job."""
        with self._lock:
            if self._workers is None:
                self._workers = Workers(self.settings)
            return self._workers

    @property
    def has_workers(self) -> bool:
        """Whether the worker processes were started (the health check starts none)."""
        return self._workers is not None

    def tidy(self, older: float = LEFT_OVER) -> int:
        """Remove what jobs left in the work folder (a server stopped mid-build) once it is
        ``older`` seconds old; how many were removed."""
        removed = 0
        moment = time.time()
        for kind in ("bouw", "invoegen", "uploads"):
            folder = self.settings.work / kind
            for item in folder.iterdir() if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    if moment - item.lstat().st_mtime > older:
                        if item.is_dir() and not item.is_symlink():
                            shutil.rmtree(item)
                        else:
                            item.unlink()
                        removed += 1
        return removed

    def close(self) -> None:
        self.closing = True
        with self._lock:
            if self._workers is not None:
                self._workers.close()
                self._workers = None
        self.engine.dispose()

    # -- jobs ----------------------------------------------------------------------------------

    async def check(self, user: str, rapport_id: int, name: str, files: Mapping[str, str]) -> Any:
        """``check``'s verdict on these files of a rapport (kept: the same files give the same
        messages)."""
        key = _check_key(name, files)
        with self._lock:
            if key in self._checks:
                self._checks.move_to_end(key)
                return self._checks[key]
        settings = self.settings
        args = (settings.store, settings.work, str(rapport_id), name, dict(files))
        job = self.workers.controle.submit(user, "check", args, settings.check_seconds, 0)
        result: dict[str, Any] = await asyncio.wrap_future(job.future)
        self._remember_check(key, result)
        return result

    def _remember_check(self, key: str, result: dict[str, Any]) -> None:
        with self._lock:
            self._checks[key] = result
            self._checks.move_to_end(key)
            while len(self._checks) > CHECKS_KEPT:
                self._checks.popitem(last=False)

    async def preview(
        self,
        user_id: int,
        user: str,
        rapport_id: int,
        name: str,
        files: Mapping[str, str],
        drafts: Mapping[str, bytes],
    ) -> Shown:
        settings = self.settings
        key = self.preview_key(rapport_id, user_id)
        args = (settings.store, settings.work, key, name, dict(files), dict(drafts))
        job = self.workers.controle.submit(
            user, "preview", (*args, settings.previews), settings.check_seconds, 0
        )
        result = await asyncio.wrap_future(job.future)
        if result["reeks"]:
            self.reeksen.add(rapport_id)
        if result["ok"] and not result["reeks"]:  # what check says of these files once saved
            saved = {**files, **{p: hashlib.sha256(d).hexdigest() for p, d in drafts.items()}}
            self._remember_check(
                _check_key(name, saved), {"ok": True, "meldingen": result["meldingen"]}
            )
        with self._lock:
            earlier = self.previews.get((rapport_id, user_id))
            shown = Shown(
                result["html"],
                (earlier.version + 1) if earlier else 1,
                result["ok"],
                result["meldingen"],
            )
            self.previews[(rapport_id, user_id)] = shown
            self.previews.move_to_end((rapport_id, user_id))
            while len(self.previews) > PREVIEWS_KEPT:
                self.previews.popitem(last=False)
        return shown

    def preview_key(self, rapport_id: int, user_id: int) -> str:
        """Whose preview a worker keeps: the rapport's, shared by its writers (each job writes
        one writer's drafts, a change of texts only); a reeks's per writer, since its
        gemeenten's pages are made later from the writer's own state."""
        return f"{rapport_id}-{user_id}" if rapport_id in self.reeksen else str(rapport_id)

    async def preview_page(self, user_id: int, user: str, rapport_id: int, path: str) -> Any:
        key = self.preview_key(rapport_id, user_id)
        job = self.workers.controle.submit(
            user, "preview_page", (key, path), self.settings.check_seconds, 0
        )
        return await asyncio.wrap_future(job.future)


def _check_key(name: str, files: Mapping[str, str]) -> str:
    """The files of a rapport at one moment, as the key of their check's verdict."""
    return hashlib.sha256(json.dumps([name, sorted(files.items())]).encode()).hexdigest()
