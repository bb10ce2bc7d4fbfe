"""A trainee's own availability: the date they can start from and the shifts they accept (the service flushes).

Dates come typed by people on phones: ``2026-03-01`` (what a date field sends) and ``01/03/2026`` (what
someone types where the phone shows a plain text field) are both read. A date more than a year in the past
or more than two years ahead is a typing mistake, not an availability.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from core.clock import utcnow
from matching.models import SHIFTS
from profiles.exceptions import ProfileError, TraineeNotFound
from profiles.models import TraineeProfile
from profiles.service import record_trainee_change

#: How far back a start date may lie (an old date means "available now"; older ones are typing mistakes).
EARLIEST = timedelta(days=365)
#: How far ahead a start date may lie.
LATEST = timedelta(days=2 * 365)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)


class InvalidAvailability(ProfileError):
    """The date or the shifts are wrong; `problems` maps each wrong field to the code of its message."""

    code = "invalid_form"

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {code}" for name, code in self.problems.items()))


@dataclass(frozen=True)
class Availability:
    """When a trainee can start, and the shifts they accept (in the engine's order)."""

    available_from: date
    shifts: tuple[str, ...]


def parse_day(typed: str) -> date | None:
    """Return the date written YYYY-MM-DD or DD/MM/YYYY, or None when it is no real date."""
    text = typed.strip()
    iso, day_first = _ISO.match(text), _DAY_FIRST.match(text)
    if iso:
        year, month, day = (int(x) for x in iso.groups())
    elif day_first:
        day, month, year = (int(x) for x in day_first.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_availability(*, available_from: date | str | None, shifts: Iterable[str], today: date) -> Availability:
    """Return the availability checked, or raise InvalidAvailability naming every wrong field."""
    problems: dict[str, str] = {}
    day = parse_day(available_from) if isinstance(available_from, str) else available_from
    if available_from is None or (isinstance(available_from, str) and not available_from.strip()):
        problems["available_from"] = "date_required"
    elif day is None:
        problems["available_from"] = "date_unreadable"
    elif day < today - EARLIEST:
        problems["available_from"] = "date_too_old"
    elif day > today + LATEST:
        problems["available_from"] = "date_too_far"
    chosen = {s.strip().lower() for s in shifts}
    if not chosen:
        problems["shifts"] = "shifts_required"
    elif not chosen <= set(SHIFTS):
        problems["shifts"] = "shifts_unknown"
    if problems:
        raise InvalidAvailability(problems)
    assert day is not None  # no problem with the date: it was read
    return Availability(day, tuple(s for s in SHIFTS if s in chosen))


def set_availability(
    *, session: Session, trainee_id: int, available_from: date | str | None, shifts: Iterable[str], today: date | None = None,
    by: int | None = None,
) -> TraineeProfile:  # fmt: skip
    """Record the date a trainee can start from and the shifts they accept, after checking them.

    A change moves the profile's ``updated_at``, which the employers' cached candidate lists key on, so
    rankings take it into account; saving the same values again changes nothing.
    """
    profile = session.get(TraineeProfile, trainee_id)
    if profile is None:
        raise TraineeNotFound(str(trainee_id))
    checked = check_availability(available_from=available_from, shifts=shifts, today=today or utcnow().date())
    if profile.available_from != checked.available_from or tuple(profile.preferred_shifts) != checked.shifts:
        profile.available_from = checked.available_from
        profile.preferred_shifts = list(checked.shifts)
        profile.updated_at = utcnow()
        session.add(profile)
        session.flush()
        details = {"available_from": str(checked.available_from) if checked.available_from else None,
                   "shifts": list(checked.shifts)}  # fmt: skip
        record_trainee_change(session, profile, "availability", by=by, details=details)
    return profile
