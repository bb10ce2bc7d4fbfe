"""sign-in attempts: whether a PIN was tried, for the ceiling on PIN failures (issue #12, hardening)

Only checked and failed sign-ins are kept now (web.auth.throttle); ``pin`` marks those of a phone login,
counted together against an hourly ceiling, with an index on (pin, at) for that count. Existing rows were
kept for a minute only: they are all deleted, which costs nobody more than a shorter wait.

Revision ID: a7c3e91d2f04
Revises: a90e878eac8f
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7c3e91d2f04"
down_revision: str | None = "a90e878eac8f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM sign_in_attempt")
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_sign_in_attempt_pin_at", ["pin", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_attempt_pin_at")
        batch_op.drop_column("pin")
