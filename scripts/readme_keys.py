"""Write the README's rapport.yaml key table from the declaration in src/jaarverslag/config.py.

Run after changing a key: ``.venv/bin/python scripts/readme_keys.py``. tests/test_readme_keys.py
fails while the README holds another table than this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jaarverslag.inputs.config.keys import key_table

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN = (
    "<!-- rapport.yaml keys: written by scripts/readme_keys.py from src/jaarverslag/config.py -->"
)
END = "<!-- end of rapport.yaml keys -->"


def with_table(readme: str) -> str:
    """``readme`` with the current table between the two markers."""
    start = readme.index(BEGIN) + len(BEGIN)
    end = readme.index(END)
    return readme[:start] + "\n" + key_table() + readme[end:]


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new = with_table(text)
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"{README.name}: rapport.yaml table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
