"""``jaarverslag serve`` without a browser: the preview's rebuilds and what they reuse, the page
on bad input, and the server (what it answers, whom it answers, where it listens).

The real browser is in ``test_serve_browser.py`` (slow).
"""

from __future__ import annotations

import contextlib
import http.client
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.helpers import DATA, SNAPSHOTS

from jaarverslag.build.pipeline import check
from jaarverslag.commands.new import new_rapport
from jaarverslag.serve import page as pagemod
from jaarverslag.serve.page import Page, served
from jaarverslag.serve.preview import Preview
from jaarverslag.serve.server import Hub, PreviewServer, is_loopback

EXAMPLES = ["jaarverslag-2017", "begroting-2020", "beleidsplan-wassenaar-2024", "participatie-2017"]


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the preview -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_preview_is_exactly_what_build_writes(name: str, tmp_path: Path) -> None:
    """The page before the script goes in is byte for byte the golden ``build -f html``."""
    preview = Preview(copy(name, tmp_path))
    update = preview.update()
    assert update is not None and update.page.ok
    golden = (SNAPSHOTS / name / f"{name}.html").read_text(encoding="utf-8")
    assert update.page.document == golden
    assert "jv-voorbeeld" not in golden  # the script is never part of a built file


def test_nothing_changed_is_no_rebuild(tmp_path: Path) -> None:
    folder = copy("jaarverslag-2017", tmp_path)
    preview = Preview(folder)
    assert preview.update() is not None
    assert preview.update() is None
    text = folder / "teksten" / "01-inleiding.md"
    text.write_bytes(text.read_bytes())  # saved again, same bytes: a new mtime only
    assert preview.update() is None


def test_text_change_reuses_data_and_tables(tmp_path: Path) -> None:
    """Only the texts are read again; the ladder's tables (and its privacy audit) are the very
    objects of the build before."""
    folder = copy("participatie-2017", tmp_path)
    preview = Preview(folder)
    preview.update()
    assert preview.good is not None
    before = preview.good
    text = next((folder / "teksten").glob("*.md"))
    text.write_text(text.read_text(encoding="utf-8") + "\nEen nieuwe zin over Zwolle.\n", "utf-8")
    update = preview.update()
    assert update is not None and update.page.ok
    assert update.how == "teksten"
    assert update.changed == (f"teksten/{text.name}",)
    assert "Een nieuwe zin over Zwolle." in (update.page.document or "")
    after = preview.good
    assert after is not None
    assert after.analysis.inputs.frames is before.analysis.inputs.frames
    assert after.analysis.results["ladder"] is before.analysis.results["ladder"]


def test_data_change_recomputes_only_the_blocks_of_that_file(tmp_path: Path) -> None:
    """indicatoren.csv changes: the indicator table is computed anew, the ladder is reused."""
    folder = copy("participatie-2017", tmp_path)
    shutil.copy(DATA / "jaarverslag-2017" / "indicatoren.csv", folder / "indicatoren.csv")
    yaml = folder / "rapport.yaml"
    yaml.write_text(
        yaml.read_text("utf-8") + "  - titel: Indicatoren\n    inhoud: [indicatoren]\n", "utf-8"
    )
    preview = Preview(folder)
    assert preview.update().page.ok  # type: ignore[union-attr]
    before = preview.good
    assert before is not None and {"ladder", "indicatoren"} <= set(before.analysis.results)
    edit(folder / "indicatoren.csv", ";2017;realisatie;559", ";2017;realisatie;561")
    update = preview.update()
    assert update is not None and update.page.ok and update.how == "invoer"
    after = preview.good
    assert after is not None
    assert after.analysis.results["ladder"] is before.analysis.results["ladder"]
    assert after.analysis.results["indicatoren"] is not before.analysis.results["indicatoren"]
    assert after.analysis.figures is not before.analysis.figures  # they print the new facts
    assert "561" in (update.page.document or "")


