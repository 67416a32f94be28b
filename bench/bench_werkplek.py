"""The werkplek under load: ``jaarverslag web`` started as IT starts it, and N simulated colleagues
(httpx API clients on 127.0.0.1, each logged in with a password as a browser is, with the
session's CSRF token) working at once for a bounded time. Teams of two share a rapport made from
the starter workbook; each colleague writes one of its texts. Each, on its own random clock:

- every few seconds (``--edit`` s, ±40%) an edit: the live preview of the unsaved text
  (``POST …/voorbeeld``, then the preview page it names: what the browser's frame loads), and
  the text saved (``PUT`` with ``If-Match``; answered once stored, with the check's messages
  when the preview of that very text already said them, else ``"controle": "bezig"``);
- now and then (``--upload`` s) the workbook uploaded again, saved anew by openpyxl (the same
  figures, other bytes: a new version, read and checked again);
- about every ``--build`` s a PDF build, followed until it is done (one at a time per person),
  asking again when the werkplek's answer says (``opnieuw_over``), as the browser's page does.

Reported: requests per second, p50/p95/p99 of a text save and of a preview update, the build
queue's wait (started − requested) and how long builds took, errors (any answer but the
expected; 412 conflicts would be counted apart), and the peak resident memory of the server
process and of its worker processes together, sampled every second — with the average of the
first and the last third of the run, to see whether memory grows; and the cores each part
used over the work (``cores``: the server, the worker of checks and previews, the build
workers, the bench's own clients, and the share of the machine's cores busy with anything) —
on a machine that is full, latency is waiting for a core. At the end every
acknowledged save is read back: the text each colleague last saved with a 200 must be the
rapport's text (``lost`` counts those that are not).

    python bench/bench_werkplek.py [--users 100] [--seconds 120] [--json out.json]
        [--database URL | --postgres]

``--database URL``: the werkplek on that (empty) database instead of SQLite in its data folder;
``--postgres``: on a throwaway PostgreSQL server started for the run as the tests start one
(``tests/support/postgres.py``; durable: ``fsync`` and ``synchronous_commit`` on, as IT runs it).

Bounded: at most ``--users`` clients and ``--seconds`` of work (plus the builds still running,
at most ``--drain`` s more); each request times out after 120 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "een-lang-wachtwoord-voor-de-bench"
TEXTS = ("teksten/inleiding.md", "teksten/conclusie.md")


@dataclass
class Figures:
    saves: list[float] = field(default_factory=list)
    previews: list[float] = field(default_factory=list)
    opened: list[float] = field(default_factory=list)  #: the first preview, as a page opens
    uploads: list[float] = field(default_factory=list)
    logins: list[float] = field(default_factory=list)
    build_waits: list[float] = field(default_factory=list)
    build_times: list[float] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    checked_later: int = 0  #: saves answered before their check ("controle": "bezig")
    builds_failed: int = 0
    lost: int = 0
    server_rss: list[int] = field(default_factory=list)
    pool_rss: list[int] = field(default_factory=list)
    #: cores used over the work, by role (see :meth:`Server.processes`; ``clients``: the bench
    #: itself), and the share of the machine's cores busy with anything
    cores: dict[str, float] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# -- the server ---------------------------------------------------------------------------------


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "JAARVERSLAG_CACHE_DIR": ""}


def make_users(data: Path, count: int, database: str | None) -> list[str]:
    """``count`` local accounts, straight in the werkplek's database (one Argon2 hash for all:
    a hundred ``jaarverslag web gebruiker`` commands would take minutes of start-up)."""
    sys.path.insert(0, str(ROOT / "src"))
    from jaarverslag.web import accounts, db
    from jaarverslag.web.models import User

    data.mkdir(parents=True, exist_ok=True)
    made = db.engine(database or db.default_url(data))
    try:
        db.prepare(made, "jaarverslag web migreer")
        hashed = accounts.hash_password(PASSWORD)
        names = [f"collega{i:03d}" for i in range(count)]
        with db.writing(made) as session:
            for name in names:
                session.add(User(name=name, password=hashed, admin=False))
    finally:
        made.dispose()
    return names


class Server:
    """``jaarverslag web`` in its own process; its stderr kept, its memory sampled."""

    def __init__(self, data: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jaarverslag", "web", "--data", str(data), "--port", "0", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
            start_new_session=True,
        )
        self.lines: list[str] = []
        assert self.process.stderr is not None
        self.url = ""
        for line in self.process.stderr:
            self.lines.append(line)
            found = re.search(r"werkplek op (http://\S+)/", line)
            if found:
                self.url = found.group(1)
                break
        if not self.url:
            raise SystemExit("jaarverslag web did not start:\n" + "".join(self.lines))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def processes(self) -> dict[int, tuple[str, int, float]]:
        """The server and every process under it: pid → (role, resident MB, CPU seconds so
        far). Roles: ``server``, ``builds`` (the build workers, at niceness 19) and ``checks``
        (the worker of checks and previews, with the forkserver that starts the workers)."""
        parents: dict[int, int] = {}
        seen: dict[int, tuple[int, int, float]] = {}  # pid → (nice, MB, CPU s)
        tick = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                status = (entry / "status").read_text()
            except OSError:
                continue
            found = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
            pid = int(entry.name)
            parents[pid] = int(stat[1])
            cpu = (int(stat[11]) + int(stat[12])) / tick  # utime + stime
            seen[pid] = (int(stat[16]), int(found.group(1)) // 1024 if found else 0, cpu)
        own = self.process.pid
        result: dict[int, tuple[str, int, float]] = {}
        for pid, (nice, mb, cpu) in seen.items():
            above = pid
            while above > 1 and above != own:
                above = parents.get(above, 0)
            if above == own:
                role = "server" if pid == own else "builds" if nice > 0 else "checks"
                result[pid] = (role, mb, cpu)
        return result

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return "".join(self.lines)


# -- the colleagues -----------------------------------------------------------------------------


class Colleague:
    def __init__(self, name: str, url: str, figures: Figures) -> None:
        self.name, self.figures = name, figures
        self.http = httpx.AsyncClient(base_url=url, timeout=120, headers={"Origin": url})
        self.rapport = ""
        self.path = ""
        self.etag: str | None = None
        self.saved: str | None = None  #: the text of the last save answered 200
        self.edits = 0
        self.workbook = b""

    async def call(self, method: str, url: str, expect: tuple[int, ...], **kw: Any) -> Any:
        self.figures.requests += 1
        try:
            answer = await self.http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            self.figures.errors.append(f"{method} {url}: {type(exc).__name__}")
            return None
        if answer.status_code == 412:
            self.figures.conflicts += 1
        elif answer.status_code not in expect:
            self.figures.errors.append(f"{method} {url}: {answer.status_code} {answer.text[:200]}")
            return None
        return answer

    async def log_in(self) -> None:
        start = time.perf_counter()
        form = {"naam": self.name, "wachtwoord": PASSWORD, "terug": "/rapporten"}
        answer = await self.call("POST", "/inloggen", (303,), data=form)
        page = await self.call("GET", "/rapporten", (200,))
        self.figures.logins.append(time.perf_counter() - start)
        if answer is None or page is None:
            raise RuntimeError(f"{self.name} could not log in")
        found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        assert found, page.text[:300]
        self.http.headers["X-CSRF-Token"] = found.group(1)

    async def join(self, rapport: str, path: str) -> None:
        self.rapport, self.path = rapport, path
        answer = await self.call("GET", f"/api/rapporten/{rapport}/bestanden/{path}", (200,))
        assert answer is not None
        self.etag, self.saved = answer.headers["etag"], answer.text
        book = await self.call("GET", f"/api/rapporten/{rapport}/bestanden/rapport.xlsx", (200,))
        assert book is not None
        self.workbook = book.content
        start = time.perf_counter()  # the text's page opens, and shows its preview at once
        if await self.show(self.saved):
            self.figures.opened.append(time.perf_counter() - start)

    async def show(self, draft: str) -> bool:
        """The preview of ``draft`` as the text's page asks for it, and the page it names."""
        base = f"/api/rapporten/{self.rapport}"
        shown = await self.call(
            "POST", f"{base}/voorbeeld", (200,), json={"concepten": {self.path: draft}}
        )
        return shown is not None and (
            await self.call("GET", shown.json()["adres"], (200,)) is not None
        )

    def text(self) -> str:
        self.edits += 1
        return (
            f"# {self.path.rsplit('/', 1)[-1][:-3].title()}\n\n"
            f"Bewerking {self.edits} van {self.name}: het aantal P-banen groeide in "
            f"{2025 - self.edits % 5} met een beetje.\n"
        )

    async def edit(self) -> None:
        draft = self.text()
        base = f"/api/rapporten/{self.rapport}"
        start = time.perf_counter()
        if await self.show(draft):
            self.figures.previews.append(time.perf_counter() - start)
        start = time.perf_counter()
        headers = {"If-Match": self.etag} if self.etag else {}
        saved = await self.call(
            "PUT", f"{base}/bestanden/{self.path}", (200, 201), content=draft, headers=headers
        )
        if saved is not None:
            self.figures.saves.append(time.perf_counter() - start)
            if saved.json().get("controle") == "bezig":
                self.figures.checked_later += 1
            self.etag, self.saved = saved.headers.get("etag"), draft

    async def upload(self) -> None:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(self.workbook))
        book.properties.description = f"opgeslagen door {self.name} ({time.time():.0f})"
        out = io.BytesIO()
        book.save(out)
        start = time.perf_counter()
        answer = await self.call(
            "PUT", f"/api/rapporten/{self.rapport}/bestanden/rapport.xlsx", (200, 201),
            content=out.getvalue(),
        )  # fmt: skip
        if answer is not None:
            self.figures.uploads.append(time.perf_counter() - start)

    async def build(self, deadline: float) -> None:
        base = f"/api/rapporten/{self.rapport}/builds"
        started = await self.call("POST", base, (202,), json={"formaten": ["pdf"]})
        if started is None:
            return
        number = started.json()["id"]
        pause = started.json().get("opnieuw_over", 1)
        while time.monotonic() < deadline:
            await asyncio.sleep(pause)  # as the browser's page: when the werkplek says to ask
            answer = await self.call("GET", f"{base}/{number}", (200,))
            if answer is None:
                return
            found = answer.json()
            pause = found.get("opnieuw_over", 1)
            if found["status"] in ("klaar", "mislukt"):
                if found["status"] == "mislukt":
                    self.figures.builds_failed += 1
                    self.figures.errors.append(f"build {number}: {found.get('fout')}")
                    return
                made = _moment(found["aangemaakt"])
                self.figures.build_waits.append(_moment(found["begonnen"]) - made)
                self.figures.build_times.append(_moment(found["klaar"]) - made)
                return

    async def work(self, until: float, drain: float, every: dict[str, float]) -> None:
        rng = random.Random(self.name)
        clock = {k: time.monotonic() + rng.uniform(0, v) for k, v in every.items()}
        building: asyncio.Task[None] | None = None
        while (now := time.monotonic()) < until:
            due = min(clock, key=clock.__getitem__)
            if clock[due] > now:
                await asyncio.sleep(min(clock[due], until) - now)
                continue
            clock[due] = time.monotonic() + every[due] * rng.uniform(0.6, 1.4)
            if due == "edit":
                await self.edit()
            elif due == "upload":
                await self.upload()
            elif building is None or building.done():
                building = asyncio.create_task(self.build(until + drain))
        if building is not None:
            await building

    async def verify(self) -> bool:
        answer = await self.call(
            "GET", f"/api/rapporten/{self.rapport}/bestanden/{self.path}", (200,)
        )
        return answer is not None and answer.text == self.saved


