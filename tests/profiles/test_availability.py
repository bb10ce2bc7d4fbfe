"""A trainee's own availability (profiles.availability): reading typed dates, checking, saving, refreshing rankings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from employers import candidates
from profiles.availability import InvalidAvailability, check_availability, parse_day, set_availability
from profiles.exceptions import TraineeNotFound
from profiles.models import TraineeProfile
from tests.employers.factories import profile, stored_vacancy
from tests.web.factories import employer

TODAY = date(2026, 11, 29)


class TestParseDay:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [("2027-02-01", date(2027, 2, 1)), (" 01/02/2027 ", date(2027, 2, 1)), ("1.2.2027", date(2027, 2, 1)),
         ("1-2-2027", date(2027, 2, 1)), ("2027-2-1", date(2027, 2, 1))],
    )  # fmt: skip
    def test_reads_iso_and_day_first_dates(self, typed: str, expected: date) -> None:
        assert parse_day(typed) == expected

    @pytest.mark.parametrize("typed", ["", "demain", "31/02/2027", "2027-13-01", "01/02/27", "2027/02/01", "١٢/٠٢/٢٠٢٧"])
    def test_anything_else_is_no_date(self, typed: str) -> None:
        assert parse_day(typed) is None


class TestCheckAvailability:
    def test_returns_the_date_and_the_shifts_in_the_engines_order(self) -> None:
        checked = check_availability(available_from="15/01/2027", shifts=["night", "Day", "night"], today=TODAY)
        assert checked.available_from == date(2027, 1, 15) and checked.shifts == ("day", "night")

    def test_a_date_object_is_taken_as_it_is(self) -> None:
        assert check_availability(available_from=TODAY, shifts=["rotating"], today=TODAY).available_from == TODAY

    @pytest.mark.parametrize(
        ("typed", "code"),
        [("", "date_required"), ("  ", "date_required"), (None, "date_required"), ("29/02/2027", "date_unreadable"),
         ("2025-11-28", "date_too_old"), ("2028-11-29", "date_too_far")],
    )  # fmt: skip
    def test_a_wrong_date_is_named(self, typed: str | None, code: str) -> None:
        with pytest.raises(InvalidAvailability) as refused:
            check_availability(available_from=typed, shifts=["day"], today=TODAY)
        assert refused.value.problems == {"available_from": code}

    def test_the_bounds_themselves_are_accepted(self) -> None:
        for typed in ("2025-11-29", "2028-11-28"):
            assert check_availability(available_from=typed, shifts=["day"], today=TODAY).available_from == date.fromisoformat(
                typed
            )

    def test_every_wrong_field_is_named_at_once(self) -> None:
        with pytest.raises(InvalidAvailability) as refused:
            check_availability(available_from="hier", shifts=[], today=TODAY)
        assert refused.value.problems == {"available_from": "date_unreadable", "shifts": "shifts_required"}

    def test_an_unknown_shift_is_refused(self) -> None:
        with pytest.raises(InvalidAvailability) as refused:
            check_availability(available_from="2027-01-01", shifts=["day", "weekend"], today=TODAY)
        assert refused.value.problems == {"shifts": "shifts_unknown"}


class TestSetAvailability:
    def test_saves_the_date_and_shifts_and_moves_updated_at(self, session: Session) -> None:
        own = profile(session, available_from="2026-12-01", preferred_shifts=["day"])
        before = own.updated_at
        set_availability(
            session=session, trainee_id=own.id or 0, available_from="2027-02-01", shifts=["night", "day"], today=TODAY
        )
        session.commit()
        session.expire_all()
        saved = session.get(TraineeProfile, own.id)
        assert saved is not None and saved.available_from == date(2027, 2, 1) and saved.preferred_shifts == ["day", "night"]
        assert saved.updated_at > before

    def test_saving_the_same_values_changes_nothing(self, session: Session) -> None:
        own = profile(session, available_from="2027-02-01", preferred_shifts=["day", "night"])
        before = own.updated_at
        set_availability(
            session=session, trainee_id=own.id or 0, available_from="2027-02-01", shifts=["night", "day"], today=TODAY
        )
        session.commit()
        session.expire_all()
        saved = session.get(TraineeProfile, own.id)
        assert saved is not None and saved.updated_at == before

    def test_refused_values_leave_the_profile_as_it_was(self, session: Session) -> None:
        own = profile(session, available_from="2027-02-01", preferred_shifts=["day"])
        with pytest.raises(InvalidAvailability):
            set_availability(session=session, trainee_id=own.id or 0, available_from="2031-01-01", shifts=["night"], today=TODAY)
        session.rollback()
        saved = session.get(TraineeProfile, own.id)
        assert saved is not None and saved.available_from == date(2027, 2, 1) and saved.preferred_shifts == ["day"]

    def test_an_unknown_trainee_is_not_found(self, session: Session) -> None:
        with pytest.raises(TraineeNotFound):
            set_availability(session=session, trainee_id=999_999, available_from="2027-02-01", shifts=["day"], today=TODAY)

    def test_employers_rankings_see_the_change(self, session: Session) -> None:
        company = employer(session)
        night_post = stored_vacancy(session, company, shift="night")
        own = profile(session, preferred_shifts=["day"])

        def shift_fit() -> float:
            found = candidates.candidates_for(session=session, vacancy=night_post)
            return next(row.components["shift"] for row in found.candidates if row.trainee.profile_id == own.id)

        assert shift_fit() == 0.0
        set_availability(session=session, trainee_id=own.id or 0, available_from=TODAY, shifts=["night"], today=TODAY)
        session.commit()
        assert shift_fit() == 1.0
