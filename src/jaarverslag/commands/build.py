"""Runs builds for the CLI: progress on a terminal, the PDF helper, a summary at the end.

The build itself is :func:`jaarverslag.build.pipeline.build` — unchanged rapports reused before
anything heavy is imported, the rest split into tasks (one "prepare" per rapport, then slices of
its per-partner variants) so ``-j 2`` keeps both cores busy even for a single rapport with 342
partners. A terminal gets a progress bar (documents done, time left); a pipe or CI gets none.
A failure — bad input, a bug, a worker that crashed — becomes one line in the summary and never
stops the other rapports; any failure exits 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from jaarverslag.build.options import BuildOptions

if TYPE_CHECKING:
    from jaarverslag.build.outcome import Outcome
    from jaarverslag.build.pipeline import Helper
    from jaarverslag.build.scheduler import Progress


def show_progress() -> bool:
    """A bar only for a person watching: stderr is a terminal and this is not CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_build(paths: Sequence[Path], out_dir: Path, options: BuildOptions) -> int:
    """Build every rapport (of a reeks only ``options.gemeenten``, when given); print problems
    and a summary; return the exit status."""
    # The PDF helper is forked first, before even the pipeline is imported, so WeasyPrint's
    # import (the slowest part of a one-document build) starts as early as it can; a build that
    # needs no PDF after all (every rapport unchanged) kills it again.
    started = _pdf_helper(options.formats) if options.jobs <= 1 else None
    taken: list[Helper] = []

    def helper() -> Helper | None:
        if started is not None:
            taken.append(started)
        return started

    try:
        from jaarverslag.build import pipeline

        folders = pipeline.rapport_folders(list(paths))
        if not folders:
            click.echo("geen rapporten gevonden (geef een map op, of maak ./data)", err=True)
            return 1
        with _progress() as bar:
            outcomes = pipeline.build(folders, Path(out_dir), options, progress=bar, helper=helper)
    finally:
        if started is not None and not taken:
            started.kill()
    return summarise(outcomes)


def _pdf_helper(formats: Sequence[str] | None) -> Helper | None:
    if formats is not None and "pdf" not in formats:
        return None
    from jaarverslag.build import pdfworker

    return pdfworker.start()


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


class _Bar:
    """A tqdm bar as the scheduler's Progress; tqdm is imported only for a terminal."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def grow(self, n: int) -> None:
        self.bar.total = (self.bar.total or 0) + n
        self.bar.refresh()


class _Quiet:
    """For a pipe or CI: nothing drawn."""

    def update(self, n: int = 1) -> None:
        pass

    def grow(self, n: int) -> None:
        pass


@contextmanager
def _progress() -> Iterator[Progress]:
    if not show_progress():
        yield _Quiet()
        return
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the PDF helper may fork
    with tqdm(total=0, unit="doc", file=sys.stderr) as bar:
        yield _Bar(bar)
