"""What the training school and the officers record reaches the matching at once: module grades and certifications
move a trainee's ranking on the employers' (cached) candidate lists, and a trainee who left is nobody's candidate."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from employers import candidates, dashboard, review
from employers.models import Vacancy
from profiles import cohorts, departures, school
from profiles.models import Cohort, TraineeProfile
from tests.employers.factories import profile, stored_vacancy
from tests.web.factories import employer

TODAY = date(2026, 4, 15)


def setup(session: Session) -> tuple[Cohort, Vacancy, TraineeProfile, TraineeProfile]:
    """A cohort with two weighted modules, an open vacancy, and two trainees alike but for their overall grade."""
    cohort = cohorts.create_cohort(session=session, data={
        "code": "2026-A", "training_start": "2026-03-02", "training_end": "2026-05-01",
        "modules": [{"name": "secourisme", "weight": 2}, {"name": "incendie", "weight": 1}]})  # fmt: skip
    vacancy = stored_vacancy(session, employer(session))
    graded = profile(session, id="T-A", training={"cohort": cohort.code, "overall": 14})
    ungraded = profile(session, id="T-B", training={"cohort": cohort.code})
    session.commit()
    return cohort, vacancy, graded, ungraded


def codes(session: Session, vacancy: Vacancy) -> list[str]:
    return [row.trainee.code for row in candidates.candidates_for(session=session, vacancy=vacancy).candidates]


def test_module_grades_move_a_trainee_up_on_the_cached_list_at_once(session: Session) -> None:
    cohort, vacancy, graded, ungraded = setup(session)
    assert codes(session, vacancy) == ["T-A", "T-B"]  # 14/20 against no grade (counted as 10/20)
    school.record_grades(session=session, profile=ungraded, cohort=cohort, typed={"grade_0": "19", "grade_1": "19"})
    session.commit()
    assert codes(session, vacancy) == ["T-B", "T-A"]  # 19/20 from the modules: the cache followed
    [top, _] = candidates.candidates_for(session=session, vacancy=vacancy).candidates
    assert top.components["training"] == 19 / 20


def test_a_certification_awarded_counts_as_held_for_a_vacancy_that_requires_it(session: Session) -> None:
    _, _, graded, ungraded = setup(session)
    strict = stored_vacancy(session, employer(session), required_certifications=["SSIAP1"])
    assert codes(session, strict) == []
    school.award_certification(session=session, profile=ungraded, today=TODAY, by=None,
                               typed={"code": "SSIAP1", "awarded_on": "2026-04-10", "certificate_number": "SS-1"})  # fmt: skip
    session.commit()
    assert codes(session, strict) == ["T-B"]


def test_a_trainee_who_left_is_nobody_s_candidate(session: Session) -> None:
    _, vacancy, graded, ungraded = setup(session)
    assert codes(session, vacancy) == ["T-A", "T-B"]
    departures.record_departure(session=session, profile_id=graded.id or 0, today=TODAY,
                                typed={"dropped_out_on": "2026-04-14", "dropout_reason": "remigrated"})  # fmt: skip
    session.commit()
    assert codes(session, vacancy) == ["T-B"]
    officers = review.review(session=session, vacancy=vacancy)
    assert [row.code for row in (*officers.eligible, *officers.ineligible)] == ["T-B"]
    assert [w.trainee.code for w in dashboard.trainees_not_placed(session=session).rows] == ["T-B"]
