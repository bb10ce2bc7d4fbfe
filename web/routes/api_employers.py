"""The employers' JSON API (/api/v1): applications, vacancies, candidates, offers and hirings.

Same permissions and the same validation messages as the pages: fields are checked by the employers
services, and every problem comes back as {"detail": {field: message}} with status 422, in French unless
?lang=en (or the language cookie) asks for English. State-changing calls need the X-CSRF-Token header
(GET /api/v1/csrf).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, SkipValidation, StrictStr

from employers import candidates as candidates_engine
from employers import offers as offers_service
from employers import service as employers_service
from employers.company_offers import OfferView, offer_views, vacancy_offers
from employers.exceptions import OfferNotFound, VacancyNotOpen
from employers.models import (
    CandidateRequest,
    Employer,
    EmployerStatus,
    EndReason,
    Offer,
    OfferState,
    Placement,
    Vacancy,
    VacancyStatus,
)
from matching.models import LANGUAGE_LEVELS, LEVELS, LICENCE_CATEGORIES, LITERACY_LEVELS, SHIFTS
from web import privacy
from web.auth import service as auth_service
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import CompanyId, EmployerUser, Lang, OfficerUser, RecordId, language
from web.errors import API_REFUSALS, DomainRoute, Refusal
from web.forms import placement_terms
from web.idempotency import Idempotent
from web.messages import field_messages

router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(verify_csrf), Depends(language)],
    tags=["employers"],
    route_class=DomainRoute,
    responses={
        **API_REFUSALS,
        401: {"model": Refusal, "description": "Not signed in."},
        404: {"model": Refusal, "description": "No such object, or one of another company."},
        409: {"model": Refusal, "description": "The object's state does not allow this."},
    },
)


# ---------------------------------------------------------------- schemas


def _choice(values: tuple[str, ...], description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra={"enum": list(values)})


def _required(*names: str) -> ConfigDict:
    """Return a model configuration that documents these fields as required (the services check them)."""
    return ConfigDict(json_schema_extra={"required": list(names)})


# The request bodies check that texts are texts (StrictStr: a number where text is due is refused, never turned
# into text), and document the other types without checking them: the employers services check every field at
# once, with the same messages as the forms (a type error here would hide the other fields' errors).


class EmployerApplicationCreate(BaseModel):
    """A security company's request for access, with the password of its contact's account."""

    model_config = _required("name", "licence_number", "town", "contact_name", "phone", "email", "password")

    name: StrictStr = Field(default="", description="The company's name.")
    licence_number: StrictStr = Field(default="", description="The agrément number given by the Ministry of Security (MSPC).")
    town: StrictStr = Field(default="", description="The town of its head office.")
    contact_name: StrictStr = Field(default="", description="The person who applies; the account is in their name.")
    phone: StrictStr = Field(
        default="",
        description="A phone number of the installation's country (RDVM_COUNTRY): +223 and 8 digits in Mali, +221 "
        "and 9 in Senegal (other forms are normalised).",
    )
    email: StrictStr = Field(default="", description="The contact's e-mail: the account's login.")
    password: StrictStr = Field(default="", description="At least 10 characters.", json_schema_extra={"writeOnly": True})

    def texts(self) -> dict[str, str]:
        """Return every field as text (a missing or null field is empty)."""
        return {name: getattr(self, name) or "" for name in type(self).model_fields}


class EmployerPublic(BaseModel):
    """A company and where its application stands."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    licence_number: str
    town: str
    contact_name: str
    phone: str
    email: str
    status: EmployerStatus
    decision_reason: str | None
    decided_at: datetime | None
    created_at: datetime


class ApplicationRejection(BaseModel):
    """Why an application is rejected (required)."""

    model_config = _required("reason")

    reason: StrictStr = Field(default="", description="Shown to the company; must not be empty.")


class LanguageRequirement(BaseModel):
    """A language the job needs, and the least level accepted."""

    language: str = Field(description="ISO 639 code (bm, fr, ff, snk, son, …) or the language's name.")
    level: str = Field(description="basic < conversational < fluent < native.", json_schema_extra={"enum": list(LANGUAGE_LEVELS)})


