"""Employers (licensed security companies), their vacancies, requests for candidates, offers and placements."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from core.clock import utcnow
from core.columns import json_field, time_field
from matching.models import Vacancy as ExchangeVacancy


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
    filled_seats: int = Field(default=0, sa_column_kwargs={"server_default": "0"}, description="confirmed placements not ended")
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
            exclude={
                "id",
                "code",
                "employer_id",
                "status",
                "filled_seats",
                "created_at",
                "updated_at",
                "published_at",
                "closed_at",
            }
        )
        return ExchangeVacancy.model_validate(
            {**{k: v for k, v in data.items() if v is not None}, "id": self.code, "employer": employer_name}
        )

    def apply_exchange(self, record: ExchangeVacancy) -> None:
        """Copy every exchange field of a (validated, normalised) record onto the vacancy (a salary given as
        `salary_month` in FCFA is stored as `salary_fcfa_month`, which the record then holds too)."""
        for name, value in record.model_dump(exclude={"id", "employer", "salary_month", "currency"}).items():
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


class OfferState(StrEnum):
    """Where an offer of a vacancy to a trainee stands (employers.offers.TRANSITIONS says how it moves)."""

    shortlisted = "shortlisted"
    interview = "interview"
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    confirmed = "confirmed"
    rejected_by_employer = "rejected_by_employer"
    expired = "expired"
    withdrawn = "withdrawn"


class OfferOrigin(StrEnum):
    """Who asked for the offer: an officer of their own accord, or the employer through a candidate request."""

    officer = "officer"
    employer_request = "employer_request"


class DeclineReason(StrEnum):
    """Why a trainee turned an offer down (optional, one of a short list)."""

    distance = "distance"
    salary = "salary"
    schedule = "schedule"
    other_job = "other_job"
    other = "other"


class OfferCause(StrEnum):
    """Why an offer moved when no person wrote the reason: a code, worded only where it is shown."""

    vacancy_closed = "vacancy_closed"
    placed_elsewhere = "placed_elsewhere"
    asked_by_employer = "asked_by_employer"


class Offer(SQLModel, table=True):
    """A vacancy offered to a trainee, from the officer's shortlist to the employer's confirmation; one per pair."""

    __table_args__ = (UniqueConstraint("vacancy_id", "trainee_id", name="uq_offer_vacancy_trainee"),)

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    state: OfferState = Field(default=OfferState.shortlisted, index=True, max_length=24)
    origin: OfferOrigin = Field(default=OfferOrigin.officer, max_length=24)
    candidate_request_id: int | None = Field(default=None, foreign_key="candidate_request.id")
    override: bool = Field(default=False, description="offered although the engine finds the trainee ineligible")
    override_reason: str | None = Field(default=None, description="why the override: shown to the company word for word")
    override_note: str | None = Field(default=None, description="the officers' private note on the override, never shown")
    decline_reason: DeclineReason | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, description="why the employer rejected it or an officer withdrew it")
    cause: OfferCause | None = Field(default=None, max_length=24, description="why the system withdrew it")
    created_by: int = Field(foreign_key="user.id")
    #: The version of the score's weights in use when the offer was made (0: the defaults; see WeightsVersion).
    weights_version: int | None = Field(default=None)
    created_at: datetime = time_field()
    updated_at: datetime = time_field()
    offered_at: datetime | None = time_field(nullable=True)
    expires_at: datetime | None = time_field(nullable=True)
    reminded_at: datetime | None = time_field(nullable=True)
    answered_at: datetime | None = time_field(nullable=True)
    interview_at: datetime | None = time_field(nullable=True)
    interview_place: str | None = Field(default=None, max_length=200)


class EndReason(StrEnum):
    """Why a placement ended (shared/evaluation/INDICATORS.md, "Placements")."""

    resigned = "resigned"
    dismissed = "dismissed"
    contract_ended = "contract_ended"
    trial_failed = "trial_failed"
    remigrated = "remigrated"
    other = "other"


class Placement(SQLModel, table=True):
    """A job a trainee holds or held: from a confirmed offer, or loaded from the programme's history.

    A placement made in the application has its offer and vacancy; one loaded from history (INDICATORS.md)
    may have neither and names its employer, level and town itself — which confirmed placements copy from
    their vacancy, so every placement reads the same. ``code`` is its id in the history files.

    One placement per offer (a double-submitted confirmation makes one), and a trainee holds at most one
    active placement: a unique index on trainee_id over the rows not ended, which both databases enforce.
    ``ended_at`` (when the end was recorded) is its state; ``end_date`` the day the contract ended.
    """

    __table_args__ = (
        Index(
            "uq_placement_active_trainee", "trainee_id", unique=True,
            sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL"),
        ),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64, description="the history id, e.g. P-00042")
    offer_id: int | None = Field(default=None, foreign_key="offer.id", unique=True)
    vacancy_id: int | None = Field(default=None, foreign_key="vacancy.id", index=True)
    trainee_id: int = Field(foreign_key="trainee_profile.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    employer_name: str = Field(max_length=200)
    level: str = Field(max_length=16)
    town: str | None = Field(default=None, max_length=120)
    start_date: date
    salary_fcfa_month: int
    confirmed_by: int | None = Field(default=None, foreign_key="user.id", description="none when loaded from history")
    confirmed_at: datetime = time_field()
    end_date: date | None = None
    end_reason: EndReason | None = Field(default=None, max_length=16)
    end_note: str | None = Field(default=None, description="what the person who ended it wrote")
    ended_at: datetime | None = time_field(nullable=True)
    ended_by: int | None = Field(default=None, foreign_key="user.id")


class Employment(StrEnum):
    """What a followed-up person does (INDICATORS.md, "Follow-ups")."""

    same_employer = "same_employer"
    other_security_job = "other_security_job"
    other_job = "other_job"
    unemployed = "unemployed"
    abroad = "abroad"


class ContactChannel(StrEnum):
    """How a follow-up reached (or tried to reach) the person."""

    call = "call"
    visit = "visit"
    sms = "sms"


class FollowUp(SQLModel, table=True):
    """The follow-up of a placement 1, 3, 6 or 12 months after its start: reached or not, employment, reintegration.

    The three scores are the dimensions of IOM's Reintegration Sustainability Survey, each in [0, 1], computed
    from ``answers`` by the questionnaire when it was filled in (history records may carry scores only).
    """

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("placement_id", "month", name="uq_follow_up_placement_month"),)

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    month: int
    done_on: date
    reached: bool
    channel: ContactChannel | None = Field(default=None, max_length=8)
    employment: Employment | None = Field(default=None, max_length=24)
    salary_fcfa_month: int | None = None
    economic: float | None = None
    social: float | None = None
    psychosocial: float | None = None
    answers: dict[str, Any] | None = json_field(None)
    note: str | None = None
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = time_field()


class EmploymentConfirmation(SQLModel, table=True):
    """What the company answered at a follow-up's due date: still employed, or left on a day for a reason."""

    __tablename__ = "employment_confirmation"
    __table_args__ = (UniqueConstraint("placement_id", "month", name="uq_employment_confirmation_placement_month"),)

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    month: int
    still_employed: bool
    left_on: date | None = None
    left_reason: EndReason | None = Field(default=None, max_length=16)
    confirmed_by: int = Field(foreign_key="user.id")
    confirmed_at: datetime = time_field()


