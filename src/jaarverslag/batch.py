"""Runs builds for the CLI: cache first, then in parallel with -j, a summary at the end.

Unchanged rapports are reused before anything heavy is imported. The rest is split into tasks
(one "prepare" per rapport, then slices of its per-partner variants) so ``-j 2`` keeps both cores
busy even for a single rapport with 342 partners. A terminal gets a progress bar (documents done,
time left); a pipe or CI gets none. A failure — bad input, a bug, a worker that crashed — becomes
one line in the summary and never stops the other rapports; any failure exits 1.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from . import output, pipeline
from .cache import build_key
from .errors import InputError
from .pipeline import Outcome, Prepared
from .processes import helper_process, stop_children

SLICE = 12  # per-partner documents per task: small enough to balance, large enough to amortise


def show_progress() -> bool:
    """A bar only for a person watching: stderr is a terminal and this is not CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_build(
    paths: Sequence[Path],
    out_dir: Path,
    formats: Sequence[str] | None,
    jobs: int,
    per_partij: bool | None = None,
) -> int:
    """Build every rapport; print problems and a summary; return the exit status."""
    folders = pipeline.rapport_folders(list(paths))
    if not folders:
        click.echo("geen rapporten gevonden (geef een map op, of maak ./data)", err=True)
        return 1
    out_dir = Path(out_dir)
    outcomes: dict[int, Outcome] = {}
    todo: list[_Job] = []
    refused = output.target_problems(folders, out_dir)
    for index, folder in enumerate(folders):
        if index in refused:
            outcomes[index] = pipeline.refusal(folder, refused[index])
            continue
        key = build_key(folder, formats, per_partij)
        hit = pipeline.reuse(folder, out_dir, key)
        if hit is not None:
            outcomes[index] = hit
        else:
            todo.append(_Job(index, folder, key))
    if todo:
        # fork the PDF helper first, so WeasyPrint's import starts as early as it can
        helper = _pdf_helper(formats) if jobs == 1 else None
        with _progress(len(todo)) as bar:
            if jobs > 1:
                _Parallel(todo, out_dir, formats, per_partij, jobs, bar).run()
            else:
                _sequential(todo, out_dir, formats, per_partij, bar, helper)
        outcomes |= {job.index: job.outcome for job in todo if job.outcome is not None}
    return summarise([outcomes[i] for i in sorted(outcomes)])


def summarise(outcomes: list[Outcome]) -> int:
    """Problems on stderr, output folders on stdout, then every failure with its reason."""
    for outcome in outcomes:
        for message in outcome.messages():
            click.echo(message, err=True)
    for outcome in outcomes:
        if outcome.ok and outcome.output is not None:
            click.echo(str(outcome.output))
    failed = [o for o in outcomes if not o.ok]
    if not failed:
        return 0
    click.echo(f"{len(failed)} van {len(outcomes)} rapporten niet gebouwd:", err=True)
    for outcome in failed:
        reason = outcome.error
        if outcome.problems:
            reason = f"{outcome.error} ({len(outcome.problems)}, zie hierboven)"
        click.echo(f"  {outcome.folder}: {reason}", err=True)
    return 1


@dataclass
class _Job:
    """One rapport on its way through the tasks."""

    index: int
    folder: Path
    key: str
    prepared: Prepared | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    open_tasks: int = 0
    outcome: Outcome | None = None

    def fail(self, error: str, problems: list[Any] | None = None) -> None:
        if self.outcome is None:
            self.outcome = Outcome(self.folder, problems=list(problems or []), error=error)


def _reason(exc: BaseException) -> str:
    return f"interne fout: {type(exc).__name__}: {exc}"


def _finish(job: _Job, out_dir: Path) -> None:
    assert job.prepared is not None
    try:
        job.outcome = pipeline.finish(job.prepared, job.files, out_dir, job.key)
    except output.OutputRefused as exc:
        job.fail("uitvoermap geweigerd", exc.problems)
    except OSError as exc:
        job.fail(f"schrijven mislukt: {exc}")


def _pdf_helper(formats: Sequence[str] | None):  # type: ignore[no-untyped-def]
    if formats is not None and "pdf" not in formats:
        return None
    from . import pdfworker

    return pdfworker.start()


class _QuietBar:
    """The progress bar's interface, for a pipe or CI: nothing drawn, tqdm never imported."""

    def __init__(self, total: int) -> None:
        self.total = total

    def update(self, n: int = 1) -> None:
        pass

    def refresh(self) -> None:
        pass

    def __enter__(self) -> _QuietBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _progress(total: int):  # type: ignore[no-untyped-def]
    if not show_progress():
        return _QuietBar(total)
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the PDF helper may fork
    return tqdm(total=total, unit="doc", file=sys.stderr)


