"""Files made to hurt, for the attack tests (``from support.hostile import …``): zips that lie,
XML with a DTD, a workbook whose cells all point at one long shared string, texts that loop.

Each is small on disk; what it would cost is in its docstring.
"""

from __future__ import annotations

import io
import struct
import zipfile

from support.helpers import MINIMAL_YAML

INDICATOREN = (
    "id;indicator;jaar;soort;waarde\n"
    "p;Aantal P-banen;2016;realisatie;400\n"
    "p;Aantal P-banen;2017;begroting;500\n"
    "p;Aantal P-banen;2017;realisatie;559\n"
)
WITH_TEXT = MINIMAL_YAML + "secties:\n  - titel: Tekst\n    tekst: teksten/x.md\n"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rapport_files(extra: dict[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """A rapport that builds, with ``extra`` files by relative path."""
    return {"rapport.yaml": MINIMAL_YAML, "indicatoren.csv": INDICATOREN, **(extra or {})}


def workbook(rows: list[list[object]]) -> bytes:
    """A workbook as openpyxl writes it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


INDICATOR_ROWS: list[list[object]] = [
    ["id", "indicator", "jaar", "soort", "waarde"],
    ["p", "Aantal P-banen", 2016, "realisatie", 400],
    ["p", "Aantal P-banen", 2017, "begroting", 500],
    ["p", "Aantal P-banen", 2017, "realisatie", 559],
]


def word_document(*headings: str) -> bytes:
    """A Word document with these chapters (Heading 1), a paragraph under each."""
    import docx

    document = docx.Document()
    for heading in headings:
        document.add_heading(heading, level=1)
        document.add_paragraph(f"Tekst onder {heading}.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, part: str, change) -> bytes:  # type: ignore[no-untyped-def]
    """The zip ``data`` with ``part``'s content changed by ``change`` (bytes → bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def lying_size(data: bytes, part: str) -> bytes:
    """The zip with ``part``'s declared unpacked size halved (in its local header and the
    central directory): zipfile stops there and fails the checksum — "Bad CRC-32"."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(part)
    smaller = struct.pack("<I", max(1, info.file_size // 2))
    raw = bytearray(data)
    raw[info.header_offset + 22 : info.header_offset + 26] = smaller  # local header
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_length] == part.encode():
            raw[central + 24 : central + 28] = smaller
            break
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def flipped(data: bytes, part: str) -> bytes:
    """The zip with one byte of ``part`` (stored, not compressed) changed: a bad checksum."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    raw = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(part)
    name_length, extra_length = struct.unpack_from("<HH", raw, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    at = start + info.file_size // 2
    raw[at] = ord("X") if raw[at] != ord("X") else ord("Y")
    return bytes(raw)


def truncated(data: bytes) -> bytes:
    """The zip cut off two thirds of the way (its central directory gone)."""
    return data[: len(data) * 2 // 3]


def with_doctype(data: bytes, part: str) -> bytes:
    """``part`` with a DTD that declares an entity, and that entity used in its text."""

    def change(xml: bytes) -> bytes:
        declaration = b""
        if xml.startswith(b"<?xml"):
            end = xml.index(b"?>") + 2
            declaration, xml = xml[:end], xml[end:]
        root = xml.lstrip()[1:].split(None, 1)[0].split(b">")[0]
        dtd = b"<!DOCTYPE " + root + b' [<!ENTITY e "ENTITEIT">]>'
        body = xml.replace(b"Tekst onder", b"&e; onder", 1).replace(b"Aantal P-banen", b"&e;", 1)
        return declaration + dtd + body

    return rewritten(data, part, change)


def one_sheet_parts(sheet: str) -> dict[str, str]:
    """The parts of a workbook with one sheet (``sheet``: what goes inside its ``<worksheet>``)
    whose cells point into ``xl/sharedStrings.xml`` (not among them: the caller writes it)."""
    return {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": f'<Relationships xmlns="{REL_NS}"><Relationship Id="r1" '
        f'Type="{DOC_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_NS}"><sheets>'
        '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{REL_NS}">'
        f'<Relationship Id="rId1" Type="{DOC_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN_NS}">{sheet}</worksheet>',
    }


def shared_string_bomb(cells: int = 40_000, length: int = 30_000) -> bytes:
    """A workbook (under a megabyte) of ``cells`` cells that all point at one shared string of
    ``length`` characters: 1.2 billion characters once every cell is read."""
    header = ["id", "indicator", "jaar", "soort", "waarde"]
    strings = [*header, "p", "realisatie", "x" * length]
    head = "".join(f'<c r="{chr(65 + c)}1" t="s"><v>{c}</v></c>' for c in range(len(header)))
    rows = [f'<row r="1">{head}</row>']
    per_row = 5
    for r in range(2, cells // per_row + 2):
        row = (
            f'<c r="A{r}" t="s"><v>5</v></c><c r="B{r}" t="s"><v>7</v></c>'
            f'<c r="C{r}"><v>2017</v></c><c r="D{r}" t="s"><v>6</v></c>'
            f'<c r="E{r}" t="s"><v>7</v></c>'
        )
        rows.append(f'<row r="{r}">{row}</row>')
    parts = one_sheet_parts(f"<sheetData>{''.join(rows)}</sheetData>")
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN_NS}">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, text in parts.items():
            target.writestr(name, text)
    return out.getvalue()


#: Texts of a few dozen bytes that would build gigabytes or loop for hours, each refused.
LOOPING_TEXTS = {
    "stream": '{% for i in range(100000) %}{{ "woord " * 166000 }}{% endfor %}',
    "set-block": '{% set x %}{% for i in range(100000) %}{{ "woord " * 166000 }}{% endfor %}'
    "{% endset %}{{ x|length }}",
    "macro": '{% macro m() %}{% for i in range(100000) %}{{ "woord " * 166000 }}{% endfor %}'
    "{% endmacro %}{{ m()|length }}",
    "doubling": '{% set ns = namespace(a="woord") %}{% for i in range(60) %}'
    "{% set ns.a = ns.a ~ ns.a %}{% endfor %}{{ ns.a|length }}",
    "plus": '{% set ns = namespace(a="woord") %}{% for i in range(60) %}'
    "{% set ns.a = ns.a + ns.a %}{% endfor %}{{ ns.a|length }}",
    "list": "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
    '{% set ns.l = ns.l + ["woord " * 166000] %}{% endfor %}{{ ns.l|length }}',
    "append": "{% set l = [] %}{% for i in range(100000) %}"
    '{{ l.append("woord " * 166000) }}{% endfor %}',
    "nested": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "recursion": "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}"
    "{{ m(60) }}",
    "center": '{{ "x"|center(10**10) }}',
    "ljust": '{{ "x".ljust(10**10) }}',
    "format": '{{ "%10000000000s"|format("x") }}',
    "percent": '{{ "%10000000000d" % 1 }}',
    "str-format": '{{ "{:>10000000000}".format(1) }}',
    "join": '{{ (["woord " * 166000] * 100000)|join }}',
    "nested-list": '{% set x = "woord " * 166000 %}{{ [[x]] * 1000 }}',
    "caller": "{% macro m() %}{{ caller() }}{{ caller() }}{% endmacro %}"
    '{% call m() %}{% call m() %}{% call m() %}{{ "woord " * 166000 }}{% endcall %}'
    "{% endcall %}{% endcall %}",
    "replace": '{{ ("x" * 999999)|replace("x", "xxxxxxxxxx" * 99999) }}',
    "indent": '{{ ("x\n" * 499999)|indent(100000) }}',
    "power": "{{ (10**1000)**1000 }}",
    "batch": '{{ [1]|batch(10**10, "x")|list }}',
}
