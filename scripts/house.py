"""Draw the house from the package's own imports: rooms, floors, arrows and circles.

Every ``import`` counts — at the top of a module, inside a function, under ``TYPE_CHECKING`` —
because each is a dependency a reader has to follow. A *room* is a module, an *arrow* an import
of one module of the package by another, a *circle* a set of modules that reach each other
(a strongly connected component of more than one module, or a module importing itself), and
the *floors* the longest chain of arrows below a room, plus one.

    python scripts/house.py            # the summary and any circles
    python scripts/house.py --arrows   # every arrow too
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "jaarverslag"


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The package's modules that module ``name`` imports, wherever the import statement is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _nearest(alias.name, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield from _nearest(full if full in known else base, known)


def _nearest(name: str, known: set[str]) -> Iterator[str]:
    while name and name not in known:
        name = name.rpartition(".")[0]
    if name:
        yield name


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    found = modules(root)
    known = set(found)
    return {name: set(imported(name, path, known)) - {name} for name, path in found.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def floors(edges: dict[str, set[str]]) -> int:
    """The longest chain of arrows, plus one (of the graph without its circles' back arrows)."""
    depth: dict[str, int] = {}

    def visit(node: str, seen: frozenset[str]) -> int:
        if node in depth:
            return depth[node]
        below = [visit(m, seen | {node}) for m in edges.get(node, ()) if m not in seen]
        depth[node] = 1 + max(below, default=0)
        return depth[node]

    return max((visit(n, frozenset()) for n in edges), default=0)


#: No module longer than this: past it, a module holds more than one thing.
MAX_LINES = 400


def too_long(root: Path = ROOT) -> dict[str, int]:
    """The modules over :data:`MAX_LINES` lines, with their length."""
    lengths = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in modules(root).items()}
    return {name: n for name, n in lengths.items() if n > MAX_LINES}


def main(argv: list[str]) -> int:
    edges = graph()
    arrows = sum(len(v) for v in edges.values())
    found = circles(edges)
    long = too_long()
    print(f"{len(edges)} rooms on {floors(edges)} floors, {arrows} arrows, {len(found)} circles")
    for circle in found:
        print("circle:", " ⇄ ".join(circle))
    for name, lines in sorted(long.items()):
        print(f"too long: {name} ({lines} lines, at most {MAX_LINES})")
    if "--arrows" in argv:
        for name in sorted(edges):
            for target in sorted(edges[name]):
                print(f"{name} → {target}")
    return 1 if found or long else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
