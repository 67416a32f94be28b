"""The werkplek attacked, against a real ``jaarverslag web``: another user's rapport by a guessed
name, a change without the CSRF token or from another site, path tricks in file names,
oversized and bomb uploads, a lezer who writes, no or a wrong login, and guessing passwords."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from support.werkplek import BOTH_DATABASES, Werkplek

pytestmark = [pytest.mark.slow, BOTH_DATABASES]

NOT_THERE = {"fout": "geen rapport met deze naam (of u bent er geen lid van)"}


def test_another_users_rapport_does_not_exist_for_you(
    anna: httpx.Client, bram: httpx.Client, beheer: httpx.Client, rapport: str
) -> None:
    build = anna.post(f"/api/rapporten/{rapport}/builds", json={"formaten": ["html"]}).json()["id"]
    base = f"/api/rapporten/{rapport}"
    tries = [
        ("GET", base, None),
        ("GET", f"{base}/bestanden", None),
        ("GET", f"{base}/bestanden/rapport.yaml", None),
        ("PUT", f"{base}/bestanden/rapport.yaml", b"titel: overgenomen\n"),
        ("DELETE", f"{base}/bestanden/rapport.yaml", None),
        ("GET", f"{base}/controle", None),
        ("POST", f"{base}/builds", b"{}"),
        ("GET", f"{base}/builds", None),
        ("GET", f"{base}/builds/{build}", None),
        ("GET", f"{base}/builds/{build}/{rapport}.html", None),
        ("GET", f"{base}/versies", None),
        ("GET", f"{base}/versies/1", None),
        ("POST", f"{base}/versies/1/herstellen", None),
        ("GET", f"{base}/leden", None),
        ("PUT", f"{base}/leden/bram", b'{"rol": "schrijver"}'),
        ("POST", f"{base}/voorbeeld", b"{}"),
        ("GET", f"{base}/gebeurtenissen", None),
        ("POST", f"{base}/invoegen", None),
    ]
    for method, url, body in tries:
        answer = bram.request(method, url, content=body)
        assert (answer.status_code, answer.json()) == (404, NOT_THERE), (method, url)
        nobody = bram.request(method, url.replace(rapport, "bestaat-niet"), content=body)
        assert (nobody.status_code, nobody.json()) == (404, NOT_THERE), (method, url)
    page = bram.get(f"/rapporten/{rapport}")
    assert page.status_code == 404 and rapport not in page.text.replace(f"/rapporten/{rapport}", "")
    assert rapport not in bram.get("/api/rapporten").text
    assert rapport not in bram.get("/rapporten").text
    assert anna.get(f"{base}/bestanden/rapport.yaml").content.startswith(b"# Een nieuw rapport")
    assert rapport in beheer.get("/api/rapporten").text  # a beheerder sees every rapport


def test_a_change_without_the_csrf_token_is_refused(werkplek: Werkplek, rapport: str) -> None:
    url = f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md"
    with werkplek.session("anna") as browser:
        before = browser.get(url).content
        for headers in ({}, {"X-CSRF-Token": "geraden"}):
            answer = browser.put(url, content=b"overgenomen\n", headers=headers)
            assert answer.status_code == 403
            assert answer.json() == {
                "fout": "het CSRF-token ontbreekt of klopt niet: laad de pagina opnieuw"
            }
        other_site = browser.put(
            url, content=b"overgenomen\n",
            headers={"X-CSRF-Token": browser.csrf, "Origin": "https://kwaad.example"},  # type: ignore[attr-defined]
        )  # fmt: skip
        assert other_site.status_code == 403
        assert browser.post("/uitloggen", data={"csrf": "geraden"}).status_code == 403
        assert browser.get(url).content == before
        ok = browser.put(url, content=b"Met token.\n", headers={"X-CSRF-Token": browser.csrf})  # type: ignore[attr-defined]
        assert ok.status_code == 200
        cookie = next(c for c in browser.cookies.jar if c.name == "werkplek")
        assert cookie.has_nonstandard_attr("HttpOnly")
        assert cookie.get_nonstandard_attr("SameSite") == "strict"


@pytest.mark.parametrize(
    "path",
    [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "teksten%2F..%2F..%2Fbuiten.md",
        "teksten/%2e%2e/%2e%2e/buiten.md",
        "%2Fetc%2Fpasswd",
        "teksten%5C..%5Cbuiten.md",
        "teksten/x.md%00.png",
        ".git/config",
        "teksten/.verborgen.md",
        "rapport.yaml/x.md",
        "evil.sh",
        "indicatoren.csv.exe",
        "teksten/a/b/c/d.md",
        "templates/x.py",
    ],
)
def test_a_file_name_cannot_escape_the_rapport(
    anna: httpx.Client, rapport: str, path: str, tmp_path: Path
) -> None:
    before = anna.get(f"/api/rapporten/{rapport}/bestanden").json()["bestanden"]
    answer = anna.put(f"/api/rapporten/{rapport}/bestanden/{path}", content=b"titel: x\n")
    assert answer.status_code in (404, 422), answer.text
    if answer.status_code == 422:
        assert "'" in answer.json()["fout"]  # the name, quoted, and why
    assert anna.get(f"/api/rapporten/{rapport}/bestanden").json()["bestanden"] == before


def test_an_oversized_upload_is_refused_before_it_is_kept(anna: httpx.Client, rapport: str) -> None:
    url = f"/api/rapporten/{rapport}/bestanden/teksten/groot.md"
    answer = anna.put(url, content=b"a" * (1024 * 1024 + 1))
    assert answer.status_code == 413
    assert (
        answer.json()["fout"]
        == "teksten/groot.md: is te groot (2 MB; hoogstens 1 MB voor een tekstbestand)"
    )

    def chunks():  # no Content-Length: counted while it streams
        for _ in range(3):
            yield b"a" * (512 * 1024)

    streamed = anna.put(url, content=chunks())
    assert streamed.status_code == 413
    assert anna.get(url).status_code == 404


def zip_bomb() -> bytes:
    """A workbook of a few hundred kilobytes that unpacks to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                part.write(block)
    return out.getvalue()


