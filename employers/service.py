"""Employers' services: applications, approval, vacancies, imports, requests for candidates.

Plain functions with keyword-only arguments, the session first. They flush and never commit: the caller
(the request's session dependency, or a command's transaction) commits once. Refusals are the domain
exceptions of employers.exceptions; every check runs before the first write, so a refusal leaves nothing
half-written.
"""

from __future__ import annotations

import copy
import logging
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from core import audit
from core.clock import utcnow
from core.problems import Problem
from core.queries import where_in
from employers import candidates as candidates_engine
from employers import offers, outbox, recipients, vacancy_status
from employers.exceptions import (
    CandidateUnavailable,
    DuplicateCode,
    EmployerNotFound,
    InvalidApplication,
    InvalidTransition,
    InvalidVacancy,
    NotPending,
    ReasonRequired,
    UnknownEmployers,
    UnmatchedRecord,
    VacancyCodeTaken,
    VacancyNotFound,
    VacancyNotOpen,
)
from employers.lifecycle import Actor
from employers.models import CandidateRequest, Employer, EmployerStatus, Offer, OfferState, Placement, Vacancy, VacancyStatus
from employers.rules import VACANCY_CODE, VACANCY_CODE_ATTEMPTS
from employers.vacancy_status import VacancyAction
from employers.validation import APPLICATION_FIELDS, VACANCY_FIELDS, check_application, check_vacancy, vacancy_warnings
from matching.models import Vacancy as ExchangeVacancy
from matching.normalise import fold
from profiles.models import TraineeProfile

log = logging.getLogger(__name__)

#: The statuses in which a company may change its vacancy's fields (employers.vacancy_status moves the status).
EDITABLE = frozenset({VacancyStatus.draft, VacancyStatus.open})


# ---------------------------------------------------------------- companies


def is_approved(*, session: Session, employer_id: int | None) -> bool:
    """Return whether the company exists and its application was approved."""
    employer = session.get(Employer, employer_id) if employer_id is not None else None
    return employer is not None and employer.status == EmployerStatus.approved


def application_problems(*, session: Session, fields: Mapping[str, str]) -> list[Problem]:
    """Return every problem of a company's application (none when it can be saved)."""
    cleaned, problems = check_application(fields)
    if cleaned["licence_number"] and _licence_taken(session, cleaned["licence_number"]):
        problems.append(Problem("licence_number", "licence_taken"))
    return problems


def _licence_taken(session: Session, licence_number: str) -> bool:
    query = select(Employer.id).where(func.lower(Employer.licence_number) == licence_number.lower())
    return session.exec(query).first() is not None


def apply(
    *, session: Session, name: str, licence_number: str, town: str, contact_name: str, phone: str, email: str,
    by: int | None = None,
) -> Employer:  # fmt: skip
    """Record a company's application, pending an officer's decision (the web layer creates its account)."""
    fields = {"name": name, "licence_number": licence_number, "town": town, "contact_name": contact_name,
              "phone": phone, "email": email}  # fmt: skip
    problems = application_problems(session=session, fields=fields)
    if problems:
        raise InvalidApplication(problems)
    employer = _new_application(session, fields)
    _applied(session, employer, by)
    return employer


def _new_application(session: Session, fields: Mapping[str, str]) -> Employer:
    employer = Employer.model_validate({**check_application(fields)[0], "status": EmployerStatus.pending})
    session.add(employer)
    session.flush()
    return employer


def _applied(session: Session, employer: Employer, by: int | None) -> None:
    audit.record(session, actor_id=by, entity="employer", entity_id=employer.id, action="apply",
                 to_state=EmployerStatus.pending.value, employer_id=employer.id, details={"name": employer.name})  # fmt: skip


class ContactAccounts(Protocol):
    """The accounts a company's contact signs in with (kept by the application, outside this domain)."""

    def problems(self, *, session: Session, email: str, password: str) -> list[Problem]:
        """Return what is wrong with the account the contact would get (a weak password, an e-mail in use)."""
        ...

    def create(self, *, session: Session, company: Employer, password: str) -> int:
        """Create the contact's account, linked to the company, and return its id."""
        ...


