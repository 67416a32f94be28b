"""Benchmark: synthetic ``clienten.csv`` → load and validate → every participatieladder table.

Generates N clients × 4 peildata (default 400,000), writes the CSV to a temporary folder, then
measures in a fresh subprocess (so the peak resident memory belongs to this work alone):
(a) loading and validating, (b) computing every ladder table. The measurement runs
``--repeat`` times (default 3) and the fastest run counts, because other processes on a shared
2-core machine only ever add time; every run's total is printed. Prints a markdown table and
exits 1 when load + compute takes 5 s or more, or the peak reaches 2 GB.

    python bench/bench_ladder.py [--clients N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PEILDATA = (date(2017, 1, 31), date(2017, 4, 30), date(2017, 8, 31), date(2017, 12, 31))
LIMIT_SECONDS = 5.0
LIMIT_BYTES = 2 * 1024**3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the fastest counts")
    parser.add_argument(
        "--loader",
        choices=("schemas", "pandas"),
        default="schemas",
        help="schemas.read_and_validate (default; pandas when it cannot be imported) or a plain "
        "pandas.read_csv, to time the computation alone",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.loader)

    sys.path.insert(0, str(SRC))
    from jaarverslag.inputs.synthetic import generate_clienten, write_clienten_csv

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clienten.csv"
        t0 = time.perf_counter()
        frame = generate_clienten(args.clients, PEILDATA, seed=args.seed)
        t1 = time.perf_counter()
        write_clienten_csv(frame, path)
        t2 = time.perf_counter()
        rows, size = len(frame), path.stat().st_size
        del frame
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
        }
        runs = []
        for _ in range(max(1, args.repeat)):
            done = subprocess.run(
                [sys.executable, __file__, "--worker", str(path), "--loader", args.loader],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                sys.stderr.write(done.stdout + done.stderr)
                return 1
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    m = min(runs, key=lambda r: r["load_s"] + r["compute_s"])
    total = m["load_s"] + m["compute_s"]
    all_totals = ", ".join(f"{r['load_s'] + r['compute_s']:.2f}" for r in runs)
    mb = 1024**2
    print(f"participatieladder: {args.clients:,} clients, {rows:,} rows, CSV {size / mb:.0f} MB")
    print()
    print("| step | seconds | peak RSS (MB) |")
    print("| --- | ---: | ---: |")
    print(f"| generate (not timed in limit) | {t1 - t0:.2f} | |")
    print(f"| write CSV (not timed in limit) | {t2 - t1:.2f} | |")
    print(f"| interpreter + imports | | {m['rss_imports'] / mb:.0f} |")
    print(f"| load + validate ({m['loader']}) | {m['load_s']:.2f} | {m['rss_load'] / mb:.0f} |")
    print(
        f"| compute {m['tables']} ladder tables | {m['compute_s']:.2f} | {m['rss_peak'] / mb:.0f} |"
    )
    print(f"| **load + compute** | **{total:.2f}** | **{m['rss_peak'] / mb:.0f}** |")
    print()
    print(f"fastest of {len(runs)} runs; load + compute per run: {all_totals} s")
    failed = []
    if total >= LIMIT_SECONDS:
        failed.append(f"load + compute took {total:.2f} s (limit {LIMIT_SECONDS:g} s)")
    if m["rss_peak"] >= LIMIT_BYTES:
        failed.append(f"peak memory {m['rss_peak'] / mb:.0f} MB (limit 2048 MB)")
    if m["problems"]:
        failed.append(f"the loader reported {m['problems']} problem(s) in generated data")
    for reason in failed:
        print(f"FAIL: {reason}", file=sys.stderr)
    return 1 if failed else 0


def _rss() -> int:
    """Peak resident set size of this process in bytes.

    Linux: ``VmHWM`` from ``/proc/self/status``, because ``ru_maxrss`` survives ``exec`` and
    would report the parent's peak (it holds the generated frame) instead of ours.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _worker(path: Path, which: str) -> int:
    """Load and compute in this fresh process; print the measurements as one JSON line."""
    import pandas as pd  # noqa: F401 - imported before measuring, as the real build does

    from jaarverslag.compute.clienten import ladder

    read_and_validate = _fallback_read
    loader = "pandas.read_csv fallback"
    if which == "schemas":
        try:
            from jaarverslag.inputs.tables.schemas import read_and_validate

            loader = "schemas.read_and_validate"
        except ImportError:
            pass
    rss_imports = _rss()
    t0 = time.perf_counter()
    frame, problems = read_and_validate(path, "clienten")
    t1 = time.perf_counter()
    rss_load = _rss()
    errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
    if errors:
        print(f"{len(errors)} problem(s), first: {errors[0]}", file=sys.stderr)
    result = ladder(frame)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "loader": loader,
                "load_s": t1 - t0,
                "compute_s": t2 - t1,
                "rss_imports": rss_imports,
                "rss_load": rss_load,
                "rss_peak": _rss(),
                "tables": len(result.tables),
                "problems": len(errors),
            }
        )
    )
    return 0


def _fallback_read(path: Path, name: str) -> tuple[object, list[object]]:
    """Stand-in for the real loader: typed as the loader types ``clienten``, no checks."""
    import numpy as np
    import pandas as pd

    frame = pd.read_csv(path, dtype={"client": "str", "trede": np.int8, "leeftijd": np.float64})
    frame["peildatum"] = pd.to_datetime(frame["peildatum"], format="%Y-%m-%d").astype(
        "datetime64[ns]"
    )
    frame["_line"] = np.arange(2, len(frame) + 2)
    return frame, []


if __name__ == "__main__":
    sys.exit(main())
