"""Problems are reported in reading order: by file, line, then column — numbers in a column name
by their value, so ``data.lasten[2]`` comes before ``data.lasten[12]``."""

from __future__ import annotations

from jaarverslag.core.errors import InputError, Problem


def test_a_column_with_indexes_sorts_by_their_value() -> None:
    problems = [
        Problem("iv3.json", None, "data.lasten[12]", "c"),
        Problem("iv3.json", None, "data.lasten[2].bedrag", "b"),
        Problem("iv3.json", None, "data.baten[10]", "a"),
        Problem("iv3.json", None, "data.lasten[2]", "b"),
        Problem("iv3.json", None, "data.lasten[2]", "b"),  # once only
    ]
    assert [p.column for p in InputError(problems).problems] == [
        "data.baten[10]",
        "data.lasten[2]",
        "data.lasten[2].bedrag",
        "data.lasten[12]",
    ]


def test_files_and_lines_come_first() -> None:
    problems = [
        Problem("b.csv", 3, "x"),
        Problem("a.csv", 10, "z"),
        Problem("a.csv", 9, "zz"),
        Problem("a.csv", None, "y"),
    ]
    assert [(p.file, p.line) for p in InputError(problems).problems] == [
        ("a.csv", None),
        ("a.csv", 9),
        ("a.csv", 10),
        ("b.csv", 3),
    ]
