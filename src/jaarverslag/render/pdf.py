"""Turns the one HTML document into a tagged PDF with WeasyPrint: PDF/UA-1 and PDF/A-2a at once
(``pdfa.py`` adds the archival part; ``pdfa: false`` in rapport.yaml leaves it out).

Fetching is locked down: only ``data:`` URLs and files under the rapport folder and the
template folders are served; anything else (another file, the network) fails the build.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jaarverslag.core import files
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.render.html import template_dirs
from jaarverslag.render.libraries import load_weasyprint


def _fetcher_class() -> type[Any]:
    load_weasyprint()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class RestrictedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        """Serves ``data:`` and files under ``roots``; refuses the rest, fatally."""

        def __init__(self, roots: list[Path]) -> None:
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.roots = [r.resolve() for r in roots]

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                # read here, once, as every input is read: contained, no link followed on the
                # way (a file swapped for a symlink meanwhile is refused), a regular file (a
                # FIFO would hang the build), bounded
                path = Path(unquote(urlsplit(url).path))
                root = next((r for r in self.roots if files.inside(r, path) is not None), None)
                if root is None:
                    raise _refused(url)
                data, _ = files.read(root, path, "afbeelding", url)
                if data is None:
                    raise _refused(url, allowed=True)
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": kind})
            if scheme != "data":
                raise _refused(url)
            try:
                return super().fetch(url, headers)
            except FatalURLFetchingError:
                raise
            except Exception as exc:
                raise _refused(url, allowed=True) from exc

    def _refused(url: str, allowed: bool = False) -> FatalURLFetchingError:
        error = FatalURLFetchingError(f"refused: {url}")
        error.url, error.allowed = url, allowed
        return error

    return RestrictedFetcher


def restricted_fetcher(rapport_folder: Path | None) -> Any:
    roots = template_dirs(rapport_folder)
    if rapport_folder is not None:
        roots.append(rapport_folder)
    return _fetcher_class()(roots)


@cache
def font_config() -> Any:
    """One font configuration per process: a batch looks its fonts up once (about 12% of a
    document's layout time). Our templates load no web fonts, so the bytes don't change."""
    load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, rapport_folder: Path | None = None, pdfa: bool = True) -> bytes:
    """Lay out ``html`` as an A4 tagged PDF/UA-1, and PDF/A-2a unless ``pdfa`` is false;
    same HTML, same bytes."""
    load_weasyprint()  # 0.4 s: only when a PDF is asked for
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from jaarverslag.render import pdfa as archival

    base = (rapport_folder or Path.cwd()).resolve()
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    try:
        document = HTML(
            string=html,
            base_url=base.as_uri() + "/",
            url_fetcher=restricted_fetcher(rapport_folder),
        )
        pdf: bytes = document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_identifier=identifier,
            custom_metadata=True,
            font_config=font_config(),
            finisher=archival.finish_archival if pdfa else None,
        )
        return pdf
    except FatalURLFetchingError as exc:
        # a template of the rapport asks for something outside it: bad input, not a crash
        where = rapport_folder / "templates" if rapport_folder is not None else Path("templates")
        raise InputError([Problem(str(where), message=_refusal(exc))]) from None


def _refusal(exc: Exception) -> str:
    """The Dutch message for a refused fetch, naming the URL (shortened)."""
    url = getattr(exc, "url", None) or str(exc)
    url = url if len(url) <= 120 else url[:119] + "…"
    if getattr(exc, "allowed", False):
        return f"'{url}' kan niet worden gelezen voor de PDF (bestaat het?)"
    return (
        f"de PDF mag alleen bestanden uit de rapportmap gebruiken; '{url}' is geweigerd "
        "(geen netwerk, geen bestanden elders)"
    )
