"""idempotent replies: the kept reply of each creating API call sent with an Idempotency-Key (issue #12, finding 6)

Revision ID: 6d2b8f4e1c07
Revises: d4e8a1c6b702
Create Date: 2026-12-03 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.columns

revision: str = "6d2b8f4e1c07"
down_revision: str | None = "d4e8a1c6b702"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "idempotent_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("request_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", core.columns.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "key", name="uq_idempotent_reply_owner_key"),
    )


def downgrade() -> None:
    """Undo the change (the kept replies are dropped: retries after it create again)."""
    op.drop_table("idempotent_reply")
