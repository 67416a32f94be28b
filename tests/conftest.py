"""Fixtures and command-line options of the test suite; shared helpers are in ``helpers.py``."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from support.helpers import DATA, sample

from jaarverslag.build.pipeline import Outcome, build_one

# Fixtures of the werkplek's services: a throwaway PostgreSQL, an OpenID Connect provider
pytest_plugins = ["support.postgres", "support.oidc"]

# Property tests have no deadline: speed is measured in `make bench`, side by side, not by a
# timer in a test on a shared, noisy machine. In CI (.ci/run sets JAARVERSLAG_CI) they are
# derandomized, so a landing is judged on the same examples every run; at a desk they search
# afresh.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("JAARVERSLAG_CI") or os.environ.get("CI") else "dev")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="rewrite tests/snapshots/ from the current output instead of comparing (make snapshots)",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite the golden snapshots."""
    return bool(request.config.getoption("--update-snapshots"))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Build an example rapport by folder name (once per session) and return its outcome; of a
    reeks, the gemeenten of the sample (helpers.REEKS_SAMPLE)."""
    cache: dict[str, Outcome] = {}
    out = tmp_path_factory.mktemp("built")

    def _build(name: str) -> Outcome:
        if name not in cache:
            outcome = build_one(DATA / name, out, gemeenten=sample(name))
            assert outcome.ok, "\n".join(map(str, outcome.problems))
            cache[name] = outcome
        return cache[name]

    return _build


@pytest.fixture(autouse=True)
def no_chart_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests draw every chart: a cache from an earlier run must not hide a drawing bug."""
    monkeypatch.setenv("JAARVERSLAG_CACHE_DIR", "")
