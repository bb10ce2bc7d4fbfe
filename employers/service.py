"""Employers' services: applications, approval, vacancies (plain functions; the session dependency commits)."""

from __future__ import annotations

from sqlmodel import Session

from employers.models import Employer, EmployerStatus


def is_approved(*, session: Session, employer_id: int | None) -> bool:
    """Return whether the company exists and its application was approved."""
    employer = session.get(Employer, employer_id) if employer_id is not None else None
    return employer is not None and employer.status == EmployerStatus.approved
