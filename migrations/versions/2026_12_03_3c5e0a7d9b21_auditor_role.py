"""auditor role: a read-only account for the evaluation, its exports and the audit trail, pseudonymised (issue #10)

Revision ID: 3c5e0a7d9b21
Revises: 5f1e2c7a9b31
Create Date: 2026-12-03 08:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c5e0a7d9b21"
down_revision: str | None = "5f1e2c7a9b31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    if op.get_bind().dialect.name == "postgresql":
        # The role column is a PostgreSQL enum: it learns the new value (SQLite stores the name as text).
        op.execute("ALTER TYPE role ADD VALUE IF NOT EXISTS 'auditor'")


def downgrade() -> None:
    """Undo the change (PostgreSQL's role enum keeps the value 'auditor', unused: an enum value cannot be dropped)."""
    op.execute("DELETE FROM auth_session WHERE user_id IN (SELECT id FROM \"user\" WHERE role = 'auditor')")
    op.execute("DELETE FROM \"user\" WHERE role = 'auditor'")
