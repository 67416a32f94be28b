"""The load of ``make bench`` (``bench/bench_werkplek.py``) in small: ten colleagues for fifteen
seconds against a real ``jaarverslag web`` — logging in, editing with the preview, saving,
uploading the workbook and building PDFs at once — with no error and nothing lost. The
figures themselves are for the bench (this machine is shared); here only what must hold under
any load."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from support.helpers import ROOT

pytestmark = pytest.mark.slow


def test_ten_colleagues_at_once_lose_nothing(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_werkplek
    finally:
        sys.path.remove(str(ROOT / "bench"))
    result = bench_werkplek.load(10, 15, drain=90, edit=3, upload=8, build=10, folder=tmp_path)
    assert result["errors"] == 0, result["error_examples"]
    assert result["lost"] == 0
    assert result["save_ms"]["n"] >= 10 and result["preview_ms"]["n"] >= 10
    assert result["upload_ms"]["n"] >= 1
    assert result["build_wait_s"]["n"] >= 1  # builds finished, their wait measured
    assert result["server_rss_mb"]["peak"] > 0 and result["pool_rss_mb"]["peak"] > 0
    cores = result["cores"]  # who used the machine: each part did work, none more than it has
    assert set(cores) == {"server", "checks", "builds", "clients", "machine_busy_share"}
    assert all(cores[part] > 0 for part in ("server", "checks", "builds", "clients")), cores
    assert cores["server"] <= 1.2 and 0 < cores["machine_busy_share"] <= 1, cores
    assert "machine busy" in bench_werkplek.as_row(result)


def test_a_save_after_its_preview_is_not_checked_twice(
    anna: httpx.Client, beheer: httpx.Client, rapport: str
) -> None:
    """The preview of a text already says what ``check`` says of the rapport with it; the save
    of that same text then answers those messages without another job in the queue."""
    text = "# Inleiding\n\nHet aantal P-banen groeide.\n"
    shown = anna.post(
        f"/api/rapporten/{rapport}/voorbeeld", json={"concepten": {"teksten/inleiding.md": text}}
    )
    assert shown.status_code == 200 and shown.json()["ok"] is True
    done = beheer.get("/api/wachtrij").json()["controle"]["klaar"]
    saved = anna.put(f"/api/rapporten/{rapport}/bestanden/teksten/inleiding.md", content=text)
    assert saved.status_code == 200
    assert saved.json()["controle"]["ok"] is True
    assert saved.json()["controle"]["meldingen"] == shown.json()["meldingen"]
    assert beheer.get("/api/wachtrij").json()["controle"]["klaar"] == done  # no second job
    again = anna.get(f"/api/rapporten/{rapport}/controle").json()
    assert again["meldingen"] == saved.json()["controle"]["meldingen"]
