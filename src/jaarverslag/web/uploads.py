"""An upload taken in: streamed to a private file within the limit of its kind, and refused at
the door when the readers would refuse it anyway — before anything is kept.

- More bytes than the kind allows (:data:`jaarverslag.core.files.LIMITS`): 413, with the
  readers' own message (``rapport.xlsx: is te groot (201 MB; hoogstens 200 MB voor een
  databestand)``), decided on ``Content-Length`` before reading, or as soon as the stream passes
  the limit.
- A zipped file (``.xlsx``, ``.docx``) that is no zip, or that declares it unpacks to more than
  it may (a zip bomb): 422 with :func:`jaarverslag.core.files.unpacked_problem`'s message —
  judged on the sizes the zip declares, in milliseconds.
- A picture that isn't one by its first bytes: 422.

Whatever passes is checked like any file of a rapport folder by a worker afterwards, and what
the check says comes back with the answer.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request

from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.web.errors import Refused
from jaarverslag.web.problems import problem_json


@dataclass(frozen=True)
class Received:
    """A body taken in: where it waits, its SHA-256 and size."""

    path: Path
    digest: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def refusal(status: int, display: str, message: str) -> Refused:
    problem = Problem(display, message=message)
    return Refused(status, str(problem), meldingen=[problem_json(problem)])


async def receive(request: Request, folder: Path, kind: str, display: str) -> Received:
    """The request's body in a new file under ``folder``, or 413 past the limit of ``kind``."""
    limit = files.LIMITS[kind]
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise refusal(413, display, files.too_large(int(declared), kind))
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".upload-", dir=folder)
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(handle, "wb") as stream:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise refusal(413, display, files.too_large(size, kind))
                digest.update(chunk)
                stream.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, digest.hexdigest(), size)


def gate(received: Received, display: str, zipped: str | None, picture: bool) -> None:
    """422 for a zipped file or a picture that the readers would refuse to open."""
    if zipped is None and not picture:
        return
    data = received.path.read_bytes()
    if zipped is not None:
        message = files.unpacked_problem(data, zipped)
        if message is not None:
            raise refusal(422, display, message)
    if picture:
        from jaarverslag.inputs.images import KIND_NAMES, media_type

        if media_type(data) is None:
            raise refusal(422, display, f"is geen afbeelding ({KIND_NAMES})")