class VacancyBase(BaseModel):
    """The fields of a vacancy (the exchange format's)."""

    title: StrictStr | None = Field(default=None, description="e.g. « Agent de sécurité — site minier ».")
    level: SkipValidation[str | None] = _choice(LEVELS, "guard, supervisor or manager.")
    town: StrictStr | None = Field(
        default=None, description="Where the work is: a town of the installation's country (matched to its gazetteer)."
    )
    seats: SkipValidation[int | None] = Field(default=None, description="How many people are hired (1 or more; 1 by default).")
    required_certifications: SkipValidation[list[str] | None] = Field(
        default=None, description="Hard requirement (SST, SSIAP1…)."
    )
    preferred_certifications: SkipValidation[list[str] | None] = None
    required_skills: SkipValidation[list[str] | None] = Field(
        default=None, description="Weighed heavily; free text matched to skills."
    )
    preferred_skills: SkipValidation[list[str] | None] = None
    required_languages: SkipValidation[list[LanguageRequirement] | None] = Field(default=None, description="Hard requirement.")
    min_literacy: SkipValidation[str | None] = _choice(LITERACY_LEVELS, "Least reading and writing level (hard requirement).")
    min_experience_years: SkipValidation[float | None] = Field(
        default=None, description="Least security experience, in years (0)."
    )
    driving_licence: SkipValidation[str | None] = _choice(LICENCE_CATEGORIES, "Driving licence category required.")
    shift: SkipValidation[str | None] = _choice(SHIFTS, "day, night or rotating.")
    start_date: StrictStr | None = Field(default=None, description="YYYY-MM-DD.", json_schema_extra={"format": "date"})
    salary_fcfa_month: SkipValidation[int | None] = Field(default=None, description="FCFA a month; below the SMIG: a warning.")
    description: StrictStr | None = Field(default=None, description="Free text in French.")

    def sent(self) -> dict[str, Any]:
        """Return the fields the request carried, as sent."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class VacancyCreate(VacancyBase):
    """A new vacancy: title, level and town are required; it is saved as a draft."""

    model_config = _required("title", "level", "town")


class VacancyUpdate(VacancyBase):
    """Fields to change; those left out keep their value."""


class VacancyPublic(BaseModel):
    """A vacancy as saved (values normalised to the taxonomy) and what deserves attention in it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    status: VacancyStatus
    title: str
    level: str
    town: str
    seats: int
    required_certifications: list[str]
    preferred_certifications: list[str]
    required_skills: list[str]
    preferred_skills: list[str]
    required_languages: list[LanguageRequirement]
    min_literacy: str | None
    min_experience_years: float
    driving_licence: str | None
    shift: str | None
    start_date: date | None
    salary_fcfa_month: int | None
    description: str | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    closed_at: datetime | None
    warnings: dict[str, str] = Field(
        default_factory=dict, description="Warnings by field (unknown values, salary below the SMIG)."
    )


class VacancySummaryPublic(VacancyPublic):
    """A vacancy of the company's list, with its candidate counts."""

    eligible_count: int | None = Field(description="Trainees meeting every requirement (open vacancies; null otherwise).")
    requested_count: int = Field(description="Candidates the company asked for.")


class CandidatePublic(BaseModel):
    """An eligible trainee, pseudonymised: never a name, phone number or birth date."""

    trainee_code: str
    initials: str
    home_town: str
    preferred_levels: list[str]
    certifications: list[str]
    skills: list[str]
    security_years: float
    score: float = Field(description="0 to 1, higher is better.")
    components: dict[str, float] = Field(description="Each part of the score, 0 to 1.")
    reasons: list[str]
    requested: bool = Field(description="Whether the company already asked for this candidate.")


class IneligibleReason(BaseModel):
    """A requirement and how many trainees it excludes."""

    reason: str
    count: int


