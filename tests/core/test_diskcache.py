"""Nothing outside the rapport folder is trusted (issue 22, case 8): the chart cache hands back
only what this tool stored there — verified, never through a link, never from a shared folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jaarverslag.core import diskcache

KEY = "a" * 64
NAME = f"{KEY}.svg"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    return path


def test_what_is_stored_comes_back(folder: Path) -> None:
    diskcache.put(folder, KEY, NAME, SVG)
    assert diskcache.get(folder, KEY, NAME) == SVG
    assert [p.name for p in folder.iterdir()] == [NAME]  # no temporary file left
    assert (folder / NAME).stat().st_mode & 0o077 == 0


def test_an_entry_replaced_by_a_symlink_is_a_miss(folder: Path, tmp_path: Path) -> None:
    """The attack: the cached SVG swapped for a link to /etc/passwd was published."""
    secret = tmp_path / "passwd"
    secret.write_bytes(diskcache.HEADER + b"0" * 64 + b"\nroot:x:0:0")
    diskcache.put(folder, KEY, NAME, SVG)
    (folder / NAME).unlink()
    (folder / NAME).symlink_to(secret)
    assert diskcache.get(folder, KEY, NAME) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw.replace(b"</svg>", b"<text>vals</text></svg>"),  # other content
        lambda raw: raw[:-10],  # cut short
        lambda raw: SVG,  # a plain file without the seal
        lambda raw: b"",
    ],
)
def test_an_entry_that_does_not_match_its_seal_is_a_miss(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    diskcache.put(folder, KEY, NAME, SVG)
    path = folder / NAME
    path.write_bytes(change(path.read_bytes()))
    assert diskcache.get(folder, KEY, NAME) is None
    diskcache.put(folder, KEY, NAME, SVG)  # written again, whole
    assert diskcache.get(folder, KEY, NAME) == SVG


def test_an_entry_under_another_name_is_a_miss(folder: Path) -> None:
    diskcache.put(folder, KEY, NAME, SVG)
    other = "b" * 64
    os.link(folder / NAME, folder / f"{other}.svg")
    assert diskcache.get(folder, other, f"{other}.svg") is None


def test_a_folder_others_may_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "gedeeld"
    shared.mkdir()
    shared.chmod(0o777)
    diskcache.put(shared, KEY, NAME, SVG)
    assert list(shared.iterdir()) == []
    assert not diskcache.trusted(shared)


def test_a_cache_folder_that_is_a_symlink_is_not_used(folder: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(folder)
    diskcache.put(link, KEY, NAME, SVG)
    assert list(folder.iterdir()) == []
    assert diskcache.get(link, KEY, NAME) is None


def test_a_missing_cache_folder_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "nieuw" / "grafieken"
    diskcache.put(path, KEY, NAME, SVG)
    assert path.stat().st_mode & 0o777 == 0o700
    assert diskcache.get(path, KEY, NAME) == SVG
