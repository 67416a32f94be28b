"""One name, one gemeente (issue 22): names that look the same but are stored differently —
``Súdwest-Fryslân`` in NFC and in NFD, ``Bergen`` with a zero-width space — were two gemeenten,
two documents, without a word. Now they are matched as one name and the second spelling is an
error naming both lines."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from support.reeks_data import GEMEENTEN, kosten, reeks

from jaarverslag.build.stages import analyse
from jaarverslag.core.errors import InputError
from jaarverslag.inputs.reeks import key

NFC = unicodedata.normalize("NFC", "Súdwest-Fryslân")
NFD = unicodedata.normalize("NFD", "Súdwest-Fryslân")


def problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        analyse(folder)
    return [str(p) for p in caught.value.problems]


def _renamed(text: str, old: str, new: str, *, times: int = -1) -> str:
    return text.replace(old, new, times)


def test_a_name_in_nfc_and_in_nfd_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    data = _renamed(kosten(), "Bedum", NFC)
    rows = data.splitlines(keepends=True)
    rows[6] = rows[6].replace(NFC, NFD)  # the third row of the gemeente, typed elsewhere
    folder = reeks(
        tmp_path / "r", kosten_csv="".join(rows), gemeenten_csv=_renamed(GEMEENTEN, "Bedum", NFC)
    )
    found = problems(folder)
    assert found == [
        f"{folder / 'kosten.csv'}:7: gemeente: '{NFD}' en '{NFC}' ({folder / 'kosten.csv'}:6) "
        "zijn dezelfde naam, anders geschreven (letters met accenten op twee manieren "
        "opgeslagen (Unicode NFC en NFD)); schrijf ze gelijk"
    ]


def test_an_invisible_character_in_a_name_is_an_error_across_files(tmp_path: Path) -> None:
    hidden = "Bedum\u200b"
    folder = reeks(tmp_path / "r", gemeenten_csv=_renamed(GEMEENTEN, "Bedum", hidden))
    found = problems(folder)
    assert found == [
        f"{folder / 'gemeenten.csv'}:3: gemeente: 'Bedum<U+200B>' en 'Bedum' "
        f"({folder / 'kosten.csv'}:6) zijn dezelfde naam, anders geschreven (een onzichtbaar "
        "teken); schrijf ze gelijk"
    ]


def test_case_and_spaces_still_match_without_a_word(tmp_path: Path) -> None:
    folder = reeks(tmp_path / "r", gemeenten_csv=_renamed(GEMEENTEN, "Bedum", " BEDUM "))
    analysis = analyse(folder, lazy=True)
    assert analysis.reeks is not None and len(analysis.reeks.gemeenten) == 5


def test_the_key_of_a_name() -> None:
    from jaarverslag.inputs.reeks import shown

    assert key(NFD) == key(NFC) == key(f" {NFC.upper()}\u200b ")
    assert shown("Ber\u200bgen\u2060") == "Ber<U+200B>gen<U+2060>"
