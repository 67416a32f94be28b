"""``check``'s warnings as Word comments, on what they concern (``build --opmerkingen``).

A reviewer sees a warning where it applies: one about a table (a rounding difference accepted,
a value voorlopig, a post without begroting na wijziging, what privacy hid) on that table's
caption, found by the table the warning names (its column, ``ladder_beweging``) or by the data
file it comes from (``kosten.csv``: the table ``kosten``); any other on the document's title.
Each comment is the warning as ``check`` prints it, by *jaarverslag check*, dated with the
document (the same inputs, the same bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from jaarverslag.core.errors import Problem
from jaarverslag.render.docx.contents import Contents
from jaarverslag.render.docx.oxml import comment_element

AUTHOR = "jaarverslag check"
INITIALS = "JV"


def target(problem: Problem, contents: Contents) -> Paragraph | None:
    """The caption of the table the warning is about, if it is about one."""
    names = [problem.column or "", PurePath(problem.file).stem]
    for name in names:
        found = contents.places.get(f"tabel-{name}")
        if found is not None:
            return found
    return None


def add_comments(
    word: DocxDocument, contents: Contents, warnings: Sequence[Problem], date: str
) -> None:
    """A comment per warning: on its table's caption, else on the title."""
    title = next((p for p in word.paragraphs if p.text.strip()), None)
    for warning in warnings:
        paragraph = target(warning, contents) or title
        if paragraph is None or not paragraph.runs:
            continue
        comment = word.add_comment(paragraph.runs, str(warning), AUTHOR, INITIALS)
        comment_element(comment).set(qn("w:date"), f"{date}T00:00:00Z")
