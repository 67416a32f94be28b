"""Reads a rapport's Markdown texts once: inside the folder, UTF-8, within their limits.

Every text the document may print — each ``teksten/*.md``, each section's ``tekst`` and the
``*.conclusie.md`` beside it — is read here, checked, and kept by its resolved path, so the
document never touches the disk and a text that breaks a rule is reported by ``check`` too.
Markdown has two limits besides its size: a line may hold at most :data:`MAX_LINE` characters
(the parser's time grows with it), and nesting (quotes, lists) may go at most
:data:`MAX_NESTING` levels deep — the renderer would silently drop what lies deeper.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.token import Token

from jaarverslag.core import files
from jaarverslag.core.characters import CONTROL, control_message
from jaarverslag.core.errors import Problem
from jaarverslag.inputs import images

if TYPE_CHECKING:
    from jaarverslag.inputs.config.load import Config

MAX_LINE = 10_000  #: characters on one line of a Markdown text
#: Nesting levels of the rendered Markdown (a list item inside a list counts two); this is
#: markdown-it's own maximum, beyond which it drops content without a word.
MAX_NESTING = 20
CONCLUSIE_SUFFIX = ".conclusie.md"
#: A character without which a text is plain prose: no list, quote, table, link or picture.
MARKUP = r"[>\-+*_\d\[]"


def conclusie_path(tekst: Path) -> Path:
    """The author's conclusion beside a section text: ``x.md`` → ``x.conclusie.md``."""
    return tekst.with_name(tekst.name.removesuffix(".md") + CONCLUSIE_SUFFIX)


def text_paths(folder: Path, config: Config) -> list[Path]:
    """Every Markdown file the document may read, as found (not resolved)."""
    paths: list[Path] = []
    teksten = folder / "teksten"
    if teksten.is_dir() and files.inside(folder, teksten) is not None:
        paths += sorted(teksten.glob("*.md"))
    for sectie in config.secties or ():
        if sectie.tekst is not None:
            paths.append(sectie.tekst)
            own = conclusie_path(sectie.tekst)
            if own.exists() or own.is_symlink():
                paths.append(own)
    return paths


def read_texts(
    folder: Path, config: Config
) -> tuple[dict[Path, str], dict[Path, Path], list[Problem]]:
    """The texts by the path each was read from (resolved), every name they were found by
    (:func:`named`) with that path — so the document looks a text up without touching the disk
    again, where a link may point elsewhere by now — and every problem with them."""
    problems = files.folder_problem(folder, folder / "teksten", str(folder / "teksten"))
    texts: dict[Path, str] = {}
    names: dict[Path, Path] = {}
    root = folder.resolve()
    for path in text_paths(folder, config):
        if named(path) in names:
            continue
        shown = folder / path.relative_to(root) if path.is_relative_to(root) else path
        resolved, data, found = files.read_resolved(folder, path, "tekst", str(shown))
        if resolved is not None and resolved in texts:  # a section's text in teksten/
            names[named(path)] = resolved  # read once, reported once
            continue
        problems += found
        if resolved is None or data is None:
            continue
        text, tokens, found = check_text(data, str(shown))
        problems += found
        if text is not None:
            problems += images.text_problems(folder, text, tokens, str(shown))
            texts[resolved] = text
            names[named(path)] = resolved
    return texts, names, problems


def named(path: Path) -> Path:
    """A text's name as the document asks for it: absolute, links not followed (no disk)."""
    return Path(os.path.abspath(path))


def check_text(data: bytes, display: str) -> tuple[str | None, list[Token], list[Problem]]:
    """Decode a Markdown text and hold it to the rules above; its block tokens, parsed once
    for every check that needs them (none for plain prose)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"is geen UTF-8-tekst (byte 0x{data[exc.start]:02x}); sla op als UTF-8"
        return None, [], [Problem(display, line, None, message)]
    control = re.search(CONTROL, text)
    if control:
        line = text[: control.start()].count("\n") + 1
        return None, [], [Problem(display, line, None, control_message(text))]
    for number, line_text in enumerate(text.splitlines(), start=1):
        if len(line_text) > MAX_LINE:
            message = (
                f"regel is te lang ({len(line_text)} tekens; hoogstens {MAX_LINE}): "
                "begin alinea's op een nieuwe regel"
            )
            return None, [], [Problem(display, number, None, message)]
    tokens = _deep_parser().parse(text) if re.search(MARKUP, text) else []
    deep = _too_deep(tokens)
    if deep is not None:
        message = f"is te diep genest (lijsten of citaten, meer dan {MAX_NESTING} niveaus)"
        return None, [], [Problem(display, deep, None, message)]
    return text, tokens, []


@cache
def _deep_parser() -> MarkdownIt:
    """The document's Markdown dialect, allowed to nest further so depth can be measured."""
    return MarkdownIt("commonmark", {"maxNesting": 2 * MAX_NESTING}).enable("table")


def _too_deep(tokens: list[Token]) -> int | None:
    """The line of the first block nested deeper than the renderer keeps, if any."""
    for token in tokens:
        if token.level >= MAX_NESTING:  # blocks only: inline text beyond it stays text
            return token.map[0] + 1 if token.map else 1
    return None