def register_company(*, session: Session, fields: Mapping[str, str], accounts: ContactAccounts) -> Employer:
    """Record a company's application and its contact's account (who is recorded as applying); InvalidApplication lists
    every problem at once."""
    problems = application_problems(session=session, fields=fields)
    problems += accounts.problems(session=session, email=fields.get("email") or "", password=fields.get("password") or "")
    if problems:
        raise InvalidApplication(problems)
    company = _new_application(session, {name: fields.get(name) or "" for name in APPLICATION_FIELDS})
    contact = accounts.create(session=session, company=company, password=fields.get("password") or "")
    _applied(session, company, contact)
    return company


def get_employer(*, session: Session, employer_id: int) -> Employer:
    """Return a company, or raise EmployerNotFound."""
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise EmployerNotFound(employer_id)
    return employer


def list_applications(*, session: Session, status: EmployerStatus = EmployerStatus.pending) -> list[Employer]:
    """Return the companies whose application is in this state, oldest first."""
    query = select(Employer).where(Employer.status == status).order_by(col(Employer.created_at), col(Employer.id))
    return list(session.exec(query))


def approve(*, session: Session, employer_id: int, by: Actor) -> Employer:
    """Approve a pending application: the company's accounts may sign in from now on."""
    return _decide(session, _pending(session, employer_id), by, EmployerStatus.approved, None)


def reject(*, session: Session, employer_id: int, by: Actor, reason: str) -> Employer:
    """Reject a pending application, saying why (the reason is required)."""
    employer = _pending(session, employer_id)
    if not reason.strip():
        raise ReasonRequired()
    return _decide(session, employer, by, EmployerStatus.rejected, reason.strip())


def _pending(session: Session, employer_id: int) -> Employer:
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status != EmployerStatus.pending:
        raise NotPending(employer_id)
    return employer


def _decide(session: Session, employer: Employer, by: Actor, status: EmployerStatus, reason: str | None) -> Employer:
    before = employer.status
    employer.status, employer.decision_reason, employer.decided_at = status, reason, utcnow()
    session.add(employer)
    session.flush()
    action = "approve" if status == EmployerStatus.approved else "reject"
    audit.record(session, actor_id=by.recorded(), entity="employer", entity_id=employer.id, action=action,
                 from_state=before.value, to_state=status.value, reason=reason, employer_id=employer.id)  # fmt: skip
    log.info("application of company %s %s by user %s", employer.id, status.value, by.user_id)
    outbox.queue(session=session, key=f"application_{status.value}.employer",
                 recipient=recipients.company(session=session, employer=employer),
                 values={"employer": employer.name, "reason": reason or ""}, offer_id=None)  # fmt: skip
    return employer


# ---------------------------------------------------------------- vacancies


def get_vacancy(*, session: Session, vacancy_id: int, employer_id: int | None) -> Vacancy:
    """Return a vacancy of this company; another company's vacancy is "not found", so ids reveal nothing."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or employer_id is None or vacancy.employer_id != employer_id:
        raise VacancyNotFound(vacancy_id)
    return vacancy


def create_vacancy(*, session: Session, employer_id: int, data: Mapping[str, Any], by: int | None = None) -> Vacancy:
    """Check the vacancy's fields and save it as a draft with a new code (`by`: the account); InvalidVacancy lists every error."""
    record = _valid(data)
    get_employer(session=session, employer_id=employer_id)
    vacancy = _insert_with_new_code(session, record, employer_id)
    _vacancy_event(session, vacancy, "create", by, to_state=vacancy.status.value, details={"code": vacancy.code})
    return vacancy


def update_vacancy(
    *, session: Session, vacancy_id: int, employer_id: int, changes: Mapping[str, Any], by: int | None = None
) -> Vacancy:
    """Change some fields of a draft or open vacancy (the others are kept); raise InvalidVacancy listing every error."""
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=employer_id)
    if vacancy.status not in EDITABLE:
        raise InvalidTransition(vacancy_id, "edit", vacancy.status.value)
    before = exchange_fields(vacancy)
    record = _valid({**before, **changes})
    before = copy.deepcopy(before)  # the fields as they were, whatever apply_exchange does to lists in place
    if record.seats < vacancy.filled_seats:
        raise InvalidVacancy([Problem("seats", "seats_below_filled", {"filled": str(vacancy.filled_seats)})])
    vacancy.apply_exchange(record)
    session.add(vacancy)
    session.flush()
    _vacancy_event(session, vacancy, "edit", by, details={"fields": audit.changed_fields(before, exchange_fields(vacancy))})
    return vacancy


