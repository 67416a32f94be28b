"""``jaarverslag web backup`` while the server runs and colleagues keep saving, and ``restore``
into a new werkplek that starts and holds exactly what the backup saw."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import httpx
import pytest
from support.werkplek import Werkplek, command

pytestmark = pytest.mark.slow


def test_a_backup_made_while_saving_restores_whole(tmp_path: Path) -> None:
    with Werkplek(tmp_path / "wp") as original:
        original.user("anna")
        token = original.token("anna")
        api = httpx.Client(
            base_url=original.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        assert api.post("/api/rapporten", json={"naam": "druk", "excel": False}).status_code == 201
        stop = threading.Event()
        saved: list[int] = []

        def keep_saving() -> None:
            number = 0
            while not stop.is_set():
                number += 1
                answer = api.put(
                    f"/api/rapporten/druk/bestanden/teksten/t{number % 5}.md",
                    content=f"versie {number}\n".encode(),
                )
                assert answer.status_code in (200, 201), answer.text
                saved.append(answer.json()["bestand"]["versie"])

        writer = threading.Thread(target=keep_saving)
        writer.start()
        try:
            while len(saved) < 3:
                threading.Event().wait(0.05)
            done = command("backup", str(tmp_path / "wp"), str(tmp_path / "backup.zip"))
            after = len(saved)
            while len(saved) < after + 3:  # and saving goes on after it
                threading.Event().wait(0.05)
        finally:
            stop.set()
            writer.join()
        assert done.returncode == 0, done.stderr
        assert "backup.zip: backup van" in done.stderr
        history = api.get("/api/rapporten/druk/versies").json()["versies"]
        api.close()
        code, said = original.stop()
    assert code in (0, 130) and "Traceback" not in said
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["soort"] == "jaarverslag-werkplek-backup" and manifest["revisie"] == "0003"
    kept = manifest["tabellen"]["versions"]
    assert 3 <= kept < len(history)  # a moment while saving went on
    restored = command("restore", str(tmp_path / "backup.zip"), str(tmp_path / "terug"))
    assert restored.returncode == 0, restored.stderr
    again = command("restore", str(tmp_path / "backup.zip"), str(tmp_path / "terug"))
    assert again.returncode == 1 and "bestaat al en is niet leeg" in again.stderr
    bearer = {"Authorization": f"Bearer {token}"}
    with (
        Werkplek(tmp_path / "terug") as back,
        httpx.Client(base_url=back.url, headers=bearer, timeout=120) as api,
    ):
        versions = api.get("/api/rapporten/druk/versies").json()["versies"]
        assert len(versions) == kept
        by_id = {v["versie"]: v for v in history}
        for version in versions:
            assert {k: v for k, v in version.items() if k != "huidig"} == {
                k: v for k, v in by_id[version["versie"]].items() if k != "huidig"
            }
            content = api.get(f"/api/rapporten/druk/versies/{version['versie']}").content
            if version["sha256"]:
                import hashlib

                assert hashlib.sha256(content).hexdigest() == version["sha256"]
        assert api.get("/api/rapporten/druk/controle").json()["ok"] is True


def test_a_backup_of_no_werkplek_and_a_restore_of_no_backup(tmp_path: Path) -> None:
    done = command("backup", str(tmp_path / "nergens"), str(tmp_path / "b.zip"))
    assert done.returncode == 1 and "is geen werkplek" in done.stderr
    (tmp_path / "geen.zip").write_bytes(b"geen zip")
    done = command("restore", str(tmp_path / "geen.zip"), str(tmp_path / "nieuw"))
    assert done.returncode == 1 and "is geen backup van een werkplek" in done.stderr


def test_a_backup_of_sqlite_restores_into_postgresql(tmp_path: Path, postgres_url: str) -> None:
    """A backup is data, not a database file: IT can move a werkplek to PostgreSQL with it."""
    from jaarverslag.web import admin, db, versions
    from jaarverslag.web.backup import backup, restore
    from jaarverslag.web.models import Rapport, User
    from jaarverslag.web.settings import Settings
    from jaarverslag.web.store import Store

    source = Settings(data=tmp_path / "wp")
    assert admin.add_user(source, "anna", True, "een-lang-wachtwoord") == 0
    made = db.engine(source.url)
    with db.writing(made) as session:
        anna = session.query(User).one()
        rapport = Rapport(name="verhuisd", created_by=anna.id)
        session.add(rapport)
        session.flush()
        digest = Store(source.store).put(b"titel: x\n")
        versions.save(session, rapport.id, "rapport.yaml", digest, 9, anna.id)
    made.dispose()
    assert backup(source, tmp_path / "b.zip") == 0
    target = Settings(data=tmp_path / "pg", database=postgres_url)
    assert restore(target, tmp_path / "b.zip") == 0
    moved = db.engine(postgres_url)
    with db.writing(moved) as session:
        rapport = session.query(Rapport).one()
        assert versions.snapshot(session, rapport.id) == {"rapport.yaml": digest}
        session.add(Rapport(name="daarna", created_by=rapport.created_by))  # the ids go on
    moved.dispose()
    assert Store(target.store).get(digest) == b"titel: x\n"
