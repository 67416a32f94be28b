"""Nothing is lost: every save is a version, a stale one is refused and kept, a restore is a new
version; and the store that holds the contents."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session as DbSession

from jaarverslag.web import db, versions
from jaarverslag.web.models import AuditEntry, Rapport, User, Version
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
        kinds = [v.kind for v in versions.history(session, 1).rows]
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
        assert len(versions.history(session, 1).rows) == 11


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


def naive_heads(session: DbSession, rapport: int) -> dict[str, int]:
    """Each path's current version as the history says it: its newest that is not a conflict."""
    heads: dict[str, int] = {}
    for version in versions.history(session, rapport, limit=10**6).rows:  # newest first
        if version.kind != "conflict":
            heads.setdefault(version.path, version.id)
    return heads


PATHS = ("teksten/a.md", "teksten/b.md", "rapport.yaml")
STEP = st.tuples(
    st.sampled_from(["save", "stale", "new-only", "delete", "restore"]),
    st.sampled_from(PATHS),
    st.integers(0, 3),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=25))
def test_what_a_rapport_holds_now_is_what_its_history_says(steps: list[Any]) -> None:
    """Whatever saves, stale saves, deletions and restores come in whatever order, the files a
    rapport holds now (kept per path as they happen) are the newest version of each path that is
    not a kept conflict — as the whole history says."""
    with tempfile.TemporaryDirectory() as folder:
        made = db.engine(db.default_url(Path(folder)))
        db.migrate(made)
        try:
            with db.writing(made) as session:
                session.add(User(id=1, name="anna"))
                session.flush()
                session.add(Rapport(id=1, name="r", created_by=1))
            for kind, path, number in steps:
                digest = f"{number:064x}"
                with db.writing(made) as session:
                    if kind == "save":
                        versions.save(session, 1, path, digest, 1, 1)
                    elif kind == "stale":
                        versions.save(session, 1, path, digest, 1, 1, if_match='"oud"')
                    elif kind == "new-only":
                        versions.save(session, 1, path, digest, 1, 1, if_none_match="*")
                    elif kind == "delete":
                        versions.delete(session, 1, path, 1)
                    else:
                        history = versions.history(session, 1, limit=10**6).rows
                        if history:  # any of them: a conflict and a deletion too
                            versions.restore(session, 1, history[number % len(history)], 1)
                with db.reading(made) as session:
                    heads = naive_heads(session, 1)
                    now = {p: session.get(Version, i) for p, i in heads.items()}
                    assert {p: v.id for p, v in versions.current(session, 1).items()} == {
                        p: v.id for p, v in now.items() if v is not None and v.digest
                    }
                    assert versions.snapshot(session, 1) == {
                        p: v.digest for p, v in now.items() if v is not None and v.digest
                    }
                    for p in PATHS:
                        found = versions.latest(session, 1, p)
                        assert (found.id if found else None) == heads.get(p)
        finally:
            made.dispose()


def test_asking_what_a_rapport_holds_costs_the_same_after_a_long_history(
    engine: Engine, tmp_path: Path
) -> None:
    """A rapport's files now are asked on every save and preview, on the server's event loop:
    with 20,000 versions behind them that may cost no more than with 20 (it did: the newest
    version of each path was searched among them all, 5 ms per 10,000)."""
    with db.writing(engine) as session:
        session.add(Rapport(id=2, name="lang", created_by=1))
        session.flush()
        history = [  # the long past, written at once
            {"rapport_id": 2, "path": PATHS[n % 3], "digest": f"{n:064x}", "size": 1,
             "user_id": 1, "kind": "opgeslagen"}
            for n in range(19_980)
        ]  # fmt: skip
        session.execute(insert(Version), history)
    for rapport in (1, 2):
        with db.writing(engine) as session:
            for n in range(20):
                versions.save(session, rapport, PATHS[n % 3], f"{n + 1:063x}f", 1, 1)

    def cost(rapport: int) -> float:
        with db.reading(engine) as session:
            times = []
            for _ in range(30):
                started = time.perf_counter()
                versions.as_now(session, rapport)
                versions.latest(session, rapport, PATHS[0])
                times.append(time.perf_counter() - started)
            return min(times)

    with db.reading(engine) as session:
        assert (
            session.scalar(select(func.count()).where(Version.rapport_id == 2)) == 20_000
            and len(versions.snapshot(session, 2)) == 3
        )
    short, long = min(cost(1) for _ in range(3)), min(cost(2) for _ in range(3))
    assert long < 2 * short, (
        f"{long * 1000:.2f} ms with 20,000 versions, {short * 1000:.2f} with 20"
    )
