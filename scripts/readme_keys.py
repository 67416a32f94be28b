"""Write the rapport.yaml key table of docs/rapport-yaml.md from the declaration in
src/jaarverslag/inputs/config/keys.py.

Run after changing a key: ``.venv/bin/python scripts/readme_keys.py``. tests/test_readme_keys.py
fails while the page holds another table than this script writes. (The table was the README's
until the README was shortened; the script kept its name.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from jaarverslag.inputs.config.keys import key_table

PAGE = Path(__file__).resolve().parents[1] / "docs" / "rapport-yaml.md"
BEGIN = (
    "<!-- rapport.yaml keys: written by scripts/readme_keys.py from "
    "src/jaarverslag/inputs/config/keys.py -->"
)
END = "<!-- end of rapport.yaml keys -->"


def with_table(page: str) -> str:
    """``page`` with the current table between the two markers."""
    start = page.index(BEGIN) + len(BEGIN)
    end = page.index(END)
    return page[:start] + "\n" + key_table() + page[end:]


def main() -> int:
    text = PAGE.read_text(encoding="utf-8")
    new = with_table(text)
    if new != text:
        PAGE.write_text(new, encoding="utf-8")
        print(f"{PAGE.name}: rapport.yaml table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