def test_text_change_reuses_the_data_checks_and_the_indicator_facts(tmp_path: Path) -> None:
    """A text changed: the verdeelsleutel's check and the indicator facts the prose prints are
    taken from the build before, not made again (they depend on the data only)."""
    folder = tmp_path / "r"
    new_rapport(folder, excel=True)
    preview = Preview(folder)
    preview.update()
    before = preview.good
    assert before is not None and "verdeelsleutel" in before.analysis.checked
    text = folder / "teksten" / "inleiding.md"
    text.write_text(text.read_text("utf-8") + "\nNog een zin.\n", "utf-8")
    update = preview.update()
    assert update is not None and update.how == "teksten"
    after = preview.good
    assert after is not None
    assert after.analysis.checked["verdeelsleutel"] is before.analysis.checked["verdeelsleutel"]
    assert after.analysis.figures.indicators is before.analysis.figures.indicators
    # the figures themselves, with the live amounts and the conclusions they worked out
    assert after.analysis.figures is before.analysis.figures


def test_a_check_reads_the_analysis_and_leaves_the_page_as_it_was(tmp_path: Path) -> None:
    """``check()``: the warnings of the folder as it is now (``check``'s), made from the last
    good state without a page; an error is left to ``check`` itself (None)."""
    folder = tmp_path / "r"
    new_rapport(folder, excel=True)
    preview = Preview(folder)
    preview.update()
    page, good = preview.page, preview.good
    text = folder / "teksten" / "inleiding.md"
    text.write_text(text.read_text("utf-8") + "\nNog een zin.\n", "utf-8")
    assert preview.check() == tuple(check([folder])[0].problems) == ()
    assert preview.page is page and preview.good is good
    text.write_text("Het waren {{ bestaat_niet }} banen.\n", "utf-8")
    assert preview.check() is None and not check([folder])[0].ok
    update = preview.update()
    assert update is not None and not update.page.ok


def _resave(book: Path, change: Callable[[Any], None] | None = None) -> None:
    """The workbook opened and saved by openpyxl: other bytes; ``change`` edits it first."""
    import openpyxl

    opened = openpyxl.load_workbook(book)
    opened.properties.description = f"opnieuw opgeslagen {time.monotonic()}"
    if change is not None:
        change(opened)
    opened.save(book)


def test_workbook_saved_again_with_the_same_figures_reuses_every_block(tmp_path: Path) -> None:
    """A workbook with other bytes but the same rows (line numbers included) on every sheet:
    its data is read again, and every block, check and fact is the one made before."""
    folder = tmp_path / "r"
    new_rapport(folder, excel=True)
    preview = Preview(folder)
    first = preview.update()
    before = preview.good
    assert first is not None and before is not None
    _resave(folder / "rapport.xlsx")
    update = preview.update()
    assert update is not None and update.how == "invoer" and update.page.ok
    after = preview.good
    assert after is not None and after.analysis.inputs is not before.analysis.inputs
    assert set(after.analysis.results) == set(before.analysis.results) == {
        "indicatoren", "kosten", "maatregelen", "verdeling"
    }  # fmt: skip
    for name, result in before.analysis.results.items():
        assert after.analysis.results[name] is result, name
    assert after.analysis.checked["verdeelsleutel"] is before.analysis.checked["verdeelsleutel"]
    assert after.analysis.figures is before.analysis.figures
    fresh = Preview(folder).update()  # the page: a fresh start's (the fingerprint is new)
    assert fresh is not None and update.page.document == fresh.page.document
    assert update.page.document != first.page.document


def _set(sheet: str, cell: str, value: object) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet][cell] = value

    return change


def _insert_row(sheet: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet].insert_rows(2)  # the same rows, one line lower

    return change