class CandidatesPublic(BaseModel):
    """A vacancy's best candidates, best first, and why other trainees are not eligible."""

    vacancy_id: int
    eligible_count: int
    ineligible_count: int
    ineligible_reasons: list[IneligibleReason]
    candidates: list[CandidatePublic]


class CandidateRequestPublic(BaseModel):
    """The company's request for a candidate, for a placement officer to act on."""

    id: int
    vacancy_id: int
    trainee_code: str
    created_at: datetime


class PlacementPublic(BaseModel):
    """A hiring: from when, for how much, and whether (and why) it ended."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    offer_id: int
    vacancy_id: int
    start_date: date
    salary_fcfa_month: int
    confirmed_at: datetime
    ended_at: datetime | None
    end_date: date | None = Field(description="The contract's last day.")
    end_reason: EndReason | None
    end_note: str | None


class OfferPublic(BaseModel):
    """An offer of one of the company's vacancies: the trainee's name and phone only once they accepted."""

    id: int
    vacancy_id: int
    state: OfferState
    trainee_code: str
    initials: str
    full_name: str | None = Field(description="Only once the trainee accepted (states accepted and confirmed).")
    phone: str | None = Field(description="Only once the trainee accepted (states accepted and confirmed).")
    override: bool = Field(description="Offered by an officer although the trainee does not meet every requirement.")
    override_reason: str | None
    rejection_reason: str | None = Field(description="Why the company turned the trainee down.")
    offered_at: datetime | None
    expires_at: datetime | None = Field(description="The trainee must answer before this time.")
    answered_at: datetime | None
    interview_at: datetime | None = Field(default=None, description="The interview's day and hour (Mali's time, UTC), once set.")
    interview_place: str | None = Field(default=None, description="Where the interview takes place, once set.")
    placement: PlacementPublic | None = Field(description="The hiring, once the company confirmed it.")


class InterviewSetting(BaseModel):
    """An interview's day, hour and place (all required; checked as the candidate card's form is, with its field names)."""

    model_config = _required("interview_day", "interview_hour", "interview_place")

    interview_day: StrictStr = Field(
        default="", description="YYYY-MM-DD; with the hour, still to come.", json_schema_extra={"format": "date"}
    )
    interview_hour: StrictStr = Field(default="", description="HH:MM, Mali's time (UTC).")
    interview_place: StrictStr = Field(default="", description="Where the trainee comes; 200 characters at most.")


class InterviewPublic(BaseModel):
    """The interview of a candidate the company asked for: when and where; the trainee and the officers are told."""

    offer_id: int
    vacancy_id: int
    trainee_code: str
    state: OfferState = Field(description="interview while it stands (then the officer offers the job, or the company "
                              "turns the candidate down).")  # fmt: skip
    interview_at: datetime = Field(description="The interview's day and hour (Mali's time, UTC).")
    interview_place: str


class PlacementConfirmation(BaseModel):
    """The hiring's terms: the first day of work and the monthly salary."""

    model_config = _required("start_date", "salary_fcfa_month")

    start_date: SkipValidation[str | None] = Field(default=None, description="YYYY-MM-DD.", json_schema_extra={"format": "date"})
    salary_fcfa_month: SkipValidation[int | None] = Field(default=None, description="FCFA a month, 1 or more.")


class OfferRejection(BaseModel):
    """Why the company turns the candidate down (required)."""

    model_config = _required("reason")

    reason: StrictStr = Field(default="", description="Sent to the placement officer; must not be empty.")


class PlacementEnding(BaseModel):
    """The contract's last day and why it ends (both required), with an optional note."""

    model_config = _required("end_date", "reason")

    end_date: StrictStr | None = Field(
        default=None, description="YYYY-MM-DD; not before the start, not after today.", json_schema_extra={"format": "date"}
    )
    reason: StrictStr | None = Field(
        default=None, description="Why it ends, a code of the list.", json_schema_extra={"enum": [r.value for r in EndReason]}
    )
    note: StrictStr | None = Field(default=None, description="Free text sent to the placement officer.")


# ---------------------------------------------------------------- conversions


def employer_public(employer: Employer) -> EmployerPublic:
    """Return a company as the API shows it."""
    return EmployerPublic.model_validate(employer)


