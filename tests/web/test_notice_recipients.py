"""Every event someone must act on notifies the right people, and only them (issue 13): events × recipients."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from core.clock import utcnow
from employers import offers
from employers import service as employers_service
from employers.models import EmployerStatus, EndReason, OutboxMessage, Placement
from tests.web.factories import employer, user
from tests.web.test_employer_offers import START, Hiring, hiring
from web.auth.models import Role, User

__all__ = ["hiring"]  # the fixture, used by name below


def sent(session: Session, since: int) -> set[tuple[str, str]]:
    """Return (kind, recipient) of the messages written after message id `since`: user:<id>, phone or e-mail."""
    session.expire_all()
    rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id) > since))
    return {(m.kind, f"user:{m.recipient_user_id}" if m.recipient_user_id else m.recipient_phone or m.recipient_email or "")
            for m in rows}  # fmt: skip


def last_id(session: Session) -> int:
    return max(session.exec(select(OutboxMessage.id)).all() or [0]) or 0


def test_the_placement_journey_notifies_each_party_it_concerns(hiring: Hiring) -> None:
    s, company, officer = hiring.session, hiring.company, hiring.officer
    recruiter = user(s, Role.employer, employer_id=company.id)
    row, trainee = hiring.trainee()
    vacancy_id = hiring.vacancy.id or 0
    employers_service.request_candidate(session=s, vacancy_id=vacancy_id, trainee_code=row.code, by=recruiter.actor)
    s.commit()
    mark = last_id(s)
    offer = offers.propose_offer(session=s, vacancy_id=vacancy_id, trainee_id=row.id or 0, by=officer.actor)
    s.commit()
    assert sent(s, mark) == {("offer_made.trainee", row.phone)}
    mark = last_id(s)
    offers.accept(session=s, offer_id=offer.id or 0, by=trainee.actor)
    s.commit()
    # the officer who made the offer is told, not the company's recruiter who had asked for the candidate
    told = {("offer_accepted.employer", company.phone or ""), ("offer_accepted.officer", f"user:{officer.id}")}
    assert sent(s, mark) == told
    mark = last_id(s)
    placement = offers.confirm_placement(session=s, offer_id=offer.id or 0, by=recruiter.actor,
                                         start_date=date.fromisoformat(START), salary_fcfa_month=60_000)  # fmt: skip
    s.commit()
    assert sent(s, mark) == {("placement_confirmed.trainee", row.phone), ("placement_confirmed.officer", f"user:{officer.id}")}
    mark = last_id(s)
    offers.end_placement(session=s, placement_id=placement.id or 0, by=officer.actor, end_date=date.fromisoformat(START),
                         reason=EndReason.resigned, today=date.fromisoformat(START))  # fmt: skip
    s.commit()
    assert sent(s, mark) == {("placement_ended.employer", company.phone or "")}  # the company learns the contract ended


def test_the_company_hears_of_a_contract_the_officer_did_not_end_and_vice_versa(hiring: Hiring) -> None:
    s = hiring.session
    offer = hiring.accepted()
    placement = offers.confirm_placement(session=s, offer_id=offer.id or 0, by=boss(s, hiring).actor,
                                         start_date=date.fromisoformat(START), salary_fcfa_month=60_000)  # fmt: skip
    s.commit()
    mark = last_id(s)
    offers.end_placement(session=s, placement_id=placement.id or 0, by=boss(s, hiring).actor, end_date=date.fromisoformat(START),
                         reason=EndReason.resigned, today=date.fromisoformat(START))  # fmt: skip
    s.commit()
    assert sent(s, mark) == {("placement_ended.officer", f"user:{hiring.officer.id}")}
    assert s.get(Placement, placement.id) is not None


def boss(session: Session, hiring: Hiring) -> User:
    """Return an account of the hiring's company."""
    return user(session, Role.employer, employer_id=hiring.company.id)


def test_a_company_is_told_its_application_was_approved_or_rejected(session: Session) -> None:
    officer = user(session, Role.officer)
    approved, rejected = employer(session, status=EmployerStatus.pending), employer(session, status=EmployerStatus.pending)
    mark = last_id(session)
    employers_service.approve(session=session, employer_id=approved.id or 0, by=officer.actor)
    employers_service.reject(session=session, employer_id=rejected.id or 0, by=officer.actor, reason="agrément introuvable")
    session.commit()
    assert sent(session, mark) == {
        ("application_approved.employer", approved.phone),
        ("application_rejected.employer", rejected.phone),
    }
    [refusal] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "application_rejected.employer")).all()
    assert "agrément introuvable" in refusal.sms_text and len(refusal.sms_text) <= 160


def test_an_interview_on_a_request_no_officer_handled_tells_the_officers_on_duty(hiring: Hiring) -> None:
    s = hiring.session
    other, away = user(s, Role.officer), user(s, Role.officer)
    away.active = False
    s.add(away)
    recruiter, admin = boss(s, hiring), user(s, Role.admin)
    row, _ = hiring.trainee()
    employers_service.request_candidate(session=s, vacancy_id=hiring.vacancy.id or 0, trainee_code=row.code,
                                        by=recruiter.actor)  # fmt: skip
    s.commit()
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    mark = last_id(s)
    offer = offers.schedule_interview(session=s, vacancy_id=hiring.vacancy.id or 0, trainee_id=row.id or 0,
                                      by=recruiter.actor, day_typed=day, hour_typed="09:30", place="Siège")  # fmt: skip
    s.commit()
    # nobody handles the request yet: every active officer hears of it (not a disabled one, nor the admin)
    on_duty = {("interview_scheduled.officer", f"user:{o.id}") for o in (hiring.officer, other)}
    assert sent(s, mark) == {("interview_scheduled.trainee", row.phone), *on_duty}
    assert ("interview_scheduled.officer", f"user:{admin.id}") not in sent(s, mark)
    mark = last_id(s)
    offers.reject_by_employer(session=s, offer_id=offer.id or 0, by=recruiter.actor, reason="absent")
    s.commit()
    assert sent(s, mark) == {("offer_rejected.officer", f"user:{o.id}") for o in (hiring.officer, other)}


def test_with_no_officer_at_all_the_admins_are_told(hiring: Hiring) -> None:
    s = hiring.session
    hiring.officer.active = False
    s.add(hiring.officer)
    admin, recruiter = user(s, Role.admin), boss(s, hiring)
    row, _ = hiring.trainee()
    employers_service.request_candidate(session=s, vacancy_id=hiring.vacancy.id or 0, trainee_code=row.code,
                                        by=recruiter.actor)  # fmt: skip
    s.commit()
    mark = last_id(s)
    offers.schedule_interview(session=s, vacancy_id=hiring.vacancy.id or 0, trainee_id=row.id or 0, by=recruiter.actor,
                              day_typed=(utcnow() + timedelta(days=1)).date().isoformat(), hour_typed="10:00",
                              place="Siège")  # fmt: skip
    s.commit()
    assert ("interview_scheduled.officer", f"user:{admin.id}") in sent(s, mark)
