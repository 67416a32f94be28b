"""jaarverslag: checked tables, computed conclusions and cost splits for Dutch municipal
planning & control documents, rendered to PDF, DOCX and HTML from one template set.

The public API is what this module exports; everything else may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jaarverslag.core.errors import InputError, Problem
from jaarverslag.core.version import VERSION as __version__

__all__ = ["InputError", "Problem", "__version__", "build", "check", "load_rapport"]


if TYPE_CHECKING:
    from jaarverslag.analysis.analyse import load_rapport
    from jaarverslag.build.pipeline import build, check


def __getattr__(name: str) -> Any:
    """``build``, ``check`` and ``load_rapport`` on first use: importing the package must load
    nothing heavy (a cache hit never imports pandas)."""
    if name == "load_rapport":
        from jaarverslag.analysis.analyse import load_rapport

        return load_rapport
    if name in ("build", "check"):
        from jaarverslag.build import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'jaarverslag' has no attribute {name!r}")
