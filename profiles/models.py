"""Trainee profiles as stored (every exchange-format field, plus cohort, consent and departure), the cohorts and their
training centres, and what the training school records: attendance and certifications awarded."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, UniqueConstraint, event, false, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.columns import json_field, time_field
from matching.models import Trainee as ExchangeTrainee
from matching.normalise import fold

#: Exchange fields stored as they are (lists and objects in JSON columns).
LIST_FIELDS = (
    "extra_towns", "languages", "experience", "skills", "certifications", "driving_licences",
    "preferred_levels", "preferred_shifts",
)  # fmt: skip


class DropoutReason(StrEnum):
    """Why a trainee left the programme (INDICATORS.md, `dropout_reason`)."""

    health = "health"
    family = "family"
    remigrated = "remigrated"
    other_job = "other_job"
    disciplinary = "disciplinary"
    unreachable = "unreachable"
    other = "other"


class TraineeProfile(SQLModel, table=True):
    """A trainee's profile: the exchange record, the cohort, and the consent to share it with employers."""

    __tablename__ = "trainee_profile"
    # The trainees still in the programme, by id: the officers' dashboard counts those not placed from it alone.
    __table_args__ = (
        Index("ix_trainee_profile_in_programme", "id", sqlite_where=text("dropped_out_on IS NULL"),
              postgresql_where=text("dropped_out_on IS NULL")),
    )  # fmt: skip

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
    dropped_out_on: date | None = Field(default=None, description="left the programme on this day")
    dropout_reason: str | None = Field(default=None, max_length=16, description="a DropoutReason")
    overall_from_modules: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()},
        description="training.overall is the cohort-weighted mean of the module grades, not a grade an officer gave",
    )  # fmt: skip
    consent_recorded_at: datetime | None = time_field(nullable=True)
    message_language: str | None = Field(
        default=None, max_length=8, description="the language the trainee chose for their pages and SMS (fr, en, bm); "
        "None: French",
    )  # fmt: skip
    created_at: datetime = time_field()
    updated_at: datetime = time_field()
    # Derived from the code and name on every write (see _keep_search_text); kept out of dumps, hence of exports and
    # audit diffs, since it only repeats them.
    search_text: str = Field(
        default="", exclude=True, sa_column_kwargs={"server_default": ""},
        description="the code and name as the officers' search compares them (searched_text)",
    )  # fmt: skip

    def to_exchange(self) -> ExchangeTrainee:
        """Return the profile as an exchange-format trainee."""
        data = self.model_dump(
            exclude={
                "id",
                "code",
                "cohort",
                "consent_to_share",
                "consent_recorded_at",
                "overall_from_modules",
                "created_at",
                "updated_at",
            }
        )
        return ExchangeTrainee.model_validate({**{k: v for k, v in data.items() if v is not None}, "id": self.code})

    def apply_exchange(self, record: ExchangeTrainee) -> None:
        """Copy every exchange field of a (validated, normalised) record onto the profile.

        The programme's history (`training.completed`, `dropped_out_on`, `dropout_reason`) is copied when the
        exchange model carries it, and kept as recorded when it does not.
        """
        completed = (self.training or {}).get("completed")
        for name, value in record.model_dump(exclude={"id"}).items():
            setattr(self, name, value)
        if self.training is not None and "completed" not in self.training and completed is not None:
            self.training = {**self.training, "completed": completed}
        self.cohort = record.training.cohort if record.training and record.training.cohort else self.cohort
        self.updated_at = utcnow()


#: PostgreSQL's trigram index of `search_text` (created by its migration where pg_trgm can be had): no column option of
#: the models describes it, so autogenerate is told to leave it alone (migrations/env.py).
SEARCH_TRIGRAM_INDEX = "ix_trainee_profile_search_text_trgm"


def searched_text(code: str, full_name: str) -> str:
    """Return the text the officers' trainee search looks a query up in: the code and name folded (case, accents, punctuation)."""
    return fold(f"{code} {full_name}")


@event.listens_for(TraineeProfile, "before_insert")
@event.listens_for(TraineeProfile, "before_update")
def _keep_search_text(mapper: Mapper[Any], connection: Connection, profile: TraineeProfile) -> None:
    # Every ORM write goes through here (form, API, imports, erasure), so the search never reads a stale name.
    profile.search_text = searched_text(profile.code, profile.full_name)


