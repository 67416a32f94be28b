"""lxml's element class is still called what core/xml.py says."""

from __future__ import annotations

from lxml import etree

from jaarverslag.core.xml import Element


def test_an_element_is_an_element() -> None:
    assert hasattr(etree, "_Element"), "lxml renamed _Element: update core/xml.py"
    assert isinstance(etree.fromstring("<a/>"), Element)