def test_workbook_with_one_sheet_changed_recomputes_the_blocks_of_that_sheet(
    tmp_path: Path,
) -> None:
    """One figure of the kosten sheet changed: the kosten block is made again, the others are
    reused; the same rows one line lower are other data too (messages name the line)."""
    folder = tmp_path / "r"
    new_rapport(folder, excel=True)
    preview = Preview(folder)
    preview.update()
    before = preview.good
    assert before is not None
    _resave(folder / "rapport.xlsx", _set("kosten", "F2", 1181000))
    update = preview.update()
    assert update is not None and update.page.ok
    after = preview.good
    assert after is not None
    assert after.analysis.results["kosten"] is not before.analysis.results["kosten"]
    for name in ("indicatoren", "maatregelen", "verdeling"):
        assert after.analysis.results[name] is before.analysis.results[name], name
    assert after.analysis.figures is not before.analysis.figures  # other live amounts
    assert "1.181" in (update.page.document or "")
    _resave(folder / "rapport.xlsx", _insert_row("indicatoren"))
    update = preview.update()
    assert update is not None and update.page.ok
    moved = preview.good
    assert moved is not None
    assert moved.analysis.results["indicatoren"] is not after.analysis.results["indicatoren"]
    assert moved.analysis.figures.indicators is not after.analysis.figures.indicators
    assert moved.analysis.results["kosten"] is after.analysis.results["kosten"]
    fresh = Preview(folder).update()
    assert fresh is not None
    assert (update.page.document, update.page.problems) == (
        fresh.page.document, fresh.page.problems
    )  # fmt: skip


EDITS = {
    "beleidsplan-wassenaar-2024": [
        ("teksten/financien.md", "\nNog een zin.\n", None),
        ("verdeelsleutel.csv", None, ("Wassenaar;14", "Wassenaar;13,5")),
        ("verdeelsleutel.csv", None, ("Leidschendam-Voorburg;74", "Leidschendam-Voorburg;74,5")),
        (
            "maatregelen.csv",
            None,
            ("Eén participatieconsulent;structureel;2024", "Eén consulent;structureel;2024"),
        ),
        ("rapport.yaml", None, ("afronding: 1000", "afronding: 1")),
        ("teksten/verdeling.md", "\nEn hier.\n", None),
    ],
    "participatie-2017": [
        ("teksten/01-route.md", "\nNieuwe route.\n", None),
        ("clienten.csv", None, ("K0001850,2017-01-31,4,", "K0001850,2017-01-31,5,")),
        ("rapport.yaml", None, ("behoud_trede_3_4: 95", "behoud_trede_3_4: 99")),
        ("teksten/03-participatieladder.md", "\nLadder.\n", None),
    ],
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_whatever_is_reused_the_page_is_what_a_fresh_start_shows(name: str, tmp_path: Path) -> None:
    """After every save of a series, the page of the running preview (which reuses what it
    can) is exactly the page of a preview started afresh on the same files."""
    folder = copy(name, tmp_path)
    preview = Preview(folder)
    preview.update()
    for file, appended, replaced in EDITS[name]:
        path = folder / file
        if appended is not None:
            path.write_text(path.read_text("utf-8") + appended, "utf-8")
        else:
            assert replaced is not None
            edit(path, *replaced)
        update = preview.update()
        assert update is not None, file
        fresh = Preview(folder).update()
        assert fresh is not None
        same = (update.page.document, update.page.problems)
        assert same == (fresh.page.document, fresh.page.problems), file


def test_rapport_yaml_change_recomputes_everything(tmp_path: Path) -> None:
    folder = copy("participatie-2017", tmp_path)
    preview = Preview(folder)
    preview.update()
    before = preview.good
    assert before is not None
    edit(folder / "rapport.yaml", "stijging: 60", "stijging: 61")
    update = preview.update()
    assert update is not None and update.page.ok
    assert preview.good is not None
    assert preview.good.analysis.results["ladder"] is not before.analysis.results["ladder"]
    assert "norm 61%" in (update.page.document or "")


def test_bad_data_shows_checks_messages_then_mending_brings_the_document_back(
    tmp_path: Path,
) -> None:
    folder = copy("jaarverslag-2017", tmp_path)
    preview = Preview(folder)
    good = preview.update()
    assert good is not None and good.page.document is not None
    csv = folder / "indicatoren.csv"
    original = csv.read_bytes()
    edit(csv, ";2017;realisatie;559", ";2017;realisatie;<b>veel</b>")
    bad = preview.update()
    assert bad is not None and not bad.page.ok
    expected = check([folder])[0].problems
    assert bad.page.problems == tuple(expected)
    assert any("indicatoren.csv:" in str(p) and "geen getal" in str(p) for p in expected)
    assert bad.page.previous == good.page.document
    html = served(bad.page, 7, "n")
    assert "&lt;b&gt;veel&lt;/b&gt;" in html and "<b>veel</b>" not in html
    assert str(expected[0]).replace("'", "&#x27;").replace("<", "&lt;").replace(">", "&gt;") in html
    banner = html.index('id="jv-fouten"')
    assert banner < html.index('class="jv-oud"') < html.index("P-baan")  # greyed, below
    csv.write_bytes(original)
    mended = preview.update()
    assert mended is not None and mended.page == good.page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Goed\n\xff\xfe kapot\n", "teksten/01-inleiding.md:2: is geen UTF-8-tekst"),
        (b"{{ realisatie('p_baan', 2017) }}\n", "onbekende indicator 'p_baan'"),
        (b"Goed\n{{ 6 * }}\n", "teksten/01-inleiding.md"),
    ],
)
def test_a_bad_text_is_reported_as_check_does(content: bytes, message: str, tmp_path: Path) -> None:
    """Only a text changed, so only the texts are read again — and their problems are the
    ones check reports; the text mended, the document is back."""
    folder = copy("jaarverslag-2017", tmp_path)
    preview = Preview(folder)
    good = preview.update()
    assert good is not None and good.page.ok
    text = folder / "teksten" / "01-inleiding.md"
    original = text.read_bytes()
    text.write_bytes(content)
    bad = preview.update()
    assert bad is not None and not bad.page.ok and bad.how == "invoer"
    assert bad.page.problems == tuple(check([folder])[0].problems)
    assert any(message in str(p) for p in bad.page.problems), bad.page.problems
    text.write_bytes(original)
    mended = preview.update()
    assert mended is not None and mended.page == good.page


