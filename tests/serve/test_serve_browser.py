"""``jaarverslag serve`` in a real browser: headless Chromium, driven over its DevTools protocol.

The command runs as the user runs it (``python -m jaarverslag serve COPY --port 0``); Chromium
opens the page; the test edits files and waits for the open page to show the change — the test
never reloads it, and a value the test left in the page's ``window`` proves the page was not
reloaded either. Screenshots of the normal and the error page are written beside the test's
files (``--basetemp`` to keep them). Ctrl-C ends the command with status 130, no traceback.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.helpers import DATA, ROOT, interruptible

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1000,1400",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: `make test` installs it (scripts/system-deps.sh)")


class Serve:
    """``jaarverslag serve`` in its own process; :attr:`url` once it listens."""

    def __init__(
        self, folder: Path, *args: str, preexec: Callable[[], None] = interruptible
    ) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "JAARVERSLAG_CACHE_DIR": ""}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jaarverslag", "serve", str(folder), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            preexec_fn=preexec,
        )
        self.lines: list[str] = []
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            found = re.search(r"voorbeeld op (http://\S+/)", line)
            if found:
                self.url = found.group(1)
                break
        else:
            pytest.fail(f"serve did not start: {''.join(self.lines)}")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user stops it: the exit status and everything it printed."""
        self.process.send_signal(signal.SIGINT)
        _, rest = self.process.communicate(timeout=20)
        return self.process.returncode, "".join(self.lines) + rest

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol (a websocket)."""

    def __init__(self, url: str, workdir: Path) -> None:
        from websockets.sync.client import connect

        profile = workdir / "profile"
        self.process = subprocess.Popen(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().count("\n") >= 1):
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            targets = json.load(answer)
        page = next(t for t in targets if t["type"] == "page")
        self.stack = contextlib.ExitStack()
        self.socket = self.stack.enter_context(connect(page["webSocketDebuggerUrl"], max_size=None))
        self.ids = iter(range(1, 10**9))

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == number:
                assert "error" not in message, message
                return message["result"]  # type: ignore[no-any-return]

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def text(self) -> str:
        return str(self.evaluate("document.body ? document.body.innerText : ''"))

    def wait_for(self, expression: str, timeout: float = 10) -> float:
        """Seconds until ``expression`` is true in the page; fails after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.evaluate(expression):
                return time.monotonic() - start
            time.sleep(0.02)
        pytest.fail(f"the page never showed {expression!r}; it shows:\n{self.text()[:2000]}")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.stack.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[Path, Serve, Browser]]:
    folder = tmp_path / "jaarverslag-2017"
    shutil.copytree(DATA / "jaarverslag-2017", folder)
    server = Serve(folder)
    browser = None
    try:
        browser = Browser(server.url, tmp_path)
        browser.wait_for("document.body && document.body.innerText.includes('P-baan')", 30)
        yield folder, server, browser
    finally:
        if browser is not None:
            browser.close()
        server.kill()


def contains(text: str) -> str:
    return f"document.body.innerText.includes({json.dumps(text)})"


def test_a_saved_text_shows_without_a_reload(session: tuple[Path, Serve, Browser]) -> None:
    folder, server, browser = session
    browser.screenshot(folder.parent / "normaal.png")
    browser.evaluate("window.blijftStaan = 42")
    text = folder / "teksten" / "01-inleiding.md"
    text.write_text(
        text.read_text("utf-8") + "\nDeze zin is net geschreven in Appingedam.\n", "utf-8"
    )
    seconds = browser.wait_for(contains("Deze zin is net geschreven in Appingedam."))
    assert seconds < 5
    assert browser.evaluate("window.blijftStaan") == 42  # the same page, updated in place
    assert browser.evaluate("document.querySelectorAll('#jv-voorbeeld').length") == 0
    status, printed = server.stop()
    assert status == 130, printed
    assert "Traceback" not in printed and "afgebroken" in printed
    browser.wait_for("document.getElementById('jv-verbinding') !== null")  # says it's stopped


def test_broken_data_shows_its_message_then_mending_brings_the_document_back(
    session: tuple[Path, Serve, Browser],
) -> None:
    folder, server, browser = session
    browser.evaluate("window.blijftStaan = 42")
    csv = folder / "indicatoren.csv"
    original = csv.read_bytes()
    csv.write_bytes(original.replace(b";2017;realisatie;559", b";2017;realisatie;<i>veel</i>"))
    message = "indicatoren.csv:4: waarde: '<i>veel</i>' is geen getal"
    browser.wait_for(contains(message))
    assert browser.evaluate("document.querySelectorAll('#jv-fouten i').length") == 0  # printed
    assert browser.evaluate("getComputedStyle(document.querySelector('.jv-oud')).opacity") == "0.45"
    assert "P-baan" in browser.text()  # the last good version, below, greyed
    browser.screenshot(folder.parent / "fout.png")
    assert server.process.poll() is None  # the server lives
    csv.write_bytes(original)
    browser.wait_for("document.getElementById('jv-fouten') === null")
    assert "P-baan" in browser.text() and message not in browser.text()
    assert browser.evaluate("window.blijftStaan") == 42
    status, printed = server.stop()
    assert status == 130 and "Traceback" not in printed, printed
    assert message in printed  # the terminal says it too, as check does


