"""Reading and checking data files: encodings, delimiters, notation, and exact error text."""

from __future__ import annotations

from pathlib import Path

import pytest

from jaarverslag.inputs.tables.schemas import read_and_validate

HEADER_NL = "id;indicator;jaar;soort;waarde\n"
HEADER_EN = "id,indicator,jaar,soort,waarde\n"


def load(tmp_path: Path, content: str | bytes, name: str = "indicatoren.csv", spec="indicatoren"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    frame, problems = read_and_validate(path, spec)
    return frame, [str(p) for p in problems]


def test_semicolon_file_reads_dutch_numbers(tmp_path):
    frame, problems = load(
        tmp_path, HEADER_NL + "a;Een;2017;realisatie;1.234,5\nb;Twee;2017;begroting;-\n"
    )
    assert problems == []
    assert frame["waarde"].iloc[0] == 1234.5
    assert frame["waarde"].isna().iloc[1]  # "-" is no data, not 0
    assert frame["jaar"].tolist() == [2017, 2017]


def test_comma_file_reads_decimal_point(tmp_path):
    frame, problems = load(
        tmp_path, HEADER_EN + "a,Een,2017,realisatie,1234.5\nb,Twee,2017,realisatie,0\n"
    )
    assert problems == []
    assert frame["waarde"].tolist() == [1234.5, 0.0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = HEADER_NL + "a;Bijstand én participatie – €;2017;realisatie;5\n"
    frame, problems = load(tmp_path, text.encode(encoding))
    assert problems == []
    assert frame["indicator"].iloc[0] == "Bijstand én participatie – €"


def test_columns_match_case_insensitively_in_any_order(tmp_path):
    frame, problems = load(tmp_path, "Waarde;SOORT;Jaar;Indicator;ID\n7;Realisatie;2017;Een;a\n")
    assert problems == []
    assert frame.loc[0, "soort"] == "realisatie"
    assert frame.loc[0, "waarde"] == 7


def test_crlf_and_blank_lines_keep_physical_line_numbers(tmp_path):
    text = HEADER_NL + "a;Een;2017;realisatie;1\n\nb;Twee;2017;realisatie;x\n"
    _, problems = load(tmp_path, text.replace("\n", "\r\n"))
    assert problems == [
        "indicatoren.csv:4: waarde: 'x' is geen getal (verwacht Nederlandse notatie, zoals 1.234,5)"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    text = (
        HEADER_NL
        + "a;Een;2017;realisatie;abc\n"  # line 2: text in a number column
        + "B b;Twee;2017;foo;1\n"  # line 3: bad id, bad soort
        + "c;Drie;twintig;realisatie;1\n"  # line 4: bad year
        + "a;Een;2017;realisatie;2\n"  # line 5: duplicate of line 2
    )
    _, problems = load(tmp_path, text)
    assert problems == [
        "indicatoren.csv:2: waarde: 'abc' is geen getal (verwacht Nederlandse notatie, zoals 1.234,5)",
        "indicatoren.csv:3: id: 'B b' is geen geldige id (alleen a-z, 0-9 en _)",
        "indicatoren.csv:3: soort: 'foo' is geen toegestane waarde (realisatie, begroting, beoogd)",
        "indicatoren.csv:4: jaar: 'twintig' is geen getal (verwacht Nederlandse notatie, zoals 1.234,5)",
        "indicatoren.csv:5: dubbele regel: dezelfde id, jaar, soort als regel 2",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", ["indicatoren.csv: het bestand is leeg"]),
        (HEADER_NL, ["indicatoren.csv: bevat geen gegevensregels, alleen een kop"]),
        (
            "id;indicator;jaar;soort\na;b;2017;realisatie\n",
            ["indicatoren.csv:1: waarde: verplichte kolom ontbreekt"],
        ),
        ("id;id;jaar;soort;waarde\n", ["indicatoren.csv:1: id: kolom komt meer dan eens voor"]),
        (
            HEADER_NL + "a;Een;2017;realisatie;1;extra\n",
            ["indicatoren.csv:2: 6 velden, de kop heeft er 5"],
        ),
        (b"\x00\x01\x02garbage", ["indicatoren.csv: is geen tekstbestand (bevat nul-bytes)"]),
        (
            (HEADER_NL + "a;Een;2017;realisatie;1\n").encode() + b"a\x81b;x;2017;realisatie;1\n",
            ["indicatoren.csv:3: byte 0x81 is geen UTF-8 en geen Windows-1252"],
        ),
        (
            HEADER_EN + "a,Een,2017,realisatie,inf\n",
            [
                "indicatoren.csv:2: waarde: 'inf' is geen getal (verwacht een decimale punt, zoals 1234.5)"
            ],
        ),
        (
            HEADER_EN + "a,Een,2017,realisatie,1e300\n",
            ["indicatoren.csv:2: waarde: 1e300 is onwaarschijnlijk groot"],
        ),
    ],
    ids=[
        "empty",
        "header-only",
        "missing-column",
        "duplicate-column",
        "ragged-row",
        "binary",
        "undefined-cp1252-byte",
        "not-finite",
        "too-large",
    ],
)
def test_bad_files(tmp_path, content, expected):
    frame, problems = load(tmp_path, content)
    assert problems == expected
    assert frame.empty


def test_quoted_fields_with_delimiters_and_newlines(tmp_path):
    text = (
        HEADER_EN
        + 'a,"Een, twee",2017,realisatie,1\nb,"Drie\nvier",2017,realisatie,2\nc,Vijf,2017,realisatie,x\n'
    )
    _, problems = load(tmp_path, text)
    # the record starting on line 3 spans two lines, so the bad record is on line 5
    assert problems == [
        "indicatoren.csv:5: waarde: 'x' is geen getal (verwacht een decimale punt, zoals 1234.5)"
    ]


def test_dates_that_do_not_exist(tmp_path):
    text = (
        "client,peildatum,trede\nc1,2023-02-30,3\nc2,31-01-2023,3\nc3,morgen,3\nc4,2023-01-31,7\n"
    )
    _frame, problems = load(tmp_path, text, "clienten.csv", "clienten")
    assert problems == [
        "clienten.csv:2: peildatum: '2023-02-30' bestaat niet als datum",
        "clienten.csv:4: peildatum: 'morgen' is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)",
        "clienten.csv:5: trede: 7 is groter dan 6",
    ]


def test_xlsx_first_sheet_native_numbers(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Post", "Karakter", "Jaar", "Bedrag"])
    sheet.append(["Eén participatieconsulent", "Structureel", 2024, 95000])
    sheet.append(["Trajecten", "incidenteel", 2024, 1234.5])
    book.create_sheet("tweede").append(["genegeerd"])
    path = tmp_path / "maatregelen.xlsx"
    book.save(path)
    frame, problems = read_and_validate(path, "maatregelen")
    assert problems == []
    assert frame["bedrag"].tolist() == [95000.0, 1234.5]
    assert frame["karakter"].tolist() == ["structureel", "incidenteel"]
    assert frame["_line"].tolist() == [2, 3]


def test_many_bad_rows_are_counted_not_listed(tmp_path):
    rows = "".join(f"c{i},2023-01-31,9\n" for i in range(25))
    _, problems = load(tmp_path, "client,peildatum,trede\n" + rows, "clienten.csv", "clienten")
    assert len(problems) == 11
    assert (
        problems[-1]
        == "clienten.csv: trede: nog 15 regels met dezelfde fout (zoals 9 is groter dan 6)"
    )


def test_a_byte_order_mark_inside_the_file_loses_no_line(tmp_path: Path) -> None:
    """Two exports glued together leave a BOM mid-file; pandas used to drop its line."""
    from jaarverslag.inputs.tables.readers import read_table

    path = tmp_path / "c.csv"
    path.write_bytes(b"a;b\n1;2\n\xef\xbb\xbf3;4\n")
    raw, problems = read_table(path, "c.csv")
    assert problems == [] and raw is not None
    assert raw.frame["a"].tolist() == ["1", "3"]
    assert raw.frame["_line"].tolist() == [2, 3]
    path.write_bytes(b"\n-\n\xef\xbb\xbf\n-")  # the fuzzer's case: a problem or a frame, no crash
    read_table(path, "c.csv")
