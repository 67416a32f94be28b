"""``jaarverslag serve R --site``: the rapport's website served as a static host serves it, built
again on every saved change; nothing but the site's files, this machine only; Ctrl-C is 130."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.helpers import DATA, ROOT, interruptible

pytestmark = pytest.mark.slow


def get(url: str, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path, headers={"Host": host} if host else {})
    answer = conn.getresponse()
    body = answer.read().decode("utf-8", "replace")
    conn.close()
    return answer.status, dict(answer.getheaders()), body


def test_serve_site_shows_the_site_and_builds_it_again_on_a_change(tmp_path: Path) -> None:
    folder = tmp_path / "begroting-2020"
    shutil.copytree(DATA / "begroting-2020", folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "JAARVERSLAG_CACHE_DIR": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "jaarverslag", "serve", str(folder), "--site", "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
        preexec_fn=interruptible,
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if found := re.search(r"website op (http://\S+)/site/index\.html", line):
                url = found.group(1)
                break
        else:
            pytest.fail("serve --site did not start: " + "".join(lines))
        status, headers, _ = get(url, "/")
        assert (status, headers["Location"]) == (302, "/site/index.html")
        status, _, page = get(url, "/site/index.html")
        assert status == 200 and "<h1>Begroting 2020</h1>" in page
        assert get(url, "/site/pagefind/pagefind.js")[0] == 200  # with its search index
        assert get(url, "/site/assets/")[0] == 404  # no folder listings
        assert get(url, "/site/index.html", host="evil.example")[0] == 403  # this machine only
        yaml = folder / "rapport.yaml"
        yaml.write_text(
            yaml.read_text("utf-8").replace("titel: Begroting 2020", "titel: Begroting 2020 bis"),
            "utf-8",
        )
        deadline = time.monotonic() + 60
        while "<h1>Begroting 2020 bis</h1>" not in get(url, "/site/index.html")[2]:
            assert time.monotonic() < deadline, "the site was not built again"
            time.sleep(0.3)
        # it says so just after the new files are in place: wait for that line before Ctrl-C
        # (a watchdog ends the process, and so this loop, if it never comes)
        watchdog = threading.Timer(30, process.kill)
        watchdog.start()
        said = next((line for line in process.stderr if "website bijgewerkt" in line), "")
        watchdog.cancel()
        assert said, "serve --site did not say the site was built again"
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    assert process.returncode == 130, rest


def test_a_change_saved_while_the_first_site_is_built_builds_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher starts after the first build: a save made meanwhile sends no notice it can
    hear, so the folder's content is compared with what the first build read (a CI run saw
    the site stay old for 60 s). A file touched with the same bytes builds nothing."""
    from jaarverslag.serve import site

    folder = tmp_path / "begroting-2020"
    shutil.copytree(DATA / "begroting-2020", folder)
    prints = site.Fingerprints(folder)
    seen = prints.take()  # as serve_site takes them, before its first build
    yaml = folder / "rapport.yaml"
    os.utime(folder / "indicatoren.csv")  # touched only: not a change
    yaml.write_text(yaml.read_text("utf-8").replace("2020", "2020 bis", 1), "utf-8")

    class Stop(Exception):
        pass

    built: list[str] = []
    woken = threading.Event()

    def build_site(where: Path, out: Path) -> bool:
        built.append("wekker" if woken.is_set() else (where / "rapport.yaml").read_text("utf-8"))
        return True

    def say(message: str) -> None:
        if "website bijgewerkt" in message:
            raise Stop

    def wake() -> None:  # without the comparison only a later change would wake the watcher
        woken.set()
        (folder / "wekker.txt").write_text("wakker", "utf-8")

    monkeypatch.setattr(site, "build_site", build_site)
    monkeypatch.setattr(site, "say", say)
    alarm = threading.Timer(8, wake)
    alarm.start()
    try:
        with pytest.raises(Stop):
            site.watch(folder, tmp_path / "uit", prints, seen)
    finally:
        alarm.cancel()
    assert len(built) == 1 and "2020 bis" in built[0]
