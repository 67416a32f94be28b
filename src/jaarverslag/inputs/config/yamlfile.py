"""rapport.yaml as a document and a map of lines, read with PyYAML's safe loader made stricter.

Kept apart from the declaration of the keys (:mod:`.config`): this module knows YAML and where
things stand in the file, the declaration knows what the keys mean.
"""

from __future__ import annotations

from typing import Any

import yaml

ALIAS = "verwijzingen (*alias) zijn in rapport.yaml niet toegestaan"


class _Loader(yaml.SafeLoader):
    """Safe YAML, but a date-like value stays text: ``2023-02-30`` is then reported with its
    line by the ``datum`` check instead of crashing PyYAML's date constructor. Aliases are
    refused: a rapport.yaml needs none, and nested ones ("billion laughs") would exhaust the
    machine before any check could run."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.events.AliasEvent):
            mark = self.current_event.start_mark  # the alias event check_event just peeked at
            raise yaml.composer.ComposerError(None, None, ALIAS, mark)
        return super().compose_node(parent, index)


def _mapping_without_duplicates(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A key given twice is a mistake (which one was meant?), reported at its second line."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key: PyYAML reports it itself
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"sleutel '{key}' staat er twee keer in", key_node.start_mark
            )
    return loader.construct_mapping(node, deep=True)


def _int(loader: _Loader, node: yaml.ScalarNode) -> int:
    """Python refuses to read an integer of more than 4300 digits; that is bad input here."""
    try:
        return loader.construct_yaml_int(node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, "getal met te veel cijfers", node.start_mark
        ) from None


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(text: str) -> tuple[Any, dict[str, int]]:
    """The document and the line of every key path (``secties[1].inhoud``), from PyYAML's
    node marks, so a message can point at a nested key or list item too.

    Raises :class:`yaml.YAMLError` (and RecursionError for absurd nesting) on bad YAML."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    _node_lines(node, "", lines)
    return data, lines


def _node_lines(node: yaml.Node | None, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{path}.{key_node.value}" if path else str(key_node.value)
            lines.setdefault(key, key_node.start_mark.line + 1)
            _node_lines(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value, start=1):
            key = f"{path}[{number}]"
            lines.setdefault(key, item.start_mark.line + 1)
            _node_lines(item, key, lines)


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of a key path, or of the nearest enclosing key that has one
    (``secties[2].tekst`` → ``secties[2]`` → ``secties``)."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None
