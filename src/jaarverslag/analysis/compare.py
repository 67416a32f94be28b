"""What changed for a reader between two documents: printed figures, rows, verdicts, words.

Both documents come from the same stages (:mod:`jaarverslag.build.stages`); they are compared
as documents, not as files: a table cell by the table's name, the row's label (within its
group) and the column's key, and by what it prints (``95.000``, ``x``, ``-``), so a change
that prints the same is no change; the texts of each section word by word; the verdict of
every indicator and year (gehaald / niet gehaald) from the facts the conclusions are written
from. The result is a :class:`~jaarverslag.core.changes.Changes`, whose ``empty`` is true when
nothing a reader sees has changed.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from html import unescape

from jaarverslag.compute.conclusies import Indicator, verdict
from jaarverslag.core.changes import (
    VERDICTS,
    CellChange,
    Changes,
    TableChange,
    TextChange,
    VerdictChange,
)
from jaarverslag.core.model import (
    Block,
    Cell,
    Chart,
    Document,
    DotChart,
    Items,
    Prose,
    Table,
    Text,
)
from jaarverslag.core.numbers import exact, format_cell, format_signed

__all__ = ["Changes", "compare", "compare_tables", "word_changes"]

#: Words of context printed around a change in a text.
CONTEXT = 6
#: Units whose change is printed as a difference.
NUMERIC = ("aantal", "euro", "percentage")
BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|th|td|blockquote|pre)>|<br\s*/?>")
TAG = re.compile(r"<[^>]+>")


def compare(
    old: Document,
    new: Document,
    old_indicators: Mapping[str, Indicator] | None = None,
    new_indicators: Mapping[str, Indicator] | None = None,
) -> Changes:
    """What a reader of ``old`` finds changed in ``new``."""
    return Changes(
        tables=tuple(_tables(old, new)),
        verdicts=tuple(_verdicts(old_indicators or {}, new_indicators or {})),
        texts=tuple(_texts(old, new)),
        figures=tuple(_figures(old, new)),
    )


# -- tables ---------------------------------------------------------------------------------


def _tables(old: Document, new: Document) -> list[TableChange]:
    before = {t.name: t for t in old.tables()}
    after = {t.name: t for t in new.tables()}
    changes = []
    for name in [*after, *(n for n in before if n not in after)]:
        a, b = before.get(name), after.get(name)
        numbers = (old.number(a) if a else None, new.number(b) if b else None)
        if a is None or b is None:
            table = b or a
            assert table is not None
            status = "nieuw" if a is None else "vervallen"
            changes.append(TableChange(name, table.caption, status, *numbers))
            continue
        change = compare_tables(a, b, *numbers)
        if change is not None:
            changes.append(change)
    return changes


def row_keys(table: Table) -> dict[tuple[str, str, int], int]:
    """Every row with values by (its group, its label, which of that name it is): its index."""
    keys: dict[tuple[str, str, int], int] = {}
    seen: Counter[tuple[str, str]] = Counter()
    group = ""
    for index, row in enumerate(table.rows):
        if row.kind == "groep":
            group = row.label
            continue
        if row.kind == "leeg":
            continue
        seen[(group, row.label)] += 1
        keys[(group, row.label, seen[(group, row.label)])] = index
    return keys


def _label(key: tuple[str, str, int]) -> str:
    group, label, _ = key
    return f"{group}: {label}" if group and group != label else label


def compare_tables(
    old: Table, new: Table, old_number: int | None = None, new_number: int | None = None
) -> TableChange | None:
    """The printed differences between two versions of a table; None when it prints the same
    (its caption and number aside)."""
    rows_old, rows_new = row_keys(old), row_keys(new)
    cols_old = {c.key: i for i, c in enumerate(old.columns)}
    cols_new = {c.key: i for i, c in enumerate(new.columns)}
    labels = {c.key: c.label for c in (*old.columns, *new.columns)}
    cells = []
    for key, j in rows_new.items():
        if key not in rows_old:
            continue
        i = rows_old[key]
        for column, cj in cols_new.items():
            if column not in cols_old:
                continue
            a, b = old.rows[i].cells[cols_old[column]], new.rows[j].cells[cj]
            if format_cell(a) != format_cell(b) or a.markers != b.markers:
                cells.append(
                    CellChange(_label(key), labels[column], _shown(a), _shown(b), difference(a, b))
                )
    added = tuple(_label(k) for k in rows_new if k not in rows_old)
    removed = tuple(_label(k) for k in rows_old if k not in rows_new)
    cols_added = tuple(labels[k] for k in cols_new if k not in cols_old)
    cols_removed = tuple(labels[k] for k in cols_old if k not in cols_new)
    if not (cells or added or removed or cols_added or cols_removed):
        return None
    return TableChange(
        new.name,
        new.caption,
        "gewijzigd",
        old_number,
        new_number,
        tuple(cells),
        added,
        removed,
        cols_added,
        cols_removed,
    )


def _shown(cell: Cell) -> str:
    printed = format_cell(cell)
    return f"{printed} {','.join(cell.markers)}" if cell.markers else printed


def difference(old: Cell, new: Cell) -> str | None:
    """``new - old`` as printed (``+1.250``, ``€ -0,40``, ``+2,5 procentpunt``), when both are
    figures of the same unit that print."""
    a, b = old.value, new.value
    if (
        old.suppressed is not None
        or new.suppressed is not None
        or old.unit != new.unit
        or old.unit not in NUMERIC
        or not isinstance(a, int | float)
        or not isinstance(b, int | float)
        or isinstance(a, bool)
        or isinstance(b, bool)
    ):
        return None
    places = [d for d in (old.decimals, new.decimals) if d is not None]
    decimals = max(places) if places else None
    return format_signed(exact(b) - exact(a), new.unit, decimals)


# -- verdicts -------------------------------------------------------------------------------


def _verdicts(
    old: Mapping[str, Indicator], new: Mapping[str, Indicator]
) -> Iterable[VerdictChange]:
    for ident, after in new.items():
        before = old.get(ident)
        if before is None:
            continue
        for year in sorted(set(before.realisatie) | set(after.realisatie)):
            was, now = _verdict(before, year), _verdict(after, year)
            if was != now:
                yield VerdictChange(after.label, year, VERDICTS[was], VERDICTS[now])


def _verdict(ind: Indicator, year: int) -> bool | None:
    target = ind.doel.get(year, ("", None))[1]
    return verdict(ind.realisatie.get(year), target, ind.richting)


# -- texts ----------------------------------------------------------------------------------


def block_text(block: Block) -> str:
    """The words a block prints as text (a table's are compared as cells, a figure's as data)."""
    if isinstance(block, Prose):
        return unescape(TAG.sub(" ", BLOCK_END.sub(" \n", block.html)))
    if isinstance(block, Text):
        return " ".join(block.paragraphs)
    if isinstance(block, Items):
        return " ".join(block.items)
    return ""


def section_texts(document: Document) -> list[tuple[str, str]]:
    """(title, words) of the title block and of every section, titles made unique."""
    head = " ".join(filter(None, (document.organisatie, document.titel, document.ondertitel)))
    texts = [("Titel", head)]
    seen: Counter[str] = Counter()
    for section in document.sections:
        seen[section.titel] += 1
        title = section.titel + (f" ({seen[section.titel]})" if seen[section.titel] > 1 else "")
        texts.append((title, " ".join(block_text(b) for b in section.blocks)))
    return texts


def _texts(old: Document, new: Document) -> Iterable[TextChange]:
    before, after = dict(section_texts(old)), dict(section_texts(new))
    for title in [*after, *(t for t in before if t not in after)]:
        pieces = word_changes(before.get(title, ""), after.get(title, ""))
        if pieces:
            yield TextChange(title, pieces)


def word_changes(old: str, new: str, context: int = CONTEXT) -> tuple[tuple[str, str], ...]:
    """The inserted and deleted words between two texts, each change with ``context`` words
    around it; empty when the words are the same."""
    a, b = old.split(), new.split()
    if a == b:
        return ()
    pieces: list[tuple[str, str]] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            pieces += _context(a[i1:i2], index > 0, index < len(opcodes) - 1, context)
            continue
        if i2 > i1:
            pieces.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", " ".join(b[j1:j2])))
    return tuple(p for p in pieces if p[1] or p[0] == "…")


def _context(words: list[str], before: bool, after: bool, size: int) -> list[tuple[str, str]]:
    """Unchanged words between changes: ``size`` after the change before them (``before``) and
    ``size`` before the change after them, the rest left out."""
    keep = size * (before + after)
    if len(words) <= keep:
        return [("=", " ".join(words))]
    pieces = [("=", " ".join(words[:size]))] if before else []
    pieces.append(("…", ""))
    return pieces + ([("=", " ".join(words[-size:]))] if after else [])


# -- figures --------------------------------------------------------------------------------


def _figures(old: Document, new: Document) -> Iterable[str]:
    before = {f.name: f for f in old.figures()}
    after = {f.name: f for f in new.figures()}
    for name in [*after, *(n for n in before if n not in after)]:
        a, b = before.get(name), after.get(name)
        if a is None or b is None or _data(a) != _data(b):
            figure = b or a
            assert figure is not None
            state = "nieuw" if a is None else "vervallen" if b is None else "andere gegevens"
            yield f"{figure.caption} ({state})"


def _data(figure: Chart | DotChart) -> Sequence[object]:
    return figure.series if isinstance(figure, Chart) else figure.strips
