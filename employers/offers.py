"""Offers and placements: shortlist, offer, answer, confirm, end; every move checked, audited and notified.

One table, ``TRANSITIONS``, says which party may move an offer from which states to which:

    shortlisted ──interview──▶ interview (a day, a place; the company or an officer sets it, and may set it again)
         │                        │
    shortlisted ──offer──▶ offered ──accept──▶ accepted ──confirm──▶ confirmed (a Placement)
    (or offered at once,      │                    └──reject──▶ rejected_by_employer
     or again once expired    │
     or withdrawn)            │
                              ├──decline──▶ declined
                              ├──reject───▶ rejected_by_employer
                              └──expire───▶ expired
    withdraw (officer): shortlisted, interview, offered or accepted ──▶ withdrawn
    an interview leads to the offer (officer) or to the company turning the candidate down (reject)

An employer's "ask for this candidate" puts the trainee on the shortlist too (``shortlist_requested``),
recorded as the employer's move. The system also withdraws the offers still open (shortlisted, offered,
accepted) of a vacancy its company closes, and of a trainee whose placement is confirmed elsewhere. An
offered trainee can neither accept nor decline once the answer's deadline has passed (OfferExpired), even
before the expiry job has run.

A placement has its own table, ``PLACEMENT_TRANSITIONS``: confirming an offer makes it active, and an
officer or the company ends it, once (its ``ended_at`` is its state: NULL while active), on its last day and
for a reason of EndReason (``check_ending``: the history's placement rules, and no day in the future).

Who acts is an employers.lifecycle.Actor, whose party is what the tables name: ``officer`` (users with role
officer or admin), ``employer`` (users of the vacancy's company), ``trainee`` (the offer's own trainee) and
``system`` (``expire_offers``, the withdrawals above). A party outside an action's row gets
ActionNotAllowed; another company's or another trainee's offer is OfferNotFound (ids reveal nothing); a
state outside the action's sources gets InvalidOfferTransition; asking again for the state the offer is
already in (a double submit) returns it unchanged.

Why an offer moved is ``reason`` when a person wrote it (a rejection, a withdrawal) and ``cause``, an
OfferCause, when the system moved it (the offer and its audit event both record it); the words shown for a
cause belong to the pages' catalogue and employers.notices, never to the code that compares it.

Transactions. Functions flush and never commit: the caller commits once. Each move is a conditional
UPDATE of the offer's state (``... WHERE id = :id AND state IN (:sources)``), so of two requests racing
on one offer only one moves it. Confirming takes a seat with ``UPDATE vacancy SET filled_seats =
filled_seats + 1 WHERE id = :id AND status = 'open' AND filled_seats < seats`` (employers.vacancy_status;
VacancyFull when no row changes; the vacancy becomes filled with its last seat) and inserts the
placement, whose partial unique index on ``trainee_id`` (rows not ended) refuses a second active
placement (AlreadyPlaced); these writes share one SAVEPOINT, so a refusal leaves nothing behind. On
PostgreSQL (READ COMMITTED) a conditional UPDATE waits for a concurrent one's row lock and then re-checks
its condition; on SQLite transactions begin IMMEDIATE (web.db), so they run one after another (each
waiting up to the busy timeout) instead of failing with "database is locked" when one read before another
wrote.

Every move writes an AuditEvent and, when someone must act on it, outbox messages (employers.outbox).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import audit
from core.audit import AuditEvent
from core.clock import utcnow
from core.formats import day, money
from core.names import display_name
from core.problems import Problem
from employers import candidates as candidates_engine
from employers import notices, outbox, vacancy_status, weights
from employers import recipients as recipients_service
from employers.exceptions import (
    AlreadyPlaced,
    EmployerError,
    InvalidEnding,
    InvalidInterview,
    InvalidOfferTransition,
    InvalidPlacement,
    OfferExpired,
    OfferNotFound,
    OverrideReasonRequired,
    PlacementEnded,
    PlacementNotFound,
    ReasonRequired,
    TraineeIneligible,
    VacancyNotFound,
    VacancyNotOpen,
)
from employers.lifecycle import SYSTEM, Actor, Party, Transition
from employers.models import (
    CandidateRequest,
    DeclineReason,
    Employer,
    EndReason,
    Offer,
    OfferCause,
    OfferOrigin,
    OfferState,
    Placement,
    Vacancy,
    VacancyStatus,
)
from employers.notices import CAUSES, DECLINE_REASONS, END_REASONS, INTERVIEW_MOMENT, NO_REASON, SMIG_NOTE
from employers.rules import minimum_wage_month
from profiles import consent
from profiles.exceptions import TraineeNotFound
from profiles.history import Placement as HistoryPlacement
from profiles.models import TraineeProfile

#: Days a trainee has to answer an offer, unless the caller gives another number.
ANSWER_DAYS = 7
#: The history id of a placement made in the application, from its offer (one placement per offer).
PLACEMENT_CODE = "P-{:05d}"
#: How long before an offer expires its trainee is reminded.
REMINDER_BEFORE = timedelta(days=1)


class Action(StrEnum):
    """What can be done to an offer."""

    shortlist = "shortlist"
    interview = "interview"
    offer = "offer"
    accept = "accept"
    decline = "decline"
    confirm = "confirm"
    reject = "reject"
    withdraw = "withdraw"
    expire = "expire"


S = OfferState
TRANSITIONS: dict[Action, Transition[OfferState]] = {
    Action.shortlist: Transition(frozenset({None}), S.shortlisted, frozenset({Party.officer})),
    Action.interview: Transition(frozenset({S.shortlisted}), S.interview, frozenset({Party.officer, Party.employer})),
    Action.offer: Transition(
        frozenset({None, S.shortlisted, S.interview, S.expired, S.withdrawn}), S.offered, frozenset({Party.officer})
    ),  # fmt: skip
    Action.accept: Transition(frozenset({S.offered}), S.accepted, frozenset({Party.trainee})),
    Action.decline: Transition(frozenset({S.offered}), S.declined, frozenset({Party.trainee})),
    Action.confirm: Transition(frozenset({S.accepted}), S.confirmed, frozenset({Party.employer})),
    Action.reject: Transition(
        frozenset({S.interview, S.offered, S.accepted}), S.rejected_by_employer, frozenset({Party.employer})
    ),
    Action.withdraw: Transition(
        frozenset({S.shortlisted, S.interview, S.offered, S.accepted}), S.withdrawn, frozenset({Party.officer})
    ),  # fmt: skip
    Action.expire: Transition(frozenset({S.offered}), S.expired, frozenset({Party.system})),
}
#: States in which an offer is still open: the system withdraws them when they can no longer lead to a placement.
OPEN_STATES = (S.shortlisted, S.interview, S.offered, S.accepted)


class PlacementState(StrEnum):
    """Where a placement stands, as the audit trail records it: active until it ends."""

    active = "active"
    ended = "ended"


class PlacementAction(StrEnum):
    """What can be done to a placement (confirming an offer is what starts it)."""

    end = "end"


P = PlacementState
PLACEMENT_TRANSITIONS: dict[PlacementAction, Transition[PlacementState]] = {
    PlacementAction.end: Transition(frozenset({P.active}), P.ended, frozenset({Party.officer, Party.employer})),
}


def allowed(action: Action, party: Party, state: OfferState | None) -> bool:
    """Return whether this party may take this action on an offer in this state (None: no offer yet)."""
    return TRANSITIONS[action].allows(party, state)


# ---------------------------------------------------------------- reading


def get_offer(*, session: Session, offer_id: int, by: Actor) -> Offer:
    """Return an offer the user may see, or raise OfferNotFound (a trainee does not see a shortlist)."""
    offer = session.get(Offer, offer_id)
    if offer is None or not _sees(session, by, offer):
        raise OfferNotFound(offer_id)
    return offer


def _sees(session: Session, by: Actor, offer: Offer) -> bool:
    party = by.party
    if party == Party.officer:
        return True
    if party == Party.trainee:
        return by.trainee_id == offer.trainee_id and offer.state != OfferState.shortlisted
    if party == Party.employer:
        vacancy = session.get(Vacancy, offer.vacancy_id)
        mine = vacancy is not None and by.employer_id is not None and vacancy.employer_id == by.employer_id
        return mine and offer.state != OfferState.shortlisted  # the shortlist is the officers' working list
    return False


def list_offers(
    *, session: Session, by: Actor, vacancy_id: int | None = None, trainee_id: int | None = None,
    states: Sequence[OfferState] | None = None,
) -> list[Offer]:  # fmt: skip
    """Return the offers the user may see, newest first, optionally of one vacancy, one trainee, some states."""
    query = select(Offer).order_by(col(Offer.created_at).desc(), col(Offer.id).desc())
    party = by.party
    if party == Party.trainee:
        query = query.where(Offer.trainee_id == (by.trainee_id or 0), Offer.state != OfferState.shortlisted)
    elif party == Party.employer:
        query = query.join(Vacancy).where(Vacancy.employer_id == (by.employer_id or 0), Offer.state != OfferState.shortlisted)
    elif party != Party.officer:
        return []
    if vacancy_id is not None:
        query = query.where(Offer.vacancy_id == vacancy_id)
    if trainee_id is not None:
        query = query.where(Offer.trainee_id == trainee_id)
    if states is not None:
        query = query.where(col(Offer.state).in_(list(states)))
    return list(session.exec(query))


def get_placement(*, session: Session, placement_id: int, by: Actor) -> Placement:
    """Return a placement the user may see (officers, the company, the trainee), or raise PlacementNotFound."""
    placement = session.get(Placement, placement_id)
    if placement is None or not _sees_placement(session, by, placement):
        raise PlacementNotFound(placement_id)
    return placement


def _sees_placement(session: Session, by: Actor, placement: Placement) -> bool:
    """Whether the user may see a placement: as its offer, or (loaded from history) officers, its trainee, its company."""
    offer = session.get(Offer, placement.offer_id) if placement.offer_id is not None else None
    if offer is not None:
        return _sees(session, by, offer)
    if by.party == Party.employer:
        return by.employer_id is not None and placement.employer_id == by.employer_id
    return by.party == Party.officer or (by.party == Party.trainee and by.trainee_id == placement.trainee_id)


def placement_of(*, session: Session, offer_id: int) -> Placement | None:
    """Return the placement a confirmed offer became, if any."""
    return session.exec(select(Placement).where(Placement.offer_id == offer_id)).first()


def audit_trail(
    *, session: Session, trainee_id: int | None = None, employer_id: int | None = None, vacancy_id: int | None = None
) -> list[AuditEvent]:
    """Return the recorded moves of offers and placements, oldest first, of a trainee, a company and/or a vacancy (all
    when none given); the trail's other events (a vacancy published, a profile edited) are left out."""
    query = select(AuditEvent).where(col(AuditEvent.entity).in_(("offer", "placement")))
    query = query.order_by(col(AuditEvent.at), col(AuditEvent.id))
    if trainee_id is not None:
        query = query.where(AuditEvent.trainee_id == trainee_id)
    if employer_id is not None:
        query = query.where(AuditEvent.employer_id == employer_id)
    if vacancy_id is not None:
        query = query.where(AuditEvent.vacancy_id == vacancy_id)
    return list(session.exec(query))


