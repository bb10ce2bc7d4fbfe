"""Builders of stored trainee profiles and vacancies for the employers' tests (committed, refreshed)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from employers.models import Employer, Vacancy, VacancyStatus
from profiles.models import TraineeProfile
from tests.factories import trainee, vacancy


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
