"""What a worker process does: the command line's own functions over a materialised rapport.

Each job gets the rapport's files of one moment (path → content hash) and writes them into a
folder named after the rapport under the werkplek's work folder (:meth:`Store.materialise`);
then it runs what the command line runs — :func:`jaarverslag.build.pipeline.check`,
:func:`jaarverslag.build.pipeline.build`, :func:`jaarverslag.commands.insert.insert_chapter`,
:class:`jaarverslag.serve.preview.Preview` — so the same contained, bounded readers read an
upload as they read a folder on disk, and the files made are the files ``jaarverslag build``
makes. Messages name the files as the rapport holds them (``teksten/x.md:3: …``), not the work
folder.

The process itself is bounded (:mod:`.workers`: an address-space limit, a time limit per job).
The preview keeps its :class:`Preview` objects (one per rapport and user, the last few) between
jobs, so a change to a text reuses every computed table, as ``serve`` does.
"""

from __future__ import annotations

import os

# Before numpy is imported (the forkserver preloads this module): one thread for its maths, and
# few malloc arenas, so the address-space limit measures the work and not idle reservations.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("MALLOC_ARENA_MAX", "2")

import shutil  # noqa: E402
import tempfile  # noqa: E402
from collections import OrderedDict  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from jaarverslag.core.errors import InputError  # noqa: E402
from jaarverslag.core.kinds import Format  # noqa: E402
from jaarverslag.web.problems import problem_json, relative  # noqa: E402
from jaarverslag.web.store import Store  # noqa: E402


def _private(work: Path, kind: str) -> Path:
    (work / kind).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="job-", dir=work / kind))


# -- check -------------------------------------------------------------------------------------


_REEKSEN: set[str] = set()  #: rapport keys that are a reeks: checked from scratch


def check(store: Path, work: Path, key: str, name: str, files: Mapping[str, str]) -> dict[str, Any]:
    """``jaarverslag check`` of the rapport: ``{"ok": …, "meldingen": […]}``. The folder of
    ``key`` (a rapport) is kept between checks, so an unchanged data file is not copied again.

    A rapport that checks clean is checked incrementally by its kept preview (:func:`_engine`:
    the same :func:`~jaarverslag.build.stages.analyse`, reusing what an unchanged file gave,
    and no page made: :meth:`Preview.check`);
    one with errors, and a reeks (whose gemeenten the preview analyses only when shown), by
    the command line's own check from scratch, so the messages are all of ``check``'s."""
    from jaarverslag.build.pipeline import check as check_folders

    if key not in _REEKSEN:
        engine = _engine(store, work, key, name, files, {}, update=False)
        found = engine.check()  # the analysis alone: a check needs no page
        if found is None:
            engine.update()
            page, good = engine.page, engine.good
            if good is not None and good.analysis.reeks is not None:
                _REEKSEN.add(key)
            elif page is not None and page.ok:
                found = page.problems
        if found is not None:
            problems = relative(list(found), engine.folder, name)
            return {"ok": True, "meldingen": [problem_json(p) for p in problems]}
    folder = work / "controle" / key / name
    Store(store).materialise(files, folder)
    outcome = check_folders([folder])[0]
    problems = relative(outcome.problems, folder, name)
    return {"ok": outcome.ok, "meldingen": [problem_json(p) for p in problems]}


# -- build -------------------------------------------------------------------------------------


def build(
    store: Path,
    work: Path,
    name: str,
    files: Mapping[str, str],
    formats: Sequence[Format] | None,
    gemeenten: Sequence[str] | None,
) -> dict[str, Any]:
    """``jaarverslag build`` of the rapport into a private folder; its files go into the store.
    ``{"ok", "meldingen", "bestanden": [{pad, sha256, grootte}], "fout"}``."""
    from jaarverslag.build.options import BuildOptions
    from jaarverslag.build.outfolder import MARKER
    from jaarverslag.build.pipeline import build as build_folders

    private = _private(work, "bouw")
    try:
        folder = private / name
        kept = Store(store)
        kept.materialise(files, folder)
        options = BuildOptions(
            tuple(formats) if formats else None,
            gemeenten=tuple(gemeenten) if gemeenten else None,
            use_cache=False,
        )
        outcome = build_folders([folder], private / "uit", options)[0]
        problems = relative(outcome.problems, folder, name)
        made = []
        if outcome.ok and outcome.output is not None:
            for path in sorted(p for p in outcome.output.rglob("*") if p.is_file()):
                relative_path = path.relative_to(outcome.output).as_posix()
                if relative_path == MARKER:
                    continue
                digest, size = kept.put_file(path)
                made.append({"pad": relative_path, "sha256": digest, "grootte": size})
        return {
            "ok": outcome.ok,
            "meldingen": [problem_json(p) for p in problems]
            + [{"tekst": n} for n in outcome.notes],
            "bestanden": made,
            "fout": outcome.error,
        }
    finally:
        shutil.rmtree(private, ignore_errors=True)