# ---------------------------------------------------------------- officers


def shortlist(*, session: Session, vacancy_id: int, trainee_id: int, by: Actor) -> Offer:
    """Put a trainee on an open vacancy's shortlist (the officers' working list; the trainee is not told)."""
    _require(Action.shortlist, by)
    vacancy, profile = _open_vacancy(session, vacancy_id), _profile(session, trainee_id)
    existing = _offer_of(session, vacancy_id, trainee_id)
    if existing is not None:
        return _again(existing, Action.shortlist)
    offer = _insert(session, _new_offer(session, vacancy, profile, by, OfferState.shortlisted))
    if offer is None:  # a racing request made the pair's offer first
        return _again(_existing(session, vacancy_id, trainee_id), Action.shortlist)
    _audit_offer(session, offer, None, by.account())
    return offer


def shortlist_requested(*, session: Session, request: CandidateRequest) -> Offer | None:
    """Put the trainee a company asked for on the vacancy's shortlist, as the requester's move (None: the pair has an offer)."""
    if _offer_of(session, request.vacancy_id, request.trainee_id) is not None:
        return None
    _open_vacancy(session, request.vacancy_id)
    _profile(session, request.trainee_id)
    made = _insert(session, Offer(vacancy_id=request.vacancy_id, trainee_id=request.trainee_id, state=OfferState.shortlisted,
                                  origin=OfferOrigin.employer_request, candidate_request_id=request.id,
                                  created_by=request.requested_by,
                                  weights_version=weights.version_in_use(session=session)))  # fmt: skip
    if made is not None:
        _audit_offer(session, made, None, request.requested_by, cause=OfferCause.asked_by_employer)
    return made


