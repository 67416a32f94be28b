"""How a build runs: one frozen set of options for every rapport of a run."""

from __future__ import annotations

from dataclasses import dataclass

from jaarverslag.core.kinds import Format


@dataclass(frozen=True)
class BuildOptions:
    """How to build: the same for every rapport of a run.

    ``formats``: these formats for every rapport (None: each rapport's ``formaten``);
    ``per_partij``: also a document per partner (None: as rapport.yaml says); ``gemeenten``: of
    a reeks, only these (by name or slug; other rapports build whole); ``jobs``: processes at
    once; ``use_cache``: reuse the output of unchanged inputs; ``opmerkingen``: ``check``'s
    warnings as Word comments in the main document's DOCX, where they apply.
    """

    formats: tuple[Format, ...] | None = None
    per_partij: bool | None = None
    gemeenten: tuple[str, ...] | None = None
    jobs: int = 1
    use_cache: bool = True
    opmerkingen: bool = False
