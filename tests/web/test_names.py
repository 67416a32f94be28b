"""Which names the werkplek takes: a rapport's, a user's, and the paths of a rapport's files —
only what a rapport folder can use, nothing that leaves it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaarverslag.web.names import NameRefused, file_name, rapport_name, user_name


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("rapport.yaml", "rapport.yaml"),
        ("indicatoren.csv", "data"),
        ("Kosten.XLSX", "data"),
        ("rapport.xlsx", "data"),
        ("iv3.json", "Iv3-"),
        ("iv3/jaarrekening-2024.json", "Iv3-"),
        ("huisstijl.docx", "huisstijl"),
        ("README.md", "tekst"),
        ("teksten/01-inleiding.md", "tekst"),
        ("teksten/hoofdstuk 2/financiën.md", "tekst"),
        ("teksten/logo.png", "afbeelding"),
        ("afbeeldingen/kaart.svg", "afbeelding"),
        ("logo.jpg", "afbeelding"),
        ("templates/base.html", "sjabloon"),
        ("templates/style.css", "sjabloon"),
        ("templates/logo.gif", "afbeelding"),
    ],
)
def test_the_files_a_rapport_folder_holds(path: str, kind: str) -> None:
    assert file_name(path).kind == kind


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../x.md", "'../x.md': gebruik een pad binnen het rapport, zonder . of .."),
        ("teksten/../../x.md", "zonder . of .."),
        ("/etc/passwd", "'/etc/passwd': gebruik een pad binnen het rapport, met / tussen mappen"),
        ("teksten\\x.md", "met / tussen mappen"),
        ("teksten/x.md\x00.png", "'teksten/x.md\\x00.png': gebruik een pad binnen het rapport"),
        ("teksten//x.md", "zonder . of .."),
        (".git/config", "een naam begint met een letter of cijfer"),
        ("teksten/ x.md", "een naam begint met een letter of cijfer"),
        ("a/b/c/d/e.md", "te diep (hoogstens 3 mappen)"),
        ("evil.sh", "geen bestand dat een rapportmap kan hebben; wel: rapport.yaml"),
        ("gegevens.csv", "geen bestand dat een rapportmap kan hebben"),
        ("teksten/data.csv", "geen bestand dat een rapportmap kan hebben"),
        ("templates/x.py", "geen bestand dat een rapportmap kan hebben"),
        ("iv3/toelichting.md", "geen bestand dat een rapportmap kan hebben"),
        ("x" * 201 + ".md", "de naam is te lang (hoogstens 200 tekens)"),
        ("", "geen bestandsnaam"),
    ],
)
def test_other_names_are_refused_with_the_reason(path: str, message: str) -> None:
    with pytest.raises(NameRefused) as refused:
        file_name(path)
    assert message in str(refused.value)


def test_a_name_is_kept_in_one_unicode_form() -> None:
    assert file_name("teksten/financie\u0308n.md").path == "teksten/financiën.md"


@given(st.text(max_size=60))
def test_whatever_is_accepted_stays_inside_the_folder(path: str) -> None:
    try:
        accepted = file_name(path).path
    except NameRefused:
        return
    folder = Path("/werkplek/rapport")
    assert (folder / accepted).resolve().is_relative_to(folder)
    assert not any(part.startswith(".") for part in accepted.split("/"))


@pytest.mark.parametrize("name", ["jaarverslag-2025", "r", "begroting_2026"])
def test_rapport_names(name: str) -> None:
    assert rapport_name(name) == name


@pytest.mark.parametrize("name", ["", "Jaarverslag", "-x", "a b", "a/b", "x" * 65, "é"])
def test_bad_rapport_names(name: str) -> None:
    with pytest.raises(NameRefused, match="kan geen rapportnaam zijn: gebruik kleine letters"):
        rapport_name(name)


def test_user_names() -> None:
    assert user_name("a.jansen@gemeente.nl") == "a.jansen@gemeente.nl"
    with pytest.raises(NameRefused, match="kan geen gebruikersnaam zijn"):
        user_name("Anna Jansen")