def propose_offer(
    *, session: Session, vacancy_id: int, trainee_id: int, by: Actor, override: bool = False,
    override_reason: str | None = None, answer_days: int = ANSWER_DAYS, lang: str = "fr", override_note: str | None = None,
) -> Offer:  # fmt: skip
    """Offer an open vacancy to a trainee (shortlisted or not); an ineligible one only by override, with a reason.

    The trainee is told to answer before ``expires_at``, `answer_days` from now: give the number of days that
    expire_offers is given. An override is recorded only when the engine finds the trainee ineligible: its
    reason is shown to the company word for word, its optional `override_note` stays with the officers.
    """
    _require(Action.offer, by)
    reason = (override_reason or "").strip()
    if override and not reason:
        raise OverrideReasonRequired()
    vacancy, profile = _open_vacancy(session, vacancy_id), _profile(session, trainee_id)
    existing = _offer_of(session, vacancy_id, trainee_id)
    if existing is not None and existing.state not in TRANSITIONS[Action.offer].sources:
        return _again(existing, Action.offer)
    if _active_placement(session, trainee_id) is not None:
        raise AlreadyPlaced(trainee_id)
    found = candidates_engine.eligibility(session=session, vacancy=vacancy, profile=profile, lang=lang)
    if not found.eligible and not override:
        raise TraineeIneligible(trainee_id, found.reasons)
    now = utcnow()
    terms: dict[str, Any] = {"offered_at": now, "expires_at": now + timedelta(days=answer_days), "override": not found.eligible,
                             "override_reason": None if found.eligible else reason,
                             "override_note": None if found.eligible else ((override_note or "").strip() or None)}  # fmt: skip
    again = {"reminded_at": None, "answered_at": None, "reason": None, "cause": None, "decline_reason": None}  # made again
    audit_reason = None if found.eligible else reason
    if existing is not None:
        if not _move(session, existing, Action.offer, by, audit_reason=audit_reason, **terms, **again):
            return existing
        offer = existing
    else:
        made = _insert(session, _new_offer(session, vacancy, profile, by, OfferState.offered, **terms))
        if made is None:
            return _again(_existing(session, vacancy_id, trainee_id), Action.offer)
        offer = made
        _audit_offer(session, offer, None, by.account(), reason=audit_reason)
    _notify(session, offer, "offer_made", trainee=True)
    return offer


def withdraw_offer(*, session: Session, offer_id: int, by: Actor, reason: str) -> Offer:
    """Withdraw an offer not yet confirmed, saying why (the trainee is told if they had heard of it)."""
    offer = _visible(session, offer_id, by, Action.withdraw)
    reason = _reason(reason)
    told = offer.state in (OfferState.offered, OfferState.accepted)
    if _move(session, offer, Action.withdraw, by, audit_reason=reason, reason=reason) and told:
        _notify(session, offer, "offer_withdrawn", trainee=True)
    return offer