def test_bad_input_at_the_start_shows_the_messages_alone(tmp_path: Path) -> None:
    folder = copy("beleidsplan-wassenaar-2024", tmp_path)
    edit(folder / "verdeelsleutel.csv", "74", "73")
    update = Preview(folder).update()
    assert update is not None and not update.page.ok and update.page.previous is None
    html = served(update.page, 1, "n")
    assert "de aandelen tellen op tot 99" in html
    assert "Er is nog geen goede versie" in html
    assert '<html lang="nl">' in html


def test_a_workbook_change_shows_and_a_bad_cell_is_named_by_sheet(tmp_path: Path) -> None:
    """rapport.xlsx (``new --excel``): a saved workbook rebuilds; a bad cell is reported as
    ``rapport.xlsx[sheet]:row``, as check does; mending it brings the document back."""
    import openpyxl

    from jaarverslag.commands.new import new_rapport

    folder = tmp_path / "werkmap"
    assert new_rapport(folder, excel=True) == 0
    preview = Preview(folder)
    first = preview.update()
    assert first is not None and first.page.ok, first.page.problems
    workbook = folder / "rapport.xlsx"

    def set_value(value: object) -> None:
        book = openpyxl.load_workbook(workbook)
        sheet = book["indicatoren"]
        sheet.cell(2, 5).value = value
        book.save(workbook)

    set_value(417)
    changed = preview.update()
    assert changed is not None and changed.page.ok and changed.how == "invoer"
    assert "417" in (changed.page.document or "")
    set_value("veel")
    bad = preview.update()
    assert bad is not None and not bad.page.ok
    assert bad.page.problems == tuple(check([folder])[0].problems)
    assert any("rapport.xlsx[indicatoren]:2" in str(p) for p in bad.page.problems)
    set_value(400)
    mended = preview.update()
    assert mended is not None and mended.page.ok


