"""PDF/A-2a on top of WeasyPrint's PDF/UA-1: one file for the archive and for every reader.

WeasyPrint writes one variant at a time: ``pdf/ua-1`` is tagged and accessible but not PDF/A,
``pdf/a-2a`` is archival but drops the PDF/UA identification. We render ``pdf/ua-1`` and let
a finisher — WeasyPrint's public hook that sees the PDF objects right before they are
written — add what PDF/A-2 asks on top:

- a PDF/A output intent with an sRGB profile, so the DeviceRGB colours and the transparency
  groups of text and charts have a defined colour space (ISO 19005-2 6.2.4.3, 6.2.10). The
  profile is ``sRGB2014.icc`` beside this module: the International Color Consortium's own,
  byte for byte the copy WeasyPrint ships (sha256 ``384b832d…``), which the ICC lets anyone
  copy, distribute and embed unaltered;
- the XMP metadata names both standards (``pdfaid:part 2``, ``conformance A`` beside
  ``pdfuaid:part 1``) and declares the ``pdfuaid`` property in a PDF/A extension schema, as
  PDF/A allows no undeclared XMP property (6.6.2.3, 6.6.4);
- every annotation (a link in the prose) is printable (6.3.2), no image asks the viewer to
  interpolate (6.2.8), and a CMYK raster becomes RGB (6.2.4.3).

Nothing here depends on time or chance: identical HTML still gives identical bytes.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from typing import Any

#: PDF/A part and conformance level written into the XMP (ISO 19005-2, level A: tagged).
PART = 2
CONFORMANCE = "A"

PROFILE = "sRGB2014.icc"
#: How the output intent names the colour space (the ICC registry's name for sRGB).
CONDITION = "sRGB IEC61966-2.1"

_RDF = b"</rdf:RDF>"

#: Two rdf:Description elements added to WeasyPrint's XMP, each declaring its own namespaces.
XMP = (
    b'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
    b' pdfaid:part="%d" pdfaid:conformance="%s"/>'
    b'<rdf:Description rdf:about=""'
    b' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    b' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    b' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b'<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    b"<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    b'<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    b"<pdfaProperty:name>part</pdfaProperty:name>"
    b"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    b"<pdfaProperty:category>internal</pdfaProperty:category>"
    b"<pdfaProperty:description>Part of ISO 14289 (PDF/UA) the file conforms to"
    b"</pdfaProperty:description>"
    b"</rdf:li></rdf:Seq></pdfaSchema:property>"
    b"</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
) % (PART, CONFORMANCE.encode())

#: Annotation flags: Print (bit 3) only — not hidden, not invisible, not NoView (6.3.2).
PRINT = 4


@cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile embedded as output intent (3 KB, read once per process)."""
    return (resources.files(__package__) / PROFILE).read_bytes()


def finish_archival(document: object, pdf: Any) -> None:
    """WeasyPrint finisher: make its PDF/UA-1 output PDF/A-2a as well."""
    import pydyf

    if "OutputIntents" in pdf.catalog:
        raise RuntimeError("PDF/A: WeasyPrint already wrote an output intent; expected none")
    profile = pydyf.Stream([srgb_profile()], pydyf.Dictionary({"N": 3}), compress=True)
    pdf.add_object(profile)
    intent = pydyf.Dictionary(
        {
            "Type": "/OutputIntent",
            "S": "/GTS_PDFA1",
            "OutputConditionIdentifier": pydyf.String(CONDITION),
            "Info": pydyf.String(CONDITION),
            "DestOutputProfile": profile.reference,
        }
    )
    pdf.catalog["OutputIntents"] = pydyf.Array([intent])

    metadata = pdf.objects[_object_number(pdf.catalog["Metadata"])]
    xmp = b"".join(metadata.stream)
    if xmp.count(_RDF) != 1 or b"pdfuaid" not in xmp:
        raise RuntimeError("PDF/A: WeasyPrint's XMP metadata is not the PDF/UA packet expected")
    metadata.stream = [xmp.replace(_RDF, XMP + _RDF)]

    for item in pdf.objects:
        if isinstance(item, dict) and item.get("Type") == "/Annot":
            item["F"] = PRINT
        elif isinstance(getattr(item, "extra", None), dict) and _is_image(item.extra):
            item.extra["Interpolate"] = "false"  # a viewer hint PDF/A forbids (6.2.8)
            if item.extra.get("ColorSpace") == "/DeviceCMYK":
                _cmyk_to_rgb(item)


def _is_image(extra: dict[str, Any]) -> bool:
    return extra.get("Subtype") == "/Image"


def _cmyk_to_rgb(image: Any) -> None:
    """A CMYK raster (a JPEG from a rapport's own template or text) as lossless RGB: PDF/A
    allows DeviceCMYK only with a CMYK output intent, and a file has just one, our sRGB.
    Pillow's conversion is the plain formula, so colours may shift a little."""
    from PIL import Image

    data = b"".join(part if isinstance(part, bytes) else part.data for part in image.stream)
    with Image.open(io.BytesIO(data)) as picture:  # Pillow undoes Adobe's inverted CMYK
        rgb = picture.convert("RGB")
    for key in ("Filter", "Decode", "DecodeParms"):
        image.extra.pop(key, None)
    image.extra["ColorSpace"] = "/DeviceRGB"
    image.extra["Width"], image.extra["Height"] = rgb.size
    image.stream, image.compress = [rgb.tobytes()], True


def _object_number(reference: object) -> int:
    """``b"12 0 R"`` or ``"12 0 R"`` (how pydyf writes references) → 12."""
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return int(text.split()[0])
