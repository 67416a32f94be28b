"""Characters no document we write can hold: the control characters XML 1.0 (so DOCX, and PDF
tags) cannot carry. Every reader refuses them with the same message."""

from __future__ import annotations

import re

#: no one types them on purpose
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def control_message(text: str) -> str:
    """The message for a text holding a :data:`CONTROL` character."""
    found = re.search(CONTROL, text)
    code = f"0x{ord(found.group()):02x}" if found else "?"
    return f"bevat een onzichtbaar stuurteken ({code}); haal het weg"
