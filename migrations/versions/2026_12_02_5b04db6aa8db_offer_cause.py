"""offer cause: why the system moved an offer, stored as a code (issue #8)

Until now the system wrote French sentences into offer.reason and audit_event.reason ("offre fermée par la
société"…) and the code compared them. A new column ``cause`` (enum offercause) on both tables holds the
code instead; the rows holding one of those sentences get its code and lose the sentence, which the pages
and notices now word themselves. ``reason`` keeps what people write. The downgrade writes the sentences back.

Revision ID: 5b04db6aa8db
Revises: c23c8d2b00f1
Create Date: 2026-12-02 18:23:27.381084
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b04db6aa8db"
down_revision: str | None = "c23c8d2b00f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Each cause and the sentence the system used to store for it (as employers.offers wrote them before).
SENTENCES = {
    "vacancy_closed": "offre fermée par la société",
    "placed_elsewhere": "agent placé sur un autre poste",
    "asked_by_employer": "demandé par la société",
}
#: The audit events each cause was written on: the system's withdrawals, the shortlisting a company asked for.
EVENTS = {
    "vacancy_closed": {"to_state": "withdrawn", "actor_id": None},
    "placed_elsewhere": {"to_state": "withdrawn", "actor_id": None},
    "asked_by_employer": {"to_state": "shortlisted", "from_state": None},
}
CAUSE = sa.Enum(*SENTENCES, name="offercause")
STATE = sa.Enum("shortlisted", "offered", "accepted", "declined", "confirmed", "rejected_by_employer", "expired", "withdrawn",
                name="offerstate")  # fmt: skip
offer = sa.table("offer", sa.column("state", STATE), sa.column("reason", sa.String), sa.column("cause", CAUSE))
audit_event = sa.table(
    "audit_event",
    sa.column("entity", sa.String),
    sa.column("from_state", sa.String),
    sa.column("to_state", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("reason", sa.String),
    sa.column("cause", CAUSE),
)


def upgrade() -> None:
    """Apply the change."""
    CAUSE.create(op.get_bind(), checkfirst=True)  # PostgreSQL's enum type (nothing on SQLite)
    op.add_column("offer", sa.Column("cause", CAUSE, nullable=True))
    op.add_column("audit_event", sa.Column("cause", CAUSE, nullable=True))
    for cause, sentence in SENTENCES.items():
        coded = {"cause": cause, "reason": None}
        op.execute(offer.update().where(offer.c.state == "withdrawn", offer.c.reason == sentence).values(coded))
        op.execute(audit_event.update().where(*_written(cause), audit_event.c.reason == sentence).values(coded))


def downgrade() -> None:
    """Undo the change."""
    for cause, sentence in SENTENCES.items():
        op.execute(offer.update().where(offer.c.cause == cause).values(reason=sentence))
        op.execute(audit_event.update().where(audit_event.c.cause == cause).values(reason=sentence))
    op.drop_column("audit_event", "cause")
    op.drop_column("offer", "cause")
    CAUSE.drop(op.get_bind(), checkfirst=True)


def _written(cause: str) -> list[sa.ColumnElement[bool]]:
    """Return the conditions matching the audit events on which the system wrote this cause's sentence."""
    conditions = [audit_event.c.entity == "offer"]
    for name, value in EVENTS[cause].items():
        column = audit_event.c[name]
        conditions.append(column.is_(None) if value is None else column == value)
    return conditions
