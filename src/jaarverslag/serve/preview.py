"""The live preview's builder: a rapport folder → its HTML page, again after every change.

It keeps the last good state — the inputs, the analysis, the HTML and a content hash of every
file of the folder at the time they were read — and on a change recomputes only what the
change touches:

- only Markdown texts differ from the last good state: the texts are read again and the
  sections planned and rendered anew; the data, ``rapport.yaml`` and every computed table
  (the block results, the privacy audit included) are reused as they are;
- anything else (a data file, ``rapport.yaml``, a template, a workbook): the inputs are read
  again, and every block whose data files and configuration have the same content as before
  keeps its result — a changed ``kosten.csv`` recomputes the kosten, not the ladder;
- charts are drawn once per content anyway (:mod:`jaarverslag.render.charts`).

A reeks (one document per gemeente) has its overview at ``/`` and each gemeente's page at
``/<slug>/<slug>.html``: the national file is checked on every change, a gemeente is analysed
and rendered when its page is asked for (and kept until the next change), so its problems show
on its own page — ``check`` analyses all of them, which takes seconds for hundreds.

PDF and DOCX are never made. Bad input gives the problems ``check`` reports, beside the last
good page; no exception leaves :meth:`Preview.update`.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from jaarverslag.analysis.analysed import Analysis
from jaarverslag.analysis.reuse import Earlier
from jaarverslag.build import stages
from jaarverslag.core import files
from jaarverslag.core.errors import InputError, Problem, unexpected
from jaarverslag.serve.page import Page
from jaarverslag.serve.watching import Fingerprints

#: What a page may load from the rapport folder, as its PDF may: images and stylesheets.
ASSETS = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
}


@dataclass(frozen=True)
class Good:
    """The last state that built: what a change can reuse."""

    analysis: Analysis
    prints: Mapping[str, str]  #: relative path → content hash, taken before reading
    html: str


@dataclass(frozen=True)
class Update:
    """One rebuild: the new page, what changed, how it was done and how long it took."""

    page: Page
    changed: tuple[str, ...]
    how: str  #: "teksten" (only texts read again), "invoer" (inputs read again) or "herstel"
    seconds: float


class Preview:
    """The page of one rapport folder, rebuilt by :meth:`update` when its files change."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.good: Good | None = None
        self.page: Page | None = None
        self._seen: dict[str, str] | None = None
        self._prints = Fingerprints(folder)
        self._lock = threading.Lock()  # the server's threads ask for a gemeente's page
        self._gemeenten: dict[str, Page] = {}  #: a reeks: pages made since the last change
        self._last_good: dict[str, str] = {}  #: a reeks: each gemeente's last good page

    def update(self) -> Update | None:
        """Rebuild if any file of the folder has other content than at the last update; None
        when nothing changed (an editor that saves the same bytes, a file touched)."""
        with self._lock:
            return self._update()

    def _update(self) -> Update | None:
        start = time.perf_counter()
        prints = self.fingerprints()
        if self.page is not None and prints == self._seen:
            return None
        before = self._seen or {}
        changed = tuple(sorted(_differ(prints, before)))
        try:
            page, how = self._attempt(prints)
        except Exception:  # a file that changed while it was read: look once more
            prints = self.fingerprints()
            try:
                page, how = self._attempt(prints)
            except Exception as exc:  # a bug of ours: on the page, never a dead server
                message = unexpected(exc)
                page, how = self._failed([Problem(str(self.folder), message=message)]), "fout"
        self._seen = prints
        self.page = page
        self._gemeenten = {}
        return Update(page, changed, how, time.perf_counter() - start)

    def _attempt(self, prints: dict[str, str]) -> tuple[Page, str]:
        try:
            return self._build(prints)
        except InputError as exc:
            return self._failed(exc.problems), "invoer"

    def _failed(self, problems: list[Problem]) -> Page:
        errors = tuple(p for p in problems if p.severity == "error") or tuple(problems)
        return Page(None, errors, self.good.html if self.good is not None else None, _key())

    def _build(self, prints: dict[str, str]) -> tuple[Page, str]:
        good = self.good
        differs = [] if good is None else _differ(prints, good.prints)
        if good is not None and not differs:  # back to exactly the last good state
            return Page(good.html, good.analysis.warnings, key=_key(good)), "herstel"
        earlier = None if good is None else self._earlier(prints, good, differs)
        how = (
            "teksten"
            if earlier and earlier.texts_only and good and not good.analysis.reeks
            else "invoer"
        )
        analysis = stages.analyse(self.folder, lazy=True, earlier=earlier)
        if analysis.reeks is not None:
            overview = stages.overview(analysis, analysis.reeks.gemeenten, ("html",))
            html = stages.render_index(overview, self.folder)["index.html"].decode()
        else:
            html = stages.make(analysis, stages.Target(tables=False)).html
        self.good = Good(analysis, prints, html)
        return Page(html, analysis.warnings, key=_key(self.good)), how

    def check(self) -> tuple[Problem, ...] | None:
        """The warnings ``check`` finds in the folder as it is now, from the analysis alone —
        no page is made, and the preview's own page stays as it was — reusing the last good
        state as :meth:`update` does. None when this can't tell: no good state yet, a reeks, or
        a problem that is an error (``check`` itself says all of it)."""
        with self._lock:
            good = self.good
            if good is None or good.analysis.reeks is not None:
                return None
            prints = self.fingerprints()
            differs = _differ(prints, good.prints)
            if not differs:
                return good.analysis.warnings
            earlier = self._earlier(prints, good, differs)
            try:
                return stages.analyse(self.folder, lazy=True, earlier=earlier).warnings
            except Exception:  # an error (InputError) or a bug of ours: check says it
                return None

    def page_at(self, path: str) -> Page | None:
        """The page at another path than ``/``: of a reeks, ``/<slug>/<slug>.html`` (or
        ``/<slug>/``), made when first asked for; None for anything else."""
        parts = path.strip("/").split("/")
        if not 1 <= len(parts) <= 2 or (len(parts) == 2 and parts[1] != f"{parts[0]}.html"):
            return None
        with self._lock:
            good, page = self.good, self.page
            reeks = good.analysis.reeks if good is not None else None
            found = reeks.find(parts[0]) if reeks is not None else None
            if good is None or page is None or found is None or found.slug != parts[0]:
                return None
            if not page.ok:
                return replace(page, previous=self._last_good.get(found.slug))
            if found.slug not in self._gemeenten:
                self._gemeenten[found.slug] = self._gemeente(good, found.slug, page.key)
            return self._gemeenten[found.slug]

    def asset(self, path: str) -> tuple[bytes, str] | None:
        """An image or stylesheet of the rapport folder, by its path in the page's address
        (a template's ``<img src="logo.svg">``), within the PDF's limit; None for anything
        else — no data file, text or ``rapport.yaml`` is ever served, nothing outside."""
        relative = unquote(path).lstrip("/")
        kind = ASSETS.get(os.path.splitext(relative)[1].lower())
        if kind is None or "\x00" in relative:
            return None
        data, _ = files.read(self.folder, self.folder / relative, "afbeelding", relative)
        return None if data is None else (data, kind)

    def _gemeente(self, good: Good, slug: str, key: str) -> Page:
        reeks = good.analysis.reeks
        assert reeks is not None
        previous = self._last_good.get(slug)
        try:
            target = stages.Target(gemeente=reeks.by_slug(slug), tables=False)
            made = stages.make(good.analysis, target)
        except InputError as exc:
            return Page(None, tuple(exc.problems), previous, key)
        except Exception as exc:  # a bug of ours: on the page, never a dead server
            message = unexpected(exc)
            return Page(None, (Problem(str(self.folder), message=message),), previous, key)
        self._last_good[slug] = made.html
        return Page(made.html, made.analysis.warnings, key=key)

    def _earlier(self, prints: Mapping[str, str], good: Good, differs: list[str]) -> Earlier:
        """What a rebuild of the folder now (``prints``; ``differs`` from ``good``) may reuse."""
        texts_only = all(k.endswith(".md") for k in differs)
        return stages.Earlier(good.analysis, texts_only, self._unchanged(prints, good))

    def _unchanged(self, prints: Mapping[str, str], good: Good) -> Callable[[Path], bool]:
        """Whether a file has the same content now as when the last good state read it."""

        def unchanged(path: Path) -> bool:
            key = os.path.relpath(path, self.folder)
            return key in prints and prints[key] == good.prints.get(key)

        return unchanged

    def fingerprints(self) -> dict[str, str]:
        """What the folder's files hold now (:meth:`.watching.Fingerprints.take`)."""
        return self._prints.take()


def _differ(prints: Mapping[str, str], other: Mapping[str, str]) -> list[str]:
    """The files whose content differs (or that are in one of the two only)."""
    return [k for k in prints.keys() | other.keys() if prints.get(k) != other.get(k)]


def _key(good: Good | None = None) -> str:
    """What tells two pages of a reeks apart: its overview can stay the same while a
    gemeente's page changes, so every change of its inputs is a new version."""
    if good is None or good.analysis.reeks is None:
        return ""
    return hashlib.sha256(repr(sorted(good.prints.items())).encode()).hexdigest()
