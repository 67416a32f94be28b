"""The contract between the templates and the DOCX writer: the classes that carry meaning.

The one HTML document is laid out as the PDF by CSS, but walked into the DOCX by
:mod:`.docx`, which knows nothing of CSS: it reads these class names (and the elements listed in
the header of ``base.html``). A rapport's own templates may change anything else; these they
must keep for the DOCX to keep its number alignment, its totals and its footnotes.
``tests/test_vocabulary.py`` holds ``base.html``'s header to this list and builds a DOCX from an
overridden ``blocks.html``.
"""

from __future__ import annotations

#: A figure cell (``td``/``th``): right-aligned.
NUM = "num"
#: A text cell; a text column with a header of :data:`SHORT_HEADER` characters or fewer (V/N)
#: is narrow.
TEXT = "tekst"
SHORT_HEADER = 3
#: A table of at most this many rows fits a page and is kept on one: by CSS in the PDF (class
#: ``heel`` on its block, set by the template), by "keep with next" in the DOCX.
KEEP_ROWS = 25
#: A cell that stands out (a partner's own share): shaded.
ACCENT = "accent"
#: Row kinds (on ``tr``) printed bold: totals, subtotals, group headers.
BOLD_ROWS = frozenset({"totaal", "subtotaal", "groep"})
#: A table cell in a column that keeps room for footnote markers, so figures stay aligned.
WITH_NOTE = "metnoot"
#: The footnote marker after a figure (a ``span`` holding a ``sup``), set apart from it.
MARKER = "voetnootmarker"
#: Text for screen readers only ("voetnoot a"): left out of the DOCX.
SCREEN_READER = "sr-only"
#: The footnotes under a table (a ``div`` right after it): small type.
FOOTNOTES = "voetnoten"
#: Lines of the title block (in ``header``) printed in the Subtitle style.
TITLE_LINES = frozenset({"organisatie", "ondertitel", "partij"})
#: The attribute of a chart's ``img`` naming the chart, whose PNG the DOCX gets.
CHART_NAME = "data-figure"

#: A caption's number (``Tabel 3``, ``Figuur 1``): in the DOCX the label and a SEQ field.
NUMBER = "nummer"
#: A caption's note (``(x € 1.000)``, what the rows are): in the DOCX a line of its own under
#: the caption, so Word's list of tables lists the caption only.
NOTE = "eenheid"
#: A link to a table or figure (``tabel 3``): in the DOCX a REF field to its caption's number.
REFERENCE = "verwijzing"
#: The table of contents (a ``nav``): in the DOCX Word's TOC fields, filled in.
CONTENTS = "inhoud"
#: Lists of the table of contents (``ol`` in the ``nav``), by the ``inhoud`` key's values.
CONTENT_LISTS = ("koppen", "tabellen", "figuren")
#: The closing lines with the fingerprint (a ``footer``).
COLOPHON = "colofon"

#: Every class above, for the template header and its test.
CLASSES = frozenset(
    {NUM, TEXT, ACCENT, WITH_NOTE, MARKER, SCREEN_READER, FOOTNOTES}
    | {NUMBER, NOTE, REFERENCE, CONTENTS, COLOPHON}
    | BOLD_ROWS
    | TITLE_LINES
)
