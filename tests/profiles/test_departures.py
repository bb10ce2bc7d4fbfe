"""An officer records (or cancels) a trainee's departure from the programme, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from profiles import departures
from profiles.exceptions import InvalidDeparture, TraineeNotFound
from profiles.models import DropoutReason
from tests.employers.factories import profile

TODAY = date(2026, 6, 10)


def test_records_the_day_and_reason_and_stamps_the_profile(session: Session) -> None:
    awa = profile(session)
    before = awa.updated_at
    departures.record_departure(session=session, profile_id=awa.id or 0, today=TODAY,
                                typed={"dropped_out_on": "2026-06-10", "dropout_reason": "remigrated"})  # fmt: skip
    session.commit()
    session.refresh(awa)
    assert (awa.dropped_out_on, awa.dropout_reason) == (TODAY, DropoutReason.remigrated)
    assert awa.updated_at > before


@pytest.mark.parametrize(
    ("typed", "expected"),
    [({}, {"dropped_out_on": "field_required", "dropout_reason": "dropout_reason_required"}),
     ({"dropped_out_on": "2026-06-11", "dropout_reason": "health"}, {"dropped_out_on": "date_in_future"}),
     ({"dropped_out_on": "10/06/2026", "dropout_reason": "bored"},
      {"dropped_out_on": "field_date", "dropout_reason": "field_choice"})],
)  # fmt: skip
def test_refuses_a_missing_future_or_unreadable_day_and_a_reason_not_in_the_list(
    session: Session, typed: dict[str, str], expected: dict[str, str]
) -> None:
    awa = profile(session)
    with pytest.raises(InvalidDeparture) as refused:
        departures.record_departure(session=session, profile_id=awa.id or 0, typed=typed, today=TODAY)
    assert {p.field: p.code for p in refused.value.problems} == expected
    session.rollback()
    session.refresh(awa)
    assert (awa.dropped_out_on, awa.dropout_reason) == (None, None)


def test_every_reason_of_the_list_is_accepted() -> None:
    for reason in ("health", "family", "remigrated", "other_job", "disciplinary", "unreachable", "other"):
        assert departures.check_departure({"dropped_out_on": "2026-01-01", "dropout_reason": reason}, today=TODAY)[2] == []


def test_a_departure_recorded_by_mistake_is_cancelled(session: Session) -> None:
    awa = profile(session)
    departures.record_departure(session=session, profile_id=awa.id or 0, today=TODAY,
                                typed={"dropped_out_on": "2026-05-02", "dropout_reason": "family"})  # fmt: skip
    departures.cancel_departure(session=session, profile_id=awa.id or 0)
    session.commit()
    session.refresh(awa)
    assert (awa.dropped_out_on, awa.dropout_reason) == (None, None)


def test_refuses_an_unknown_trainee(session: Session) -> None:
    with pytest.raises(TraineeNotFound):
        departures.record_departure(session=session, profile_id=999, typed={}, today=TODAY)
