"""ranking store: rankings shared by every process, the queue of changes, the worker's status (issue #12)

Revision ID: d4e8a1c6b2f7
Revises: 5d2b7e1f9c30
Create Date: 2026-12-03 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.columns import UtcDateTime

revision: str = "d4e8a1c6b2f7"
down_revision: str | None = "5d2b7e1f9c30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "ranking_work",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "vacancy_ranking",
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("ranked_at", UtcDateTime(), nullable=False),
        sa.Column("eligible_count", sa.Integer(), nullable=False),
        sa.Column("pool_count", sa.Integer(), nullable=False),
        sa.Column("last_score", sa.Float(), nullable=False),
        sa.Column("listed", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("bitmaps", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancy.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vacancy_id"),
    )
    op.create_table(
        "ranking_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("rebuilt_at", UtcDateTime(), nullable=True),
        sa.Column("heartbeat_at", UtcDateTime(), nullable=True),
        sa.Column("rebuilding", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    """Undo the change."""
    op.drop_table("ranking_status")
    op.drop_table("vacancy_ranking")
    op.drop_table("ranking_work")
