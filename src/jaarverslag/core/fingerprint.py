"""The fingerprint of a rapport's inputs: which data, texts and settings an output was made from.

A fingerprint is a SHA-256 over the version of the tool and every input file, each by its path
in the rapport folder and its own SHA-256 (:func:`digest`). Which files count is decided where
the folder is read (:mod:`jaarverslag.inputs.fingerprint`); the built-in templates are part of
the tool, so its version stands for them. Every output records the fingerprint *and* the hash of
each file (:meth:`Fingerprint.record`), so ``verify`` can say which input differs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

#: The name under which outputs record it: a PDF's and DOCX's property, the HTML ``<meta>``.
PROPERTY = "jaarverslag-vingerafdruk"
#: The name of the record of every file (version and per-file hashes, as JSON).
RECORD = "jaarverslag-invoer"


@dataclass(frozen=True)
class Fingerprint:
    """``sha256`` over ``version`` and ``files`` (relative path, hex SHA-256 of its bytes)."""

    version: str
    files: tuple[tuple[str, str], ...]

    @property
    def sha256(self) -> str:
        return digest(self.version, self.files)

    @property
    def short(self) -> str:
        """The first 16 hex digits, grouped by four: as printed on a page."""
        return " ".join(self.sha256[i : i + 4] for i in range(0, 16, 4))

    def record(self) -> str:
        """The version and every file's hash as compact JSON, sorted: same inputs, same text."""
        content = {"versie": self.version, "bestanden": dict(self.files)}
        return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_record(cls, text: str) -> Fingerprint | None:
        """The fingerprint a record describes; None when it is no record of ours."""
        try:
            content = json.loads(text)
            version = content["versie"]
            files = content["bestanden"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(version, str) or not isinstance(files, dict):
            return None
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            return None
        return cls(version, tuple(sorted(files.items())))


def digest(version: str, files: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """The SHA-256 of a version and the files' hashes, in the order of their paths: one line
    ``jaarverslag <version>``, then ``<sha256>  <path>`` per file as ``sha256sum`` prints it."""
    lines = [f"jaarverslag {version}"]
    lines += [f"{sha}  {path}" for path, sha in sorted(files)]
    return hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()