# ---------------------------------------------------------------- interviews


#: The longest an interview's place may be written.
PLACE_LENGTH = 200


def check_interview(*, day_typed: str, hour_typed: str, place: str, now: datetime) -> tuple[datetime, str]:
    """Return an interview's moment (Bamako time, i.e. UTC) and place, or raise InvalidInterview listing every problem."""
    problems: list[Problem] = []
    place = " ".join(place.split())
    moment = None
    try:
        moment = datetime.fromisoformat(f"{day_typed.strip()}T{hour_typed.strip()}").replace(tzinfo=UTC)
    except ValueError:
        problems.append(
            Problem("interview_day", "field_date") if not _is_day(day_typed) else Problem("interview_hour", "field_invalid")
        )
    if moment is not None and moment <= now:
        problems.append(Problem("interview_day", "interview_in_past"))
    if not place:
        problems.append(Problem("interview_place", "field_required"))
    elif len(place) > PLACE_LENGTH:
        problems.append(Problem("interview_place", "field_too_long", {"limit": str(PLACE_LENGTH)}))
    if problems or moment is None:
        raise InvalidInterview(problems)
    return moment, place


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def schedule_interview(
    *, session: Session, vacancy_id: int, trainee_id: int, by: Actor, day_typed: str, hour_typed: str, place: str,
    now: datetime | None = None,
) -> Offer:  # fmt: skip
    """Set (or set again) the interview of a shortlisted candidate: a day, an hour and a place; audited and notified.

    The company sets it for a candidate it asked for (on its own vacancy), an officer for any shortlisted one. The
    trainee is told by SMS, and the other side: the officer of the offer when the company set it, the company when
    an officer did.
    """
    _require(Action.interview, by)
    at, where = check_interview(day_typed=day_typed, hour_typed=hour_typed, place=place, now=now or utcnow())
    vacancy = session.get(Vacancy, vacancy_id)
    offer = _offer_of(session, vacancy_id, trainee_id)
    mine = by.party != Party.employer or (vacancy is not None and vacancy.employer_id == by.employer_id)
    if offer is None or not mine:
        raise OfferNotFound(offer.id if offer else 0)
    terms: dict[str, Any] = {"interview_at": at, "interview_place": where}
    if offer.state == S.interview:
        session.exec(update(Offer).where(col(Offer.id) == offer.id, col(Offer.state) == S.interview)
                     .values(updated_at=utcnow(), **terms).execution_options(synchronize_session=False))  # fmt: skip
        session.refresh(offer)
        _audit_offer(session, offer, S.interview, by.account())
    else:
        _move(session, offer, Action.interview, by, **terms)
    company = by.party == Party.employer
    _notify(session, offer, "interview_scheduled", trainee=True, officer=company, employer=not company, by=by,
            extra=lambda lang: {"when": interview_words(at, lang), "place": where})  # fmt: skip
    return offer


def interview_words(at: datetime, lang: str = "fr") -> str:
    """Return an interview's moment as the notices say it: "04/01/2027 à 09:30", "4 Jan 2027 at 09:30"."""
    return notices.translations(lang).gettext(INTERVIEW_MOMENT).format(day=day(at, lang), hour=f"{at:%H:%M}")


# ---------------------------------------------------------------- trainees


def accept(*, session: Session, offer_id: int, by: Actor) -> Offer:
    """Accept an offer made to you (the trainee); the employer then confirms the placement."""
    offer = _visible(session, offer_id, by, Action.accept)
    _refuse_late(offer)
    if _move(session, offer, Action.accept, by, answered_at=utcnow()):
        _notify(session, offer, "offer_accepted", employer=True, officer=True, by=by)
    return offer


def decline(*, session: Session, offer_id: int, by: Actor, reason: DeclineReason | None = None) -> Offer:
    """Decline an offer made to you (the trainee), optionally saying why from a short list."""
    offer = _visible(session, offer_id, by, Action.decline)
    _refuse_late(offer)
    code = DeclineReason(reason) if reason is not None else None
    audit_reason = code.value if code else None
    if _move(session, offer, Action.decline, by, audit_reason=audit_reason, answered_at=utcnow(), decline_reason=code):
        _notify(session, offer, "offer_declined", employer=True, officer=True, by=by)
    return offer


def _refuse_late(offer: Offer) -> None:
    """Raise OfferExpired for an answer after the deadline, even before the expiry job has run."""
    if offer.state == OfferState.offered and offer.expires_at is not None and offer.expires_at <= utcnow():
        raise OfferExpired(offer.id or 0)


# ---------------------------------------------------------------- employers


