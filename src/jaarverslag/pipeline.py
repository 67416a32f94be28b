"""The build: rapport folders in, files out — validated first, written atomically.

For each rapport: load and check everything (nothing is written on bad input), compute the
document, render the one HTML, turn it into the chosen formats, write the open-data tables,
then swap the finished folder into place so a failed build leaves the old output intact.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .document import build_document
from .errors import InputError, Problem
from .load import Rapport, load_rapport
from .model import Document
from .render.html import render_html
from .render.opendata import table_csv

LOGGER = logging.getLogger("jaarverslag")
PROGRESS = logging.getLogger("jaarverslag.progress")


@dataclass
class Outcome:
    """What happened to one rapport."""

    folder: Path
    output: Path | None = None
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def rapport_folders(paths: Sequence[Path] | None, default_root: Path = Path("data")) -> list[Path]:
    """The given folders, or every rapport folder under ``./data``."""
    if paths:
        return [Path(p) for p in paths]
    if not default_root.is_dir():
        return []
    return sorted(p for p in default_root.iterdir() if p.is_dir() and not p.name.startswith("."))


def check(folders: Iterable[Path]) -> list[Outcome]:
    """Validate inputs and consistency; render nothing."""
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
    outcomes = []
    for folder in folders:
        outcome = build_one(Path(folder), Path(out_dir), formats, per_partij)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes


def build_one(
    folder: Path,
    out_dir: Path,
    formats: Sequence[str] | None = None,
    per_partij: bool | None = None,
) -> Outcome:
    try:
        rapport = load_rapport(folder)
    except InputError as exc:
        return Outcome(folder, problems=exc.problems, error="invoerfouten")
    chosen = tuple(f for f in rapport.config.formaten if formats is None or f in formats)
    try:
        files = render_rapport(rapport, chosen)
        if per_partij if per_partij is not None else rapport.config.per_partij:
            files |= render_partner_variants(rapport, chosen)
        target = out_dir / rapport.name
        write_atomically(target, files)
    except InputError as exc:
        return Outcome(folder, problems=exc.problems, error="invoerfouten")
    return Outcome(
        folder, target, [target / name for name in sorted(files)], list(rapport.warnings)
    )


def render_partner_variants(rapport: Rapport, formats: Sequence[str]) -> dict[str, bytes]:
    """One document per partner of the verdeelsleutel, its own share highlighted.

    Files are ``<rapport>-<slug of partner>.<ext>``, safe whatever the partner is called.
    """
    from .compute.beleidsplan import slug

    if "verdeelsleutel" not in rapport.frames:
        raise InputError(
            [Problem(rapport.display_yaml, None, "per_partij", "vraagt om een verdeelsleutel")]
        )
    files: dict[str, bytes] = {}
    taken: set[str] = set()
    for partij in rapport.frames["verdeelsleutel"]["partij"]:
        name = f"{rapport.name}-{slug(partij)}"
        while name in taken:
            name += "-2"
        taken.add(name)
        document = build_document(rapport, partij=partij)
        files |= render_document(rapport, document, formats, name, tables=False)
    return files


def render_rapport(rapport: Rapport, formats: Sequence[str]) -> dict[str, bytes]:
    """Every output file of a rapport, by relative path, in memory."""
    return render_document(rapport, build_document(rapport), formats, rapport.name)


def render_document(
    rapport: Rapport, document: Document, formats: Sequence[str], name: str, tables: bool = True
) -> dict[str, bytes]:
    """One document in the chosen formats (and, once per rapport, its open-data tables)."""
    html = render_html(document, rapport.folder)
    files: dict[str, bytes] = {}
    if "html" in formats:
        files[f"{name}.html"] = html.encode()
    if "pdf" in formats:
        from .render.pdf import render_pdf

        files[f"{name}.pdf"] = render_pdf(html, rapport.folder)
    if "docx" in formats:
        from .model import Figure
        from .render.docx import render_docx

        pngs = {b.name: b.png for s in document.sections for b in s.blocks if isinstance(b, Figure)}
        files[f"{name}.docx"] = render_docx(html, document, pngs, rapport.config.huisstijl)
    for table in document.tables() if tables else ():
        files[f"tabellen/{table.name}.csv"] = table_csv(table).encode()
    return files


def write_atomically(target: Path, files: dict[str, bytes]) -> None:
    """Write into a fresh temporary folder beside ``target``, then swap it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(staging, 0o755)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, old / "previous")
        try:
            os.replace(staging, target)
        except BaseException:
            if old is not None:
                os.replace(old / "previous", target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