# -- insert ------------------------------------------------------------------------------------


def insert(
    store: Path,
    work: Path,
    name: str,
    files: Mapping[str, str],
    document: bytes,
    document_name: str,
    heading: str,
    gemeente: str | None,
) -> dict[str, Any]:
    """``jaarverslag insert``: ``{"ok", "docx": bytes, "meldingen", "samenvatting"}``."""
    from jaarverslag.commands.insert import insert_chapter

    private = _private(work, "invoegen")
    try:
        folder = private / name
        Store(store).materialise(files, folder)
        own = private / "document"
        own.mkdir()
        path = own / document_name
        path.write_bytes(document)
        out = own / "uitvoer.docx"
        try:
            written, warnings = insert_chapter(folder, path, heading, out, gemeente)
        except InputError as exc:
            problems = relative(relative(exc.problems, own, document_name), folder, name)
            return {"ok": False, "meldingen": [problem_json(p) for p in problems]}
        summary = written.summary
        return {
            "ok": True,
            "docx": out.read_bytes(),
            "meldingen": [problem_json(p) for p in relative(warnings, folder, name)],
            "samenvatting": summary,
        }
    finally:
        shutil.rmtree(private, ignore_errors=True)


# -- the live preview --------------------------------------------------------------------------

#: key → its :class:`Preview` (a rapport's, shared by its writers; of a reeks: per writer)
_PREVIEWS: OrderedDict[str, Any] = OrderedDict()
_KEEP = 128  #: how many are kept (the preview's ``keep``, :attr:`Settings.previews`)


def _engine(
    store: Path,
    work: Path,
    key: str,
    name: str,
    files: Mapping[str, str],
    drafts: Mapping[str, bytes],
    update: bool = True,
) -> Any:
    """The kept :class:`Preview` of ``key``, its folder made to hold ``files`` with ``drafts``
    in place of the stored contents, and (``update``) updated: a change of texts only (one
    writer's draft after another's, a check after a preview) reuses the data and every
    computed table."""
    from jaarverslag.serve.preview import Preview

    folder = work / "voorbeeld" / key / name
    Store(store).materialise({p: d for p, d in files.items() if p not in drafts}, folder)
    for path, content in drafts.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != content:
            temporary = target.with_name(f".{target.name}.nieuw")
            temporary.write_bytes(content)
            os.replace(temporary, target)
    engine = _PREVIEWS.pop(key, None)
    if engine is None:
        engine = Preview(folder)
    _PREVIEWS[key] = engine
    while len(_PREVIEWS) > _KEEP:
        gone, _engine = _PREVIEWS.popitem(last=False)
        shutil.rmtree(work / "voorbeeld" / gone, ignore_errors=True)
    if update:
        engine.update()
    return engine


def preview(
    store: Path,
    work: Path,
    key: str,
    name: str,
    files: Mapping[str, str],
    drafts: Mapping[str, bytes],
    keep: int,
) -> dict[str, Any]:
    """The rapport's page as ``serve`` shows it, with ``drafts`` (path → unsaved content) in
    place of the stored files: ``{"html": the page to show, "ok", "meldingen"}``."""
    from jaarverslag.serve.page import failed

    global _KEEP
    _KEEP = keep
    engine = _engine(store, work, key, name, files, drafts)
    folder = engine.folder
    page = engine.page
    assert page is not None
    html = page.document if page.document is not None else failed(page)
    problems = relative(page.problems, folder, name)
    reeks = engine.good is not None and engine.good.analysis.reeks is not None
    return {
        "html": html,
        "ok": page.ok,
        "meldingen": [problem_json(p) for p in problems],
        "reeks": reeks,  # its check analyses every gemeente, the preview only those shown
    }


def preview_page(key: str, path: str) -> str | None:
    """Another page of the preview of ``key`` (a gemeente's of a reeks), None if none."""
    from jaarverslag.serve.page import failed

    engine = _PREVIEWS.get(key)
    if engine is None:
        return None
    page = engine.page_at(path)
    if page is None:
        return None
    return page.document if page.document is not None else failed(page)


#: The jobs a worker runs, by name (what the server sends over the pipe).
JOBS: dict[str, Callable[..., object]] = {
    "check": check,
    "build": build,
    "insert": insert,
    "preview": preview,
    "preview_page": preview_page,
}
