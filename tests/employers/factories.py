"""Builders of stored trainee profiles, vacancies, accounts and offers for the employers' tests (committed, refreshed)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from core.clock import utcnow
from employers.models import Employer, Offer, OfferState, Placement, Vacancy, VacancyStatus
from profiles.models import TraineeProfile
from tests.factories import trainee, vacancy
from web.auth.models import Role, User


def profile(session: Session, *, consent: bool = True, **overrides: Any) -> TraineeProfile:
    """Store a trainee profile (a valid trainee in Bamako unless overridden), consenting to share it by default."""
    record = trainee(**overrides)
    row = TraineeProfile(code=record.id, full_name=record.full_name, home_town=record.home_town, consent_to_share=consent)
    row.apply_exchange(record)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def stored_vacancy(
    session: Session, company: Employer, *, status: VacancyStatus = VacancyStatus.open, **overrides: Any
) -> Vacancy:
    """Store a vacancy of the company (a guard post in Bamako unless overridden), open by default."""
    record = vacancy(employer=company.name, **overrides)
    row = Vacancy(
        code=record.id, employer_id=company.id or 0, title=record.title, level=record.level, town=record.town, status=status
    )
    row.apply_exchange(record)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def account(session: Session, role: Role, **links: Any) -> User:
    """Store an account with no usable secret (the workflow's tests act as users, they never sign in)."""
    row = User(login=f"{role.value}-{uuid.uuid4().hex[:12]}@example.ml", full_name=f"{role.value} test", role=role,
               password_hash="-", **links)  # fmt: skip
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def offer_in(session: Session, vacancy: Vacancy, trainee: TraineeProfile, state: OfferState, *, by: User, **fields: Any) -> Offer:
    """Store an offer already in a state, as if the workflow had brought it there (offered a day ago)."""
    made = utcnow() - timedelta(days=1)
    offered = {"offered_at": made, "expires_at": made + timedelta(days=7)} if state != OfferState.shortlisted else {}
    row = Offer(vacancy_id=vacancy.id or 0, trainee_id=trainee.id or 0, state=state, created_by=by.id or 0,
                **{**offered, **fields})  # fmt: skip
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def placement_row(session: Session, offer: Offer, **fields: Any) -> Placement:
    """Return (not stored) the placement a confirmed offer became, named by its vacancy as employers.offers names it."""
    vacancy = session.get(Vacancy, offer.vacancy_id)
    company = session.get(Employer, vacancy.employer_id) if vacancy else None
    assert vacancy is not None and company is not None  # foreign keys
    return Placement(code=f"P-{offer.id or 0:05d}", offer_id=offer.id, vacancy_id=offer.vacancy_id, trainee_id=offer.trainee_id,
                     employer_id=company.id, employer_name=company.name, level=vacancy.level, town=vacancy.town,
                     **fields)  # fmt: skip
