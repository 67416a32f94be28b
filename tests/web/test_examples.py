"""Every example in data/, uploaded file by file through the API and built by the werkplek,
gives the very files ``jaarverslag build`` gives (byte for byte), and its check the very
messages of ``jaarverslag check`` (of a reeks, the build of the tests' sample of gemeenten)."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.helpers import DATA, examples, sample
from support.werkplek import environment

pytestmark = pytest.mark.slow


def upload(api: httpx.Client, name: str, source: Path) -> None:
    assert api.post("/api/rapporten", json={"naam": name, "leeg": True}).status_code == 201
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        answer = api.put(f"/api/rapporten/{name}/bestanden/{relative}", content=path.read_bytes())
        assert answer.status_code == 201, answer.text


def finished(api: httpx.Client, url: str, seconds: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while (done := api.get(url).json())["status"] not in ("klaar", "mislukt"):
        assert time.monotonic() < deadline, done
        time.sleep(0.5)
    return done  # type: ignore[no-any-return]


@pytest.mark.parametrize("example", examples())
def test_the_werkplek_builds_and_checks_as_the_command_line_does(
    anna: httpx.Client, built, example: str
) -> None:  # type: ignore[no-untyped-def]
    upload(anna, example, DATA / example)
    chosen = sample(example)
    started = anna.post(
        f"/api/rapporten/{example}/builds", json={"gemeenten": list(chosen) if chosen else None}
    )
    assert started.status_code == 202, started.text
    done = finished(anna, f"/api/rapporten/{example}/builds/{started.json()['id']}")
    assert done["status"] == "klaar", done
    out = built(example).output
    expected = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".jaarverslag"
    )
    assert [f["pad"] for f in done["bestanden"]] == expected
    for made in done["bestanden"]:
        assert anna.get(made["adres"]).content == (out / made["pad"]).read_bytes(), made["pad"]
    if not chosen:  # a reeks's check analyses all 342 gemeenten: tests/build does that
        said = subprocess.run(
            [sys.executable, "-m", "jaarverslag", "check", "."],
            cwd=DATA / example, capture_output=True, text=True, env=environment(), timeout=300,
        )  # fmt: skip
        check = anna.get(f"/api/rapporten/{example}/controle").json()
        assert [m["tekst"] for m in check["meldingen"]] == said.stderr.splitlines()[:-1]
        assert check["ok"] is (said.returncode == 0)


# The werkplek makes the website as the command line does: site/ with its search index,
# downloadable as one zip to unpack on the municipality's web server.
def test_a_build_with_site_gives_the_website_as_a_zip(anna: httpx.Client) -> None:
    upload(anna, "site-2020", DATA / "begroting-2020")
    started = anna.post("/api/rapporten/site-2020/builds", json={"formaten": ["site"]})
    assert started.status_code == 202, started.text
    done = finished(anna, f"/api/rapporten/site-2020/builds/{started.json()['id']}")
    assert done["status"] == "klaar", done
    paths = [f["pad"] for f in done["bestanden"]]
    assert "site/index.html" in paths and "site/toegankelijkheid.html" in paths
    assert "site/pagefind/pagefind.js" in paths
    assert not [p for p in paths if p.endswith((".pdf", ".docx"))]
    [site] = [z for z in done["mappen_als_zip"] if z.endswith("/site.zip")]
    with zipfile.ZipFile(io.BytesIO(anna.get(site).content)) as archive:
        names = archive.namelist()
    assert any(n.endswith("index.html") for n in names), names
    assert len([n for n in names if not n.endswith("/")]) == len(
        [p for p in paths if p.startswith("site/")]
    )
