"""The command as an attacker runs it: a real ``python -m jaarverslag`` under a memory cap and a
timeout, its output, time and peak memory measured (``from support.commands import …``).

:func:`jaarverslag` runs one command to its end; :class:`Serving` starts ``serve`` on a free port
of 127.0.0.1 and fetches its pages. Both put the child under ``RLIMIT_AS`` (address space, so a
runaway allocation is a ``MemoryError`` in the child, not the machine's out-of-memory killer) and
kill it when the timeout passes.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import jaarverslag

#: The package the tests import (this checkout's, or another given in PYTHONPATH): the commands
#: run the same code.
SRC = Path(jaarverslag.__file__).resolve().parents[1]
#: The cap of every command in these tests: what a shared server would give one upload.
MEMORY_MB = 3072
INTERNAL = ("Traceback", "interne fout")


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float
    timed_out: bool

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def internal(self) -> bool:
        """A traceback or the guard's message: a bug, not a message about the input."""
        return any(marker in self.text for marker in INTERNAL)


def environment() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "JAARVERSLAG_CACHE_DIR": ""}
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def probe(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """What ``code`` prints in a fresh interpreter that imports this checkout's package
    (``env``: its whole environment instead of ours); fails the test when the code fails."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env if env is not None else {**os.environ, "PYTHONPATH": str(SRC)},
        check=True,
        timeout=timeout,
    )
    return done.stdout


def limited(memory_mb: int) -> None:
    """``preexec_fn``: the child's address space capped, a session of its own, Ctrl-C as usual."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.setsid()


def jaarverslag(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 60,
    memory_mb: int = MEMORY_MB,
    env: dict[str, str] | None = None,
) -> Run:
    """Run the command to its end (or kill it, with its helpers, after ``timeout``)."""
    start = time.monotonic()
    with (
        open(os.devnull, "rb") as stdin,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        process = subprocess.Popen(
            [sys.executable, "-m", "jaarverslag", *map(str, args)],
            cwd=cwd,
            env=env or environment(),
            stdin=stdin,
            stdout=out,
            stderr=err,
            preexec_fn=lambda: limited(memory_mb),
        )
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            _kill_group(process.pid)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            _kill_group(process.pid)  # a helper left behind
        code = process.returncode = os.waitstatus_to_exitcode(status)
        texts = []
        for handle in (out, err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
    seconds = time.monotonic() - start
    return Run(code, texts[0], texts[1], seconds, usage.ru_maxrss / 1024, expired.is_set())


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class Serving:
    """``jaarverslag serve FOLDER`` on a free port of 127.0.0.1, under the memory cap."""

    def __init__(self, folder: Path, memory_mb: int = MEMORY_MB, timeout: float = 60) -> None:
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self.drain: threading.Thread | None = None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jaarverslag", "serve", str(folder), "--port", "0"],
            env=environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: limited(memory_mb),
        )
        self.url = self._wait_for_url(timeout)

    def _wait_for_url(self, timeout: float) -> str:
        assert self.process.stderr is not None
        seen = b""
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stderr, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    break
                chunk = os.read(self.process.stderr.fileno(), 65536)
                if not chunk:
                    break
                seen += chunk
                found = re.search(rb"voorbeeld op (http://\S+)", seen)
                if found:
                    self.said = seen.decode("utf-8", "replace")
                    self.drain = threading.Thread(target=self._drain, daemon=True)
                    self.drain.start()
                    return found.group(1).decode()
        self.stop()
        raise AssertionError(f"serve did not start: {seen.decode('utf-8', 'replace')}")

    def _drain(self) -> None:
        assert self.process.stderr is not None
        while chunk := os.read(self.process.stderr.fileno(), 65536):
            self.err.write(chunk)

    def get(self, path: str = "/", timeout: float = 30) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=timeout) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode("utf-8", "replace")

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def errors(self) -> str:
        """What serve printed so far (call before :meth:`stop`)."""
        self.err.seek(0)
        return self.said + self.err.read().decode("utf-8", "replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill_group(self.process.pid)
                self.process.wait()
        _kill_group(self.process.pid)
        if self.drain is not None:  # it reads to the end of serve's output, then stops
            self.drain.join(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        self.err.close()
        return self.process.returncode

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
