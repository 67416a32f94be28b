"""Fixtures of the werkplek's tests: one ``jaarverslag web`` per test session (per xdist
worker) with three users — anna and bram (colleagues) and beheer (a beheerder) — and a fresh
rapport of anna's per test.

The werkplek runs on SQLite; a module that marks itself with :data:`support.werkplek.BOTH_DATABASES` runs
every test on SQLite and again on a werkplek with ``--database postgresql://…`` (a throwaway
PostgreSQL server, :mod:`support.postgres`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from support.werkplek import Werkplek


@pytest.fixture(scope="session")
def database(request: pytest.FixtureRequest) -> str:
    """Which database the werkplek runs on: ``sqlite`` unless a module parametrizes it."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def werkplek(
    database: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Werkplek]:
    args: tuple[str, ...] = ()
    if database == "postgresql":
        url = request.getfixturevalue("postgres").create_database()
        args = ("--database", url.replace("postgresql+psycopg://", "postgresql://"))
    with Werkplek(tmp_path_factory.mktemp("werkplek") / "data", *args) as running:
        running.user("anna")
        running.user("bram")
        running.user("beheer", admin=True)
        yield running


@pytest.fixture(scope="session")
def anna(werkplek: Werkplek) -> Iterator[httpx.Client]:
    with werkplek.client("anna") as client:
        yield client


@pytest.fixture(scope="session")
def bram(werkplek: Werkplek) -> Iterator[httpx.Client]:
    with werkplek.client("bram") as client:
        yield client


@pytest.fixture(scope="session")
def beheer(werkplek: Werkplek) -> Iterator[httpx.Client]:
    with werkplek.client("beheer") as client:
        yield client


@pytest.fixture
def rapport(anna: httpx.Client, request: pytest.FixtureRequest) -> str:
    """A new rapport of anna's from the CSV starter, named after the test."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:60]
    answer = anna.post("/api/rapporten", json={"naam": name, "excel": False})
    assert answer.status_code == 201, answer.text
    return name