def confirm_placement(*, session: Session, offer_id: int, by: Actor, start_date: date, salary_fcfa_month: int) -> Placement:
    """Confirm the hiring of a trainee who accepted: the offer becomes a placement and takes a seat of the vacancy."""
    offer = _visible(session, offer_id, by, Action.confirm)
    _check_terms(start_date, salary_fcfa_month)
    _lock_trainee(session, offer)
    if offer.state == OfferState.confirmed:  # a double submit: the first one made the placement
        return _placement(session, offer)
    try:
        with session.begin_nested():
            if not _move(session, offer, Action.confirm, by):
                return _placement(session, offer)
            if _active_placement(session, offer.trainee_id) is not None:
                raise AlreadyPlaced(offer.trainee_id)
            vacancy_status.take_seat(session=session, vacancy_id=offer.vacancy_id)
            placement = _new_placement(session, offer, start_date, salary_fcfa_month, by)
            session.add(placement)
            session.flush()  # the partial unique index refuses a second active placement of the trainee here
    except IntegrityError as exc:
        session.refresh(offer)
        raise AlreadyPlaced(offer.trainee_id) from exc
    except InvalidOfferTransition as exc:
        session.refresh(offer)
        if offer.cause == OfferCause.placed_elsewhere:  # a racing confirmation of another of the trainee's offers won
            raise AlreadyPlaced(offer.trainee_id) from exc
        raise
    except EmployerError:
        session.refresh(offer)
        raise
    _audit(session, offer, "placement", placement.id or 0, None, PlacementState.active, placement.confirmed_by)
    others = select(Offer).where(Offer.trainee_id == offer.trainee_id, Offer.id != offer.id)
    _withdraw_open(session, others, OfferCause.placed_elsewhere, tell_trainee=False)
    _notify(session, offer, "placement_confirmed", trainee=True, officer=True, placement=placement, by=by)
    return placement


def reject_by_employer(*, session: Session, offer_id: int, by: Actor, reason: str) -> Offer:
    """Turn down a trainee offered or who accepted (the company), saying why."""
    offer = _visible(session, offer_id, by, Action.reject)
    reason = _reason(reason)
    if _move(session, offer, Action.reject, by, audit_reason=reason, reason=reason):
        _notify(session, offer, "offer_rejected", officer=True, by=by)
    return offer


