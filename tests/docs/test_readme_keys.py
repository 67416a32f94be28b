"""The rapport.yaml table of docs/rapport-yaml.md is the declaration's (src/jaarverslag/inputs/config/keys.py):
every key, whether it is required, and its default, so the documentation can't drift from the
code."""

from __future__ import annotations

import sys

import yaml
from support.helpers import ROOT

from jaarverslag.inputs.config.keys import KEYS, Config

sys.path.insert(0, str(ROOT / "scripts"))

from readme_keys import BEGIN, END, with_table

PAGE = (ROOT / "docs" / "rapport-yaml.md").read_text(encoding="utf-8")


def page_rows() -> dict[str, tuple[str, str]]:
    """Key → (required, default) as the page's table states them."""
    table = PAGE[PAGE.index(BEGIN) + len(BEGIN) : PAGE.index(END)]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        key, required, default, _meaning = (cell.strip() for cell in line.strip("|").split(" | "))
        rows[key.strip("`")] = (required, default)
    return rows


def test_the_page_holds_the_table_the_script_writes() -> None:
    assert with_table(PAGE) == PAGE, "run: .venv/bin/python scripts/readme_keys.py"


def test_the_page_s_required_and_defaults_are_the_models() -> None:
    rows = page_rows()
    assert list(rows) == list(Config.model_fields)
    for name, field in Config.model_fields.items():
        required, default = rows[name]
        assert required == ("yes" if field.is_required() else "no"), name
        if field.is_required():
            assert default == "", name
        elif default.startswith("`") and default.endswith("`") and default.count("`") == 2:
            # a literal default, written as YAML: reading it must give the model's default
            value = field.get_default(call_default_factory=True)
            stated = yaml.safe_load(default.strip("`"))
            assert stated == (list(value) if isinstance(value, tuple) else value), name
        else:  # a default worked out at build time: None in the model, said in words
            assert field.get_default() is None, name


def test_the_listed_keys_are_the_declared_ones() -> None:
    assert [k.name for k in KEYS] == list(Config.model_fields)
    assert {k.name for k in KEYS if k.required} == {"titel", "organisatie", "soort", "jaar"}
    assert all(k.doc for k in KEYS)
