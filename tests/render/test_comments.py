"""``build --opmerkingen`` (issue 27, item 5): ``check``'s warnings as Word comments on the
table they concern, the same bytes for the same inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from support.helpers import DATA

from jaarverslag.cli import main
from jaarverslag.render.docx.oxml import paragraph_element

pytestmark = pytest.mark.slow


def build(rapport: Path, out: Path, *options: str) -> Path:
    result = CliRunner().invoke(
        main, ["build", str(rapport), "-o", str(out), "-f", "docx", *options]
    )
    assert result.exit_code == 0, result.output
    return out / rapport.name / f"{rapport.name}.docx"


def test_each_warning_is_a_comment_on_its_table_s_caption(tmp_path: Path) -> None:
    rapport = tmp_path / "participatie"
    shutil.copytree(DATA / "participatie-2017", rapport)
    word = docx.Document(str(build(rapport, tmp_path / "out", "--opmerkingen")))
    comments = {c.comment_id: c for c in word.comments}
    assert len(comments) == 5
    anchored: dict[str, list[str]] = {}
    for paragraph in word.paragraphs:
        for start in paragraph_element(paragraph).iter(qn("w:commentRangeStart")):
            text = comments[int(start.get(qn("w:id")))].text
            anchored.setdefault(paragraph.text.split(" ", 2)[1], []).append(text)  # Tabel N
    assert {n: [t.split(":")[1].strip() for t in texts] for n, texts in anchored.items()} == {
        "2": ["ladder_beweging"],
        "3": ["ladder_beweging_pct"],
        "4": ["ladder_stijgers"],
        "5": ["ladder_leeftijd", "ladder_leeftijd"],  # both warnings about it, on its caption
    }
    assert anchored["2"][0].startswith("clienten.csv: ladder_beweging: waarschuwing: 4 cijfers")
    assert all(c.author == "jaarverslag check" for c in word.comments)
    again = build(rapport, tmp_path / "again", "--opmerkingen")
    assert (
        again.read_bytes() == (tmp_path / "out" / "participatie" / "participatie.docx").read_bytes()
    )


def test_without_the_option_no_comments(tmp_path: Path) -> None:
    word = docx.Document(str(build(DATA / "participatie-2017", tmp_path)))
    assert len(list(word.comments)) == 0