def test_a_reeks_has_its_overview_at_the_root_and_each_gemeente_on_its_own_page(
    tmp_path: Path,
) -> None:
    """The overview links to ``<slug>/<slug>.html``; that page is the gemeente's document as
    ``build`` makes it; a text change reaches it; a gemeente's own problem shows on its page."""
    folder = copy("iv3-begroting-2025", tmp_path)
    preview = Preview(folder)
    first = preview.update()
    assert first is not None and first.page.ok, first.page.problems
    overview = first.page.document or ""
    assert 'href="aalsmeer/aalsmeer.html"' in overview
    assert ".pdf" not in overview  # the preview makes HTML only
    page = preview.page_at("/aalsmeer/aalsmeer.html")
    assert page is not None and page.ok and "Aalsmeer" in (page.document or "")
    assert preview.page_at("/aalsmeer/") is page  # made once per change
    assert preview.page_at("/nergens/nergens.html") is None
    assert preview.page_at("/aalsmeer/kosten.csv") is None
    assert preview.page_at("/../rapport.yaml") is None
    text = folder / "teksten" / "kosten.md"
    text.write_text(text.read_text("utf-8") + "\nEen zin voor elke gemeente.\n", "utf-8")
    update = preview.update()
    assert update is not None and update.page.ok and update.page != first.page
    again = preview.page_at("/aalsmeer/aalsmeer.html")
    assert again is not None and "Een zin voor elke gemeente." in (again.document or "")
    text.write_text(text.read_text("utf-8") + "\n{{ realisatie('geen_id', 2025) }}\n", "utf-8")
    preview.update()
    broken = preview.page_at("/aalsmeer/aalsmeer.html")
    assert broken is not None and not broken.ok
    assert any("teksten/kosten.md" in str(p) for p in broken.problems), broken.problems
    assert broken.previous == again.document


def test_a_broken_template_is_on_the_page_with_file_and_line(tmp_path: Path) -> None:
    folder = copy("jaarverslag-2017", tmp_path)
    preview = Preview(folder)
    preview.update()
    (folder / "templates").mkdir()
    (folder / "templates" / "jaarverslag.html").write_text("a\n{% if %}\n", "utf-8")
    update = preview.update()
    assert update is not None and not update.page.ok
    assert any("templates/jaarverslag.html:2" in str(p) for p in update.page.problems)


def test_a_bug_of_ours_is_on_the_page_not_a_dead_preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jaarverslag.build import stages

    def broken(*_args: object, **_options: object) -> str:
        raise RuntimeError("stuk <script>")

    folder = copy("jaarverslag-2017", tmp_path)
    monkeypatch.setattr(stages, "render_document", broken)
    update = Preview(folder).update()
    assert update is not None and not update.page.ok
    assert "interne fout van jaarverslag (RuntimeError: stuk <script>)" in str(
        update.page.problems[0]
    )
    assert "stuk &lt;script&gt;" in served(update.page, 1, "n")


def test_a_symlink_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    """Fingerprints read nothing outside the rapport folder: a link out counts by its target."""
    outside = tmp_path / "geheim.txt"
    outside.write_text("geheim", "utf-8")
    folder = copy("jaarverslag-2017", tmp_path / "r")
    (folder / "link.txt").symlink_to(outside)
    preview = Preview(folder)
    prints = preview.fingerprints()
    assert prints["link.txt"] == f"link:{outside}"
    assert prints["teksten/01-inleiding.md"] != prints["indicatoren.csv"]


def test_images_and_stylesheets_of_the_rapport_are_served_and_nothing_else(
    tmp_path: Path,
) -> None:
    """A template's ``<img src="logo.svg">`` shows as in the PDF (inside the page, as the
    built HTML has it; still served by its path for a page that asks); data files, texts,
    rapport.yaml, anything outside the folder (also through a symlink) and a FIFO are not."""
    import os

    from support.helpers import ROOT

    folder = tmp_path / "r"
    shutil.copytree(ROOT / "tests" / "rapports" / "hostile" / "local-image", folder)
    (tmp_path / "buiten.png").write_bytes(b"\x89PNG geheim")
    (folder / "link.png").symlink_to(tmp_path / "buiten.png")
    os.mkfifo(folder / "pijp.png")
    preview = Preview(folder)
    update = preview.update()
    assert update is not None and update.page.ok
    assert '<img src="data:image/svg+xml;base64,' in (update.page.document or "")
    found = preview.asset("/logo.svg")
    assert found is not None and found[1] == "image/svg+xml"
    assert found[0] == (folder / "logo.svg").read_bytes()
    for path in [
        "/indicatoren.csv",
        "/rapport.yaml",
        "/templates/jaarverslag.html",
        "/link.png",
        "/pijp.png",
        "/../buiten.png",
        "/%2e%2e/buiten.png",
        "/nergens.png",
    ]:
        assert preview.asset(path) is None, path
    hub = Hub(update.page)
    hub.asset = preview.asset
    server = PreviewServer("127.0.0.1", 0, hub)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        status, headers, body = get(server, "/logo.svg")
        assert status == 200 and headers["Content-Type"] == "image/svg+xml"
        assert body == (folder / "logo.svg").read_text("utf-8")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert get(server, "/indicatoren.csv")[0] == 404
    finally:
        hub.close()
        server.shutdown()
        server.server_close()


