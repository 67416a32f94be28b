"""The block registry: one typed entry per block, every compute function there to be called."""

from __future__ import annotations

import ast
import importlib
import inspect

from jaarverslag.analysis import blocks
from jaarverslag.analysis.blocks import BLOCKS, CHECKS
from jaarverslag.core.kinds import BLOCK_NAMES
from jaarverslag.inputs.config.keys import BLOKKEN


def test_the_registry_and_the_config_name_the_same_blocks() -> None:
    """rapport.yaml accepts exactly the blocks the registry computes, in one declared order."""
    assert set(BLOCKS) == set(BLOCK_NAMES) == set(BLOKKEN)
    assert all(name == spec.name for name, spec in BLOCKS.items())


def test_every_lazily_imported_function_of_the_registry_exists() -> None:
    """The registry's loaders import their compute function when first called: no typo waits
    for the one rapport that has that block."""
    loaders = [spec.compute for spec in BLOCKS.values()] + list(CHECKS.values())
    loaders += [spec.for_partner for spec in BLOCKS.values() if spec.for_partner is not None]
    found = 0
    for loader in loaders:
        for node in ast.walk(ast.parse(inspect.getsource(loader))):
            if isinstance(node, ast.ImportFrom):
                assert node.module is not None
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert callable(getattr(module, alias.name)), f"{node.module}.{alias.name}"
                    found += 1
    assert found == len(loaders)


def test_a_joined_block_joins_a_block_with_a_section() -> None:
    for spec in BLOCKS.values():
        assert bool(spec.titles) != (spec.joins is not None), spec.name
        if spec.joins is not None:
            assert BLOCKS[spec.joins].titles
    assert blocks.BLOCKS["indicatoren"].explained
