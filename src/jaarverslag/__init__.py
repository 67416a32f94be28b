"""jaarverslag: checked tables, computed conclusions and cost splits for Dutch municipal
planning & control documents, rendered to PDF, DOCX and HTML from one template set.

The public API is what this module exports; everything else may change.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError, Problem

__all__ = ["InputError", "Problem", "__version__", "build", "check", "load_rapport"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    """``load_rapport`` on first use: importing the package must not load pandas (cache hits)."""
    if name == "load_rapport":
        from .analysis import load_rapport

        return load_rapport
    raise AttributeError(f"module 'jaarverslag' has no attribute {name!r}")


def build(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build rapports; see :func:`jaarverslag.pipeline.build`."""
    from .pipeline import build as _build

    return _build(*args, **kwargs)


def check(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Check rapports; see :func:`jaarverslag.pipeline.check`."""
    from .pipeline import check as _check

    return _check(*args, **kwargs)
