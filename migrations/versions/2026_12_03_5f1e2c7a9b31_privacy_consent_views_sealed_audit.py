"""privacy: consent with scope and history, the view log, audit texts sealed by a salted digest (issue #12)

``consent`` keeps every decision (trainee, scope, given or withdrawn, by whom, how, on what document, when);
today's ``consent_to_share`` of each profile with a decision recorded becomes its first ``share`` row.
``profile_view`` logs who opened a trainee's personal data.

The audit chain now hashes an event's ``reason`` and ``details`` by their salted digest (core.audit.sealed), so
an erasure can drop the texts and keep the digests: every existing event gets a salt and the chain is computed
again in seq order — after checking that it holds as it was (a broken chain refuses the migration).

Revision ID: 5f1e2c7a9b31
Revises: bf72f75363df
Create Date: 2026-12-03 07:55:00
"""

import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.columns
from core.audit import CONTENT, event_hash

revision: str = "5f1e2c7a9b31"
down_revision: str | None = "bf72f75363df"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply the change."""
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("document", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_at", core.columns.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainee_profile.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_consent_trainee_id"), "consent", ["trainee_id"], unique=False)
    op.create_table(
        "profile_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("page", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("at", core.columns.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["trainee_id"], ["trainee_profile.id"]),
        sa.ForeignKeyConstraint(["viewer_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_profile_view_trainee_id"), "profile_view", ["trainee_id"], unique=False)
    op.create_index(op.f("ix_profile_view_viewer_id"), "profile_view", ["viewer_id"], unique=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    _carry_consent()
    _reseal_chain()


def _carry_consent() -> None:
    """Make each profile's recorded share decision the first row of its consent history."""
    op.execute(
        "INSERT INTO consent (trainee_id, scope, given, channel, recorded_at) "
        "SELECT id, 'share', consent_to_share, 'migration', consent_recorded_at FROM trainee_profile "
        "WHERE consent_recorded_at IS NOT NULL"
    )


def _old_hash(values: dict[str, Any]) -> str:
    """Return an event's hash as revision a90e878eac8f computed it (its texts hashed as they are)."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()
        return value

    content = {name: plain(values[name]) for name in (*CONTENT, "prev_hash")}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _chain_rows() -> tuple[sa.TableClause, list[sa.Row[Any]]]:
    """Return the audit table and its chained events in seq order, read as the application reads them."""
    typed = {"at": core.columns.UtcDateTime(), "details": sa.JSON()}
    names = [name for name in CONTENT if name != "seq"]
    table = sa.table("audit_event", sa.column("id"), sa.column("seq"), sa.column("prev_hash"), sa.column("hash"),
                     sa.column("salt"), *(sa.column(name, typed.get(name)) for name in names))  # fmt: skip
    columns = (table.c.id, table.c.seq, table.c.prev_hash, table.c.hash, *(table.c[name] for name in names))
    return table, list(op.get_bind().execute(sa.select(*columns).where(table.c.seq.is_not(None)).order_by(table.c.seq)))


def _reseal_chain() -> None:
    """Check the chain as it was, then salt every event and chain them again in seq order."""
    table, rows = _chain_rows()
    bind = op.get_bind()
    prev: str | None = None
    for row in rows:
        values = dict(row._mapping)
        # as revision a90e878eac8f wrote it then, or as it writes it now (it calls today's event_hash, unsalted)
        if values["prev_hash"] != prev or values["hash"] not in (_old_hash(values), event_hash({**values, "salt": None})):
            raise RuntimeError(f"audit chain broken at event id {values['id']} (run rdvm audit verify first): not migrated")
        prev = values["hash"]
    prev = None
    for row in rows:
        values = {**row._mapping, "salt": secrets.token_hex(16), "prev_hash": prev}
        prev = event_hash(values)
        bind.execute(
            table.update().where(table.c.id == row.id).values(salt=values["salt"], prev_hash=values["prev_hash"], hash=prev)
        )


def _unseal_chain() -> None:
    """Chain the events again as revision a90e878eac8f did (texts hashed as they are; erased ones stay erased)."""
    table, rows = _chain_rows()
    prev: str | None = None
    for row in rows:
        values = {**row._mapping, "prev_hash": prev}
        prev = _old_hash(values)
        op.get_bind().execute(table.update().where(table.c.id == row.id).values(prev_hash=values["prev_hash"], hash=prev))


def downgrade() -> None:
    """Undo the change (the chain computed again the old way)."""
    _unseal_chain()
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("salt")
    op.drop_index(op.f("ix_profile_view_viewer_id"), table_name="profile_view")
    op.drop_index(op.f("ix_profile_view_trainee_id"), table_name="profile_view")
    op.drop_table("profile_view")
    op.drop_index(op.f("ix_consent_trainee_id"), table_name="consent")
    op.drop_table("consent")
