"""The version of the package (pyproject.toml has the same), for the outputs that name it."""

VERSION = "0.1.0"