def _vacancy_event(session: Session, vacancy: Vacancy, action: str, by: int | None, **fields: Any) -> None:
    audit.record(session, actor_id=by, entity="vacancy", entity_id=vacancy.id, action=action, vacancy_id=vacancy.id,
                 employer_id=vacancy.employer_id, **fields)  # fmt: skip


def exchange_fields(vacancy: Vacancy) -> dict[str, Any]:
    """Return the vacancy's exchange fields as stored (what a form or an update starts from)."""
    return vacancy.model_dump(include=set(VACANCY_FIELDS))


def warnings_of(vacancy: Vacancy) -> list[Problem]:
    """Return what deserves the employer's attention in a saved vacancy (unknown values, a salary below the SMIG)."""
    return vacancy_warnings(vacancy.to_exchange("-"))


def _valid(data: Mapping[str, Any]) -> ExchangeVacancy:
    checked = check_vacancy(data)
    if checked.record is None:
        raise InvalidVacancy(checked.errors)
    return checked.record


def _insert_with_new_code(session: Session, record: ExchangeVacancy, employer_id: int) -> Vacancy:
    """Insert a draft vacancy under the next free code, trying the next one when a concurrent creation took it.

    The code is chosen without a lock; the unique index on the code decides between two creations racing for one
    code, and the loser tries again inside a savepoint (PostgreSQL makes it wait for the winner's commit first).
    """
    number = int(session.exec(select(func.count()).select_from(Vacancy)).one())
    for attempt in range(1, VACANCY_CODE_ATTEMPTS + 1):
        number, code = _next_free_code(session, number)
        vacancy = _new_vacancy(record, code=code, employer_id=employer_id, status=VacancyStatus.draft)
        try:
            with session.begin_nested():  # a refused insert is rolled back alone (and the vacancy expunged)
                session.add(vacancy)
                session.flush()
            return vacancy
        except IntegrityError:
            if attempt == VACANCY_CODE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _next_free_code(session: Session, number: int) -> tuple[int, str]:
    """Return the first number after `number` whose code no vacancy holds, and its code."""
    while True:
        number += 1
        code = VACANCY_CODE.format(number=number)
        if session.exec(select(Vacancy.id).where(Vacancy.code == code)).first() is None:
            return number, code


def publish(*, session: Session, vacancy_id: int, by: Actor) -> Vacancy:
    """Open a draft vacancy to candidates (its company does)."""
    return _move(session, vacancy_id, VacancyAction.publish, by)


def close(*, session: Session, vacancy_id: int, by: Actor) -> Vacancy:
    """Close a draft or open vacancy (its company does): no more candidates, and its offers still open are withdrawn."""
    vacancy = _move(session, vacancy_id, VacancyAction.close, by)
    offers.withdraw_for_closed_vacancy(session=session, vacancy_id=vacancy_id)
    return vacancy


def _move(session: Session, vacancy_id: int, action: VacancyAction, by: Actor) -> Vacancy:
    """Take an action on one of the actor's company's vacancies (ActionNotAllowed before anything is read)."""
    vacancy_status.require(action, by)
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=by.employer_id)
    return vacancy_status.move(session=session, vacancy=vacancy, action=action, by=by)


@dataclass(frozen=True)
class VacancySummary:
    """A line of a company's vacancy list: the vacancy, its eligible trainees (open vacancies) and requests made."""

    vacancy: Vacancy
    eligible_count: int | None
    requested_count: int
    to_confirm_count: int = 0  # trainees who accepted, waiting for the company to confirm the hiring


