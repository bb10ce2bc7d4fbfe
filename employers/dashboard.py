"""What the placement officers watch: the work waiting on the dashboard, the audit trail searched, the outbox.

Every function takes the session and reads; none writes. Lists are short (``limit``) with their full count,
so a page shows the first few and says how many there are.

Overdue work is of three kinds: offers still ``offered`` past their ``expires_at`` (the expiry job has not
run since), offers ``accepted`` that the company has not confirmed for ``CONFIRMATION_DAYS`` days, and
follow-ups after placement not recorded ``followups.GRACE_DAYS`` days after their due day.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Integer, String, column, func, table
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers import followups
from employers.models import (
    Employer,
    EmployerStatus,
    Offer,
    OfferOrigin,
    OfferState,
    OutboxMessage,
    Placement,
    Vacancy,
    VacancyStatus,
)
from matching.normalise import fold
from profiles.models import ProfileView, TraineeProfile

T = TypeVar("T")

#: The accounts' table, for their names (web.auth owns the model; the domain reads two columns).
USERS = table("user", column("id", Integer), column("full_name", String), column("role", String))

#: Rows each dashboard list shows before "see all".
LIST_LIMIT = 20
#: Days an accepted offer may wait for the company's confirmation before it is overdue.
CONFIRMATION_DAYS = 3
#: Rows per page of the audit trail and the outbox.
PER_PAGE = 50
#: An offer waiting for its answer is "expiring" this many days before its deadline.
EXPIRING_DAYS = 2
#: Items each group of the to-do list shows (the group's link shows them all).
TODO_ITEMS = 5
#: Offer states still in progress (neither answered for good nor ended).
IN_PROGRESS = (OfferState.shortlisted, OfferState.interview, OfferState.offered, OfferState.accepted)


@dataclass(frozen=True)
class Section(Generic[T]):
    """A dashboard list: how many items there are, and the first ones."""

    count: int
    rows: tuple[T, ...]

    @property
    def more(self) -> bool:
        """Return whether some items are not listed."""
        return self.count > len(self.rows)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a long list, newest first."""

    rows: tuple[T, ...]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(math.ceil(self.total / self.per_page), 1)


@dataclass(frozen=True)
class OpenVacancy:
    """An open vacancy, its company's name and its free seats."""

    vacancy: Vacancy
    employer_name: str

    @property
    def free_seats(self) -> int:
        """Return the seats not yet filled."""
        return max(self.vacancy.seats - self.vacancy.filled_seats, 0)


@dataclass(frozen=True)
class WaitingTrainee:
    """A trainee with no active placement, and how many of their offers are in progress."""

    trainee: TraineeProfile
    in_progress: int


@dataclass(frozen=True)
class OfferItem:
    """An offer with its vacancy, company name and trainee; times UTC-aware."""

    offer: Offer
    vacancy: Vacancy
    employer_name: str
    trainee: TraineeProfile

    @property
    def expires_at(self) -> datetime | None:
        """Return when the offer expires unanswered."""
        return self.offer.expires_at

    @property
    def answered_at(self) -> datetime | None:
        """Return when the trainee answered."""
        return self.offer.answered_at


@dataclass(frozen=True)
class Dashboard:
    """The officers' waiting work."""

    open_vacancies: Section[OpenVacancy]
    requested: Section[OfferItem]
    not_placed: Section[WaitingTrainee]
    waiting_answer: Section[OfferItem]
    past_expiry: Section[OfferItem]
    unconfirmed: Section[OfferItem]
    pending_applications: int
    confirmation_days: int
    follow_ups_due: Section[followups.Item] = Section(0, ())
    follow_ups_overdue: Section[followups.Item] = Section(0, ())
    to_confirm: Section[OfferItem] = Section(0, ())
    expiring: Section[OfferItem] = Section(0, ())

    def to_do(self, whole: str = "") -> tuple[ToDo, ...]:
        """Return what waits on the officers, the most urgent first, each group with its count (empty groups left out);
        the group whose dashboard list is `whole` shows every item."""
        follow_ups = Section(self.follow_ups_overdue.count + self.follow_ups_due.count,
                             (*self.follow_ups_overdue.rows, *self.follow_ups_due.rows))  # fmt: skip
        groups: tuple[tuple[str, str, Section[Any]], ...] = (
            ("overdue_answers", "overdue", self.past_expiry), ("expiring", "expiring", self.expiring),
            ("requests", "requested", self.requested), ("to_confirm", "accepted", self.to_confirm),
            ("follow_ups", "", follow_ups), ("applications", "", Section(self.pending_applications, ())),
        )  # fmt: skip
        return tuple(
            ToDo(kind, listed, section, None if whole and whole == listed else TODO_ITEMS)
            for kind, listed, section in groups
            if section.count
        )


