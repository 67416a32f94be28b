"""Turns the one HTML document into a tagged PDF (PDF/UA-1) with WeasyPrint.

Fetching is locked down: only ``data:`` URLs and files under the rapport folder and the
template folders are served; anything else (another file, the network) fails the build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .html import template_dirs


def _fetcher_class():  # type: ignore[no-untyped-def]
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class RestrictedFetcher(URLFetcher):
        """Serves ``data:`` and files under ``roots``; refuses the rest, fatally."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.roots = [r.resolve() for r in roots]

        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in self.roots):
                    raise FatalURLFetchingError(f"refused: {url} is outside the rapport folder")
            elif scheme != "data":
                raise FatalURLFetchingError(f"refused: {url} (only files of the rapport)")
            try:
                return super().fetch(url, headers)
            except FatalURLFetchingError:
                raise
            except Exception as exc:
                raise FatalURLFetchingError(f"cannot fetch {url}: {exc}") from exc

    return RestrictedFetcher


def restricted_fetcher(rapport_folder: Path | None):  # type: ignore[no-untyped-def]
    roots = template_dirs(rapport_folder)
    if rapport_folder is not None:
        roots.append(rapport_folder)
    return _fetcher_class()(roots)


def render_pdf(html: str, rapport_folder: Path | None = None) -> bytes:
    """Lay out ``html`` as an A4 tagged PDF; same HTML, same bytes."""
    from weasyprint import HTML  # 0.5 s import: only when a PDF is asked for

    base = (rapport_folder or Path.cwd()).resolve()
    document = HTML(
        string=html,
        base_url=base.as_uri() + "/",
        url_fetcher=restricted_fetcher(rapport_folder),
    )
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    return document.write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=identifier,
        custom_metadata=True,
    )