def _moment(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


async def run(url: str, names: list[str], seconds: float, drain: float, every: dict[str, float],
              figures: Figures, server: Server) -> float:  # fmt: skip
    people = [Colleague(n, url, figures) for n in names]
    limit = asyncio.Semaphore(20)  # logins (Argon2) twenty at a time, as a morning's start

    async def log_in(person: Colleague) -> None:
        async with limit:
            await person.log_in()

    await asyncio.gather(*(log_in(p) for p in people))
    for lead, other in zip(people[::2], people[1::2], strict=False):
        name = f"team-{lead.name[-3:]}"
        made = await lead.call("POST", "/api/rapporten", (201,), json={"naam": name, "excel": True})
        assert made is not None, figures.errors
        await lead.call(
            "PUT", f"/api/rapporten/{name}/leden/{other.name}", (200, 201),
            json={"rol": "schrijver"},
        )  # fmt: skip
    await asyncio.gather(  # everyone opens the page of their text
        *(
            person.join(f"team-{people[i - i % 2].name[-3:]}", TEXTS[i % 2])
            for i, person in enumerate(people)
        )
    )
    figures.requests = 0
    stop = threading.Event()

    first: dict[int, float] = {}  # CPU seconds of each process when first seen, and last
    last: dict[int, tuple[str, float]] = {}

    def sample() -> None:
        while not stop.wait(1.0):
            found = server.processes()
            figures.server_rss.append(sum(m for r, m, _c in found.values() if r == "server"))
            figures.pool_rss.append(sum(m for r, m, _c in found.values() if r != "server"))
            for pid, (role, _mb, cpu) in found.items():
                first.setdefault(pid, cpu)
                last[pid] = role, cpu

    for pid, (_role, _mb, cpu) in server.processes().items():
        first[pid] = cpu
    machine, clients = busy(), time.process_time()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.monotonic()
    await asyncio.gather(*(p.work(start + seconds, drain, every) for p in people))
    elapsed = time.monotonic() - start
    stop.set()
    sampler.join()
    used: dict[str, float] = {"server": 0.0, "checks": 0.0, "builds": 0.0}
    for pid, (role, cpu) in last.items():
        used[role] += cpu - first[pid]
    used["clients"] = time.process_time() - clients
    now = busy()
    figures.cores = {k: round(v / elapsed, 2) for k, v in used.items()} | {
        "machine_busy_share": round((now[0] - machine[0]) / max(1e-9, now[1] - machine[1]), 2)
    }
    checks = await asyncio.gather(*(p.verify() for p in people))
    figures.lost = checks.count(False)
    for person in people:
        await person.http.aclose()
    return elapsed


def busy() -> tuple[float, float]:
    """The machine's CPU time so far: (busy, all), in ticks of every core (/proc/stat)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # idle and iowait are not busy


def thirds(values: list[int]) -> tuple[float, float]:
    third = max(1, len(values) // 3)
    return statistics.fmean(values[:third]), statistics.fmean(values[-third:])


def report(figures: Figures, users: int, elapsed: float) -> dict[str, Any]:
    def ms(values: list[float]) -> dict[str, float]:
        return {
            f"p{int(q * 100)}": round(percentile(values, q) * 1000) for q in (0.5, 0.95, 0.99)
        } | {"n": len(values)}

    first, last = thirds(figures.server_rss or [0])
    pool_first, pool_last = thirds(figures.pool_rss or [0])
    return {
        "colleagues": users,
        "seconds": round(elapsed, 1),
        "requests_per_second": round(figures.requests / elapsed, 1),
        "save_ms": ms(figures.saves),
        "preview_ms": ms(figures.previews),
        "preview_on_opening_ms": ms(figures.opened),
        "upload_ms": ms(figures.uploads),
        "login_ms": ms(figures.logins),
        "build_wait_s": {
            k: round(v / 1000, 1) for k, v in ms(figures.build_waits).items() if k != "n"
        } | {"n": len(figures.build_waits)},
        "build_total_s": {
            k: round(v / 1000, 1) for k, v in ms(figures.build_times).items() if k != "n"
        },
        "errors": len(figures.errors),
        "error_examples": figures.errors[:5],
        "conflicts_412": figures.conflicts,
        "saves_checked_later": figures.checked_later,
        "lost": figures.lost,
        "server_rss_mb": {"peak": max(figures.server_rss or [0]),
                          "first_third": round(first), "last_third": round(last)},
        "cores": figures.cores,
        "pool_rss_mb": {"peak": max(figures.pool_rss or [0]),
                        "first_third": round(pool_first), "last_third": round(pool_last)},
    }  # fmt: skip


def load(
    users: int,
    seconds: float,
    *,
    drain: float = 60,
    edit: float = 4,
    upload: float = 90,
    build: float = 30,
    workers: int = 2,
    check_workers: int = 1,
    folder: Path | None = None,
    log_to: Path | None = None,
    database: str | None = None,
) -> dict[str, Any]:
    """Run the load; the report as a dict."""
    tmp = Path(tempfile.mkdtemp(prefix="jv-load-", dir=folder))
    try:
        names = make_users(tmp / "data", users, database)
        server = Server(
            tmp / "data", "--werkers", str(workers), "--controlewerkers", str(check_workers),
            *(("--database", database) if database else ()),
        )  # fmt: skip
        figures = Figures()
        try:
            every = {"edit": edit, "upload": upload, "build": build}
            elapsed = asyncio.run(run(server.url, names, seconds, drain, every, figures, server))
        finally:
            log = server.stop()
            if log_to is not None:  # the server's own lines: one per request, with its ms
                log_to.write_text(log)
        result = report(figures, users, elapsed)
        result["database"] = database.split(":", 1)[0].split("+")[0] if database else "sqlite"
        result["server_log_lines"] = len(log.splitlines())
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def as_row(result: dict[str, Any]) -> str:
    s, p, w = result["save_ms"], result["preview_ms"], result["build_wait_s"]
    c = result["cores"]
    on = "" if result.get("database", "sqlite") == "sqlite" else f" on {result['database']}"
    return (
        f"| werkplek{on}: {result['colleagues']} colleagues for {result['seconds']:.0f} s | "
        f"{result['requests_per_second']} req/s | save p50/p95/p99 {s['p50']}/{s['p95']}/{s['p99']}"
        f" ms; preview {p['p50']}/{p['p95']}/{p['p99']} ms; build wait p50/p95 {w['p50']}/"
        f"{w['p95']} s ({w['n']} builds); errors {result['errors']}, lost {result['lost']}; "
        f"peak RSS server {result['server_rss_mb']['peak']} MB, pool "
        f"{result['pool_rss_mb']['peak']} MB; cores: server {c['server']}, checks {c['checks']}, "
        f"builds {c['builds']}, clients {c['clients']}, machine busy "
        f"{c['machine_busy_share']:.0%} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--drain", type=float, default=60)
    parser.add_argument("--edit", type=float, default=4)
    parser.add_argument("--upload", type=float, default=90)
    parser.add_argument("--build", type=float, default=30)
    parser.add_argument("--werkers", type=int, default=2)
    parser.add_argument("--controlewerkers", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--log", type=Path, help="write the server's log (a line per request)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", help="an empty database's URL (default: SQLite)")
    where.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.postgres:
            sys.path.insert(0, str(ROOT / "tests"))
            from support.postgres import running_postgres

            args.database = stack.enter_context(running_postgres(durable=True)).url(driver="")
        result = load(
            args.users, args.seconds, drain=args.drain, edit=args.edit, upload=args.upload,
            build=args.build, workers=args.werkers, check_workers=args.controlewerkers,
            log_to=args.log, database=args.database,
        )  # fmt: skip
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