def test_warnings_are_shown_beside_a_good_document() -> None:
    from jaarverslag.core.errors import Problem

    page = Page(
        "<html><head></head><body><p>doc</p></body></html>",
        (Problem("r.csv", 2, "x", "let op <b>", "warning"),),
    )
    html = served(page, 3, "abc")
    assert "1 waarschuwing" in html and "let op &lt;b&gt;" in html
    assert html.index("<p>doc</p>") < html.index('<details id="jv-waarschuwingen"')


def test_the_documents_own_scripts_may_run_and_nothing_else() -> None:
    """A template's inline script (the sort buttons of a reeks) gets its hash in the CSP."""
    import base64
    import hashlib

    from jaarverslag.serve.page import script_hashes

    body = "var x = 1;"
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    document = f"<html><body><script>{body}</script><script src='x.js'></script></body></html>"
    assert script_hashes(Page(document)) == [f"'sha256-{digest}'"]
    assert script_hashes(Page("<html><body>geen</body></html>")) == []


def test_served_page_holds_one_script_with_its_nonce_and_version() -> None:
    html = served(Page("<html><head></head><body>x</body></html>"), 42, "NONCE")
    assert html.count("<script") == 1
    assert '<script id="jv-voorbeeld" nonce="NONCE" data-versie="42">' in html
    assert html.index("<script") > html.index("x")
    assert pagemod.SCRIPT.count("{nonce}") == 1


# -- the server ------------------------------------------------------------------------------


@contextlib.contextmanager
def running(host: str = "127.0.0.1", page: Page | None = None) -> Iterator[PreviewServer]:
    hub = Hub(page or Page("<html><head></head><body><p>Eerste</p></body></html>"))
    server = PreviewServer(host, 0, hub)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        hub.close()
        server.shutdown()
        server.server_close()


def get(
    server: PreviewServer, path: str, host: str | None = None
) -> tuple[int, dict[str, str], str]:
    port = server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": host} if host else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_server_answers_the_page_with_a_matching_nonce() -> None:
    with running() as server:
        status, headers, body = get(server, "/")
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    nonce = re.search(r"'nonce-([^']+)'", headers["Content-Security-Policy"])
    assert nonce and f'nonce="{nonce.group(1)}"' in body
    assert "<p>Eerste</p>" in body


def test_server_serves_nothing_else() -> None:
    with running() as server:
        assert get(server, "/indicatoren.csv")[0] == 404
        assert get(server, "/../rapport.yaml")[0] == 404
        assert get(server, "/favicon.ico")[0] == 204


def test_events_say_each_new_version() -> None:
    with running() as server:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            stream = sock.makefile("rb")
            first = _next_event(stream)
            assert server.hub.publish(Page("<html><body>Tweede</body></html>"))
            assert not server.hub.publish(Page("<html><body>Tweede</body></html>"))  # same
            second = _next_event(stream)
    assert second == first + 1


def _next_event(stream: object) -> int:
    while True:
        line = stream.readline()  # type: ignore[attr-defined]
        assert line, "stream closed"
        if line.startswith(b"data: "):
            return int(line[6:])


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8000", "192.168.1.5", "localhost.evil.example"]
)
def test_a_page_of_another_site_is_refused(host: str) -> None:
    """DNS rebinding: a foreign web page whose name points at 127.0.0.1 gets no rapport."""
    with running() as server:
        status, _, body = get(server, "/", host=host)
    assert status == 403 and "Geweigerd" in body and "Eerste" not in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "localhost:8000", "[::1]:8000"])
