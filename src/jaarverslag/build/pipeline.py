"""The build: rapport folders in, files out — one path for one rapport and for a batch.

For each rapport: look up the content hash of its inputs (:mod:`.cache`) and reuse the output
when nothing changed; otherwise run the stages (:mod:`.stages`: nothing is written on bad
input) for its document and the partner variants, then swap the finished folder into place
(:mod:`.outfolder`), so a failed build leaves the old output intact. The work is three tasks —
:func:`prepare`, :func:`render_variants` over slices of the variants, :func:`finish` — that
:mod:`.scheduler` runs in this process or over a process pool. Heavy libraries are imported
inside the tasks, so a no-op rebuild never loads pandas or WeasyPrint.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from jaarverslag.build import cache, outfolder
from jaarverslag.build.options import BuildOptions
from jaarverslag.build.outcome import Failure, Outcome, Prepared, Variant, failed
from jaarverslag.build.scheduler import Job, Progress, Scheduler, Tasks
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.kinds import Format

if TYPE_CHECKING:
    from jaarverslag.analysis.analysed import Analysis
    from jaarverslag.render.formats import PdfRenderer


DEFAULTS = BuildOptions()


class Helper(Protocol):
    """A process that lays out PDFs beside this one (pdfworker.py)."""

    def render(self, html: str, folder: Path | None, pdfa: bool) -> bytes: ...

    def close(self) -> None: ...

    def kill(self) -> None: ...


class _Quiet:
    """No progress to show."""

    def update(self, n: int = 1) -> None:
        pass

    def grow(self, n: int) -> None:
        pass


def rapport_folders(paths: Sequence[Path] | None, default_root: Path = Path("data")) -> list[Path]:
    """The given folders, or every rapport folder under ``./data``."""
    if paths:
        return [Path(p) for p in paths]
    if not default_root.is_dir():
        return []
    return sorted(p for p in default_root.iterdir() if p.is_dir() and not p.name.startswith("."))


def check(folders: Iterable[Path]) -> list[Outcome]:
    """Read and analyse each rapport (inputs and every consistency check); render nothing."""
    from jaarverslag.build.stages import analyse

    outcomes = []
    for folder in folders:
        try:
            analysis = analyse(folder)
            outcomes.append(Outcome(folder, problems=list(analysis.warnings)))
        except InputError as exc:
            outcomes.append(Outcome(folder, problems=exc.problems, failure=Failure.INPUT))
    return outcomes


def build(
    folders: Iterable[Path],
    out_dir: Path = Path("build"),
    options: BuildOptions = DEFAULTS,
    *,
    on_done: Callable[[Outcome], None] | None = None,
    progress: Progress | None = None,
    helper: Callable[[], Helper | None] | None = None,
) -> list[Outcome]:
    """Build each rapport into ``out_dir/<name>/`` (``options.jobs`` at a time); one failure
    doesn't stop the others. Two or more rapports with a site also get ``out_dir/site/``, a
    portal over them (its outcome comes last). ``helper`` starts a PDF helper process for an
    inline build, once it is known that something must be built (its WeasyPrint import
    overlaps our loading)."""
    folders = [Path(f) for f in folders]
    out_dir = Path(out_dir)
    outcomes: dict[int, Outcome] = {}
    todo: list[Job] = []
    refused = outfolder.target_problems(folders, out_dir)
    for index, folder in enumerate(folders):
        if index in refused:
            outcomes[index] = failed(folder, Failure.OUTPUT_REFUSED, refused[index])
            continue
        key = cache.build_key(folder, options) if options.use_cache else None
        hit = reuse(folder, out_dir, key) if key is not None else None
        if hit is not None:
            outcomes[index] = hit
        else:
            todo.append(Job(index, folder, key))
    if todo:
        started = helper() if helper is not None and options.jobs <= 1 else None
        pdf = started.render if started is not None else None
        tasks = Tasks(prepare, render_variants, finish)
        scheduler = Scheduler(todo, tasks, out_dir, options, progress or _Quiet(), pdf)
        try:
            scheduler.run()
        except BaseException:  # Ctrl-C or a kill: the helper must not outlive the command
            if started is not None:
                started.kill()
            raise
        finally:
            forget()
            if started is not None:
                started.close()
        outcomes |= {job.index: job.outcome for job in todo if job.outcome is not None}
    result = [outcomes[i] for i in sorted(outcomes)]
    if len(folders) > 1 and any(_has_site(o) for o in result):  # several rapports: OUT/site/
        from jaarverslag.build.shelf import write_shelf

        shelf = write_shelf(folders, out_dir)
        if shelf is not None:
            result.append(shelf)
    if on_done is not None:
        for outcome in result:
            on_done(outcome)
    return result


def _has_site(outcome: Outcome) -> bool:
    return outcome.output is not None and (outcome.output / "site" / "site.json").is_file()


def build_one(
    folder: Path,
    out_dir: Path,
    formats: Sequence[Format] | None = None,
    per_partij: bool | None = None,
    *,
    use_cache: bool = True,
    gemeenten: Sequence[str] | None = None,
) -> Outcome:
    """Build one rapport in this process (or reuse its unchanged output)."""
    options = BuildOptions(
        None if formats is None else tuple(formats),
        per_partij,
        None if gemeenten is None else tuple(gemeenten),
        use_cache=use_cache,
    )
    return build([folder], out_dir, options)[0]


def reuse(folder: Path, out_dir: Path, key: str) -> Outcome | None:
    """The earlier output of exactly these inputs and settings, if it is still intact."""
    hit = cache.lookup(out_dir, folder, key)
    if hit is None:
        return None
    files, warnings = hit
    return Outcome(folder, out_dir / folder.resolve().name, files, reused=True, notes=warnings)


# -- the tasks -------------------------------------------------------------------------------


def prepare(
    folder: Path, options: BuildOptions, key: str | None, pdf: PdfRenderer | None = None
) -> Prepared | Outcome:
    """Read and analyse the rapport, render its main document; a failed Outcome on bad input.

    A reeks has no main document: its national file is checked, each gemeente (those of
    ``options.gemeenten``, default all) analysed, its overview made, and the gemeenten are the
    variants :func:`render_variants` renders."""
    from jaarverslag.core.startup import quiet_imports

    with quiet_imports():  # the first rapport of a process imports pandas, pydantic, Jinja
        from jaarverslag.build.stages import Target, make

    formats = options.formats
    try:
        analysis = analysed(folder, key)
        chosen = analysis.config.formaten if formats is None else formats
        if analysis.reeks is not None:
            from jaarverslag.build import reeks

            variants, overview = reeks.plan(analysis, chosen, options)
            warnings = list(analysis.warnings)
            return Prepared(folder, analysis.name, chosen, {}, variants, warnings, overview)
        made = make(analysis, Target(chosen, comments=options.opmerkingen), pdf=pdf)
        wanted = options.per_partij
        if wanted is None:
            wanted = analysis.config.per_partij
        variants = variant_plan(analysis) if wanted else []
    except InputError as exc:
        return failed(folder, Failure.INPUT, exc.problems)
    return Prepared(folder, analysis.name, chosen, made.files, variants, list(analysis.warnings))


def render_variants(
    folder: Path,
    formats: tuple[Format, ...],
    variants: Sequence[Variant],
    key: str | None,
    pdf: PdfRenderer | None = None,
    everyone: Sequence[Variant] = (),
) -> dict[str, bytes]:
    """The per-partner documents of ``variants`` (any slice of :func:`variant_plan`), or the
    documents of these gemeenten of a reeks (``gemeente/gemeente.pdf`` …); ``everyone``: all
    the variants of the rapport (a gemeente's site links to the others of its size). The site
    is the main document's: a partner's variant has none."""
    from jaarverslag.build.stages import Target, make

    analysis = analysed(folder, key)
    if analysis.reeks is not None:  # gemeenten, each in its own folder with its own tables
        from jaarverslag.build import reeks

        return reeks.render_gemeenten(analysis, variants, formats, pdf, everyone)
    files: dict[str, bytes] = {}
    formats = tuple(f for f in formats if f != "site")
    for partij, name in variants:
        target = Target(formats, name=name, partij=partij, tables=False)
        files |= make(analysis, target, pdf=pdf).files
    return files


def finish(prepared: Prepared, files: dict[str, bytes], out_dir: Path, key: str | None) -> Outcome:
    """Swap the finished files into place, with the marker that records their inputs."""
    target = out_dir / prepared.name
    warnings = list(prepared.warnings)
    if prepared.overview is not None:  # a reeks: its gemeenten's problems, national tables
        from jaarverslag.build import reeks

        overview, variants = prepared.overview, prepared.variants
        files, problems = reeks.gather(variants, files, overview, prepared.folder)
        if any(p.severity == "error" for p in problems):
            return failed(prepared.folder, Failure.INPUT, problems)
        warnings += problems
    if "site" in prepared.formats:  # the search index over every page of the rapport's site
        from jaarverslag.build.stages import search_index
        from jaarverslag.render.site.search import SearchIndexError

        try:
            files |= search_index(files)
        except SearchIndexError as exc:
            return failed(prepared.folder, Failure.INTERNAL, detail=str(exc))
    marker = cache.record(key, files, [str(p) for p in warnings])
    outfolder.write(target, {**files, outfolder.MARKER: marker})
    paths = [target / name for name in sorted(files)]
    return Outcome(prepared.folder, target, paths, warnings)


def analysed(folder: Path, key: str | None) -> Analysis:
    """The analysis of a rapport, once per process for the tasks of one build (a process
    renders a rapport's variants in several slices). Without a content key, nothing is kept."""
    if key is None:
        from jaarverslag.build.stages import analyse

        return analyse(folder, lazy=True)  # a reeks: each gemeente when its turn comes
    return _analysed(Path(folder).resolve(), key)


@functools.lru_cache(maxsize=1)  # the last rapport only: a batch keeps no frames alive
def _analysed(folder: Path, key: str) -> Analysis:
    from jaarverslag.build.stages import analyse

    return analyse(folder, lazy=True)


def forget() -> None:
    """Drop the analysis kept for the tasks (at the end of a batch)."""
    _analysed.cache_clear()


def variant_plan(analysis: Analysis) -> list[Variant]:
    """``(partner, file stem)`` per partner of the verdeelsleutel; stems are unique and safe."""
    from jaarverslag.core.slugs import slug

    if "verdeelsleutel" not in analysis.frames:
        message = "vraagt om een verdeelsleutel"
        raise InputError([Problem(analysis.inputs.display_yaml, None, "per_partij", message)])
    plan: list[Variant] = []
    taken: set[str] = set()
    for partij in analysis.frames["verdeelsleutel"]["partij"]:
        name = f"{analysis.name}-{slug(partij)}"
        while name in taken:
            name += "-2"
        taken.add(name)
        plan.append((partij, name))
    return plan