def list_vacancies(
    *, session: Session, employer_id: int, lang: str = "fr", top: int = candidates_engine.DEFAULT_TOP
) -> list[VacancySummary]:
    """Return the company's vacancies, newest first, with candidate counts (eligible counts for open ones)."""
    newest_first = (col(Vacancy.created_at).desc(), col(Vacancy.id).desc())
    query = select(Vacancy).where(Vacancy.employer_id == employer_id).order_by(*newest_first)
    vacancies = list(session.exec(query))
    ids = [v.id for v in vacancies if v.id is not None]
    eligible = candidates_engine.eligible_counts(session=session, lang=lang, top=top, vacancy_ids=ids) if vacancies else {}
    requested, accepted = request_counts(session=session, vacancy_ids=ids), accepted_counts(session=session, vacancy_ids=ids)
    return [VacancySummary(v, eligible.get(v.code) if v.status == VacancyStatus.open else None, requested.get(v.id or 0, 0),
                           accepted.get(v.id or 0, 0)) for v in vacancies]  # fmt: skip


def accepted_counts(*, session: Session, vacancy_ids: Sequence[int]) -> dict[int, int]:
    """Return how many offers trainees accepted and the company has not confirmed yet, by vacancy id."""
    if not vacancy_ids:
        return {}
    query = (
        select(Offer.vacancy_id, func.count())
        .where(col(Offer.vacancy_id).in_(vacancy_ids), Offer.state == OfferState.accepted)
        .group_by(col(Offer.vacancy_id))
    )
    return {vacancy_id: int(n) for vacancy_id, n in session.exec(query)}


def request_counts(*, session: Session, vacancy_ids: Sequence[int]) -> dict[int, int]:
    """Return how many candidates companies asked for, by vacancy id (vacancies without a request left out)."""
    if not vacancy_ids:
        return {}
    query = (
        select(CandidateRequest.vacancy_id, func.count())
        .where(col(CandidateRequest.vacancy_id).in_(vacancy_ids))
        .group_by(col(CandidateRequest.vacancy_id))
    )
    return {vacancy_id: int(n) for vacancy_id, n in session.exec(query)}


def placed_trainees(*, session: Session, trainee_ids: Collection[int]) -> set[int]:
    """Return which of these trainees hold an active placement."""
    if not trainee_ids:
        return set()
    running = select(Placement.trainee_id).where(col(Placement.trainee_id).in_(trainee_ids), col(Placement.ended_at).is_(None))
    return set(session.exec(running))


# ---------------------------------------------------------------- import


def import_vacancies(
    *, session: Session, records: Sequence[ExchangeVacancy], status: VacancyStatus = VacancyStatus.open
) -> tuple[int, int]:
    """Create or update (by code) a vacancy for each validated record; return (created, updated).

    The company is found by name, ignoring case and accents. Every record is checked before anything is
    written: an unknown (or ambiguous) company, or a code used by another company, refuses the whole import.
    New vacancies get `status` (open by default: an imported vacancy is one the company asked to fill);
    existing ones keep theirs.
    """
    duplicates = sorted(code for code, n in Counter(r.id for r in records).items() if n > 1)
    if duplicates:
        raise DuplicateCode(", ".join(duplicates))
    employer_ids = _employers_by_record(session, records)
    existing = _by_code(session, [r.id for r in records])
    clashes = [UnmatchedRecord(i, r.id, r.employer) for i, r in enumerate(records)
               if r.id in existing and existing[r.id].employer_id != employer_ids[i]]  # fmt: skip
    if clashes:
        raise VacancyCodeTaken(clashes)
    for record, employer_id in zip(records, employer_ids, strict=True):
        vacancy = existing.get(record.id)
        if vacancy is None:
            vacancy = _new_vacancy(record, code=record.id, employer_id=employer_id, status=status)
        else:
            vacancy.apply_exchange(record)
        session.add(vacancy)
    session.flush()
    updated = sum(1 for r in records if r.id in existing)
    return len(records) - updated, updated


