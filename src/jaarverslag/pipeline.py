"""The build: rapport folders in, files out — validated first, written atomically, cached.

For each rapport: look up the content hash of its inputs (cache.py) and reuse the output when
nothing changed; otherwise load and check everything (nothing is written on bad input), compute
the document, render the one HTML, turn it into the chosen formats, write the open-data tables,
then swap the finished folder into place so a failed build leaves the old output intact.

A build is three steps so a batch can spread them over processes: :func:`prepare` (load, main
document, the plan of per-partner variants), :func:`render_variants` (any slice of that plan)
and :func:`finish` (atomic write, cache record). Heavy libraries are imported inside the steps
that need them, so a no-op rebuild never loads pandas or WeasyPrint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, output
from .errors import InputError, Problem

if TYPE_CHECKING:
    from .load import Rapport
    from .model import Document

LOGGER = logging.getLogger("jaarverslag")
PROGRESS = logging.getLogger("jaarverslag.progress")

PdfRenderer = Callable[[str, Path | None, bool], bytes]  # html, rapport folder, PDF/A too
_pdf_renderer: PdfRenderer | None = None
_loaded: dict[tuple[Path, str], Rapport] = {}


def set_pdf_renderer(renderer: PdfRenderer | None) -> None:
    """Route PDF rendering elsewhere (batch.py: a process that imported WeasyPrint early)."""
    global _pdf_renderer
    _pdf_renderer = renderer


@dataclass
class Outcome:
    """What happened to one rapport."""

    folder: Path
    output: Path | None = None
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    reused: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def messages(self) -> list[str]:
        """Every problem or warning line to print for this rapport."""
        return [str(p) for p in self.problems] + self.notes


@dataclass
class Prepared:
    """A loaded, checked rapport with its main files rendered and its variants planned."""

    folder: Path
    name: str
    formats: tuple[str, ...]
    files: dict[str, bytes]
    variants: list[tuple[str, str]]
    warnings: list[Problem]


def rapport_folders(paths: Sequence[Path] | None, default_root: Path = Path("data")) -> list[Path]:
    """The given folders, or every rapport folder under ``./data``."""
    if paths:
        return [Path(p) for p in paths]
    if not default_root.is_dir():
        return []
    return sorted(p for p in default_root.iterdir() if p.is_dir() and not p.name.startswith("."))


def check(folders: Iterable[Path]) -> list[Outcome]:
    """Validate inputs and consistency; render nothing."""
    from .load import load_rapport

    outcomes = []
    for folder in folders:
        try:
            rapport = load_rapport(folder)
            outcomes.append(Outcome(folder, problems=list(rapport.warnings)))
        except InputError as exc:
            outcomes.append(Outcome(folder, problems=exc.problems, error="invoerfouten"))
    return outcomes


def build(
    folders: Iterable[Path],
    out_dir: Path = Path("build"),
    formats: Sequence[str] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    per_partij: bool | None = None,
) -> list[Outcome]:
    """Build each rapport into ``out_dir/<name>/``; one failure doesn't stop the others."""
    folders = [Path(f) for f in folders]
    refused = output.target_problems(folders, Path(out_dir))
    outcomes = []
    for index, folder in enumerate(folders):
        if index in refused:
            outcome = refusal(folder, refused[index])
        else:
            outcome = build_one(folder, Path(out_dir), formats, per_partij)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes


def refusal(folder: Path, problems: list[Problem]) -> Outcome:
    """The outcome of a rapport whose output folder may not be written."""
    return Outcome(folder, problems=problems, error="uitvoermap geweigerd")


def reuse(folder: Path, out_dir: Path, key: str) -> Outcome | None:
    """The earlier output of exactly these inputs and settings, if it is still intact."""
    hit = cache.lookup(out_dir, folder, key)
    if hit is None:
        return None
    files, warnings = hit
    return Outcome(folder, out_dir / folder.resolve().name, files, reused=True, notes=warnings)


def build_one(
    folder: Path,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    per_partij: bool | None = None,
    *,
    use_cache: bool = True,
    on_document: Callable[[], None] | None = None,
) -> Outcome:
    """Build one rapport in this process (or reuse its unchanged output)."""
    folder, out_dir = Path(folder), Path(out_dir)
    refused = output.target_problems([folder], out_dir)
    if refused:
        return refusal(folder, refused[0])
    key = cache.build_key(folder, formats, per_partij) if use_cache else None
    if key is not None and (hit := reuse(folder, out_dir, key)):
        return hit
    try:
        prepared, rapport = _prepare(folder, formats, per_partij, None)
        files = prepared.files | _variant_files(
            rapport, prepared.formats, prepared.variants, on_document
        )
    except InputError as exc:
        return Outcome(folder, problems=exc.problems, error="invoerfouten")
    try:
        return finish(prepared, files, out_dir, key)
    except output.OutputRefused as exc:
        return refusal(folder, exc.problems)


