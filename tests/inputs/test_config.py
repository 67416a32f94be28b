"""rapport.yaml: every problem at once, as a message and never a traceback."""

from __future__ import annotations

import datetime as dt
import pickle
import re

import pydantic
import pytest
import yaml

from jaarverslag.core.errors import Problem
from jaarverslag.inputs.config.keys import DREMPELS
from jaarverslag.inputs.config.load import KEYS, Config, SectieSpec, load_config


def config_problems(tmp_path, text: str) -> list[str]:
    (tmp_path / "rapport.yaml").write_text(text, encoding="utf-8")
    _, problems = load_config(tmp_path, "rapport.yaml")
    return [str(p) for p in problems]


def test_minimal_config_has_defaults(tmp_path):
    (tmp_path / "rapport.yaml").write_text(
        "titel: T\norganisatie: Gemeente X\nsoort: Begroting\njaar: 2020\n", encoding="utf-8"
    )
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert problems == []
    assert config.soort == "begroting"
    assert config.formaten == ("pdf", "docx", "html")
    assert (config.afronding, config.min_celgrootte, config.bedragen_in) == (1, 5, 1)


def test_missing_keys_and_bad_values_are_all_reported(tmp_path):
    problems = config_problems(
        tmp_path, "titel: T\nsoort: jaarrekening\njaar: twintig\nformaten: [pdf, odt]\n"
    )
    assert problems == [
        "rapport.yaml: organisatie: verplichte sleutel ontbreekt",
        "rapport.yaml:2: soort: 'jaarrekening' is geen bekende soort (jaarverslag, begroting, beleidsplan)",
        "rapport.yaml:3: jaar: 'twintig' is geen jaartal",
        "rapport.yaml:4: formaten: moet een lijst zijn uit pdf, docx, html, site",
    ]


def test_yaml_syntax_error_names_the_line(tmp_path):
    problems = config_problems(tmp_path, "titel: T\norganisatie: [Gemeente\nsoort: x\n")
    assert len(problems) == 1
    assert problems[0].startswith("rapport.yaml:")
    assert "YAML-fout" in problems[0]


def test_section_with_missing_text_file(tmp_path):
    problems = config_problems(
        tmp_path,
        "titel: T\norganisatie: O\nsoort: jaarverslag\njaar: 2017\n"
        "secties:\n  - titel: Inleiding\n    tekst: teksten/weg.md\n",
    )
    assert problems == ["rapport.yaml:7: secties[1].tekst: bestand 'teksten/weg.md' bestaat niet"]


def test_unknown_key_is_a_warning_not_an_error(tmp_path):
    (tmp_path / "rapport.yaml").write_text(
        "titel: T\norganisatie: O\nsoort: jaarverslag\njaar: 2017\nformatten: [pdf]\n",
        encoding="utf-8",
    )
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert config is not None
    assert problems == [
        Problem("rapport.yaml", 5, "formatten", "onbekende sleutel, genegeerd", "warning")
    ]


# --- one declaration, every problem at once ---------------------------------------------------

BASE = "titel: T\norganisatie: O\nsoort: jaarverslag\njaar: 2017\n"


def test_every_bad_key_is_reported_with_its_line(tmp_path):
    problems = config_problems(
        tmp_path,
        BASE + "formaten: []\nafronding: -1\nmin_celgrootte: 3.5\nbedragen_in: 10\ndatum: x\n"
        "grafieken: 1\ndrempels: {licht: 30}\ntotaalcontrole: 1\nev: ''\n"
        "prestatieafspraken: {x: 70}\njaren: 0\npdfa: ja\nhuisstijl: stijl.txt\nsecties: 5\n",
    )
    assert problems == [
        "rapport.yaml:5: formaten: moet een lijst zijn uit pdf, docx, html, site",
        "rapport.yaml:18: secties: moet een lijst van secties zijn",
        "rapport.yaml:6: afronding: '-1' moet een getal groter dan 0 zijn",
        "rapport.yaml:7: min_celgrootte: '3.5' moet een geheel getal vanaf 0 zijn",
        "rapport.yaml:8: bedragen_in: '10' moet 1 of 1000 zijn",
        "rapport.yaml:9: datum: 'x' is geen datum (JJJJ-MM-DD)",
        "rapport.yaml:10: grafieken: moet true of false zijn",
        "rapport.yaml:11: drempels: licht moet kleiner zijn dan fors",
        "rapport.yaml:12: totaalcontrole: moet error of warning zijn",
        "rapport.yaml:13: ev: moet auto, true, false of een tekst zijn",
        "rapport.yaml:14: prestatieafspraken: bekende sleutels: behoud_trede_3_4, stijging, uitstroom_werk",
        "rapport.yaml:17: huisstijl: 'stijl.txt' is geen .docx-bestand in de rapportmap",
        "rapport.yaml:15: jaren: '0' moet een jaar of meer zijn",
        "rapport.yaml:16: pdfa: moet true of false zijn",
    ]


