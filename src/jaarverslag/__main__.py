"""`python -m jaarverslag`."""

from .cli import run

run()
