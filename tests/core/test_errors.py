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


def test_a_port_that_cant_be_listened_on_is_said_as_a_person_mends_it() -> None:
    import errno
    import socket

    from jaarverslag.core.errors import bind_message

    taken = OSError(errno.EADDRINUSE, "Address already in use")
    assert bind_message(taken, "127.0.0.1", 8000) == (
        "poort 8000 is al in gebruik; kies een andere met --port (0: een vrije)"
    )
    assert bind_message(OSError(errno.EACCES, "denied"), "127.0.0.1", 80) == (
        "poort 80 mag alleen met beheerrechten; kies een poort vanaf 1024"
    )
    assert bind_message(socket.gaierror(-2, "Name unknown"), "nergens", 8000) == (
        "kan niet luisteren op nergens: geen adres van deze computer"
    )
    assert bind_message(OSError(errno.EADDRNOTAVAIL, "x"), "10.9.9.9", 8000) == (
        "kan niet luisteren op 10.9.9.9: dat adres is niet van deze computer"
    )