def test_a_zip_bomb_is_refused_in_seconds(anna: httpx.Client, rapport: str) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    start = time.monotonic()
    answer = anna.put(f"/api/rapporten/{rapport}/bestanden/rapport.xlsx", content=bomb)
    assert time.monotonic() - start < 5
    assert answer.status_code == 422
    assert answer.json()["fout"].startswith("rapport.xlsx: pakt uit tot 300 MB, meer dan de ")
    assert anna.get(f"/api/rapporten/{rapport}/bestanden/rapport.xlsx").status_code == 404
    docx = anna.post(
        f"/api/rapporten/{rapport}/invoegen",
        files={"document": ("bom.docx", bomb)},
        data={"kop": "x"},
    )
    assert docx.status_code == 422 and "bom.docx: pakt uit tot 300 MB" in docx.json()["fout"]
    picture = anna.put(f"/api/rapporten/{rapport}/bestanden/teksten/logo.png", content=b"<script>")
    assert picture.status_code == 422
    assert picture.json()["fout"] == "teksten/logo.png: is geen afbeelding (PNG, JPEG, GIF of SVG)"


def test_a_yaml_bomb_is_refused_by_the_reader_in_seconds(anna: httpx.Client, rapport: str) -> None:
    lines = ['a0: &a0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    text = "titel: *a9\norganisatie: G\nsoort: jaarverslag\njaar: 2017\n" + "\n".join(lines) + "\n"
    start = time.monotonic()
    answer = anna.put(f"/api/rapporten/{rapport}/bestanden/rapport.yaml", content=text.encode())
    assert answer.json()["controle"] == "bezig"
    check = anna.get(f"/api/rapporten/{rapport}/controle").json()
    assert time.monotonic() - start < 10
    assert check["ok"] is False
    assert check["meldingen"][0]["tekst"].startswith(
        "rapport.yaml:1: YAML-fout: verwijzingen (*alias)"
    )


def test_no_login_no_answer(werkplek: Werkplek, rapport: str) -> None:
    with httpx.Client(base_url=werkplek.url, timeout=60) as nobody:
        answer = nobody.get(f"/api/rapporten/{rapport}/bestanden")
        assert answer.status_code == 401
        assert answer.json() == {"fout": "niet ingelogd (of uw sessie is verlopen): log opnieuw in"}
        assert (
            nobody.get("/api/rapporten", headers={"Authorization": "Bearer jv_geraden"}).status_code
            == 401
        )
        page = nobody.get(f"/rapporten/{rapport}")
        assert (
            page.status_code == 303
            and page.headers["location"] == f"/inloggen?terug=/rapporten/{rapport}"
        )
        assert (
            nobody.get("/api/rapporten", headers={"Cookie": "werkplek=geraden"}).status_code == 401
        )


def test_guessing_a_password_is_slowed_down(werkplek: Werkplek) -> None:
    werkplek.user("carla")
    with httpx.Client(base_url=werkplek.url, timeout=60) as guesser:
        for attempt in range(5):
            answer = guesser.post(
                "/inloggen", data={"naam": "carla", "wachtwoord": f"fout-{attempt}"}
            )
            assert answer.status_code == 401
            assert "onbekende gebruiker of verkeerd wachtwoord" in answer.text
        unknown = guesser.post("/inloggen", data={"naam": "niemand", "wachtwoord": "x"})
        assert (
            unknown.status_code == 401
            and "onbekende gebruiker of verkeerd wachtwoord" in unknown.text
        )
        blocked = guesser.post(
            "/inloggen", data={"naam": "carla", "wachtwoord": "een-lang-wachtwoord"}
        )
        assert blocked.status_code == 429
        assert (
            "te veel mislukte pogingen om in te loggen; probeer het over 15 minuten opnieuw"
            in blocked.text
        )
        assert 800 < int(blocked.headers["retry-after"]) <= 901
    with werkplek.client("beheer") as beheer:
        log = beheer.get("/api/audit", params={"gebruiker": "carla"}).json()["audit"]
        assert [e["actie"] for e in log].count("inloggen-mislukt") == 6


def test_every_page_carries_a_strict_content_security_policy(
    werkplek: Werkplek, rapport: str
) -> None:
    import re

    with werkplek.session("anna") as browser:
        for url in ("/inloggen", "/rapporten", f"/rapporten/{rapport}", f"/rapporten/{rapport}/geschiedenis",
                    f"/rapporten/{rapport}/tekst/teksten/inleiding.md", "/account"):  # fmt: skip
            answer = browser.get(url)
            policy = answer.headers["content-security-policy"]
            assert "script-src 'self';" in policy and "unsafe" not in policy, url
            assert "frame-ancestors 'none'" in policy
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["cache-control"] == "no-store"
            scripts = re.findall(r"<script\b[^>]*>", answer.text)
            assert scripts and all("src=" in s for s in scripts), url
            assert not re.search(r"\son[a-z]+=", answer.text), url  # no inline handlers
