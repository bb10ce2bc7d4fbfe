"""trainees' language and forgotten PINs (issue #13): the language a trainee reads their pages and SMS in, and
the codes sent by SMS to choose a new PIN

``trainee_profile.message_language`` is empty for every existing trainee (French, as before).
``pin_reset_code`` keeps the hash of each code sent, when it expires, when it was used and its wrong tries; a
request for a phone no trainee has is kept too (no user, no code), to throttle the asking address.

Revision ID: 5d2b7e1f9c30
Revises: d4e8a1c6f2b7
Create Date: 2026-12-03 09:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5d2b7e1f9c30"
down_revision: str | None = "d4e8a1c6f2b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trainee_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
    op.create_table(
        "pin_reset_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pin_reset_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pin_reset_code_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pin_reset_code_client"), ["client"], unique=False)


def downgrade() -> None:
    op.drop_table("pin_reset_code")
    with op.batch_alter_table("trainee_profile", schema=None) as batch_op:
        batch_op.drop_column("message_language")
