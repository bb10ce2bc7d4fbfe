"""The programme's training gaps from the database: every trainee not placed against the free seats of open vacancies.

The engine (matching.gaps) finds, for each certification, language level, driving licence and extra town, the
trainees it alone would make eligible and the seats it would open; this module only chooses who and what
counts here (trainees still in the programme without an active placement; open vacancies, by free seats).

One trainee's outlook (the officer's trainee page) meets every open vacancy. Their records and the engine's
encoding of them (`matching.scoring.prepare` of the vacancies alone) are kept in the process: each page checks
them with one small query (every open vacancy's id, ``updated_at``, seats, filled seats and company name),
re-reads the vacancies that query shows changed, and then encodes and scores only the trainee
(`matching.scoring.revise`). ``invalidate()`` forgets them (tests; data changed behind the application's back).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any, cast

import numpy as np
from pydantic import ValidationError
from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlmodel import Session, col, select

from employers import weights
from employers.models import Employer, Vacancy, VacancyStatus
from employers.review import not_placed
from matching import encoding
from matching import gaps as engine
from matching.config import ScoringConfig
from matching.messages import Lang
from matching.models import Trainee as ExchangeTrainee
from matching.models import Vacancy as ExchangeVacancy
from matching.scoring import Prepared, block_rows, one_blas_thread, prepare, revise, score_block
from profiles.models import TraineeProfile


@dataclass(frozen=True)
class GapLine:
    """One step and what it would open, with its sentence in the page's language."""

    kind: str
    code: str
    level: str | None
    trainees: int
    vacancies: int
    seats: int
    sentence: str


def free_vacancies(session: Session) -> list[ExchangeVacancy]:
    """Return every open vacancy with free seats as an exchange record whose seats are the free ones, by code."""
    return [record for _, _, record in open_seats(session)]


def open_seats(session: Session) -> list[tuple[Vacancy, str, ExchangeVacancy]]:
    """Return every open vacancy with free seats, its company's name and its exchange record (seats: the free ones), by code."""
    query = select(Vacancy, Employer.name).join(Employer).where(Vacancy.status == VacancyStatus.open).order_by(col(Vacancy.code))
    return [
        (vacancy, name, seat_record(vacancy, name))
        for vacancy, name in session.exec(query)
        if vacancy.seats > vacancy.filled_seats
    ]


def seat_record(vacancy: Vacancy, employer_name: str) -> ExchangeVacancy:
    """Return a vacancy's exchange record whose seats are its free ones."""
    return vacancy.to_exchange(employer_name).model_copy(update={"seats": vacancy.seats - vacancy.filled_seats})


def _trainees(session: Session) -> list[ExchangeTrainee]:
    records = []
    for profile in not_placed(session):
        try:
            records.append(profile.to_exchange())
        except ValidationError:  # an unreadable profile is shown (and fixed) on the officers' pages
            continue
    return records


def training_gaps(*, session: Session, lang: Lang = "fr") -> list[GapLine]:
    """Return the training gaps of the trainees not placed for the open seats, most seats opened first."""
    trainees, vacancies = _trainees(session), free_vacancies(session)
    if not trainees or not vacancies:
        return []
    prepared = prepare(trainees, vacancies)
    found = engine.gaps_prepared(prepared)
    return [
        GapLine(g.kind, g.code, g.level, g.trainees, g.vacancies, g.seats, sentence)
        for g, sentence in zip(found, engine.sentences(found, prepared, lang), strict=True)
    ]


# ---------------------------------------------------------------- one trainee


@dataclass(frozen=True)
class Fit:
    """An open vacancy a trainee is eligible for now, with the trainee's score and the free seats."""

    vacancy: Vacancy
    employer_name: str
    score: float
    free_seats: int


@dataclass(frozen=True)
class Step:
    """One step a trainee could take (a certification, a language level, a licence, a town) and what it would open."""

    kind: str
    code: str
    level: str | None
    words: str  # the step in the page's language ("un SSIAP1")
    vacancies: int
    seats: int


@dataclass(frozen=True)
class Outlook:
    """For one trainee: the open vacancies that fit now (best score first), and the steps that would open more."""

    fits: tuple[Fit, ...] = ()
    steps: tuple[Step, ...] = field(default_factory=tuple)
    readable: bool = True

    @property
    def best_step(self) -> Step | None:
        """Return the one step that would open most seats (None: no single step opens any)."""
        return self.steps[0] if self.steps else None


def trainee_outlook(*, session: Session, profile: TraineeProfile, lang: Lang = "fr") -> Outlook:
    """Return the open vacancies a trainee fits now, with scores (the weights in use), and the single steps that would
    make them eligible for more open seats, most seats first: the programme's training gaps (matching.gaps) for one person."""
    try:
        record = profile.to_exchange()
    except ValidationError:  # an unreadable profile: the page says so and the officer fixes it
        return Outlook(readable=False)
    kept = _kept.current(session)
    if kept.prepared is None:
        return Outlook()
    prepared = kept.prepared_with(record)
    with one_blas_thread():  # one trainee: a few small blocks, scored here; a candidate's score is its pair's
        blocks = [score_block(prepared, rows) for rows in block_rows(len(prepared.vacancies), 1)]
    eligible = np.concatenate([block.eligible[:, 0] for block in blocks])
    scores = np.concatenate([block.score[:, 0] for block in blocks]).tolist()
    fits = [
        Fit(vacancy, name, score, record_.seats)
        for (vacancy, name, record_), score, fit in zip(kept.seats, scores, eligible.tolist(), strict=True)
        if fit
    ]
    fits.sort(key=lambda f: (-f.score, f.vacancy.code))
    found = engine.gaps_prepared(prepared)
    names = engine.language_names(prepared, lang)
    steps = tuple(Step(g.kind, g.code, g.level, g.step(lang, names.get(g.code)), g.vacancies, g.seats) for g in found)
    return Outlook(tuple(fits), steps)


