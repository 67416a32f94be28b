"""Fixtures of the werkplek's tests: one ``jaarverslag web`` per test session (per xdist
worker) with three users — anna and bram (colleagues) and beheer (a beheerder) — and a fresh
rapport of anna's per test."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from support.werkplek import Werkplek


@pytest.fixture(scope="session")
def werkplek(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Werkplek]:
    with Werkplek(tmp_path_factory.mktemp("werkplek") / "data") as running:
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
