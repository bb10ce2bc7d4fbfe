"""The programme's training gaps from the database: every trainee not placed against the free seats of open vacancies.

The engine (matching.gaps) finds, for each certification, language level, driving licence and extra town, the
trainees it alone would make eligible and the seats it would open; this module only chooses who and what
counts here (trainees still in the programme without an active placement; open vacancies, by free seats).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session, col, select

from employers.models import Employer, Vacancy, VacancyStatus
from employers.review import not_placed
from matching import gaps as engine
from matching.messages import Lang
from matching.models import Trainee as ExchangeTrainee
from matching.models import Vacancy as ExchangeVacancy
from matching.scoring import prepare


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
    query = select(Vacancy, Employer.name).join(Employer).where(Vacancy.status == VacancyStatus.open).order_by(col(Vacancy.code))
    found = []
    for vacancy, name in session.exec(query):
        free = vacancy.seats - vacancy.filled_seats
        if free > 0:
            found.append(vacancy.to_exchange(name).model_copy(update={"seats": free}))
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
