"""The cleanup beside an output folder touches only what jaarverslag made (issue 22, case 1).

A build deletes or restores the leftovers of an interrupted one (``.R.jaarverslag-…``, and the
names of earlier versions). Before, any ``.R.<8 characters>`` folder went — ``.r.original/``, a
user's own backup, among them — and a leftover's name that was a symlink was followed out of
the output folder. Now a leftover is recognised by the marker inside it, through descriptors that
never follow a link.
"""

from __future__ import annotations

import os
from pathlib import Path

from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.build import outfolder as output
from jaarverslag.build import pipeline
from jaarverslag.build.outfolder import MARKER

INDICATOREN = "id;indicator;jaar;soort;waarde\np;P;2017;realisatie;1\n"


def _rapport(tmp_path: Path) -> Path:
    return write_rapport(
        tmp_path / "r", {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN}
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_users_own_folder_beside_the_output_stays(tmp_path: Path) -> None:
    """``out/.r.original/`` (eight letters, like an old staging name) was deleted."""
    source = _rapport(tmp_path)
    out = tmp_path / "out"
    backup = write_rapport(out / ".r.original", {"mijn-versie.docx": b"eigen werk"})
    also = write_rapport(out / ".r.jaarverslag-weg-abcdef", {"notitie.txt": "van mij"})
    for _ in range(2):
        assert pipeline.build_one(source, out, ("html",), use_cache=False).ok
    assert _files(backup) == {"mijn-versie.docx": b"eigen werk"}
    assert _files(also) == {"notitie.txt": b"van mij"}
    assert sorted(os.listdir(out)) == [".r.jaarverslag-weg-abcdef", ".r.original", "r"]


def test_a_leftover_name_that_is_a_symlink_is_never_followed(tmp_path: Path) -> None:
    """``out/.r.old.abcdefgh → elsewhere`` moved ``elsewhere/previous`` into ``out/r``."""
    source = _rapport(tmp_path)
    elsewhere = write_rapport(
        tmp_path / "elders", {"previous/geheim.txt": "niet publiceren", f"previous/{MARKER}": "{}"}
    )
    trash = write_rapport(tmp_path / "prullenbak", {MARKER: "{}", "belangrijk.txt": "bewaren"})
    out = tmp_path / "out"
    out.mkdir()
    (out / ".r.old.abcdefgh").symlink_to(elsewhere)
    (out / ".r.jaarverslag-weg-0123456789ab").symlink_to(trash)
    (out / ".r.jaarverslag-oud-0123456789ab").symlink_to(elsewhere / "previous")
    before = {"elders": _files(elsewhere), "prullenbak": _files(trash)}
    assert pipeline.build_one(source, out, ("html",), use_cache=False).ok
    assert {"elders": _files(elsewhere), "prullenbak": _files(trash)} == before
    assert "geheim.txt" not in os.listdir(out / "r")
    assert (out / ".r.old.abcdefgh").is_symlink()


def test_leftovers_of_ours_are_restored_or_removed(tmp_path: Path) -> None:
    """What an interrupted build left, with the marker (or empty, for this version's names)."""
    out = tmp_path / "out"
    write_rapport(out / ".r.jaarverslag-oud-0a1b2c3d4e5f", {"r.html": "eerder", MARKER: "{}"})
    write_rapport(out / ".r.jaarverslag-weg-0a1b2c3d4e5f", {"tabellen/x.csv": "a", MARKER: "{}"})
    (out / ".r.jaarverslag-nieuw-0a1b2c3d4e5f").mkdir()  # killed before the marker
    write_rapport(out / ".r.k3j4l5m6", {"r.html": "half", MARKER: "{}"})
    output.recover(out, "r")
    assert sorted(os.listdir(out)) == ["r"]
    assert (out / "r" / "r.html").read_text(encoding="utf-8") == "eerder"


def test_an_earlier_versions_folder_without_the_marker_stays(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_rapport(out / ".r.k3j4l5m6", {"r.html": "van iemand anders"})
    write_rapport(out / ".r.old.abcd1234" / "previous", {"r.html": "ook"})
    output.recover(out, "r")
    assert sorted(os.listdir(out)) == [".r.k3j4l5m6", ".r.old.abcd1234"]
    assert (out / ".r.old.abcd1234" / "previous" / "r.html").is_file()
