"""``make bench``, the reeks: every municipality from one national file (issue 16).

Whole commands in fresh processes, as the rest of ``bench/run.py`` (which calls :func:`run`
with itself as ``bench``, for its ``timed``, ``jaarverslag`` and ``Row``):

- the reeks ``data/iv3-begroting-2025`` for 10, 100 and all 342 gemeenten (``build -f pdf
  -j 2``, ``--gemeente`` for the first N), so the table shows how time grows;
- the naive way: one ``weasyprint`` command per document, on the very HTML our build wrote;
- peak memory: ``wait4``'s ``ru_maxrss`` of a command is that of its largest process (the
  main process or one of its workers), so the figure is the peak per process.

- the site of the whole reeks (``build -f site -j 2``: every gemeente's pages, the portal and
  one search index over all of them) beside ``build -f html -j 2``, side by side.

Targets: the whole reeks at least 5× faster than the naive way, no process above 300 MB; its
site in at most 1.5× the time of its HTML, no page of it over 150 kB before pictures.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
REEKS = ROOT / "data" / "iv3-begroting-2025"
SIZES = (10, 100)
SPEEDUP, MEMORY = 5.0, 300
SITE = 1.5  #: the reeks's site may take this many times its HTML


def gemeenten(folder: Path = REEKS) -> list[str]:
    """The gemeenten of the reeks in file order (Nederland is the national total)."""
    with (folder / "kosten.csv").open(encoding="utf-8", newline="") as f:
        names = [row["gemeente"] for row in csv.DictReader(f, delimiter=";")]
    return [n for n in dict.fromkeys(names) if n != "Nederland"]


def run(bench: ModuleType, tmp: Path, table: list[str], targets: list, runs: int = 1) -> None:
    names = gemeenten()
    counter = iter(range(10**6))

    def build(count: int, fmt: str = "pdf") -> tuple[float, int]:
        chosen = (
            [arg for n in names[:count] for arg in ("--gemeente", n)] if count < len(names) else []
        )
        out = tmp / f"reeks-{fmt}-{count}-{next(counter)}"
        return bench.timed(
            bench.jaarverslag("build", str(REEKS), "-f", fmt, "-j", "2", "-o", str(out), *chosen)
        )

    rows = {
        count: bench.Row(f"reeks: {count} gemeenten (`build -f pdf -j 2`)")
        for count in (*SIZES, len(names))
    }
    for _ in range(runs):
        for count, row in rows.items():
            row.add(build(count))
    html = tmp / "reeks-html"
    bench.timed(bench.jaarverslag("build", str(REEKS), "-f", "html", "-j", "2", "-o", str(html)))
    pages = sorted(p for p in (html / REEKS.name).glob("*/*.html"))
    assert len(pages) == len(names), (len(pages), len(names))
    naive = bench.Row(f"naive: one `weasyprint` command per document ({len(pages)})")
    start, peak = time.perf_counter(), 0
    for page in pages:
        command = [
            *bench.weasyprint_cmd(),
            "--pdf-variant",
            "pdf/ua-1",
            str(page),
            str(tmp / "n.pdf"),
        ]
        peak = max(peak, bench.timed(command)[1])
    naive.add((time.perf_counter() - start, peak))
    whole = rows[len(names)]
    speedup = naive.median / whole.median
    for count, row in rows.items():
        note = (
            f"{row.median / count * 1000:.0f} ms per document, {count / row.median:.1f} documents/s"
        )
        if count == len(names):
            note += f"; **{speedup:.1f}× the naive way**"
        table.append(row.line(note))
    table.append(naive.line(f"{naive.median / len(pages) * 1000:.0f} ms per document"))
    targets.append(
        (
            f"reeks of {len(names)} (-j 2) ≥ {SPEEDUP:g}× naive weasyprint",
            speedup >= SPEEDUP,
            f"{speedup:.1f}×",
        )
    )
    most = max(max(row.peaks) for row in rows.values())
    targets.append((f"reeks: peak memory per process ≤ {MEMORY} MB", most <= MEMORY, f"{most} MB"))


def run_site(bench: ModuleType, tmp: Path, table: list[str], targets: list, runs: int = 1) -> None:
    """The site of every gemeente and its portal, beside the HTML of every gemeente."""
    counter = iter(range(10**6))

    def build(fmt: str) -> tuple[float, int]:
        out = tmp / f"reeks-{fmt}-all-{next(counter)}"
        return bench.timed(
            bench.jaarverslag("build", str(REEKS), "-f", fmt, "-j", "2", "-o", str(out))
        )

    count = len(gemeenten())
    rows = bench.side_by_side(
        max(runs, 1),
        {
            f"reeks: {count} gemeenten, `build -f html -j 2`": lambda: build("html"),
            f"reeks: {count} gemeenten, `build -f site -j 2`": lambda: build("site"),
        },
    )
    html, site = rows.values()
    ratio = site.median / html.median
    out = tmp / "reeks-site-pages"
    bench.timed(bench.jaarverslag("build", str(REEKS), "-f", "site", "-j", "2", "-o", str(out)))
    largest = bench.largest_page(out)
    index = sum(f.stat().st_size for f in (out / REEKS.name / "site" / "pagefind").rglob("*"))
    table.append(html.line())
    table.append(
        site.line(
            f"**{ratio:.2f}× the HTML**; portal + one search index ({index / 1e6:.1f} MB) over "
            f"every page; largest page {largest / 1000:.0f} kB"
        )
    )
    targets.append((f"reeks site ≤ {SITE:g}× the reeks -f html", ratio <= SITE, f"{ratio:.2f}×"))
    targets.append(
        ("reeks site pages < 150 kB each", largest < 150_000, f"{largest / 1000:.0f} kB")
    )
