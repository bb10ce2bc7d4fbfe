"""Trainee profiles' services: import and export in the exchange format, the officers' profile form, lists and
cohorts, consent (services flush, callers commit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from core import audit
from core.clock import utcnow
from core.problems import Problem
from core.queries import where_in
from matching.models import Trainee as ExchangeTrainee
from matching.normalise import fold
from profiles import cohorts, grades
from profiles.exceptions import DuplicateCode, InvalidProfile, TraineeNotFound
from profiles.forms import check_trainee, trainee_warnings
from profiles.models import LIST_FIELDS, Consent, ConsentScope, TraineeProfile


def get_by_code(*, session: Session, code: str) -> TraineeProfile | None:
    """Return the profile with this exchange id, or None."""
    return session.exec(select(TraineeProfile).where(TraineeProfile.code == code)).first()


def by_codes(*, session: Session, codes: Iterable[str]) -> dict[str, TraineeProfile]:
    """Return the existing profiles among these codes, by code."""
    return {p.code: p for p in where_in(session, select(TraineeProfile), TraineeProfile.code, codes)}


def import_trainees(*, session: Session, records: Sequence[ExchangeTrainee], consent: bool = False) -> tuple[int, int]:
    """Create or update (by code) a profile for each record; return (created, updated).

    With `consent`, every imported trainee is recorded as consenting to share their profile; without it, new
    profiles start without consent and existing ones keep theirs (an import never withdraws consent).
    """
    duplicates = sorted(code for code, n in Counter(r.id for r in records).items() if n > 1)
    if duplicates:
        raise DuplicateCode(", ".join(duplicates))
    existing = by_codes(session=session, codes=(r.id for r in records))
    weights = _weights(session, records)
    consenting: list[TraineeProfile] = []
    for record in records:
        profile = existing.get(record.id) or TraineeProfile(
            code=record.id, full_name=record.full_name, home_town=record.home_town
        )
        computed = grades.computed_overall(profile)
        profile.apply_exchange(record)
        grades.settle_overall(profile, weights.get(profile.cohort or "", {}), computed_before=computed)
        newly_consenting = consent and not profile.consent_to_share
        if consent:
            _record_consent(profile, True)
        session.add(profile)
        if newly_consenting:
            consenting.append(profile)
    session.flush()
    # The import's own event says consent was given; the history gets one row per trainee it changed.
    session.add_all(_consent_row(p, None, "import") for p in consenting)
    session.flush()
    return len(records) - len(existing), len(existing)


def _weights(session: Session, records: Sequence[ExchangeTrainee]) -> dict[str, dict[str, float]]:
    """Return the module weights of the cohorts the records name, by cohort code."""
    codes = (r.training.cohort for r in records if r.training and r.training.cohort)
    return {code: cohort.weights for code, cohort in cohorts.cohorts_by_code(session=session, codes=codes).items()}


def export_trainees(*, session: Session) -> list[ExchangeTrainee]:
    """Return every profile as an exchange-format trainee, by code."""
    return [p.to_exchange() for p in session.exec(select(TraineeProfile).order_by(col(TraineeProfile.code)))]


def set_consent(*, session: Session, code: str, consent: bool, by: int | None = None) -> TraineeProfile:
    """Record whether the trainee agrees to share their profile with employers (`by`: the account; None, the system)."""
    profile = get_by_code(session=session, code=code)
    if profile is None:
        raise TraineeNotFound(code)
    changed = consent != profile.consent_to_share
    _record_consent(profile, consent)
    session.add(profile)
    session.flush()
    if changed:
        _consent_event(session, profile, by)
    return profile


def record_trainee_change(session: Session, profile: TraineeProfile, action: str, *, by: int | None, **fields: Any) -> None:
    """Write the audit event of a change to a trainee's record (`fields`: record's other keywords, details included)."""
    audit.record(session, actor_id=by, entity="trainee", entity_id=profile.id, action=action, trainee_id=profile.id, **fields)


def _consent_row(profile: TraineeProfile, by: int | None, channel: str) -> Consent:
    """Return the consent history's row of the share decision the profile holds now."""
    return Consent(trainee_id=profile.id or 0, scope=ConsentScope.share.value, given=profile.consent_to_share,
                   recorded_by=by, channel=channel, recorded_at=profile.consent_recorded_at or utcnow())  # fmt: skip


