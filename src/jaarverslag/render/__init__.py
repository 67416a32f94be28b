"""Stage 4, render: a document into files.

In: a :class:`~jaarverslag.core.model.Document`. Out: its one HTML page (:mod:`.html`, Jinja2
templates), and from that page every output format (:mod:`.formats`: the HTML file, the PDF by
WeasyPrint (:mod:`.pdf`, :mod:`.pdfa`), the DOCX by python-docx (:mod:`.docx`)), the charts
(:mod:`.charts`, :mod:`.dotplot`) and the tables as open data (:mod:`.opendata`).
"""
