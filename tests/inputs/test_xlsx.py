"""Every cell of a workbook arrives, whatever its ``<dimension>`` claims (issue 10, item 4)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.cell.cell import ERROR_CODES

from jaarverslag.inputs.tables.xlsx import Workbook
from jaarverslag.inputs.tables.xlsxcells import column_letter

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(
    # openpyxl writes "=…" as a formula, and Excel's error codes ("#NUM!") as an error cell
    lambda t: t.strip() and not t.startswith("=") and t not in ERROR_CODES
)
VALUE = st.one_of(
    TEXT,
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False).filter(lambda f: not f.is_integer()),
    st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31)),
)
#: sparse sheets: (row, column) → value, rows and columns with gaps
CELLS = st.dictionaries(
    st.tuples(st.integers(1, 60), st.integers(1, 30)), VALUE, min_size=1, max_size=60
)
DIMENSION = st.sampled_from([None, "A1", "A1:B2", "A1:XFD1048576", "C3:D4"])


def _workbook(cells: dict[tuple[int, int], object], dimension: str | None) -> bytes:
    book = OpenpyxlWorkbook()
    sheet = book.active
    for (row, column), value in cells.items():
        sheet.cell(row=row, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<dimension ref="[^"]*"/>', b"", content)
                content = content.replace(
                    b"<sheetViews>", f'<dimension ref="{dimension}"/><sheetViews>'.encode(), 1
                )
            target.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(cells=CELLS, dimension=DIMENSION)
def test_every_cell_arrives(cells: dict[tuple[int, int], object], dimension: str | None) -> None:
    book = Workbook(_workbook(cells, dimension))
    read = book.cells(book.first_sheet())
    assert read.problems == ()
    arrived = {(r, c): v for r, row in read.rows.items() for c, v in row.items()}
    assert set(arrived) == set(cells)
    for place, value in cells.items():
        got = arrived[place]
        if isinstance(value, float):  # the writer keeps 16 significant digits, Excel 15
            assert math.isclose(got, value, rel_tol=1e-14)
        elif isinstance(value, dt.date):
            assert got in (value, dt.datetime.combine(value, dt.time()))
        else:
            assert got == value, f"{column_letter(place[1])}{place[0]}"


def test_column_letters() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 703, 16384)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "AAA",
        "XFD",
    ]


def test_a_shared_string_counts_in_every_cell_that_uses_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 22: the bound is on what the cells expand to, not on the file."""
    from support.hostile import shared_string_bomb

    from jaarverslag.inputs.tables import xlsx
    from jaarverslag.inputs.tables.xlsxcells import XlsxError

    book = Workbook(shared_string_bomb(cells=50, length=1000))
    assert len(book.cells(book.first_sheet()).rows) == 11  # 50 cells: within every bound
    monkeypatch.setattr(xlsx, "MAX_CHARACTERS", 20_000)  # 20 uses of the long string
    book = Workbook(shared_string_bomb(cells=50, length=1000))
    with pytest.raises(XlsxError, match=r"meer dan 20\.000 tekens"):
        book.cells(book.first_sheet())
    monkeypatch.setattr(xlsx, "MAX_CELLS", 40)
    book = Workbook(shared_string_bomb(cells=50, length=10))
    with pytest.raises(XlsxError, match="meer dan 40 gevulde cellen"):
        book.cells(book.first_sheet())
