"""Run veraPDF (the reference PDF/A and PDF/UA validator) and read its XML report.

One JVM run per flavour validates any number of files (JVM start-up is most of the cost).
veraPDF is found via ``$VERAPDF``, then ``../shared/tools/verapdf/verapdf.sh`` beside the
checkout, then ``verapdf`` on the PATH; it needs Java 17+, which ``make test`` installs
(scripts/system-deps.sh --test: default-jre-headless). A missing tool fails, never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BESIDE = ROOT.parent / "shared" / "tools" / "verapdf" / "verapdf.sh"


@dataclass(frozen=True)
class Failure:
    """One failed rule: ``6.2.4.3-2`` with how often it failed and one offending object."""

    rule: str
    description: str
    checks: int
    example: str

    def __str__(self) -> str:
        return f"rule {self.rule} ({self.checks}×): {self.description}\n      e.g. {self.example}"


@dataclass
class Verdict:
    """veraPDF's verdict on one file for one flavour."""

    path: Path
    flavour: str
    profile: str = ""
    compliant: bool = False
    rules_passed: int = 0
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None  # the file could not be validated at all

    def __str__(self) -> str:
        head = f"{self.path} — {self.profile or self.flavour}"
        if self.error:
            return f"{head}: not validated: {self.error}"
        return head + "".join(f"\n    {failure}" for failure in self.failures)


def command() -> list[str]:
    """The veraPDF command line, or a loud failure saying how to get it."""
    if shutil.which("java") is None:
        pytest.fail("java is not installed: `make test` installs it (scripts/system-deps.sh)")
    for candidate in (os.environ.get("VERAPDF"), str(BESIDE), shutil.which("verapdf")):
        if candidate and Path(candidate).is_file():
            return [candidate]
    pytest.fail(f"veraPDF not found: set VERAPDF=/path/to/verapdf(.sh) or install it at {BESIDE}")


def start(flavour: str, paths: list[Path]) -> subprocess.Popen[bytes]:
    """Start validating ``paths`` for ``flavour`` (``ua1``, ``2a``, …); read with :func:`read`."""
    return subprocess.Popen(
        [*command(), "--flavour", flavour, "--format", "xml", "--maxfailuresdisplayed", "1"]
        + [str(p) for p in paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def read(process: subprocess.Popen[bytes], flavour: str, timeout: float = 600) -> list[Verdict]:
    """Wait for a run started by :func:`start` and parse its report, one Verdict per file."""
    out, err = process.communicate(timeout=timeout)
    try:
        root = ET.fromstring(out)
    except ET.ParseError:
        pytest.fail(f"veraPDF gave no report (exit {process.returncode}): {err[-2000:]!r}")
    return [_verdict(job, flavour) for job in root.iter("job")]


def validate(flavour: str, paths: list[Path]) -> list[Verdict]:
    """Validate ``paths`` for one flavour in one JVM run."""
    return read(start(flavour, paths), flavour)


def _verdict(job: ET.Element, flavour: str) -> Verdict:
    verdict = Verdict(Path(job.findtext("item/name", "")), flavour)
    report = job.find("validationReport")
    if report is None:
        message = job.findtext(".//exceptionMessage") or "no validation report"
        verdict.error = message.strip()
        return verdict
    verdict.profile = report.get("profileName", "")
    verdict.compliant = report.get("isCompliant") == "true"
    details = report.find("details")
    verdict.rules_passed = int(details.get("passedRules", 0)) if details is not None else 0
    for rule in report.iter("rule"):
        if rule.get("status") != "failed":
            continue
        check = rule.find("check")
        example = "(no example object reported)"
        if check is not None:
            example = f"{check.findtext('context', '')}: {check.findtext('errorMessage', '')}"
        verdict.failures.append(
            Failure(
                rule=f"{rule.get('specification')} {rule.get('clause')}-{rule.get('testNumber')}",
                description=" ".join((rule.findtext("description") or "").split()),
                checks=int(rule.get("failedChecks", 0)),
                example=example.strip(),
            )
        )
    if not verdict.compliant and not verdict.failures:
        verdict.error = report.get("statement", "not compliant, no rule named")
    return verdict
