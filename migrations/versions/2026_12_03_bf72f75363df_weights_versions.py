"""weights versions: the score's weights adopted by an admin, and the version each offer was made with (issue #11)

Revision ID: bf72f75363df
Revises: 83b71bd07820
Create Date: 2026-12-03 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.columns import UtcDateTime

revision: str = "bf72f75363df"
down_revision: str | None = "83b71bd07820"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "weights_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("baseline_auc", sa.Float(), nullable=True),
        sa.Column("learned_auc", sa.Float(), nullable=True),
        sa.Column("restores", sa.Integer(), nullable=True),
        sa.Column("adopted_by", sa.Integer(), nullable=True),
        sa.Column("adopted_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["adopted_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weights_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_column("weights_version")
    op.drop_table("weights_version")
