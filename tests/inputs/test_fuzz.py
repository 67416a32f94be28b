"""Fuzzing the loader: whatever bytes or rapport.yaml values come in, the result is success or
clean Problems (InputError) — never a traceback.

Hypothesis makes raw bytes, CSV text in random delimiters, quoting and encodings with cells
that are almost right, and rapport.yaml documents with random values for every key.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaarverslag.analysis.analyse import load_rapport
from jaarverslag.build.pipeline import check
from jaarverslag.core.errors import InputError, Problem
from jaarverslag.inputs.config.load import KEYS, load_config
from jaarverslag.inputs.tables.schemas import SPECS, ColumnSpec, read_and_validate

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# cells that are nearly valid, or valid, or plainly wrong: where parsers are most likely to trip
ALMOST = st.sampled_from(
    [
        "",
        "-",
        " ",
        "0",
        "1",
        "7",
        "-3",
        "1.234,5",
        "1,234.5",
        "1.234.567",
        "1e5",
        "1e999",
        "-1e400",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "€ 5",
        "5%",
        "€",
        "%",
        ".5",
        "5.",
        ",5",
        "+",
        "0x1F",
        "１２３",
        "٣",
        "2023-02-30",
        "2023-02-28",
        "29-02-2024",
        "31-04-2023",
        "0000-00-00",
        "9999-99-99",
        "2017",
        "3017",
        "realisatie",
        "REALISATIE",
        "begroting",
        "lasten",
        "structureel",
        "ja",
        "werk",
        "1A",
        "p_banen",
        "Totaal",
        "Subtotaal x",
        "Saldo",
        "=1+1",
        '"',
        '""',
        "a;b",
        "a,b",
        "\t",
        "\x00",
        "\x0b",
        "\u2028",
        "\ufeff",
        "99999999999999999999999",
        "00000000000000000001",
        "True",
    ]
)
CELL = st.one_of(ALMOST, st.text(max_size=12))


VALID = {
    "id": st.sampled_from(["p", "p_banen", "a1"]),
    "number": st.sampled_from(["0", "5", "74", "14", "12", "1.234", "95.000", "12,5", "-3"]),
    "date": st.sampled_from(["2023-01-01", "01-01-2024", "2024-12-31"]),
    "text": st.sampled_from(["Post a", "Totaal", "Subtotaal structureel", "Saldo", "A", "B"]),
}


def cell_for(column: ColumnSpec | None) -> st.SearchStrategy[str]:
    """A valid value for ``column`` (any text for an unknown column)."""
    if column is None:
        return CELL
    valid = st.sampled_from(column.choices) if column.choices else VALID.get(column.kind, CELL)
    if column.name == "jaar":
        valid = st.sampled_from(["2016", "2017", "2024", "2025", "2026"])
    elif column.kind == "int":
        valid = st.integers(int(column.minimum or 0), int(column.maximum or 99)).map(str)
    if column.nullable:
        valid = valid | st.sampled_from(["", "-"])
    return valid


@st.composite
def csv_bytes(draw: st.DrawFn, name: str) -> bytes:
    """A CSV for spec ``name``: half tidy (every column, mostly valid cells, so the checks
    behind the parser run too), half messy (columns dropped or doubled, odd delimiters and
    encodings, flipped bytes)."""
    spec = SPECS[name]
    columns = [c.name for c in spec.columns]
    kinds = {c.name: c for c in spec.columns}
    messy = draw(st.booleans())
    if messy:
        header = draw(st.lists(st.sampled_from([*columns, "extra", ""]), max_size=8))
    else:
        header = draw(st.permutations(columns))
    header = [draw(st.sampled_from([h, h.upper(), f" {h} "])) for h in header]
    tidy_row = st.tuples(*(cell_for(kinds.get(h.strip().lower())) for h in header)).map(list)
    messy_row = st.lists(CELL, min_size=len(header), max_size=len(header) + 1)
    rows = draw(st.lists(tidy_row | messy_row if messy else tidy_row, min_size=1, max_size=8))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"] if messy else [";"]))
    quote = draw(st.booleans())

    def line(cells: list[str]) -> str:
        if quote:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        return delimiter.join(cells)

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(line(r) for r in [header, *rows])
    if draw(st.booleans()):
        text += newline
    encodings = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]
    encoding = draw(st.sampled_from(encodings if messy else encodings[:3]))
    data = text.encode(encoding, errors="replace")
    if messy and draw(st.booleans()):  # flip some bytes
        spots = draw(st.lists(st.integers(0, max(len(data) - 1, 0)), max_size=3))
        raw = bytearray(data)
        for i in spots:
            if raw:
                raw[i] = draw(st.integers(0, 255))
        data = bytes(raw)
    return data


def _assert_clean(problems: list[Problem], display: str) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == display
        assert problem.message
        str(problem)


@FUZZ
@given(name=st.sampled_from(sorted(SPECS)), data=st.binary(max_size=400))
def test_random_bytes(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        path.write_bytes(data)
        frame, problems = read_and_validate(path, name, "x.csv")
        _assert_clean(problems, "x.csv")
        assert frame.empty or not [p for p in problems if p.severity == "error"]


@FUZZ
@given(data=st.data(), name=st.sampled_from(sorted(SPECS)))
def test_random_csv(data: st.DataObject, name: str) -> None:
    content = data.draw(csv_bytes(name))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.csv"
        path.write_bytes(content)
        frame, problems = read_and_validate(path, name, "x.csv")
        _assert_clean(problems, "x.csv")
        if not [p for p in problems if p.severity == "error"]:
            assert not frame.empty
            for column in SPECS[name].columns:
                assert column.name in frame.columns or column.default is None


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_xlsx_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "indicatoren.xlsx"
        path.write_bytes(b"PK\x03\x04" + data if data[:1] == b"\x00" else data)
        _, problems = read_and_validate(path, "indicatoren", "x.xlsx")
        _assert_clean(problems, "x.xlsx")
        assert problems


SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=10),
    st.sampled_from(
        [
            "jaarverslag",
            "begroting",
            "beleidsplan",
            "2017",
            "pdf",
            "docx,html",
            "auto",
            "error",
            "warning",
            "2023-02-30",
            "2024-01-01",
            "teksten/a.md",
            "../../etc/passwd",
            "indicatoren",
            "kosten",
            "verdeling",
            "ladder",
            "huisstijl.docx",
            "/etc/passwd",
        ]
    ),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["titel", "tekst", "inhoud", "licht", "fors", "stijging", "x"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)
KEY_NAMES = [k.name for k in KEYS]


@st.composite
def rapport_yaml(draw: st.DrawFn) -> str:
    """A rapport.yaml: the required keys mostly right, the rest anything at all."""
    data = {
        "titel": "T",
        "organisatie": "O",
        "soort": draw(st.sampled_from(["jaarverslag", "begroting", "beleidsplan"])),
        "jaar": 2017,
    }
    for key in draw(st.lists(st.sampled_from([*KEY_NAMES, "onbekend"]), max_size=5)):
        data[key] = draw(VALUE)
    if draw(st.integers(0, 5)) == 0:
        return draw(st.text(max_size=80))  # not even YAML, perhaps
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()))


def _folder(tmp: str, text: str, extra: dict[str, bytes]) -> Path:
    folder = Path(tmp) / "r"
    (folder / "teksten").mkdir(parents=True)
    (folder / "teksten" / "a.md").write_text("# Kop\n\nTekst.\n", encoding="utf-8")
    (folder / "rapport.yaml").write_text(text, encoding="utf-8")
    for name, content in extra.items():
        (folder / name).write_bytes(content)
    return folder


@FUZZ
@given(text=rapport_yaml())
def test_rapport_yaml(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp, text, {})
        config, problems = load_config(folder, "r/rapport.yaml")
        _assert_clean(problems, "r/rapport.yaml")
        assert (config is None) == any(p.severity == "error" for p in problems)


GOOD_INDICATOREN = b"id;indicator;jaar;soort;waarde\np;P;2017;realisatie;1\n"


@pytest.mark.slow
@FUZZ
@given(
    data=st.data(),
    text=rapport_yaml(),
    name=st.sampled_from(["indicatoren", "kosten", "maatregelen", "verdeelsleutel", "clienten"]),
)
def test_load_rapport_and_check(data: st.DataObject, text: str, name: str) -> None:
    content = data.draw(st.one_of(csv_bytes(name), st.just(GOOD_INDICATOREN)))
    filename = "indicatoren.csv" if content is GOOD_INDICATOREN else f"{name}.csv"
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp, text, {filename: content})
        try:
            rapport = load_rapport(folder)
        except InputError as exc:
            assert exc.problems
            _assert_clean(
                [p for p in exc.problems if p.file.endswith("yaml")], str(folder / "rapport.yaml")
            )
        else:
            assert rapport.config.jaar
        (outcome,) = check([folder])
        assert outcome.ok == (outcome.error is None)
