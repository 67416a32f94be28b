"""The document templates compiled once: a later build reads Jinja's compiled code from the
tool's own cache; a changed template, a damaged entry or a cache turned off compiles anew,
and the page is the same either way."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.helpers import DATA

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.analysis.document import build_document
from jaarverslag.render import html


@pytest.fixture
def fresh_environments() -> Iterator[None]:
    html.forget_environments()
    yield
    html.forget_environments()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_environments: None) -> Path:
    """A copy of an example, with the tool's cache in ``tmp_path / "cache"``."""
    monkeypatch.setenv("JAARVERSLAG_CACHE_DIR", str(tmp_path / "cache"))
    copied = tmp_path / "r"
    shutil.copytree(DATA / "jaarverslag-2017", copied)
    return copied


def page(folder: Path) -> str:
    return html.render_html(build_document(load_rapport(folder)), folder)


def no_compiling(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The document's environment may compile nothing (the texts' own still compile)."""

    def refuse(*_args: object, **_kw: object) -> None:
        raise AssertionError("compiled a template that was in the cache")

    monkeypatch.setattr(html.environment(folder), "compile", refuse)


def test_a_second_build_reads_the_compiled_templates(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = page(folder)
    kept = sorted((tmp_path / "cache" / "templates").glob("*.jinja"))
    assert len(kept) >= 3  # jaarverslag.html, base.html, blocks.html
    html.forget_environments()
    with monkeypatch.context() as patched:
        no_compiling(patched, folder)
        assert page(folder) == first
    for entry in kept:  # damaged: a miss, compiled again, the same page
        entry.write_bytes(entry.read_bytes()[:-40] + b"\0" * 40)
    html.forget_environments()
    assert page(folder) == first


def test_a_changed_template_is_compiled_again(folder: Path) -> None:
    (folder / "templates").mkdir()
    own = folder / "templates" / "jaarverslag.html"
    own.write_text('{% extends "base.html" %}{% block content %}Eerst{% endblock %}', "utf-8")
    assert "Eerst" in page(folder)
    own.write_text('{% extends "base.html" %}{% block content %}Daarna{% endblock %}', "utf-8")
    html.forget_environments()
    second = page(folder)
    assert "Daarna" in second and "Eerst" not in second


@pytest.mark.usefixtures("fresh_environments")
def test_with_the_cache_off_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAARVERSLAG_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    page(DATA / "jaarverslag-2017")
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()
