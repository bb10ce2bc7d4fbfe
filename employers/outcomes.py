"""The outcomes the engine learns from: each placement made for a vacancy, and whether it lasted 6 months.

A placement lasted 6 months (outcome 1) when it started at least 6 months ago and had not ended by its start
plus 6 months, or when its 6-month follow-up reached the person and found them employed; it did not (0) when
it ended before. Placements younger than 6 months without such a follow-up have no outcome yet, and those
loaded from history without a vacancy have no vacancy to score: both are left out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError
from sqlmodel import Session, col, select

from employers.models import Employer, FollowUp, Placement, Vacancy
from matching.learning import Outcome
from matching.models import Trainee as ExchangeTrainee
from matching.models import Vacancy as ExchangeVacancy
from profiles.indicators import EMPLOYED, add_months
from profiles.models import TraineeProfile

log = logging.getLogger(__name__)

#: Months a placement must last to count as a success.
MONTHS = 6


@dataclass(frozen=True)
class StoredOutcomes:
    """The records and outcomes of the database's placements, ready for `matching.learning.learn`."""

    trainees: list[ExchangeTrainee]
    vacancies: list[ExchangeVacancy]
    outcomes: list[Outcome]


def lasted(placement: Placement, follow_up: FollowUp | None, as_of: date) -> int | None:
    """Return 1 when a placement lasted 6 months, 0 when it did not, None when it is too early to say."""
    if follow_up is not None and follow_up.reached and follow_up.employment in EMPLOYED:
        return 1
    due = add_months(placement.start_date, MONTHS)
    if placement.end_date is not None and placement.end_date < due:
        return 0
    return 1 if due <= as_of else None


def stored_outcomes(*, session: Session, as_of: date) -> StoredOutcomes:
    """Return every placement made for a vacancy whose outcome is known, with its trainee's and vacancy's records."""
    six = select(FollowUp).where(FollowUp.month == MONTHS)
    follow_ups = {f.placement_id: f for f in session.exec(six)}
    query = (
        select(Placement, TraineeProfile, Vacancy, Employer.name)
        .join(TraineeProfile, col(TraineeProfile.id) == col(Placement.trainee_id))
        .join(Vacancy, col(Vacancy.id) == col(Placement.vacancy_id))
        .join(Employer, col(Employer.id) == col(Vacancy.employer_id))
        .order_by(col(Placement.id))
    )
    trainees: dict[str, ExchangeTrainee] = {}
    vacancies: dict[str, ExchangeVacancy] = {}
    outcomes = []
    for placement, profile, vacancy, employer in session.exec(query):
        outcome = lasted(placement, follow_ups.get(placement.id or 0), as_of)
        if outcome is None or not _convert(profile, vacancy, employer, trainees, vacancies):
            continue
        outcomes.append(Outcome(trainee_id=profile.code, vacancy_id=vacancy.code, outcome=outcome))
    return StoredOutcomes(list(trainees.values()), list(vacancies.values()), outcomes)


def _convert(
    profile: TraineeProfile,
    vacancy: Vacancy,
    employer: str,
    trainees: dict[str, ExchangeTrainee],
    vacancies: dict[str, ExchangeVacancy],
) -> bool:
    """Add the pair's exchange records (once each); return False when one no longer validates."""
    try:
        if profile.code not in trainees:
            trainees[profile.code] = profile.to_exchange()
        if vacancy.code not in vacancies:
            vacancies[vacancy.code] = vacancy.to_exchange(employer)
    except ValidationError:
        log.warning("placement of %s for %s left out of learning: a record does not validate", profile.code, vacancy.code)
        return False
    return True
