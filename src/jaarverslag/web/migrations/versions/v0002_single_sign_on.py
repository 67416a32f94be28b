"""Single sign-on: who a user is at the OpenID Connect provider (an identity: the issuer and the
stable subject id it vouches for), and what the token said of them (name, e-mail), and when a
user last logged in (for the beheerder's page).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from jaarverslag.web.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


#: New columns of ``users``: plain ``ALTER TABLE … ADD/DROP COLUMN`` on both databases (SQLite
#: has dropped columns itself since 3.35), never a copy of the table, which the foreign keys
#: that point at it would refuse.
COLUMNS = (
    ("display_name", sa.String(255)),
    ("email", sa.String(255)),
    ("last_login", UTCDateTime()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("users", sa.Column(name, kind, nullable=True))
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("created", UTCDateTime(), nullable=False),
        sa.Column("last_login", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("issuer", "subject", name="uq_identities_issuer_subject"),
    )


def downgrade() -> None:
    op.drop_table("identities")
    for name, _kind in reversed(COLUMNS):
        op.drop_column("users", name)
