"""company accounts and interviews: colleagues invited by the company, password resets by e-mail, an interview step
between a company's request and the offer (issue #13, employers)

Revision ID: d4e8a1c6f2b7
Revises: 3c5e0a7d9b21
Create Date: 2026-12-03 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.columns

revision: str = "d4e8a1c6f2b7"
down_revision: str | None = "3c5e0a7d9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    if op.get_bind().dialect.name == "postgresql":
        # The offer's state is a PostgreSQL enum: it learns the new state (SQLite stores the name as text).
        op.execute("ALTER TYPE offerstate ADD VALUE IF NOT EXISTS 'interview' AFTER 'shortlisted'")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interview_at", core.columns.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("interview_place", sa.String(length=200), nullable=True))
    op.create_table(
        "company_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=False),
        sa.Column("created_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", core.columns.UtcDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"]),
        sa.ForeignKeyConstraint(["invited_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["accepted_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index("ix_company_invitation_employer_id", "company_invitation", ["employer_id"])
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", core.columns.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index("ix_password_reset_user_id", "password_reset", ["user_id"])


def downgrade() -> None:
    """Revert the change: interviews go back to the shortlist (PostgreSQL's enum keeps the value, unused)."""
    op.execute("UPDATE offer SET state = 'shortlisted' WHERE state = 'interview'")
    op.drop_index("ix_password_reset_user_id", table_name="password_reset")
    op.drop_table("password_reset")
    op.drop_index("ix_company_invitation_employer_id", table_name="company_invitation")
    op.drop_table("company_invitation")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_column("interview_place")
        batch_op.drop_column("interview_at")
