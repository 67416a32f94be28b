"""The site (``-f site``): a document as static, accessible, searchable pages.

A document's site (:mod:`.pages`) is made from the same :class:`~jaarverslag.core.model.Document`
and the same block templates (``blocks.html``) as its HTML and PDF, so every figure on a page is
the figure in the book: a start page with the table of contents and each section's key figures,
a page per section, every table with its stable id (``#tabel-<name>``), its open-data CSV and a
link to copy. A reeks gets a portal over its gemeenten (:mod:`.portal`); several rapports in one
run get one over organisations and years (:mod:`.shelf`). The search index is Pagefind's
(:mod:`.search`), built once over every page of a rapport. The pages need no server-side code,
fetch nothing from elsewhere and allow only their own scripts (:data:`.place.CSP`).
"""