def end_placement(
    *, session: Session, placement_id: int, by: Actor, end_date: date | str | None, reason: EndReason | str | None,
    note: str | None = None, today: date | None = None,
) -> Placement:  # fmt: skip
    """End an active placement (an officer or the company) on a day, for a reason of EndReason; its seat opens again.

    The day and the reason are checked by ``check_ending`` (InvalidEnding lists every problem); `note` is free
    text kept with them. `today` is the day the end is recorded (default: today in Bamako, i.e. UTC).
    """
    rule = PLACEMENT_TRANSITIONS[PlacementAction.end]
    rule.require(PlacementAction.end.value, by, "a placement")
    placement = get_placement(session=session, placement_id=placement_id, by=by)
    if placement.ended_at is not None:
        raise PlacementEnded(placement_id)
    day_ended, why = check_ending(placement, end_date=end_date, reason=reason, today=today or utcnow().date())
    note = (note or "").strip() or None
    ended = session.exec(  # an active placement is one not ended: the UPDATE's condition on its state
        update(Placement)
        .where(col(Placement.id) == placement_id, col(Placement.ended_at).is_(None))
        .values(ended_at=utcnow(), end_date=day_ended, end_reason=why, end_note=note, ended_by=by.account())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(placement)
    if ended != 1:
        raise PlacementEnded(placement_id)
    if placement.vacancy_id is not None:
        vacancy_status.release_seat(session=session, vacancy_id=placement.vacancy_id)
    audit.record(session, actor_id=by.account(), entity="placement", entity_id=placement_id, action=rule.target.value,
                 from_state=PlacementState.active.value, to_state=rule.target.value, reason=why.value,
                 trainee_id=placement.trainee_id, vacancy_id=placement.vacancy_id, employer_id=placement.employer_id,
                 details={"end_date": day_ended.isoformat(), "end_reason": why.value, "note": note})  # fmt: skip
    offer = session.get(Offer, placement.offer_id) if placement.offer_id is not None else None
    if offer is not None:  # the other side is told: the officer when the company ended it, the company otherwise
        company = by.party != Party.employer
        _notify(session, offer, "placement_ended", officer=not company, employer=company, placement=placement, by=by)
    return placement


def check_ending(
    placement: Placement, *, end_date: date | str | None, reason: EndReason | str | None, today: date
) -> tuple[date, EndReason]:
    """Return the day and reason of a placement's end, or raise InvalidEnding listing every problem.

    The history's placement record (profiles.history.Placement) holds the rules: a real date not before the
    start, a reason from its list whenever there is an end. The day is not in the future either — except that
    a placement that has not started yet may end on its start day (the hiring fell through).
    """
    typed_day = end_date.isoformat() if isinstance(end_date, date) else str(end_date or "").strip()
    typed_reason = reason.value if isinstance(reason, EndReason) else str(reason or "").strip()
    record = {"id": placement.code, "trainee_id": str(placement.trainee_id), "employer": placement.employer_name,
              "level": placement.level, "start_date": placement.start_date, "salary_fcfa_month": 0,
              "end_date": typed_day or None, "end_reason": typed_reason or None}  # fmt: skip
    problems = _ending_problems(record, placement.start_date)
    if not typed_day:
        problems.insert(0, Problem("end_date", "field_required"))
    if not typed_reason:
        problems = [p for p in problems if p.field != "end_reason"] + [Problem("end_reason", "end_reason_required")]
    if not problems:
        day_ended = date.fromisoformat(typed_day)
        if day_ended > max(today, placement.start_date):
            problems.append(Problem("end_date", "date_in_future"))
    if problems:
        raise InvalidEnding(problems)
    return date.fromisoformat(typed_day), EndReason(typed_reason)


def _ending_problems(record: dict[str, Any], start: date) -> list[Problem]:
    """Return the problems the history's placement record finds in the end's day and reason."""
    try:
        HistoryPlacement.model_validate(record)
    except ValidationError as invalid:
        return [_ending_problem(error, start) for error in invalid.errors(include_url=False) if error["loc"]
                and error["loc"][0] in ("end_date", "end_reason")]  # fmt: skip
    return []


def _ending_problem(error: ErrorDetails, start: date) -> Problem:
    if error["loc"][0] == "end_reason":
        return Problem("end_reason", "field_choice")
    if error["type"] == "value_error" and "before start_date" in error["msg"]:
        return Problem("end_date", "end_before_start", {"start": day(start)})
    return Problem("end_date", "field_date")


# ---------------------------------------------------------------- the system


def withdraw_for_closed_vacancy(*, session: Session, vacancy_id: int) -> list[int]:
    """Withdraw the offers still open of a vacancy its company closed (trainees who had heard of it are told)."""
    query = select(Offer).where(Offer.vacancy_id == vacancy_id)
    return _withdraw_open(session, query, OfferCause.vacancy_closed, tell_trainee=True)


def _withdraw_open(session: Session, query: Any, cause: OfferCause, *, tell_trainee: bool) -> list[int]:
    """Withdraw, as the system, the open offers the query selects; return their ids."""
    withdrawn = []
    for offer in session.exec(query.where(col(Offer.state).in_(OPEN_STATES)).order_by(col(Offer.id))).all():
        told = offer.state in (OfferState.offered, OfferState.accepted)
        if _move(session, offer, Action.withdraw, SYSTEM, cause=cause):
            withdrawn.append(offer.id or 0)
            if told and tell_trainee:
                _notify(session, offer, "offer_withdrawn", trainee=True)
    return withdrawn


@dataclass(frozen=True)
class ExpiryRun:
    """What one run of expire_offers did: the offers expired and the offers whose trainee was reminded."""

    expired: tuple[int, ...]
    reminded: tuple[int, ...]


def expire_offers(*, session: Session, now: datetime, days: int) -> ExpiryRun:
    """Expire offers unanswered `days` days after they were made; remind their trainees a day before.

    Run it regularly (every hour, say), `now` being the current time; a run does nothing twice: an offer is
    reminded once, and one the job missed the reminder window of simply expires.
    """
    period = timedelta(days=days)
    waiting = select(Offer).where(Offer.state == OfferState.offered).order_by(col(Offer.id))
    expired = [o.id or 0 for o in session.exec(waiting.where(col(Offer.offered_at) <= now - period)).all() if _expire(session, o)]
    due = waiting.where(col(Offer.offered_at) <= now - period + REMINDER_BEFORE, col(Offer.reminded_at).is_(None))
    reminded = [o.id or 0 for o in session.exec(due).all() if _remind(session, o, now, period)]
    return ExpiryRun(tuple(expired), tuple(reminded))


def _expire(session: Session, offer: Offer) -> bool:
    try:
        moved = _move(session, offer, Action.expire, SYSTEM)
    except InvalidOfferTransition:  # answered meanwhile
        return False
    if moved:
        _notify(session, offer, "offer_expired", officer=True)
    return moved


def _remind(session: Session, offer: Offer, now: datetime, period: timedelta) -> bool:
    marked = session.exec(
        update(Offer)
        .where(col(Offer.id) == offer.id, col(Offer.state) == OfferState.offered, col(Offer.reminded_at).is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(offer)
    if marked == 1:
        deadline = (offer.offered_at or now) + period
        _notify(session, offer, "offer_expiring", trainee=True, deadline=deadline)
    return marked == 1


# ---------------------------------------------------------------- moving an offer


def _require(action: Action, by: Actor) -> None:
    """Raise ActionNotAllowed unless the actor's party may ever take this action on an offer."""
    TRANSITIONS[action].require(action.value, by, "an offer")


def _visible(session: Session, offer_id: int, by: Actor, action: Action) -> Offer:
    _require(action, by)
    return get_offer(session=session, offer_id=offer_id, by=by)


def _again(offer: Offer, action: Action) -> Offer:
    """Return the offer when it is already where the action leads (a double submit), else refuse."""
    if offer.state != TRANSITIONS[action].target:
        raise InvalidOfferTransition(offer.id, action.value, offer.state.value)
    return offer


def _move(session: Session, offer: Offer, action: Action, by: Actor, *, audit_reason: str | None = None,
          **values: Any) -> bool:  # fmt: skip
    """Move an existing offer by a conditional UPDATE on its state and audit it; False when it already was there.

    `values` are the offer's other columns to set (a `cause` is recorded on the audit event too).
    """
    rule = TRANSITIONS[action]
    if offer.state == rule.target:
        return False
    sources = rule.stored_sources()
    if offer.state not in sources:
        raise InvalidOfferTransition(offer.id, action.value, offer.state.value)
    before = offer.state
    moved = session.exec(
        update(Offer)
        .where(col(Offer.id) == offer.id, col(Offer.state).in_(sources))
        .values(state=rule.target, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(offer)
    if moved != 1:  # another request moved it first: fine only when it made the same move
        _again(offer, action)
        return False
    _audit_offer(session, offer, before, by.recorded(), reason=audit_reason, cause=values.get("cause"))
    return True


def _insert(session: Session, offer: Offer) -> Offer | None:
    """Insert a new offer in a savepoint; None when the pair already has one (a racing request)."""
    try:
        with session.begin_nested():
            session.add(offer)
    except IntegrityError:
        return None
    return offer


def _new_offer(session: Session, vacancy: Vacancy, profile: TraineeProfile, by: Actor, state: OfferState, **terms: Any) -> Offer:
    request = session.exec(
        select(CandidateRequest).where(CandidateRequest.vacancy_id == vacancy.id, CandidateRequest.trainee_id == profile.id)
    ).first()
    origin = OfferOrigin.employer_request if request is not None else OfferOrigin.officer
    return Offer(vacancy_id=vacancy.id or 0, trainee_id=profile.id or 0, state=state, origin=origin,
                 candidate_request_id=request.id if request else None, created_by=by.account(),
                 weights_version=weights.version_in_use(session=session), **terms)  # fmt: skip


def _offer_of(session: Session, vacancy_id: int, trainee_id: int) -> Offer | None:
    return session.exec(select(Offer).where(Offer.vacancy_id == vacancy_id, Offer.trainee_id == trainee_id)).first()


def _existing(session: Session, vacancy_id: int, trainee_id: int) -> Offer:
    offer = _offer_of(session, vacancy_id, trainee_id)
    assert offer is not None  # the unique constraint refused ours because this one exists
    return offer


def _open_vacancy(session: Session, vacancy_id: int) -> Vacancy:
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise VacancyNotFound(vacancy_id)
    if vacancy.status != VacancyStatus.open:
        raise VacancyNotOpen(vacancy_id)
    return vacancy


def _profile(session: Session, trainee_id: int) -> TraineeProfile:
    profile = session.get(TraineeProfile, trainee_id)
    if profile is None:
        raise TraineeNotFound(str(trainee_id))
    return profile


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ReasonRequired()
    return reason.strip()


# ---------------------------------------------------------------- placements and seats


def _check_terms(start_date: date, salary_fcfa_month: int) -> None:
    problems = []
    if not isinstance(start_date, date):
        problems.append(Problem("start_date", "field_date"))
    if not isinstance(salary_fcfa_month, int) or salary_fcfa_month < 1:
        problems.append(Problem("salary_fcfa_month", "field_at_least", {"limit": "1"}))
    if problems:
        raise InvalidPlacement(problems)


def _lock_trainee(session: Session, offer: Offer) -> None:
    """Make confirmations of one trainee's offers wait for each other, then re-read the offer.

    On PostgreSQL a confirmation withdraws the trainee's other offers; two confirmations of the same trainee
    would each hold the row of an offer the other one withdraws (a deadlock) without this row lock on the
    trainee, always taken first. SQLite's transactions already run one at a time (BEGIN IMMEDIATE).
    """
    session.exec(select(TraineeProfile.id).where(TraineeProfile.id == offer.trainee_id).with_for_update()).first()
    session.refresh(offer)


def _new_placement(session: Session, offer: Offer, start_date: date, salary_fcfa_month: int, by: Actor) -> Placement:
    """Return the placement a confirmed offer becomes, naming its employer, level and town as its vacancy does."""
    vacancy = session.get(Vacancy, offer.vacancy_id)
    company = session.get(Employer, vacancy.employer_id) if vacancy else None
    assert vacancy is not None and company is not None  # foreign keys
    return Placement(code=PLACEMENT_CODE.format(offer.id or 0), offer_id=offer.id, vacancy_id=offer.vacancy_id,
                     trainee_id=offer.trainee_id, employer_id=company.id, employer_name=company.name, level=vacancy.level,
                     town=vacancy.town, start_date=start_date, salary_fcfa_month=salary_fcfa_month,
                     confirmed_by=by.account())  # fmt: skip


def _active_placement(session: Session, trainee_id: int) -> Placement | None:
    query = select(Placement).where(Placement.trainee_id == trainee_id, col(Placement.ended_at).is_(None))
    return session.exec(query).first()


def _placement(session: Session, offer: Offer) -> Placement:
    placement = placement_of(session=session, offer_id=offer.id or 0)
    assert placement is not None  # a confirmed offer has its placement, written in the same transaction
    return placement


# ---------------------------------------------------------------- audit and notices


def _audit_offer(session: Session, offer: Offer, before: OfferState | None, actor_id: int | None, *,
                 reason: str | None = None, cause: OfferCause | None = None) -> None:  # fmt: skip
    _audit(session, offer, "offer", offer.id or 0, before, offer.state, actor_id, reason, cause)


def _audit(session: Session, offer: Offer, entity: str, entity_id: int, before: StrEnum | None, after: StrEnum,
           actor_id: int | None, reason: str | None = None, cause: OfferCause | None = None) -> None:  # fmt: skip
    vacancy = session.get(Vacancy, offer.vacancy_id)
    assert vacancy is not None  # an offer's vacancy is a foreign key
    audit.record(session, actor_id=actor_id, entity=entity, entity_id=entity_id, action=after.value,
                 from_state=before.value if before else None, to_state=after.value, reason=reason,
                 cause=cause.value if cause else None, vacancy_id=offer.vacancy_id, trainee_id=offer.trainee_id,
                 employer_id=vacancy.employer_id)  # fmt: skip


def _notify(
    session: Session, offer: Offer, event: str, *, trainee: bool = False, employer: bool = False, officer: bool = False,
    placement: Placement | None = None, deadline: datetime | None = None, by: Actor = SYSTEM,
    extra: Callable[[str], dict[str, str]] | None = None,
) -> None:  # fmt: skip
    """Write the event's notice for each audience named (never to the staff member who acted); `extra`: more values,
    in a language."""
    vacancy, profile = session.get(Vacancy, offer.vacancy_id), session.get(TraineeProfile, offer.trainee_id)
    company = session.get(Employer, vacancy.employer_id) if vacancy else None
    assert vacancy is not None and profile is not None and company is not None  # foreign keys
    recipients: list[tuple[str, outbox.Recipient]] = []
    if trainee and not consent.sms_withdrawn(session=session, trainee_id=profile.id or 0):  # they said stop: no SMS
        recipients.append(("trainee", outbox.Recipient(phone=profile.phone, lang=profile.message_language or "fr")))
    if employer:
        recipients.append(("employer", recipients_service.company(session=session, employer=company)))
    if officer:
        recipients += [("officer", r) for r in _officers_told(session, offer) if r.user_id != by.user_id]
    for audience, recipient in recipients:
        lang = recipient.lang
        said = _values(offer, vacancy, profile, company, placement, deadline, lang) | (extra(lang) if extra else {})
        outbox.queue(session=session, key=f"{event}.{audience}", recipient=recipient, values=said, offer_id=offer.id)
    session.flush()


def _officers_told(session: Session, offer: Offer) -> list[outbox.Recipient]:
    """Return the officer of the offer or, while no officer has handled it (a company's request), the officers on duty."""
    officer_id = _officer_of(session, offer)
    if officer_id is None:
        return recipients_service.officers_on_duty(session=session)
    return [recipients_service.account(session=session, user_id=officer_id)]


def _officer_of(session: Session, offer: Offer) -> int | None:
    """Return the officer who made the offer: the last one to move it to "offered" (only officers may), else its creator
    when an officer shortlisted it. A company's request creates the offer too: its recruiter is never the officer."""
    query = (
        select(AuditEvent.actor_id)
        .where(AuditEvent.entity == "offer", AuditEvent.entity_id == offer.id, AuditEvent.to_state == OfferState.offered.value)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )
    made_by = session.exec(query).first()
    if made_by is not None:
        return made_by
    return None if offer.origin == OfferOrigin.employer_request else offer.created_by


def _values(offer: Offer, vacancy: Vacancy, profile: TraineeProfile, company: Employer, placement: Placement | None,
            deadline: datetime | None, lang: str = "fr") -> dict[str, str]:  # fmt: skip
    """Return the values a notice is filled with, dates and amounts written in the recipient's language."""
    due = deadline or offer.expires_at
    translate = notices.translations(lang).gettext
    reason = offer.reason or translate(_words(offer))
    pay = vacancy.salary_fcfa_month
    return {
        "employer": company.name, "title": vacancy.title, "town": vacancy.town, "vacancy_code": vacancy.code,
        "trainee_code": profile.code, "initials": candidates_engine.initials(profile.full_name),
        "name": display_name(profile.full_name), "link": notices.short_link(offer.id or 0),
        "deadline": day(due, lang), "reason": _ending_words(placement, lang) if placement and placement.end_reason else reason,
        "start_date": day(placement.start_date, lang) if placement else "",
        "end_date": day(placement.end_date, lang) if placement and placement.end_date else "",
        "salary": money(placement.salary_fcfa_month, lang) if placement else "",
        "pay": f", {money(pay, lang)} {notices.PER_MONTH.get(lang, notices.PER_MONTH['fr'])}" if pay else "",
        "smig_note": translate(SMIG_NOTE).format(smig=money(minimum_wage_month(), lang), **notices.country_values())
        if placement and below_smig(placement.salary_fcfa_month) else "",
    }  # fmt: skip


def below_smig(salary_fcfa_month: int | None) -> bool:
    """Return whether a monthly salary is below the minimum wage (a warning everywhere, never a refusal)."""
    return salary_fcfa_month is not None and salary_fcfa_month < minimum_wage_month()


def _ending_words(placement: Placement, lang: str = "fr") -> str:
    """Return, in the notices' language, why a placement ended: its reason's words, then the note written with it."""
    words = notices.translations(lang).gettext(END_REASONS[placement.end_reason.value] if placement.end_reason else NO_REASON)
    return f"{words} ({placement.end_note})" if placement.end_note else words


def _words(offer: Offer) -> str:
    """Return, in the notices' French, why an offer moved when nobody wrote it: its cause, or the trainee's decline reason."""
    if offer.cause is not None:
        return CAUSES[offer.cause.value]
    return DECLINE_REASONS[offer.decline_reason.value] if offer.decline_reason else NO_REASON
