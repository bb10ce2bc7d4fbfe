"""A trainee's phase from the records, day by day through a cohort's calendar, and the order of precedence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profiles.models import Cohort, TraineeProfile
from profiles.phases import RULES, Phase, Standing, phase_of, profile_phase

#: The pilot's calendar: training starts in Paris, the trainees come back, training goes on in Bamako, jobs follow.
START, RETURN, END, JOBS = date(2026, 3, 2), date(2026, 3, 9), date(2026, 5, 1), date(2026, 6, 1)
#: Another cohort, back home before its training starts.
BACK_EARLY = date(2026, 2, 20)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Dates:
    """A cohort's calendar: the pilot's, by default."""

    return_date: date | None = RETURN
    training_start: date | None = START
    training_end: date | None = END
    employment_start: date | None = JOBS


PILOT = Dates()
RETURN_FIRST = Dates(return_date=BACK_EARLY)


def phase(on: date, cohort: Dates | None = PILOT, *, completed: bool | None = None, left: date | None = None,
          placed: bool = False) -> Phase:  # fmt: skip
    return phase_of(Standing(on, cohort, completed, left, placed))


class TestThroughTheCalendar:
    def test_selected_until_back_or_in_training(self) -> None:
        assert phase(date(2025, 12, 1)) == Phase.selected
        assert phase(BACK_EARLY - DAY, RETURN_FIRST) == Phase.selected

    def test_returned_from_the_return_day_until_training_starts(self) -> None:
        assert phase(BACK_EARLY, RETURN_FIRST) == Phase.returned
        assert phase(START - DAY, RETURN_FIRST) == Phase.returned

    def test_in_training_from_its_first_to_its_last_day_return_included(self) -> None:
        assert phase(START) == Phase.in_training
        assert phase(RETURN) == Phase.in_training  # back from Paris, training goes on
        assert phase(END) == Phase.in_training

    def test_trained_after_the_last_day_until_jobs_start(self) -> None:
        assert phase(END + DAY) == Phase.trained
        assert phase(JOBS - DAY) == Phase.trained

    def test_job_seeking_once_jobs_may_start(self) -> None:
        assert phase(JOBS) == Phase.job_seeking
        assert phase(date(2027, 6, 1)) == Phase.job_seeking

    def test_without_a_planned_employment_start_job_seeking_follows_training(self) -> None:
        assert phase(date(2026, 5, 2), Dates(employment_start=None)) == Phase.job_seeking

    def test_in_training_from_the_start_when_no_end_is_known(self) -> None:
        assert phase(date(2027, 1, 1), Dates(training_end=None)) == Phase.in_training

    def test_without_a_cohort_or_dates_a_trainee_is_selected(self) -> None:
        assert phase(date(2026, 4, 1), None) == Phase.selected
        assert phase(date(2026, 4, 1), Dates(None, None, None, None)) == Phase.selected


class TestRecords:
    def test_completed_ends_training_before_its_last_day(self) -> None:
        assert phase(date(2026, 4, 20), completed=True) == Phase.trained
        assert phase(date(2026, 4, 20), Dates(employment_start=date(2026, 4, 15)), completed=True) == Phase.job_seeking

    def test_not_completed_is_in_training_until_the_end_then_job_seeking_never_trained(self) -> None:
        assert phase(date(2026, 4, 20), completed=False) == Phase.in_training
        assert phase(END + DAY, completed=False) == Phase.job_seeking

    def test_a_placement_comes_before_every_date(self) -> None:
        for on in (date(2025, 1, 1), date(2026, 4, 1), date(2026, 7, 1)):
            assert phase(on, placed=True) == Phase.placed

    def test_a_departure_comes_before_everything_from_its_day(self) -> None:
        left = date(2026, 4, 10)
        assert phase(left, left=left, placed=True, completed=True) == Phase.left
        assert phase(date(2027, 1, 1), left=left) == Phase.left

    def test_a_departure_after_the_day_does_not_count_yet(self) -> None:
        assert phase(date(2026, 4, 9), left=date(2026, 4, 10)) == Phase.in_training


dates = st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@given(on=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)), r=dates, s=dates, e=dates, j=dates,
       completed=st.none() | st.booleans(), left=dates, placed=st.booleans())  # fmt: skip
def test_the_first_rule_that_holds_decides_and_one_always_does(
    on: date,
    r: date | None,
    s: date | None,
    e: date | None,
    j: date | None,
    completed: bool | None,
    left: date | None,
    placed: bool,
) -> None:
    standing = Standing(on, Dates(r, s, e, j), completed, left, placed)
    holding = [p for p, holds in RULES if holds(standing)]
    assert holding and phase_of(standing) == holding[0]
    assert (phase_of(standing) == Phase.left) == (left is not None and left <= on)
    assert [p for p, _ in RULES] == [Phase.left, Phase.placed, Phase.job_seeking, Phase.trained, Phase.in_training,
                                     Phase.returned, Phase.selected]  # fmt: skip


@pytest.mark.parametrize(("training", "expected"), [(None, Phase.trained), ({"completed": False}, Phase.job_seeking)])
def test_a_profile_s_phase_reads_its_records(training: dict[str, bool] | None, expected: Phase) -> None:
    profile = TraineeProfile(code="T-1", full_name="Awa", home_town="Bamako", training=training)
    cohort = Cohort(code="2026-A", training_start=date(2026, 3, 2), training_end=date(2026, 5, 1),
                    employment_start=date(2026, 6, 1))  # fmt: skip
    assert profile_phase(profile, cohort, placed=False, on=date(2026, 5, 10)) == expected
    profile.dropped_out_on = date(2026, 5, 5)
    assert profile_phase(profile, cohort, placed=False, on=date(2026, 5, 10)) == Phase.left
