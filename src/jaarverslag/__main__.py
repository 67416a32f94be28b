"""`python -m jaarverslag`."""

from jaarverslag.cli import run

run()
