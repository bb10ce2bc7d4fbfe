"""The programme's training gaps from the database: every trainee not placed against the free seats of open vacancies.

The engine (matching.gaps) finds, for each certification, language level, driving licence and extra town, the
trainees it alone would make eligible and the seats it would open; this module only chooses who and what
counts here (trainees still in the programme without an active placement; open vacancies, by free seats).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlmodel import Session, col, select

from employers import weights
from employers.models import Employer, Vacancy, VacancyStatus
from employers.review import not_placed
from matching import gaps as engine
from matching.messages import Lang
from matching.models import Trainee as ExchangeTrainee
from matching.models import Vacancy as ExchangeVacancy
from matching.ranking import rank_prepared
from matching.scoring import prepare
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
    found = []
    for vacancy, name in session.exec(query):
        free = vacancy.seats - vacancy.filled_seats
        if free > 0:
            found.append((vacancy, name, vacancy.to_exchange(name).model_copy(update={"seats": free})))
    return found


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
    seats = open_seats(session)
    if not seats:
        return Outlook()
    prepared = prepare([record], [r for _, _, r in seats], weights.current_config(session=session))
    fits = [
        Fit(vacancy, name, ranking.candidates[0].score, record_.seats)
        for (vacancy, name, record_), ranking in zip(seats, rank_prepared(prepared, top=1, near=0, lang=lang), strict=True)
        if ranking.candidates
    ]
    fits.sort(key=lambda f: (-f.score, f.vacancy.code))
    found = engine.gaps_prepared(prepared)
    names = engine.language_names(prepared, lang)
    steps = tuple(Step(g.kind, g.code, g.level, g.step(lang, names.get(g.code)), g.vacancies, g.seats) for g in found)
    return Outlook(tuple(fits), steps)
