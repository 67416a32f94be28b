"""The werkplek as a test uses it: ``jaarverslag web`` in its own process, users and tokens made
with its own commands, and an HTTP client for its API::

    from support.werkplek import Werkplek

    with Werkplek(tmp_path / "wp") as wp:          # python -m jaarverslag web --data … --port 0
        wp.user("anna", admin=True)                  # jaarverslag web gebruiker anna --wachtwoord-stdin
        api = wp.client("anna")                      # httpx.Client with a Bearer token of anna
        api.post("/api/rapporten", json={"naam": "r", "excel": False})

The server process dies with the test process (``PR_SET_PDEATHSIG``); :meth:`Werkplek.stop`
stops it as Ctrl-C does and returns its exit status and what it printed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.helpers import ROOT
from support.processes import die_with_parent

PASSWORD = "een-lang-wachtwoord"

#: ``pytestmark = [BOTH_DATABASES]``: the module's tests with the ``werkplek`` fixture of
#: ``tests/web/conftest.py`` on SQLite, and again on PostgreSQL (``--database``)
BOTH_DATABASES = pytest.mark.parametrize(
    "database", ["sqlite", "postgresql"], indirect=True, scope="session"
)


def command(
    *args: str, data: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m jaarverslag web ARGS [--data DATA]`` (a command of the werkplek)."""
    where = ["--data", str(data)] if data is not None else []
    return subprocess.run(
        [sys.executable, "-m", "jaarverslag", "web", *args, *where],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
    )


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "JAARVERSLAG_CACHE_DIR": ""}


def _start() -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Werkplek:
    """``jaarverslag web --data DATA --port 0`` in its own process; :attr:`url` once it listens."""

    def __init__(self, data: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.data = Path(data)
        self.args = args
        self.env = env or {}
        #: ``--database URL`` when given: the commands that make users and tokens need it too
        at = args.index("--database") if "--database" in args else None
        self.database = args[at : at + 2] if at is not None else ()
        self.process: subprocess.Popen[str] | None = None
        self.lines: list[str] = []
        self.url = ""
        self._reader: threading.Thread | None = None

    def start(self) -> Werkplek:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jaarverslag",
                "web",
                "--data",
                str(self.data),
                "--port",
                "0",
                *self.args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**environment(), **self.env},
            preexec_fn=_start,
        )
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            found = re.search(r"werkplek op (http://\S+)/", line)
            if found:
                self.url = found.group(1)
                break
        else:
            raise AssertionError(f"jaarverslag web did not start: {''.join(self.lines)}")
        # keep reading, so a full pipe never blocks the server
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        return self

    def _drain(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        try:
            for line in self.process.stderr:
                self.lines.append(line)
        except (ValueError, OSError):  # closed by stop(): a killed server's worker still held it
            pass

    def __enter__(self) -> Werkplek:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> tuple[int | None, str]:
        """Ctrl-C, as IT stops it: the exit status and everything it printed."""
        if self.process is None:
            return None, ""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return self.process.returncode, "".join(self.lines)

    def user(self, name: str, *, admin: bool = False, password: str = PASSWORD) -> None:
        args = ["gebruiker", name, "--wachtwoord-stdin", *(["--beheerder"] if admin else [])]
        done = command(*args, *self.database, data=self.data, stdin=password + "\n")
        assert done.returncode == 0, done.stderr

    def token(self, name: str) -> str:
        done = command("token", name, *self.database, data=self.data)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def client(self, name: str | None = None, **options: Any) -> httpx.Client:
        """A client of the API, with a new token of ``name`` (none: anonymous)."""
        headers = {"Authorization": f"Bearer {self.token(name)}"} if name else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120, **options)

    @contextlib.contextmanager
    def session(self, name: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """A client logged in as a browser is (session cookie); the CSRF token of its pages is
        ``client.csrf``, sent only where a test sends it."""
        with httpx.Client(base_url=self.url, timeout=120) as client:
            yield log_in(client, name, password)


def log_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Client:
    """``client`` logged in as a browser is (a session cookie; also Starlette's in-process
    ``TestClient``); the CSRF token of its pages is ``client.csrf``."""
    answer = client.post(
        "/inloggen", data={"naam": name, "wachtwoord": password, "terug": "/rapporten"}
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/rapporten").text
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert found, page[:500]
    client.csrf = found.group(1)  # type: ignore[attr-defined]
    return client
