"""Runs the tasks of a build, in this process or over a pool of processes, one way for both.

A rapport is one "prepare" task (load, analyse, render the main document, plan the partner
variants), then its variants in slices, then "finish" (the atomic write, always here). Inline,
tasks run one at a time in this process; with ``workers`` > 1 they go to a process pool. A
failure — bad input, a bug, a worker that died — is that rapport's failure, never the batch's.
A worker that dies is not trusted to say which task killed it: every task in flight is retried,
one at a time; a task whose worker dies twice fails.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from jaarverslag.build.options import BuildOptions
from jaarverslag.build.outcome import Failure, Outcome, Prepared, Variant, failed
from jaarverslag.build.outfolder import OutputRefused
from jaarverslag.core.errors import InputError, Problem, unexpected
from jaarverslag.core.kinds import Format
from jaarverslag.core.processes import helper_process, stop_children

if TYPE_CHECKING:
    from jaarverslag.render.formats import PdfRenderer

SLICE = 12  #: per-partner documents per task: small enough to balance, large enough to amortise

Part = list[Variant] | None  #: a slice of the variants; None: the prepare task


class Progress(Protocol):
    """Where finished documents are counted (a progress bar, or nothing)."""

    def update(self, n: int = 1) -> None: ...

    def grow(self, n: int) -> None: ...


class Prepare(Protocol):
    def __call__(
        self, folder: Path, options: BuildOptions, key: str | None, pdf: PdfRenderer | None = None
    ) -> Prepared | Outcome: ...


class RenderVariants(Protocol):
    def __call__(
        self,
        folder: Path,
        formats: tuple[Format, ...],
        variants: Sequence[Variant],
        key: str | None,
        pdf: PdfRenderer | None = None,
        everyone: Sequence[Variant] = (),
    ) -> dict[str, bytes]: ...


Finish = Callable[[Prepared, dict[str, bytes], Path, str | None], Outcome]


@dataclass(frozen=True)
class Tasks:
    """The task functions of a build (:mod:`.pipeline`); the first two run in a worker."""

    prepare: Prepare
    render_variants: RenderVariants
    finish: Finish


@dataclass
class Job:
    """One rapport on its way through its tasks."""

    index: int
    folder: Path
    key: str | None
    prepared: Prepared | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    open_tasks: int = 0
    outcome: Outcome | None = None
    crashes: int = 0

    def fail(
        self, failure: Failure, problems: Sequence[Problem] = (), detail: str | None = None
    ) -> None:
        if self.outcome is None:
            self.outcome = failed(self.folder, failure, problems, detail)


class Inline(Executor):
    """Runs a task the moment it is submitted, in this process."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def slice_size(left: int, workers: int) -> int:
    """:data:`SLICE` documents a task, fewer towards the end (what is left over twice the
    workers, at least 2), so no worker waits long for the last slice of another."""
    return max(2, min(SLICE, -(-left // (2 * max(1, workers)))))


def start_worker(pdf: bool) -> None:
    """A worker of the pool: a helper process (dies with us) that imports the libraries its
    tasks need straight away, all workers at once, so one that waits for its first task (while
    another prepares a reeks) is ready when it comes."""
    helper_process()
    import pandas  # noqa: F401

    if pdf:
        from jaarverslag.render.libraries import load_weasyprint

        load_weasyprint()


@dataclass
class Scheduler:
    """The tasks of ``jobs`` until every job has an outcome."""

    jobs: Sequence[Job]
    tasks: Tasks
    out_dir: Path
    options: BuildOptions
    progress: Progress
    pdf: PdfRenderer | None = None  #: inline only: a helper process that lays out PDFs

    @property
    def workers(self) -> int:
        return self.options.jobs

    def __post_init__(self) -> None:
        self.queue: deque[tuple[Job, Part]] = deque()
        self.careful = False  # after a crash: one task at a time, so the culprit is known

    def run(self) -> None:
        self.progress.grow(len(self.jobs))  # one main document each; variants add theirs
        for job in self.jobs:
            self._add(job, None)
        executor = self._executor()
        pending: dict[Future[Any], tuple[Job, Part]] = {}
        try:
            while self.queue or pending:
                one_by_one = self.careful or isinstance(executor, Inline)
                while self.queue and not (one_by_one and pending):
                    job, part = self.queue.popleft()
                    pending[self._submit(executor, job, part)] = (job, part)
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                if self._collect(done, pending):
                    self.queue.extend(pending.values())  # their worker died with the pool
                    pending.clear()
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = self._executor()
                    self.careful = True
        except BaseException:  # Ctrl-C: stop the workers now, don't wait for their documents
            executor.shutdown(wait=False, cancel_futures=True)
            stop_children()
            raise
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    def _executor(self) -> Executor:
        if self.workers <= 1:
            return Inline()
        from concurrent.futures import ProcessPoolExecutor  # multiprocessing: only for -j 2+

        formats = self.options.formats
        pdf = formats is None or "pdf" in formats
        return ProcessPoolExecutor(self.workers, initializer=start_worker, initargs=(pdf,))

    def _collect(
        self, done: set[Future[Any]], pending: dict[Future[Any], tuple[Job, Part]]
    ) -> bool:
        """Handle finished tasks; True when the pool broke."""
        broken = False
        for future in done:
            job, part = pending.pop(future)
            try:
                result = future.result()
            except BrokenExecutor:  # the pool's worker died
                broken = True
                if self.careful:  # it ran alone: it is the culprit
                    job.crashes += 1
                    if job.crashes >= 2:
                        self._close(job, Failure.CRASHED)
                        continue
                self.queue.append((job, part))
            except InputError as exc:
                self._close(job, Failure.INPUT, exc.problems)
            except Exception as exc:  # a bug of ours: this rapport's failure, said as always
                self._close(
                    job, Failure.INTERNAL, [Problem(str(job.folder), message=unexpected(exc))]
                )
            else:
                self._done(job, part, result)
        return broken

    def _add(self, job: Job, part: Part) -> None:
        job.open_tasks += 1
        self.queue.append((job, part))

    def _submit(self, executor: Executor, job: Job, part: Part) -> Future[Any]:
        pdf = self.pdf if isinstance(executor, Inline) else None
        if part is None:
            return executor.submit(self.tasks.prepare, job.folder, self.options, job.key, pdf)
        assert job.prepared is not None  # variants are planned by the prepare task
        formats, everyone = job.prepared.formats, job.prepared.variants
        render = self.tasks.render_variants
        return executor.submit(render, job.folder, formats, part, job.key, pdf, everyone)

    def _close(
        self,
        job: Job,
        failure: Failure,
        problems: Sequence[Problem] = (),
        detail: str | None = None,
    ) -> None:
        job.open_tasks -= 1
        job.fail(failure, problems, detail)
        self.progress.update()

    def _done(self, job: Job, part: Part, result: Prepared | Outcome | dict[str, bytes]) -> None:
        job.open_tasks -= 1
        if part is None:
            self.progress.update()
            if isinstance(result, Outcome):  # bad input
                job.outcome = result
                return
            assert isinstance(result, Prepared)
            job.prepared, job.files = result, dict(result.files)
            variants = result.variants
            self.progress.grow(len(variants))
            start = 0
            while start < len(variants):
                size = slice_size(len(variants) - start, self.workers)
                self._add(job, variants[start : start + size])
                start += size
        else:
            self.progress.update(len(part))
            assert isinstance(result, dict)
            job.files |= result
        if job.open_tasks == 0 and job.outcome is None:
            self._finish(job)

    def _finish(self, job: Job) -> None:
        assert job.prepared is not None
        try:
            job.outcome = self.tasks.finish(job.prepared, job.files, self.out_dir, job.key)
        except OutputRefused as exc:
            job.fail(Failure.OUTPUT_REFUSED, exc.problems)
        except OSError as exc:
            job.fail(Failure.WRITE, detail=str(exc))
