"""The commands fuzzed as an attacker would (issue 22, item 11): mutated workbooks, Word
documents, ``rapport.yaml`` and texts — template syntax among the mutations — fed to ``check``,
``build``, ``insert``, ``serve`` and ``new``, each run as the command line runs it, in a process
of its own under a memory cap and a timeout.

Counted for every run: a traceback or "interne fout" (the target is none), a hang (killed at
the timeout), and memory (the child's peak above the test process it was forked from). Each
command runs in a child forked from this process, which has the libraries imported already, so
an example costs a fraction of a fresh ``python -m jaarverslag``; Hypothesis draws the
mutations (derandomised in CI, ``FUZZ_COMMANDS`` examples; more at a desk with a larger number).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import resource
import signal
import sys
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from support.helpers import MINIMAL_YAML, write_rapport
from support.hostile import INDICATOR_ROWS, word_document, workbook

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="fork"),
    # the drawn files are large; a failing case is kept on disk (Case.keep), not printed
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

EXAMPLES = int(os.environ.get("FUZZ_COMMANDS", "10"))
TIMEOUT = 120.0  #: a command still running after this is a hang
MEMORY = 2048 * 1024 * 1024  #: what a command may grow by (its address space)
PEAK_MB = 1200  #: what a command may really use above the process it was forked from
INTERNAL = ("Traceback", "interne fout")

YAML = (
    MINIMAL_YAML
    + "secties:\n  - titel: Inleiding\n    tekst: teksten/x.md\n    inhoud: [indicatoren]\n"
)
TEXT = (
    "# Inleiding\n\nIn 2017 waren er {{ realisatie('p', 2017) }} P-banen, "
    "{{ procent_van_doel('p', 2017) }} van het doel.\n\n- een punt\n- {{ conclusies() }}\n"
)
SEEDS: dict[str, bytes] = {
    "rapport.yaml": YAML.encode(),
    "teksten/x.md": TEXT.encode(),
    "indicatoren.xlsx": workbook(INDICATOR_ROWS),
    "huisstijl.docx": word_document("Stijl"),
}
DOCUMENT = word_document("Inleiding", "Participatie", "Slot")

#: What a careless or hostile hand types into a text, YAML or XML.
FRAGMENTS = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "{% for i in range(99999) %}",
    "{% endfor %}",
    "{{ 'woord ' * 166000 }}",
    "{% include 'x' %}",
    "{% extends 'x.md' %}",
    "{% import 'x' as y %}",
    "{{ realisatie('p', 2017) }}",
    "{{ doel('q', 1999) }}",
    "{{ ''.__class__ }}",
    "{{ (10**1000)**1000 }}",
    "{{ 'x'|center(10**9) }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "\x00",
    "\ufeff",
    "\u200b",
    "\r",
    "\t",
    "&a ",
    "*a ",
    ": :",
    "- [",
    "!!python/object:os.system",
    "'",
    '"',
    "![x](../../etc/passwd)",
    "<script>alert(1)</script>",
    "a" * 12_000,
    "#" * 30,
    ">" * 40,
    "-1e999",
    "2023-02-30",
    "<!DOCTYPE x [<!ENTITY e 'x'>]>",
    "&e;",
    "<",
    "</",
    "]]>",
]


@st.composite
def mutated_text(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few edits: a fragment put in, a piece deleted or doubled, a byte
    changed."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["insert", "insert", "delete", "double", "byte"]))
        if how == "insert":
            data = data[:at] + draw(st.sampled_from(FRAGMENTS)).encode() + data[at:]
        elif how == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 50)) :]
        elif how == "double":
            data = data[:at] + data[at : at + 40] * draw(st.integers(2, 50)) + data[at:]
        elif data:
            spot = min(at, len(data) - 1)
            data = data[:spot] + bytes([draw(st.integers(0, 255))]) + data[spot + 1 :]
    return data


@st.composite
def mutated_zip(draw: st.DrawFn, data: bytes) -> bytes:
    """A zipped Office file with one part's XML edited, or its raw bytes damaged."""
    how = draw(st.sampled_from(["part", "part", "raw", "truncate"]))
    if how == "raw":
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    chosen = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            content = source.read(name)
            if name == chosen:
                content = draw(mutated_text(content))
            target.writestr(name, content)
    return out.getvalue()


