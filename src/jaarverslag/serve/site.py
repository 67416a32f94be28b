"""``jaarverslag serve R --site``: the rapport's website in the browser, as a host would serve it.

The site is built as ``build -f site`` builds it (:func:`jaarverslag.build.pipeline.build`, with
its search index) into a temporary output folder, which a plain static file server serves at
``http://HOST:PORT/`` (the start page at ``/site/index.html``); every saved change builds it
again (:func:`.watching.follow`; a change made while the first site was being built too) and a
reload of the page shows it (an unchanged rapport comes from the cache). Bad input prints
``check``'s messages and keeps the last good site. A reeks builds every gemeente's site: that
takes a while. Ctrl-C stops it (exit status 130, as every command).
"""

from __future__ import annotations

import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from jaarverslag.core.errors import bind_message
from jaarverslag.serve.server import QUIET_ERRORS, can_serve, is_loopback, open_in_browser, say
from jaarverslag.serve.watching import Fingerprints, follow

__all__ = ["serve_site"]


class SiteHandler(SimpleHTTPRequestHandler):
    """The files of the output folder, nothing else: no folder listings, this machine only
    (unless another host was chosen), no line per request."""

    server: SiteServer

    def do_GET(self) -> None:
        if not self._allowed():
            return
        if self.path.split("?", 1)[0] in ("/", "/index.html"):
            self.send_response(302)
            self.send_header("Location", "/site/index.html")
            self.end_headers()
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._allowed():
            super().do_HEAD()

    def _allowed(self) -> bool:
        host = self.headers.get("Host")
        if not self.server.local_only or host is None:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if is_loopback(name):
            return True
        self.send_error(403, "Geweigerd: deze voorbeeldserver is alleen voor deze computer.")
        return False

    def list_directory(self, path: Any) -> None:
        self.send_error(404, "Niet gevonden")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """No line per request: the terminal is for the rapport's messages."""


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, root: Path) -> None:
        self.local_only = is_loopback(host)
        handler = partial(SiteHandler, directory=str(root))
        super().__init__((host.strip("[]"), port), handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://{host}:{port}/site/index.html"

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, QUIET_ERRORS):
            say(f"fout bij het beantwoorden van een verzoek: {error!r}")


def build_site(folder: Path, out: Path) -> bool:
    """Build the rapport's site into ``out``; print its problems; whether it was built."""
    from jaarverslag.build.options import BuildOptions
    from jaarverslag.build.pipeline import build

    (outcome,) = build([folder], out, BuildOptions(formats=("site",)))
    for message in outcome.messages():
        say(message)
    if not outcome.ok:
        say(f"{folder}: {outcome.error}; de website blijft zoals hij was")
    return outcome.ok


def serve_site(
    folder: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False
) -> int:
    """Build, serve and watch ``folder``'s site until Ctrl-C; 1 when it can't start."""
    folder = Path(folder)
    if not can_serve(folder):
        return 1
    with tempfile.TemporaryDirectory(prefix="jaarverslag-site-") as name:
        out = Path(name)
        try:
            server = SiteServer(host, port, out / folder.resolve().name)
        except OSError as exc:
            say(bind_message(exc, host, port))
            return 1
        serving: threading.Thread | None = None
        try:
            prints = Fingerprints(folder)
            seen = prints.take()  # before the build: a change made during it is a change
            build_site(folder, out)
            say(f"{folder}: website op {server.url} (Ctrl-C stopt)")
            serving = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
            serving.start()
            if open_browser:
                open_in_browser(server.url)
            watch(folder, out, prints, seen)
        finally:
            if serving is not None:  # shutdown() waits for a loop that must have started
                server.shutdown()
            server.server_close()
    return 0


def watch(folder: Path, out: Path, built: Fingerprints, seen: dict[str, str]) -> None:
    """Build the site again whenever the folder's content differs from ``seen`` (what it held
    when the site was last built), until Ctrl-C; a change made while the first site was being
    built counts too."""

    def changed() -> None:
        nonlocal seen
        now = built.take()
        if now == seen:  # a file touched, saved with the same bytes, or no news at all
            return
        seen = now
        if build_site(folder, out):
            say("website bijgewerkt; laad de pagina opnieuw")

    follow(folder, changed, say)
