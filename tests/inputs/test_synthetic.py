"""Synthetic client records: determinism, realism, and the clienten.csv they are written as."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.helpers import ROOT

from jaarverslag.compute.clienten import ladder
from jaarverslag.inputs.synthetic import CSV_COLUMNS, generate_clienten, write_clienten_csv

PEILDATA = [date(2017, 1, 31), date(2017, 4, 30), date(2017, 8, 31), date(2017, 12, 31)]


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return generate_clienten(5_000, PEILDATA, seed=7)


def test_same_seed_same_frame_other_seed_other_frame(records: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(records, generate_clienten(5_000, PEILDATA, seed=7))
    assert not records.equals(generate_clienten(5_000, PEILDATA, seed=8))


def test_typed_as_the_loader_types_clienten(records: pd.DataFrame) -> None:
    assert list(records.columns) == [*CSV_COLUMNS, "_line"]
    assert records["peildatum"].dtype == "datetime64[ns]"
    assert records["trede"].dtype == np.int8
    assert records["leeftijd"].dtype == np.float64
    assert records["_line"].tolist() == list(range(2, len(records) + 2))
    assert not records.duplicated(["client", "peildatum"]).any()
    assert set(records["peildatum"].dt.date) == set(PEILDATA)


def test_values_are_realistic(records: pd.DataFrame) -> None:
    trede = records["trede"]
    assert trede.between(1, 6).all()
    assert trede.isin([2, 3, 4]).mean() > 0.6  # the ladder is mostly 2–4
    age = records["leeftijd"]
    assert age.dropna().between(18, 67).all() and 0 < age.isna().mean() < 0.02
    assert set(records["categorie"].dropna()) == {"1A", "1B", "1C", "2A", "2B", "3A", "3B"}
    assert set(records["groeipotentieel"].dropna()) == {"ja", "nee"}
    assert set(records["uitstroom"].dropna()) == {"werk", "anders"}
    werk = records.loc[records["uitstroom"] == "werk", "client"].nunique()
    assert 0.01 < werk / records["client"].nunique() < 0.15  # a few percent uitstroom werk


def test_some_clients_move_enter_and_leave(records: pd.DataFrame) -> None:
    result = ladder(records, min_celgrootte=0)
    totaal = dict(
        zip(
            ["stijgers", "gelijk", "dalers"],
            result.table("ladder_stijgers").rows[-1].cells,
            strict=False,
        )
    )
    assert totaal["stijgers"].value > totaal["dalers"].value > 0
    assert totaal["gelijk"].value > totaal["stijgers"].value
    uit = [r.cells[0].value for r in result.table("ladder_uitstroom").rows]
    both, left, entered = uit[:3]
    assert both > 0.7 * records["client"].nunique() and left > 0 and entered > 0


def test_one_peildatum_and_bad_arguments() -> None:
    one = generate_clienten(100, [date(2017, 1, 31)], seed=1)
    assert len(one) == 100 and one["uitstroom"].isna().sum() > 80
    with pytest.raises(ValueError):
        generate_clienten(0, PEILDATA, seed=1)
    with pytest.raises(ValueError):
        generate_clienten(10, [], seed=1)


def test_written_csv_follows_the_spec(tmp_path: Path) -> None:
    df = generate_clienten(300, PEILDATA, seed=3)
    path = tmp_path / "clienten.csv"
    write_clienten_csv(df, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert len(lines) == len(df) + 1
    fields = [line.split(",") for line in lines[1:]]
    assert all(len(f) == 7 for f in fields)
    assert {f[1] for f in fields} == {d.isoformat() for d in PEILDATA}
    assert all(f[3] == "" or f[3].isdigit() for f in fields)  # whole ages, no "45.0"
    assert any(f[6] == "" for f in fields) and any(f[4] == "" for f in fields)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back["client"].tolist() == df["client"].tolist()
    assert back["trede"].astype(int).tolist() == df["trede"].tolist()


@pytest.mark.slow
def test_written_csv_loads_to_the_same_ladder(tmp_path: Path) -> None:
    schemas = pytest.importorskip("jaarverslag.inputs.tables.schemas")
    df = generate_clienten(400, PEILDATA, seed=5)
    path = tmp_path / "clienten.csv"
    write_clienten_csv(df, path)
    loaded, problems = schemas.read_and_validate(path, "clienten")
    assert [p for p in problems if p.severity == "error"] == []
    assert ladder(loaded).tables == ladder(df).tables


def test_caseload_gives_exactly_clients_times_peildata_rows(records: pd.DataFrame) -> None:
    assert len(records) == 5_000 * 4  # the benchmark's 400,000 × 4 is exactly 1.6 million
    assert records.groupby("peildatum").size().tolist() == [5_000] * 4
    distinct = records["client"].nunique()
    # 5% of the places change hands at each of 3 transitions: about 750 new clients.
    assert 5_000 + 500 < distinct < 5_000 + 1_000
    # A client's peildata are contiguous: present from its first to its last peildatum.
    index = records["peildatum"].rank(method="dense").astype(int)
    span = index.groupby(records["client"]).agg(["min", "max", "count"])
    assert (span["max"] - span["min"] + 1 == span["count"]).all()


@pytest.mark.slow
def test_example_clienten_csv_regenerates_byte_for_byte() -> None:
    root = ROOT
    done = subprocess.run(
        [sys.executable, str(root / "scripts" / "make_participatie_example.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "data" / "participatie-2017" / "clienten.csv").stat().st_size < 300_000
