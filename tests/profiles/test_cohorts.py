"""Cohorts, their training centres and trainees, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, func, select

from profiles import cohorts, school
from profiles.cohorts import CohortForm, check_cohort
from profiles.exceptions import CohortNotFound, InvalidCohort, TraineeNotFound
from profiles.models import Cohort, TrainingCentre
from profiles.phases import Phase
from tests.employers.factories import profile

PILOT: dict[str, Any] = {
    "code": "2026-A", "name": "Pilote 2026", "centre": "Centre de formation de Bamako",
    "selection_start": "2025-11-03", "selection_end": "2025-12-19", "training_start": "2026-03-02",
    "return_date": "2026-03-09", "training_end": "2026-05-01", "employment_start": "2026-06-01", "budget_eur": "48000.5",
    "modules": [{"name": "secourisme", "weight": "2"}, {"name": "incendie", "weight": "1"}],
}  # fmt: skip


def pilot(session: Session, **changes: Any) -> Cohort:
    cohort = cohorts.create_cohort(session=session, data={**PILOT, **changes})
    session.commit()
    return cohort


def problems_of(data: dict[str, Any]) -> dict[str, str]:
    fields, problems = check_cohort(data)
    assert fields is None
    return {p.field: p.code for p in problems}


class TestCheck:
    def test_reads_a_full_cohort_with_a_decimal_comma(self) -> None:
        form = CohortForm({**{k: v for k, v in PILOT.items() if k != "modules"}, "budget_eur": "48 000,50"},
                          [{"name": "secourisme", "weight": "1,5"}, {"name": " ", "weight": ""}])  # fmt: skip
        fields, problems = check_cohort(form.data())
        assert problems == [] and fields is not None
        assert (fields.country, fields.budget_eur, fields.training_start) == ("ML", 48000.5, date(2026, 3, 2))
        assert [(m.name, m.weight) for m in fields.modules] == [("secourisme", 1.5)]

    def test_names_every_wrong_field(self) -> None:
        found = problems_of({"code": "", "country": "Mali", "training_start": "2026-02-30", "budget_eur": "-1",
                             "modules": [{"name": "secourisme", "weight": "0"}]})  # fmt: skip
        assert found == {"code": "field_required", "country": "invalid_country", "training_start": "field_date",
                         "budget_eur": "field_at_least", "modules.0.weight": "field_at_least"}  # fmt: skip

    def test_periods_end_after_they_start(self) -> None:
        found = problems_of({"code": "X", "selection_start": "2026-01-10", "selection_end": "2026-01-01",
                             "training_start": "2026-03-01", "training_end": "2026-02-01",
                             "employment_start": "2026-01-15"})  # fmt: skip
        assert found == {"selection_end": "selection_order", "training_end": "training_order",
                         "employment_start": "employment_order"}  # fmt: skip

    def test_unreadable_fields_do_not_hide_the_other_problems(self) -> None:
        found = problems_of({"code": "X", "budget_eur": "beaucoup", "training_start": "2026-03-01", "training_end": "2026-02-01"})
        assert found == {"budget_eur": "field_number", "training_end": "training_order"}

    def test_a_module_is_listed_once(self) -> None:
        found = problems_of({"code": "X", "modules": [{"name": "Secourisme", "weight": 1}, {"name": "secourisme", "weight": 2}]})
        assert found == {"modules": "module_twice"}

    def test_a_saved_cohort_fills_a_form_that_gives_it_back(self, session: Session) -> None:
        cohort = pilot(session)
        centre = session.get(TrainingCentre, cohort.centre_id)
        fields, _ = check_cohort(CohortForm.from_cohort(cohort, centre).data())
        assert fields is not None and fields.model_dump() == check_cohort(PILOT)[0].model_dump()  # type: ignore[union-attr]


class TestCreateAndUpdate:
    def test_saves_the_cohort_with_its_centre_and_weights(self, session: Session) -> None:
        cohort = pilot(session)
        assert (cohort.code, cohort.return_date, cohort.budget_eur) == ("2026-A", date(2026, 3, 9), 48000.5)
        assert cohort.weights == {"secourisme": 2.0, "incendie": 1.0}
        centre = session.get(TrainingCentre, cohort.centre_id)
        assert centre is not None and centre.name == "Centre de formation de Bamako"

    def test_finds_the_centre_whatever_the_case_and_accents(self, session: Session) -> None:
        first = pilot(session)
        second = pilot(session, code="2026-B", centre="CENTRE DE FORMATION  DE BAMAKO")
        assert first.centre_id == second.centre_id
        assert session.exec(select(func.count()).select_from(TrainingCentre)).one() == 1

    def test_refuses_a_code_taken_and_writes_nothing(self, session: Session) -> None:
        pilot(session)
        with pytest.raises(InvalidCohort) as refused:
            cohorts.create_cohort(session=session, data={**PILOT, "centre": "Autre centre", "country": "Mali"})
        assert [(p.field, p.code) for p in refused.value.problems] == [
            ("code", "cohort_code_taken"),
            ("country", "invalid_country"),
        ]
        session.rollback()
        assert session.exec(select(func.count()).select_from(Cohort)).one() == 1

    def test_a_new_code_follows_the_trainees_and_new_weights_their_grade(self, session: Session) -> None:
        cohort = pilot(session)
        trainee = profile(session, training={"cohort": "2026-A", "modules": {"secourisme": 16, "incendie": 10}})
        school.record_grades(session=session, profile=trainee, cohort=cohort, typed={"grade_0": "16", "grade_1": "10"})
        assert trainee.training and trainee.training["overall"] == 14.0  # (2 × 16 + 10) / 3
        modules = [{"name": "secourisme", "weight": "1"}, {"name": "incendie", "weight": "1"}]
        cohorts.update_cohort(session=session, cohort_id=cohort.id or 0, data={**PILOT, "code": "2026-P", "modules": modules})
        session.commit()
        session.refresh(trainee)
        assert trainee.cohort == "2026-P" and trainee.training["cohort"] == "2026-P"
        assert trainee.training["overall"] == 13.0

    def test_refuses_an_unknown_cohort(self, session: Session) -> None:
        with pytest.raises(CohortNotFound):
            cohorts.update_cohort(session=session, cohort_id=999, data=PILOT)


class TestCentresSeeTheirOwn:
    def test_a_centre_reaches_its_cohorts_and_their_trainees_only(self, session: Session) -> None:
        ours, theirs = pilot(session), pilot(session, code="2026-K", centre="Centre de Kayes")
        mine, other = profile(session, training={"cohort": ours.code}), profile(session, training={"cohort": theirs.code})
        loose = profile(session, training=None)
        assert cohorts.centre_cohort(session=session, cohort_id=ours.id or 0, centre_id=ours.centre_id) == ours
        assert cohorts.centre_trainee(session=session, trainee_id=mine.id or 0, centre_id=ours.centre_id) == (mine, ours)
        assert [c.code for c in cohorts.list_cohorts(session=session, centre_id=ours.centre_id)] == [ours.code]
        with pytest.raises(CohortNotFound):
            cohorts.centre_cohort(session=session, cohort_id=theirs.id or 0, centre_id=ours.centre_id)
        with pytest.raises(CohortNotFound):
            cohorts.centre_cohort(session=session, cohort_id=ours.id or 0, centre_id=None)
        for stranger in (other, loose):
            with pytest.raises(TraineeNotFound):
                cohorts.centre_trainee(session=session, trainee_id=stranger.id or 0, centre_id=ours.centre_id)

    def test_lists_cohort_codes_no_record_holds(self, session: Session) -> None:
        pilot(session)
        profile(session, training={"cohort": "2026-A"})
        profile(session, training={"cohort": "2025-Z"})
        profile(session, training={"cohort": "2025-Z"})
        assert cohorts.unrecorded_cohorts(session=session) == [("2025-Z", 2)]
        assert cohorts.trainee_counts(session=session) == {"2026-A": 1, "2025-Z": 2}


def test_a_roster_sorts_the_trainees_by_phase(session: Session) -> None:
    cohort = pilot(session)
    placed, left, waiting = (profile(session, training={"cohort": "2026-A"}) for _ in range(3))
    left.dropped_out_on, left.dropout_reason = date(2026, 4, 1), "health"
    found = cohorts.roster(cohort, [placed, left, waiting], placed={placed.id or 0}, on=date(2026, 7, 1))
    assert {phase: [p.code for p in listed] for phase, listed in found.by_phase.items() if listed} == {
        Phase.placed: [placed.code], Phase.left: [left.code], Phase.job_seeking: [waiting.code]
    }  # fmt: skip
    assert list(found.by_phase) == list(Phase)