def _consent_event(session: Session, profile: TraineeProfile, by: int | None, channel: str = "officer") -> None:
    """Write the share decision just made into the consent history, and its event (ids only)."""
    state = "given" if profile.consent_to_share else "withdrawn"
    row = _consent_row(profile, by, channel)
    session.add(row)
    session.flush()
    record_trainee_change(session, profile, "consent", by=by, to_state=state,
                          details={"scope": row.scope, "channel": channel, "consent_id": row.id})  # fmt: skip


def _record_consent(profile: TraineeProfile, consent: bool) -> None:
    # The time is that of the last decision recorded (given or withdrawn), unchanged when it is only repeated.
    if profile.consent_to_share != consent or profile.consent_recorded_at is None:
        profile.consent_recorded_at = utcnow()
        profile.updated_at = profile.consent_recorded_at  # employers' cached candidate lists key on it
    profile.consent_to_share = consent


# ---------------------------------------------------------------- the officers' profile form


def get_profile(*, session: Session, profile_id: int) -> TraineeProfile:
    """Return a profile by its database id, or raise TraineeNotFound."""
    profile = session.get(TraineeProfile, profile_id)
    if profile is None:
        raise TraineeNotFound(str(profile_id))
    return profile


def create_profile(*, session: Session, data: Mapping[str, Any], consent: bool = False, by: int | None = None) -> TraineeProfile:
    """Check a trainee's exchange fields as an import does and save a new profile; raise InvalidProfile listing every error.

    `consent` records that the trainee agrees to share the profile; a new profile without it has no decision recorded.
    `by` is the account that saves it (None: the system).
    """
    record = _valid(data)
    _check_code_free(session, record.id, profile_id=None)
    profile = TraineeProfile(code=record.id, full_name=record.full_name, home_town=record.home_town)
    _apply(session, profile, record)
    if consent:
        _record_consent(profile, True)
    session.add(profile)
    session.flush()
    record_trainee_change(session, profile, "create", by=by, details={"code": profile.code, "consent": consent})
    if consent:  # the create event says so; the history gets its row
        session.add(_consent_row(profile, by, "officer"))
        session.flush()
    return profile


def update_profile(
    *, session: Session, profile_id: int, data: Mapping[str, Any], consent: bool, by: int | None = None
) -> TraineeProfile:
    """Replace a profile's exchange fields, cohort and consent (a changed consent is recorded with its time, as its own event)."""
    profile = get_profile(session=session, profile_id=profile_id)
    record = _valid(data)
    _check_code_free(session, record.id, profile_id=profile_id)
    before = _snapshot(profile)
    _apply(session, profile, record)
    session.add(profile)
    session.flush()
    changed = audit.changed_fields(before, _snapshot(profile))
    record_trainee_change(session, profile, "edit", by=by, details={"fields": changed})
    if consent != profile.consent_to_share:
        _record_consent(profile, consent)
        session.flush()
        _consent_event(session, profile, by)
    return profile


def _snapshot(profile: TraineeProfile) -> dict[str, Any]:
    """Return the profile's fields an edit may change (its times left out)."""
    return profile.model_dump(mode="json", exclude={"id", "created_at", "updated_at", "consent_recorded_at"})


def profile_warnings(profile: TraineeProfile) -> list[Problem]:
    """Return what deserves the officer's attention in a saved profile: values that match nothing in the taxonomy."""
    return trainee_warnings(profile.to_exchange())


def _valid(data: Mapping[str, Any]) -> ExchangeTrainee:
    checked = check_trainee(data)
    if checked.record is None:
        raise InvalidProfile(checked.errors)
    return checked.record