@dataclass(frozen=True)
class ToDo:
    """One kind of work waiting on the officers (overdue answers, expiring offers, company requests, acceptances to
    confirm, follow-ups, company applications) and its items."""

    kind: str
    listed: str  # the dashboard list that shows the group whole ("": another page does)
    section: Section[Any]
    limit: int | None = TODO_ITEMS

    @property
    def rows(self) -> tuple[Any, ...]:
        """Return the first items, the rest behind the group's link."""
        return self.section.rows[: self.limit]

    @property
    def more(self) -> int:
        """Return how many items are not shown."""
        return self.section.count - len(self.rows)


def dashboard(*, session: Session, now: datetime | None = None, limit: int | None = LIST_LIMIT,
              unlimited: Sequence[str] = (), confirmation_days: int = CONFIRMATION_DAYS) -> Dashboard:  # fmt: skip
    """Return the officers' waiting work; lists named in `unlimited` are given whole."""
    now = now or utcnow()

    def cap(name: str) -> int | None:
        return None if name in unlimited else limit

    return Dashboard(
        open_vacancies=open_vacancies(session=session, limit=cap("vacancies")),
        requested=requested_by_companies(session=session, limit=cap("requested")),
        not_placed=trainees_not_placed(session=session, limit=cap("trainees")),
        waiting_answer=offers_waiting_answer(session=session, limit=cap("offers")),
        past_expiry=offers_past_expiry(session=session, now=now, limit=cap("overdue")),
        unconfirmed=acceptances_unconfirmed(session=session, now=now, days=confirmation_days, limit=cap("overdue")),
        pending_applications=pending_applications(session=session),
        confirmation_days=confirmation_days,
        **follow_ups_waiting(session=session, now=now, limit=cap("followups")),
        to_confirm=acceptances_to_confirm(session=session, limit=cap("accepted")),
        expiring=offers_expiring(session=session, now=now, limit=cap("expiring")),
    )


def follow_ups_waiting(*, session: Session, now: datetime, limit: int | None = LIST_LIMIT) -> dict[str, Section[followups.Item]]:
    """Return the follow-ups fallen due and not recorded: those due (earliest first) and those overdue (latest first)."""
    items = followups.open_items(session=session, today=now.date())
    due = [i for i in items if i.status == "due"]
    overdue = sorted((i for i in items if i.status == "overdue"), key=lambda i: i.due, reverse=True)
    return {
        "follow_ups_due": Section(len(due), tuple(due[:limit])),
        "follow_ups_overdue": Section(len(overdue), tuple(overdue[:limit])),
    }


def _count(session: Session, query: Any) -> int:
    return int(session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one())


def _total(session: Session, query: Any, shown: int, limit: int | None) -> int:
    """Return how many rows a query has, counted only when the rows shown may not be all of them."""
    return shown if limit is None or shown < limit else _count(session, query)


def _limited(query: Any, limit: int | None) -> Any:
    return query if limit is None else query.limit(limit)


def open_vacancies(*, session: Session, limit: int | None = LIST_LIMIT) -> Section[OpenVacancy]:
    """Return the open vacancies, longest open first, with their free seats."""
    since = func.coalesce(Vacancy.published_at, Vacancy.created_at)
    query = (
        select(Vacancy, Employer.name).join(Employer).where(Vacancy.status == VacancyStatus.open).order_by(since, col(Vacancy.id))
    )
    rows = tuple(OpenVacancy(vacancy, name) for vacancy, name in session.exec(_limited(query, limit)))
    return Section(_total(session, query, len(rows), limit), rows)


