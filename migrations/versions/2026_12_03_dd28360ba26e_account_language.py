"""accounts' language (issue #13): the language staff and company accounts read their notices in

``user.message_language`` is empty for every existing account (French, as before); it is set when the person
picks a language on the pages (employers.recipients reads it).

Revision ID: dd28360ba26e
Revises: 6d2b8f4e1c07
Create Date: 2026-12-03 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "dd28360ba26e"
down_revision: str | None = "6d2b8f4e1c07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))


def downgrade() -> None:
    """Undo the change (every account reads its notices in French again)."""
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("message_language")
