"""A vacancy's status (employers.vacancy_status): the table, every action × status × actor, and racing requests.

The expected outcome of each case is derived from EXPECTED, an independent restatement of the table, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from core.audit import AuditEvent
from employers import offers, vacancy_status
from employers import service as employers_service
from employers.exceptions import ActionNotAllowed, EmployerError, InvalidTransition, VacancyFull, VacancyNotFound, VacancyNotOpen
from employers.lifecycle import SYSTEM, Actor, Party
from employers.models import Employer, Offer, OfferCause, OfferState, Vacancy, VacancyStatus
from employers.vacancy_status import VacancyAction
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role

#: action: (the statuses it moves a vacancy from, the status it leads to, the parties allowed).
EXPECTED = {
    "publish": ({"draft"}, "open", {"employer"}),
    "close": ({"draft", "open"}, "closed", {"employer"}),
    "fill": ({"open"}, "filled", {"system"}),
    "reopen": ({"filled"}, "open", {"system"}),
}
#: The time each company's action stamps on the vacancy.
STAMPS = {"publish": "published_at", "close": "closed_at"}
#: Who tries the company's actions: each party, and an employer of another company.
ACTORS = ("officer", "employer", "rival", "trainee", "system")


def test_the_table_is_the_documented_one() -> None:
    found = {
        action.value: ({s.value for s in rule.sources if s}, rule.target.value, {p.value for p in rule.parties})
        for action, rule in vacancy_status.TRANSITIONS.items()
    }
    assert found == EXPECTED
    assert vacancy_status.allowed(VacancyAction.close, Party.employer, VacancyStatus.draft)
    assert not vacancy_status.allowed(VacancyAction.close, Party.employer, VacancyStatus.filled)
    assert not vacancy_status.allowed(VacancyAction.publish, Party.officer, VacancyStatus.draft)


def actors(session: Session, company: Employer) -> dict[str, Actor]:
    """Return an actor of each kind: an officer, the company's employer, another company's, a trainee, the system."""
    trainee = profile(session)
    return {
        "officer": account(session, Role.officer).actor,
        "employer": account(session, Role.employer, employer_id=company.id).actor,
        "rival": account(session, Role.employer, employer_id=employer(session).id).actor,
        "trainee": account(session, Role.trainee, trainee_id=trainee.id).actor,
        "system": SYSTEM,
    }


def expected_outcome(action: str, who: str, status: VacancyStatus) -> str | type[EmployerError]:
    """Return the status the action leads to, or the refusal it gets."""
    sources, target, parties = EXPECTED[action]
    party = "employer" if who == "rival" else who
    if party not in parties:
        return ActionNotAllowed
    if who == "rival":
        return VacancyNotFound  # another company's vacancy does not exist for them
    return target if status.value in sources else InvalidTransition


@pytest.mark.parametrize("action", ["publish", "close"])
def test_every_status_and_actor_for_each_company_action(session: Session, action: str) -> None:
    """Each actor tries the action on a vacancy in each status: exactly the table's moves happen."""
    company = employer(session)
    by = actors(session, company)
    take = {"publish": employers_service.publish, "close": employers_service.close}[action]
    for status in VacancyStatus:
        for who in ACTORS:
            vacancy = stored_vacancy(session, company, status=status)
            expected, case = expected_outcome(action, who, status), f"{action} by {who} on {status.value}"
            if isinstance(expected, str):
                moved = take(session=session, vacancy_id=vacancy.id or 0, by=by[who])
                session.commit()
                assert moved.status.value == expected, case
                assert getattr(moved, STAMPS[action]) is not None, case
            else:
                with pytest.raises(expected):
                    take(session=session, vacancy_id=vacancy.id or 0, by=by[who])
                session.rollback()
                session.refresh(vacancy)
                assert vacancy.status == status, case