def vacancy_public(vacancy: Vacancy, lang: str) -> VacancyPublic:
    """Return a vacancy as the API shows it, with its warnings."""
    warnings = field_messages(employers_service.warnings_of(vacancy), lang)
    return VacancyPublic.model_validate({**vacancy.model_dump(), "warnings": warnings})


def candidates_public(vacancy: Vacancy, found: candidates_engine.VacancyCandidates, asked: set[int]) -> CandidatesPublic:
    """Return a vacancy's ranking as the API shows it."""
    rows = [
        CandidatePublic(
            trainee_code=row.trainee.code,
            initials=row.trainee.initials,
            home_town=row.trainee.home_town,
            preferred_levels=list(row.trainee.preferred_levels),
            certifications=list(row.trainee.certifications),
            skills=list(row.trainee.skills),
            security_years=row.trainee.security_years,
            score=row.score,
            components=row.components,
            reasons=list(row.reasons),
            requested=row.trainee.profile_id in asked,
        )  # fmt: skip
        for row in found.candidates
    ]
    reasons = [IneligibleReason(reason=text, count=n) for text, n in found.failure_counts]
    return CandidatesPublic(
        vacancy_id=vacancy.id or 0, eligible_count=found.eligible_count, ineligible_count=found.ineligible_count,
        ineligible_reasons=reasons, candidates=rows,
    )  # fmt: skip


def offer_public(view: OfferView) -> OfferPublic:
    """Return an offer as the API shows it to the company."""
    offer = view.offer
    rejected = offer.reason if offer.state == OfferState.rejected_by_employer else None
    return OfferPublic(
        id=offer.id or 0, vacancy_id=offer.vacancy_id, state=offer.state, trainee_code=view.code, initials=view.initials,
        full_name=view.name, phone=view.phone, override=offer.override, override_reason=offer.override_reason,
        rejection_reason=rejected, offered_at=offer.offered_at, expires_at=offer.expires_at, answered_at=offer.answered_at,
        interview_at=offer.interview_at, interview_place=offer.interview_place,
        placement=PlacementPublic.model_validate(view.placement) if view.placement else None,
    )  # fmt: skip


def placement_public(placement: Placement) -> PlacementPublic:
    """Return a hiring as the API shows it."""
    return PlacementPublic.model_validate(placement)


# ---------------------------------------------------------------- applications


@router.post("/employer-applications", status_code=201, summary="Apply for access (a security company)")
def create_application(session: SessionDep, lang: Lang, reply: Idempotent, body: EmployerApplicationCreate) -> EmployerPublic:
    """Record a company's application and its contact's account; the account signs in once an officer approves it."""
    accounts = auth_service.EmployerContactAccounts()
    company = employers_service.register_company(session=session, fields=body.texts(), accounts=accounts)
    return reply.keep(employer_public(company))


@router.get("/employer-applications", summary="List applications (officers)")
def list_applications(
    session: SessionDep, user: OfficerUser, status: EmployerStatus = EmployerStatus.pending
) -> list[EmployerPublic]:
    """Return the companies whose application is in this state (pending by default), oldest first."""
    return [employer_public(e) for e in employers_service.list_applications(session=session, status=status)]


@router.post("/employer-applications/{employer_id}/approve", summary="Approve an application (officers)")
def approve_application(session: SessionDep, user: OfficerUser, employer_id: RecordId) -> EmployerPublic:
    """Approve a pending application: the company's accounts can sign in."""
    return employer_public(employers_service.approve(session=session, employer_id=employer_id, by=user.actor))


@router.post("/employer-applications/{employer_id}/reject", summary="Reject an application (officers)")
def reject_application(
    session: SessionDep, user: OfficerUser, employer_id: RecordId, body: ApplicationRejection
) -> EmployerPublic:
    """Reject a pending application with a reason."""
    rejected = employers_service.reject(session=session, employer_id=employer_id, by=user.actor, reason=body.reason)
    return employer_public(rejected)


# ---------------------------------------------------------------- vacancies


