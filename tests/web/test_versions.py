"""Nothing is lost: every save is a version, a stale one is refused and kept, a restore is a new
version; and the store that holds the contents."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from jaarverslag.web import db, versions
from jaarverslag.web.models import AuditEntry, Rapport, User
from jaarverslag.web.store import Store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The werkplek's database: SQLite, and PostgreSQL (``--database``) as issue 25 uses it."""
    url = (
        db.default_url(tmp_path)
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    made = db.engine(url)
    db.migrate(made)
    with db.writing(made) as session:
        session.add(User(id=1, name="anna"))
        session.add(User(id=2, name="bram"))
        session.flush()
        session.add(Rapport(id=1, name="r", created_by=1))
    yield made
    made.dispose()


def save(
    engine: Engine, store: Store, content: bytes, user: int = 1, **headers: str
) -> versions.Saved:
    digest = store.put(content)
    with db.writing(engine) as session:
        return versions.save(session, 1, "teksten/a.md", digest, len(content), user, **headers)


def test_saves_deletes_and_restores_are_versions(engine: Engine, tmp_path: Path) -> None:
    store = Store(tmp_path / "inhoud")
    first = save(engine, store, b"een\n")
    assert first.outcome == "nieuw"
    assert save(engine, store, b"een\n").outcome == "ongewijzigd"
    second = save(engine, store, b"twee\n", if_match=versions.etag(first.version))
    assert second.outcome == "gewijzigd"
    with db.writing(engine) as session:
        gone = versions.delete(session, 1, "teksten/a.md", 1)
        assert gone is not None and gone.outcome == "verwijderd"
        assert versions.current(session, 1) == {}
        assert versions.delete(session, 1, "teksten/a.md", 1) is None
        old = versions.find(session, 1, first.version.id)  # type: ignore[union-attr]
        assert old is not None
        back = versions.restore(session, 1, old, 2)
        assert versions.snapshot(session, 1) == {"teksten/a.md": store.put(b"een\n")}
        kinds = [v.kind for v in versions.history(session, 1)]
        assert kinds == ["hersteld", "verwijderd", "opgeslagen", "opgeslagen"]
        assert back.restored_from == first.version.id  # type: ignore[union-attr]


def test_a_stale_save_is_kept_but_never_current(engine: Engine, tmp_path: Path) -> None:
    store = Store(tmp_path / "inhoud")
    read = versions.etag(save(engine, store, b"een\n").version)
    assert read is not None
    assert save(engine, store, b"twee\n", user=2, if_match=read).outcome == "gewijzigd"
    stale = save(engine, store, b"drie\n", if_match=read)
    assert stale.outcome == "conflict"
    assert stale.version is not None and stale.version.kind == "conflict"
    assert stale.current is not None and stale.current.user_id == 2
    with db.reading(engine) as session:
        now = versions.current(session, 1)["teksten/a.md"]
        assert store.get(now.digest or "") == b"twee\n"
        assert store.get(stale.version.digest or "") == b"drie\n"
    assert save(engine, store, b"vier\n", if_match="*").outcome == "gewijzigd"
    assert save(engine, store, b"vijf\n", if_none_match="*").outcome == "conflict"
    assert save(engine, store, b"zes\n", if_match='"x"').outcome == "conflict"


def test_writers_take_turns(engine: Engine, tmp_path: Path) -> None:
    """Ten colleagues save on the same version at once: one wins, nine are kept as conflicts."""
    store = Store(tmp_path / "inhoud")
    read = versions.etag(save(engine, store, b"begin\n").version)
    outcomes: list[str] = []

    def one(number: int) -> None:
        outcomes.append(save(engine, store, f"{number}\n".encode(), if_match=read or "").outcome)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 9 + ["gewijzigd"]
    with db.reading(engine) as session:
        assert len(versions.history(session, 1)) == 11


def test_the_audit_log_can_only_grow(engine: Engine) -> None:
    with db.writing(engine) as session:
        session.add(AuditEntry(action="backup", details={}))
    for statement in ("UPDATE audit SET action = 'x'", "DELETE FROM audit"):
        refused = pytest.raises(DBAPIError, match="het auditlog kan alleen aangevuld worden")
        with refused, db.writing(engine) as session:
            session.execute(text(statement))


def test_a_folder_is_materialised_exactly(tmp_path: Path) -> None:
    store = Store(tmp_path / "inhoud")
    folder = tmp_path / "werk" / "r"
    store.materialise({"rapport.yaml": store.put(b"a"), "teksten/x.md": store.put(b"x")}, folder)
    (folder / "teksten" / "vreemd.md").write_bytes(b"iets")
    (folder / "weg").mkdir()
    store.materialise(
        {"rapport.yaml": store.put(b"b"), "templates/t.html": store.put(b"t")}, folder
    )
    found = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert found == {"rapport.yaml": b"b", "templates/t.html": b"t"}
    assert sorted(p.name for p in folder.iterdir()) == ["rapport.yaml", "templates"]
    assert sorted(store.all()) == sorted(
        {store.put(b"a"), store.put(b"b"), store.put(b"x"), store.put(b"t")}
    )
