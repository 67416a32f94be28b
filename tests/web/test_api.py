"""The werkplek's JSON API as a script of IT uses it, against a real ``jaarverslag web``: every
route of issue 24, its status codes, and answers compared with what the command line says and
makes for the same files."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support.helpers import ROOT, write_rapport
from support.werkplek import BOTH_DATABASES, Werkplek, environment

pytestmark = [pytest.mark.slow, BOTH_DATABASES]

STARTER = ["indicatoren.csv", "rapport.yaml", "teksten/conclusie.md", "teksten/inleiding.md"]


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jaarverslag", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=300,
    )


def files(api: httpx.Client, name: str) -> dict[str, bytes]:
    listed = api.get(f"/api/rapporten/{name}/bestanden").json()["bestanden"]
    return {
        f["pad"]: api.get(f"/api/rapporten/{name}/bestanden/{f['pad']}").content for f in listed
    }


def cells(workbook: bytes) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's values (the starter workbook's zip carries the minute it was made)."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def wait_for(api: httpx.Client, name: str, build: int, seconds: float = 240) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = api.get(f"/api/rapporten/{name}/builds/{build}").json()
        if found["status"] in ("klaar", "mislukt"):
            return found  # type: ignore[no-any-return]
        time.sleep(0.3)
    raise AssertionError(f"build {build} did not finish in {seconds} s")


# -- rapporten ---------------------------------------------------------------------------------


def test_a_new_rapport_holds_the_files_of_jaarverslag_new(
    anna: httpx.Client, tmp_path: Path
) -> None:
    answer = anna.post("/api/rapporten", json={"naam": "uit-de-starter", "excel": False})
    assert answer.status_code == 201
    assert answer.headers["location"] == "/api/rapporten/uit-de-starter"
    assert answer.json()["rol"] == "schrijver"
    assert answer.json()["leden"] == [{"gebruiker": "anna", "rol": "schrijver"}]
    made = files(anna, "uit-de-starter")
    assert sorted(made) == STARTER
    assert cli("new", "uit-de-starter", cwd=tmp_path).returncode == 0
    for path, content in made.items():
        assert content == (tmp_path / "uit-de-starter" / path).read_bytes(), path
    listed = anna.get("/api/rapporten").json()["rapporten"]
    assert {"naam": "uit-de-starter", "rol": "schrijver"} in listed


def test_a_new_rapport_with_the_workbook(anna: httpx.Client, tmp_path: Path) -> None:
    assert (
        anna.post("/api/rapporten", json={"naam": "met-werkmap", "excel": True}).status_code == 201
    )
    made = files(anna, "met-werkmap")
    assert sorted(made) == [
        "rapport.xlsx",
        "rapport.yaml",
        "teksten/conclusie.md",
        "teksten/inleiding.md",
    ]
    assert cli("new", "met-werkmap", "--excel", cwd=tmp_path).returncode == 0
    assert cells(made["rapport.xlsx"]) == cells(
        (tmp_path / "met-werkmap" / "rapport.xlsx").read_bytes()
    )
    check = anna.get("/api/rapporten/met-werkmap/controle").json()
    assert check["ok"] is True


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"naam": "Hoofd Letters"},
            422,
            "'Hoofd Letters' kan geen rapportnaam zijn: gebruik kleine letters",
        ),
        ({"naam": "../etc"}, 422, "'../etc' kan geen rapportnaam zijn"),
        ({"naam": "ok", "excel": "ja"}, 422, "excel en leeg zijn true of false"),
        ({"naam": "ok", "kleur": "rood"}, 422, "onbekend veld: kleur"),
        ([1, 2], 400, "de inhoud van het verzoek moet een JSON-object zijn"),
    ],
)
def test_a_rapport_that_cannot_be_made(
    anna: httpx.Client, body: object, status: int, message: str
) -> None:
    answer = anna.post("/api/rapporten", json=body)
    assert answer.status_code == status
    assert answer.json()["fout"].startswith(message)


def test_a_taken_name_is_a_conflict(anna: httpx.Client, bram: httpx.Client, rapport: str) -> None:
    for who in (anna, bram):
        answer = who.post("/api/rapporten", json={"naam": rapport})
        assert answer.status_code == 409
        assert answer.json() == {"fout": f"de naam {rapport} is al in gebruik; kies een andere"}


def test_no_json_is_a_bad_request(anna: httpx.Client) -> None:
    answer = anna.post(
        "/api/rapporten", content=b"{naam", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["fout"].startswith("de inhoud van het verzoek is geen JSON")


# -- files -------------------------------------------------------------------------------------


def test_a_small_file_from_memory_and_a_large_one_from_disk_come_back_alike(
    anna: httpx.Client, rapport: str
) -> None:
    from jaarverslag.web.api.common import SMALL_DOWNLOAD

    base = f"/api/rapporten/{rapport}/bestanden/teksten"
    line = "Een regel tekst met één woord dat geen ASCII is.\n".encode()
    sizes = {"klein.md": 1_000, "groot.md": SMALL_DOWNLOAD + 1}
    for name, size in sizes.items():
        content = (line * (size // len(line) + 1))[:size]
        assert anna.put(f"{base}/{name}", content=content).status_code == 201
        got = anna.get(f"{base}/{name}")
        assert got.status_code == 200 and got.content == content
        assert got.headers["content-length"] == str(size)
        assert got.headers["content-type"] == "text/markdown; charset=utf-8"
        assert got.headers["content-disposition"] == f'attachment; filename="{name}"; ' + (
            f"filename*=UTF-8''{name}"
        )
        assert got.headers["content-security-policy"] == "default-src 'none'; sandbox"
        tag = got.headers["etag"]
        assert anna.get(f"{base}/{name}", headers={"If-None-Match": tag}).status_code == 304
        head = anna.head(f"{base}/{name}")  # the same answer without the body
        assert head.status_code == 200 and head.content == b""
        for header in ("content-length", "content-type", "etag", "content-disposition"):
            assert head.headers[header] == got.headers[header], header
    assert anna.head(f"{base}/weg.md").status_code == 404


def test_put_get_delete_and_the_versions_they_make(anna: httpx.Client, rapport: str) -> None:
    url = f"/api/rapporten/{rapport}/bestanden/teksten/nieuw.md"
    made = anna.put(url, content=b"Een nieuwe tekst.\n")
    assert made.status_code == 201
    assert made.json()["uitkomst"] == "nieuw"
    tag = made.headers["etag"]
    assert tag == made.json()["bestand"]["etag"] == '"' + made.json()["bestand"]["sha256"] + '"'
    got = anna.get(url)
    assert got.content == b"Een nieuwe tekst.\n" and got.headers["etag"] == tag
    assert got.headers["content-disposition"].startswith('attachment; filename="nieuw.md"')
    assert anna.get(url, headers={"If-None-Match": tag}).status_code == 304
    same = anna.put(url, content=b"Een nieuwe tekst.\n")
    assert same.status_code == 200 and same.json()["uitkomst"] == "ongewijzigd"
    changed = anna.put(url, content=b"Anders.\n", headers={"If-Match": tag})
    assert changed.status_code == 200 and changed.json()["uitkomst"] == "gewijzigd"
    gone = anna.delete(url, headers={"If-Match": changed.headers["etag"]})
    assert gone.status_code == 200 and gone.json()["verwijderd"]["soort"] == "verwijderd"
    assert anna.get(url).status_code == 404
    assert anna.delete(url).status_code == 404
    history = anna.get(
        f"/api/rapporten/{rapport}/versies", params={"pad": "teksten/nieuw.md"}
    ).json()
    assert [v["soort"] for v in history["versies"]] == ["verwijderd", "opgeslagen", "opgeslagen"]
    first = history["versies"][-1]["versie"]
    assert anna.get(f"/api/rapporten/{rapport}/versies/{first}").content == b"Een nieuwe tekst.\n"
    back = anna.post(f"/api/rapporten/{rapport}/versies/{first}/herstellen")
    assert back.status_code == 201 and back.json()["versie"]["hersteld_van"] == first
    assert anna.get(url).content == b"Een nieuwe tekst.\n"


def test_the_check_after_a_put_says_its_messages_in_the_words_of_check(
    anna: httpx.Client, rapport: str, tmp_path: Path
) -> None:
    bad = b"id,indicator,jaar,soort,waarde\np,P,2017,realisatie,veel\np,P,2017,gedroomd,3\n"
    answer = anna.put(f"/api/rapporten/{rapport}/bestanden/indicatoren.csv", content=bad)
    assert answer.status_code == 200
    assert answer.json()["controle"] == "bezig"  # answered when stored, not after the check
    check = anna.get(f"/api/rapporten/{rapport}/controle").json()
    assert check["staat"] == answer.json()["staat"]
    assert check["ok"] is False
    folder = tmp_path / rapport
    for path, content in files(anna, rapport).items():
        write_rapport(folder, {path: content})
    said = cli("check", ".", cwd=folder)
    assert said.returncode == 1
    lines = said.stderr.splitlines()[:-1]  # the last line counts the rapporten
    assert [m["tekst"] for m in check["meldingen"]] == lines
    assert "indicatoren.csv:2: waarde: " in lines[0]
    assert anna.get(f"/api/rapporten/{rapport}/controle").json()["meldingen"] == check["meldingen"]


def test_a_stale_save_is_refused_with_412_and_both_versions_are_kept(
    anna: httpx.Client, bram: httpx.Client, rapport: str
) -> None:
    assert (
        anna.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "schrijver"}).status_code
        == 200
    )
    url = f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md"
    read = anna.get(url).headers["etag"]
    assert bram.get(url).headers["etag"] == read
    bram_saves = bram.put(url, content=b"Bram schreef dit.\n", headers={"If-Match": read})
    assert bram_saves.status_code == 200
    anna_saves = anna.put(url, content=b"Anna schreef dat.\n", headers={"If-Match": read})
    assert anna_saves.status_code == 412
    body = anna_saves.json()
    now, kept = body["huidig"], body["bewaard"]
    assert body["fout"] == (
        f"teksten/inleiding.md: is intussen gewijzigd door bram (versie {now['versie']}); uw "
        f"wijziging is niet de huidige versie geworden, maar wel bewaard als versie "
        f"{kept['versie']} in de geschiedenis"
    )
    assert anna.get(url).content == b"Bram schreef dit.\n"
    assert (
        anna.get(f"/api/rapporten/{rapport}/versies/{kept['versie']}").content
        == b"Anna schreef dat.\n"
    )
    history = anna.get(
        f"/api/rapporten/{rapport}/versies", params={"pad": "teksten/inleiding.md"}
    ).json()
    kinds = {v["versie"]: (v["soort"], v["huidig"]) for v in history["versies"]}
    assert kinds[kept["versie"]] == ("conflict", False)
    assert kinds[now["versie"]] == ("opgeslagen", True)
    stale_delete = anna.delete(url, headers={"If-Match": read})
    assert stale_delete.status_code == 412
    assert anna.put(url, content=b"x", headers={"If-None-Match": "*"}).status_code == 412


# -- builds ------------------------------------------------------------------------------------


def test_a_build_makes_what_the_command_line_makes(
    anna: httpx.Client, rapport: str, tmp_path: Path
) -> None:
    started = anna.post(f"/api/rapporten/{rapport}/builds", json={"formaten": ["html", "docx"]})
    assert started.status_code == 202
    build = started.json()["id"]
    assert started.headers["location"] == f"/api/rapporten/{rapport}/builds/{build}"
    assert started.json()["opnieuw_over"] >= 1  # when to ask again, said twice
    assert started.headers["retry-after"] == str(started.json()["opnieuw_over"])
    done = wait_for(anna, rapport, build)
    assert done["status"] == "klaar", done
    assert "opnieuw_over" not in done
    finished = anna.get(f"/api/rapporten/{rapport}/builds/{build}")
    assert "retry-after" not in finished.headers
    folder = tmp_path / "in" / rapport
    for path, content in files(anna, rapport).items():
        write_rapport(folder, {path: content})
    assert cli("build", folder, "-o", tmp_path / "out", "-f", "html,docx").returncode == 0
    out = tmp_path / "out" / rapport
    expected = sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name != ".jaarverslag"
    )
    assert [f["pad"] for f in done["bestanden"]] == expected
    for made in done["bestanden"]:
        assert anna.get(made["adres"]).content == (out / made["pad"]).read_bytes(), made["pad"]
    zipped = anna.get(f"/api/rapporten/{rapport}/builds/{build}/tabellen.zip")
    assert zipped.headers["content-type"] == "application/zip"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        assert {n: archive.read(n) for n in archive.namelist()} == {
            p: (out / p).read_bytes() for p in expected if p.startswith("tabellen/")
        }
    assert anna.get(f"/api/rapporten/{rapport}/builds/{build}/geen.pdf").status_code == 404
    listed = anna.get(f"/api/rapporten/{rapport}/builds").json()["builds"]
    assert listed[0]["id"] == build


def test_a_build_of_bad_input_fails_with_the_messages_of_build(
    anna: httpx.Client, rapport: str
) -> None:
    anna.put(f"/api/rapporten/{rapport}/bestanden/indicatoren.csv", content=b"id,indicator\n")
    build = anna.post(f"/api/rapporten/{rapport}/builds", json={}).json()["id"]
    done = wait_for(anna, rapport, build)
    assert done["status"] == "mislukt"
    assert done["fout"] == "invoerfouten"
    assert done["bestanden"] == []
    assert any(m["tekst"].startswith("indicatoren.csv") for m in done["meldingen"])


@pytest.mark.parametrize("formats", [["pdf", "png"], "pdf", ["pdf", "pdf"]])
def test_unknown_formats_are_refused(anna: httpx.Client, rapport: str, formats: object) -> None:
    answer = anna.post(f"/api/rapporten/{rapport}/builds", json={"formaten": formats})
    assert answer.status_code == 422
    assert answer.json() == {"fout": "formaten: kies uit pdf, docx, html, site"}  # the registry


# -- insert ------------------------------------------------------------------------------------


def test_insert_gives_the_document_the_command_line_gives(
    anna: httpx.Client, tmp_path: Path
) -> None:
    from support.gemeentedocument import make_document

    name = "insert-wassenaar"
    assert anna.post("/api/rapporten", json={"naam": name, "leeg": True}).status_code == 201
    source = ROOT / "data" / "beleidsplan-wassenaar-2024"
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        put = anna.put(
            f"/api/rapporten/{name}/bestanden/{path.relative_to(source).as_posix()}",
            content=path.read_bytes(),
        )
        assert put.status_code == 201, put.text
    document = make_document(tmp_path / "beleidsplan.docx")
    answer = anna.post(
        f"/api/rapporten/{name}/invoegen",
        files={"document": ("beleidsplan.docx", document.read_bytes())},
        data={"kop": "Financiën"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith(
        'attachment; filename="beleidsplan.bijgewerkt.docx"'
    )
    folder = tmp_path / name
    for path, content in files(anna, name).items():
        write_rapport(folder, {path: content})
    done = cli("insert", folder, document, "--heading", "Financiën", "-o", tmp_path / "cli.docx")
    assert done.returncode == 0, done.stderr
    assert answer.content == (tmp_path / "cli.docx").read_bytes()
    wrong = anna.post(
        f"/api/rapporten/{name}/invoegen",
        files={"document": ("beleidsplan.docx", document.read_bytes())},
        data={"kop": "Bestaat niet"},
    )
    assert wrong.status_code == 422
    said = cli("insert", folder, document, "--heading", "Bestaat niet", "-o", tmp_path / "x.docx")
    assert said.returncode == 1
    expected = said.stderr.strip().replace(str(document), "beleidsplan.docx")
    assert wrong.json()["fout"] == expected


def test_insert_refuses_what_is_no_word_document(anna: httpx.Client, rapport: str) -> None:
    answer = anna.post(
        f"/api/rapporten/{rapport}/invoegen",
        files={"document": ("notities.txt", b"geen word")},
        data={"kop": "Financiën"},
    )
    assert answer.status_code == 422
    assert answer.json()["fout"] == "notities.txt: is geen Word-document (.docx)"
    missing = anna.post(f"/api/rapporten/{rapport}/invoegen", data={"kop": "x"})
    assert missing.status_code == 422
    assert missing.json()["fout"].startswith("stuur multipart/form-data")


# -- members, the preview, the news, the audit -------------------------------------------------


def test_members_and_their_roles(anna: httpx.Client, bram: httpx.Client, rapport: str) -> None:
    assert bram.get(f"/api/rapporten/{rapport}").status_code == 404
    shared = anna.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "lezer"})
    assert shared.status_code == 200
    assert {"gebruiker": "bram", "rol": "lezer"} in shared.json()["leden"]
    assert {"naam": rapport, "rol": "lezer"} in bram.get("/api/rapporten").json()["rapporten"]
    url = f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md"
    assert bram.get(url).status_code == 200
    for answer in (
        bram.put(url, content=b"x"),
        bram.delete(url),
        bram.post(f"/api/rapporten/{rapport}/builds", json={}),
        bram.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "schrijver"}),
    ):
        assert answer.status_code == 403
        assert answer.json() == {
            "fout": "u bent lezer van dit rapport: alleen een schrijver kan dit"
        }
    assert (
        anna.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "schrijver"}).status_code
        == 200
    )
    assert bram.put(url, content=b"Nu mag het.\n").status_code == 200
    assert (
        anna.put(f"/api/rapporten/{rapport}/leden/niemand", json={"rol": "lezer"}).status_code
        == 404
    )
    assert (
        anna.put(f"/api/rapporten/{rapport}/leden/bram", json={"rol": "eigenaar"}).status_code
        == 422
    )
    assert anna.delete(f"/api/rapporten/{rapport}/leden/bram").status_code == 200
    last = anna.delete(f"/api/rapporten/{rapport}/leden/anna")
    assert last.status_code == 409 and last.json() == {
        "fout": "een rapport houdt minstens één schrijver"
    }
    assert bram.get(url).status_code == 404


def test_the_preview_shows_a_draft_without_saving_it(anna: httpx.Client, rapport: str) -> None:
    draft = "Een zin die nog **niet** is opgeslagen: Zwaluwstaart.\n"
    answer = anna.post(
        f"/api/rapporten/{rapport}/voorbeeld", json={"concepten": {"teksten/inleiding.md": draft}}
    )
    assert answer.status_code == 200 and answer.json()["ok"] is True
    page = anna.get(answer.json()["adres"])
    assert "Zwaluwstaart" in page.text and "<strong>niet</strong>" in page.text
    assert "sandbox" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]
    assert (
        b"Zwaluwstaart"
        not in anna.get(f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md").content
    )
    broken = anna.post(
        f"/api/rapporten/{rapport}/voorbeeld",
        json={"concepten": {"teksten/inleiding.md": "{{ onbekend }}\n"}},
    ).json()
    assert broken["ok"] is False
    assert broken["meldingen"][0]["tekst"].startswith("teksten/inleiding.md:1: ")
    assert "Zwaluwstaart" in anna.get(broken["adres"]).text  # the last good one, greyed, below


def test_the_news_of_a_rapport_streams_every_change(anna: httpx.Client, rapport: str) -> None:
    seen: list[int] = []
    with anna.stream("GET", f"/api/rapporten/{rapport}/gebeurtenissen") as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[6:])["staat"])
                if len(seen) == 1:
                    anna.put(f"/api/rapporten/{rapport}/bestanden/teksten/nieuw.md", content=b"x\n")
                else:
                    break
    assert seen[1] > seen[0]


def test_the_audit_log_is_for_beheerders(
    anna: httpx.Client, beheer: httpx.Client, rapport: str
) -> None:
    assert anna.get("/api/audit").status_code == 403
    anna.put(f"/api/rapporten/{rapport}/bestanden/teksten/nieuw.md", content=b"x\n")
    log = beheer.get("/api/audit", params={"rapport": rapport}).json()["audit"]
    assert [(e["actie"], e["gebruiker"]) for e in log] == [
        ("bestand-opgeslagen", "anna"),
        ("rapport-aangemaakt", "anna"),
    ]
    assert log[0]["details"]["pad"] == "teksten/nieuw.md"
    assert beheer.get(f"/api/rapporten/{rapport}").json()["rol"] == "beheerder"
    # the save's check runs after the save is answered: asking for its verdict waits for it
    assert anna.get(f"/api/rapporten/{rapport}/controle").status_code == 200
    queues = beheer.get("/api/wachtrij").json()
    assert set(queues) == {"bouw", "controle"} and queues["controle"]["klaar"] >= 1


def test_a_token_is_revoked_for_good(werkplek: Werkplek) -> None:
    with werkplek.client("bram") as api:
        mine = api.get("/api/tokens").json()["tokens"]
        assert api.get("/api/ik").json() == {"naam": "bram", "beheerder": False, "via": "token"}
        newest = max(t["id"] for t in mine)
        assert api.delete(f"/api/tokens/{newest}").status_code == 200
        refused = api.get("/api/rapporten")
        assert refused.status_code == 401
        assert refused.json() == {"fout": "dit API-token bestaat niet of is ingetrokken"}
