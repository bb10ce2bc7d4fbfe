"""The matching engine on stored data: a vacancy's ranked candidates, pseudonymised, for its employer.

The pool is every trainee profile whose owner consented to share it (``consent_to_share``), who holds no
active placement (someone in a job is not a candidate) and has not left the programme (``dropped_out_on``),
converted with ``TraineeProfile.to_exchange()``.
Employers see a candidate as a code, initials, home town, preferred levels, certifications, skills and years
of security experience, never a name, phone or birth date.

Speed. A vacancy page must answer in well under 200 ms with 10,000 trainees and 500 open vacancies, but
one engine pass over them takes seconds, and the engine is fastest in bulk (ranking one vacancy alone
costs most of what ranking all of them does). So results are cached in this process:

* the **pool** (exchange records and pseudonymised facts) is keyed by the database, the consenting
  profiles' count and latest ``updated_at``, and the placements' count, latest id and latest end;
* the **rankings of all open vacancies** are computed together in one engine pass and kept, keyed by the
  pool's key, the open vacancies' count and latest ``updated_at``, the language and the list length. Any
  change to a consenting profile or an open vacancy (an edit, a publication, a closing) changes the key,
  and the next page ranks everything again once;
* a vacancy that is not open (a draft being prepared, a closed one) is ranked alone, keyed by its own
  ``updated_at``; a few such results are kept. Text similarity fits its weights on the vacancies ranked
  together, so a draft's preview may differ slightly from its scores once published.

* every ranking is also keyed by the version of the score's weights in use (`employers.weights`): adopting
  or rolling back weights ranks everything again with them.

Several processes. While a ranking worker runs (``rdvm worker``, `employers.ranking_worker`), open vacancies'
rankings are read from the database instead (`employers.ranking_store`): every web worker shows the same
ranking, none ranks on a page, and the page says when it was ranked and whether changes are being taken in.
The in-process cache below serves when no worker is alive, and for drafts and closed vacancies.

Checking the keys costs three small queries per page. One lock makes the cache thread-safe and makes
concurrent pages wait for a single computation rather than each starting its own. ``invalidate()``
empties it (tests, or after changing data behind the application's back with the same timestamps).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from core.clock import utcnow
from employers import ranking_store, weights
from employers.models import Employer, Placement, Vacancy, VacancyStatus
from matching.config import ScoringConfig
from matching.messages import Lang
from matching.models import Trainee as ExchangeTrainee
from matching.models import Vacancy as ExchangeVacancy
from matching.ranking import VacancyRanking, rank
from profiles.models import TraineeProfile

log = logging.getLogger(__name__)

#: Candidates listed per vacancy unless the caller asks for another number (the web passes its setting).
DEFAULT_TOP = 50
#: Rankings of vacancies that are not open (drafts, closed) kept at once.
SINGLE_RESULTS_KEPT = 32


@dataclass(frozen=True)
class TraineeFacts:
    """What an employer may see of a trainee: no name, phone or birth date."""

    profile_id: int
    code: str
    initials: str
    home_town: str
    preferred_levels: tuple[str, ...]
    certifications: tuple[str, ...]
    skills: tuple[str, ...]
    security_years: float
    available_from: date | None = None


@dataclass(frozen=True)
class CandidateRow:
    """An eligible trainee for a vacancy: pseudonymised facts, score, its components and why."""

    trainee: TraineeFacts
    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]
    ahead: str | None = None  # what separates it from the next candidate, when their scores are close


@dataclass(frozen=True)
class VacancyCandidates:
    """A vacancy's best candidates, how many trainees are (in)eligible, and what excludes the others."""

    candidates: tuple[CandidateRow, ...]
    eligible_count: int
    ineligible_count: int
    failure_counts: tuple[tuple[str, int], ...]
    ranked_at: datetime | None = None  # when the ranking was computed
    updating: bool = False  # changes are queued that this ranking does not show yet


EMPTY = VacancyCandidates((), 0, 0, ())


@dataclass(frozen=True)
class Pool:
    """The consenting trainees as exchange records, and their pseudonymised facts by code."""

    trainees: tuple[ExchangeTrainee, ...]
    facts: dict[str, TraineeFacts]


def initials(full_name: str) -> str:
    """Return a name's initials, "Awa Diarra" → "A. D."."""
    return " ".join(f"{word[0].upper()}." for word in full_name.replace("-", " ").split() if word[0].isalpha())


def facts_of(profile: TraineeProfile, record: ExchangeTrainee) -> TraineeFacts:
    """Return the pseudonymised facts of a profile."""
    return TraineeFacts(
        profile_id=cast(int, profile.id), code=profile.code, initials=initials(profile.full_name), home_town=record.home_town,
        preferred_levels=tuple(record.preferred_levels), certifications=tuple(record.certifications),
        skills=tuple(record.skills), security_years=record.security_years, available_from=profile.available_from,
    )  # fmt: skip


