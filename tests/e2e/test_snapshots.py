"""Golden snapshots: the HTML and the open data of every example, byte for byte.

Each example under ``data/`` is built with ``jaarverslag build -f html`` (a fresh process, no
``SOURCE_DATE_EPOCH``, no chart cache) and every file of its output folder except the marker
``.jaarverslag`` is compared with ``tests/snapshots/<example>/``. A difference fails with a
unified diff. When a change of the output is intended, ``make snapshots`` rewrites the snapshots
and the change is reviewed in ``git diff tests/snapshots``.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.helpers import DATA, SNAPSHOTS, examples, sample

MARKER = ".jaarverslag"
MAX_DIFF_LINES = 200


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` except the build marker, by POSIX path relative to it."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def _build_html(name: str, out: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["JAARVERSLAG_CACHE_DIR"] = ""
    command = ["build", str(DATA / name), "-o", str(out), "-f", "html"]
    for gemeente in sample(name) or ():  # a reeks: the gemeenten of the tests' sample
        command += ["--gemeente", gemeente]
    done = subprocess.run(
        [sys.executable, "-m", "jaarverslag", *command],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out / name


def _diff(path: str, expected: bytes | None, actual: bytes | None) -> str:
    if expected is None:
        return f"{path}: new file, not in the snapshot"
    if actual is None:
        return f"{path}: in the snapshot, no longer built"
    lines = list(
        difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            actual.decode("utf-8", "replace").splitlines(keepends=True),
            fromfile=f"tests/snapshots/{path}",
            tofile=f"built/{path}",
        )
    )
    if not lines:  # the bytes differ, the decoded lines don't (line endings, invalid UTF-8)
        return f"{path}: differs in bytes the text diff does not show (line endings, encoding)"
    if len(lines) > MAX_DIFF_LINES:
        rest = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"… {rest} more diff lines\n"]
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@pytest.mark.parametrize("name", examples())
def test_html_and_open_data_equal_the_snapshot(name, tmp_path, update_snapshots):
    folder = _build_html(name, tmp_path)
    actual = _files(folder)
    snapshot = SNAPSHOTS / name
    if update_snapshots:
        shutil.rmtree(snapshot, ignore_errors=True)
        for path, content in actual.items():
            (snapshot / path).parent.mkdir(parents=True, exist_ok=True)
            (snapshot / path).write_bytes(content)
        return
    expected = _files(snapshot)
    differ = [
        _diff(f"{name}/{path}", expected.get(path), actual.get(path))
        for path in sorted(expected.keys() | actual.keys())
        if expected.get(path) != actual.get(path)
    ]
    if differ:
        pytest.fail(
            f"the output of data/{name} differs from tests/snapshots/{name}/; if the change is "
            "intended, run `make snapshots` and review `git diff tests/snapshots`\n\n"
            + "\n".join(differ),
            pytrace=False,
        )


def test_every_snapshot_is_of_an_example(update_snapshots):
    stale = sorted({p.name for p in SNAPSHOTS.iterdir() if p.is_dir()} - set(examples()))
    if update_snapshots:
        for name in stale:
            shutil.rmtree(SNAPSHOTS / name)
        return
    assert not stale, f"snapshots of examples that are gone (run `make snapshots`): {stale}"