def trainees_not_placed(*, session: Session, limit: int | None = LIST_LIMIT) -> Section[WaitingTrainee]:
    """Return the trainees still in the programme without an active placement: those with no offer in progress first, then
    by code."""
    # Two lists, each read in the code's order and stopped at the limit, and a count over an index: ordering every
    # trainee by their count of offers (one query) sorted the whole table on each visit (14 ms at 10,000 trainees).
    active = select(Placement.trainee_id).where(col(Placement.ended_at).is_(None))
    going = select(Offer.trainee_id).where(col(Offer.state).in_(IN_PROGRESS))
    waiting = (col(TraineeProfile.id).not_in(active), col(TraineeProfile.dropped_out_on).is_(None))
    by_code = select(TraineeProfile).where(*waiting).order_by(col(TraineeProfile.code))
    free = list(session.exec(_limited(by_code.where(col(TraineeProfile.id).not_in(going)), limit)))
    busy: list[TraineeProfile] = []
    if limit is None or len(free) < limit:
        busy = list(
            session.exec(_limited(by_code.where(col(TraineeProfile.id).in_(going)), None if limit is None else limit - len(free)))
        )
    counts = _offers_in_progress(session, [t.id for t in busy if t.id is not None])
    rows = (*(WaitingTrainee(t, 0) for t in free), *(WaitingTrainee(t, counts.get(t.id or 0, 0)) for t in busy))
    return Section(_total(session, select(TraineeProfile.id).where(*waiting), len(rows), limit), rows)


def _offers_in_progress(session: Session, trainee_ids: Sequence[int]) -> dict[int, int]:
    """Return how many offers in progress each of these trainees has."""
    if not trainee_ids:
        return {}
    query = (
        select(Offer.trainee_id, func.count())
        .where(col(Offer.state).in_(IN_PROGRESS), col(Offer.trainee_id).in_(trainee_ids))
        .group_by(col(Offer.trainee_id))
    )
    return {int(trainee): int(n) for trainee, n in session.exec(query)}


def _offer_items() -> Any:
    return (
        select(Offer, Vacancy, Employer.name, TraineeProfile)
        .join(Vacancy, col(Vacancy.id) == Offer.vacancy_id)
        .join(Employer, col(Employer.id) == Vacancy.employer_id)
        .join(TraineeProfile, col(TraineeProfile.id) == Offer.trainee_id)
    )


def _items(session: Session, query: Any, limit: int | None) -> Section[OfferItem]:
    rows = tuple(OfferItem(*row) for row in session.exec(_limited(query, limit)))
    return Section(_total(session, query, len(rows), limit), rows)


def requested_by_companies(*, session: Session, limit: int | None = LIST_LIMIT) -> Section[OfferItem]:
    """Return the trainees companies asked for that no officer has offered the job to yet (an interview set or not), the
    oldest request first."""
    query = (
        _offer_items()
        .where(col(Offer.state).in_((OfferState.shortlisted, OfferState.interview)), Offer.origin == OfferOrigin.employer_request)
        .order_by(col(Offer.created_at), col(Offer.id))
    )
    return _items(session, query, limit)


def offers_waiting_answer(*, session: Session, limit: int | None = LIST_LIMIT) -> Section[OfferItem]:
    """Return the offers waiting for the trainee's answer, the soonest to expire first."""
    query = _offer_items().where(Offer.state == OfferState.offered).order_by(col(Offer.expires_at), col(Offer.id))
    return _items(session, query, limit)


def offers_past_expiry(*, session: Session, now: datetime, limit: int | None = LIST_LIMIT) -> Section[OfferItem]:
    """Return the offers still waiting for an answer after their expiry time, the oldest first."""
    query = (
        _offer_items()
        .where(Offer.state == OfferState.offered, col(Offer.expires_at) < now)
        .order_by(col(Offer.expires_at), col(Offer.id))
    )
    return _items(session, query, limit)


def offers_expiring(*, session: Session, now: datetime, days: int = EXPIRING_DAYS,
                    limit: int | None = LIST_LIMIT) -> Section[OfferItem]:  # fmt: skip
    """Return the offers still waiting for an answer whose deadline falls within `days` days (not yet past), soonest first."""
    soon = now + timedelta(days=days)
    query = (
        _offer_items()
        .where(Offer.state == OfferState.offered, col(Offer.expires_at) >= now, col(Offer.expires_at) < soon)
        .order_by(col(Offer.expires_at), col(Offer.id))
    )
    return _items(session, query, limit)


def acceptances_unconfirmed(*, session: Session, now: datetime, days: int = CONFIRMATION_DAYS,
                            limit: int | None = LIST_LIMIT) -> Section[OfferItem]:  # fmt: skip
    """Return the offers accepted more than `days` days ago that the company has not confirmed, the oldest first."""
    query = (
        _offer_items()
        .where(Offer.state == OfferState.accepted, col(Offer.answered_at) < now - timedelta(days=days))
        .order_by(col(Offer.answered_at), col(Offer.id))
    )
    return _items(session, query, limit)


