"""A throwaway PostgreSQL server for tests: a cluster in a temporary folder, on 127.0.0.1.

The server binaries come from Debian's ``postgresql`` package (``scripts/infra-deps.sh``
installs it); nothing is configured system-wide and no service is started: ``initdb`` makes a
cluster in a new temporary folder, ``postgres`` runs as a child process on a free port of
127.0.0.1 (and a unix socket in the same folder), and everything is removed afterwards — also
when a test fails, and the server goes down with the test process if that is killed
(``PR_SET_PDEATHSIG``). PostgreSQL refuses to run as root: as root, the cluster belongs to the
``postgres`` user (``nobody`` if there is none) and the server runs as that user.

Use it as a context manager anywhere::

    from support.postgres import running_postgres

    with running_postgres() as pg:
        engine = sqlalchemy.create_engine(pg.url())           # postgresql+psycopg://…
        other = pg.create_database("tweede")                 # a URL of a new, empty database

or as pytest fixtures (``pytest_plugins = ["support.postgres"]``): ``postgres`` is one server
per test session (per xdist worker), ``postgres_url`` a fresh database on it for each test,
dropped afterwards. Without the binaries both skip with the reason; with
``JAARVERSLAG_REQUIRE_POSTGRES=1`` (set it in CI) they fail instead.

The server is tuned for tests, not for keeping data: ``fsync``, ``synchronous_commit`` and
``full_page_writes`` are off unless ``durable=True`` (a test that kills PostgreSQL itself).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from support.processes import die_with_parent, free_port

#: The superuser of every throwaway cluster; its password is random per server.
SUPERUSER = "postgres"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries (initdb, postgres) are not on this machine."""


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``postgres``: ``$PG_BINDIR``, else the one on the PATH,
    else Debian's newest ``/usr/lib/postgresql/N/bin`` (not on the PATH by default)."""
    candidates: list[Path] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = [p for p in debian.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: -int(p.name))]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def _sweep_stale(older_than: float = 3600) -> None:
    """Remove the folders of servers whose test process was killed (SIGKILL leaves them): a
    ``jv-pg-*`` folder untouched for an hour whose postmaster no longer runs."""
    for folder in Path(tempfile.gettempdir()).glob("jv-pg-*"):
        with contextlib.suppress(OSError, ValueError):
            if time.time() - folder.stat().st_mtime < older_than:
                continue
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.is_file():
                try:
                    os.kill(int(pid_file.read_text().split()[0]), 0)
                    continue  # still running: not ours to remove
                except PermissionError:
                    continue  # running as another user
                except ProcessLookupError:
                    pass
            shutil.rmtree(folder, ignore_errors=True)


