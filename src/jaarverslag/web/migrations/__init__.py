"""The Alembic migrations of the werkplek's database: a database of any earlier revision in,
the schema of :mod:`jaarverslag.web.models` out (``jaarverslag web migreer``)."""
