"""The one place that names a private part of ``lxml``: its element class ``etree._Element``.

Why: lxml has no public name for the type of an element (``etree.Element`` is a factory
function), and its type stubs, its documentation and python-docx all call it ``_Element``.
Every module that annotates an XML element — the workbook reader, the DOCX writer and the
chapter insert — uses :data:`Element` from here. ``tests/core/test_xml.py`` fails loudly when
lxml renames it.
"""

from __future__ import annotations

from lxml.etree import _Element

Element = _Element
