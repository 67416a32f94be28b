"""How the DOCX writer fits the Word document it writes into: its title or not, its heading
and table styles, the width of its text, the numbers its captions continue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The Word heading level of each HTML heading (``h1`` is the title).
HEADING_LEVEL = {"h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}


#: Word's own heading styles, by level.
WORD_HEADINGS = {level: f"Heading {level}" for level in range(1, 10)}


@dataclass(frozen=True)
class Look:
    """How the writer fits the Word document it writes into.

    ``title``: the title block is written (a document of its own), or left out (a chapter in
    someone's document, ``insert``). ``headings``: the paragraph style of each
    heading level (``h2`` is level 1). ``table_style``: a table style of the document, whose
    lines and header shading then replace ours. ``text_width``: the width between the margins
    (EMU) where the content goes; by default that of the last section. ``own_font``: the text
    is set in our own font (Open Sans), not in a house style's or a host document's. A chapter
    (``title`` false) leaves the table of contents to the document's own.
    """

    title: bool = True
    headings: Mapping[int, str] = field(default_factory=lambda: WORD_HEADINGS)
    table_style: str | None = None
    text_width: int | None = None
    own_font: bool = True  #: set in our Open Sans; else a font we don't know (docx.tables)
    #: Per caption label, how many captions of it the document has before the content (the
    #: first table written is then ``Tabel n + 1``, as Word numbers it).
    first_numbers: Mapping[str, int] = field(default_factory=dict)


class HouseStyleError(Exception):
    """The house-style document can't be used as the base of a Word document."""
