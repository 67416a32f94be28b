"""The file store keeps a content durably: the file synced before its rename, and the rename
itself synced (its folder, and the store's when that folder is new) before the store says it
holds it — a power cut after a save was answered must not take the name of its content."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from jaarverslag.web import store as store_module
from jaarverslag.web.store import Store


def watch_folder_syncs(monkeypatch: pytest.MonkeyPatch, root: Path) -> list[tuple[str, list[str]]]:
    """Every folder synced, with the names in the store at that moment."""
    seen: list[tuple[str, list[str]]] = []

    def synced(folder: Path) -> None:
        names = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        seen.append((str(Path(folder).relative_to(root.parent)), names))

    monkeypatch.setattr(store_module, "sync_folder", synced)
    return seen


def by_put(store: Store, data: bytes, tmp_path: Path) -> str:
    return store.put(data)


def by_put_file(store: Store, data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "upload.bin"
    source.write_bytes(data)
    return store.put_file(source)[0]


def by_adopt(store: Store, data: bytes, tmp_path: Path) -> str:
    digest = hashlib.sha256(data).hexdigest()
    store.root.mkdir(parents=True, exist_ok=True)
    source = store.root / ".klaar"
    source.write_bytes(data)
    store.adopt(source, digest)
    return digest


@pytest.mark.parametrize("keep", [by_put, by_put_file, by_adopt])
def test_a_content_and_its_name_are_on_the_disk_when_kept(
    keep: Callable[[Store, bytes, Path], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "inhoud"
    store = Store(root)
    seen = watch_folder_syncs(monkeypatch, root)
    first = keep(store, b"titel: een\n", tmp_path)
    place = f"{first[:2]}/{first}"
    # the content's folder synced with the content in it, then the store's (the folder is new)
    assert seen == [(f"inhoud/{first[:2]}", [place]), ("inhoud", [place])]
    assert store.get(first) == b"titel: een\n"
    assert stat.S_IMODE(store.path(first).stat().st_mode) == 0o600

    seen.clear()
    again = keep(store, b"titel: een\n", tmp_path)  # stored already: nothing to sync
    assert again == first and seen == []
    assert [p.name for p in root.rglob("*") if p.is_file()] == [first]  # no temporary left


def test_a_content_in_a_folder_that_exists_syncs_that_folder_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "inhoud"
    store = Store(root)
    first = store.put(b"a")
    data = next(
        candidate
        for candidate in (str(n).encode() for n in range(10_000))
        if hashlib.sha256(candidate).hexdigest()[:2] == first[:2] and candidate != b"a"
    )
    seen = watch_folder_syncs(monkeypatch, root)
    second = store.put(data)
    assert [folder for folder, _ in seen] == [f"inhoud/{first[:2]}"]
    assert f"{second[:2]}/{second}" in seen[0][1]


def test_a_folder_can_be_synced(tmp_path: Path) -> None:
    from jaarverslag.core.atomic import sync_folder

    (tmp_path / "x").write_text("x")
    sync_folder(tmp_path)  # an fsync of a folder: no error on Linux, nothing on Windows