def test_every_bad_section_is_reported_at_its_own_key(tmp_path):
    (tmp_path / "teksten").mkdir()
    (tmp_path.parent / "buiten.md").write_text("x", encoding="utf-8")
    problems = config_problems(
        tmp_path,
        BASE + "secties:\n"
        "  - x\n"
        "  - titel: ''\n"
        '  - titel: "a\\x01"\n'
        "  - titel: A\n    tekst: ../buiten.md\n"
        "  - titel: B\n    tekst: teksten\n"
        "  - titel: C\n    inhoud: [foo]\n"
        "  - titel: D\n    tekst: weg.md\n    inhoud: {a: 1}\n",
    )
    blokken = "blokken zijn indicatoren, kosten, maatregelen, verdeling, ladder, vergelijking"
    assert problems == [
        "rapport.yaml:6: secties[1]: een sectie heeft een titel",
        "rapport.yaml:7: secties[2]: een sectie heeft een titel",
        "rapport.yaml:8: secties[3].titel: bevat een stuurteken",
        "rapport.yaml:10: secties[4].tekst: '../buiten.md' verwijst naar een bestand buiten de rapportmap",
        "rapport.yaml:12: secties[5].tekst: 'teksten' is geen gewoon bestand",
        f"rapport.yaml:14: secties[6].inhoud: {blokken}",
        "rapport.yaml:16: secties[7].tekst: bestand 'weg.md' bestaat niet",
        f"rapport.yaml:17: secties[7].inhoud: {blokken}",
    ]


def test_a_section_with_an_unknown_key_warns(tmp_path):
    (tmp_path / "teksten").mkdir()
    (tmp_path / "teksten" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "rapport.yaml").write_text(
        BASE + "secties:\n  - titel: ' A '\n    tekst: teksten/a.md\n    inhoud: kosten\n"
        "    extra: 1\n",
        encoding="utf-8",
    )
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert [str(p) for p in problems] == [
        "rapport.yaml:6: secties[1]: waarschuwing: onbekende sleutel extra"
    ]
    (sectie,) = config.secties
    assert sectie == SectieSpec("A", (tmp_path / "teksten" / "a.md").resolve(), ("kosten",))


def test_an_empty_required_key_is_missing_once(tmp_path):
    problems = config_problems(tmp_path, "titel: T\norganisatie: ''\nsoort:\njaar: null\n")
    assert problems == [
        "rapport.yaml: organisatie: verplichte sleutel ontbreekt",
        "rapport.yaml: soort: verplichte sleutel ontbreekt",
        "rapport.yaml: jaar: verplichte sleutel ontbreekt",
    ]


def test_title_too_long_and_with_a_control_character_gives_both(tmp_path):
    problems = config_problems(
        tmp_path, BASE.replace("titel: T", 'titel: "' + "x" * 300 + '\\x02"')
    )
    assert problems == [
        "rapport.yaml:1: titel: is te lang (301 tekens; hoogstens 250)",
        "rapport.yaml:1: titel: bevat een onzichtbaar stuurteken; haal het weg",
    ]


def test_numbers_past_any_float_are_messages(tmp_path):
    assert config_problems(tmp_path, BASE + "afronding: 1" + "0" * 400 + "\n") == [
        f"rapport.yaml:5: afronding: '1{'0' * 400}' moet een getal groter dan 0 zijn"
    ]
    assert config_problems(tmp_path, BASE + "jaren: 1" + "0" * 5000 + "\n") == [
        "rapport.yaml:5: YAML-fout: getal met te veel cijfers"
    ]
    assert config_problems(tmp_path, BASE + "drempels: {fors: 1" + "0" * 400 + "}\n") == [
        "rapport.yaml:5: drempels: moet sleutels met getallen vanaf 0 bevatten"
    ]


