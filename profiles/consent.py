"""Consent with its scope and history: each decision (given or withdrawn) is a row saying who recorded it, when and on
what document; the latest row of a scope is the decision in force. Withdrawing ``share`` stops the profile being shown
or ranked for companies at once (``TraineeProfile.consent_to_share`` follows it in the same transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.clock import utcnow
from profiles.exceptions import InvalidConsent
from profiles.models import Consent, ConsentScope, TraineeProfile

#: The longest document reference kept (a form's number, not a text).
DOCUMENT_LENGTH = 200


@dataclass(frozen=True)
class ScopeState:
    """Where one scope stands for a trainee: given or not, and the decision that says so (None: never asked)."""

    scope: ConsentScope
    given: bool
    decided: Consent | None


def history(*, session: Session, trainee_id: int) -> list[Consent]:
    """Return every consent decision recorded for a trainee, the oldest first."""
    query = select(Consent).where(Consent.trainee_id == trainee_id).order_by(col(Consent.recorded_at), col(Consent.id))
    return list(session.exec(query))


def in_force(*, session: Session, trainee_id: int) -> list[ScopeState]:
    """Return each scope's decision in force for a trainee (the latest recorded), in ConsentScope order."""
    latest = {row.scope: row for row in history(session=session, trainee_id=trainee_id)}
    profile = session.get(TraineeProfile, trainee_id)
    # A share decision recorded before the history (or by a bulk load) is the profile's flag.
    shared = profile is not None and profile.consent_to_share
    given = {s: bool(latest[s].given) if s in latest else (s == ConsentScope.share and shared) for s in ConsentScope}
    return [ScopeState(s, given[s], latest.get(s)) for s in ConsentScope]


def parse_scopes(values: Iterable[str]) -> list[ConsentScope]:
    """Return the scopes named, in ConsentScope order; raise InvalidConsent for none or an unknown one."""
    named = set(values)
    unknown = named - {s.value for s in ConsentScope}
    if unknown or not named:
        raise InvalidConsent("scopes")
    return [s for s in ConsentScope if s.value in named]


def record(
    *, session: Session, profile: TraineeProfile, scopes: Iterable[ConsentScope], given: bool, by: int | None,
    channel: str = "officer", document: str | None = None, at: datetime | None = None,
) -> list[Consent]:  # fmt: skip
    """Record one decision on each scope (given or withdrawn) with its document, audited; return the rows written."""
    from profiles.service import record_trainee_change

    document = (document or "").strip() or None
    if document is not None and len(document) > DOCUMENT_LENGTH:
        raise InvalidConsent("document")
    moment = at or utcnow()
    rows = [Consent(trainee_id=profile.id or 0, scope=s.value, given=given, recorded_by=by, channel=channel,
                    document=document, recorded_at=moment) for s in scopes]  # fmt: skip
    session.add_all(rows)
    if any(r.scope == ConsentScope.share for r in rows) and (
        profile.consent_to_share != given or profile.consent_recorded_at is None
    ):
        profile.consent_to_share, profile.consent_recorded_at = given, moment
        profile.updated_at = moment  # employers' cached candidate lists key on it: the change is seen at once
        session.add(profile)
    session.flush()
    for row in rows:  # ids only: the document reference stays in the consent table, which erasure clears
        record_trainee_change(session, profile, "consent", by=by, to_state="given" if given else "withdrawn",
                              details={"scope": row.scope, "channel": channel, "consent_id": row.id})  # fmt: skip
    return rows


def withdraw_by_trainee(*, session: Session, trainee_id: int, scope: ConsentScope, by: int | None) -> Consent | None:
    """Withdraw one scope from the trainee's own phone, effective at once; None when it was not given."""
    profile = session.get(TraineeProfile, trainee_id)
    if profile is None:
        return None
    current = {s.scope: s.given for s in in_force(session=session, trainee_id=trainee_id)}
    if not current[scope]:
        return None
    return record(session=session, profile=profile, scopes=[scope], given=False, by=by, channel="trainee")[0]


def sms_withdrawn(*, session: Session, trainee_id: int) -> bool:
    """Return whether the trainee's latest decision on SMS is a withdrawal (never asked: SMS are sent, as before)."""
    query = (select(Consent.given).where(Consent.trainee_id == trainee_id, Consent.scope == ConsentScope.sms.value)
             .order_by(col(Consent.recorded_at).desc(), col(Consent.id).desc()).limit(1))  # fmt: skip
    latest = session.exec(query).first()
    return latest is False
