"""Turns a section's Markdown file into a trusted HTML fragment.

Raw HTML in the Markdown is escaped, never passed through; headings are shifted below the
section heading so the document outline stays correct.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

#: A Markdown ``#`` heading inside a section becomes an ``<h3>``: h1 is the title, h2 the section.
HEADING_SHIFT = 2


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def markdown_to_html(text: str) -> str:
    """Render Markdown to HTML with escaped raw HTML and shifted headings."""
    md = _parser()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
        if token.type == "table_open":
            token.attrSet("class", "tekst")
    return md.renderer.render(tokens, md.options, {})