def _server_user() -> pwd.struct_passwd | None:
    """The user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailable("running as root and there is no 'postgres' or 'nobody' user")


@dataclass
class PostgresServer:
    """A running throwaway server: where it listens, who may log in, and a few conveniences."""

    bindir: Path
    folder: Path
    port: int
    password: str
    database: str
    host: str = "127.0.0.1"
    user: str = SUPERUSER
    #: seconds spent in initdb, until the server accepted connections, and (after) in stopping it
    timings: dict[str, float] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _as: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def socket_dir(self) -> Path:
        return self.folder / "run"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, database: str | None = None, driver: str = "psycopg") -> str:
        """An SQLAlchemy URL over TCP with the password: ``postgresql+psycopg://…`` (driver
        ``""`` gives a plain ``postgresql://`` URL, as libpq and ``--database`` take it)."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return (
            f"{scheme}://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
            f"@{self.host}:{self.port}/{quote(database or self.database, safe='')}"
        )

    def log(self) -> str:
        """What the server wrote to its log (for a failure message)."""
        try:
            return self.log_file.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with ``psql`` as the superuser over the unix socket; the rows, tab-separated."""
        psql = self.bindir / "psql"
        if not psql.is_file():
            psql = Path(shutil.which("psql") or "psql")
        done = subprocess.run(
            [str(psql), "-X", "-q", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1",
             "-h", str(self.socket_dir), "-p", str(self.port), "-U", self.user, "-d", database,
             "-c", sql],
            capture_output=True, text=True, timeout=60, env={**os.environ, "PGPASSWORD": self.password},
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout

    def create_database(self, name: str | None = None, template: str = "template1") -> str:
        """Create a database (a random name if none) and return its URL."""
        name = name or f"test_{secrets.token_hex(6)}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"not a plain database name: {name!r}")
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending its open connections first (PostgreSQL 13 and newer)."""
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; idempotent."""
        process, self.process = self.process, None
        if process is None:
            return
        start = time.monotonic()
        for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT)
        process.wait()
        self.timings["stop"] = time.monotonic() - start


def _run_as(user: pwd.struct_passwd | None) -> dict[str, Any]:
    """``subprocess`` keyword arguments that run a command as ``user`` (root drops to it)."""
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _initdb(server: PostgresServer, locale: str) -> None:
    password_file = server.folder / "password"
    password_file.write_text(server.password + "\n", "utf-8")
    user = _server_user()
    if user is not None:
        os.chown(password_file, user.pw_uid, user.pw_gid)
    start = time.monotonic()
    done = subprocess.run(
        [str(server.bindir / "initdb"), "-D", str(server.data_dir), "-U", server.user,
         f"--pwfile={password_file}", "--auth-local=trust", "--auth-host=scram-sha-256",
         "-E", "UTF8", f"--locale={locale}", "--no-sync", "--no-instructions"],
        capture_output=True, text=True, cwd=server.folder, timeout=120, **server._as,
    )  # fmt: skip
    password_file.unlink()
    server.timings["initdb"] = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _start(server: PostgresServer, durable: bool, settings: dict[str, str]) -> None:
    options = {
        "listen_addresses": server.host,
        "port": str(server.port),
        "unix_socket_directories": str(server.socket_dir),
        "max_connections": "200",  # a load test's 100 colleagues with a pool each
        "shared_buffers": "64MB",
        "log_min_messages": "warning",
        "timezone": "Europe/Amsterdam",
        **(
            {}
            if durable
            else {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        ),
        **settings,
    }
    command = [str(server.bindir / "postgres"), "-D", str(server.data_dir)]
    for key, value in options.items():
        command += ["-c", f"{key}={value}"]
    start = time.monotonic()
    with server.log_file.open("ab") as log:
        server.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd=server.folder,
            preexec_fn=lambda: die_with_parent(signal.SIGQUIT),  # immediate shutdown
            **server._as,
        )
    pid_file = server.data_dir / "postmaster.pid"
    deadline = start + START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            server.process = None
            raise RuntimeError(f"postgres exited at start:\n{server.log()}")
        with contextlib.suppress(FileNotFoundError):
            # line 8 of postmaster.pid is the server's status: "ready" once it takes connections
            lines = pid_file.read_text().splitlines()
            if len(lines) >= 8 and lines[7].strip() == "ready":
                break
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"postgres did not get ready in {START_TIMEOUT:.0f} s:\n{server.log()}"
            )
        time.sleep(0.02)
    server.timings["start"] = time.monotonic() - start


@contextlib.contextmanager
def running_postgres(
    *,
    database: str = "jaarverslag",
    durable: bool = False,
    locale: str = "C.UTF-8",
    settings: dict[str, str] | None = None,
    bindir: Path | None = None,
) -> Iterator[PostgresServer]:
    """Start a throwaway server with an empty ``database``; stop it and remove every file when
    the block ends. Raises :class:`PostgresUnavailable` when the binaries are missing."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL's server binaries (initdb, postgres) are not installed: "
            "scripts/infra-deps.sh installs Debian's postgresql package"
        )
    user = _server_user()
    _sweep_stale()
    folder = Path(tempfile.mkdtemp(prefix="jv-pg-"))
    server: PostgresServer | None = None
    try:
        (folder / "run").mkdir()
        if user is not None:
            for path in (folder, folder / "run"):
                os.chown(path, user.pw_uid, user.pw_gid)
        server = PostgresServer(
            bindir=bindir, folder=folder, port=0, password=secrets.token_urlsafe(18),
            database=database, _as=_run_as(user),
        )  # fmt: skip
        _initdb(server, locale)
        for attempt in range(5):  # a free port may be taken by another worker before we bind it
            server.port = free_port()
            try:
                _start(server, durable, settings or {})
                break
            except RuntimeError:
                if attempt == 4 or "could not bind" not in server.log():
                    raise
        server.create_database(database)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# ---- pytest fixtures: `pytest_plugins = ["support.postgres"]` in a conftest or a test module


def _unavailable(reason: str) -> None:
    if os.environ.get("JAARVERSLAG_REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the test session (each xdist worker has its own)."""
    try:
        with running_postgres() as server:
            yield server
    except PostgresUnavailable as missing:
        _unavailable(str(missing))


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """The ``postgresql+psycopg://`` URL of a new, empty database, dropped after the test."""
    name = f"test_{secrets.token_hex(6)}"
    url = postgres.create_database(name)
    yield url
    postgres.drop_database(name)
