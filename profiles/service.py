"""Trainee profiles' services: import and export in the exchange format, consent (services flush, callers commit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from matching.models import Trainee as ExchangeTrainee
from profiles.exceptions import DuplicateCode, TraineeNotFound
from profiles.models import TraineeProfile, utcnow

#: Codes looked up per query: well under SQLite's limit on bound parameters.
LOOKUP_CHUNK = 500


def get_by_code(*, session: Session, code: str) -> TraineeProfile | None:
    """Return the profile with this exchange id, or None."""
    return session.exec(select(TraineeProfile).where(TraineeProfile.code == code)).first()


def by_codes(*, session: Session, codes: Iterable[str]) -> dict[str, TraineeProfile]:
    """Return the existing profiles among these codes, by code."""
    wanted = sorted(set(codes))
    found: dict[str, TraineeProfile] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.update((p.code, p) for p in session.exec(select(TraineeProfile).where(col(TraineeProfile.code).in_(chunk))))
    return found


def import_trainees(*, session: Session, records: Sequence[ExchangeTrainee], consent: bool = False) -> tuple[int, int]:
    """Create or update (by code) a profile for each record; return (created, updated).

    With `consent`, every imported trainee is recorded as consenting to share their profile; without it, new
    profiles start without consent and existing ones keep theirs (an import never withdraws consent).
    """
    duplicates = sorted(code for code, n in Counter(r.id for r in records).items() if n > 1)
    if duplicates:
        raise DuplicateCode(", ".join(duplicates))
    existing = by_codes(session=session, codes=(r.id for r in records))
    for record in records:
        profile = existing.get(record.id) or TraineeProfile(
            code=record.id, full_name=record.full_name, home_town=record.home_town
        )
        profile.apply_exchange(record)
        if consent:
            _record_consent(profile, True)
        session.add(profile)
    session.flush()
    return len(records) - len(existing), len(existing)


def export_trainees(*, session: Session) -> list[ExchangeTrainee]:
    """Return every profile as an exchange-format trainee, by code."""
    return [p.to_exchange() for p in session.exec(select(TraineeProfile).order_by(col(TraineeProfile.code)))]


def set_consent(*, session: Session, code: str, consent: bool) -> TraineeProfile:
    """Record whether the trainee agrees to share their profile with employers."""
    profile = get_by_code(session=session, code=code)
    if profile is None:
        raise TraineeNotFound(code)
    _record_consent(profile, consent)
    session.add(profile)
    session.flush()
    return profile


def _record_consent(profile: TraineeProfile, consent: bool) -> None:
    # The time is that of the last decision recorded (given or withdrawn), unchanged when it is only repeated.
    if profile.consent_to_share != consent or profile.consent_recorded_at is None:
        profile.consent_recorded_at = utcnow()
        profile.updated_at = profile.consent_recorded_at  # employers' cached candidate lists key on it
    profile.consent_to_share = consent
