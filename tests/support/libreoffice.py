"""LibreOffice as a reader in tests: convert a file, and do what a person does in it.

``convert`` is ``soffice --convert-to`` with a profile of its own. ``accept_all`` opens a DOCX,
accepts every tracked change (Edit > Track Changes > Accept All: the ``.uno:AcceptAllTracked
Changes`` command) and saves it; ``reject_all`` rejects them; ``update_indexes`` opens a DOCX, updates every table of
contents and index (Tools > Update > All Indexes) and exports the PDF. Both run a Basic macro
from a LibreOffice profile made for the tests (``Standard.Jaarverslag``), since this machine's
LibreOffice has no Python bridge. A missing LibreOffice fails the test, never skips it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Jaarverslag" script:language="StarBasic">
Function Load(source As String) As Object
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  Load = StarDesktop.loadComponentFromURL(ConvertToURL(source), "_blank", 0, args())
End Function

Sub Store(doc As Object, target As String, filter As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "FilterName"
  args(0).Value = filter
  doc.storeToURL(ConvertToURL(target), args())
  doc.close(True)
End Sub

Sub AcceptAll(source As String, target As String)
  doc = Load(source)
  helper = createUnoService("com.sun.star.frame.DispatchHelper")
  helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:AcceptAllTrackedChanges", "", 0, Array())
  Store(doc, target, "MS Word 2007 XML")
End Sub

Sub RejectAll(source As String, target As String)
  doc = Load(source)
  helper = createUnoService("com.sun.star.frame.DispatchHelper")
  helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:RejectAllTrackedChanges", "", 0, Array())
  Store(doc, target, "MS Word 2007 XML")
End Sub

Sub UpdateIndexes(source As String, target As String)
  doc = Load(source)
  indexes = doc.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next i
  Store(doc, target, "writer_pdf_Export")
End Sub
</script:module>
"""

LIBRARY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
 <library:element library:name="Jaarverslag"/>
</library:library>
"""


def program() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice is not installed: `make test` installs libreoffice-writer")
    return found


def _run(arguments: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            program(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def convert(paths: list[Path], out: Path, target: str = "pdf:writer_pdf_Export") -> list[Path]:
    """Each file converted into ``out`` (``target``: LibreOffice's format and filter)."""
    out.mkdir(parents=True, exist_ok=True)
    done = _run(["--convert-to", target, "--outdir", str(out), *map(str, paths)], out / "profile")
    made = [out / f"{p.stem}.{target.split(':')[0]}" for p in paths]
    assert all(p.is_file() for p in made), done.stdout + done.stderr
    return made


def _profile(work: Path) -> Path:
    """A profile whose Basic library holds the macros (made once per folder)."""
    profile = work / "lo-profile"
    basic = profile / "user" / "basic" / "Standard"
    if not (basic / "Jaarverslag.xba").is_file():
        _run(["--terminate_after_init"], profile)
        basic.mkdir(parents=True, exist_ok=True)
        (basic / "Jaarverslag.xba").write_text(MODULE, encoding="utf-8")
        (basic / "script.xlb").write_text(LIBRARY, encoding="utf-8")
    return profile


def _macro(work: Path, name: str, source: Path, target: Path) -> Path:
    call = f'macro:///Standard.Jaarverslag.{name}("{source}","{target}")'
    done = _run([call], _profile(work))
    assert target.is_file(), f"{name} made nothing: {done.stdout}{done.stderr}"
    return target


def accept_all(source: Path, target: Path) -> Path:
    """``source`` with every tracked change accepted, saved as DOCX at ``target``."""
    return _macro(target.parent, "AcceptAll", source, target)


def reject_all(source: Path, target: Path) -> Path:
    """``source`` with every tracked change rejected, saved as DOCX at ``target``."""
    return _macro(target.parent, "RejectAll", source, target)


def update_indexes(source: Path, target: Path) -> Path:
    """``source`` with every table of contents updated by LibreOffice, as PDF at ``target``."""
    return _macro(target.parent, "UpdateIndexes", source, target)