# ---------------------------------------------------------------- the open seats, kept between pages

#: Preparations kept for trainees with values of their own (`KeptSeats.own`).
OWN_KEPT = 64
#: What identifies an open vacancy's state: id, last update, seats, filled seats, company name (by code).
Stamp = tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class KeptSeats:
    """The open vacancies with free seats as `open_seats` returns them, and their engine encoding (None: there are none)."""

    stamp: Stamp
    config: ScoringConfig
    seats: tuple[tuple[Vacancy, str, ExchangeVacancy], ...]  # the vacancies are copies, in no session
    prepared: Prepared | None
    digest: str | None = None  # the stamp's digest (PostgreSQL), checked on each page instead of the stamp
    #: Preparations of one trainee with values of their own (a certification outside the taxonomy…), by those values:
    #: a trainee with the same ones is encoded over them, where the vacancies' preparation would be made again.
    own: dict[tuple[tuple[str, ...], ...], Prepared] = field(default_factory=dict, compare=False)

    def prepared_with(self, trainee: ExchangeTrainee) -> Prepared:
        """Return the preparation of one trainee and the open seats, encoding only the trainee when it can."""
        assert self.prepared is not None
        if encoding.fits(self.prepared.space, trainees=[trainee]):
            return revise(self.prepared, trainees=[trainee])
        values = encoding.own_values(self.prepared.space, [trainee])
        found = self.own.get(values)
        if found is not None:
            return revise(found, trainees=[trainee])
        if len(self.own) >= OWN_KEPT:
            self.own.clear()
        made = self.own[values] = revise(self.prepared, trainees=[trainee])  # a full preparation
        return made


class SeatsCache:
    """The open seats and their encoding, kept per database while its open vacancies and the weights stay the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, KeptSeats] = {}

    def invalidate(self) -> None:
        """Forget everything."""
        with self._lock:
            self._kept = {}

    def current(self, session: Session) -> KeptSeats:
        """Return the open seats as they are now: the kept ones, with what changed since read again."""
        digest = _digest(session)
        config = weights.current_config(session=session)
        database = session.get_bind().engine.url.render_as_string(hide_password=True)
        with self._lock:  # concurrent pages after a change wait for one reading rather than each making its own
            found = self._kept.get(database)
            if found is not None and digest is not None and found.digest == digest and found.config == config:
                return found
            stamp: Stamp = tuple(tuple(row) for row in session.exec(_stamp_query()))  # read after the digest: as new
            if found is None or found.stamp != stamp or found.config != config:
                found = _read_seats(session, stamp, config, found)
            found = self._kept[database] = replace(found, digest=digest)
            return found


def _digest(session: Session) -> str | None:
    """Return a digest of every open vacancy's stamp, made by PostgreSQL (None elsewhere: the stamp itself is read)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return cast(str, session.execute(_DIGEST, {"open": VacancyStatus.open.value}).scalar_one())


_DIGEST = text(
    "SELECT md5(coalesce(string_agg(concat_ws(chr(31), v.id, v.updated_at, v.seats, v.filled_seats, e.name), chr(30)"
    " ORDER BY v.code), '')) FROM vacancy v JOIN employer e ON e.id = v.employer_id WHERE v.status = :open"
)  # the stamp's columns (`_stamp_query`), in its order


def _stamp_query() -> Any:
    columns = (col(Vacancy.id), col(Vacancy.updated_at), col(Vacancy.seats), col(Vacancy.filled_seats), col(Employer.name))
    return sa_select(*columns).join(Employer).where(col(Vacancy.status) == VacancyStatus.open).order_by(col(Vacancy.code))


def _read_seats(session: Session, stamp: Stamp, config: ScoringConfig, before: KeptSeats | None) -> KeptSeats:
    """Return the open seats of `stamp`, reading again only the vacancies whose stamp changed since `before`."""
    known = dict(zip(_with_free_seats(before.stamp), before.seats, strict=True)) if before is not None else {}
    wanted = [row[0] for row in _with_free_seats(stamp) if row not in known]
    query = select(Vacancy, Employer.name).join(Employer).where(col(Vacancy.id).in_(wanted))
    read = {vacancy.id: (vacancy, name) for vacancy, name in session.exec(query)} if wanted else {}
    seats = []
    for row in _with_free_seats(stamp):
        if row in known:
            seats.append(known[row])
        elif row[0] in read:  # else closed since the stamp was read: the next page's stamp differs
            vacancy, name = read[row[0]]
            copy = Vacancy(**vacancy.model_dump())  # kept after the session ends: a copy of its fields
            seats.append((copy, name, seat_record(vacancy, name)))
    records = [record for _, _, record in seats]
    if before is not None and before.config == config and records == [record for _, _, record in before.seats]:
        return KeptSeats(stamp, config, tuple(seats), before.prepared)  # only vacancies without free seats changed
    return KeptSeats(stamp, config, tuple(seats), prepare([], records, config) if records else None)


def _with_free_seats(stamp: Stamp) -> list[tuple[Any, ...]]:
    return [row for row in stamp if row[2] > row[3]]


_kept = SeatsCache()


def keep_open_seats(*, session: Session) -> int:
    """Read and encode the open seats now (a server's start), so that the first trainee page does not wait for it.

    Return how many open vacancies with free seats are kept.
    """
    return len(_kept.current(session).seats)


def invalidate() -> None:
    """Forget the kept open seats (tests; data changed behind the application's back)."""
    _kept.invalidate()