def acceptances_to_confirm(*, session: Session, limit: int | None = LIST_LIMIT) -> Section[OfferItem]:
    """Return every offer a trainee accepted that its company has not confirmed yet, the oldest acceptance first."""
    query = _offer_items().where(Offer.state == OfferState.accepted).order_by(col(Offer.answered_at), col(Offer.id))
    return _items(session, query, limit)


def pending_applications(*, session: Session) -> int:
    """Return how many companies wait for a decision on their application."""
    query = select(func.count()).select_from(Employer).where(Employer.status == EmployerStatus.pending)
    return int(session.exec(query).one())


# ---------------------------------------------------------------- the audit trail


@dataclass(frozen=True)
class AuditSearch:
    """What to look for in the audit trail: a trainee (code or name), a company (name), a vacancy (code)."""

    trainee: str = ""
    employer: str = ""
    vacancy: str = ""

    @classmethod
    def of(cls, values: Any) -> AuditSearch:
        """Read the search from a mapping of strings (query parameters)."""
        return cls(**{name: str(values.get(name) or "").strip() for name in ("trainee", "employer", "vacancy")})

    def active(self) -> dict[str, str]:
        """Return the search fields filled in, by name."""
        return {name: value for name, value in vars(self).items() if value}


@dataclass(frozen=True)
class AuditLine:
    """An audit event with who made it (None: the system) and what it is about."""

    event: AuditEvent
    actor_name: str | None
    trainee: TraineeProfile | None
    vacancy: Vacancy | None
    employer_name: str | None

    @property
    def at(self) -> datetime:
        """Return when it happened (UTC)."""
        return self.event.at


def matching_ids(candidates: Iterable[tuple[Any, str, str]], typed: str) -> list[int]:
    """Return the ids whose code is `typed` (accents and case aside); when none, those whose code or name contains it.

    `candidates` are (id, code, name); a code match wins so that "V-1" does not also find "V-10".
    """
    wanted, rows = fold(typed), list(candidates)
    exact = [int(id_) for id_, code, _ in rows if code and fold(code) == wanted]
    return exact or [int(id_) for id_, code, name in rows if wanted in fold(code) or wanted in fold(name)]


def search_audit(
    *, session: Session, search: AuditSearch, page: int = 1, per_page: int = PER_PAGE, by_name: bool = True
) -> Page[AuditLine]:
    """Return one page of the audit trail, newest first, narrowed to the trainee, company and vacancy searched.

    Every event shows, also those about no trainee, vacancy or company (a cohort's, an import's, an account's).
    Without `by_name` (the auditor's search), a trainee is found by code only: a name typed in finds nobody.
    """
    query = (
        select(AuditEvent, TraineeProfile, Vacancy, Employer.name)
        .outerjoin(TraineeProfile, col(TraineeProfile.id) == AuditEvent.trainee_id)
        .outerjoin(Vacancy, col(Vacancy.id) == AuditEvent.vacancy_id)
        .outerjoin(Employer, col(Employer.id) == AuditEvent.employer_id)
    )
    if search.trainee:
        trainees = session.exec(select(TraineeProfile.id, TraineeProfile.code, TraineeProfile.full_name)).all()
        known = trainees if by_name else [(i, code, "") for i, code, _name in trainees]
        query = query.where(col(AuditEvent.trainee_id).in_(matching_ids(known, search.trainee)))
    if search.employer:
        companies = session.exec(select(Employer.id, Employer.name)).all()
        query = query.where(col(AuditEvent.employer_id).in_(matching_ids(((i, "", n) for i, n in companies), search.employer)))
    if search.vacancy:
        vacancies = session.exec(select(Vacancy.id, Vacancy.code)).all()
        query = query.where(col(AuditEvent.vacancy_id).in_(matching_ids(((i, c, "") for i, c in vacancies), search.vacancy)))
    total = _count(session, query)
    number = _page_number(page, total, per_page)
    ordered = query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(per_page).offset((number - 1) * per_page)
    found = list(session.exec(ordered))
    names = user_names(session, {event.actor_id for event, *_ in found if event.actor_id is not None})
    rows = tuple(
        AuditLine(event, names.get(event.actor_id or 0), trainee, vacancy, name) for event, trainee, vacancy, name in found
    )
    return Page(rows, total, number, per_page)


def user_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Return the full names of some accounts, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(USERS.c.id, USERS.c.full_name).where(USERS.c.id.in_(wanted)))}


