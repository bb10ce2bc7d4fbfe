"""A trainee leaving the programme: an officer records the day and the reason (INDICATORS.md's `dropped_out_on` and
`dropout_reason`), or cancels a departure recorded by mistake. One function per change; they flush.

A trainee who left is no longer a candidate for any vacancy (employers.candidates, employers.review): the change
stamps the profile's `updated_at`, the key of the employers' cached candidate lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlmodel import Session

from core.clock import utcnow
from core.problems import Problem
from profiles.exceptions import InvalidDeparture
from profiles.models import DropoutReason, TraineeProfile
from profiles.service import get_profile, record_trainee_change


def check_departure(typed: Mapping[str, str], *, today: date) -> tuple[date | None, DropoutReason | None, list[Problem]]:
    """Return the day and the reason of a departure form, and every problem: both are required, the day is not in the future."""
    problems: list[Problem] = []
    day_text, reason_text = str(typed.get("dropped_out_on") or "").strip(), str(typed.get("dropout_reason") or "").strip()
    on: date | None = None
    try:
        on = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        problems.append(Problem("dropped_out_on", "field_date"))
    if not day_text:
        problems.append(Problem("dropped_out_on", "field_required"))
    elif on is not None and on > today:
        problems.append(Problem("dropped_out_on", "date_in_future"))
    reason = DropoutReason(reason_text) if reason_text in DropoutReason.__members__ else None
    if reason is None:
        problems.append(Problem("dropout_reason", "dropout_reason_required" if not reason_text else "field_choice"))
    return on, reason, problems


def record_departure(
    *, session: Session, profile_id: int, typed: Mapping[str, str], today: date, by: int | None = None
) -> TraineeProfile:
    """Record that a trainee left the programme on a day, for a reason; raise InvalidDeparture listing every problem."""
    profile = get_profile(session=session, profile_id=profile_id)
    on, reason, problems = check_departure(typed, today=today)
    if problems:
        raise InvalidDeparture(problems)
    profile.dropped_out_on, profile.dropout_reason = on, reason.value if reason else None
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    record_trainee_change(session, profile, "departure", by=by, cause=profile.dropout_reason,
                          details={"dropped_out_on": str(on)})  # fmt: skip
    return profile


def cancel_departure(*, session: Session, profile_id: int, by: int | None = None) -> TraineeProfile:
    """Remove a departure recorded by mistake: the trainee is back in the programme (nothing to remove: no change)."""
    profile = get_profile(session=session, profile_id=profile_id)
    if profile.dropped_out_on is not None or profile.dropout_reason is not None:
        details = {"dropped_out_on": str(profile.dropped_out_on) if profile.dropped_out_on else None}
        cause = profile.dropout_reason
        profile.dropped_out_on, profile.dropout_reason = None, None
        profile.updated_at = utcnow()
        session.add(profile)
        session.flush()
        record_trainee_change(session, profile, "departure_cancelled", by=by, cause=cause, details=details)
    return profile