@router.get("/vacancies", summary="List the company's vacancies")
def list_vacancies(session: SessionDep, lang: Lang, company: CompanyId) -> list[VacancySummaryPublic]:
    """Return the company's vacancies, newest first, with how many trainees are eligible and how many were asked for."""
    rows = employers_service.list_vacancies(session=session, employer_id=company, lang=lang, top=get_settings().ranking_top)
    return [
        VacancySummaryPublic.model_validate(
            {
                **vacancy_public(row.vacancy, lang).model_dump(),
                "eligible_count": row.eligible_count,
                "requested_count": row.requested_count,
            }
        )
        for row in rows
    ]


@router.post("/vacancies", status_code=201, summary="Create a vacancy (draft)")
def create_vacancy(
    session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, reply: Idempotent, body: VacancyCreate
) -> VacancyPublic:
    """Check the fields and save the vacancy as a draft with a new code."""
    vacancy = employers_service.create_vacancy(session=session, employer_id=company, data=body.sent(), by=user.id)
    return reply.keep(vacancy_public(vacancy, lang))


@router.get("/vacancies/{vacancy_id}", summary="Read a vacancy")
def read_vacancy(session: SessionDep, lang: Lang, company: CompanyId, vacancy_id: RecordId) -> VacancyPublic:
    """Return one of the company's vacancies."""
    return vacancy_public(employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company), lang)


@router.patch("/vacancies/{vacancy_id}", summary="Change some fields of a vacancy")
def update_vacancy(
    session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: RecordId, body: VacancyUpdate
) -> VacancyPublic:
    """Change the fields sent (draft or open vacancies); the others keep their value."""
    changes = body.sent()
    vacancy = employers_service.update_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company, changes=changes,
                                               by=user.id)  # fmt: skip
    return vacancy_public(vacancy, lang)


@router.post("/vacancies/{vacancy_id}/publish", summary="Publish a draft vacancy")
def publish_vacancy(session: SessionDep, lang: Lang, user: EmployerUser, vacancy_id: RecordId) -> VacancyPublic:
    """Open a draft vacancy to candidates."""
    return vacancy_public(employers_service.publish(session=session, vacancy_id=vacancy_id, by=user.actor), lang)


@router.post("/vacancies/{vacancy_id}/close", summary="Close a vacancy")
def close_vacancy(session: SessionDep, lang: Lang, user: EmployerUser, vacancy_id: RecordId) -> VacancyPublic:
    """Close a draft or open vacancy."""
    return vacancy_public(employers_service.close(session=session, vacancy_id=vacancy_id, by=user.actor), lang)


@router.get("/vacancies/{vacancy_id}/candidates", summary="A vacancy's ranked candidates (pseudonymised)")
def vacancy_candidates(session: SessionDep, lang: Lang, company: CompanyId, vacancy_id: RecordId) -> CandidatesPublic:
    """Return the vacancy's eligible trainees, best first, each with its score, components and reasons."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    if not candidates_engine.is_ranked(vacancy):
        raise VacancyNotOpen(vacancy_id)
    found = candidates_engine.candidates_for(session=session, vacancy=vacancy, lang=lang, top=get_settings().ranking_top)
    return candidates_public(vacancy, found, set(employers_service.requested(session=session, vacancy_id=vacancy_id)))


@router.post("/vacancies/{vacancy_id}/candidates/{code}/request", summary="Ask for a candidate")
def request_candidate(
    session: SessionDep, lang: Lang, user: EmployerUser, vacancy_id: RecordId, code: str
) -> CandidateRequestPublic:
    """Ask the placement officers for one of an open vacancy's candidates; asking again returns the same request."""
    asked: CandidateRequest = employers_service.request_candidate(
        session=session, vacancy_id=vacancy_id, trainee_code=code, by=user.actor, lang=lang, top=get_settings().ranking_top
    )
    return CandidateRequestPublic(id=asked.id or 0, vacancy_id=asked.vacancy_id, trainee_code=code, created_at=asked.created_at)


