"""Employers (licensed security companies), their vacancies, and their requests for candidates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from matching.models import Vacancy as ExchangeVacancy
from profiles.models import json_field, time_field, utcnow


class EmployerStatus(StrEnum):
    """Where a company's application stands."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class VacancyStatus(StrEnum):
    """The life of a vacancy: drafted, open to candidates, filled, or closed."""

    draft = "draft"
    open = "open"
    filled = "filled"
    closed = "closed"


class Employer(SQLModel, table=True):
    """A security company and the state of its application."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=200)
    licence_number: str = Field(unique=True, max_length=80, description="the agrément number from the MSPC")
    town: str = Field(max_length=120)
    contact_name: str = Field(max_length=200)
    phone: str = Field(max_length=32)
    email: str = Field(max_length=254)
    status: EmployerStatus = Field(default=EmployerStatus.pending, max_length=16)
    decision_reason: str | None = None
    decided_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field()


class Vacancy(SQLModel, table=True):
    """A vacancy: every exchange-format field, its employer, status and timestamps."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=64, description="the exchange id, e.g. V-0042")
    employer_id: int = Field(foreign_key="employer.id", index=True)
    title: str = Field(max_length=200)
    level: str = Field(max_length=16)
    town: str = Field(max_length=120)
    seats: int = 1
    required_certifications: list[str] = json_field([])
    preferred_certifications: list[str] = json_field([])
    required_skills: list[str] = json_field([])
    preferred_skills: list[str] = json_field([])
    required_languages: list[dict[str, Any]] = json_field([])
    min_literacy: str | None = Field(default=None, max_length=16)
    min_experience_years: float = 0
    driving_licence: str | None = Field(default=None, max_length=1)
    shift: str | None = Field(default=None, max_length=16)
    start_date: date | None = None
    salary_fcfa_month: int | None = None
    description: str | None = None
    status: VacancyStatus = Field(default=VacancyStatus.draft, index=True, max_length=16)
    created_at: datetime = time_field()
    updated_at: datetime = time_field()
    published_at: datetime | None = time_field(nullable=True)
    closed_at: datetime | None = time_field(nullable=True)

    def to_exchange(self, employer_name: str) -> ExchangeVacancy:
        """Return the vacancy as an exchange-format record."""
        data = self.model_dump(
            exclude={"id", "code", "employer_id", "status", "created_at", "updated_at", "published_at", "closed_at"}
        )
        return ExchangeVacancy.model_validate(
            {**{k: v for k, v in data.items() if v is not None}, "id": self.code, "employer": employer_name}
        )

    def apply_exchange(self, record: ExchangeVacancy) -> None:
        """Copy every exchange field of a (validated, normalised) record onto the vacancy."""
        for name, value in record.model_dump(exclude={"id", "employer"}).items():
            setattr(self, name, value)
        self.updated_at = utcnow()


class CandidateRequest(SQLModel, table=True):
    """An employer's "ask for this candidate": interest in a trainee for a vacancy, for an officer to act on."""

    __tablename__ = "candidate_request"
    __table_args__ = (UniqueConstraint("vacancy_id", "trainee_id", name="uq_candidate_request_vacancy_trainee"),)

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    requested_by: int = Field(foreign_key="user.id")
    note: str | None = None
    created_at: datetime = time_field()
