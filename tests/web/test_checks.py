"""A save is answered as soon as it is stored, never after the check (``check``'s verdict on
the rapport follows on its event stream and from ``GET …/controle``); work that waits in the
queue of checks and previews is replaced by newer work of the same kind.

The worker of checks and previews is paused (``SIGSTOP``) to show that a save does not wait
for it: the way a queue full of everyone's previews looks to one save."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.werkplek import Werkplek

BAD_TEXT = "# Inleiding\n\nHet aantal is {{ geen_getal_met_deze_naam }}.\n"


def descendants(pid: int) -> dict[int, int]:
    """The processes under ``pid``: process id → its parent's."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
    found: dict[int, int] = {}
    stack = [pid]
    while stack:
        parent = stack.pop()
        for child, whose in parents.items():
            if whose == parent and child not in found:
                found[child] = parent
                stack.append(child)
    return found


def checks_worker(werkplek: Werkplek) -> int:
    """The process of checks and previews: a worker (a child of the forkserver, itself the
    server's child) at niceness 0 — the build workers run at 19."""
    assert werkplek.process is not None
    server = werkplek.process.pid
    under = descendants(server)
    for pid, parent in under.items():
        if parent != server:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[16]) == 0:  # the 19th field of stat: nice
                return pid
    raise AssertionError("no worker of checks and previews")


@contextlib.contextmanager
def paused(werkplek: Werkplek, anna: httpx.Client, rapport: str) -> Iterator[int]:
    """The worker of checks and previews stopped (made to exist first by a preview)."""
    warm = anna.post(f"/api/rapporten/{rapport}/voorbeeld", json={"concepten": {}})
    assert warm.status_code == 200
    pid = checks_worker(werkplek)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)


def events(client: httpx.Client, rapport: str, into: list[dict[str, object]]) -> None:
    """Read the rapport's event stream into ``into`` until a check's verdict arrives."""
    with client.stream("GET", f"/api/rapporten/{rapport}/gebeurtenissen", timeout=120) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                into.append(json.loads(line[6:]))
                if "controle" in into[-1]:
                    return


def test_a_save_is_answered_while_the_checks_worker_is_stopped(
    werkplek: Werkplek, anna: httpx.Client, rapport: str
) -> None:
    url = f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md"
    etag = anna.get(url).headers["ETag"]
    heard: list[dict[str, object]] = []
    with paused(werkplek, anna, rapport):
        listener = threading.Thread(target=events, args=(anna, rapport, heard), daemon=True)
        listener.start()
        start = time.monotonic()
        saved = anna.put(url, content=BAD_TEXT, headers={"If-Match": etag}, timeout=30)
        took = time.monotonic() - start
        assert saved.status_code == 200, saved.text
        assert took < 5  # the check (behind the stopped worker) is not waited for
        body = saved.json()
        assert body["controle"] == "bezig"
        assert body["bestand"]["versie"] > 0 and saved.headers["ETag"] == body["bestand"]["etag"]
        state = body["staat"]
        assert anna.get(url).content == BAD_TEXT.encode()  # stored, whatever the check
        time.sleep(1.5)
        assert not any("controle" in event for event in heard)
    listener.join(60)
    verdicts = [event for event in heard if "controle" in event]
    assert verdicts, heard
    said = verdicts[0]["controle"]
    assert isinstance(said, dict) and said["staat"] == state and said["ok"] is False
    assert any("teksten/inleiding.md:3" in m["tekst"] for m in said["meldingen"]), said
    polled = anna.get(f"/api/rapporten/{rapport}/controle").json()  # without the stream
    assert polled == said


def test_get_controle_waits_for_the_check_under_way(
    werkplek: Werkplek, anna: httpx.Client, rapport: str
) -> None:
    url = f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md"
    etag = anna.get(url).headers["ETag"]
    answers: list[httpx.Response] = []
    with paused(werkplek, anna, rapport):
        saved = anna.put(url, content=BAD_TEXT, headers={"If-Match": etag}, timeout=30)
        assert saved.json()["controle"] == "bezig"
        asking = threading.Thread(
            target=lambda: answers.append(anna.get(f"/api/rapporten/{rapport}/controle")),
            daemon=True,
        )
        asking.start()
        time.sleep(1)
        assert not answers  # the check has not been made yet
    asking.join(60)
    assert answers[0].status_code == 200
    assert answers[0].json()["staat"] == saved.json()["staat"]
    assert answers[0].json()["ok"] is False


