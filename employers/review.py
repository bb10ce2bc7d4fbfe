"""The officers' review of a vacancy: every trainee not placed, ranked by the engine, with names and reasons.

Employers see the consenting trainees only, pseudonymised (employers.candidates). Officers are staff: they
see every trainee who holds no active placement and has not left the programme, consenting or not, by name,
so they can place anyone the programme follows. The engine ranks the vacancy against that whole population in one call (it is
vectorised over trainees): the eligible ones come ranked with their score, its components and reasons;
the ineligible ones with every hard rule they fail, and those failing exactly one (near misses) with the
place they would take without it ("would be 3rd with SSIAP1"), first. The vacancy is ranked alone, so its text-similarity
component may differ slightly from the employer's view, where all open vacancies are ranked together.

Filters (town, level, cohort, certification) narrow both lists after ranking, so scores and ranks stay
those of the whole population.

Speed. Ranking 10,000 trainees for one vacancy (reading and validating every profile, encoding them) takes
seconds, and officers open the same reviews all day, filter them and come back after each action. So the last
`REVIEWS_KEPT` reviews are kept in this process, keyed by the database, the vacancy (id, ``updated_at``), its
company's name, the trainees' count and latest ``updated_at``, the placements' count, latest id and latest
end, the weights version and the language: any change to a trainee, a placement or the vacancy ranks again
once. Offers and requests are read on every page. ``invalidate()`` empties it (tests).

Pages. At 10,000 trainees both lists together weigh megabytes of HTML, so the page shows `PAGE_SIZE` of each
(``page_of``), the eligible in rank order and the ineligible closest first; ``page_holding`` finds the page of a
trainee (a refused override comes back on it).

This module also lists vacancies for the officers (all companies), with offer and request counts.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from employers import service as employers_service
from employers import weights
from employers.dashboard import IN_PROGRESS, Page
from employers.models import Employer, Offer, Placement, Vacancy, VacancyStatus
from matching.messages import Lang
from matching.models import LEVELS
from matching.models import Trainee as ExchangeTrainee
from matching.ranking import NearMiss, rank
from matching.taxonomy import get_taxonomy
from profiles.models import TraineeProfile


@dataclass(frozen=True)
class ReviewRow:
    """A trainee as the officers see them for one vacancy: who, the engine's verdict, and why."""

    profile_id: int
    code: str
    full_name: str
    phone: str | None
    home_town: str
    cohort: str | None
    preferred_levels: tuple[str, ...]
    certifications: tuple[str, ...]
    skills: tuple[str, ...]
    security_years: float
    shares_profile: bool
    eligible: bool = False
    rank: int | None = None
    score: float | None = None
    components: dict[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    readable: bool = True
    near_rule: str | None = None  # the one hard rule a near miss fails (matching.scoring.RULES)
    would_rank: int | None = None  # the place it would take among the eligible without that rule
    missing: tuple[str, ...] = ()  # the certifications or languages it lacks, for those rules
    ahead: str | None = None  # what separates it from the next eligible trainee, when their scores are close


@dataclass(frozen=True)
class Filters:
    """What the officer narrows the lists to; an empty value keeps everyone."""

    town: str = ""
    level: str = ""
    cohort: str = ""
    certification: str = ""

    @classmethod
    def of(cls, values: Any) -> Filters:
        """Read the filters from a mapping of strings (query parameters or a submitted form)."""
        return cls(**{name: str(values.get(name) or "").strip() for name in ("town", "level", "cohort", "certification")})

    def active(self) -> dict[str, str]:
        """Return the filters set, by name (to carry them in links and forms)."""
        return {name: value for name, value in vars(self).items() if value}

    def keeps(self, row: ReviewRow) -> bool:
        """Return whether a trainee passes every filter set, as the engine reads towns and certifications.

        A town keeps its parts too (Bamako its communes: the gazetteer's hierarchy), a certification its holders'
        higher ones (SSIAP 1 keeps SSIAP 2 holders: the taxonomy's implications).
        """
        taxonomy = get_taxonomy()
        return (
            (not self.town or row.home_town in taxonomy.towns_within(self.town))
            and (not self.level or self.level in row.preferred_levels)
            and (not self.cohort or row.cohort == self.cohort)
            and (not self.certification or not taxonomy.holders_of(self.certification).isdisjoint(row.certifications))
        )


@dataclass(frozen=True)
class Choices:
    """The values each filter offers, taken from the whole population."""

    towns: tuple[str, ...]
    levels: tuple[str, ...]
    cohorts: tuple[str, ...]
    certifications: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    """A vacancy's trainees: eligible ones best first, ineligible ones closest first, and what was left out."""

    eligible: tuple[ReviewRow, ...]
    ineligible: tuple[ReviewRow, ...]
    failure_counts: tuple[tuple[str, int], ...]
    placed_count: int

    def filtered(self, filters: Filters) -> Review:
        """Return the review narrowed to the trainees the filters keep (ranks and scores unchanged)."""
        if not filters.active():
            return self
        return replace(
            self,
            eligible=tuple(r for r in self.eligible if filters.keeps(r)),
            ineligible=tuple(r for r in self.ineligible if filters.keeps(r)),
        )

    def trainee_ids(self) -> list[int]:
        """Return the ids of the trainees listed, eligible then ineligible."""
        return [r.profile_id for r in (*self.eligible, *self.ineligible)]

    def choices(self) -> Choices:
        """Return the filters' values found among these trainees."""
        rows = (*self.eligible, *self.ineligible)
        return Choices(
            towns=tuple(sorted({r.home_town for r in rows})),
            levels=LEVELS,
            cohorts=tuple(sorted({r.cohort for r in rows if r.cohort}, reverse=True)),
            certifications=tuple(sorted({c for r in rows for c in r.certifications})),
        )


def not_placed(session: Session) -> list[TraineeProfile]:
    """Return every trainee profile without an active placement, still in the programme, by code."""
    active = select(Placement.trainee_id).where(col(Placement.ended_at).is_(None))
    stayed = col(TraineeProfile.dropped_out_on).is_(None)
    query = select(TraineeProfile).where(col(TraineeProfile.id).not_in(active), stayed).order_by(col(TraineeProfile.code))
    return list(session.exec(query))


def placed_count(session: Session) -> int:
    """Return how many trainees hold an active placement."""
    return int(session.exec(select(func.count()).select_from(Placement).where(col(Placement.ended_at).is_(None))).one())


#: Reviews kept in the process (each holds one row per trainee not placed: some 10 MB at 10,000 trainees).
REVIEWS_KEPT = 8
_kept: OrderedDict[Hashable, Review] = OrderedDict()
_lock = threading.Lock()


def invalidate() -> None:
    """Forget every kept review (tests; data changed behind the application's back)."""
    with _lock:
        _kept.clear()


def review(*, session: Session, vacancy: Vacancy, lang: str = "fr") -> Review:
    """Return the vacancy's review, ranked again only when a trainee, a placement, the vacancy or the weights changed."""
    employer = session.get(Employer, vacancy.employer_id)
    config = weights.current_config(session=session)
    key = (_database(session), vacancy.id, vacancy.updated_at, employer.name if employer else "-", config.weights_version,
           lang, *session.exec(_population_version()).one())  # fmt: skip
    with _lock:  # one computation at a time: concurrent views of a changed vacancy wait for it rather than repeat it
        found = _kept.get(key)
        if found is None:
            found = _kept[key] = ranked_review(session=session, vacancy=vacancy, lang=lang)
            while len(_kept) > REVIEWS_KEPT:
                _kept.popitem(last=False)
        _kept.move_to_end(key)
        return found


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _population_version() -> Any:
    profiles = (func.count(col(TraineeProfile.id)), func.max(TraineeProfile.updated_at))
    placements = (func.count(col(Placement.id)), func.max(Placement.id), func.max(Placement.ended_at))
    return select(*profiles, *(select(f).scalar_subquery() for f in placements))


def ranked_review(*, session: Session, vacancy: Vacancy, lang: str = "fr") -> Review:
    """Rank every trainee not placed for the vacancy, in one engine pass; return both lists with reasons."""
    profiles = not_placed(session)
    records = [_exchange(p) for p in profiles]
    usable = [(p, r) for p, r in zip(profiles, records, strict=True) if r is not None]
    unreadable = tuple(replace(_row(p, None), readable=False) for p, r in zip(profiles, records, strict=True) if r is None)
    placed = placed_count(session)
    if not usable:
        return Review((), unreadable, (), placed)
    employer = session.get(Employer, vacancy.employer_id)
    exchange = vacancy.to_exchange(employer.name if employer else "-")
    language: Lang = "en" if lang == "en" else "fr"
    config = weights.current_config(session=session)  # the weights in use, as the employer's view
    ranking = rank([r for _, r in usable], [exchange], top=len(usable), near=len(usable), lang=language, config=config)[0]
    rows = {p.code: _row(p, r) for p, r in usable}
    eligible = tuple(
        replace(
            rows[c.trainee_id],
            eligible=True,
            rank=n,
            score=c.score,
            components=c.components,
            reasons=tuple(c.reasons),
            ahead=ahead,
        )
        for n, (c, ahead) in enumerate(zip(ranking.candidates, ranking.separations(), strict=True), start=1)
    )
    near = {n.trainee_id: (n, place) for n, place in zip(ranking.near_misses, ranking.would_rank(), strict=True)}
    failed = [_failed(rows[x["trainee_id"]], tuple(x["reasons"]), near.get(x["trainee_id"])) for x in ranking.ineligible()]
    # The closest to eligible first (override candidates): near misses by the place they would take, then by rules failed.
    failed.sort(key=lambda row: (len(row.reasons), row.would_rank or len(rows) + 1, row.code))
    return Review(eligible, (*failed, *unreadable), tuple(ranking.failure_counts()), placed)


def _failed(row: ReviewRow, reasons: tuple[str, ...], near: tuple[NearMiss, int] | None) -> ReviewRow:
    """Return an ineligible trainee's row with its failed rules, and, for a near miss, its rule and would-be place."""
    if near is None:
        return replace(row, reasons=reasons)
    miss, place = near
    return replace(row, reasons=reasons, near_rule=miss.rule, would_rank=place, missing=miss.missing)


def _exchange(profile: TraineeProfile) -> ExchangeTrainee | None:
    try:
        return profile.to_exchange()
    except ValidationError:
        return None


def _row(profile: TraineeProfile, record: ExchangeTrainee | None) -> ReviewRow:
    source: Any = record if record is not None else profile
    years = record.security_years if record is not None else 0.0
    return ReviewRow(
        profile_id=profile.id or 0, code=profile.code, full_name=profile.full_name, phone=profile.phone,
        home_town=source.home_town, cohort=profile.cohort, preferred_levels=tuple(source.preferred_levels),
        certifications=tuple(source.certifications), skills=tuple(source.skills), security_years=years,
        shares_profile=profile.consent_to_share,
    )  # fmt: skip


#: Trainees per page of each of the review's two lists.
PAGE_SIZE = 50


def page_of(rows: Sequence[ReviewRow], number: int, size: int = PAGE_SIZE) -> Page[ReviewRow]:
    """Return one page of a review's list, its number brought within the pages there are."""
    number = min(max(number, 1), max(math.ceil(len(rows) / size), 1))
    return Page(tuple(rows[(number - 1) * size : number * size]), len(rows), number, size)


def page_holding(rows: Sequence[ReviewRow], profile_id: int, size: int = PAGE_SIZE) -> int | None:
    """Return the number of the page listing this trainee, or None when the list does not hold them."""
    return next((n // size + 1 for n, row in enumerate(rows) if row.profile_id == profile_id), None)


# ---------------------------------------------------------------- vacancies of every company


@dataclass(frozen=True)
class VacancyLine:
    """A line of the officers' vacancy list: the vacancy, its company, and its offers and requests."""

    vacancy: Vacancy
    employer_name: str
    offers: int
    in_progress: int
    requests: int

    @property
    def free_seats(self) -> int:
        """Return the seats not yet filled."""
        return max(self.vacancy.seats - self.vacancy.filled_seats, 0)


def status_counts(session: Session) -> dict[str, int]:
    """Return how many vacancies are in each status (every status present, zero included)."""
    found = dict(session.exec(select(Vacancy.status, func.count()).group_by(col(Vacancy.status))).all())
    return {status.value: int(found.get(status, 0)) for status in VacancyStatus}


def vacancy_lines(
    *, session: Session, status: VacancyStatus | None = None, limit: int = 100, offset: int = 0
) -> list[VacancyLine]:
    """Return vacancies of every company (of one status, or all), newest first, with offer and request counts."""
    query = select(Vacancy, Employer.name).join(Employer).order_by(col(Vacancy.created_at).desc(), col(Vacancy.id).desc())
    if status is not None:
        query = query.where(Vacancy.status == status)
    found = list(session.exec(query.limit(limit).offset(offset)))
    ids = [v.id or 0 for v, _ in found]
    offers, requests = _offer_counts(session, ids), employers_service.request_counts(session=session, vacancy_ids=ids)
    lines = []
    for vacancy, name in found:
        total, in_progress = offers.get(vacancy.id or 0, (0, 0))
        lines.append(VacancyLine(vacancy, name, total, in_progress, requests.get(vacancy.id or 0, 0)))
    return lines


def vacancy_count(session: Session, status: VacancyStatus | None = None) -> int:
    """Return how many vacancies there are (of one status, or all)."""
    query = select(func.count()).select_from(Vacancy)
    if status is not None:
        query = query.where(Vacancy.status == status)
    return int(session.exec(query).one())


def _offer_counts(session: Session, vacancy_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    if not vacancy_ids:
        return {}
    going = func.sum(case((col(Offer.state).in_(IN_PROGRESS), 1), else_=0))
    query = (
        select(Offer.vacancy_id, func.count(), going)
        .where(col(Offer.vacancy_id).in_(vacancy_ids))
        .group_by(col(Offer.vacancy_id))
    )
    return {vacancy_id: (int(total), int(in_progress or 0)) for vacancy_id, total, in_progress in session.exec(query)}