def prepare(
    folder: Path, formats: Sequence[str] | None, per_partij: bool | None, key: str | None = None
) -> Prepared | Outcome:
    """Load and check the rapport, render its main document; a failed Outcome on bad input."""
    try:
        return _prepare(folder, formats, per_partij, key)[0]
    except InputError as exc:
        return Outcome(folder, problems=exc.problems, error="invoerfouten")


def _prepare(
    folder: Path, formats: Sequence[str] | None, per_partij: bool | None, key: str | None
) -> tuple[Prepared, Rapport]:
    rapport = _load(folder, key)
    chosen = tuple(f for f in rapport.config.formaten if formats is None or f in formats)
    files = render_rapport(rapport, chosen)
    wanted = per_partij if per_partij is not None else rapport.config.per_partij
    variants = variant_plan(rapport) if wanted else []
    prepared = Prepared(folder, rapport.name, chosen, files, variants, list(rapport.warnings))
    return prepared, rapport


def finish(prepared: Prepared, files: dict[str, bytes], out_dir: Path, key: str | None) -> Outcome:
    """Swap the finished files into place, with the marker that records their inputs."""
    target = out_dir / prepared.name
    marker = cache.record(key, files, [str(p) for p in prepared.warnings])
    output.write(target, {**files, output.MARKER: marker})
    paths = [target / name for name in sorted(files)]
    return Outcome(prepared.folder, target, paths, list(prepared.warnings))


def _load(folder: Path, key: str | None) -> Rapport:
    """Load a rapport; with a content key, once per process (batch workers render slices)."""
    from .load import load_rapport

    if key is None:
        return load_rapport(folder)
    memo = (Path(folder).resolve(), key)
    if memo not in _loaded:
        _loaded.clear()
        _loaded[memo] = load_rapport(folder)
    return _loaded[memo]


def variant_plan(rapport: Rapport) -> list[tuple[str, str]]:
    """``(partner, file stem)`` per partner of the verdeelsleutel; stems are unique and safe."""
    from .compute.beleidsplan import slug

    if "verdeelsleutel" not in rapport.frames:
        raise InputError(
            [Problem(rapport.display_yaml, None, "per_partij", "vraagt om een verdeelsleutel")]
        )
    plan: list[tuple[str, str]] = []
    taken: set[str] = set()
    for partij in rapport.frames["verdeelsleutel"]["partij"]:
        name = f"{rapport.name}-{slug(partij)}"
        while name in taken:
            name += "-2"
        taken.add(name)
        plan.append((partij, name))
    return plan


def render_variants(
    folder: Path,
    formats: Sequence[str],
    variants: Sequence[tuple[str, str]],
    key: str | None = None,
    on_document: Callable[[], None] | None = None,
) -> dict[str, bytes]:
    """The per-partner documents of ``variants`` (any slice of :func:`variant_plan`)."""
    if not variants:
        return {}
    return _variant_files(_load(folder, key), formats, variants, on_document)


def _variant_files(
    rapport: Rapport,
    formats: Sequence[str],
    variants: Sequence[tuple[str, str]],
    on_document: Callable[[], None] | None = None,
) -> dict[str, bytes]:
    from .document import build_document

    files: dict[str, bytes] = {}
    for partij, name in variants:
        document = build_document(rapport, partij=partij)
        files |= render_document(rapport, document, formats, name, tables=False)
        if on_document:
            on_document()
    return files


def render_rapport(rapport: Rapport, formats: Sequence[str]) -> dict[str, bytes]:
    """Every output file of a rapport, by relative path, in memory."""
    from .document import build_document

    return render_document(rapport, build_document(rapport), formats, rapport.name)


def render_document(
    rapport: Rapport, document: Document, formats: Sequence[str], name: str, tables: bool = True
) -> dict[str, bytes]:
    """One document in the chosen formats (and, once per rapport, its open-data tables)."""
    from .render.html import render_html
    from .render.opendata import table_csv

    html = render_html(document, rapport.folder)
    files: dict[str, bytes] = {}
    if "html" in formats:
        files[f"{name}.html"] = html.encode()
    if "pdf" in formats:
        files[f"{name}.pdf"] = _render_pdf(html, rapport.folder, rapport.config.pdfa)
    if "docx" in formats:
        from .model import Figure
        from .render.docx import render_docx

        pngs = {b.name: b.png for s in document.sections for b in s.blocks if isinstance(b, Figure)}
        files[f"{name}.docx"] = render_docx(html, document, pngs, rapport.config.huisstijl)
    for table in document.tables() if tables else ():
        files[f"tabellen/{table.name}.csv"] = table_csv(table).encode()
    return files


def _render_pdf(html: str, folder: Path, pdfa: bool) -> bytes:
    if _pdf_renderer is not None:
        return _pdf_renderer(html, folder, pdfa)
    from .render.pdf import render_pdf

    return render_pdf(html, folder, pdfa)
