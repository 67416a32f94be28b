"""Builds that outlive a stop: one that was waiting or running when the werkplek stopped is
queued again when it starts, and made from the files it was asked for."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jaarverslag.web import admin, db, versions
from jaarverslag.web.app import create_app
from jaarverslag.web.models import Build, Member, Rapport, User
from jaarverslag.web.settings import Settings
from jaarverslag.web.store import Store

pytestmark = pytest.mark.slow

YAML = b"titel: Na de herstart\norganisatie: Gemeente Test\nsoort: jaarverslag\njaar: 2017\n"
INDICATOREN = b"id,indicator,jaar,soort,waarde\np,P-banen,2017,realisatie,400\n"


def test_a_build_interrupted_by_a_stop_is_made_after_the_start(tmp_path: Path) -> None:
    settings = Settings(data=tmp_path / "wp")
    assert admin.add_user(settings, "anna", False, "een-lang-wachtwoord") == 0
    store = Store(settings.store)
    made = db.engine(settings.url)
    with db.writing(made) as session:
        anna = session.query(User).one()
        session.add(Rapport(id=1, name="herstart", created_by=anna.id))
        session.flush()
        session.add(Member(rapport_id=1, user_id=anna.id, role="schrijver"))
        for path, content in (("rapport.yaml", YAML), ("indicatoren.csv", INDICATOREN)):
            versions.save(session, 1, path, store.put(content), len(content), anna.id)
        inputs = versions.snapshot(session, 1)
        # the rapport changed after the build was asked for: the build keeps what it was given
        versions.save(session, 1, "indicatoren.csv", store.put(b"kapot"), 5, anna.id)
        session.add(
            Build(
                id=7, rapport_id=1, user_id=anna.id, formats=["html"], inputs=inputs, state="bezig"
            )
        )
    made.dispose()
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 120
        while True:
            with db.reading(made) as session:
                build = session.get(Build, 7)
                assert build is not None
                if build.state in ("klaar", "mislukt"):
                    break
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert build.state == "klaar", build.messages
        paths = {f["pad"]: f["sha256"] for f in build.files}
        assert sorted(paths) == [
            "herstart.html",
            "tabellen/csv-metadata.json",
            "tabellen/indicatoren.csv",
        ]
        table = store.get(paths["tabellen/indicatoren.csv"]).decode()
        assert "400" in table
    made.dispose()