class FollowUpReminder(SQLModel, table=True):
    """The SMS telling a trainee that a follow-up call is coming: written once per placement and month."""

    __tablename__ = "follow_up_reminder"
    __table_args__ = (UniqueConstraint("placement_id", "month", name="uq_follow_up_reminder_placement_month"),)

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    month: int
    message_id: int | None = Field(default=None, foreign_key="outbox_message.id", description="none: no phone to send to")
    created_at: datetime = time_field()


class OutboxMessage(SQLModel, table=True):
    """A notice someone must act on, written with the change it reports and sent later by employers.outbox."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_pending", "id", sqlite_where=text("sent_at IS NULL"), postgresql_where=text("sent_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, description="what happened, e.g. offer_made")
    offer_id: int | None = Field(default=None, foreign_key="offer.id", index=True)
    recipient_user_id: int | None = Field(default=None, foreign_key="user.id", description="a staff member's account")
    recipient_phone: str | None = Field(default=None, max_length=32)
    recipient_email: str | None = Field(default=None, max_length=254)
    sms_text: str = Field(max_length=160)
    email_subject: str = Field(max_length=200)
    email_body: str
    created_at: datetime = time_field()
    sent_at: datetime | None = time_field(nullable=True)
    attempts: int = 0
    last_error: str | None = None


class WeightsVersion(SQLModel, table=True):
    """A version of the score's component weights adopted by an admin (or restored by a roll back); the latest is in use.

    Versions are only ever added: rolling back adds a copy of an earlier version (``restores`` names it), so the
    id of the weights in use always grows and a ranking that names it can be traced. With no row, the
    registry's defaults are in use (version 0).
    """

    __tablename__ = "weights_version"

    id: int | None = Field(default=None, primary_key=True)
    weights: dict[str, float] = json_field({})
    source: str = Field(max_length=200, description="what they were learned from")
    n: int | None = Field(default=None, description="outcomes learned from")
    baseline_auc: float | None = None
    learned_auc: float | None = None
    restores: int | None = Field(default=None, description="the version a roll back copied")
    adopted_by: int | None = Field(default=None, foreign_key="user.id")
    adopted_at: datetime = time_field()


class CompanyInvitation(SQLModel, table=True):
    """A colleague invited by a company to its account: a single-use link, valid until ``expires_at``.

    Only the SHA-256 of the link's token is kept (``digest``): the token itself travels in the e-mail alone.
    """

    __tablename__ = "company_invitation"

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    email: str = Field(max_length=254)
    full_name: str = Field(max_length=200)
    digest: str = Field(unique=True, max_length=64)
    invited_by: int = Field(foreign_key="user.id")
    created_at: datetime = time_field()
    expires_at: datetime = time_field()
    accepted_at: datetime | None = time_field(nullable=True)
    accepted_by: int | None = Field(default=None, foreign_key="user.id", description="the account the invitee created")
