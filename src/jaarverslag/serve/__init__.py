"""``jaarverslag serve``: the rapport in the browser, updated on every saved change.

The page is served at ``http://HOST:PORT/`` (:mod:`.server`, this machine only unless another
host is chosen), the folder is watched with watchfiles, and each change rebuilds the HTML only,
reusing what the change doesn't touch (:mod:`.preview`); the open page swaps in the new version
by itself (:mod:`.page`). Bad input shows ``check``'s messages on the page and in the terminal;
the server lives on. Ctrl-C stops it (exit status 130, as every command).
"""

from __future__ import annotations

import threading
from pathlib import Path

from jaarverslag.core.errors import Problem, bind_message
from jaarverslag.serve.page import Page
from jaarverslag.serve.preview import Preview, Update
from jaarverslag.serve.server import (
    Hub,
    PreviewServer,
    can_serve,
    is_loopback,
    open_in_browser,
    say,
)
from jaarverslag.serve.watching import follow

__all__ = ["serve"]


def serve(
    folder: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False
) -> int:
    """Serve and watch ``folder`` until Ctrl-C (KeyboardInterrupt, for the command's 130);
    1 when it can't start (no such folder, the port taken)."""
    folder = Path(folder)
    if not can_serve(folder):
        return 1
    try:
        server = PreviewServer(host, port, Hub(Page(None)))
    except OSError as exc:
        say(bind_message(exc, host, port))
        return 1
    serving: threading.Thread | None = None
    try:
        preview = Preview(folder)
        first = preview.update()
        assert first is not None  # the first update always builds
        server.hub.publish(first.page)
        server.hub.elsewhere = preview.page_at
        server.hub.asset = preview.asset
        if not is_loopback(host):
            say(
                f"waarschuwing: de server luistert op {host}: wie deze computer over het "
                "netwerk bereikt, kan het rapport zien (standaard: alleen 127.0.0.1)"
            )
        say(f"{folder}: voorbeeld op {server.url} (Ctrl-C stopt)")
        report(first, first=True)
        serving = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
        serving.start()
        if open_browser:
            open_in_browser(server.url)
        watch(folder, preview, server.hub)
    finally:
        server.hub.close()
        if serving is not None:  # shutdown() waits for a loop that must have started
            server.shutdown()
        server.server_close()
    return 0


def watch(folder: Path, preview: Preview, hub: Hub) -> None:
    """Rebuild on every change until Ctrl-C (:func:`.watching.follow`); a batch of changes
    is one rebuild, and a look that finds the same content none."""

    def changed() -> None:
        update = preview.update()
        if update is not None and hub.publish(update.page):
            report(update)

    follow(folder, changed, say)


def report(update: Update, first: bool = False) -> None:
    """One line per rebuild in the terminal; on bad input the messages of ``check``."""
    page = update.page
    changed = ", ".join(update.changed[:3]) + (" …" if len(update.changed) > 3 else "")
    prefix = f"{changed}: " if changed and not first and update.how != "fout" else ""
    seconds = f"{update.seconds:.2f}".replace(".", ",")
    if page.ok:
        say(f"{prefix}{'gemaakt' if first else 'bijgewerkt'} in {seconds} s")
        _problems(page.problems)
    else:
        _problems(page.problems)
        count = len(page.problems)
        say(f"{prefix}{count} {'fout' if count == 1 else 'fouten'}: de pagina toont ze")


def _problems(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        say(str(problem))
