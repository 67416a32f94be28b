"""The fingerprint of a rapport's inputs (issue 27, item 4): which files count, how they are
combined (worked out with ``sha256sum``'s own lines), and that any changed byte changes it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.helpers import MINIMAL_YAML, write_rapport

from jaarverslag.core.fingerprint import Fingerprint, digest
from jaarverslag.inputs.fingerprint import fingerprint

FILES = {
    "rapport.yaml": MINIMAL_YAML,
    "indicatoren.csv": "id;indicator;jaar;soort;waarde\np;P;2017;realisatie;5\n",
    "teksten/01.md": "# Inleiding\n\nTekst.\n",
    "templates/style.css": "body { color: black; }\n",
}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_every_input_file_by_its_path_and_hash(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "r", FILES)
    found = fingerprint(folder, "1.2.3")
    assert found.files == tuple(sorted((p, sha(c)) for p, c in FILES.items()))
    lines = "jaarverslag 1.2.3\n" + "".join(
        f"{sha(FILES[p])}  {p}\n" for p in sorted(FILES)
    )  # as `sha256sum` prints them, after the version
    assert found.sha256 == hashlib.sha256(lines.encode()).hexdigest()


def test_what_no_build_reads_does_not_count(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "r", FILES)
    before = fingerprint(folder).sha256
    write_rapport(
        folder,
        {".DS_Store": "x", ".git/HEAD": "ref", "~$rapport.xlsx": "lock", "teksten/01.md~": "old"},
    )
    assert fingerprint(folder).sha256 == before


def test_the_version_counts(tmp_path: Path) -> None:
    folder = write_rapport(tmp_path / "r", FILES)
    assert fingerprint(folder, "1.0").sha256 != fingerprint(folder, "1.1").sha256


def test_the_record_reads_back_as_the_same_fingerprint(tmp_path: Path) -> None:
    found = fingerprint(write_rapport(tmp_path / "r", FILES))
    assert Fingerprint.from_record(found.record()) == found
    assert Fingerprint.from_record("{not json") is None
    assert Fingerprint.from_record('{"versie": 1, "bestanden": {}}') is None
    assert digest(found.version, list(found.files)) == found.sha256


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(FILES)), st.data())
def test_a_changed_byte_in_any_input_changes_it(
    tmp_path: Path, name: str, data: st.DataObject
) -> None:
    folder = write_rapport(tmp_path / "r", FILES)
    before = fingerprint(folder)
    path = folder / name
    content = bytearray(path.read_bytes())
    index = data.draw(st.integers(0, len(content) - 1))
    content[index] ^= data.draw(st.integers(1, 255))
    path.write_bytes(bytes(content))
    after = fingerprint(folder)
    path.write_text(FILES[name], encoding="utf-8")
    assert after.sha256 != before.sha256
    assert [p for (p, h), (_, g) in zip(before.files, after.files, strict=True) if h != g] == [name]


def test_after_a_text_changed_only_the_texts_are_read_again(tmp_path: Path, monkeypatch) -> None:
    """The preview's rebuild on a keystroke: the same fingerprint as hashing the whole folder,
    without reading the data files again."""
    from jaarverslag.inputs import fingerprint as module

    folder = write_rapport(tmp_path / "r", FILES)
    earlier = fingerprint(folder)
    (folder / "teksten" / "01.md").write_text("# Inleiding\n\nAnders.\n")
    (folder / "teksten" / "02.md").write_text("Nieuw.\n")
    read: list[str] = []
    real = module.file_hash
    monkeypatch.setattr(module, "file_hash", lambda p: read.append(p.name) or real(p))
    again = module.after_texts_changed(earlier, folder)
    assert sorted(read) == ["01.md", "02.md"]
    monkeypatch.undo()
    assert again == fingerprint(folder)
    assert dict(again.files)["teksten/01.md"] == sha("# Inleiding\n\nAnders.\n")