@pytest.mark.parametrize("key", [k.name for k in KEYS])
@pytest.mark.parametrize("value", [[[1]], {"a": None}, -1, float("inf"), "", None, True, "x"])
def test_every_key_answers_any_value_in_dutch(tmp_path, key, value):
    """Whatever a key is given, it is taken or refused with a Dutch message at that key;
    pydantic's own (English) messages never reach the user."""
    data = {"titel": "T", "organisatie": "O", "soort": "jaarverslag", "jaar": 2017, key: value}
    (tmp_path / "rapport.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert (config is None) == bool(problems)
    for problem in problems:
        assert problem.column is not None and problem.column.startswith(key), problem
        assert not re.search(r"Input should|Field required|validation error", problem.message)


def test_drempels_and_afspraken_given_in_part_keep_the_other_defaults(tmp_path):
    (tmp_path / "rapport.yaml").write_text(
        BASE + "drempels: {fors: 20}\nprestatieafspraken: {stijging: 70}\n", encoding="utf-8"
    )
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert problems == []
    assert config.drempels == {"licht": 5.0, "fors": 20.0}
    assert config.prestatieafspraken == {
        "behoud_trede_3_4": 95.0,
        "stijging": 70.0,
        "uitstroom_werk": 15.0,
    }


def test_defaults_come_from_the_declaration(tmp_path):
    (tmp_path / "rapport.yaml").write_text(BASE, encoding="utf-8")
    config, _ = load_config(tmp_path, "rapport.yaml")
    for name, field in Config.model_fields.items():
        if not field.is_required():
            assert getattr(config, name) == field.get_default(call_default_factory=True), name
    assert config.drempels == DREMPELS and config.drempels is not DREMPELS


def test_line_of_nested_keys_and_list_items(tmp_path):
    (tmp_path / "rapport.yaml").write_text(
        BASE + "drempels:\n  licht: 3\n  fors: 10\nsecties:\n  - titel: A\n"
        "    inhoud:\n      - indicatoren\n  - titel: B\n",
        encoding="utf-8",
    )
    config, problems = load_config(tmp_path, "rapport.yaml")
    assert problems == []
    assert config.line("drempels") == 5
    assert config.line("drempels.licht") == 6
    assert config.line("secties[1].inhoud") == 10
    assert config.line("secties[1].inhoud[1]") == 11
    assert config.line("secties[2]") == 12
    assert config.line("secties[2].tekst") == 12  # absent: the nearest enclosing key
    assert config.line("onbekend") is None


def test_config_is_frozen_and_travels_to_worker_processes(tmp_path):
    (tmp_path / "teksten").mkdir()
    (tmp_path / "teksten" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "rapport.yaml").write_text(
        BASE + "datum: 2020-02-02\nsecties:\n  - titel: A\n    tekst: teksten/a.md\n",
        encoding="utf-8",
    )
    config, _ = load_config(tmp_path, "rapport.yaml")
    with pytest.raises(pydantic.ValidationError):
        config.jaar = 2018
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config
    assert copy.lines == config.lines and copy.line("secties[1].tekst") == 8
    assert copy.datum == dt.date(2020, 2, 2)


def test_a_config_can_be_made_in_code():
    config = Config(titel="T", organisatie="O", soort="Begroting", jaar=2020)
    assert (config.soort, config.formaten, config.huisstijl, config.lines) == (
        "begroting",
        ("pdf", "docx", "html"),  # the SPEC's default: the site only when asked
        None,
        {},
    )


def test_default_house_style_problems_name_that_file(tmp_path):
    (tmp_path / "huisstijl.docx").write_bytes(b"geen zip")
    problems = config_problems(tmp_path, BASE)
    assert problems == [
        f"{tmp_path / 'huisstijl.docx'}: is geen leesbaar Word-bestand (geen zip-archief)"
    ]


def test_a_text_outside_the_folder_is_refused_whether_it_exists_or_not(tmp_path):
    """The message never tells whether a file elsewhere exists (and doesn't depend on where
    the rapport folder happens to lie)."""
    folder = tmp_path / "r"
    folder.mkdir()
    (tmp_path / "bestaat.md").write_text("x", encoding="utf-8")
    for name in ("../bestaat.md", "../nergens/weg.md"):
        problems = config_problems(
            folder,
            "titel: T\norganisatie: O\nsoort: jaarverslag\njaar: 2017\n"
            f"secties:\n  - titel: Inleiding\n    tekst: {name}\n",
        )
        assert problems == [
            f"rapport.yaml:7: secties[1].tekst: '{name}' verwijst naar een bestand buiten de rapportmap"
        ]
