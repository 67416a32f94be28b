"""A first login with single sign-on makes one user, also when the same person's first login
arrives twice at the same moment (two tabs, a double click on the provider's button): on
PostgreSQL both find no identity yet; the second must log in as the user the first made, not
answer an error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from jaarverslag.web import db, identities
from jaarverslag.web.models import AuditEntry, Identity, User
from jaarverslag.web.settings import Oidc

OIDC = Oidc(issuer="https://login.example/tenant", client_id="werkplek", secret="s")
CLAIMS = {"iss": OIDC.issuer, "sub": "0f3c-anna", "preferred_username": "A.deVries@gemeente.nl"}


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    made = db.engine(postgres_url)
    db.migrate(made)
    yield made
    made.dispose()


def log_in(made: Engine, claims: dict[str, Any]) -> int:
    with db.writing(made) as session:
        return identities.log_in(session, OIDC, claims, "127.0.0.1").id


def test_a_second_login_finds_the_user_of_the_first(tmp_path: Any) -> None:
    made = db.engine(db.default_url(tmp_path))
    db.migrate(made)
    first, again = log_in(made, CLAIMS), log_in(made, CLAIMS)
    other = log_in(made, {**CLAIMS, "sub": "another-anna"})  # the same name, another person
    with db.reading(made) as session:
        names = dict(session.execute(select(User.id, User.name)).all())
    made.dispose()
    assert first == again != other
    assert names == {first: "a.devries@gemeente.nl", other: "a.devries@gemeente.nl-2"}


def test_two_first_logins_of_one_person_at_once_make_one_user(
    postgres_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    both_looked = threading.Barrier(2, timeout=20)
    choose = identities.unique_name

    def at_once(session: Any, wanted: str) -> str:  # both have found no identity yet
        both_looked.wait()
        return choose(session, wanted)

    monkeypatch.setattr(identities, "unique_name", at_once)
    got: list[int] = []
    failed: list[BaseException] = []

    def one_login() -> None:
        try:
            got.append(log_in(postgres_engine, CLAIMS))
        except BaseException as exc:  # reported by the assertion below
            failed.append(exc)

    tabs = [threading.Thread(target=one_login) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(60)
    assert failed == []
    assert len(got) == 2 and got[0] == got[1]
    with db.reading(postgres_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(func.count()).select_from(Identity)) == 1
        made = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "gebruiker-aangemaakt")
        ).all()
    assert len(made) == 1
