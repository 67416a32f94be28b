"""`python -m jaarverslag`."""

from .cli import main

main()
