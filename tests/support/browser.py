"""Headless Chromium that a test can use as a person does: open a URL, click, type, press keys,
wait for what the page shows, take a screenshot. Driven over the DevTools protocol with
``websockets`` (already a dev dependency), started as ``tests/test_serve_browser.py`` starts it
(Debian's ``/usr/bin/chromium``, the flags this machine's closed network needs)::

    from support.browser import chromium_page

    with chromium_page(tmp_path) as page:
        page.goto(f"{base_url}/inloggen")
        page.click("#gebruiker"); page.type("anna")
        page.click("button[type=submit]")
        page.wait_for("h1", text="Rapporten")
        assert page.url.endswith("/rapporten")
        page.screenshot(tmp_path / "rapporten.png")
        assert page.errors == []                # uncaught exceptions and console.error calls

Clicks and typing are real input events (``Input.dispatchMouseEvent`` at the element's centre,
``Input.insertText``, ``Input.dispatchKeyEvent``), so focus, ``:hover``, form submission and
the page's own handlers behave as with a mouse and keyboard; :meth:`Page.tab` walks the focus
order for a keyboard-only test. Cookies are kept for the page's life (one profile per
:func:`chromium_page`), so a login survives navigation.
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from support.processes import die_with_parent

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # tests run as root here; Chromium's sandbox refuses root
    "--disable-gpu",
    "--disable-background-networking",  # without it, a burst of refused connections at start
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1000,1400",
]

#: keys for :meth:`Page.press`: DevTools key, code and Windows virtual key code
KEYS = {
    "Enter": ("Enter", "Enter", 13, "\r"),
    "Tab": ("Tab", "Tab", 9, ""),
    "Escape": ("Escape", "Escape", 27, ""),
    "Backspace": ("Backspace", "Backspace", 8, ""),
    "ArrowDown": ("ArrowDown", "ArrowDown", 40, ""),
    "ArrowUp": ("ArrowUp", "ArrowUp", 38, ""),
    " ": (" ", "Space", 32, " "),
}


#: How long a page may take to show what a test waits for: a page on a loaded 2-core machine
#: (two test workers, a werkplek, Chromium) can take seconds; a test that expects nothing to
#: come passes its own short timeout.
WAIT = 30.0


class BrowserError(AssertionError):
    """What the page did not do (an AssertionError, so pytest shows it as a failed check)."""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Page:
    """One tab, over its DevTools websocket. Events are collected while waiting for answers."""

    def __init__(self, websocket_url: str) -> None:
        from websockets.sync.client import connect

        self._stack = contextlib.ExitStack()
        self._socket = self._stack.enter_context(connect(websocket_url, max_size=None))
        self._ids = iter(range(1, 10**9))
        self.events: list[dict[str, Any]] = []
        #: uncaught exceptions and console.error messages of the page, in order
        self.errors: list[str] = []
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable")

    # ---- protocol

    def call(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        """Send a DevTools command and return its result (raises on a protocol error)."""
        number = next(self._ids)
        self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.01, deadline - time.monotonic())))
            if message.get("id") == number:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message["result"]  # type: ignore[no-any-return]
            if "method" in message:
                self._event(message)

    def _event(self, message: dict[str, Any]) -> None:
        self.events.append(message)
        params = message.get("params", {})
        if message["method"] == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details["text"])
        elif message["method"] == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )

    def pause(self, seconds: float) -> None:
        """Let the page run for ``seconds``, collecting its events (and :attr:`errors`)."""
        deadline = time.monotonic() + seconds
        with contextlib.suppress(TimeoutError):
            while time.monotonic() < deadline:
                message = json.loads(
                    self._socket.recv(timeout=max(0.001, deadline - time.monotonic()))
                )
                if "method" in message:
                    self._event(message)

    # ---- what a test uses

    def evaluate(self, expression: str, timeout: float = 30) -> Any:
        """The value of a JavaScript expression (a promise is awaited); raises on an exception."""
        result = self.call(
            "Runtime.evaluate",
            timeout=timeout,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
            userGesture=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(
                f"{expression[:200]!r} threw: "
                f"{details.get('exception', {}).get('description') or details['text']}"
            )
        return result["result"].get("value")

    def goto(self, url: str, timeout: float = 30) -> None:
        """Open ``url`` and wait until the page has loaded (document.readyState complete)."""
        seen = len(self.events)
        answer = self.call("Page.navigate", url=url)
        if answer.get("errorText"):
            raise BrowserError(f"could not open {url}: {answer['errorText']}")
        self.wait_event("Page.loadEventFired", since=seen, timeout=timeout)

    def wait_event(self, method: str, *, since: int = 0, timeout: float = WAIT) -> dict[str, Any]:
        """The first DevTools event ``method`` at or after index ``since`` of :attr:`events`
        (``Page.loadEventFired``, ``Network.responseReceived``…), waiting for it if need be."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events[since:]:
                if event["method"] == method:
                    return event
            if time.monotonic() > deadline:
                raise BrowserError(f"no {method} within {timeout} s")
            self.pause(0.05)

    @property
    def url(self) -> str:
        return str(self.evaluate("location.href"))

    def text(self, selector: str = "body") -> str:
        """The visible text of the first element that matches ``selector`` ('' if none)."""
        return str(
            self.evaluate(
                f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''"
            )
        )

    def wait_until(self, expression: str, timeout: float = WAIT) -> float:
        """Seconds until ``expression`` is truthy in the page (it may navigate meanwhile)."""
        start = time.monotonic()
        last_error = ""
        while time.monotonic() - start < timeout:
            try:
                if self.evaluate(expression):
                    return time.monotonic() - start
            except BrowserError as error:  # a page in the middle of navigating
                last_error = str(error)
            self.pause(0.03)
        body = ""
        with contextlib.suppress(BrowserError):
            body = self.text()[:2000]
        raise BrowserError(
            f"the page never showed {expression!r} in {timeout} s ({last_error}); "
            f"at {self._safe_url()} it shows:\n{body}"
        )

    def becomes(self, expression: str, timeout: float) -> bool:
        """Whether ``expression`` turns truthy in the page within ``timeout`` seconds."""
        try:
            self.wait_until(expression, timeout)
        except BrowserError:
            return False
        return True

    def wait_for(self, selector: str, *, text: str | None = None, timeout: float = WAIT) -> float:
        """Wait until an element matching ``selector`` is there and visible (and contains
        ``text``, if given); the seconds it took."""
        condition = (
            f"[...document.querySelectorAll({json.dumps(selector)})].some(e => "
            "e.getClientRects().length > 0"
            + (f" && e.innerText.includes({json.dumps(text)})" if text is not None else "")
            + ")"
        )
        return self.wait_until(condition, timeout)

    def wait_for_url(self, fragment: str, timeout: float = WAIT) -> float:
        """Wait until the address contains ``fragment`` (after a redirect chain, say)."""
        return self.wait_until(f"location.href.includes({json.dumps(fragment)})", timeout)

    def follow(self, selector: str, timeout: float = WAIT) -> None:
        """Click the link ``selector`` and wait until the page it leads to has loaded (its
        address alone can come before its content: a heading read then is empty, or the page
        before's)."""
        target = self.evaluate(f"document.querySelector({json.dumps(selector)}).href")
        arrived = f"location.href === {json.dumps(target)} && document.readyState === 'complete'"
        deadline = time.monotonic() + timeout
        self.click(selector, timeout)
        # a click that went nowhere (the page was replaced under it: a reload still under
        # way) is clicked again, as a person would; following a link twice does no harm
        while not self.becomes(arrived, 5) and time.monotonic() < deadline:
            with contextlib.suppress(BrowserError):  # gone meanwhile: it did navigate
                self.click(selector, 1)
        self.wait_until(arrived, max(deadline - time.monotonic(), 0.1))

    def _centre(self, selector: str) -> tuple[float, float]:
        look = f"""(() => {{
              const e = document.querySelector({json.dumps(selector)});
              if (!e) return null;
              e.scrollIntoView({{block: 'center', inline: 'center'}});
              const r = e.getBoundingClientRect();
              if (r.width === 0 || r.height === 0) return 'hidden';
              const x = r.left + r.width / 2, y = r.top + r.height / 2;
              const top = document.elementFromPoint(x, y);
              return {{x, y, w: r.width, h: r.height,
                       covered: !(top && (top === e || e.contains(top)))}};
            }})()"""
        # looked at until it stands still: a page that has just loaded still moves (its scroll
        # position restored, content filled in), and a click on where the element was lands
        # on another; timed from here, as the page may run without JavaScript
        box = self.evaluate(look)
        for _ in range(40):
            if not isinstance(box, dict):
                break
            self.pause(0.05)
            before, box = box, self.evaluate(look)
            if box == before:
                break
        if box is None:
            raise BrowserError(f"no element matches {selector!r} at {self._safe_url()}")
        if box == "hidden":
            raise BrowserError(f"{selector!r} is not visible")
        if box["covered"]:
            raise BrowserError(f"{selector!r} is covered by another element: a user can't click it")
        return box["x"], box["y"]

    def click(self, selector: str, timeout: float = WAIT) -> None:
        """Click the centre of the first visible element matching ``selector``, with the mouse
        (it must not be covered by another element, as for a person)."""
        self.wait_for(selector, timeout=timeout)
        x, y = self._centre(selector)
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type(self, text: str) -> None:
        """Type ``text`` into the focused element (an ``input`` event, as with a keyboard)."""
        self.call("Input.insertText", text=text)

    def fill(self, selector: str, text: str) -> None:
        """Click a field, select what it holds and type ``text`` over it."""
        self.click(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).select?.()")
        self.type(text)

    def press(self, key: str, shift: bool = False) -> None:
        """Press and release a key: Enter, Tab, Escape, Backspace, ArrowDown, ArrowUp, space."""
        name, code, vk, text = KEYS[key]
        common: dict[str, Any] = {
            "key": name,
            "code": code,
            "windowsVirtualKeyCode": vk,
            "modifiers": 8 if shift else 0,
        }
        self.call(
            "Input.dispatchKeyEvent", type="keyDown" if text else "rawKeyDown", text=text, **common
        )
        self.call("Input.dispatchKeyEvent", type="keyUp", **common)

    def tab(self, shift: bool = False) -> str:
        """Press Tab and describe the element that has the focus now (tag, id, text)."""
        self.press("Tab", shift=shift)
        return str(
            self.evaluate(
                "(e => e ? `${e.tagName.toLowerCase()}#${e.id}:${(e.innerText || e.value || '').trim().slice(0, 40)}` : '')"
                "(document.activeElement)"
            )
        )

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", **params)["data"]))
        return path

    def cookies(self) -> list[dict[str, Any]]:
        """The browser's cookies for this page (name, value, httpOnly, sameSite, secure…)."""
        return list(self.call("Network.getCookies")["cookies"])

    def _safe_url(self) -> str:
        try:
            return self.url
        except BrowserError:
            return "?"

    def close(self) -> None:
        self._stack.close()


class Chromium:
    """A headless Chromium process with its own new profile."""

    def __init__(self, workdir: Path | None = None, *, executable: str | None = None) -> None:
        executable = executable or find_chromium()
        if executable is None:
            raise FileNotFoundError(
                "chromium is not installed: scripts/system-deps.sh --test installs it"
            )
        self._own_dir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="jv-chromium-"))
        profile = self.workdir / "chromium-profile"
        self.process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.is_file() and port_file.read_text().count("\n") >= 1):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise BrowserError("chromium did not open its DevTools port")
            time.sleep(0.05)
        self.port = int(port_file.read_text().split()[0])

    def targets(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{self.port}/json/list", timeout=10
        ) as answer:
            return list(json.load(answer))

    def page(self) -> Page:
        """The first tab (Chromium opens one with about:blank)."""
        target = next(t for t in self.targets() if t["type"] == "page")
        return Page(target["webSocketDebuggerUrl"])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def chromium_page(workdir: Path | None = None) -> Iterator[Page]:
    """A fresh headless Chromium and its one tab; both closed when the block ends."""
    browser = Chromium(workdir)
    page = None
    try:
        page = browser.page()
        yield page
    finally:
        if page is not None:
            page.close()
        browser.close()
