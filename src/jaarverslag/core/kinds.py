"""The closed sets of the domain as types: what a document is, the formats it is written in,
the unit of its amounts, how grave a problem is.

rapport.yaml's keys are declared with these (:mod:`jaarverslag.inputs.config.keys`) and they
reach the compute functions, the document and the writers unchanged, so mypy sees a
``bedragen_in`` of 1 or 1000 all the way down, never a bare ``int``.
"""

from __future__ import annotations

from typing import Literal, get_args

#: The kind of document: the SPEC's three sections of the P&C cycle.
Soort = Literal["jaarverslag", "begroting", "beleidsplan"]
#: An output format; each has one writer in :data:`jaarverslag.render.formats.WRITERS`.
#: ``site``: the document as a website of static pages (``R/site/``).
Format = Literal["pdf", "docx", "html", "site"]
#: The unit of the amounts in the data files: euros, or thousands of euros.
Bedragen = Literal[1, 1000]
#: A block of computed content a section can hold; each has one entry in the registry,
#: :data:`jaarverslag.analysis.blocks.BLOCKS`. The order is the one messages list them in.
BlockName = Literal["indicatoren", "kosten", "maatregelen", "verdeling", "ladder", "vergelijking"]
#: What a table of contents lists (``inhoud`` in rapport.yaml): headings, tables, figures.
Lijst = Literal["koppen", "tabellen", "figuren"]
#: How grave a problem is: an error stops the build, a warning is printed and the build goes on.
Severity = Literal["error", "warning"]

SOORTEN: tuple[Soort, ...] = get_args(Soort)
FORMATS: tuple[Format, ...] = get_args(Format)
#: The formats a rapport is built in when rapport.yaml names none: the site only when asked.
DEFAULT_FORMATS: tuple[Format, ...] = ("pdf", "docx", "html")
BEDRAGEN_IN: tuple[Bedragen, ...] = get_args(Bedragen)
BLOCK_NAMES: tuple[BlockName, ...] = get_args(BlockName)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
LIJSTEN: tuple[Lijst, ...] = get_args(Lijst)
