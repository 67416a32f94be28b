"""Runs builds for the CLI: in parallel with -j, progress on a terminal, a summary at the end."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import click

from .pipeline import Outcome, build_one, rapport_folders


def run_build(
    paths: Sequence[Path],
    out_dir: Path,
    formats: Sequence[str] | None,
    jobs: int,
    per_partij: bool | None = None,
) -> int:
    """Build every rapport; print problems and a summary; return the exit status."""
    folders = rapport_folders(list(paths))
    if not folders:
        click.echo("geen rapporten gevonden (geef een map op, of maak ./data)", err=True)
        return 1
    show = sys.stderr.isatty() and len(folders) > 1
    outcomes: list[Outcome] = []
    from tqdm import tqdm

    with tqdm(total=len(folders), disable=not show, unit="rapport", file=sys.stderr) as bar:
        if jobs > 1 and len(folders) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = [pool.submit(build_one, f, out_dir, formats, per_partij) for f in folders]
                for future in futures:
                    outcomes.append(future.result())
                    bar.update()
        else:
            for folder in folders:
                outcomes.append(build_one(folder, out_dir, formats, per_partij))
                bar.update()
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        for problem in outcome.problems:
            click.echo(str(problem), err=True)
    for outcome in outcomes:
        if outcome.ok and outcome.output is not None:
            click.echo(str(outcome.output))
    if failed:
        names = ", ".join(str(o.folder) for o in failed)
        click.echo(f"{len(failed)} van {len(outcomes)} rapporten niet gebouwd: {names}", err=True)
        return 1
    return 0
