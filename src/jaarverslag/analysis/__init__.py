"""Stage 2 and 3, analysis and document: every table, fact, text and problem, computed once,
then arranged as the format-neutral document.

In: :class:`~jaarverslag.inputs.folder.Inputs`. Out: an :class:`.analyse.Analysis` — the
sections (:mod:`.sections`) with their texts rendered with live figures (:mod:`.prose`), each
block's result from the registry (:mod:`.blocks`, computed by :mod:`jaarverslag.compute`) and
the warnings — and from it a :class:`~jaarverslag.core.model.Document` (:mod:`.document`) for
the rapport, each partner or each gemeente.
"""
