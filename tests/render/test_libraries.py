"""WeasyPrint imported with its C libraries looked up from ldconfig's cache: the same
libraries, without running ``gcc`` and ``ld`` for every name that isn't this platform's."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jaarverslag.render import libraries

SRC = Path(__file__).resolve().parents[2] / "src"

#: In a fresh interpreter: count the programs started while WeasyPrint is imported, and list
#: the libraries of WeasyPrint's that end up in the process.
PROBE = textwrap.dedent(
    """
    import json, subprocess, sys
    started = []
    original = subprocess.Popen.__init__
    def counting(self, args, *a, **k):
        started.append(args[0] if isinstance(args, (list, tuple)) else args)
        return original(self, args, *a, **k)
    subprocess.Popen.__init__ = counting
    if sys.argv[1] == "quick":
        from jaarverslag.render.libraries import load_weasyprint
        load_weasyprint()
    else:
        import weasyprint
    import weasyprint.text.ffi
    wanted = ("gobject", "pango", "harfbuzz", "fontconfig")
    with open("/proc/self/maps") as maps:
        opened = sorted({line.split()[-1] for line in maps if ".so" in line
                         and any(w in line for w in wanted)})
    print(json.dumps({"started": started, "opened": opened}))
    """
)


def probe(how: str) -> dict[str, list[str]]:
    import json

    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, how], capture_output=True, text=True, env=env, check=True
    )
    found: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


needs_ldconfig = pytest.mark.skipif(
    not libraries.lookup_from(libraries.ldconfig_sonames()),
    reason="no ldconfig cache that lists WeasyPrint's libraries on this machine",
)


@needs_ldconfig
def test_the_same_libraries_are_opened_with_one_program_run_instead_of_dozens() -> None:
    plain, quick = probe("plain"), probe("quick")
    assert quick["opened"] == plain["opened"]
    assert any("libpango" in path for path in quick["opened"])
    assert len(plain["started"]) > 10  # ldconfig, gcc and ld for the names of other platforms
    assert len(quick["started"]) == 1 and quick["started"][0].endswith("ldconfig")


@needs_ldconfig
def test_a_name_is_answered_as_find_library_answers_it() -> None:
    find = libraries.lookup_from(libraries.ldconfig_sonames())
    assert find is not None
    for name in (*libraries.NEEDED, "harfbuzz-subset", "c", "m"):
        assert find(name) == ctypes.util.find_library(name), name
    assert find("gobject-2.0-0") is None and find("libgobject-2.0-0") is None


def test_without_every_needed_library_the_lookup_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert libraries.lookup_from(["libgobject-2.0.so.0", "libpango-1.0.so.0"]) is None
    assert libraries.lookup_from([]) is None
    monkeypatch.setattr(libraries, "ldconfig_sonames", list)
    original = ctypes.util.find_library
    with libraries.quick_lookup():
        assert ctypes.util.find_library is original
    everything = [f"lib{name}.so.0" for name in libraries.NEEDED]
    monkeypatch.setattr(libraries, "ldconfig_sonames", lambda: everything)
    with libraries.quick_lookup():
        assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"
        assert ctypes.util.find_library("pango-1.0-0") is None
    assert ctypes.util.find_library is original