def test_a_waiting_check_and_preview_are_replaced_by_newer_ones(
    werkplek: Werkplek, anna: httpx.Client, beheer: httpx.Client, rapport: str
) -> None:
    url = f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md"
    before = beheer.get("/api/wachtrij").json()["controle"]["vervangen"]
    shown: dict[str, httpx.Response] = {}

    def preview(which: str, text: str) -> None:
        shown[which] = anna.post(
            f"/api/rapporten/{rapport}/voorbeeld",
            json={"concepten": {"teksten/inleiding.md": text}},
            timeout=120,
        )

    with paused(werkplek, anna, rapport):
        # the first check goes to the (stopped) worker; the second waits, the third replaces it
        etag = anna.get(url).headers["ETag"]
        for text in ("# Inleiding\n\nEen.\n", "# Inleiding\n\nTwee.\n", BAD_TEXT):
            second = anna.put(url, content=text, headers={"If-Match": etag})
            assert second.json()["controle"] == "bezig"
            etag = second.headers["ETag"]
            time.sleep(0.3)
        older = threading.Thread(target=preview, args=("oud", "# Oud\n"), daemon=True)
        older.start()
        time.sleep(0.5)
        newer = threading.Thread(target=preview, args=("nieuw", "# Nieuw concept\n"), daemon=True)
        newer.start()
        time.sleep(0.5)
        assert beheer.get("/api/wachtrij").json()["controle"]["vervangen"] == before + 2
    older.join(60)
    newer.join(60)
    # the older draft's request is answered with the newer draft's preview
    assert shown["oud"].status_code == shown["nieuw"].status_code == 200
    assert shown["oud"].json() == shown["nieuw"].json()
    page = anna.get(shown["nieuw"].json()["adres"].split("?")[0])
    assert "Nieuw concept" in page.text and "Oud" not in page.text
    # the check of the newest files was made, the older one never
    verdict = anna.get(f"/api/rapporten/{rapport}/controle").json()
    assert verdict["staat"] == second.json()["staat"] and verdict["ok"] is False
    # the replaced check's files were never checked: saved again, they are not said to be bad
    again = anna.put(url, content="# Inleiding\n\nTwee.\n", headers={"If-Match": etag})
    said = again.json()["controle"]
    if said == "bezig":
        said = anna.get(f"/api/rapporten/{rapport}/controle").json()
    assert said["ok"] is True and said["staat"] == again.json()["staat"]


@pytest.mark.slow
def test_the_text_page_shows_the_check_after_a_save(werkplek: Werkplek, tmp_path: Path) -> None:
    """In the browser: the save is confirmed at once, the page says the text is being checked
    (in its aria-live region) and shows the check's messages when they arrive."""
    from support.browser import chromium_page
    from support.werkplek import PASSWORD
    from test_browser import axe

    werkplek.user("gijs")
    with werkplek.client("gijs") as api:
        assert api.post("/api/rapporten", json={"naam": "na-opslaan"}).status_code == 201
        with chromium_page(tmp_path) as page:
            page.goto(f"{werkplek.url}/inloggen")
            page.fill("#naam", "gijs")
            page.fill("#wachtwoord", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for("h1", text="Rapporten")
            page.goto(f"{werkplek.url}/rapporten/na-opslaan/tekst/teksten/inleiding.md")
            page.wait_until(
                "document.getElementById('voorbeeld-stand').textContent === '(bijgewerkt)'", 60
            )
            region = "document.getElementById('tekst-meldingen')"
            assert page.evaluate(f"{region}.getAttribute('aria-live')") == "polite"
            with paused(werkplek, api, "na-opslaan"):
                page.evaluate(
                    f"(() => {{ const t = document.getElementById('tekst'); t.value = {json.dumps(BAD_TEXT)};"
                    " t.dispatchEvent(new Event('input')); })()"
                )
                page.click("#tekst-opslaan button[type=submit]")
                page.wait_for("#opslag", text="Opgeslagen als versie", timeout=20)
                page.wait_for("#tekst-meldingen", text="wordt gecontroleerd", timeout=10)
                assert page.evaluate(f"{region}.getAttribute('aria-busy')") == "true"
            page.wait_until(f"{region}.hasAttribute('data-staat')", 60)
            page.wait_for("#tekst-meldingen", text="teksten/inleiding.md:3", timeout=10)
            assert page.evaluate(f"{region}.getAttribute('aria-busy')") == "false"
            assert "wordt gecontroleerd" not in page.text("#tekst-meldingen")
            staat = api.get("/api/rapporten/na-opslaan/controle").json()["staat"]
            assert page.evaluate(f"{region}.getAttribute('data-staat')") == str(staat)
            axe(page)
