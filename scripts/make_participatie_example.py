"""Writes data/participatie-2017/clienten.csv: synthetic client records, never real people.

The file is committed; this script regenerates it byte for byte (fixed seed, fixed size,
fixed peildata), so anyone can check that the example holds no real personal data:

    PYTHONPATH=src python scripts/make_participatie_example.py [--check]

``--check`` writes nothing and exits 1 when the committed file differs from a fresh one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jaarverslag.inputs.synthetic import generate_clienten, write_clienten_csv  # noqa: E402

TARGET = ROOT / "data" / "participatie-2017" / "clienten.csv"
CLIENTEN = 2_400  #: caseload at each peildatum: a mid-sized regional social service
PEILDATA = (date(2017, 1, 31), date(2017, 12, 31))
SEED = 2017


def write(path: Path) -> None:
    """Generate the example's client records and write them to ``path``."""
    write_clienten_csv(generate_clienten(CLIENTEN, PEILDATA, seed=SEED), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, don't write")
    args = parser.parse_args(argv)
    if not args.check:
        write(TARGET)
        print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size:,} bytes")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "clienten.csv"
        write(fresh)
        same = TARGET.is_file() and fresh.read_bytes() == TARGET.read_bytes()
    print(f"{TARGET.relative_to(ROOT)}: {'identical' if same else 'DIFFERS'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