def test_listens_on_this_machine_only(tmp_path: Path) -> None:
    """By default the socket is bound to 127.0.0.1 (the kernel's own table says so), and a
    connection to 127.0.0.2 — this machine, another address — is refused."""
    import socket

    folder = tmp_path / "beleidsplan-wassenaar-2024"
    shutil.copytree(DATA / "beleidsplan-wassenaar-2024", folder)
    server = Serve(folder)
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        assert server.url.startswith("http://127.0.0.1:")
        assert listening(port) == ["0100007F"]  # 127.0.0.1, little-endian hex
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", port), timeout=5)
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        status, printed = server.stop()
        assert status == 130 and "Traceback" not in printed
        assert "waarschuwing" not in printed
    finally:
        server.kill()


def ignore_sigint() -> None:
    """What a shell does to a command it starts with ``&``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_ctrl_c_stops_it_also_when_started_in_the_background(tmp_path: Path) -> None:
    """A shell script's ``jaarverslag serve … &`` starts it with SIGINT ignored; Ctrl-C (or
    ``kill -INT``) must still stop it, as its one way to stop."""
    folder = tmp_path / "jaarverslag-2017"
    shutil.copytree(DATA / "jaarverslag-2017", folder)
    server = Serve(folder, preexec=ignore_sigint)
    try:
        status, printed = server.stop()
        assert status == 130 and "Traceback" not in printed
    finally:
        server.kill()


def test_another_host_is_an_explicit_choice_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "beleidsplan-wassenaar-2024"
    shutil.copytree(DATA / "beleidsplan-wassenaar-2024", folder)
    server = Serve(folder, "--host", "0.0.0.0")
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        assert listening(port) == ["00000000"]
        status, printed = server.stop()
        assert status == 130
        assert "waarschuwing: de server luistert op 0.0.0.0" in printed
    finally:
        server.kill()


def test_open_opens_the_browser_on_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--open`` starts the user's browser ($BROWSER here: a script that writes down what it
    was asked to open) on the page's address."""
    folder = tmp_path / "beleidsplan-wassenaar-2024"
    shutil.copytree(DATA / "beleidsplan-wassenaar-2024", folder)
    opened = tmp_path / "geopend.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', "utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", f"{browser} %s")
    server = Serve(folder, "--open")
    try:
        deadline = time.monotonic() + 10
        while not opened.is_file() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text("utf-8").strip() == server.url
        status, printed = server.stop()
        assert status == 130 and "Traceback" not in printed
    finally:
        server.kill()


def listening(port: int) -> list[str]:
    """The local addresses of the IPv4 sockets listening on ``port`` (from /proc/net/tcp)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hexport = local.split(":")
        if int(hexport, 16) == port and state == "0A":  # 0A: LISTEN
            found.append(address)
    return found


def test_a_reeks_overview_and_a_gemeente_page_stay_current(tmp_path: Path) -> None:
    """The overview's own script runs (its sort buttons: the CSP lets the template's script
    through, by its hash), also after an update swapped the page; a gemeente's page, reached
    by its link, shows a saved text."""
    folder = tmp_path / "iv3-begroting-2025"
    shutil.copytree(DATA / "iv3-begroting-2025", folder)
    server = Serve(folder)
    browser = None
    try:
        browser = Browser(server.url, tmp_path)
        buttons = "document.querySelectorAll('table.overzicht th button').length > 0"
        browser.wait_for(buttons, 30)
        browser.screenshot(tmp_path / "reeks.png")
        yaml = folder / "rapport.yaml"
        yaml.write_text(
            re.sub(
                r"^titel: .*$",
                "titel: Overzicht Zaanstreek",
                yaml.read_text("utf-8"),
                count=1,
                flags=re.M,
            ),
            "utf-8",
        )
        browser.wait_for(contains("Overzicht Zaanstreek"))
        browser.wait_for(buttons)  # the sort script ran again on the new version
        browser.evaluate("document.querySelector('a[href=\"aalsmeer/aalsmeer.html\"]').click()")
        browser.wait_for("location.pathname === '/aalsmeer/aalsmeer.html'", 20)
        browser.wait_for(contains("Aalsmeer"), 20)
        browser.evaluate("window.blijftStaan = 42")
        text = folder / "teksten" / "kosten.md"
        text.write_text(text.read_text("utf-8") + "\nNieuw voor Aalsmeer en de rest.\n", "utf-8")
        browser.wait_for(contains("Nieuw voor Aalsmeer en de rest."))
        assert browser.evaluate("window.blijftStaan") == 42
        status, printed = server.stop()
        assert status == 130 and "Traceback" not in printed, printed
    finally:
        if browser is not None:
            browser.close()
        server.kill()
