"""The live preview's web server: the page at ``/``, its updates as server-sent events.

Python's own threading HTTP server, one thread per connection: ``GET /`` answers the current
page (with a fresh CSP nonce for the one script it holds), ``GET /events`` stays open and says
which version the server has each time the page changes. Bound to the loopback address by
default; there, a request whose ``Host`` is not this machine (a web page that rebinds its DNS
name to 127.0.0.1) is refused too. Nothing else is served, nothing is logged per request, and a
browser that goes away mid-answer is no error.

It is bounded (:class:`Connections`), so a flood of connections slows the page at worst and it
recovers when the flood ends: at most :data:`MAX_CONNECTIONS` at once (one thread each; when
full, a new one takes the place of the oldest that is still sending its request, else of the
oldest event stream, else it is answered 503); a request must arrive whole within
:data:`REQUEST_SECONDS` and no read waits longer than :data:`IDLE_SECONDS` (a client that sends
a byte now and then is cut off); at most :data:`STREAMS_PER_CLIENT` event streams per address and
:data:`MAX_STREAMS` in all, a new one ending the oldest (the page reconnects by itself).
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
import signal
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from jaarverslag.serve.page import Page, script_hashes, served

#: How often an idle event stream gets a comment line, so a closed browser is noticed.
HEARTBEAT = 15.0
MAX_CONNECTIONS = 64  #: open connections (threads) at once
REQUEST_SECONDS = 10.0  #: to send a whole request: its line and headers
IDLE_SECONDS = 10.0  #: the longest one read from a client may wait
STREAMS_PER_CLIENT = 6  #: event streams of one address (tabs of one browser)
MAX_STREAMS = 32
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

    def wait(
        self, seen: int, timeout: float, ended: Callable[[], bool] = lambda: False
    ) -> int | None:
        """The version once it differs from ``seen`` (or after ``timeout``); None once closed
        (or once ``ended`` says this stream is over)."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._version != seen or self._closed or ended(), timeout
            )
            return None if self._closed or ended() else self._version

    def wake(self) -> None:
        """Let every waiting stream look again (one of them was ended)."""
        with self._changed:
            self._changed.notify_all()

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


class Connection:
    """One client's connection: where it is (sending its request, being answered, an event
    stream) and since when."""

    def __init__(self, sock: socket.socket, address: str) -> None:
        self.sock = sock
        self.address = address
        self.since = time.monotonic()
        self.state = "verzoek"  # "verzoek" (its request arriving), "antwoord", "stroom"
        self.ended = False

    def end(self) -> None:
        """Cut the connection: its thread sees it at once (reading or streaming)."""
        self.ended = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


class Connections:
    """Every open connection of the server, and the rules that bound them."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._lock = threading.Lock()
        self._open: dict[socket.socket, Connection] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._open)

    def admit(self, sock: socket.socket, address: str) -> Connection | None:
        """Register a new connection, making room if all places are taken; None when there
        is no room (every connection is being answered)."""
        with self._lock:
            if len(self._open) >= MAX_CONNECTIONS:
                victim = self._oldest("verzoek") or self._oldest("stroom")
                if victim is None:
                    return None
                self._drop(victim)
            connection = Connection(sock, address)
            self._open[sock] = connection
            return connection

    def stream(self, connection: Connection) -> None:
        """``connection`` becomes an event stream: the oldest of its address (or of all) ends
        when there are too many."""
        with self._lock:
            connection.state, connection.since = "stroom", time.monotonic()
            mine = [c for c in self._open.values() if c.state == "stroom" and not c.ended]
            same = [c for c in mine if c.address == connection.address]
            if len(same) > STREAMS_PER_CLIENT:
                self._drop(min(same, key=lambda c: c.since))
            elif len(mine) > MAX_STREAMS:
                self._drop(min(mine, key=lambda c: c.since))

    def of(self, sock: socket.socket) -> Connection | None:
        with self._lock:
            return self._open.get(sock)

    def close(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.pop(sock, None)

    def expire(self) -> None:
        """End every connection whose request hasn't arrived whole in time."""
        late = time.monotonic() - REQUEST_SECONDS
        with self._lock:
            for connection in list(self._open.values()):
                if connection.state == "verzoek" and connection.since < late:
                    self._drop(connection)

    def _oldest(self, state: str) -> Connection | None:
        found = [c for c in self._open.values() if c.state == state and not c.ended]
        return min(found, key=lambda c: c.since) if found else None

    def _drop(self, connection: Connection) -> None:
        self._open.pop(connection.sock, None)
        connection.end()
        self.hub.wake()


BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 1\r\nConnection: close\r\n\r\nTe druk; probeer het zo opnieuw.\n"
)


class PreviewServer(ThreadingHTTPServer):
    """Serves one :class:`Hub`; ``port`` 0 takes a free port (see :attr:`url`)."""

    daemon_threads = True  # an open event stream never holds the command up
    request_queue_size = 128  # a burst of connections waits to be accepted, not refused

    def __init__(self, host: str, port: int, hub: Hub) -> None:
        self.hub = hub
        self.local_only = is_loopback(host)
        self.connections = Connections(hub)
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection if there is room (see :class:`Connections`)."""
        address = str(client_address[0]) if client_address else ""
        if self.connections.admit(request, address) is None:
            with contextlib.suppress(OSError):
                request.setblocking(False)
                request.send(BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.close(request)
        super().shutdown_request(request)

    def service_actions(self) -> None:
        """Between accepts (every poll of ``serve_forever``): cut requests that take too long."""
        self.connections.expire()

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
    timeout = IDLE_SECONDS  # every read from the client (the socket's timeout)

    def version_string(self) -> str:
        return "jaarverslag-serve"

    @property
    def connection_state(self) -> Connection | None:
        return self.server.connections._open.get(self.request)

    def parse_request(self) -> bool:
        """The request has arrived whole: it is being answered now."""
        parsed = super().parse_request()
        state = self.connection_state
        if parsed and state is not None:
            state.state = "antwoord"
        return parsed

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
        connection = self.connection_state
        if connection is not None:
            self.server.connections.stream(connection)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        hub = self.server.hub
        version, _ = hub.current()
        self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode())
        self.wfile.flush()
        ended = (lambda: connection.ended) if connection is not None else (lambda: False)
        while True:
            latest = hub.wait(version, HEARTBEAT, ended)
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


def say(message: str) -> None:
    """A line on stderr for the person who started the preview."""
    print(message, file=sys.stderr, flush=True)


def can_serve(folder: Path) -> bool:
    """Make Ctrl-C stop the server — also when a shell script started it with ``&``, which
    leaves SIGINT ignored (Python would then never raise KeyboardInterrupt) — and say so when
    ``folder`` is not a folder."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if not folder.is_dir():
        say(f"{folder}: is geen map")
        return False
    return True


def open_in_browser(url: str) -> None:
    """Open ``url`` in the user's browser, or say where to go when there is none."""
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        say(f"kon geen browser openen; open zelf {url}")
