"""One way to write days, times and amounts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from core.formats import day, day_and_hour, money


def test_amounts_are_grouped_by_language() -> None:
    assert money(40000) == "40\u202f000"
    assert money(1250000, "en") == "1,250,000"
    assert money(900, "fr") == "900"


def test_days_are_written_day_first_and_read_in_utc() -> None:
    assert day(date(2027, 1, 31)) == "31/01/2027"
    late_evening_in_paris = datetime(2027, 2, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert day(late_evening_in_paris) == "31/01/2027"
    assert day(None) == ""
    assert day_and_hour(datetime(2026, 12, 2, 9, 5, tzinfo=UTC)) == "02/12/2026 09:05"
    assert day_and_hour(None) == ""


def test_english_days_name_the_month() -> None:
    assert day(date(2026, 12, 2), "en") == "2 Dec 2026"  # issue 13: one date format per language
    assert day_and_hour(datetime(2027, 1, 31, 14, 5, tzinfo=UTC), "en") == "31 Jan 2027 14:05"
