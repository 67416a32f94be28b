"""``make bench``: whole commands timed side by side → a markdown table and the target ratios.

Every figure is a whole command in a fresh subprocess (start-up, imports, loading, rendering,
writing), the median of several runs, with the peak resident memory of that process (wait4's
``ru_maxrss``). The floor for a PDF is the ``weasyprint`` command on the very HTML our build
produced, with the same PDF/UA-1 variant, measured in the same loop so machine noise hits both;
the same loop builds a copy of the rapport with ``pdfa: false`` (PDF/UA-1 only), so the row
pair shows what PDF/A-2a costs on top. The ``serve`` rows time one running preview instead: a
file saved until the page it serves holds the change (peak memory: the server's).
The table goes to stdout and ``build/bench.md``; a missed target exits 1.

    python bench/run.py [--runs 5] [--count 342] [--batch-runs 1] [--out build/bench.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PYTHON = sys.executable
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
}
ENV.pop("CI", None)


#: Commands that died by a signal and were run again: (command, signal).
CRASHES: list[tuple[str, int]] = []


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one command; fails loudly if the command fails.

    A command killed by a signal (WeasyPrint's C libraries segfault once in several hundred
    renders) is run again, up to twice, and counted in the report instead of ending the bench.
    """
    for _attempt in range(3):
        start = time.perf_counter()
        child = subprocess.Popen(
            cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr = child.stderr.read().decode(errors="replace") if child.stderr else ""
        if child.returncode >= 0:
            break
        CRASHES.append((" ".join(Path(c).name if "/" in c else c for c in cmd), -child.returncode))
    if child.returncode != 0:
        raise SystemExit(f"command failed ({child.returncode}): {' '.join(cmd)}\n{stderr}")
    return elapsed, usage.ru_maxrss // 1024


def jaarverslag(*args: str) -> list[str]:
    return [PYTHON, "-m", "jaarverslag", *args]


def weasyprint_cmd() -> list[str]:
    beside = Path(PYTHON).parent / "weasyprint"
    if beside.exists():
        return [str(beside)]
    return [PYTHON, "-m", "weasyprint"]


class Row:
    """Medians of several measurements of one line of the table."""

    def __init__(self, label: str) -> None:
        self.label, self.seconds, self.peaks = label, [], []

    def add(self, measurement: tuple[float, int]) -> None:
        self.seconds.append(measurement[0])
        self.peaks.append(measurement[1])

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def fastest(self) -> float:
        """Other work on the machine only adds time: the fastest run is the least disturbed."""
        return min(self.seconds)

    def line(self, note: str = "") -> str:
        runs = len(self.seconds)
        return f"| {self.label} | {self.median:.2f} | {max(self.peaks)} | {runs} | {note} |"


def side_by_side(runs: int, steps: dict[str, Callable[[], tuple[float, int]]]) -> dict[str, Row]:
    """Run every step once per round, rounds interleaved, so noise is shared."""
    rows = {label: Row(label) for label in steps}
    for _ in range(runs):
        for label, step in steps.items():
            rows[label].add(step())
    return rows


def bench_rapport(folder: Path, runs: int, tmp: Path, table: list[str], targets: list) -> None:
    name = folder.name
    html_out = tmp / f"{name}-html"
    timed(jaarverslag("build", str(folder), "-f", "html", "-o", str(html_out)))
    html = html_out / name / f"{name}.html"
    counter = iter(range(10**6))

    def fresh(fmt: str, source: Path = folder) -> Callable[[], tuple[float, int]]:
        return lambda: timed(
            jaarverslag("build", str(source), "-f", fmt, "-o", str(tmp / f"{name}-{next(counter)}"))
        )

    floor = [*weasyprint_cmd(), "--pdf-variant", "pdf/ua-1", str(html), str(tmp / "floor.pdf")]
    plain = without_pdfa(folder, tmp)
    cached = tmp / f"{name}-cached"
    timed(jaarverslag("build", str(folder), "-f", "pdf", "-o", str(cached)))
    rows = side_by_side(
        runs,
        {
            f"`{name}` build -f pdf": fresh("pdf"),
            f"`{name}` build -f pdf, `pdfa: false`": fresh("pdf", plain),
            f"`weasyprint` on its HTML (floor, {name})": lambda: timed(floor),
            f"`{name}` build -f docx": fresh("docx"),
            f"`{name}` build -f html": fresh("html"),
            f"`{name}` build -f site": fresh("site"),
            f"`{name}` rebuild, unchanged (cache)": lambda: timed(
                jaarverslag("build", str(folder), "-f", "pdf", "-o", str(cached))
            ),
        },
    )
    ours, wp = rows[f"`{name}` build -f pdf"], rows[f"`weasyprint` on its HTML (floor, {name})"]
    ratio = ours.median / wp.median
    labels = list(rows)
    archival = ours.fastest / rows[labels[1]].fastest  # a small difference: noise would hide it
    table.append(rows[labels[0]].line(f"**{ratio:.2f}× the floor**; PDF/A-2a + PDF/UA-1"))
    table.append(
        rows[labels[1]].line(f"PDF/UA-1 only; PDF/A costs **{archival - 1:+.1%}** (fastest runs)")
    )
    table.append(rows[labels[2]].line("the layout engine alone"))
    site = tmp / f"{name}-site"
    timed(jaarverslag("build", str(folder), "-f", "site", "-o", str(site)))
    largest = largest_page(site)
    for label in labels[3:]:
        note = (
            f"its search index too; largest page {largest / 1000:.0f} kB" if "site" in label else ""
        )
        table.append(rows[label].line(note))
    targets.append(
        (f"{name}: site pages < 150 kB each", largest < 150_000, f"{largest / 1000:.0f} kB")
    )
    targets.append((f"{name}: build -f pdf < 1.15× weasyprint", ratio < 1.15, f"{ratio:.2f}×"))
    targets.append(
        (f"{name}: PDF/A + PDF/UA ≤ 1.1× PDF/UA alone", archival <= 1.1, f"{archival:.2f}×")
    )
    noop = rows[labels[6]].median
    targets.append((f"{name}: unchanged rebuild < 0.5 s", noop < 0.5, f"{noop:.2f} s"))


def largest_page(out: Path) -> int:
    """The largest page of the sites under ``out``, in bytes, without its inline pictures (the
    charts, as ``data:`` URIs): what a reader's browser loads before any picture."""
    import re

    pages = [p for p in out.rglob("*.html") if "site" in p.relative_to(out).parts]
    if not pages:
        raise SystemExit(f"no site pages under {out}")
    picture = re.compile(rb"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")
    return max(len(picture.sub(b"", p.read_bytes())) for p in pages)


def without_pdfa(folder: Path, tmp: Path) -> Path:
    """A copy of the rapport with ``pdfa: false``: the PDF/UA-only build, for the PDF/A cost."""
    copy = tmp / "pdfa-off" / folder.name
    shutil.copytree(folder, copy)
    yaml = copy / "rapport.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "\npdfa: false\n", encoding="utf-8")
    return copy


def bench_pandoc(folder: Path, runs: int, tmp: Path, table: list[str]) -> None:
    name = folder.name
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        table.append(
            f"| pandoc Markdown → DOCX ({name}) | – | – | – | not installed: "
            "`sudo apt-get install pandoc` |"
        )
        return
    html = tmp / f"{name}-html" / name / f"{name}.html"
    markdown = tmp / f"{name}.md"
    subprocess.run([pandoc, str(html), "-t", "gfm", "-o", str(markdown)], check=True)
    row = Row(f"pandoc Markdown → DOCX ({name}, reference)")
    for _ in range(runs):
        row.add(timed([pandoc, str(markdown), "-o", str(tmp / "pandoc.docx")]))
    table.append(row.line("same text and tables as Markdown"))


def bench_serve(folder: Path, runs: int, tmp: Path, table: list[str], targets: list) -> None:
    """``serve`` on a copy of the rapport: a save → the page updated, as a browser sees it —
    the event stream names a new version and ``GET /`` holds the change. A text (only the prose
    is redone) and ``rapport.yaml`` (every table computed again) are timed side by side."""
    import http.client
    import re
    import signal
    import socket

    name = folder.name
    copy = tmp / "serve" / name
    shutil.copytree(folder, copy)
    child = subprocess.Popen(
        jaarverslag("serve", str(copy), "--port", "0"),
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stderr is not None
        port = 0
        for line in child.stderr:
            found = re.search(r"voorbeeld op http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        if not port:
            raise SystemExit(f"serve did not start for {name}")
        events = socket.create_connection(("127.0.0.1", port), timeout=10)
        events.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        stream = events.makefile("rb")

        def next_version() -> int:
            while True:
                line = stream.readline()
                if not line:
                    raise SystemExit(f"serve closed its event stream ({name})")
                if line.startswith(b"data: "):
                    return int(line[6:])

        def page() -> str:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/")
            body = conn.getresponse().read().decode()
            conn.close()
            return body

        next_version()
        time.sleep(1)  # the watcher is set up (a change before is found by its half-second check)
        text = sorted((copy / "teksten").glob("*.md"))[0]
        yaml = copy / "rapport.yaml"
        counter = iter(range(10**6))

        def saved(path: Path, change: Callable[[str, str], str]) -> Callable[[], tuple[float, int]]:
            def step() -> tuple[float, int]:
                token = f"bench{next(counter)}x"
                content = change(path.read_text(encoding="utf-8"), token)
                start = time.perf_counter()
                path.write_text(content, encoding="utf-8")
                next_version()
                if token not in page():
                    raise SystemExit(f"serve: the page lacks the saved change ({name})")
                return time.perf_counter() - start, 0

            return step

        rows = side_by_side(
            runs,
            {
                f"`{name}` serve: text saved → page updated": saved(
                    text, lambda old, token: old + f"\nZin {token}.\n"
                ),
                f"`{name}` serve: rapport.yaml saved → page updated": saved(
                    yaml,
                    lambda old, token: re.sub(
                        r"^titel: .*$", f"titel: Titel {token}", old, count=1, flags=re.M
                    ),
                ),
            },
        )
        events.close()
    finally:
        child.send_signal(signal.SIGINT)
        if child.stderr is not None:
            child.stderr.read()
        _, code, usage = os.wait4(child.pid, 0)
    status = os.waitstatus_to_exitcode(code)
    text_row, yaml_row = rows.values()
    for row in (text_row, yaml_row):  # the server's peak, over the whole session
        row.peaks = [usage.ru_maxrss // 1024]
    table.append(text_row.line("prose redone, data and tables reused; no PDF/DOCX"))
    table.append(yaml_row.line("every table computed again"))
    fine = text_row.median < 1 and status == 130
    targets.append((f"{name}: serve, text saved → page < 1 s", fine, f"{text_row.median:.3f} s"))


def municipalities(tmp: Path, count: int) -> Path:
    """``count`` rapport folders under ``tmp/data``: the Wassenaar plan, one per municipality.

    A province or a national benchmark renders one document per municipality; each gets its
    own name and its own amounts (scaled by its number), so no two documents are the same.
    """
    source = ROOT / "data" / "beleidsplan-wassenaar-2024"
    lines = (source / "maatregelen.csv").read_text(encoding="utf-8").splitlines()
    for number in range(1, count + 1):
        folder = tmp / "data" / f"gemeente-{number:03d}"
        shutil.copytree(source, folder)
        yaml = (folder / "rapport.yaml").read_text(encoding="utf-8")
        yaml = yaml.replace("Gemeente Wassenaar", f"Gemeente {number:03d}")
        (folder / "rapport.yaml").write_text(yaml, encoding="utf-8")
        scaled = [lines[0]] + [_scale(line, number) for line in lines[1:]]
        (folder / "maatregelen.csv").write_text("\n".join(scaled) + "\n", encoding="utf-8")
    return tmp


def _scale(line: str, number: int) -> str:
    """The last field (the amount) times ``number``; totals stay totals because all scale."""
    separator = ";" if ";" in line else ","
    *rest, amount = line.split(separator)
    if not amount.strip().lstrip("-").replace(".", "").isdigit():
        return line
    value = int(amount.replace(".", "")) * number
    return separator.join([*rest, str(value)])


def bench_batch(count: int, runs: int, tmp: Path, table: list[str], targets: list) -> None:
    root = municipalities(tmp / "batch", count)
    timed(jaarverslag("build", "-f", "html", "-o", "html"), cwd=root)
    pages = sorted((root / "html").glob("gemeente-*/gemeente-*.html"))
    assert len(pages) == count, len(pages)
    one = Row(f"batch: {count} rapports (`build -f pdf`, all of ./data), `-j 1`")
    two = Row(f"batch: {count} rapports, `-j 2`")
    for run in range(runs):  # interleaved, fresh output folders: nothing comes from the cache
        one.add(timed(jaarverslag("build", "-f", "pdf", "-j", "1", "-o", f"j1-{run}"), cwd=root))
        two.add(timed(jaarverslag("build", "-f", "pdf", "-j", "2", "-o", f"j2-{run}"), cwd=root))
    naive = Row(f"naive: one `weasyprint` command per document ({count})")
    start, peak = time.perf_counter(), 0
    for page in pages:
        floor = [*weasyprint_cmd(), "--pdf-variant", "pdf/ua-1", str(page), str(tmp / "n.pdf")]
        peak = max(peak, timed(floor)[1])
    naive.add((time.perf_counter() - start, peak))
    speedup = one.median / two.median
    versus = naive.median / one.median
    table.append(one.line(f"{count / one.median:.1f} documents/s"))
    table.append(two.line(f"{count / two.median:.1f} documents/s, **{speedup:.2f}× `-j 1`**"))
    table.append(
        naive.line(
            f"{count / naive.median:.1f} documents/s; **`-j 1` is {versus:.1f}× faster, "
            f"`-j 2` {naive.median / two.median:.1f}×**"
        )
    )
    targets.append(("-j 2 ≥ 1.7× the throughput of -j 1", speedup >= 1.7, f"{speedup:.2f}×"))
    targets.append(
        (f"{count}-document batch (-j 1) ≥ 4× naive weasyprint", versus >= 4, f"{versus:.1f}×")
    )


PRIVACY_PROBE = """
import json, sys, time
import pandas as pd  # a build has pandas (and numpy) loaded before it reaches the ladder
t = time.perf_counter()
import highspy  # noqa: F401
imported = time.perf_counter() - t
from jaarverslag.compute.clienten import ladder
frame = pd.read_csv(sys.argv[1], dtype={"categorie": str})
frame["peildatum"] = pd.to_datetime(frame["peildatum"])
result = ladder(frame)
print(json.dumps([imported, result.audit_seconds, result.audit_solves]))
"""


def bench_privacy(runs: int, table: list[str], targets: list[tuple[str, bool, str]]) -> None:
    """What the privacy audit adds to the participatie example: importing HiGHS (after pandas,
    as in a build) plus the audit itself, in fresh processes."""
    import json

    clienten = ROOT / "data" / "participatie-2017" / "clienten.csv"
    added = []
    solves = 0
    for _ in range(runs):
        done = subprocess.run(
            [PYTHON, "-c", PRIVACY_PROBE, str(clienten)],
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        imported, audit, solves = json.loads(done.stdout)
        added.append(imported + audit)
    median = statistics.median(added)
    table.append(
        f"| privacy audit, participatie-2017 (import HiGHS + audit) | {median:.3f} | "
        f"| {runs} | {solves} integer programs on the counts, none on client rows |"
    )
    targets.append(
        ("privacy audit adds ≤ 0.5 s (participatie-2017)", median <= 0.5, f"{median:.3f} s")
    )


def bench_ladder() -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "bench_ladder.py")],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    status = "" if done.returncode == 0 else f"\n(bench_ladder.py exited {done.returncode})\n"
    return done.stdout.strip() + status + done.stderr.strip()


def bench_werkplek_row(
    table: list[str], targets: list[tuple[str, bool, str]], database: str | None = None
) -> None:
    """``jaarverslag web`` with 100 simulated colleagues for 2 minutes (bench_werkplek.py), on
    SQLite or on the (empty) ``database``."""
    import bench_werkplek

    result = bench_werkplek.load(100, 120, database=database)
    table.append(bench_werkplek.as_row(result))
    save, preview = result["save_ms"]["p95"], result["preview_ms"]["p95"]
    server, pool = result["server_rss_mb"], result["pool_rss_mb"]
    growth = (server["last_third"] + pool["last_third"]) / max(
        1, server["first_third"] + pool["first_third"]
    )
    on = "" if database is None else f" ({result['database']})"
    targets.append((f"werkplek{on}: a text save p95 < 300 ms", save < 300, f"{save} ms"))
    targets.append((f"werkplek{on}: a preview update p95 < 1 s", preview < 1000, f"{preview} ms"))
    errors = result["errors"] + result["lost"]
    targets.append((f"werkplek{on}: no error, nothing lost", errors == 0, str(errors)))
    targets.append(
        (f"werkplek{on}: memory does not grow (last third / first)", growth < 1.25,
         f"{growth:.2f}×")
    )  # fmt: skip


def bench_werkplek_on_postgres(table: list[str], targets: list[tuple[str, bool, str]]) -> None:
    """The same on a throwaway PostgreSQL server, as the tests start one (durable: fsync and
    synchronous_commit on); left out, with a word, where PostgreSQL is not installed."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.postgres import PostgresUnavailable, running_postgres

    try:
        with running_postgres(durable=True) as server:
            bench_werkplek_row(table, targets, server.url(driver=""))
    except PostgresUnavailable as exc:
        table.append(f"| werkplek on postgresql: left out | | | | {exc} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per single-rapport figure")
    parser.add_argument("--count", type=int, default=342, help="rapports in the batch")
    parser.add_argument("--batch-runs", type=int, default=1, help="runs of -j 1 and -j 2")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench.md")
    parser.add_argument("--no-ladder", action="store_true", help="skip the 1.6M-row ladder")
    parser.add_argument("--no-reeks", action="store_true", help="skip the 342-gemeente reeks")
    parser.add_argument("--only-reeks", action="store_true", help="only the reeks (issue 16)")
    parser.add_argument("--no-werkplek", action="store_true", help="skip the werkplek's load")
    parser.add_argument("--only-werkplek", action="store_true", help="only the werkplek's load")
    args = parser.parse_args(argv)
    table = [
        "| what (whole command) | median s | peak RSS MB | runs | note |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    targets: list[tuple[str, bool, str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="jaarverslag-bench-") as name:
        tmp = Path(name)
        examples = sorted(p for p in (ROOT / "data").iterdir() if p.is_dir())
        only = args.only_reeks or args.only_werkplek
        for folder in [] if only else examples:
            if (folder / "gemeenten.csv").is_file():
                continue  # a reeks: bench_reeks.py, below
            print(f"… {folder.name}", file=sys.stderr)
            bench_rapport(folder, args.runs, tmp, table, targets)
            bench_pandoc(folder, args.runs, tmp, table)
            bench_serve(folder, args.runs, tmp, table, targets)
        if not only:
            print("… privacy audit", file=sys.stderr)
            bench_privacy(args.runs, table, targets)
            print(f"… batch of {args.count} rapports", file=sys.stderr)
            bench_batch(args.count, args.batch_runs, tmp, table, targets)
        if not args.no_reeks and not args.only_werkplek:
            import bench_reeks

            print("… reeks of every gemeente", file=sys.stderr)
            bench_reeks.run(sys.modules[__name__], tmp, table, targets, args.batch_runs)
            print("… the reeks's site", file=sys.stderr)
            bench_reeks.run_site(sys.modules[__name__], tmp, table, targets, args.batch_runs)
        if not args.no_werkplek and not args.only_reeks:
            print("… werkplek: 100 colleagues for 2 minutes", file=sys.stderr)
            bench_werkplek_row(table, targets)
            print("… werkplek on PostgreSQL: 100 colleagues for 2 minutes", file=sys.stderr)
            bench_werkplek_on_postgres(table, targets)
        skip = args.no_ladder or only
        ladder = "" if skip else (print("… ladder", file=sys.stderr) or bench_ladder())
    lines = [
        f"# jaarverslag bench ({os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{time.perf_counter() - started:.0f} s)",
        "",
        *table,
        "",
        "| target | result | measured |",
        "| --- | --- | ---: |",
        *(f"| {what} | {'ok' if ok else '**MISSED**'} | {value} |" for what, ok, value in targets),
    ]
    if CRASHES:
        lines += ["", f"Commands killed by a signal and run again: {len(CRASHES)}", ""]
        lines += [f"- signal {number}: `{command}`" for command, number in CRASHES]
    if ladder:
        lines += ["", "## Ladder at 1.6 million rows (bench/bench_ladder.py)", "", ladder]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0 if all(ok for _, ok, _ in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
