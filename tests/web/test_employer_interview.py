"""The interview step between a company's request and the offer (set on the candidate's card, told, then offered), and
the printable offer letter once the hiring is confirmed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from core.audit import AuditEvent
from core.clock import utcnow
from employers import dashboard, offers
from employers import service as employers_service
from employers.exceptions import InvalidInterview, InvalidOfferTransition
from employers.models import Offer, OfferState, Placement
from profiles.models import TraineeProfile
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_employer_offers import NAME, PIN, Hiring, hiring
from tests.web.test_notice_recipients import last_id, sent
from web.auth.models import Role

__all__ = ["hiring"]  # the fixture, used by name below


def asked_for(h: Hiring) -> tuple[str, int]:
    """Have the company ask for a new trainee; return the trainee's code and id."""
    row, _ = h.trainee()
    recruiter = user(h.session, Role.employer, employer_id=h.company.id)
    employers_service.request_candidate(
        session=h.session, vacancy_id=h.vacancy.id or 0, trainee_code=row.code, by=recruiter.actor
    )
    h.session.commit()
    return row.code, row.id or 0


def test_the_company_sets_an_interview_the_trainee_is_told_and_the_officer_then_offers(hiring: Hiring) -> None:
    h = hiring
    code, trainee_id = asked_for(h)
    card = f"/employer/vacancies/{h.vacancy.id}/candidates/{code}"
    assert "Fixer l&#39;entretien" in h.client.get(card).text
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    wrong = h.client.post_form(f"{card}/interview", {"interview_day": "2020-01-01", "interview_hour": "09:30",
                                                     "interview_place": ""})  # fmt: skip
    assert wrong.status_code == 422 and "Choisissez une date et une heure à venir." in wrong.text
    assert "Ce champ est obligatoire." in wrong.text and 'value="2020-01-01"' in wrong.text
    mark = last_id(h.session)
    done = h.client.post_form(f"{card}/interview", {"interview_day": day, "interview_hour": "09:30",
                                                    "interview_place": "Siège, rue 311, Hamdallaye"})  # fmt: skip
    assert done.status_code == 200 and "L&#39;entretien est fixé" in done.text
    offer = h.session.exec(select(Offer).where(Offer.trainee_id == trainee_id)).one()
    h.session.refresh(offer)
    assert offer.state == OfferState.interview and offer.interview_place == "Siège, rue 311, Hamdallaye"
    # the trainee is told by SMS; no officer has handled this request yet, so the officers on duty are told
    phone = h.session.get_one(TraineeProfile, trainee_id).phone
    assert sent(h.session, mark) == {
        ("interview_scheduled.trainee", phone),
        ("interview_scheduled.officer", f"user:{h.officer.id}"),
    }
    assert "Entretien le " in h.page() and "Siège, rue 311, Hamdallaye" in h.page()
    assert dashboard.requested_by_companies(session=h.session).count == 1  # still waiting on the officers

    mark = last_id(h.session)
    made = offers.propose_offer(session=h.session, vacancy_id=h.vacancy.id or 0, trainee_id=trainee_id, by=h.officer.actor)
    h.session.commit()
    assert made.state == OfferState.offered and {k for k, _ in sent(h.session, mark)} == {"offer_made.trainee"}
    trail = select(AuditEvent.from_state, AuditEvent.to_state).where(AuditEvent.entity == "offer")
    moves = h.session.exec(trail.where(AuditEvent.entity_id == offer.id)).all()
    assert (None, "shortlisted") in moves and ("shortlisted", "interview") in moves and ("interview", "offered") in moves