def _sequential(
    jobs: list[_Job],
    out_dir: Path,
    formats: Sequence[str] | None,
    per_partij: bool | None,
    bar,  # type: ignore[no-untyped-def]
    helper=None,  # type: ignore[no-untyped-def]
) -> None:
    """One process; WeasyPrint is imported in a forked helper while the data loads."""
    pipeline.set_pdf_renderer(helper.render if helper else None)
    try:
        for job in jobs:
            try:
                result = pipeline.prepare(job.folder, formats, per_partij, job.key)
                bar.update()
                if isinstance(result, Outcome):
                    job.outcome = result
                    continue
                job.prepared, job.files = result, dict(result.files)
                bar.total += len(result.variants)
                bar.refresh()
                job.files |= pipeline.render_variants(
                    job.folder, result.formats, result.variants, job.key, bar.update
                )
                _finish(job, out_dir)
            except InputError as exc:
                job.fail("invoerfouten", exc.problems)
            except Exception as exc:
                job.fail(_reason(exc))
    except BaseException:  # Ctrl-C or a kill: the helper must not outlive the command
        if helper is not None:
            helper.kill()
        raise
    finally:
        pipeline.set_pdf_renderer(None)
        pipeline._loaded.clear()  # don't keep the last rapport's frames alive after the batch
        if helper is not None:
            helper.close()


class _Parallel:
    """Tasks over a process pool; a crashed worker costs its task, not the batch."""

    def __init__(self, jobs, out_dir, formats, per_partij, workers, bar) -> None:  # type: ignore[no-untyped-def]
        self.jobs, self.out_dir, self.formats = jobs, out_dir, formats
        self.per_partij, self.workers, self.bar = per_partij, workers, bar
        self.queue: deque[tuple[_Job, list[tuple[str, str]] | None]] = deque()
        self.careful = False  # after a crash: one task at a time, so the culprit is known

    def run(self) -> None:
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        for job in self.jobs:
            self._add(job, None)
        pool = ProcessPoolExecutor(self.workers, initializer=helper_process)
        pending: dict[Any, tuple[_Job, list[tuple[str, str]] | None]] = {}
        try:
            while self.queue or pending:
                while self.queue and not (self.careful and pending):
                    job, part = self.queue.popleft()
                    pending[self._submit(pool, job, part)] = (job, part)
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    job, part = pending.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if self.careful:
                            self._close(job, "werkproces afgebroken (geheugen op of een crash)")
                        else:
                            self.queue.append((job, part))
                        continue
                    except InputError as exc:
                        self._close(job, "invoerfouten", exc.problems)
                        continue
                    except Exception as exc:
                        self._close(job, _reason(exc))
                        continue
                    self._done(job, part, result)
                if broken:
                    self.queue.extend(pending.values())
                    pending.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = ProcessPoolExecutor(self.workers, initializer=helper_process)
                    self.careful = True
        except BaseException:  # Ctrl-C: stop the workers now, don't wait for their documents
            pool.shutdown(wait=False, cancel_futures=True)
            stop_children()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _add(self, job: _Job, part: list[tuple[str, str]] | None) -> None:
        job.open_tasks += 1
        self.queue.append((job, part))

    def _submit(self, pool, job: _Job, part):  # type: ignore[no-untyped-def]
        if part is None:
            return pool.submit(pipeline.prepare, job.folder, self.formats, self.per_partij, job.key)
        assert job.prepared is not None
        return pool.submit(
            pipeline.render_variants, job.folder, job.prepared.formats, part, job.key
        )

    def _close(self, job: _Job, error: str, problems: list[Any] | None = None) -> None:
        job.open_tasks -= 1
        job.fail(error, problems)
        self.bar.update()

    def _done(self, job: _Job, part: list[tuple[str, str]] | None, result: Any) -> None:
        job.open_tasks -= 1
        if part is None:
            self.bar.update()
            if isinstance(result, Outcome):
                job.outcome = result
                return
            job.prepared, job.files = result, dict(result.files)
            variants = result.variants
            self.bar.total += len(variants)
            self.bar.refresh()
            for start in range(0, len(variants), SLICE):
                self._add(job, variants[start : start + SLICE])
        else:
            self.bar.update(len(part))
            job.files |= result
        if job.open_tasks == 0 and job.outcome is None:
            _finish(job, self.out_dir)
