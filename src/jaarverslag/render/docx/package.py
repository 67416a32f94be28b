"""Writes an edited Word document so that what wasn't edited stays byte for byte the original.

python-docx writes every XML part it loaded anew (its own XML declaration, its own order of
content types, the time of day in the zip): harmless, but then no one can check that the rest of
their document is untouched. So the package is put together again: every part whose content is
the same as the original's is the original's bytes, in the original's order and with its zip
entry; the content types are the original's plus what new parts need; a new or changed part gets
a fixed time, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from jaarverslag.core.xml import Element

CONTENT_TYPES = "[Content_Types].xml"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def repack(original: bytes, written: bytes) -> bytes:
    """``written`` (python-docx's save of an edit of ``original``) with every unchanged part as
    the original's bytes."""
    before = zipfile.ZipFile(io.BytesIO(original))
    after = zipfile.ZipFile(io.BytesIO(written))
    old = {i.filename: i for i in before.infolist()}
    new = {i.filename: i for i in after.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, info in old.items():
            if name == CONTENT_TYPES:
                content = _content_types(before.read(name), after.read(name), set(new) - set(old))
                target.writestr(_fixed(name), content)
            elif name in new:
                data, written_data = before.read(name), after.read(name)
                if data == written_data or _same_xml(data, written_data):
                    target.writestr(info, data)
                else:
                    target.writestr(_fixed(name), written_data)
        for name in new:
            if name not in old:
                target.writestr(_fixed(name), after.read(name))
    return out.getvalue()


def _fixed(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _same_xml(a: bytes, b: bytes) -> bool:
    """The same XML content, whatever its declaration or serialisation."""
    if not (a.lstrip().startswith(b"<") and b.lstrip().startswith(b"<")):
        return False
    try:
        left = etree.fromstring(a, _PARSER)
        right = etree.fromstring(b, _PARSER)
    except etree.XMLSyntaxError:
        return False
    return bool(etree.tostring(left, method="c14n") == etree.tostring(right, method="c14n"))


def _content_types(original: bytes, written: bytes, added: set[str]) -> bytes:
    """The original content types, with a type for every part that is new."""
    ours = etree.fromstring(original, _PARSER)
    theirs = etree.fromstring(written, _PARSER)
    defaults = {d.get("Extension", "").lower(): d for d in ours.iter(f"{{{TYPES}}}Default")}
    overrides = {o.get("PartName", "") for o in ours.iter(f"{{{TYPES}}}Override")}
    new_defaults = {d.get("Extension", "").lower(): d for d in theirs.iter(f"{{{TYPES}}}Default")}
    new_overrides = {o.get("PartName", ""): o for o in theirs.iter(f"{{{TYPES}}}Override")}
    changed = False
    for name in sorted(added):
        part = "/" + name
        if part in overrides:
            continue
        if part in new_overrides:
            ours.append(_copy(new_overrides[part]))
            changed = True
            continue
        extension = name.rsplit(".", 1)[-1].lower()
        if extension not in defaults and extension in new_defaults:
            element = _copy(new_defaults[extension])
            first_override = next(ours.iter(f"{{{TYPES}}}Override"), None)
            if first_override is not None:  # Defaults first, as Office writes them
                first_override.addprevious(element)
            else:
                ours.append(element)
            defaults[extension] = element
            changed = True
    if not changed:
        return original
    return bytes(etree.tostring(ours, xml_declaration=True, encoding="UTF-8", standalone=True))


def _copy(element: Element) -> Element:
    return etree.Element(element.tag, {str(k): str(v) for k, v in element.attrib.items()})
