"""The one place that reaches into python-docx's objects for their XML elements.

Why: python-docx has no public way to set what Word needs and it doesn't model — a table's
look and layout, a row that must not break over pages or repeats as header, a cell's shading,
a picture's description — so these are set on the XML element an object wraps, which
python-docx keeps in a private attribute (``table._tbl``, ``row._tr``, ``cell._tc``,
``shape._inline``, ``paragraph._p``, ``run._r``) and documents as the way to go further: also
fields, bookmarks, links, tracked changes and comments (:mod:`.fields`, :mod:`.tracked`).
``tests/render/test_oxml.py`` fails loudly when python-docx renames them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from docx.comments import Comment
    from docx.shape import InlineShape
    from docx.shared import Length
    from docx.table import Table, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run


class WordCell(Protocol):
    """A table cell of python-docx (its class is private there): what the writer uses."""

    width: Length | None
    _tc: Any  # the cell's XML, for the shading python-docx has no API for

    @property
    def paragraphs(self) -> list[Paragraph]: ...

    def merge(self, other: WordCell) -> WordCell: ...


def table_element(table: Table) -> Any:
    """The ``<w:tbl>`` of a table."""
    return table._tbl


def row_element(row: _Row) -> Any:
    """The ``<w:tr>`` of a table row."""
    return row._tr


def cell_element(cell: WordCell) -> Any:
    """The ``<w:tc>`` of a table cell."""
    return cell._tc


def inline_element(shape: InlineShape) -> Any:
    """The ``<wp:inline>`` of a picture in the text."""
    return shape._inline


def paragraph_element(paragraph: Paragraph) -> Any:
    """The ``<w:p>`` of a paragraph."""
    return paragraph._p


def run_element(run: Run) -> Any:
    """The ``<w:r>`` of a run."""
    return run._r


def comment_element(comment: Comment) -> Any:
    """The ``<w:comment>`` of a comment."""
    return comment._comment_elm
