"""Trainee profiles as stored: every exchange-format field, plus cohort and consent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.columns import json_field, time_field
from matching.models import Trainee as ExchangeTrainee

#: Exchange fields stored as they are (lists and objects in JSON columns).
LIST_FIELDS = (
    "extra_towns", "languages", "experience", "skills", "certifications", "driving_licences",
    "preferred_levels", "preferred_shifts",
)  # fmt: skip


class TraineeProfile(SQLModel, table=True):
    """A trainee's profile: the exchange record, the cohort, and the consent to share it with employers."""

    __tablename__ = "trainee_profile"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=64, description="the exchange id, e.g. T-2020-007")
    full_name: str = Field(max_length=200)
    gender: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    phone: str | None = Field(default=None, index=True, max_length=32)
    home_town: str = Field(max_length=120)
    mobility: str = Field(default="town", max_length=16)
    extra_towns: list[str] = json_field([])
    languages: list[dict[str, Any]] = json_field([])
    literacy: str = Field(default="basic", max_length=16)
    education: str | None = Field(default=None, max_length=32)
    experience: list[dict[str, Any]] = json_field([])
    skills: list[str] = json_field([])
    certifications: list[str] = json_field([])
    driving_licences: list[str] = json_field([])
    training: dict[str, Any] | None = json_field(None)
    cohort: str | None = Field(default=None, index=True, max_length=64)
    available_from: date | None = None
    preferred_levels: list[str] = json_field([])
    preferred_shifts: list[str] = json_field([])
    summary: str | None = None
    consent_to_share: bool = False
    consent_recorded_at: datetime | None = time_field(nullable=True)
    created_at: datetime = time_field()
    updated_at: datetime = time_field()

    def to_exchange(self) -> ExchangeTrainee:
        """Return the profile as an exchange-format trainee."""
        data = self.model_dump(
            exclude={"id", "code", "cohort", "consent_to_share", "consent_recorded_at", "created_at", "updated_at"}
        )
        return ExchangeTrainee.model_validate({**{k: v for k, v in data.items() if v is not None}, "id": self.code})

    def apply_exchange(self, record: ExchangeTrainee) -> None:
        """Copy every exchange field of a (validated, normalised) record onto the profile."""
        # The history fields (dropped_out_on, dropout_reason) have no column yet: the database side comes later.
        for name, value in record.model_dump(exclude={"id", "dropped_out_on", "dropout_reason"}).items():
            setattr(self, name, value)
        self.cohort = record.training.cohort if record.training and record.training.cohort else self.cohort
        self.updated_at = utcnow()