class TrainingCentre(SQLModel, table=True):
    """A training centre: its trainers (accounts with the school role) train the cohorts it is given."""

    __tablename__ = "training_centre"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    created_at: datetime = time_field()


class Cohort(SQLModel, table=True):
    """A cohort (INDICATORS.md, "Cohorts"): its dates, budget, training modules with their weights, and training centre.

    Trainees name it by its code in `training.cohort` (TraineeProfile.cohort).
    """

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64, description="the cohort's id, e.g. 2026-A")
    name: str | None = Field(default=None, max_length=200)
    country: str = Field(default="ML", max_length=2)
    selection_start: date | None = None
    selection_end: date | None = None
    return_date: date | None = None
    training_start: date | None = None
    training_end: date | None = None
    employment_start: date | None = None
    budget_eur: float | None = None
    modules: list[dict[str, Any]] = json_field([])  # [{"name": "secourisme", "weight": 2.0}, …], in the order taught
    centre_id: int | None = Field(default=None, foreign_key="training_centre.id", index=True)
    created_at: datetime = time_field()
    updated_at: datetime = time_field()

    @property
    def weights(self) -> dict[str, float]:
        """Return each module's weight, by name, in the order taught."""
        return {str(m["name"]): float(m["weight"]) for m in self.modules}


class Attendance(SQLModel, table=True):
    """Whether a trainee was present on a day's session (the label names the session: "matin", "après-midi", or none)."""

    __table_args__ = (UniqueConstraint("trainee_id", "day", "session", name="uq_attendance_trainee_session"),)

    id: int | None = Field(default=None, primary_key=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    day: date
    session: str = Field(default="", max_length=40)
    present: bool
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = time_field()


class CertificationAward(SQLModel, table=True):
    """A certification the training school awarded a trainee: its taxonomy code, day and certificate number."""

    __tablename__ = "certification_award"
    __table_args__ = (UniqueConstraint("trainee_id", "code", name="uq_certification_award_trainee_code"),)

    id: int | None = Field(default=None, primary_key=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    code: str = Field(max_length=64)
    awarded_on: date
    certificate_number: str = Field(max_length=64)
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = time_field()


class ConsentScope(StrEnum):
    """What a trainee may agree to, each on its own: share the profile with companies, be sent SMS, be counted in evaluations."""

    share = "share"
    sms = "sms"
    evaluation = "evaluation"


class Consent(SQLModel, table=True):
    """One decision of a trainee on one scope, given or withdrawn: who recorded it, when, and on what document.

    The history is every row; the decision in force is the latest row of each scope (none: never asked).
    ``TraineeProfile.consent_to_share`` mirrors the latest ``share`` decision, which the companies' lists read.
    """

    __tablename__ = "consent"

    id: int | None = Field(default=None, primary_key=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    scope: str = Field(max_length=16, description="a ConsentScope")
    given: bool
    recorded_by: int | None = Field(default=None, foreign_key="user.id", description="none: the system or an import")
    channel: str = Field(default="officer", max_length=16, description="officer, trainee (their phone), import, migration")
    document: str | None = Field(default=None, max_length=200, description="the signed form's reference, e.g. FC-2026-031")
    recorded_at: datetime = time_field()


class ProfileView(SQLModel, table=True):
    """Someone opened a trainee's personal data: an officer their page, a company their profile (the view log)."""

    __tablename__ = "profile_view"

    id: int | None = Field(default=None, primary_key=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    viewer_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    employer_id: int | None = Field(default=None, description="the viewer's company, for a company's view")
    page: str = Field(max_length=32, description="what was opened, e.g. officer_trainee, company_candidate")
    at: datetime = time_field()


class NoteKind(StrEnum):
    """What an officer's entry on a trainee is: a written note, or a call (made or tried)."""

    note = "note"
    call = "call"


class CallOutcome(StrEnum):
    """How a call to a trainee went."""

    reached = "reached"
    no_answer = "no_answer"
    wrong_number = "wrong_number"


class TraineeNote(SQLModel, table=True):
    """An officer's note on a trainee, or a call to them with how it went: the officers' own log, never shown to companies."""

    __tablename__ = "trainee_note"

    id: int | None = Field(default=None, primary_key=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    kind: str = Field(default=NoteKind.note.value, max_length=8, description="a NoteKind")
    outcome: str | None = Field(default=None, max_length=16, description="a call's CallOutcome; none for a note")
    text: str = Field(default="", description="what the officer wrote (may be empty for a call)")
    author_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = time_field()
