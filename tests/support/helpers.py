"""Shared helpers and constants of the tests: ``from support.helpers import DATA, …``.

pytest puts ``tests/`` on ``sys.path`` (the folder of the root ``conftest.py``; ``tests/`` has
no ``__init__.py``), so ``support`` imports the same way from every test folder and under
pytest-xdist workers. Fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TESTS = ROOT / "tests"
SNAPSHOTS = TESTS / "snapshots"
#: Hand-made rapports: bad input, hostile content, seed tables.
RAPPORTS = TESTS / "rapports"

MINIMAL_YAML = "titel: Test\norganisatie: Gemeente Test\nsoort: jaarverslag\njaar: 2017\n"


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


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (layout kept, so rows stay rows)."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext (poppler-utils) is not installed: run `make test`, which installs it"
        )
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def examples() -> list[str]:
    """The example rapports under ``data/``, by folder name."""
    return sorted(p.name for p in DATA.iterdir() if (p / "rapport.yaml").is_file())


#: The gemeenten of a reeks example that the tests build: all 342 take minutes (``make build``
#: builds them all); these have the names that test slugs and quoting.
REEKS_SAMPLE = ("'s-Gravenhage", "Bergen (L.)", "Súdwest-Fryslân", "Nuenen, Gerwen en Nederwetten")


def is_reeks(name: str) -> bool:
    """An example with a gemeenten.csv is a reeks: one document per gemeente."""
    return (DATA / name / "gemeenten.csv").is_file()


def sample(name: str) -> tuple[str, ...] | None:
    """The gemeenten the tests build of example ``name`` (None: not a reeks, build it whole)."""
    return REEKS_SAMPLE if is_reeks(name) else None


def main_document(name: str) -> str:
    """The path of an example's document under its output folder, without extension: the
    rapport's own, or of a reeks the first gemeente of the sample (``s-gravenhage/s-gravenhage``)."""
    if not is_reeks(name):
        return name
    from jaarverslag.core.slugs import slug

    first = slug(REEKS_SAMPLE[0], "gemeente")
    return f"{first}/{first}"


def interruptible() -> None:
    """``preexec_fn`` for a command a test will Ctrl-C: a test run started in the background
    (``make test &``, some CI runners) passes on an ignored SIGINT, which a command typed at a
    terminal never has."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
