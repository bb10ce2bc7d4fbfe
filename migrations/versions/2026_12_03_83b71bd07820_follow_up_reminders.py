"""follow-up reminders: the SMS telling a trainee a follow-up call is coming, once per placement and month

Revision ID: 83b71bd07820
Revises: a7c3e91d2f04
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.columns

revision: str = "83b71bd07820"
down_revision: str | None = "a7c3e91d2f04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "follow_up_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_message.id"]),
        sa.ForeignKeyConstraint(["placement_id"], ["placement.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("placement_id", "month", name="uq_follow_up_reminder_placement_month"),
    )
    op.create_index("ix_follow_up_reminder_placement_id", "follow_up_reminder", ["placement_id"])


def downgrade() -> None:
    """Revert the change."""
    op.drop_index("ix_follow_up_reminder_placement_id", table_name="follow_up_reminder")
    op.drop_table("follow_up_reminder")
