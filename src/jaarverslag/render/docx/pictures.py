"""Pictures as the DOCX writer gets them: the ``data:`` URLs the HTML page carries every picture
in, decoded, and made readable for python-docx."""

from __future__ import annotations

import base64
import io


def data_url(src: str, kinds: tuple[str, ...]) -> bytes | None:
    """The bytes of a ``data:`` URL of one of ``kinds`` (base64, as the HTML renderer puts
    every picture in the page), else None."""
    header, comma, payload = src.partition(",")
    kind, _, encoding = header.removeprefix("data:").partition(";")
    if not (header.startswith("data:") and comma and encoding == "base64" and kind in kinds):
        return None
    try:
        return base64.b64decode(payload, validate=True)
    except ValueError:
        return None


def word_picture(data: bytes) -> bytes | None:
    """``data`` as python-docx reads it: as it is, or re-encoded as PNG when its header is
    one python-docx doesn't know (a JPEG without JFIF or Exif, as CMYK ones are); None when
    not even Pillow can read it."""
    from docx.image.image import Image as WordImage
    from PIL import Image

    try:
        WordImage.from_blob(data)
        return data
    except Exception:  # python-docx raises whatever its header parser meets
        pass
    try:
        with Image.open(io.BytesIO(data)) as picture:
            out = io.BytesIO()
            picture.convert("RGBA" if "A" in picture.getbands() else "RGB").save(out, "PNG")
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