def test_an_officer_sets_it_and_the_company_is_told_and_may_turn_the_candidate_down(hiring: Hiring) -> None:
    h = hiring
    _, trainee_id = asked_for(h)
    day = (utcnow() + timedelta(days=2)).date().isoformat()
    mark = last_id(h.session)
    offer = offers.schedule_interview(session=h.session, vacancy_id=h.vacancy.id or 0, trainee_id=trainee_id,
                                      by=h.officer.actor, day_typed=day, hour_typed="15:00", place="Bureau RDV")  # fmt: skip
    h.session.commit()
    assert {k for k, _ in sent(h.session, mark)} == {"interview_scheduled.trainee", "interview_scheduled.employer"}
    recruiter = user(h.session, Role.employer, employer_id=h.company.id)
    offers.reject_by_employer(session=h.session, offer_id=offer.id or 0, by=recruiter.actor, reason="pas venu")
    assert offer.state == OfferState.rejected_by_employer
    with pytest.raises(InvalidOfferTransition):
        offers.schedule_interview(session=h.session, vacancy_id=h.vacancy.id or 0, trainee_id=trainee_id,
                                  by=h.officer.actor, day_typed=day, hour_typed="15:00", place="Bureau RDV")  # fmt: skip


def test_the_interview_needs_a_real_day_an_hour_and_a_place() -> None:
    now = utcnow()
    with pytest.raises(InvalidInterview) as refused:
        offers.check_interview(day_typed="demain", hour_typed="9h", place=" ", now=now)
    assert {(p.field, p.code) for p in refused.value.problems} == {("interview_day", "field_date"),
                                                                   ("interview_place", "field_required")}  # fmt: skip
    with pytest.raises(InvalidInterview) as refused:
        offers.check_interview(day_typed="2030-01-01", hour_typed="25:00", place="x" * 201, now=now)
    assert {p.field for p in refused.value.problems} == {"interview_hour", "interview_place"}
    at, place = offers.check_interview(day_typed="2030-01-01", hour_typed="09:05", place="  Siège  ACI ", now=now)
    assert (at.isoformat(), place) == ("2030-01-01T09:05:00+00:00", "Siège ACI")


def test_a_confirmed_hiring_has_a_printable_offer_letter_for_its_company_only(hiring: Hiring) -> None:
    h = hiring
    offer = h.accepted()
    answer = h.client.post_form(
        f"/employer/offers/{offer.id}/confirm", {"start_date": "2027-02-01", "salary_fcfa_month": "35000"}
    )
    assert answer.status_code == 200
    placement = h.session.exec(select(Placement).where(Placement.offer_id == offer.id)).one()
    assert f"/employer/placements/{placement.id}/letter.pdf" in h.page()
    letter = h.client.get(f"/employer/placements/{placement.id}/letter.pdf")
    assert letter.status_code == 200 and letter.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.content)).pages)
    for expected in ("Lettre d'embauche", h.company.name, NAME, "01/02/2027", "35", "inférieur au SMIG", placement.code):
        assert expected in text, expected
    other = user(h.session, Role.employer, employer_id=employer(h.session).id)
    stranger = Client(h.client.app)
    stranger.sign_in(other.login, PASSWORD)
    assert stranger.get(f"/employer/placements/{placement.id}/letter.pdf").status_code == 404


def test_the_trainee_reads_the_interview_on_their_pages(hiring: Hiring) -> None:
    h = hiring
    row, account = h.trainee()
    recruiter = user(h.session, Role.employer, employer_id=h.company.id)
    employers_service.request_candidate(
        session=h.session, vacancy_id=h.vacancy.id or 0, trainee_code=row.code, by=recruiter.actor
    )
    day = (utcnow() + timedelta(days=4)).date()
    offers.schedule_interview(session=h.session, vacancy_id=h.vacancy.id or 0, trainee_id=row.id or 0, by=recruiter.actor,
                              day_typed=day.isoformat(), hour_typed="10:00", place="Siège ACI 2000")  # fmt: skip
    h.session.commit()
    trainee = Client(h.client.app)
    trainee.sign_in(account.login, PIN)
    home = trainee.get("/trainee")
    assert home.status_code == 200 and f"Entretien le {day:%d/%m/%Y} à 10:00, lieu : Siège ACI 2000." in home.text