@dataclass(frozen=True)
class ViewLine:
    """One opening of a trainee's personal data: when, by which account (its role, and its name unless pseudonymised),
    for which company, whose data (the trainee's code) and which page."""

    at: datetime
    viewer_id: int | None
    viewer_role: str | None
    viewer_name: str | None
    company: str | None
    trainee_code: str
    page: str


@dataclass(frozen=True)
class ViewSearch:
    """What to look for in the view log: a trainee (code, or name for officers), an account (its number), a page."""

    trainee: str = ""
    viewer: int | None = None
    page: str = ""

    def active(self) -> dict[str, str]:
        """Return the filters in use, as query parameters."""
        found = {"trainee": self.trainee, "viewer": str(self.viewer or ""), "shown": self.page}
        return {name: value for name, value in found.items() if value}


def view_log(
    *, session: Session, search: ViewSearch | None = None, page: int = 1, per_page: int = PER_PAGE, by_name: bool = True
) -> Page[ViewLine]:
    """Return one page of the view log (who was shown whose personal data), newest first, narrowed by the search.

    Without `by_name` (the auditor's reading) no name shows, of the viewer or the trainee, and a trainee is found by
    code only: the auditor sees the account's number and role, the company, the trainee's code and the page.
    """
    search = search or ViewSearch()
    query = (
        sa_select(ProfileView, col(TraineeProfile.code), USERS.c.role, USERS.c.full_name, col(Employer.name))
        .join(TraineeProfile, col(TraineeProfile.id) == ProfileView.trainee_id)
        .outerjoin(USERS, USERS.c.id == ProfileView.viewer_id)
        .outerjoin(Employer, col(Employer.id) == ProfileView.employer_id)
    )
    if search.trainee:
        trainees = session.exec(select(TraineeProfile.id, TraineeProfile.code, TraineeProfile.full_name)).all()
        known = trainees if by_name else [(i, code, "") for i, code, _name in trainees]
        query = query.where(col(ProfileView.trainee_id).in_(matching_ids(known, search.trainee)))
    if search.viewer is not None:
        query = query.where(col(ProfileView.viewer_id) == search.viewer)
    if search.page:
        query = query.where(col(ProfileView.page) == search.page)
    total = _count(session, query)
    number = _page_number(page, total, per_page)
    ordered = (
        query.order_by(col(ProfileView.at).desc(), col(ProfileView.id).desc()).limit(per_page).offset((number - 1) * per_page)
    )
    rows = tuple(
        ViewLine(view.at, view.viewer_id, role, name if by_name else None, company, code, view.page)
        for view, code, role, name, company in session.execute(ordered)
    )
    return Page(rows, total, number, per_page)


def _page_number(page: int, total: int, per_page: int) -> int:
    return min(max(page, 1), max(math.ceil(total / per_page), 1))


# ---------------------------------------------------------------- the outbox


@dataclass(frozen=True)
class OutboxLine:
    """An outbox message, the staff account it is for (if any) and the vacancy it is about (if any)."""

    message: OutboxMessage
    recipient_name: str | None
    vacancy_id: int | None

    @property
    def sent_at(self) -> datetime | None:
        """Return when it was sent (UTC), or None while pending."""
        return self.message.sent_at

    @property
    def created_at(self) -> datetime:
        """Return when it was written (UTC)."""
        return self.message.created_at


def outbox_counts(*, session: Session) -> dict[str, int]:
    """Return how many messages are pending and how many were sent."""
    pending = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
    done = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_not(None))
    return {"pending": int(session.exec(pending).one()), "sent": int(session.exec(done).one())}


def outbox(*, session: Session, sent: bool | None = None, page: int = 1, per_page: int = PER_PAGE) -> Page[OutboxLine]:
    """Return one page of the outbox, newest first: pending messages (sent=False), sent ones (True) or all (None)."""
    query = select(OutboxMessage, Offer.vacancy_id).outerjoin(Offer, col(Offer.id) == OutboxMessage.offer_id)
    if sent is not None:
        query = query.where(col(OutboxMessage.sent_at).is_not(None) if sent else col(OutboxMessage.sent_at).is_(None))
    total = _count(session, query)
    number = _page_number(page, total, per_page)
    ordered = query.order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
    found = list(session.exec(ordered.limit(per_page).offset((number - 1) * per_page)))
    names = user_names(session, {m.recipient_user_id for m, _ in found if m.recipient_user_id is not None})
    rows = tuple(OutboxLine(m, names.get(m.recipient_user_id or 0), vacancy_id) for m, vacancy_id in found)
    return Page(rows, total, number, per_page)
