"""Shared fixtures: the repository's example rapports, built once per test session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jaarverslag.pipeline import Outcome, build_one

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def write_rapport(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Make a rapport folder from ``{relative path: content}``."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


MINIMAL_YAML = "titel: Test\norganisatie: Gemeente Test\nsoort: jaarverslag\njaar: 2017\n"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Build an example rapport by folder name (once per session) and return its outcome."""
    cache: dict[str, Outcome] = {}
    out = tmp_path_factory.mktemp("built")

    def _build(name: str) -> Outcome:
        if name not in cache:
            outcome = build_one(DATA / name, out)
            assert outcome.ok, "\n".join(map(str, outcome.problems))
            cache[name] = outcome
        return cache[name]

    return _build


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (layout kept, so rows stay rows)."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext (poppler-utils) is not installed: run `make test`, which installs it"
        )
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(autouse=True)
def no_chart_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests draw every chart: a cache from an earlier run must not hide a drawing bug."""
    monkeypatch.setenv("JAARVERSLAG_CACHE_DIR", "")