@pytest.mark.parametrize("status", list(VacancyStatus))
def test_the_seats_move_the_status_as_the_system_rows_say(session: Session, status: VacancyStatus) -> None:
    """Taking the last seat fills an open vacancy (fill); freeing a seat of a filled one opens it again (reopen)."""
    company = employer(session)
    empty = stored_vacancy(session, company, status=status, seats=1)
    if status == VacancyStatus.filled:
        empty.filled_seats = 1  # a filled vacancy has no seat left
        session.add(empty)
        session.commit()
    fills = status.value in EXPECTED["fill"][0]
    if fills:
        vacancy_status.take_seat(session=session, vacancy_id=empty.id or 0)
        assert (empty.status.value, empty.filled_seats) == (EXPECTED["fill"][1], 1)
    else:
        refusal = VacancyFull if status == VacancyStatus.filled else VacancyNotOpen
        with pytest.raises(refusal):
            vacancy_status.take_seat(session=session, vacancy_id=empty.id or 0)
    session.rollback()

    taken = stored_vacancy(session, company, status=status, seats=2)
    taken.filled_seats = 1
    session.add(taken)
    session.commit()
    vacancy_status.release_seat(session=session, vacancy_id=taken.id or 0)
    reopens = status.value in EXPECTED["reopen"][0]
    assert (taken.status, taken.filled_seats) == (VacancyStatus(EXPECTED["reopen"][1]) if reopens else status, 0)


def test_a_seat_short_of_the_last_leaves_the_vacancy_open(session: Session) -> None:
    post = stored_vacancy(session, employer(session), seats=2)
    vacancy_status.take_seat(session=session, vacancy_id=post.id or 0)
    assert (post.status, post.filled_seats) == (VacancyStatus.open, 1)


def test_closing_withdraws_the_open_offers_once_and_says_why(session: Session) -> None:
    company = employer(session)
    boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
    post = stored_vacancy(session, company)
    made = [offer_in(session, post, profile(session), state, by=officer) for state in (OfferState.offered, OfferState.declined)]
    employers_service.close(session=session, vacancy_id=post.id or 0, by=boss.actor)
    session.commit()
    with pytest.raises(InvalidTransition) as again:  # a second click: refused, as before, and nothing withdrawn twice
        employers_service.close(session=session, vacancy_id=post.id or 0, by=boss.actor)
    session.rollback()
    assert (again.value.action, again.value.status) == ("close", "closed")
    assert [(o.state, o.cause) for o in (session.get_one(Offer, m.id) for m in made)] == [
        (OfferState.withdrawn, OfferCause.vacancy_closed), (OfferState.declined, None)]  # fmt: skip
    assert [(e.to_state, e.cause) for e in offers.audit_trail(session=session, vacancy_id=post.id)] == [
        ("withdrawn", OfferCause.vacancy_closed)
    ]


# ---------------------------------------------------------------- racing requests

THREADS = 8
ROUNDS = 10


def close_at_once(engine: Engine, vacancy_id: int, by: Actor) -> list[str]:
    """Close one vacancy from THREADS sessions released together; return each one's outcome."""
    barrier = threading.Barrier(THREADS)

    def close(_: Any) -> str:
        with Session(engine) as session:
            barrier.wait(timeout=60)
            try:
                employers_service.close(session=session, vacancy_id=vacancy_id, by=by)
                session.commit()
                return "closed"
            except InvalidTransition:
                session.rollback()
                return "refused"
            except Exception as exc:  # noqa: BLE001  (any other failure is what the test looks for)
                session.rollback()
                return f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}"

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(close, range(THREADS)))


def test_of_requests_racing_to_close_a_vacancy_one_closes_it(engine: Engine) -> None:
    """Each round, THREADS sessions close the same open vacancy with two open offers: one closes it, once."""
    with Session(engine) as session:
        company = employer(session)
        boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
        posts = [stored_vacancy(session, company) for _ in range(ROUNDS)]
        for post in posts:
            for state in (OfferState.offered, OfferState.accepted):
                offer_in(session, post, profile(session), state, by=officer)
        by, ids, company_id = boss.actor, [post.id or 0 for post in posts], company.id
    outcomes = Counter(outcome for vacancy_id in ids for outcome in close_at_once(engine, vacancy_id, by))
    assert outcomes == {"closed": ROUNDS, "refused": ROUNDS * (THREADS - 1)}, outcomes
    with Session(engine) as session:
        assert set(session.exec(select(Vacancy.status).where(Vacancy.employer_id == company_id))) == {VacancyStatus.closed}
        withdrawn = select(func.count()).select_from(AuditEvent).where(AuditEvent.to_state == "withdrawn")
        assert session.exec(withdrawn).one() == 2 * ROUNDS  # each offer withdrawn once, by the one that closed
