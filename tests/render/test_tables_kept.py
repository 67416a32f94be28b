"""Tables laid out once while they stay the same: the very table object (as the live preview
reuses it after a text change) is not laid out again; an equal table of its own, another
number or another ``blocks.html`` is — and the page is the same either way."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from support.helpers import DATA

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.analysis.document import build_document
from jaarverslag.core.model import Table
from jaarverslag.render import html, kept


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    html.forget_environments()
    copied = tmp_path / "r"
    shutil.copytree(DATA / "jaarverslag-2017", copied)
    return copied


def test_the_same_table_is_laid_out_once(folder: Path) -> None:
    document = build_document(load_rapport(folder))
    table = document.tables()[0]
    keep = html.environment(folder).globals["block_html"]
    assert isinstance(keep, kept.KeptTables)
    numbers = {table.name: 3}
    first = keep(table, numbers, {})
    assert keep(table, numbers, {}) is first  # kept: the same string, not laid out again
    twin = dataclasses.replace(table)  # equal, but another object
    assert twin == table and twin is not table
    again = keep(twin, numbers, {})
    assert again == first and again is not first
    renumbered = keep(table, {table.name: 4}, {})
    assert renumbered is not first and "Tabel 4" in renumbered and "Tabel 3" in first
    assert html.render_html(document, folder) == html.render_html(document, folder)


def test_a_changed_blocks_template_lays_out_again(folder: Path) -> None:
    document = build_document(load_rapport(folder))
    table = document.tables()[0]
    ours = (html.builtin_templates() / "blocks.html").read_text("utf-8")
    (folder / "templates").mkdir()
    own = folder / "templates" / "blocks.html"
    own.write_text(ours.replace('<table class="cijfers', '<table data-eigen="1" class="cijfers'))
    keep = html.environment(folder).globals["block_html"]
    assert 'data-eigen="1"' in keep(table, {table.name: 1}, {})
    own.write_text(ours, "utf-8")
    assert 'data-eigen="1"' not in keep(table, {table.name: 1}, {})


def test_an_environment_keeps_a_bounded_number_of_tables(folder: Path) -> None:
    table = build_document(load_rapport(folder)).tables()[0]
    keep = html.environment(folder).globals["block_html"]
    copies: list[Table] = [dataclasses.replace(table) for _ in range(kept.SIZE + 10)]
    for copy in copies:
        keep(copy, {table.name: 1}, {})
    assert len(keep) == kept.SIZE
