"""A vacancy's status: one table, ``TRANSITIONS``, says who may move it from which status to which.

    draft ──publish──▶ open ──close──▶ closed     (its company; a draft may be closed too)
                        │ ▲
                   fill │ │ reopen                (the system: the last seat taken, a seat freed again)
                        ▼ │
                      filled

A party outside an action's row gets ActionNotAllowed; a status the action does not start from gets
InvalidTransition, a repeat included (publishing an open vacancy, closing a closed one). Each move is one
conditional UPDATE of the status (``... WHERE id = :id AND status IN (:sources)``), so of two requests
racing on one vacancy only one moves it. The system's moves ride on the seat counts: taking the last seat
fills the vacancy and freeing a seat of a filled vacancy opens it again, each in the same UPDATE as the
count (employers.offers confirms and ends placements with them). Functions flush and never commit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import case, inspect, literal, update
from sqlmodel import Session, col, select

from core import audit
from employers.exceptions import InvalidTransition, VacancyFull, VacancyNotOpen
from employers.lifecycle import SYSTEM, Actor, Party, Transition
from employers.models import Vacancy, VacancyStatus
from profiles.models import utcnow


class VacancyAction(StrEnum):
    """What can be done to a vacancy's status."""

    publish = "publish"
    close = "close"
    fill = "fill"
    reopen = "reopen"


V = VacancyStatus
TRANSITIONS: dict[VacancyAction, Transition[VacancyStatus]] = {
    VacancyAction.publish: Transition(frozenset({V.draft}), V.open, frozenset({Party.employer})),
    VacancyAction.close: Transition(frozenset({V.draft, V.open}), V.closed, frozenset({Party.employer})),
    VacancyAction.fill: Transition(frozenset({V.open}), V.filled, frozenset({Party.system})),
    VacancyAction.reopen: Transition(frozenset({V.filled}), V.open, frozenset({Party.system})),
}
#: The time column a company's action stamps.
_STAMPS = {VacancyAction.publish: "published_at", VacancyAction.close: "closed_at"}


def allowed(action: VacancyAction, party: Party, status: VacancyStatus) -> bool:
    """Return whether this party may take this action on a vacancy in this status."""
    return TRANSITIONS[action].allows(party, status)


def require(action: VacancyAction, by: Actor) -> None:
    """Raise ActionNotAllowed unless the actor's party may ever take this action on a vacancy."""
    TRANSITIONS[action].require(action.value, by, "a vacancy")


def move(*, session: Session, vacancy: Vacancy, action: VacancyAction, by: Actor = SYSTEM) -> Vacancy:
    """Move a vacancy (already checked to be the actor's) by a conditional UPDATE; InvalidTransition when its status refuses."""
    rule = TRANSITIONS[action]
    before = vacancy.status
    if before not in rule.sources:
        raise InvalidTransition(vacancy.id, action.value, vacancy.status.value)
    now = utcnow()
    stamp = {_STAMPS[action]: now} if action in _STAMPS else {}
    moved = session.exec(
        update(Vacancy)
        .where(col(Vacancy.id) == vacancy.id, col(Vacancy.status).in_(rule.stored_sources()))
        .values(status=rule.target, updated_at=now, **stamp)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(vacancy)
    if moved != 1:  # another request moved it first
        raise InvalidTransition(vacancy.id, action.value, vacancy.status.value)
    _audit(session, vacancy, action, before, by)
    return vacancy


def _audit(session: Session, vacancy: Vacancy, action: VacancyAction, before: VacancyStatus, by: Actor) -> None:
    audit.record(session, actor_id=by.recorded(), entity="vacancy", entity_id=vacancy.id, action=action.value,
                 from_state=before.value, to_state=vacancy.status.value, vacancy_id=vacancy.id,
                 employer_id=vacancy.employer_id)  # fmt: skip


def take_seat(*, session: Session, vacancy_id: int) -> None:
    """Count one more filled seat, atomically, or raise VacancyFull (VacancyNotOpen when closed); the last seat fills it."""
    fill = TRANSITIONS[VacancyAction.fill]
    filled, seats, status = col(Vacancy.filled_seats), col(Vacancy.seats), col(Vacancy.status)
    last_seat = filled + 1 >= seats  # SET reads the row as it was: this is the seat being taken
    taken = session.exec(
        update(Vacancy)
        .where(col(Vacancy.id) == vacancy_id, status.in_(fill.stored_sources()), filled < seats)
        .values(
            filled_seats=filled + 1,
            status=case((last_seat, _status(fill.target)), else_=status),
            updated_at=case((last_seat, utcnow()), else_=col(Vacancy.updated_at)),
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    ).rowcount
    vacancy = session.get(Vacancy, vacancy_id)
    assert vacancy is not None  # an offer's vacancy is a foreign key
    session.refresh(vacancy)
    if taken != 1 and vacancy.status in (VacancyStatus.draft, VacancyStatus.closed):
        raise VacancyNotOpen(vacancy_id)
    if taken != 1:
        raise VacancyFull(vacancy_id)
    if vacancy.status == fill.target:  # only this UPDATE (from open) can have filled it: the last seat was taken
        _audit(session, vacancy, VacancyAction.fill, VacancyStatus.open, SYSTEM)


def release_seat(*, session: Session, vacancy_id: int) -> None:
    """Count one filled seat fewer; a filled vacancy opens again."""
    reopen = TRANSITIONS[VacancyAction.reopen]
    filled, status = col(Vacancy.filled_seats), col(Vacancy.status)
    reopens = status.in_(reopen.stored_sources())
    was_filled = select(Vacancy.id).where(col(Vacancy.id) == vacancy_id, filled > 0, reopens).with_for_update()
    reopened = session.exec(was_filled).first() is not None  # the row is locked: the UPDATE below reopens it
    session.exec(
        update(Vacancy)
        .where(col(Vacancy.id) == vacancy_id, filled > 0)
        .values(
            filled_seats=filled - 1,
            status=case((reopens, _status(reopen.target)), else_=status),
            updated_at=case((reopens, utcnow()), else_=col(Vacancy.updated_at)),
        )  # fmt: skip
        .execution_options(synchronize_session=False)
    )
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is not None:
        session.refresh(vacancy)
        if reopened:
            _audit(session, vacancy, VacancyAction.reopen, VacancyStatus.filled, SYSTEM)


def _status(status: VacancyStatus) -> Any:
    """Return a vacancy status as a literal of the column's type (PostgreSQL's enum, in a CASE)."""
    return literal(status, inspect(Vacancy).columns["status"].type)
