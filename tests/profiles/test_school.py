"""What the training school records (attendance, module grades, certifications, completion) and the overall grade, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from matching.models import Trainee
from profiles import cohorts, grades, school, service
from profiles.exceptions import InvalidSchoolRecord
from profiles.forms import TraineeForm
from profiles.models import Attendance, CertificationAward, Cohort, TraineeProfile
from tests import factories
from tests.employers.factories import profile

TODAY = date(2026, 4, 15)
COHORT: dict[str, Any] = {
    "code": "2026-A", "centre": "Centre de Bamako", "training_start": "2026-03-02", "training_end": "2026-05-01",
    "modules": [{"name": "secourisme", "weight": 3}, {"name": "incendie", "weight": 1}],
}  # fmt: skip


@pytest.fixture
def cohort(session: Session) -> Cohort:
    found = cohorts.create_cohort(session=session, data=COHORT)
    session.commit()
    return found


def trainee_of(session: Session, cohort: Cohort, **training: Any) -> TraineeProfile:
    return profile(session, training={"cohort": cohort.code, **training})


def problems(refused: pytest.ExceptionInfo[InvalidSchoolRecord]) -> dict[str, str]:
    return {p.field: p.code for p in refused.value.problems}


class TestAttendance:
    def test_records_present_and_absent_then_corrects_them(self, session: Session, cohort: Cohort) -> None:
        awa, bakary = trainee_of(session, cohort), trainee_of(session, cohort)
        sheet = school.record_attendance(session=session, cohort=cohort, trainees=[awa, bakary], day="2026-04-14",
                                         label=" matin ", present={awa.id or 0}, today=TODAY, by=None)  # fmt: skip
        assert (sheet.day, sheet.label, sheet.present) == (date(2026, 4, 14), "matin", {awa.id})
        school.record_attendance(session=session, cohort=cohort, trainees=[awa, bakary], day="2026-04-14", label="matin",
                                 present={bakary.id or 0}, today=TODAY, by=None)  # fmt: skip
        session.commit()
        rows = session.exec(select(Attendance.trainee_id, Attendance.present).order_by(Attendance.trainee_id)).all()
        assert rows == [(awa.id, False), (bakary.id, True)]  # one row each: the second sheet corrected the first
        again = school.session_sheet(session=session, trainees=[awa, bakary], day=date(2026, 4, 14), label="matin")
        assert again.present == {bakary.id}

    def test_counts_each_trainee_s_sessions_and_each_session_s_presence(self, session: Session, cohort: Cohort) -> None:
        awa, bakary = trainee_of(session, cohort), trainee_of(session, cohort)
        for day, present in (("2026-04-13", {awa.id}), ("2026-04-14", {awa.id, bakary.id})):
            school.record_attendance(session=session, cohort=cohort, trainees=[awa, bakary], day=day, label="",
                                     present={i or 0 for i in present}, today=TODAY, by=None)  # fmt: skip
        ids = [awa.id or 0, bakary.id or 0]
        found = school.presence(session=session, trainee_ids=ids)
        assert (found[awa.id or 0].present, found[awa.id or 0].recorded, found[bakary.id or 0].rate) == (2, 2, 0.5)
        counts = school.sessions_recorded(session=session, trainee_ids=ids)
        assert [(c.day, c.present, c.listed) for c in counts] == [(date(2026, 4, 14), 2, 2), (date(2026, 4, 13), 1, 2)]

    def test_a_trainee_who_left_is_not_on_later_registers(self, session: Session, cohort: Cohort) -> None:
        stays, leaves = trainee_of(session, cohort), trainee_of(session, cohort)
        leaves.dropped_out_on = date(2026, 4, 10)
        sheet = school.record_attendance(session=session, cohort=cohort, trainees=[stays, leaves], day="2026-04-14",
                                         label="", present={stays.id or 0, leaves.id or 0}, today=TODAY, by=None)  # fmt: skip
        assert [p.id for p in sheet.listed] == [stays.id]
        assert session.exec(select(Attendance.trainee_id)).all() == [stays.id]

    @pytest.mark.parametrize(
        ("day", "label", "expected"),
        [("", "", {"day": "field_required"}), ("14/04/2026", "", {"day": "field_date"}),
         ("2026-04-16", "", {"day": "date_in_future"}), ("2026-02-27", "", {"day": "day_outside_training"}),
         ("2026-04-14", "x" * 41, {"session": "field_too_long"})],
    )  # fmt: skip
    def test_refuses_a_wrong_day_or_label_and_writes_nothing(
        self, session: Session, cohort: Cohort, day: str, label: str, expected: dict[str, str]
    ) -> None:
        awa = trainee_of(session, cohort)
        with pytest.raises(InvalidSchoolRecord) as refused:
            school.record_attendance(session=session, cohort=cohort, trainees=[awa], day=day, label=label, present=set(),
                                     today=TODAY, by=None)  # fmt: skip
        assert problems(refused) == expected
        assert session.exec(select(Attendance)).all() == []


class TestGrades:
    def test_module_grades_give_the_weighted_overall_grade(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort, overall=None)
        before = awa.updated_at
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "19", "grade_1": "16,0"})
        session.commit()
        session.refresh(awa)
        assert awa.training == {
            "cohort": "2026-A",
            "overall": 18.25,
            "modules": {"secourisme": 19.0, "incendie": 16.0},
            "completed": None,
        }
        assert awa.overall_from_modules and awa.updated_at > before
        assert awa.to_exchange().training.overall == 18.25  # type: ignore[union-attr]  # what the matching reads

    def test_an_emptied_grade_is_removed_and_the_grade_follows(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort, overall=None)
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "12", "grade_1": "16"})
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "", "grade_1": "16"})
        assert awa.training and awa.training["modules"] == {"incendie": 16.0} and awa.training["overall"] == 16.0
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={})
        assert awa.training["modules"] == {} and awa.training["overall"] is None and not awa.overall_from_modules

    def test_an_officer_s_overall_grade_stands(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort, overall=11)
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "19", "grade_1": "19"})
        assert awa.training and awa.training["overall"] == 11 and not awa.overall_from_modules

    def test_keeps_grades_of_modules_the_cohort_does_not_list(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort, overall=None, modules={"droit": 8})
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "16"})
        assert awa.training and awa.training["modules"] == {"droit": 8, "secourisme": 16.0}
        assert awa.training["overall"] == 14.0  # (3 × 16 + 1 × 8) / 4: a module without a weight weighs 1

    def test_refuses_grades_out_of_range_or_not_numbers(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort)
        with pytest.raises(InvalidSchoolRecord) as refused:
            school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "21", "grade_1": "bien"})
        assert problems(refused) == {"grade_0": "grade_range", "grade_1": "field_number"}


class TestOverallGivenOrComputed:
    def graded(self, session: Session, cohort: Cohort) -> TraineeProfile:
        awa = trainee_of(session, cohort, overall=None)
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "16", "grade_1": "12"})
        session.commit()
        session.refresh(awa)
        return awa

    def record(self, awa: TraineeProfile, **training: Any) -> Trainee:
        return awa.to_exchange().model_copy(update={"training": awa.to_exchange().training.model_copy(update=training)})  # type: ignore[union-attr]

    def test_an_export_imported_back_keeps_the_grade_computed(self, session: Session, cohort: Cohort) -> None:
        awa = self.graded(session, cohort)
        service.import_trainees(session=session, records=[awa.to_exchange()])
        assert awa.overall_from_modules and awa.training and awa.training["overall"] == 15.0
        school.record_grades(session=session, profile=awa, cohort=cohort, typed={"grade_0": "20", "grade_1": "12"})
        assert awa.training["overall"] == 18.0

    def test_an_import_giving_another_grade_gives_it(self, session: Session, cohort: Cohort) -> None:
        awa = self.graded(session, cohort)
        service.import_trainees(session=session, records=[self.record(awa, overall=9.5)])
        assert not awa.overall_from_modules and awa.training and awa.training["overall"] == 9.5

    def test_the_officer_s_form_shows_only_a_given_grade_and_an_empty_one_is_computed(
        self, session: Session, cohort: Cohort
    ) -> None:
        awa = self.graded(session, cohort)
        form = TraineeForm.from_profile(awa.to_exchange(), cohort=awa.cohort, consent=True, overall_computed=True)
        assert form.text["training_overall"] == ""
        service.update_profile(session=session, profile_id=awa.id or 0, data=form.data(), consent=True)
        assert awa.overall_from_modules and awa.training and awa.training["overall"] == 15.0
        form.text["training_overall"] = "13"
        service.update_profile(session=session, profile_id=awa.id or 0, data=form.data(), consent=True)
        assert not awa.overall_from_modules and awa.training["overall"] == 13.0

    def test_a_trainee_without_grades_keeps_no_training_record(self, session: Session) -> None:
        record = factories.trainee(training=None)
        service.import_trainees(session=session, records=[record])
        stored = service.get_by_code(session=session, code=record.id)
        assert stored is not None and stored.training is None and not stored.overall_from_modules

    def test_the_weighted_mean(self) -> None:
        assert grades.weighted_mean({"a": 10, "b": 20}, {"a": 3}) == 12.5
        assert grades.weighted_mean({}, {"a": 1}) is None
        assert grades.weighted_mean({"a": 13, "b": 14, "c": 14}, {}) == 13.67


class TestCertifications:
    def test_an_award_counts_as_held(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort, overall=12)
        before = awa.updated_at
        typed = {"code": "SSIAP1", "awarded_on": "2026-04-10", "certificate_number": " SS-2026 014 "}
        award = school.award_certification(session=session, profile=awa, today=TODAY, by=None, typed=typed)
        session.commit()
        assert (award.code, award.awarded_on, award.certificate_number) == ("SSIAP1", date(2026, 4, 10), "SS-2026 014")
        assert "SSIAP1" in awa.certifications and awa.updated_at > before
        assert "SSIAP1" in awa.to_exchange().certifications

    def test_awarding_again_corrects_the_day_and_number(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort, overall=12)
        for day, number in (("2026-04-10", "A-1"), ("2026-04-11", "A-2")):
            school.award_certification(session=session, profile=awa, today=TODAY, by=None,
                                       typed={"code": "SST", "awarded_on": day, "certificate_number": number})  # fmt: skip
        session.commit()
        awards = school.awards_of(session=session, trainee_ids=[awa.id or 0])[awa.id or 0]
        assert [(a.code, a.awarded_on, a.certificate_number) for a in awards] == [("SST", date(2026, 4, 11), "A-2")]
        assert awa.certifications.count("SST") == 1

    def test_refuses_an_unknown_code_a_future_day_and_no_number(self, session: Session, cohort: Cohort) -> None:
        awa = trainee_of(session, cohort)
        with pytest.raises(InvalidSchoolRecord) as refused:
            school.award_certification(session=session, profile=awa, today=TODAY, by=None,
                                       typed={"code": "BAC", "awarded_on": "2026-05-01", "certificate_number": ""})  # fmt: skip
        expected = {"code": "field_choice", "awarded_on": "date_in_future", "certificate_number": "field_required"}
        assert problems(refused) == expected
        assert session.exec(select(CertificationAward)).all() == []


class TestCompletion:
    @pytest.mark.parametrize("completed", [True, False, None])
    def test_records_completion_and_an_officer_s_edit_keeps_it(
        self, session: Session, cohort: Cohort, completed: bool | None
    ) -> None:
        awa = trainee_of(session, cohort, overall=12)
        school.set_completed(session=session, profile=awa, completed=completed)
        session.commit()
        assert awa.training and awa.training.get("completed") is completed
        form = TraineeForm.from_profile(awa.to_exchange(), cohort=awa.cohort, consent=True)
        service.update_profile(session=session, profile_id=awa.id or 0, data=form.data(), consent=True)
        assert awa.training.get("completed") is completed
        service.import_trainees(session=session, records=[awa.to_exchange()])  # a file without the field keeps it
        assert awa.training.get("completed") is completed
