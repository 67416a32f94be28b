"""rapport.yaml: every problem at once, as a message and never a traceback."""

from __future__ import annotations

from jaarverslag.errors import Problem
from jaarverslag.rapport import load_config


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
        "rapport.yaml:4: formaten: moet een lijst zijn uit pdf, docx, html",
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