def test_this_machine_by_name_is_served(host: str) -> None:
    with running() as server:
        assert get(server, "/", host=host)[0] == 200


def test_listens_on_loopback_only_by_default() -> None:
    """Bound to 127.0.0.1: even 127.0.0.2, another address of this very machine, is refused —
    so is every other address; bound to 0.0.0.0 (the explicit choice) 127.0.0.2 gets through,
    so the check can fail."""
    with running() as server:
        assert server.server_address[0] == "127.0.0.1"
        port = server.server_address[1]
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", port), timeout=5)
        for address in _other_addresses():
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=2)
    with running("0.0.0.0") as server:
        port = server.server_address[1]
        socket.create_connection(("127.0.0.2", port), timeout=5).close()
        assert server.local_only is False


def _other_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, if it has any."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({i[4][0] for i in infos if not str(i[4][0]).startswith("127.")})


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("[::1]") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("evil.example")


# -- the command -----------------------------------------------------------------------------


def test_serve_a_folder_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jaarverslag.serve import serve

    assert serve(tmp_path / "nergens", port=0) == 1
    assert "is geen map" in capsys.readouterr().err


def test_serve_on_a_taken_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from jaarverslag.serve import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(copy("jaarverslag-2017", tmp_path), port=port) == 1
    assert f"poort {port} is al in gebruik" in capsys.readouterr().err


# -- bounded (issue 22): a flood slows the page at worst, and it recovers -------------------------


def _opened(port: int, count: int, request: bytes) -> list[socket.socket]:
    """``count`` connections that each send ``request`` and then nothing more."""
    opened = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(request)
        opened.append(sock)
    return opened


def _half_sent(port: int, count: int) -> list[socket.socket]:
    """Connections that send half a request and then nothing (slowloris)."""
    return _opened(port, count, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wacht: ")


def _streams(port: int, count: int) -> list[socket.socket]:
    """Connections that open the event stream and keep it."""
    return _opened(port, count, b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")


def _threads() -> int:
    return threading.active_count()


def test_half_sent_requests_never_keep_the_page_from_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jaarverslag.serve import server as servermod

    monkeypatch.setattr(servermod, "MAX_CONNECTIONS", 16)
    with running() as server:
        port = server.server_address[1]
        before = _threads()
        flood = _half_sent(port, 60)
        try:
            status, _, body = get(server, "/")
            assert status == 200 and "Eerste" in body
            assert len(server.connections) <= 16
        finally:
            for sock in flood:
                sock.close()
        deadline = time.monotonic() + 10
        while _threads() > before + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _threads() <= before + 1  # every thread of the flood is gone


def test_a_request_that_drips_in_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from jaarverslag.serve import server as servermod

    monkeypatch.setattr(servermod, "REQUEST_SECONDS", 0.5)
    with running() as server:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            start = time.monotonic()
            closed = False
            while time.monotonic() - start < 5:
                try:
                    sock.sendall(b"X-Druppel: 1\r\n")  # a header now and then, never the end
                    time.sleep(0.2)
                    if sock.recv(1, socket.MSG_DONTWAIT | socket.MSG_PEEK) == b"":
                        closed = True
                        break
                except BlockingIOError:
                    continue
                except OSError:
                    closed = True
                    break
            assert closed, "a request that never ends kept its connection"
            assert time.monotonic() - start < 3


def test_event_streams_are_capped_per_client_and_the_newest_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jaarverslag.serve import server as servermod

    monkeypatch.setattr(servermod, "STREAMS_PER_CLIENT", 3)
    with running() as server:
        port = server.server_address[1]
        streams = _streams(port, 10)
        try:
            time.sleep(1)
            live = [c for c in server.connections._open.values() if c.state == "stroom"]
            assert len(live) == 3
            newest = streams[-1].makefile("rb")
            assert server.hub.publish(Page("<html><body>Nieuw</body></html>"))
            assert _next_event(newest) and _next_event(newest)  # the newest still hears
            status, _, _ = get(server, "/")
            assert status == 200
        finally:
            for sock in streams:
                sock.close()