def pool_query(ids: Sequence[int] | None = None) -> Any:
    """Return the query of the candidates' profiles: consenting, not placed, not gone (among `ids` when given)."""
    placed = exists().where(col(Placement.trainee_id) == col(TraineeProfile.id), col(Placement.ended_at).is_(None))
    stayed = col(TraineeProfile.dropped_out_on).is_(None)  # a trainee who left the programme is no candidate
    query = select(TraineeProfile).where(col(TraineeProfile.consent_to_share), ~placed, stayed)
    return query if ids is None else query.where(col(TraineeProfile.id).in_(ids))


def load_pool(session: Session, *, ids: Sequence[int] | None = None) -> Pool:
    """Read every candidate profile (or those of `ids`) for the engine (one that no longer validates is left out)."""
    converted = [(p, _exchange(p)) for p in session.exec(pool_query(ids).order_by(col(TraineeProfile.code)))]
    usable = [(p, r) for p, r in converted if r is not None]
    return Pool(tuple(r for _, r in usable), {p.code: facts_of(p, r) for p, r in usable})


def _exchange(profile: TraineeProfile) -> ExchangeTrainee | None:
    try:
        return profile.to_exchange()
    except ValidationError:
        log.warning("trainee profile %s does not validate and is left out of the candidates", profile.code)
        return None


def open_vacancies(session: Session) -> list[ExchangeVacancy]:
    """Return every open vacancy as an exchange record, by code."""
    query = select(Vacancy, Employer.name).join(Employer).where(Vacancy.status == VacancyStatus.open).order_by(col(Vacancy.code))
    return [vacancy.to_exchange(name) for vacancy, name in session.exec(query)]


def summarise(ranking: VacancyRanking, pool: Pool) -> VacancyCandidates:
    """Return an engine ranking as pseudonymised rows with counts (dropping the engine's large matrices)."""
    rows = tuple(
        CandidateRow(pool.facts[c.trainee_id], c.score, c.components, tuple(c.reasons), ahead)
        for c, ahead in zip(ranking.candidates, ranking.separations(), strict=True)
    )
    return VacancyCandidates(rows, ranking.eligible_count, ranking.ineligible_count, tuple(ranking.failure_counts()))


def rank_all(
    pool: Pool, vacancies: Sequence[ExchangeVacancy], *, lang: Lang, top: int, config: ScoringConfig | None = None
) -> dict[str, VacancyCandidates]:
    """Rank the pool for every vacancy in one engine pass (with the given weights); return each vacancy's result by code."""
    now = utcnow()
    if not pool.trainees:
        return {v.id: replace(EMPTY, ranked_at=now) for v in vacancies}
    ranked = rank(pool.trainees, vacancies, top=top, lang=lang, config=config)
    return {r.vacancy_id: replace(summarise(r, pool), ranked_at=now) for r in ranked}


# ---------------------------------------------------------------- the cache


class CandidateCache:
    """Pool and rankings kept between requests, recomputed when their database key changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: tuple[Hashable, Pool] | None = None
        self._open: dict[tuple[str, int], tuple[Hashable, dict[str, VacancyCandidates]]] = {}
        self._single: OrderedDict[Hashable, VacancyCandidates] = OrderedDict()

    def invalidate(self) -> None:
        """Forget everything."""
        with self._lock:
            self._pool, self._open, self._single = None, {}, OrderedDict()

    def pool(self, session: Session) -> tuple[Hashable, Pool]:
        """Return the pool's key and the pool, reading it again only when consenting profiles changed."""
        key = (_database(session), *session.exec(_pool_version()).one())
        with self._lock:
            if self._pool is None or self._pool[0] != key:
                self._pool = (key, load_pool(session))
            return self._pool

    def open_rankings(self, session: Session, *, lang: Lang, top: int) -> dict[str, VacancyCandidates]:
        """Return the rankings of every open vacancy, by code."""
        pool_key, pool = self.pool(session)
        config = weights.current_config(session=session)
        key = (pool_key, config.weights_version, *session.exec(_open_version()).one())
        with self._lock:
            kept = self._open.get((lang, top))
            if kept is None or kept[0] != key:
                ranked = rank_all(pool, open_vacancies(session), lang=lang, top=top, config=config)
                kept = self._open[(lang, top)] = (key, ranked)
            return kept[1]

    def single(self, session: Session, vacancy: ExchangeVacancy, version: Any, *, lang: Lang, top: int) -> VacancyCandidates:
        """Return the ranking of one vacancy ranked alone (a draft, a closed vacancy)."""
        pool_key, pool = self.pool(session)
        config = weights.current_config(session=session)
        key = (pool_key, vacancy.id, version, config.weights_version, lang, top)
        with self._lock:
            found = self._single.get(key)
            if found is None:
                found = self._single[key] = rank_all(pool, [vacancy], lang=lang, top=top, config=config)[vacancy.id]
                while len(self._single) > SINGLE_RESULTS_KEPT:
                    self._single.popitem(last=False)
            self._single.move_to_end(key)
            return found


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _pool_version() -> Any:
    profiles = (func.count(col(TraineeProfile.id)), func.max(TraineeProfile.updated_at))
    placements = (func.count(col(Placement.id)), func.max(Placement.id), func.max(Placement.ended_at))
    return select(*profiles, *(select(f).scalar_subquery() for f in placements)).where(col(TraineeProfile.consent_to_share))


