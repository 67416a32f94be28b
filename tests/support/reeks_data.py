"""A small reeks worked out by hand, for the reeks tests: five gemeenten in two size classes
and one without, Nederland's totals, a post renamed between the years (same code).

Lasten per inwoner of post 1 in the begroting 2025 (bedrag / inwoners):

    gemeente  inwoners  klasse  lasten 2025  per inwoner
    Aadorp       1.000  klein       10.000        10,00
    Bedum        2.000  klein       30.000        15,00
    Cuijk        4.000  groot       40.000        10,00
    Dalen        3.000  groot       60.000        20,00
    Eelde        5.000  (none)      25.000         5,00

Medians: klein (10, 15) 12,50; groot (10, 20) 15,00; all (5, 10, 10, 15, 20) 10,00.
Places (highest first): Bedum 1 and Aadorp 2 of 2 in klein; Dalen 1 and Cuijk 2 in groot;
Eelde, without a class, 5 of 5 among all. Nederland: 165.000 / 15.000 = 11,00.
Baten per inwoner of post 1: 2.000/1.000 = 2, 2.000/2.000 = 1, 4.000/4.000 = 1, 9.000/3.000
= 3, 0/5.000 = 0; medians klein 1,50, groot 2,00, all 1,00; Nederland 17.000/15.000.
"""

from __future__ import annotations

from pathlib import Path

from support.helpers import write_rapport

GEMEENTEN = """gemeente;inwoners;grootteklasse;provincie
Aadorp;1000;klein;Overijssel
Bedum;2000;klein;Groningen
Cuijk;4000;groot;Noord-Brabant
Dalen;3000;groot;Drenthe
Eelde;5000;;Drenthe
Nederland;15000;;
"""

#: (gemeente, lasten 2024, lasten 2025, baten 2025, lasten post 2 in 2025)
AMOUNTS = [
    ("Aadorp", 9000, 10000, 2000, 500),
    ("Bedum", 30000, 30000, 2000, 600),
    ("Cuijk", 41000, 40000, 4000, 700),
    ("Dalen", 50000, 60000, 9000, 800),
    ("Eelde", 25000, 25000, 0, 900),
]


def kosten(nederland: bool = True, skew: int = 0) -> str:
    """kosten.csv of the reeks; ``skew`` is added to Nederland's lasten 2025 of post 1."""
    lines = ["gemeente;code;post;soort;jaar;stand;bedrag"]
    rows = [*AMOUNTS]
    if nederland:
        total = tuple(sum(r[i] for r in AMOUNTS) for i in range(1, 5))
        rows.append(("Nederland", total[0], total[1] + skew, total[2], total[3]))
    for naam, l24, l25, b25, p2 in rows:
        lines += [
            f"{naam};1;1 Oude naam;lasten;2024;begroting;{l24}",
            f"{naam};1;1 Nieuwe naam;lasten;2025;begroting;{l25}",
            f"{naam};1;1 Nieuwe naam;baten;2025;begroting;{b25}",
            f"{naam};2;2 Tweede;lasten;2025;begroting;{p2}",
        ]
    return "\n".join(lines) + "\n"


YAML = "titel: Werk en inkomen\nsoort: begroting\njaar: 2025\n"


def reeks(folder: Path, **files: str) -> Path:
    """The reeks in ``folder``; keyword arguments replace or add files (``kosten_csv=…``)."""
    content = {"rapport.yaml": YAML, "kosten.csv": kosten(), "gemeenten.csv": GEMEENTEN}
    content |= {name.replace("_", "."): text for name, text in files.items()}
    return write_rapport(folder, content)
