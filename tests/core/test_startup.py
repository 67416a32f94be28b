"""Start-up: the heavy imports run without the garbage collector, which is on again after."""

from __future__ import annotations

import gc
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from support.commands import SRC
from support.commands import probe as run_probe

from jaarverslag.core.startup import quiet_imports


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    assert gc.isenabled()
    with quiet_imports():
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with quiet_imports():
            raise ValueError("a failed import")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        with quiet_imports():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_build_imports_without_collections_and_pydantic_reads_no_plugins() -> None:
    """In a fresh interpreter: importing the stages sets off no collection, and pydantic's
    plugins (found by reading every installed package's metadata) are not looked for."""
    probe = (
        "import gc, os, sys\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(phase))\n"
        "from jaarverslag.core.startup import quiet_imports\n"
        "runs.clear()\n"
        "with quiet_imports():\n"
        "    import jaarverslag.build.stages\n"
        "print(len(runs), os.environ.get('PYDANTIC_DISABLE_PLUGINS'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PYTHONPATH"] = str(SRC)
    assert run_probe(probe, env).split() == ["0", "__all__"]
    kept = run_probe(probe, {**env, "PYDANTIC_DISABLE_PLUGINS": "logfire"})
    assert kept.split() == ["0", "logfire"]  # whoever set it keeps their choice


def test_only_the_first_start_up_is_frozen() -> None:
    """A worker builds rapport after rapport: what a build leaves must stay collectable, so
    only the first use in a process freezes anything."""
    probe = (
        "import gc\n"
        "from jaarverslag.core.startup import quiet_imports\n"
        "with quiet_imports():\n"
        "    import json\n"
        "first = gc.get_freeze_count()\n"
        "garbage = [[] for _ in range(1000)]\n"
        "for item in garbage:\n"
        "    item.append(item)  # cycles: only a collection frees them\n"
        "del garbage, item\n"
        "with quiet_imports():\n"
        "    import csv\n"
        "print(first > 0, gc.get_freeze_count() == first)\n"
    )
    assert run_probe(probe).split() == ["True", "True"]


def test_a_server_freezes_its_start_up_and_still_collects_its_garbage() -> None:
    """``serving``: what lives at the start is out of the collector's sight (a collection of
    the oldest generation walked the werkplek's whole heap, 0.1–0.25 s of every request's
    time); the cycles requests leave later are still collected."""
    probe = (
        "import gc\n"
        "from jaarverslag.core.startup import serving\n"
        "kept = [[i] for i in range(200_000)]  # the application, long-lived\n"
        "serving()\n"
        "frozen = gc.get_freeze_count()\n"
        "garbage = [[] for _ in range(1000)]\n"
        "for item in garbage:\n"
        "    item.append(item)  # cycles: only a collection frees them\n"
        "del garbage, item\n"
        "print(frozen > 200_000, gc.get_threshold(), gc.collect() >= 1000)\n"
    )
    assert run_probe(probe).split() == ["True", "(7000,", "10,", "100)", "True"]


def test_the_werkplek_sets_up_the_collector_once_its_application_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    import jaarverslag.web.app as app_module  # serve imports create_app from here when it runs
    from jaarverslag.core import startup
    from jaarverslag.web import admin
    from jaarverslag.web.settings import Settings

    steps: list[str] = []
    real = app_module.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        steps.append("app")
        return real(*args, **kwargs)

    def run(_server: Any, sockets: list[socket.socket]) -> None:
        steps.append("run")
        for sock in sockets:
            sock.close()

    monkeypatch.setattr(app_module, "create_app", create_app)
    monkeypatch.setattr(startup, "serving", lambda: steps.append("collector"))
    monkeypatch.setattr(uvicorn.Server, "run", run)
    assert admin.serve(Settings(data=tmp_path / "data"), "127.0.0.1", 0) == 0
    assert steps == ["app", "collector", "run"]
