"""The worker's check after a save: made incrementally (the rapport's data and tables reused when
only a text changed), its messages are exactly those of ``jaarverslag check`` on the same files —
clean, with warnings, and with errors (then the command line's check itself answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jaarverslag.build.pipeline import check as check_folders
from jaarverslag.commands.new import starter
from jaarverslag.web import jobs
from jaarverslag.web.problems import problem_json, relative
from jaarverslag.web.store import Store


def full_check(files: dict[str, bytes], folder: Path) -> dict[str, object]:
    for path, content in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    outcome = check_folders([folder])[0]
    problems = relative(outcome.problems, folder, folder.name)
    return {"ok": outcome.ok, "meldingen": [problem_json(p) for p in problems]}


def with_notes(workbook: bytes) -> bytes:
    """The workbook with a sheet of notes: a warning of every check (it is not read)."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book.create_sheet("Notities")["A1"] = "Nog navragen bij de afdeling."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("excel", [False, True])
def test_the_incremental_check_says_what_check_says(tmp_path: Path, excel: bool) -> None:
    store = Store(tmp_path / "inhoud")
    made = starter("r", "r", excel=excel).items()
    files = {p: c if isinstance(c, bytes) else c.encode() for p, c in made}
    if excel:
        files["rapport.xlsx"] = with_notes(files["rapport.xlsx"])
    steps = [
        {},  # the starter as it is
        {"teksten/inleiding.md": b"# Inleiding\n\nNieuw, en zonder cijfers.\n"},
        {"teksten/inleiding.md": b"# Inleiding\n\nHet waren {{ bestaat_niet }} banen.\n"},
        {
            "teksten/conclusie.md": b"# Conclusie\n\nWeer goed.\n",
            "teksten/inleiding.md": b"# Inleiding\n\nGoed.\n",
        },
        {"rapport.yaml": files["rapport.yaml"].replace(b"jaar: 2025", b"jaar: 1800")},
        {"rapport.yaml": files["rapport.yaml"]},
    ]
    for number, change in enumerate(steps):
        files = {**files, **change}
        digests = {path: store.put(content) for path, content in files.items()}
        got = jobs.check(store.root, tmp_path / "werk", "7", "r", digests)
        expected = full_check(files, tmp_path / f"stap-{number}" / "r")
        assert got == expected, (number, got, expected)
        if excel and got["ok"]:
            assert "werkblad wordt niet gelezen" in str(got["meldingen"])
    assert "7" in jobs._PREVIEWS
    jobs._PREVIEWS.clear()  # the engine was kept for the next save


def test_writers_share_the_rapports_preview_and_check(tmp_path: Path) -> None:
    """Two writers' drafts take turns in the rapport's one kept preview; each sees only their
    own draft, and the check after a save is made by the same preview."""
    store = Store(tmp_path / "inhoud")
    made = starter("r", "r").items()
    files = {p: store.put(c if isinstance(c, bytes) else c.encode()) for p, c in made}
    work = tmp_path / "werk"
    anna = jobs.preview(store.root, work, "3", "r", files,
                        {"teksten/inleiding.md": b"# Inleiding\n\nAnna schrijft.\n"}, 8)  # fmt: skip
    bram = jobs.preview(store.root, work, "3", "r", files,
                        {"teksten/conclusie.md": b"# Conclusie\n\nBram schrijft.\n"}, 8)  # fmt: skip
    assert "Anna schrijft." in anna["html"] and "Bram schrijft." not in anna["html"]
    assert "Bram schrijft." in bram["html"] and "Anna schrijft." not in bram["html"]
    assert list(jobs._PREVIEWS) == ["3"]
    engine = jobs._PREVIEWS["3"]
    assert jobs.check(store.root, work, "3", "r", files) == {"ok": True, "meldingen": []}
    assert jobs._PREVIEWS["3"] is engine  # the same engine, no other made
    assert (
        "Anna schrijft."
        not in (work / "voorbeeld" / "3" / "r" / "teksten" / "inleiding.md").read_text()
    )
    jobs._PREVIEWS.clear()


def test_a_check_after_a_text_change_makes_no_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of a save needs the analysis, not the page: after the first check (which makes
    the rapport's kept preview), a changed text is checked without laying anything out — and
    says what ``check`` says; the next preview shows the text."""
    from jaarverslag.build import stages

    store = Store(tmp_path / "inhoud")
    made = starter("r", "r").items()
    files = {p: c if isinstance(c, bytes) else c.encode() for p, c in made}
    work = tmp_path / "werk"
    first = {path: store.put(content) for path, content in files.items()}
    assert jobs.check(store.root, work, "5", "r", first)["ok"]

    def no_page(*_args: object, **_kw: object) -> None:
        raise AssertionError("a check made a page")

    for number, text in enumerate((b"Nieuw.", b"Het waren {{ bestaat_niet }} banen.", b"Goed.")):
        files = {**files, "teksten/inleiding.md": b"# Inleiding\n\n" + text + b"\n"}
        digests = {path: store.put(content) for path, content in files.items()}
        expected = full_check(files, tmp_path / f"stap-{number}" / "r")
        with monkeypatch.context() as patched:
            if expected["ok"]:  # an error: the command line's check answers, as it did
                patched.setattr(stages, "make", no_page)
            assert jobs.check(store.root, work, "5", "r", digests) == expected, number
    shown = jobs.preview(store.root, work, "5", "r", digests, {}, 8)
    assert "Goed." in shown["html"]
    jobs._PREVIEWS.clear()
