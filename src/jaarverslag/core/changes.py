"""What changed for a reader between two documents, as data: made by
:mod:`jaarverslag.analysis.compare`, printed by :mod:`jaarverslag.render.diffreport` and the
``diff`` command."""

from __future__ import annotations

from dataclasses import dataclass

#: The words of a verdict, as the conclusions say it.
VERDICTS = {True: "gehaald", False: "niet gehaald", None: "geen oordeel"}


@dataclass(frozen=True)
class CellChange:
    """One printed value that changed: where, what it was, what it is, and the difference."""

    row: str
    column: str
    old: str
    new: str
    difference: str | None = None


@dataclass(frozen=True)
class TableChange:
    """A table that changed: ``status`` ``gewijzigd``, ``nieuw`` or ``vervallen``; its number
    in each document (None: not there)."""

    name: str
    caption: str
    status: str
    old_number: int | None
    new_number: int | None
    cells: tuple[CellChange, ...] = ()
    rows_added: tuple[str, ...] = ()
    rows_removed: tuple[str, ...] = ()
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerdictChange:
    """An indicator's verdict in a year that changed (gehaald → niet gehaald …)."""

    indicator: str
    jaar: int
    old: str
    new: str


@dataclass(frozen=True)
class TextChange:
    """A text whose words changed: the section, and its pieces around each change: ``("=",
    words)`` kept (context), ``("-", words)`` deleted, ``("+", words)`` inserted, ``("…", "")``
    words left out between changes."""

    section: str
    pieces: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Changes:
    tables: tuple[TableChange, ...] = ()
    verdicts: tuple[VerdictChange, ...] = ()
    texts: tuple[TextChange, ...] = ()
    figures: tuple[str, ...] = ()  #: captions of figures that show other data (or came, went)

    @property
    def empty(self) -> bool:
        return not (self.tables or self.verdicts or self.texts or self.figures)
