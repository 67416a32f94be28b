"""Renders a reeks's overview page (``OUT/R/index.html``) and its comparison as open data.

The page is one standalone HTML file from the template ``reeks.html`` (a rapport's own
``templates/reeks.html`` first): every gemeente with a link to each of its documents, and the
comparison of all gemeenten as a real table that reads without JavaScript; a small script only
adds sort buttons to its column headers.
"""

from __future__ import annotations

from pathlib import Path

from jaarverslag.core.model import Overzicht
from jaarverslag.render.html import render_template
from jaarverslag.render.opendata import table_csv


def render_overview(overview: Overzicht, rapport_folder: Path | None) -> dict[str, bytes]:
    """``index.html`` and ``tabellen/overzicht.csv`` (when there is a comparison table)."""
    html = render_template("reeks.html", rapport_folder, {"ov": overview})
    files = {"index.html": html.encode()}
    if overview.table is not None:
        files[f"tabellen/{overview.table.name}.csv"] = table_csv(overview.table).encode()
    return files
