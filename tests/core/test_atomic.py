"""core/atomic: a file is replaced whole or not at all."""

import os
import stat

import pytest

from jaarverslag.core import atomic
from jaarverslag.core.atomic import write_atomically


def test_a_file_is_written_with_its_mode_and_no_leftover(tmp_path):
    target = tmp_path / "uit.docx"
    write_atomically(target, b"eerste", 0o600)
    write_atomically(target, b"tweede", 0o640)
    assert target.read_bytes() == b"tweede"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["uit.docx"]


def test_a_failed_write_keeps_the_old_file_whole_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "uit.docx"
    target.write_bytes(b"oud")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_atomically(target, b"nieuw")
    assert target.read_bytes() == b"oud"
    assert [p.name for p in tmp_path.iterdir()] == ["uit.docx"]
    assert os.listdir(tmp_path) == ["uit.docx"]
