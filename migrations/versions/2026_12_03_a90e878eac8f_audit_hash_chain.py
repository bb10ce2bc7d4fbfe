"""audit hash chain: each event's place in the chain, the previous event's hash and its own (issue #9)

The events recorded so far are chained in the order they were written (their id), as core.audit chains new
ones at commit: seq 1, 2, 3…, prev_hash the hash of the one before (none for the first), hash the SHA-256 of
core.audit.canonical.

Revision ID: a90e878eac8f
Revises: 8446df54902e
Create Date: 2026-12-03 06:42:19.074467
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.audit import CONTENT, event_hash
from core.columns import UtcDateTime

revision: str = "a90e878eac8f"
down_revision: str | None = "8446df54902e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_event_seq"), ["seq"], unique=True)
    _chain_existing()


def _chain_existing() -> None:
    """Chain the events already recorded, in id order."""
    typed = {"at": UtcDateTime(), "details": sa.JSON()}  # read back as the application reads them, to hash the same
    names = [name for name in CONTENT if name != "seq"]
    table = sa.table("audit_event", sa.column("id"), sa.column("seq"), sa.column("prev_hash"), sa.column("hash"),
                     *(sa.column(name, typed.get(name)) for name in names))  # fmt: skip
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, *(table.c[name] for name in names)).order_by(table.c.id)).all()
    prev: str | None = None
    for seq, row in enumerate(rows, start=1):
        values = {**row._mapping, "seq": seq, "prev_hash": prev}
        prev = event_hash(values)
        bind.execute(table.update().where(table.c.id == row.id).values(seq=seq, prev_hash=values["prev_hash"], hash=prev))


def downgrade() -> None:
    """Undo the change."""
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_seq"))
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
