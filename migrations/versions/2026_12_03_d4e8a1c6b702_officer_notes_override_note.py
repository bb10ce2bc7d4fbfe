"""officer notes and call log per trainee; an override's private note apart from the reason the company reads

Revision ID: d4e8a1c6b702
Revises: d4e8a1c6b2f7
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.columns

revision: str = "d4e8a1c6b702"
down_revision: str | None = "d4e8a1c6b2f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "trainee_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainee_profile.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trainee_note_trainee_id", "trainee_note", ["trainee_id"])
    with op.batch_alter_table("offer") as batch:
        batch.add_column(sa.Column("override_note", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    """Revert the change."""
    with op.batch_alter_table("offer") as batch:
        batch.drop_column("override_note")
    op.drop_index("ix_trainee_note_trainee_id", table_name="trainee_note")
    op.drop_table("trainee_note")
