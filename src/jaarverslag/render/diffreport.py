"""Turns the changes between two documents into a report a person reads: HTML and PDF.

The report (template ``verschillen.html``, the built-in one only) names both versions with the
fingerprint of their inputs, then every table with changed values (old, new and the
difference), rows and columns that came or went, verdicts that changed, figures that show other
data and every text with its inserted and deleted words in context. :func:`summary` says it in
one line, for the report and the terminal.
"""

from __future__ import annotations

from jaarverslag.core.changes import Changes
from jaarverslag.core.model import Document
from jaarverslag.render.html import render_template


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def summary(changes: Changes) -> str:
    """``3 waarden in 2 tabellen gewijzigd, 1 rij erbij, 1 oordeel anders, 2 teksten
    gewijzigd``; or that nothing changed."""
    if changes.empty:
        return "niets veranderd"
    tables = [t for t in changes.tables if t.status == "gewijzigd"]
    cells = sum(len(t.cells) for t in tables)
    parts = []
    if cells:
        parts.append(
            f"{_count(cells, 'waarde', 'waarden')} in "
            f"{_count(len([t for t in tables if t.cells]), 'tabel', 'tabellen')} gewijzigd"
        )
    added = sum(len(t.rows_added) for t in tables)
    removed = sum(len(t.rows_removed) for t in tables)
    for number, one, many, what in (
        (added, "rij", "rijen", "erbij"),
        (removed, "rij", "rijen", "weg"),
        (sum(t.status == "nieuw" for t in changes.tables), "tabel", "tabellen", "nieuw"),
        (sum(t.status == "vervallen" for t in changes.tables), "tabel", "tabellen", "vervallen"),
        (len(changes.verdicts), "oordeel", "oordelen", "anders"),
        (len(changes.figures), "figuur", "figuren", "anders"),
        (len(changes.texts), "tekst", "teksten", "gewijzigd"),
    ):
        if number:
            parts.append(f"{_count(number, one, many)} {what}")
    return ", ".join(parts)


def report_html(
    changes: Changes, old: Document, new: Document, old_label: str, new_label: str
) -> str:
    """The report as one standalone HTML page."""
    context = {
        "changes": changes,
        "old": old,
        "new": new,
        "old_label": old_label,
        "new_label": new_label,
        "summary": summary(changes).capitalize() + ".",
    }
    return render_template("verschillen.html", None, context)