def _employers_by_record(session: Session, records: Sequence[ExchangeVacancy]) -> list[int]:
    """Return the company id of each record, or raise UnknownEmployers listing every record that has none."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for employer_id, name in session.exec(select(Employer.id, Employer.name)):
        by_name[fold(name)].append(employer_id)  # type: ignore[arg-type]
    found = [by_name.get(fold(r.employer), []) for r in records]
    unmatched = [
        UnmatchedRecord(i, r.id, r.employer, ambiguous=len(ids) > 1)
        for i, (r, ids) in enumerate(zip(records, found, strict=True))
        if len(ids) != 1
    ]
    if unmatched:
        raise UnknownEmployers(unmatched)
    return [ids[0] for ids in found]


def _by_code(session: Session, codes: Sequence[str]) -> dict[str, Vacancy]:
    return {v.code: v for v in where_in(session, select(Vacancy), Vacancy.code, codes)}


def _new_vacancy(record: ExchangeVacancy, *, code: str, employer_id: int, status: VacancyStatus) -> Vacancy:
    """Return a new vacancy holding a validated record's fields."""
    published = utcnow() if status == VacancyStatus.open else None
    vacancy = Vacancy(code=code, employer_id=employer_id, title=record.title, level=record.level, town=record.town,
                      status=status, published_at=published)  # fmt: skip
    vacancy.apply_exchange(record)
    return vacancy


# ---------------------------------------------------------------- candidates


def request_candidate(
    *,
    session: Session,
    vacancy_id: int,
    trainee_code: str,
    by: Actor,
    lang: str = "fr",
    top: int = candidates_engine.DEFAULT_TOP,
) -> CandidateRequest:
    """Ask, for the actor's company, for a trainee listed among an open vacancy's candidates, who joins its shortlist.

    Asking again changes nothing.
    """
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=by.employer_id)
    shared = select(TraineeProfile).where(TraineeProfile.code == trainee_code, col(TraineeProfile.consent_to_share))
    profile = session.exec(shared).first()
    if profile is None or profile.id is None:
        raise CandidateUnavailable(trainee_code)
    asked = requested(session=session, vacancy_id=vacancy_id).get(profile.id)
    if asked is not None:
        return asked
    if vacancy.status != VacancyStatus.open:
        raise VacancyNotOpen(vacancy_id)
    listed = candidates_engine.candidates_for(session=session, vacancy=vacancy, lang=lang, top=top)
    if trainee_code not in {row.trainee.code for row in listed.candidates}:
        raise CandidateUnavailable(trainee_code)
    request = CandidateRequest(vacancy_id=vacancy_id, trainee_id=profile.id, requested_by=by.account())
    try:
        with session.begin_nested():  # a savepoint: a double click racing this one must not fail the request
            session.add(request)
    except IntegrityError:
        return requested(session=session, vacancy_id=vacancy_id)[profile.id]
    offers.shortlist_requested(session=session, request=request)
    return request


def set_interview(
    *, session: Session, vacancy_id: int, trainee_code: str, by: Actor, day_typed: str, hour_typed: str, place: str
) -> Offer:
    """Set (or change) the interview of a candidate the actor's company asked for: the page's and the API's one check.

    Another company's vacancy is not found; a trainee the company did not ask for is unavailable; the day, hour and
    place are checked by offers.check_interview (InvalidInterview lists every problem).
    """
    get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=by.employer_id)
    profile = session.exec(select(TraineeProfile).where(TraineeProfile.code == trainee_code)).first()
    if profile is None or profile.id not in requested(session=session, vacancy_id=vacancy_id):
        raise CandidateUnavailable(trainee_code)
    return offers.schedule_interview(session=session, vacancy_id=vacancy_id, trainee_id=profile.id, by=by,
                                     day_typed=day_typed, hour_typed=hour_typed, place=place)  # fmt: skip


def interview_of(*, session: Session, vacancy_id: int, trainee_code: str, by: Actor) -> Offer | None:
    """Return the offer of a candidate of the actor's company's vacancy while its interview is set, else None."""
    get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=by.employer_id)
    query = (
        select(Offer)
        .join(TraineeProfile, col(TraineeProfile.id) == Offer.trainee_id)
        .where(Offer.vacancy_id == vacancy_id, TraineeProfile.code == trainee_code, Offer.state == OfferState.interview)
    )
    return session.exec(query).first()


def requested(*, session: Session, vacancy_id: int) -> dict[int, CandidateRequest]:
    """Return the requests made for a vacancy, by trainee profile id."""
    query = select(CandidateRequest).where(CandidateRequest.vacancy_id == vacancy_id)
    return {r.trainee_id: r for r in session.exec(query)}