class Case:
    """A rapport folder and the user's Word document, one or two of them mutated."""

    def __init__(self, files: dict[str, bytes], document: bytes, mutated: tuple[str, ...]) -> None:
        self.files, self.document, self.mutated = files, document, mutated

    def __repr__(self) -> str:  # the bytes are kept on disk when a case fails
        return f"Case(mutated={self.mutated}, sha256={self.digest})"

    @property
    def digest(self) -> str:
        content = repr(sorted(self.files.items())).encode() + self.document
        return hashlib.sha256(content).hexdigest()[:12]

    def keep(self, runs: list[Ran]) -> Path:
        """Write the case where it can be run again by hand: the folder, the document and what
        each command said."""
        folder = Path(tempfile.gettempdir()) / "jaarverslag-fuzz" / self.digest
        write_rapport(folder / "r", dict(self.files))
        (folder / "eigen.docx").write_bytes(self.document)
        for ran in runs:
            (folder / f"{ran.command}.txt").write_text(ran.text, encoding="utf-8")
        return folder


@st.composite
def fuzzed(draw: st.DrawFn) -> Case:
    files = dict(SEEDS)
    document = DOCUMENT
    targets = draw(
        st.lists(st.sampled_from([*SEEDS, "document"]), min_size=1, max_size=2, unique=True)
    )
    for target in targets:
        if target == "document":
            document = draw(mutated_zip(document))
        elif target.endswith((".xlsx", ".docx")):
            files[target] = draw(mutated_zip(files[target]))
        else:
            files[target] = draw(mutated_text(files[target]))
    return Case(files, document, tuple(targets))


@dataclass
class Ran:
    command: str
    code: int | None
    text: str
    seconds: float
    grew_mb: float

    @property
    def verdict(self) -> str | None:
        """What is wrong with this run (None: a clean success or a clean message)."""
        if self.code is None:
            return f"hangt (na {self.seconds:.0f} s gestopt)"
        found = [marker for marker in INTERNAL if marker in self.text]
        if found:
            at = self.text.index(found[0])
            return f"{found[0]}: …{self.text[max(0, at - 300) : at + 300]}…"
        if self.code not in (0, 1, 130):
            return f"afgebroken met status {self.code}"
        if self.grew_mb > PEAK_MB:
            return f"{self.grew_mb:.0f} MB geheugen"
        return None


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def forked(args: list[str], cwd: Path, serve: bool = False) -> Ran:
    """Run ``jaarverslag ARGS`` as the console command does, in a forked child under the caps;
    for ``serve``, fetch its page once it listens, then Ctrl-C it."""
    from jaarverslag.core.limits import in_use

    with tempfile.TemporaryFile() as output:
        start = time.monotonic()
        before = _rss_mb()
        pid = os.fork()
        if pid == 0:  # the child: the command, as `jaarverslag` runs it
            code = 99
            try:
                os.setsid()
                os.dup2(output.fileno(), 1)
                os.dup2(output.fileno(), 2)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                limit = (in_use() or 0) + MEMORY
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                signal.signal(signal.SIGINT, signal.default_int_handler)
                os.chdir(cwd)
                sys.argv = ["jaarverslag", *args]
                from jaarverslag.cli import run

                run()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        page = _serve_page(output, pid) if serve else ""
        status, usage = _wait(pid, start)
        output.seek(0)
        text = output.read().decode("utf-8", "replace") + page
    code = None if status is None else os.waitstatus_to_exitcode(status)
    grew = max(0.0, usage.ru_maxrss / 1024 - before) if usage is not None else 0.0
    return Ran(" ".join(args[:1]), code, text, time.monotonic() - start, grew)


