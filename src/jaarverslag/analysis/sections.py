"""Which sections a document has, in which order: rapport.yaml's ``secties``, or a default.

Without ``secties``: each Markdown file in ``teksten/`` (its first ``# heading`` as the title),
then one section per block whose data is present, in the registry's order. A begroting gets the
BBV structure instead: its texts first, except those whose name says ``bereiken``, ``doen`` or
``kosten``, which open the three W-questions; these hold the blocks the registry assigns them.
"""

from __future__ import annotations

import re
from pathlib import Path

from jaarverslag.analysis.blocks import BLOCKS
from jaarverslag.core.kinds import BlockName
from jaarverslag.inputs.config.load import SectieSpec
from jaarverslag.inputs.folder import Inputs
from jaarverslag.inputs.texts import CONCLUSIE_SUFFIX

#: The BBV structure of a begroting without ``secties``: (text keyword, title).
BBV_SECTIONS = (
    ("bereik", "Wat willen we bereiken?"),
    ("doen", "Wat gaan we daarvoor doen?"),
    ("kost", "Wat mag het kosten?"),
)


def plan_sections(inputs: Inputs) -> tuple[SectieSpec, ...]:
    """The sections of the document, each with its text and blocks."""
    if inputs.config.secties:
        return inputs.config.secties
    teksten = inputs.folder / "teksten"
    paths = (
        [  # only texts that were read: one saved in the meantime waits for the next build
            p
            for p in sorted(teksten.glob("*.md"))
            if not p.name.endswith(CONCLUSIE_SUFFIX) and inputs.has_text(p)
        ]
        if teksten.is_dir()
        else []
    )
    present = [name for name, spec in BLOCKS.items() if all(f in inputs.files for f in spec.files)]
    if inputs.config.soort == "begroting":
        return _bbv(inputs, paths, present)
    secties = [SectieSpec(title_of(p, inputs.text(p)), p) for p in paths]
    for name in present:
        spec = BLOCKS[name]
        if spec.titles:
            joined = tuple(b for b in present if b == name or BLOCKS[b].joins == name)
            secties.append(SectieSpec(spec.titles[inputs.config.soort], None, joined))
    return tuple(secties)


def _bbv(inputs: Inputs, paths: list[Path], present: list[BlockName]) -> tuple[SectieSpec, ...]:
    def keyword(path: Path) -> str | None:
        stem = path.stem.casefold()
        return next((k for k, _ in BBV_SECTIONS if k in stem), None)

    secties = [SectieSpec(title_of(p, inputs.text(p)), p) for p in paths if keyword(p) is None]
    for key, titel in BBV_SECTIONS:
        text = next((p for p in paths if keyword(p) == key), None)
        blocks = tuple(b for b in present if BLOCKS[b].bbv == key)
        secties.append(SectieSpec(titel, text, blocks))
    return tuple(secties)


def title_of(path: Path, text: str) -> str:
    """A text's first ``# heading``, else its file name without number prefix."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
        if line.strip():
            break
    return re.sub(r"^[\d_\-. ]+", "", path.stem).replace("_", " ").replace("-", " ").capitalize()
