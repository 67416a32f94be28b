"""The house drawn from the package's own imports (scripts/house.py): the stages as folders, no
circle — counting imports inside functions and under TYPE_CHECKING — and no module over 400
lines."""

from __future__ import annotations

import sys

from support.helpers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import house

PACKAGE = ROOT / "src" / "jaarverslag"


def test_the_top_level_shows_the_stages_and_the_commands() -> None:
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    assert entries == {
        "__init__.py",
        "__main__.py",
        "cli.py",
        "core",
        "inputs",
        "compute",
        "analysis",
        "render",
        "build",
        "commands",
        "serve",
        "web",
    }


def test_no_circles_counting_every_import() -> None:
    assert house.circles(house.graph()) == []


def test_the_circle_finder_finds_one() -> None:
    """An import inside a function closes a circle as much as one at the top."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert house.circles(edges) == [["a", "b", "c"]]


def test_an_import_inside_a_function_or_under_type_checking_is_an_arrow(tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "jaarverslag"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from jaarverslag import b\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from jaarverslag.a import f\n"
    )
    edges = house.graph(tmp_path)
    assert edges["jaarverslag.a"] == {"jaarverslag.b"}
    assert edges["jaarverslag.b"] == {"jaarverslag.a"}
    assert house.circles(edges) == [["jaarverslag.a", "jaarverslag.b"]]


def test_no_module_over_400_lines() -> None:
    assert house.too_long() == {}


def test_every_package_says_what_goes_in_and_what_comes_out() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""') and "TODO" not in text.split('"""')[1], init
