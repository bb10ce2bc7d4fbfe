"""The audit trail: one event per change anyone (or the system) made, with who, when, what and why.

Every package below the web writes its changes' events here through `record`, in the transaction of the
change itself, so a change and its event are written together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel

from core.columns import json_field, time_field


class AuditEvent(SQLModel, table=True):
    """One change: who made it (none for the system), to which record, the state it moved from and to, and why.

    ``entity`` names the kind of record (offer, placement, vacancy, employer, trainee, cohort, follow_up,
    import…) and ``action`` what was done to it; ``from_state``/``to_state`` are set for moves between states.
    The trainee, vacancy and company concerned are kept apart so each one's trail is a query.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = time_field()
    actor_id: int | None = Field(default=None, foreign_key="user.id", description="none for the system")
    entity: str = Field(max_length=24, description="the kind of record changed, e.g. offer")
    entity_id: int | None = Field(default=None, description="the record's id, none for a change of many (an import)")
    action: str = Field(default="", max_length=32, description="what was done, e.g. publish, end, import")
    from_state: str | None = Field(default=None, max_length=24)
    to_state: str | None = Field(default=None, max_length=24)
    reason: str | None = Field(default=None, description="as written by the actor (a decline: its DeclineReason code)")
    cause: str | None = Field(default=None, max_length=24, description="the move's cause code when nobody wrote one")
    vacancy_id: int | None = Field(default=None, foreign_key="vacancy.id", index=True)
    trainee_id: int | None = Field(default=None, foreign_key="trainee_profile.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    details: dict[str, Any] | None = json_field(None)


def record(
    session: Session, *, actor_id: int | None, entity: str, entity_id: int | None, action: str,
    from_state: str | None = None, to_state: str | None = None, reason: str | None = None, cause: str | None = None,
    trainee_id: int | None = None, vacancy_id: int | None = None, employer_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:  # fmt: skip
    """Add the event of a change to the session (written with the change's transaction) and return it."""
    event = AuditEvent(actor_id=actor_id, entity=entity, entity_id=entity_id, action=action, from_state=from_state,
                       to_state=to_state, reason=reason, cause=cause, trainee_id=trainee_id, vacancy_id=vacancy_id,
                       employer_id=employer_id, details=details)  # fmt: skip
    session.add(event)
    session.flush()
    return event