def _open_version() -> Any:
    return select(func.count(col(Vacancy.id)), func.max(Vacancy.updated_at)).where(Vacancy.status == VacancyStatus.open)


_cache = CandidateCache()


def invalidate() -> None:
    """Forget every cached pool and ranking (tests; data changed behind the application's back)."""
    _cache.invalidate()


def is_ranked(vacancy: Vacancy) -> bool:
    """Return whether a vacancy's candidates are shown: while drafted (a preview) and while open."""
    return vacancy.status in (VacancyStatus.draft, VacancyStatus.open)


def candidates_for(*, session: Session, vacancy: Vacancy, lang: str = "fr", top: int = DEFAULT_TOP) -> VacancyCandidates:
    """Return the ranked, pseudonymised candidates of one vacancy, with eligibility counts and reasons."""
    language = _lang(lang)
    if vacancy.status == VacancyStatus.open and vacancy.id is not None:
        kept = ranking_store.stored(session, vacancy.id, wanted_fingerprint(session, top))
        if kept is not None:
            return from_store(kept, language, top)
        found = _cache.open_rankings(session, lang=language, top=top).get(vacancy.code)
        if found is not None:
            return found
    employer = session.get(Employer, vacancy.employer_id)
    record = vacancy.to_exchange(employer.name if employer else "-")
    return _cache.single(session, record, (vacancy.status, vacancy.updated_at), lang=language, top=top)


def eligible_counts(
    *, session: Session, lang: str = "fr", top: int = DEFAULT_TOP, vacancy_ids: Sequence[int] | None = None
) -> dict[str, int]:
    """Return how many trainees are eligible for each open vacancy, by vacancy code (at least those of `vacancy_ids`)."""
    kept = ranking_store.stored_eligible_counts(session, vacancy_ids)
    if kept is not None:
        return kept
    rankings = _cache.open_rankings(session, lang=_lang(lang), top=top)
    return {code: found.eligible_count for code, found in rankings.items()}


def wanted_fingerprint(session: Session, top: int) -> str:
    """Return the fingerprint stored rankings must have for lists of `top` candidates with the weights in use."""
    from employers.ranking_worker import MARGIN  # the worker's module imports this one

    return ranking_store.fingerprint(weights.version_in_use(session=session), top + MARGIN)


def from_store(kept: ranking_store.Stored, lang: Lang, top: int) -> VacancyCandidates:
    """Return a stored ranking as a page shows it, in one language (an empty one, updating, while none is stored)."""
    row = kept.row
    if row is None:
        return replace(EMPTY, updating=True)
    rows = tuple(_stored_row(c, lang) for c in row.candidates[:top])
    failures = sorted(((labels[lang], int(n)) for (_, labels), n in zip(row.failures, _failure_counts(row), strict=True) if n),
                      key=lambda item: (-item[1], item[0]))  # fmt: skip
    return VacancyCandidates(rows, row.eligible_count, max(row.pool_count - row.eligible_count, 0), tuple(failures),
                             ranked_at=row.ranked_at, updating=kept.updating)  # fmt: skip


def _stored_row(found: dict[str, Any], lang: Lang) -> CandidateRow:
    facts = TraineeFacts(
        profile_id=found["profile_id"], code=found["code"], initials=found["initials"], home_town=found["home_town"],
        preferred_levels=tuple(found["preferred_levels"]), certifications=tuple(found["certifications"]),
        skills=tuple(found["skills"]), security_years=found["security_years"],
        available_from=date.fromisoformat(found["available_from"]) if found.get("available_from") else None,
    )  # fmt: skip
    return CandidateRow(facts, found["score"], found["components"], tuple(found["reasons"][lang]))


def _failure_counts(row: ranking_store.StoredRanking) -> list[int]:
    import numpy as np

    if not row.failures or not row.width:
        return [0] * len(row.failures)
    packed = np.frombuffer(row.bitmaps, dtype=np.uint8).reshape(1 + len(row.failures), -1)[1:]
    return np.unpackbits(packed, axis=1, count=row.width).sum(axis=1).tolist()


def _lang(lang: str) -> Lang:
    return "en" if lang == "en" else "fr"


@dataclass(frozen=True)
class Eligibility:
    """Whether the engine's hard rules let a trainee take a vacancy, and the rules failed when not."""

    eligible: bool
    reasons: tuple[str, ...]


def eligibility(*, session: Session, vacancy: Vacancy, profile: TraineeProfile, lang: str = "fr") -> Eligibility:
    """Return whether the engine finds this trainee eligible for the vacancy (the pair alone, whatever the consent)."""
    record = _exchange(profile)
    if record is None:
        return Eligibility(False, ())
    employer = session.get(Employer, vacancy.employer_id)
    ranking = rank([record], [vacancy.to_exchange(employer.name if employer else "-")], top=1, lang=_lang(lang))[0]
    if ranking.eligible_count:
        return Eligibility(True, ())
    return Eligibility(False, tuple(ranking.ineligible()[0]["reasons"]))