def _wait(pid: int, start: float) -> tuple[int | None, resource.struct_rusage | None]:
    while time.monotonic() - start < TIMEOUT:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.05)
    os.killpg(pid, signal.SIGKILL)
    os.wait4(pid, 0)
    return None, None


def _serve_page(output: object, pid: int) -> str:
    """The page of a serving child (and its Ctrl-C); what went wrong, as text."""
    deadline = time.monotonic() + TIMEOUT / 2
    url = None
    while time.monotonic() < deadline and url is None:
        output.seek(0)  # type: ignore[attr-defined]
        found = re.search(rb"voorbeeld op (http://\S+)", output.read())  # type: ignore[attr-defined]
        url = found.group(1).decode() if found else None
        if url is None:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return ""  # it ended by itself (a message, or a bug the output shows)
            time.sleep(0.1)
    page = ""
    if url is not None:
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                page = answer.read().decode("utf-8", "replace")
        except OSError as exc:
            page = f"\n(de pagina kwam niet: {exc})"
    os.killpg(pid, signal.SIGINT)
    return page


@pytest.fixture(scope="module", autouse=True)
def warm() -> None:
    """The libraries the commands load, imported once here: every child starts with them."""
    import docx  # noqa: F401
    import openpyxl  # noqa: F401
    import pandas  # noqa: F401
    import weasyprint  # noqa: F401

    import jaarverslag.build.pipeline
    import jaarverslag.commands.insert
    import jaarverslag.serve  # noqa: F401


RUNS: list[Ran] = []


@pytest.fixture(scope="module", autouse=True)
def tally() -> object:
    """After the fuzzing, what it counted (shown with ``pytest -s``)."""
    yield
    commands = sorted({r.command for r in RUNS})
    for command in commands:
        runs = [r for r in RUNS if r.command == command]
        codes = sorted({r.code for r in runs}, key=str)
        print(
            f"\nfuzz {command}: {len(runs)} runs, exit {codes}, "
            f"{sum(r.verdict is not None for r in runs)} wrong, "
            f"longest {max(r.seconds for r in runs):.1f} s, "
            f"most memory +{max(r.grew_mb for r in runs):.0f} MB"
        )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each try is seconds
    suppress_health_check=list(HealthCheck),
)
@given(case=fuzzed(), serve=st.booleans())
def test_no_mutated_input_breaks_a_command(case: Case, serve: bool) -> None:
    files, document = case.files, case.document
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        source = write_rapport(root / "r", dict(files))
        (root / "eigen.docx").write_bytes(document)
        runs = [
            forked(["check", str(source)], root),
            forked(["build", str(source), "-o", str(root / "out")], root),
            forked(
                ["insert", str(source), str(root / "eigen.docx"), "--heading", "Participatie"], root
            ),
        ]
        if serve:
            runs.append(forked(["serve", str(source), "--port", "0"], root, serve=True))
    RUNS.extend(runs)
    wrong = [f"{r.command}: {r.verdict}\n{r.text[-3000:]}" for r in runs if r.verdict]
    assert not wrong, f"kept in {case.keep(runs)}:\n" + "\n\n".join(wrong)


@settings(max_examples=max(4, EXAMPLES // 2), deadline=None, phases=[Phase.generate])
@given(
    name=st.one_of(
        st.sampled_from(["nieuw", "../buiten", "a/b/c", "ü" * 300, ".", "..", "-", "con", " "]),
        st.text(min_size=1, max_size=40).filter(lambda t: "\x00" not in t),
    ),
    excel=st.booleans(),
)
def test_no_name_breaks_new(name: str, excel: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "werk"
        root.mkdir()
        ran = forked(["new", name, *(["--excel"] if excel else [])], root)
    RUNS.append(ran)
    assert ran.verdict is None, f"new {name!r}: {ran.verdict}\n{ran.text}"
