"""The Dutch user guide (docs/handleiding.md, issue 15 item 5) says what the tool does.

Every command in it parses, every picture it shows exists and is made again by its script, and
the messages it quotes are the messages the tool gives for the mistakes it describes.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest
from support.gemeentedocument import make_document
from support.helpers import DATA, ROOT

from jaarverslag.cli import main
from jaarverslag.commands.insert import insert_chapter
from jaarverslag.commands.new import new_rapport
from jaarverslag.core.errors import InputError
from jaarverslag.inputs.folder import read_inputs

GUIDE = ROOT / "docs" / "handleiding.md"
TEXT = GUIDE.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", TEXT, re.S)


def test_every_picture_exists() -> None:
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", TEXT)
    assert len(pictures) == 5
    for picture in pictures:
        assert (GUIDE.parent / picture).is_file(), picture


def test_every_command_parses() -> None:
    commands = [line for kind, block in BLOCKS if kind == "sh" for line in block.splitlines()]
    used = [shlex.split(c) for c in commands if c.startswith("jaarverslag ")]
    assert {c[1] for c in used} >= {"new", "build", "check", "insert"}
    for words in used:
        command = main.get_command(click.Context(main), words[1])
        assert command is not None, words
        command.make_context(words[1], words[2:])  # raises on an unknown option


def test_the_quoted_workbook_messages_are_the_tool_s(tmp_path: Path) -> None:
    folder = tmp_path / "mijn-rapport"
    assert new_rapport(folder, excel=True) == 0
    book = openpyxl.load_workbook(folder / "rapport.xlsx")
    kosten = book["kosten"]
    header = [c.value for c in kosten[1]]
    kosten.cell(5, header.index("bedrag") + 1).value = "abc"  # the guide's two mistakes
    kosten.cell(6, header.index("stand") + 1).value = "begrooting"
    book.save(folder / "rapport.xlsx")
    _, problems = read_inputs(folder)
    said = [str(p).removeprefix(f"{tmp_path}/") for p in problems]
    quoted = next(b for _, b in BLOCKS if "'abc' is geen getal" in b).splitlines()
    assert said == [line for line in quoted if line.startswith("mijn-rapport/")]


def test_the_quoted_heading_message_is_the_tool_s(tmp_path: Path) -> None:
    document = make_document(tmp_path / "beleidsplan.docx")
    with pytest.raises(InputError) as raised:
        insert_chapter(DATA / "beleidsplan-wassenaar-2024", document, "Financien")
    said = str(raised.value.problems[0]).removeprefix(f"{tmp_path}/")
    quoted = next(b for _, b in BLOCKS if "kop 'Financien'" in b).strip()
    assert said.startswith(quoted.removesuffix(" …"))


@pytest.mark.slow
def test_the_pictures_are_made_again_by_their_script(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "handleiding_beelden.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    committed = {p.name for p in (GUIDE.parent / "img").glob("*.png")}
    made = {p.name for p in tmp_path.glob("*.png")}
    assert made == committed
    for name in made:
        assert (tmp_path / name).stat().st_size > 10_000, name