def _check_code_free(session: Session, code: str, *, profile_id: int | None) -> None:
    other = get_by_code(session=session, code=code)
    if other is not None and other.id != profile_id:
        raise InvalidProfile([Problem("id", "trainee_code_taken")])


def _apply(session: Session, profile: TraineeProfile, record: ExchangeTrainee) -> None:
    history = profile.dropped_out_on, profile.dropout_reason, (profile.training or {}).get("completed")
    computed = grades.computed_overall(profile)
    profile.code = record.id
    profile.apply_exchange(record)
    # The form is the whole profile: an empty cohort clears it (an import without one keeps the stored one).
    profile.cohort = record.training.cohort if record.training else None
    # The form does not show the programme's history: a departure and the school's "completed" are kept as recorded.
    profile.dropped_out_on, profile.dropout_reason, completed = history
    if completed is not None:
        profile.training = {**grades.training_of(profile), "completed": completed}
    cohort = cohorts.cohort_by_code(session=session, code=profile.cohort) if profile.cohort else None
    grades.settle_overall(profile, cohort.weights if cohort else {}, computed_before=computed)


# ---------------------------------------------------------------- lists and cohorts

#: The cohort filter's value for profiles without a cohort.
NO_COHORT = "-"


@dataclass(frozen=True)
class ProfilePage:
    """One page of a filtered list of profiles, and how many profiles the filter finds in all."""

    profiles: list[TraineeProfile]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, -(-self.total // self.per_page))


#: What a list's lines leave unread: decoding these JSON and text columns was most of a page's load (read on access).
_LIST_DEFERRED = [defer(getattr(TraineeProfile, name)) for name in (*LIST_FIELDS, "training", "summary")]


def list_profiles(*, session: Session, cohort: str = "", search: str = "", page: int = 1, per_page: int = 50) -> ProfilePage:
    """Return a page of profiles by code, of one cohort (NO_COHORT: none) and whose code or name contains `search`.

    The search ignores case and accents ("traore" finds "Traoré"); a page number past the end gives the last page.
    """
    wanted = _matching(cohort, search)
    total = session.exec(select(func.count()).select_from(TraineeProfile).where(*wanted)).one()
    page = min(max(page, 1), max(1, -(-total // per_page)))
    query = select(TraineeProfile).where(*wanted).order_by(col(TraineeProfile.code)).options(*_LIST_DEFERRED)
    return ProfilePage(list(session.exec(query.offset((page - 1) * per_page).limit(per_page))), total, page, per_page)


def matching_profiles(*, session: Session, cohort: str = "", search: str = "") -> list[TraineeProfile]:
    """Return every profile the trainees' list finds for a cohort and a search (as `list_profiles`, unpaged), by code."""
    return list(session.exec(select(TraineeProfile).where(*_matching(cohort, search)).order_by(col(TraineeProfile.code))))


def _matching(cohort: str, search: str) -> list[Any]:
    """Return the conditions on profiles of the cohort whose code or name contains the search (case and accents ignored)."""
    conditions: list[Any] = []
    if cohort == NO_COHORT:
        conditions.append(col(TraineeProfile.cohort).is_(None))
    elif cohort:
        conditions.append(TraineeProfile.cohort == cohort)
    # The stored text is folded in Python when a profile is written, so accents are ignored alike on SQLite and
    # PostgreSQL; both sides are folded to [a-z0-9 ], so LIKE's case rules differing between them does not matter.
    wanted = fold(search)
    if wanted:
        conditions.append(col(TraineeProfile.search_text).contains(wanted, autoescape=True))
    return conditions


def cohort_counts(*, session: Session) -> list[tuple[str | None, int]]:
    """Return each cohort (None: profiles without one, last) with its number of profiles, by name."""
    query = select(TraineeProfile.cohort, func.count()).group_by(col(TraineeProfile.cohort))
    counts = [(cohort, int(n)) for cohort, n in session.exec(query)]
    return sorted(counts, key=lambda row: (row[0] is None, row[0] or ""))
