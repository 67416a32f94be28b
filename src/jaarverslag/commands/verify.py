"""``jaarverslag verify OUTPUT RAPPORT``: was this file made from exactly these inputs?

The output records the fingerprint of its inputs and the hash of every input file
(:mod:`jaarverslag.render.recorded`); the rapport folder's files are hashed again, under the
version of the tool the output names (its templates are part of that version), and the two
compared. Exit 0: made from exactly these inputs. Exit 1: not (every input that differs is
named: changed, added, missing), or the output records no fingerprint, or its record was
edited, or the output or the folder can't be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from jaarverslag.core.fingerprint import Fingerprint
from jaarverslag.core.version import VERSION
from jaarverslag.inputs.fingerprint import fingerprint

#: An output read whole for its fingerprint: larger is no output of ours.
LIMIT = 512 * 1024 * 1024


@dataclass(frozen=True)
class Verdict:
    """The outcome: whether it matches, and the lines that say so."""

    matches: bool
    lines: tuple[str, ...]


def run_verify(output: Path, rapport: Path) -> int:
    """The command: the verdict on stdout (a reason on stderr), 0 when it matches."""
    verdict = verify(output, rapport)
    for line in verdict.lines:
        click.echo(line, err=not verdict.matches)
    return 0 if verdict.matches else 1


def verify(output: Path, rapport: Path) -> Verdict:
    """Whether ``output`` was made from the inputs in ``rapport``."""
    from jaarverslag.render.recorded import Unreadable, recorded

    if not rapport.is_dir():
        return Verdict(False, (f"{rapport}: is geen map (geef de rapportmap op)",))
    try:
        if output.stat().st_size > LIMIT:
            return Verdict(False, (f"{output}: is te groot voor een uitvoerbestand",))
        data = output.read_bytes()
        found = recorded(output, data)
    except OSError as exc:
        return Verdict(False, (f"{output}: kan niet worden gelezen ({exc.strerror})",))
    except Unreadable as exc:
        return Verdict(False, (f"{output}: {exc}",))
    if found is None:
        return Verdict(False, (f"{output}: bevat geen vingerafdruk van jaarverslag",))
    record = found.record
    if record is not None and record.sha256 != found.sha256:
        message = "de vastgelegde invoerbestanden passen niet bij de vingerafdruk: bewerkt?"
        return Verdict(False, (f"{output}: {message}",))
    version = record.version if record is not None else VERSION
    current = fingerprint(rapport, version)
    if current.sha256 == found.sha256:
        lines = [
            f"{output}: gemaakt uit precies de invoer in {rapport}",
            f"vingerafdruk {found.sha256} ({len(current.files)} bestanden, jaarverslag {version})",
        ]
        if version != VERSION:
            lines.append(f"gemaakt met jaarverslag {version}; dit is versie {VERSION}")
        return Verdict(True, tuple(lines))
    lines = [f"{output}: niet gemaakt uit de invoer in {rapport}"]
    lines += differences(record, current) if record is not None else []
    lines.append(f"vastgelegd {found.sha256}, de map geeft {current.sha256}")
    return Verdict(False, tuple(lines))


def differences(recorded: Fingerprint, current: Fingerprint) -> list[str]:
    """Every input file that differs, named: changed, new in the folder, gone from it."""
    before, now = dict(recorded.files), dict(current.files)
    lines = [f"  gewijzigd: {p}" for p in sorted(before) if p in now and before[p] != now[p]]
    lines += [f"  nieuw in de map: {p}" for p in sorted(now) if p not in before]
    lines += [f"  ontbreekt in de map: {p}" for p in sorted(before) if p not in now]
    return lines
