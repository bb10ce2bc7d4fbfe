"""placement history, follow-ups, a general audit trail (issue #9)

Placements: a placement may come from the programme's history (INDICATORS.md) with no offer nor vacancy, so
``offer_id``, ``vacancy_id`` and ``confirmed_by`` become optional and every placement names its employer,
level and town itself (``code`` is its history id: P-<offer id> for the existing ones). Ending one records
the day (``end_date``) and a reason code (enum endreason); what people wrote so far moves to ``end_note``
and the reason of those already ended becomes ``other``.

Follow-ups 1, 3, 6 and 12 months after a placement's start, and the company's answer at each due date.

The audit trail records every change, not only offer moves: an event names its action, may concern no
vacancy, trainee or company, carries details, and its cause is a plain code (enum offercause stays on offer).

Revision ID: 8446df54902e
Revises: e60e8277cc5d
Create Date: 2026-12-03 06:36:17.718057
"""

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import core.columns

revision: str = "8446df54902e"
down_revision: str | None = "e60e8277cc5d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

END_REASON = sa.Enum("resigned", "dismissed", "contract_ended", "trial_failed", "remigrated", "other", name="endreason")
CHANNEL = sa.Enum("call", "visit", "sms", name="contactchannel")
EMPLOYMENT = sa.Enum("same_employer", "other_security_job", "other_job", "unemployed", "abroad", name="employment")
CAUSE = sa.Enum("vacancy_closed", "placed_elsewhere", "asked_by_employer", name="offercause")


def upgrade() -> None:
    """Apply the change."""
    bind = op.get_bind()
    for enum in (END_REASON, CHANNEL, EMPLOYMENT):
        enum.create(bind, checkfirst=True)  # PostgreSQL's enum types (nothing on SQLite)
    _follow_up_tables()
    _general_audit()
    _placement_history()


def _follow_up_tables() -> None:
    op.create_table(
        "employment_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("still_employed", sa.Boolean(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("left_reason", sa.Enum(name="endreason", create_type=False), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["confirmed_by"], ["user.id"]),
        sa.ForeignKeyConstraint(["placement_id"], ["placement.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("placement_id", "month", name="uq_employment_confirmation_placement_month"),
    )
    op.create_index("ix_employment_confirmation_placement_id", "employment_confirmation", ["placement_id"])
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.Enum(name="contactchannel", create_type=False), nullable=True),
        sa.Column("employment", sa.Enum(name="employment", create_type=False), nullable=True),
        sa.Column("salary_fcfa_month", sa.Integer(), nullable=True),
        sa.Column("economic", sa.Float(), nullable=True),
        sa.Column("social", sa.Float(), nullable=True),
        sa.Column("psychosocial", sa.Float(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", core.columns.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["placement_id"], ["placement.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("placement_id", "month", name="uq_follow_up_placement_month"),
    )
    op.create_index("ix_follow_up_placement_id", "follow_up", ["placement_id"])


def _general_audit() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), server_default="", nullable=False))
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.alter_column("entity", existing_type=sa.VARCHAR(length=16), type_=sa.String(length=24), existing_nullable=False)
        batch_op.alter_column("cause", existing_type=CAUSE, type_=sa.String(length=24), existing_nullable=True,
                              postgresql_using="cause::text")  # fmt: skip
        for column in ("entity_id", "vacancy_id", "trainee_id", "employer_id"):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("to_state", existing_type=sa.VARCHAR(length=24), nullable=True)
    op.execute("UPDATE audit_event SET action = to_state")


def _placement_history() -> None:
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.alter_column("end_reason", new_column_name="end_note", existing_type=sa.String())
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("employer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("employer_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column("town", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.Enum(name="endreason", create_type=False), nullable=True))
    _name_existing_placements()
    with op.batch_alter_table("placement", schema=None) as batch_op:
        for column, length in (("code", 64), ("employer_name", 200), ("level", 16)):
            batch_op.alter_column(column, existing_type=sa.String(length=length), nullable=False)
        for column in ("offer_id", "vacancy_id", "confirmed_by"):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_placement_code", ["code"], unique=True)
        batch_op.create_index("ix_placement_employer_id", ["employer_id"], unique=False)
        batch_op.create_index("ix_placement_trainee_id", ["trainee_id"], unique=False)
        batch_op.create_foreign_key("fk_placement_employer_id_employer", "employer", ["employer_id"], ["id"])


def _name_existing_placements() -> None:
    """Give each existing placement its code, its vacancy's employer, level and town, and its end's day and reason."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT p.id, p.offer_id, p.ended_at, v.employer_id, e.name, v.level, v.town FROM placement p "
        "JOIN vacancy v ON v.id = p.vacancy_id JOIN employer e ON e.id = v.employer_id"
    )).all()  # fmt: skip
    for placement_id, offer_id, ended_at, employer_id, name, level, town in rows:
        values = {"code": f"P-{offer_id:05d}", "employer_id": employer_id, "employer_name": name, "level": str(level),
                  "town": town, "end_date": _day(ended_at),
                  "end_reason": "other" if ended_at is not None else None}  # fmt: skip
        table = sa.table("placement", sa.column("id"), *(sa.column(key) for key in values))
        bind.execute(table.update().where(table.c.id == placement_id).values(values))


def _day(ended_at: datetime | str | None) -> date | None:
    """Return the day of a recorded end (SQLite hands timestamps back as text)."""
    if ended_at is None:
        return None
    return date.fromisoformat(ended_at[:10]) if isinstance(ended_at, str) else ended_at.date()


def downgrade() -> None:
    """Undo the change (placements loaded from history, with no offer, are deleted with their follow-ups)."""
    op.drop_table("employment_confirmation")
    op.drop_table("follow_up")
    op.execute("DELETE FROM placement WHERE offer_id IS NULL OR vacancy_id IS NULL OR confirmed_by IS NULL")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_constraint("fk_placement_employer_id_employer", type_="foreignkey")
        for index in ("ix_placement_trainee_id", "ix_placement_employer_id", "ix_placement_code"):
            batch_op.drop_index(index)
        for column in ("offer_id", "vacancy_id", "confirmed_by"):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
        for column in ("end_reason", "end_date", "town", "level", "employer_name", "employer_id", "code"):
            batch_op.drop_column(column)
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.alter_column("end_note", new_column_name="end_reason", existing_type=sa.String())
    op.execute("DELETE FROM audit_event WHERE to_state IS NULL OR entity_id IS NULL OR vacancy_id IS NULL "
               "OR trainee_id IS NULL OR employer_id IS NULL OR entity NOT IN ('offer', 'placement')")  # fmt: skip
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("to_state", existing_type=sa.VARCHAR(length=24), nullable=False)
        for column in ("entity_id", "vacancy_id", "trainee_id", "employer_id"):
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("cause", existing_type=sa.String(length=24), type_=CAUSE, existing_nullable=True,
                              postgresql_using="cause::offercause")  # fmt: skip
        batch_op.alter_column("entity", existing_type=sa.String(length=24), type_=sa.VARCHAR(length=16), existing_nullable=False)
        batch_op.drop_column("details")
        batch_op.drop_column("action")
    bind = op.get_bind()
    for enum in (EMPLOYMENT, CHANNEL, END_REASON):
        enum.drop(bind, checkfirst=True)
