"""The live preview's web server: the page at ``/``, its updates as server-sent events.

Python's own threading HTTP server, one thread per connection: ``GET /`` answers the current
page (with a fresh CSP nonce for the one script it holds), ``GET /events`` stays open and says
which version the server has each time the page changes. Bound to the loopback address by
default; there, a request whose ``Host`` is not this machine (a web page that rebinds its DNS
name to 127.0.0.1) is refused too. Nothing else is served, nothing is logged per request, and a
browser that goes away mid-answer is no error.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jaarverslag.serve.page import Page, script_hashes, served

#: How often an idle event stream gets a comment line, so a closed browser is noticed.
HEARTBEAT = 15.0
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
QUIET_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class Hub:
    """The current page and its version; wakes every event stream when it changes.

    Versions start at the server's start time in milliseconds and only grow, so a page that
    was open before a restart of ``serve`` sees a newer version and fetches it.
    """

    def __init__(self, page: Page, elsewhere: Callable[[str], Page | None] | None = None) -> None:
        self._changed = threading.Condition()
        self._page = page
        #: the page at another path than ``/`` (a reeks's gemeenten), None when there is none
        self.elsewhere = elsewhere
        #: an image or stylesheet a page uses: (bytes, content type), None when there is none
        self.asset: Callable[[str], tuple[bytes, str] | None] | None = None
        self._version = time.time_ns() // 1_000_000
        self._closed = False

    def current(self) -> tuple[int, Page]:
        with self._changed:
            return self._version, self._page

    def at(self, path: str) -> tuple[int, Page | None]:
        """The version and the page at ``path`` (``/`` or what :attr:`elsewhere` knows)."""
        if path in ("/", "/index.html"):
            return self.current()
        version, _ = self.current()
        return version, self.elsewhere(path) if self.elsewhere is not None else None

    def publish(self, page: Page) -> bool:
        """Show ``page``; False (and no event) when it looks the same as the current one."""
        with self._changed:
            if page == self._page:
                return False
            self._page = page
            self._version += 1
            self._changed.notify_all()
            return True

    def wait(self, seen: int, timeout: float) -> int | None:
        """The version once it differs from ``seen`` (or after ``timeout``); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != seen or self._closed, timeout)
            return None if self._closed else self._version

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) means this machine only."""
    if host.strip("[]").lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PreviewServer(ThreadingHTTPServer):
    """Serves one :class:`Hub`; ``port`` 0 takes a free port (see :attr:`url`)."""

    daemon_threads = True  # an open event stream never holds the command up

    def __init__(self, host: str, port: int, hub: Hub) -> None:
        self.hub = hub
        self.local_only = is_loopback(host)
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closed its connection is no news; anything else is one line, never
        a traceback."""
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, QUIET_ERRORS):
            print(f"fout bij het beantwoorden van een verzoek: {error!r}", file=sys.stderr)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def version_string(self) -> str:
        return "jaarverslag-serve"

    def do_HEAD(self) -> None:
        self.do_GET(body=False)

    def do_GET(self, body: bool = True) -> None:
        if not self._host_allowed():
            self._text(403, "Geweigerd: deze voorbeeldserver is alleen voor deze computer.", body)
            return
        path = self.path.split("?", 1)[0]
        if path == "/events" and body:
            self._events()
            return
        if path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        hub = self.server.hub
        version, page = hub.at(path)
        if page is not None:
            self._page(page, version, body)
            return
        found = hub.asset(path) if hub.asset is not None else None
        if found is None:
            self._text(404, "Niet gevonden: deze server toont alleen het rapport, op /.", body)
            return
        data, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _host_allowed(self) -> bool:
        if not self.server.local_only:
            return True
        host = self.headers.get("Host")
        if host is None:
            return True  # not from a browser, which always names the host
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return is_loopback(name)

    def _page(self, page: Page, version: int, body: bool) -> None:
        nonce = secrets.token_urlsafe(16)
        data = served(page, version, nonce).encode()
        scripts = " ".join([f"'nonce-{nonce}'", *script_hashes(page)])
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src {scripts}; connect-src 'self'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        )
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        hub = self.server.hub
        version, _ = hub.current()
        self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode())
        self.wfile.flush()
        while True:
            latest = hub.wait(version, HEARTBEAT)
            if latest is None:
                return
            if latest == version:
                self.wfile.write(b": \n\n")
            else:
                version = latest
                self.wfile.write(f"data: {version}\n\n".encode())
            self.wfile.flush()

    def _text(self, status: int, message: str, body: bool) -> None:
        data = (message + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """No line per request: the terminal is for the rapport's messages."""
