"""docs/site.md (issue 23, item 9): its pictures exist and are made again by their script, in
headless Chromium; the commands it shows parse."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from support.helpers import ROOT

from jaarverslag.cli import main

PAGE = ROOT / "docs" / "site.md"
TEXT = PAGE.read_text(encoding="utf-8")


def test_every_picture_exists() -> None:
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", TEXT)
    assert pictures == [
        "img/site/start.png",
        "img/site/tabel.png",
        "img/site/telefoon.png",
        "img/site/telefoon-menu.png",
        "img/site/portaal.png",
    ]
    for picture in pictures:
        assert (PAGE.parent / picture).is_file(), picture


def test_every_command_parses() -> None:
    commands = re.findall(r"`(jaarverslag [^`]+)`", TEXT)
    assert any("--site" in c for c in commands) and any("-f site" in c for c in commands)
    for words in map(shlex.split, commands):
        command = main.get_command(click.Context(main), words[1])
        assert command is not None, words
        command.make_context(words[1], [w for w in words[2:] if w != "data/*"])


@pytest.mark.slow
def test_the_pictures_are_made_again_by_their_script(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "site_beelden.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    committed = {p.name for p in (PAGE.parent / "img" / "site").glob("*.png")}
    assert {p.name for p in tmp_path.glob("*.png")} == committed
    for name in committed:
        assert (tmp_path / name).stat().st_size > 10_000, name