@router.get("/vacancies/{vacancy_id}/candidates/{code}/interview", summary="Read a candidate's interview")
def read_interview(session: SessionDep, user: EmployerUser, vacancy_id: RecordId, code: str) -> InterviewPublic:
    """Return the interview set for a candidate of the company's vacancy; 404 while none is set."""
    offer = employers_service.interview_of(session=session, vacancy_id=vacancy_id, trainee_code=code, by=user.actor)
    if offer is None:
        raise OfferNotFound(0)
    return interview_public(offer, code)


@router.put("/vacancies/{vacancy_id}/candidates/{code}/interview", summary="Set or change a candidate's interview")
def set_interview(
    session: SessionDep, user: EmployerUser, vacancy_id: RecordId, code: str, body: InterviewSetting
) -> InterviewPublic:
    """Set (or change) the interview of a candidate the company asked for, as the candidate's card does; the trainee and
    the officers are told."""
    typed = {"day_typed": body.interview_day, "hour_typed": body.interview_hour, "place": body.interview_place}
    offer = employers_service.set_interview(session=session, vacancy_id=vacancy_id, trainee_code=code, by=user.actor, **typed)
    return interview_public(offer, code)


def interview_public(offer: Offer, code: str) -> InterviewPublic:
    """Return an interview as the API shows it."""
    assert offer.interview_at is not None and offer.interview_place is not None  # an offer in interview has both
    return InterviewPublic(offer_id=offer.id or 0, vacancy_id=offer.vacancy_id, trainee_code=code, state=offer.state,
                           interview_at=offer.interview_at, interview_place=offer.interview_place)  # fmt: skip


# ---------------------------------------------------------------- offers and hirings


@router.get("/vacancies/{vacancy_id}/offers", summary="A vacancy's offers and hirings")
def list_vacancy_offers(session: SessionDep, user: EmployerUser, company: CompanyId, vacancy_id: RecordId) -> list[OfferPublic]:
    """Return the trainees offered the vacancy: hirings first (current ones first), then offers waiting for the company."""
    employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    found = vacancy_offers(session=session, by=user.actor, vacancy_id=vacancy_id)
    privacy.log_views(session=session, trainee_ids=found.named(), viewer=user, page="company_offers_api")
    return [offer_public(view) for view in [*found.placements, *found.offers]]


@router.post("/offers/{offer_id}/confirm", summary="Confirm a hiring")
def confirm_offer(session: SessionDep, user: EmployerUser, offer_id: RecordId, body: PlacementConfirmation) -> PlacementPublic:
    """Hire a trainee who accepted, from a start date at a monthly salary; it takes a seat (confirming twice hires once)."""
    offers_service.get_offer(session=session, offer_id=offer_id, by=user.actor)
    terms = placement_terms({"start_date": body.start_date, "salary_fcfa_month": body.salary_fcfa_month})
    placement = offers_service.confirm_placement(session=session, offer_id=offer_id, by=user.actor, start_date=terms.start_date,
                                                 salary_fcfa_month=terms.salary_fcfa_month)  # fmt: skip
    return placement_public(placement)


@router.post("/offers/{offer_id}/reject", summary="Turn a candidate down")
def reject_offer(session: SessionDep, user: EmployerUser, offer_id: RecordId, body: OfferRejection) -> OfferPublic:
    """Turn down a trainee offered the vacancy or who accepted it, saying why."""
    offer = offers_service.reject_by_employer(session=session, offer_id=offer_id, by=user.actor, reason=body.reason)
    [view] = offer_views(session, [offer])
    return offer_public(view)


@router.post("/placements/{placement_id}/end", summary="End a hiring")
def end_placement(
    session: SessionDep, lang: Lang, user: EmployerUser, placement_id: RecordId, body: PlacementEnding
) -> PlacementPublic:
    """End a current hiring on its last day, for a reason from the list; its seat opens again."""
    ended = offers_service.end_placement(
        session=session,
        placement_id=placement_id,
        by=user.actor,
        end_date=body.end_date,
        reason=body.reason,
        note=body.note,
    )
    return placement_public(ended)
