"""The portal over the rapports of one run, ``OUT/site/`` (:mod:`jaarverslag.render.site.shelf`),
written when two or more of them have a site.

It is made after every rapport is done, from what is on disk: each rapport's output folder that
the tool made (its marker) and that holds ``site/site.json`` — built in this run, reused from
the cache, or left from an earlier run because this one failed (a failed build leaves the
previous output as it was, so the portal keeps it). ``OUT/site`` is written as every output
folder is: atomically, with the marker, and never over a folder the tool didn't make.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from jaarverslag.build import cache, outfolder
from jaarverslag.build.outcome import Failure, Outcome, failed
from jaarverslag.core import files
from jaarverslag.core.errors import Problem
from jaarverslag.render.site.shelf import Shelved, shelf_site

#: The portal's folder under the output folder.
NAME = "site"


def shelved(folders: Sequence[Path], out_dir: Path) -> list[tuple[Shelved, str]]:
    """What the portal lists, with each document's date: each rapport's ``site/site.json``
    that its output folder holds."""
    found: list[tuple[Shelved, str]] = []
    for folder in folders:
        name = Path(folder).resolve().name
        target = out_dir / name
        path = target / "site" / "site.json"
        if name == NAME or not outfolder.is_ours(target) or not path.is_file():
            continue
        data, _problems = files.read(target, path, "tekst", str(path))
        try:
            about = json.loads(data or b"")
            entry = Shelved(
                folder=name,
                titel=str(about["titel"]),
                organisatie=str(about["organisatie"]),
                soort=str(about["soort"]),
                jaar=int(about["jaar"]),
                ondertitel=None if about.get("ondertitel") is None else str(about["ondertitel"]),
                gemeenten=None if about.get("gemeenten") is None else int(about["gemeenten"]),
            )
        except (ValueError, KeyError, TypeError):  # not ours after all: leave it out
            continue
        found.append((entry, str(about.get("datum", ""))))
    return found


def write_shelf(folders: Sequence[Path], out_dir: Path) -> Outcome | None:
    """Write ``OUT/site/`` when two or more rapports of the run have a site (None: not
    written); its outcome, or why it was refused."""
    target = out_dir / NAME
    if any(Path(f).resolve().name == NAME for f in folders):
        message = (
            f"een rapport heet '{NAME}'; het portaal over alle rapporten (dat die naam heeft) "
            "is niet gemaakt"
        )
        return failed(target, Failure.OUTPUT_REFUSED, [Problem(str(target), message=message)])
    found = shelved(folders, out_dir)
    if len(found) < 2:
        return None
    content = shelf_site([entry for entry, _ in found], max(d for _, d in found))
    marker = cache.record(None, content, [])
    try:
        outfolder.write(target, {**content, outfolder.MARKER: marker})
    except outfolder.OutputRefused as exc:
        return failed(target, Failure.OUTPUT_REFUSED, exc.problems)
    except OSError as exc:
        return failed(target, Failure.WRITE, detail=str(exc))
    return Outcome(target, target, [target / name for name in sorted(content)])
