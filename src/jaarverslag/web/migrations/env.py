"""Alembic's entry: runs the migrations on the connection :func:`jaarverslag.web.db.migrate`
hands over (or, from Alembic's own command line, on ``sqlalchemy.url``)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from jaarverslag.web.models import Base


def run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite changes a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        run(given)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    with create_engine(url).begin() as connection:
        run(connection)


main()
