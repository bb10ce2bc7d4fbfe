"""Ending a placement: its last day and a reason from the list, checked field by field, audited and notified."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers import offers
from employers.exceptions import InvalidEnding
from employers.models import Employer, EndReason, OfferState, OutboxMessage, Placement, Vacancy, VacancyStatus
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role, User

TODAY = utcnow().date()
STARTED = TODAY - timedelta(days=40)


def hired(session: Session, *, start: date = STARTED) -> tuple[Placement, User, User]:
    """Store a company's confirmed hiring started on `start`; return it with the company's user and an officer."""
    company = employer(session)
    boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
    vacancy = stored_vacancy(session, company, seats=1)
    trainee = profile(session, phone=f"+2237{uuid.uuid4().int % 10**7:07d}")
    offer = offer_in(session, vacancy, trainee, OfferState.accepted, by=officer)
    placement = offers.confirm_placement(session=session, offer_id=offer.id or 0, by=boss.actor, start_date=start,
                                         salary_fcfa_month=60_000)  # fmt: skip
    session.commit()
    return placement, boss, officer


def refused(session: Session, placement: Placement, by: User, **ending: Any) -> list[tuple[str, str]]:
    """Return the (field, code) problems of an ending refused; nothing was written."""
    with pytest.raises(InvalidEnding) as caught:
        offers.end_placement(session=session, placement_id=placement.id or 0, by=by.actor, **ending)
    session.rollback()
    assert session.get(Placement, placement.id).ended_at is None  # type: ignore[union-attr]
    return [(p.field, p.code) for p in caught.value.problems]


class TestChecks:
    def test_the_day_cannot_precede_the_start(self, session: Session) -> None:
        placement, boss, _ = hired(session)
        before = (STARTED - timedelta(days=1)).isoformat()
        assert refused(session, placement, boss, end_date=before, reason="resigned") == [("end_date", "end_before_start")]

    def test_the_day_cannot_be_in_the_future(self, session: Session) -> None:
        placement, boss, _ = hired(session)
        tomorrow = TODAY + timedelta(days=1)
        assert refused(session, placement, boss, end_date=tomorrow, reason="resigned") == [("end_date", "date_in_future")]

    def test_a_placement_not_started_may_end_on_its_start_day_only(self, session: Session) -> None:
        start = TODAY + timedelta(days=10)
        placement, boss, _ = hired(session, start=start)
        later = start + timedelta(days=1)
        assert refused(session, placement, boss, end_date=later, reason="other") == [("end_date", "date_in_future")]
        ended = offers.end_placement(session=session, placement_id=placement.id or 0, by=boss.actor, end_date=start,
                                     reason="other", note="n'est jamais venu")  # fmt: skip
        assert ended.end_date == start

    @pytest.mark.parametrize(
        ("ending", "expected"),
        [
            ({"end_date": "", "reason": ""}, [("end_date", "field_required"), ("end_reason", "end_reason_required")]),
            ({"end_date": None, "reason": "resigned"}, [("end_date", "field_required")]),
            ({"end_date": "03/12/2026", "reason": "resigned"}, [("end_date", "field_date")]),
            ({"end_date": "2026-02-30", "reason": "resigned"}, [("end_date", "field_date")]),
            ({"end_date": TODAY, "reason": "bored"}, [("end_reason", "field_choice")]),
            ({"end_date": TODAY, "reason": None}, [("end_reason", "end_reason_required")]),
            ({"end_date": "bad", "reason": "bored"}, [("end_date", "field_date"), ("end_reason", "field_choice")]),
        ],
    )
    def test_every_wrong_field_is_named(self, session: Session, ending: dict[str, Any], expected: list[Any]) -> None:
        placement, _, officer = hired(session)
        assert refused(session, placement, officer, **ending) == expected


class TestEnding:
    def test_the_day_reason_and_note_are_kept_audited_and_told(self, session: Session) -> None:
        placement, boss, officer = hired(session)
        day = STARTED + timedelta(days=20)
        ended = offers.end_placement(session=session, placement_id=placement.id or 0, by=boss.actor, end_date=day.isoformat(),
                                     reason=" resigned ", note="  parti au village ")  # fmt: skip
        session.commit()
        assert (ended.end_date, ended.end_reason, ended.end_note, ended.ended_by) == (day, EndReason.resigned, "parti au village",
                                                                                      boss.id)  # fmt: skip
        event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        assert event is not None
        assert (event.entity, event.entity_id, event.action, event.reason, event.actor_id) == (
            "placement", placement.id, "ended", "resigned", boss.id)  # fmt: skip
        assert event.details == {"end_date": day.isoformat(), "end_reason": "resigned", "note": "parti au village"}
        notice = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "placement_ended.officer")).one()
        assert f"le {day:%d/%m/%Y}" in notice.email_body and "Motif : démission (parti au village)." in notice.email_body
        assert len(notice.sms_text) <= 160 and "démission" in notice.sms_text
        vacancy = session.get(Vacancy, placement.vacancy_id)
        assert vacancy is not None and (vacancy.filled_seats, vacancy.status) == (0, VacancyStatus.open)

    def test_an_officer_ends_a_placement_loaded_from_history(self, session: Session) -> None:
        company = employer(session)
        officer = account(session, Role.officer)
        trainee = profile(session)
        placement = Placement(code="P-HIST-1", trainee_id=trainee.id or 0, employer_id=company.id, employer_name=company.name,
                              level="guard", start_date=STARTED, salary_fcfa_month=45_000)  # fmt: skip
        session.add(placement)
        session.commit()
        ended = offers.end_placement(session=session, placement_id=placement.id or 0, by=officer.actor, end_date=TODAY,
                                     reason=EndReason.remigrated)  # fmt: skip
        session.commit()
        assert (ended.end_date, ended.end_reason, ended.end_note) == (TODAY, EndReason.remigrated, None)
        assert session.exec(select(OutboxMessage)).all() == []  # no offer: nobody is waiting on it
        assert session.get(Employer, company.id) is not None
