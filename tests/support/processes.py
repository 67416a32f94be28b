"""Small pieces the servers of :mod:`support` share: a free port, a child that dies with the
test process, and waiting for a child's "I listen" line."""

from __future__ import annotations

import ctypes
import selectors
import signal
import socket
import subprocess
import time


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port of ``host`` that nobody listens on right now (another process may take it
    before you bind it: bind port 0 yourself where you can, or retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Make the calling process receive ``sig`` when its parent dies (Linux
    ``PR_SET_PDEATHSIG``); as ``preexec_fn``, a test process killed with SIGKILL leaves no
    server behind. The signal follows the *thread* that started the child: start servers from
    the main thread (fixtures do)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, int(sig), 0, 0, 0)


def read_line_until(
    process: subprocess.Popen[str], prefix: str, timeout: float = 30
) -> tuple[str | None, str]:
    """Read the child's stdout until a line starts with ``prefix``; that line (None if the
    child exited or ``timeout`` passed) and everything read before it."""
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith(prefix):
                return line.rstrip("\n"), "".join(seen)
            seen.append(line)
    return None, "".join(seen)
